//! The client over a transport other than its own `reqwest::Client`: the
//! user's client (against the testkit's look-alike) and one that answers
//! in memory.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use okx_auth::Credentials;
use okx_models::trade::OrderRequest;
use okx_models::{Side, Ticker};
use okx_rest::{LimitScope, LimitUnit, Method, RateLimit, Request, RestClient, Transport};
use okx_testkit::rest::MockOkx;
use rust_decimal::Decimal;
use serde::Serialize;

const SECRET: &str = "22582BD0CFF14C41EDBF1AB98506286D";

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct GetTicker {
    inst_id: &'static str,
}

impl Request for GetTicker {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v5/market/ticker";
    const SIGNED: bool = false;
    const RATE_LIMIT: RateLimit = RateLimit {
        count: 20,
        window_ms: 2000,
        unit: LimitUnit::Requests,
        scope: LimitScope::Ip,
    };
    type Response = Ticker;
}

/// A request as the transport received it.
#[derive(Debug)]
struct Seen {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What a [`Memory`] transport was sent.
type Log = Arc<Mutex<Vec<Seen>>>;

/// Answers every request with `answer`, keeping what it was sent.
#[derive(Debug)]
struct Memory {
    answer: &'static str,
    seen: Log,
}

impl Memory {
    fn new(answer: &'static str) -> (Self, Log) {
        let seen = Log::default();
        let memory = Memory {
            answer,
            seen: seen.clone(),
        };
        (memory, seen)
    }
}

type Answer<'a> =
    Pin<Box<dyn Future<Output = Result<reqwest::Response, reqwest::Error>> + Send + 'a>>;

impl Transport for Memory {
    fn execute(&self, request: reqwest::Request) -> Answer<'_> {
        let headers = request
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("?").to_owned()))
            .collect();
        let body = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .unwrap_or_default()
            .to_vec();
        self.seen.lock().expect("lock").push(Seen {
            method: request.method().to_string(),
            url: request.url().to_string(),
            headers,
            body,
        });
        let answer = http::Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(self.answer)
            .expect("a valid answer");
        Box::pin(async move { Ok(reqwest::Response::from(answer)) })
    }
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal literal")
}

#[tokio::test]
async fn an_order_goes_out_signed_through_a_transport_in_memory() {
    let (memory, seen) = Memory::new(
        r#"{"code":"0","msg":"","data":[{"clOrdId":"abc1","ordId":"777","tag":"","ts":"1695190491421","sCode":"0","sMsg":"Order placed"}],"inTime":"1","outTime":"2"}"#,
    );
    let client = RestClient::builder()
        .base_url("https://okx.invalid")
        .credentials(Credentials::new("key-1", SECRET, "pass-1"))
        .transport(memory)
        .build()
        .expect("builds");
    let order = OrderRequest::limit("BTC-USDT", Side::Buy, dec("0.01"), dec("25000.5"));
    let ack = client.place(order).await.expect("placed");
    assert_eq!(ack.ord_id, "777");

    let seen = seen.lock().expect("lock");
    assert_eq!(seen.len(), 1, "sent once");
    let sent = &seen[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.url, "https://okx.invalid/api/v5/trade/order");
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.header("OK-ACCESS-KEY"), Some("key-1"));
    assert_eq!(sent.header("OK-ACCESS-PASSPHRASE"), Some("pass-1"));
    assert!(sent.header("expTime").is_some(), "an order carries expTime");
    let body: serde_json::Value = serde_json::from_slice(&sent.body).expect("JSON body");
    assert_eq!(body["instId"], "BTC-USDT");
    assert_eq!(body["px"], "25000.5");
    assert!(body["clOrdId"].as_str().is_some_and(|c| !c.is_empty()));
    // The signature is checked the way OKX checks it, with plain HMAC.
    let (ts, sign) = (
        sent.header("OK-ACCESS-TIMESTAMP"),
        sent.header("OK-ACCESS-SIGN"),
    );
    let (Some(ts), Some(sign)) = (ts, sign) else {
        panic!("unsigned: {sent:?}");
    };
    let path = "/api/v5/trade/order";
    assert!(okx_testkit::sign::verify(
        SECRET, ts, "POST", path, &sent.body, sign
    ));
}

#[tokio::test]
async fn a_read_is_decoded_from_a_transport_in_memory() {
    let (memory, seen) = Memory::new(
        r#"{"code":"0","msg":"","data":[{"instType":"SPOT","instId":"BTC-USDT","last":"30236.10","lastSz":"0.1","askPx":"30236.2","askSz":"1","bidPx":"30236.1","bidSz":"2","open24h":"1","high24h":"2","low24h":"0.5","volCcy24h":"10","vol24h":"3","sodUtc0":"1","sodUtc8":"1","ts":"1652459224818"}]}"#,
    );
    let client = RestClient::builder()
        .base_url("https://okx.invalid")
        .transport(memory)
        .build()
        .expect("builds");
    let rows = client
        .send(&GetTicker {
            inst_id: "BTC-USDT",
        })
        .await
        .expect("ticker");
    assert_eq!(rows[0].inst_id, "BTC-USDT");
    assert_eq!(
        rows[0].last.map(|d| d.to_string()).as_deref(),
        Some("30236.10")
    );
    let seen = seen.lock().expect("lock");
    assert_eq!(seen[0].method, "GET");
    assert_eq!(
        seen[0].url,
        "https://okx.invalid/api/v5/market/ticker?instId=BTC-USDT"
    );
    assert_eq!(
        seen[0].header("OK-ACCESS-SIGN"),
        None,
        "a public call is not signed"
    );
}

#[tokio::test]
async fn a_reqwest_client_of_the_users_sends_the_requests() {
    let okx = MockOkx::start().await;
    // The user's own client marks every request as demo trading; the REST
    // client is not in demo mode, so only the user's client can add it.
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-simulated-trading", "1".parse().expect("header value"));
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("reqwest client");
    let client = RestClient::builder()
        .base_url(okx.base_url())
        .transport(http)
        .build()
        .expect("builds");
    let rows = client
        .send(&GetTicker {
            inst_id: "BTC-USDT",
        })
        .await
        .expect("ticker");
    assert_eq!(rows[0].inst_id, "BTC-USDT");
    let log = okx.requests();
    assert_eq!(log.len(), 1);
    assert!(log[0].demo, "sent by the user's client: {:?}", log[0]);
    assert!(!log[0].signed);
}
