//! The exchange's record of its two doors: the WebSocket connections and
//! their subscriptions, the REST request log and the faults set on each.
//! The doors themselves (`crate::ws`, `crate::rest`) read and write this
//! state under the exchange lock; the exchange uses it to route pushes.

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// The three OKX WebSocket endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `/ws/v5/public`: market data, no login needed.
    Public,
    /// `/ws/v5/private`: account channels and WS trading, login required.
    Private,
    /// `/ws/v5/business`: candles, trades-all, algo orders.
    Business,
}

impl Endpoint {
    /// The URL path of this endpoint.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Public => "/ws/v5/public",
            Endpoint::Private => "/ws/v5/private",
            Endpoint::Business => "/ws/v5/business",
        }
    }

    pub(crate) fn from_path(path: &str) -> Option<Self> {
        let path = path.split('?').next().unwrap_or(path);
        [Endpoint::Public, Endpoint::Private, Endpoint::Business]
            .into_iter()
            .find(|e| e.path() == path)
    }
}

/// Counters a test can assert on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Connections accepted so far.
    pub connections: u64,
    /// Connections open now.
    pub open: u64,
    /// Successful logins.
    pub logins: u64,
    /// Rejected logins.
    pub login_failures: u64,
    /// Subscribe args acknowledged.
    pub subscribed: u64,
    /// Trading operations answered.
    pub trade_ops: u64,
}

/// What a connection task is told to do by the server API.
#[derive(Debug)]
pub(crate) enum Out {
    Text(Arc<str>),
    Close(u16, &'static str),
    CloseAfter(Duration),
    Abort,
}

pub(crate) struct ConnEntry {
    pub(crate) endpoint: Endpoint,
    pub(crate) tx: mpsc::Sender<Out>,
    pub(crate) subs: Vec<Map<String, Value>>,
    /// The account logged in on this connection, and its `uid`.
    pub(crate) account: Option<usize>,
    pub(crate) uid: Option<String>,
    pub(crate) silent: Arc<AtomicBool>,
    /// No pushes at all (`Fault::MuteFeeds`).
    pub(crate) muted: bool,
    /// No pushes for these instruments (`Fault::MuteInstrument`).
    pub(crate) muted_inst: Vec<String>,
}

impl ConnEntry {
    /// Queues a push. A client too slow to keep 4096 frames queued is cut
    /// off, as OKX closes a connection whose buffer is full.
    pub(crate) fn send(&self, frame: Arc<str>) -> bool {
        match self.tx.try_send(Out::Text(frame)) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let _ = tx.send(Out::Close(4005, "buffer full")).await;
                });
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }
}

/// The WS door's part of the exchange state: connections and subscriptions,
/// and the faults set on it.
#[derive(Default)]
pub(crate) struct WsState {
    pub(crate) conns: HashMap<u64, ConnEntry>,
    /// Subscriptions per `(channel, instId)`, so the exchange only builds
    /// pushes someone will read.
    pub(crate) interest: HashMap<(String, String), usize>,
    pub(crate) reject_login: Option<&'static str>,
    /// Refuse the next this many subscribe requests with this code.
    pub(crate) reject_subs: Option<(&'static str, u32)>,
    /// A refused login gets a 4001 close instead of an error event.
    pub(crate) login_close: bool,
    /// Trading ops get `{"event":"error","id":..}` with this code.
    pub(crate) reject_ops: Option<&'static str>,
    pub(crate) delay: Duration,
    /// Delivery lag of connections accepted from now on.
    pub(crate) lag_new: Duration,
    pub(crate) stats: Stats,
}

impl WsState {
    /// Whether any connection subscribes to `channel` for `inst_id`.
    pub(crate) fn wants(&self, channel: &str, inst_id: &str) -> bool {
        self.interest
            .get(&(channel.to_owned(), inst_id.to_owned()))
            .is_some_and(|n| *n > 0)
    }

    /// Channels starting with `prefix` subscribed for `inst_id`.
    pub(crate) fn channels_for(&self, inst_id: &str, prefix: &str) -> Vec<String> {
        self.interest
            .iter()
            .filter(|((c, i), n)| **n > 0 && i == inst_id && c.starts_with(prefix))
            .map(|((c, _), _)| c.clone())
            .collect()
    }

    pub(crate) fn count_interest(&mut self, sub: &Map<String, Value>, up: bool) {
        let text = |k: &str| sub.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        let key = (text("channel"), text("instId"));
        let n = self.interest.entry(key.clone()).or_insert(0);
        if up {
            *n += 1;
        } else {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.interest.remove(&key);
            }
        }
    }
}

/// Stops the exchange's timers when the door that started them goes.
pub(crate) struct Tasks(pub(crate) Mutex<Vec<JoinHandle<()>>>);

impl Drop for Tasks {
    fn drop(&mut self) {
        for task in self.0.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            task.abort();
        }
    }
}

/// Queues `frame` for every connection with a subscription matching `arg`.
pub(crate) fn broadcast(ws: &WsState, arg: &Value, frame: Arc<str>) -> usize {
    let mut sent = 0;
    let inst_id = arg.get("instId").and_then(Value::as_str);
    for conn in ws.conns.values() {
        if conn.muted || inst_id.is_some_and(|i| conn.muted_inst.iter().any(|m| m == i)) {
            continue;
        }
        let uid = arg.get("uid").and_then(Value::as_str);
        if uid.is_some() && conn.uid.as_deref() != uid {
            continue;
        }
        if conn.subs.iter().any(|s| matches(s, arg)) && conn.send(frame.clone()) {
            sent += 1;
        }
    }
    sent
}

/// Whether a push `arg` matches a subscription.
pub(crate) fn matches(sub: &Map<String, Value>, push: &Value) -> bool {
    let get = |k: &str| push.get(k).and_then(Value::as_str);
    if sub.get("channel").and_then(Value::as_str) != get("channel") {
        return false;
    }
    for key in ["instId", "instFamily", "ccy"] {
        let want = sub.get(key).and_then(Value::as_str);
        if want.is_some_and(|want| get(key).is_some_and(|have| have != want)) {
            return false;
        }
    }
    match (sub.get("instType").and_then(Value::as_str), get("instType")) {
        (Some(want), Some(have)) => want == "ANY" || want == have,
        _ => true,
    }
}

/// A fault to inject into the next matching requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestFault {
    /// Hold the answer for 60 s, so the client times out. With `processed`
    /// the request takes effect first (the answer is what gets lost);
    /// without, it is dropped unseen.
    Timeout {
        /// Whether the request takes effect before the answer is lost.
        processed: bool,
    },
    /// Answer with this HTTP status (500, 502, 503, ...) without acting.
    Status(u16),
    /// Answer with OKX's 50011 and HTTP 429, without acting.
    RateLimit,
    /// Act normally, but answer after this delay.
    Latency(Duration),
}

/// One logged request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// Path without query.
    pub path: String,
    /// Query string without `?` (may be empty).
    pub query: String,
    /// Body text.
    pub body: String,
    /// Whether it carried `OK-ACCESS-SIGN`.
    pub signed: bool,
    /// The `expTime` header, if any.
    pub exp_time: Option<String>,
    /// Whether it carried `x-simulated-trading: 1`.
    pub demo: bool,
    /// HTTP status answered (0 when a fault dropped it).
    pub status: u16,
    /// OKX `code` answered (empty for non-OKX answers).
    pub code: String,
}

/// The REST door's part of the exchange state.
#[derive(Default)]
pub(crate) struct RestState {
    pub(crate) log: Vec<LoggedRequest>,
    pub(crate) latency: Duration,
    pub(crate) faults: Vec<(String, RestFault, u32)>,
    pub(crate) log_off: bool,
    pub(crate) overrides: HashMap<(String, String), (u16, String)>,
    pub(crate) lists: HashMap<String, super::lists::List>,
    /// Endpoints the exchange does not simulate answer OKX's documented
    /// example (`true`) or 50005 "not simulated" (`false`).
    pub(crate) samples: bool,
}
