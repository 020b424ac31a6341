//! A bare OKX client: signed REST calls and a WebSocket session.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use okx_testkit::{Okx, TEST_API_KEY, TEST_PASSPHRASE, TEST_SECRET};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` of Unix milliseconds.
pub fn iso(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    )
}

pub fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Credentials of one account.
#[derive(Clone)]
pub struct Key {
    pub key: String,
    pub secret: String,
    pub passphrase: String,
    pub demo: bool,
}

impl Key {
    pub fn default_account() -> Self {
        Key {
            key: TEST_API_KEY.into(),
            secret: TEST_SECRET.into(),
            passphrase: TEST_PASSPHRASE.into(),
            demo: false,
        }
    }
}

/// Signed REST calls to the exchange.
pub struct Rest {
    base: String,
    http: reqwest::Client,
    pub key: Key,
}

impl Rest {
    pub fn new(okx: &Okx, key: Key) -> Self {
        Rest {
            base: okx.rest_url(),
            http: reqwest::Client::new(),
            key,
        }
    }

    async fn call(&self, method: &str, path: &str, body: &str) -> (u16, Value) {
        let ts = iso(wall_ms());
        let sign =
            okx_testkit::sign::okx_signature(&self.key.secret, &ts, method, path, body.as_bytes());
        let url = format!("{}{}", self.base, path);
        let req = if method == "GET" {
            self.http.get(url)
        } else {
            self.http.post(url).body(body.to_owned())
        };
        let mut req = req
            .header("OK-ACCESS-KEY", &self.key.key)
            .header("OK-ACCESS-SIGN", sign)
            .header("OK-ACCESS-TIMESTAMP", ts)
            .header("OK-ACCESS-PASSPHRASE", &self.key.passphrase)
            .header("Content-Type", "application/json");
        if self.key.demo {
            req = req.header("x-simulated-trading", "1");
        }
        let resp = req.send().await.expect("the exchange answers");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("a body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn get(&self, path: &str) -> Value {
        self.call("GET", path, "").await.1
    }

    pub async fn get_status(&self, path: &str) -> (u16, Value) {
        self.call("GET", path, "").await
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        self.call("POST", path, &body.to_string()).await.1
    }

    /// `data` of a successful answer.
    pub async fn data(&self, path: &str) -> Vec<Value> {
        let v = self.get(path).await;
        assert_eq!(v["code"], "0", "{path}: {v}");
        v["data"].as_array().cloned().unwrap_or_default()
    }

    /// Places one order; returns its `ordId` (panics on refusal).
    pub async fn place(&self, order: Value) -> String {
        let v = self.post("/api/v5/trade/order", order).await;
        assert_eq!(v["code"], "0", "{v}");
        v["data"][0]["ordId"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn order(&self, inst_id: &str, ord_id: &str) -> Value {
        let v = self
            .get(&format!(
                "/api/v5/trade/order?instId={inst_id}&ordId={ord_id}"
            ))
            .await;
        assert_eq!(v["code"], "0", "{v}");
        v["data"][0].clone()
    }
}

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A WebSocket session with the exchange.
pub struct Ws {
    pub socket: Socket,
}

impl Ws {
    pub async fn connect(url: &str) -> Self {
        let (socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("ws connects");
        Ws { socket }
    }

    pub async fn send(&mut self, v: Value) {
        self.socket
            .send(Message::Text(v.to_string()))
            .await
            .expect("sent");
    }

    /// The next JSON frame, within `within`.
    pub async fn next(&mut self, within: Duration) -> Option<Value> {
        loop {
            match tokio::time::timeout(within, self.socket.next()).await {
                Ok(Some(Ok(Message::Text(t)))) => {
                    if t == "pong" {
                        continue;
                    }
                    return serde_json::from_str(&t).ok();
                }
                Ok(Some(Ok(_))) => continue,
                _ => return None,
            }
        }
    }

    /// The next frame `pred` accepts.
    pub async fn until(&mut self, within: Duration, mut pred: impl FnMut(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next(left).await {
                Some(v) if pred(&v) => return v,
                Some(_) => {}
                None => panic!("no matching frame within {within:?}"),
            }
        }
    }

    /// Every frame that arrives within `within`.
    pub async fn drain(&mut self, within: Duration) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + within;
        let mut out = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return out;
            }
            match self.next(left).await {
                Some(v) => out.push(v),
                None => return out,
            }
        }
    }

    /// Logs in with `key`, timestamp sent as a string.
    pub async fn login(&mut self, key: &Key) -> Value {
        let ts = (wall_ms() / 1000).to_string();
        let sign = okx_testkit::sign::ws_login_signature(&key.secret, &ts);
        self.send(
            json!({"op": "login", "args": [{"apiKey": key.key, "passphrase": key.passphrase,
            "timestamp": ts, "sign": sign}]}),
        )
        .await;
        self.until(Duration::from_secs(5), |v| v.get("event").is_some())
            .await
    }

    pub async fn subscribe(&mut self, args: Value) {
        self.send(json!({"op": "subscribe", "args": args})).await;
        let want = args.as_array().map_or(0, Vec::len);
        for _ in 0..want {
            let ack = self
                .until(Duration::from_secs(5), |v| v.get("event").is_some())
                .await;
            assert_eq!(ack["event"], "subscribe", "{ack}");
        }
    }
}

/// A still exchange (the market moves only when stepped).
pub async fn still() -> Okx {
    Okx::builder()
        .market_motion(None)
        .start()
        .await
        .expect("starts")
}

/// A still exchange without rate limits, for tests that call faster than
/// OKX allows.
pub async fn still_unlimited() -> Okx {
    Okx::builder()
        .market_motion(None)
        .rate_limits(false)
        .start()
        .await
        .expect("starts")
}

pub fn channel(v: &Value) -> &str {
    v["arg"]["channel"].as_str().unwrap_or("")
}

pub fn dec(v: &Value) -> rust_decimal::Decimal {
    v.as_str().unwrap_or("").parse().unwrap_or_default()
}

pub const SECOND: Duration = Duration::from_secs(1);
