//! The REST half of the look-alike: an OKX V5 REST server on 127.0.0.1.
//!
//! It checks the `OK-ACCESS-*` headers and recomputes the signature with the
//! test secret ([`crate::sign::verify`]), answers a bad one with OKX's own
//! 50113 body (HTTP 401) and a timestamp more than 30 s off with 50102,
//! enforces per-endpoint rate limits with 50011 (HTTP 429), keeps simple
//! order state (place, amend, cancel, batches with per-item `sCode`, look-up,
//! pending list), serves realistic bodies for the other endpoints, and
//! injects latency, timeouts and 5xx on demand. Every request is logged.
//!
//! ```no_run
//! # async fn demo() {
//! use okx_testkit::rest::{Fault, MockOkx};
//!
//! let okx = MockOkx::start().await;
//! let base = okx.base_url(); // point the client here, with okx.api_key() etc.
//! okx.fail_next("/api/v5/trade/order", Fault::Timeout { processed: true }, 1);
//! # let _ = base;
//! // ... run the code under test ...
//! assert_eq!(okx.orders().len(), 1);
//! # }
//! ```

mod bodies;
mod lists;
mod orders;
mod respond;
pub mod samples;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

pub use bodies::{CANDLES_NEWEST, CANDLES_TOTAL};
pub use orders::{MockOrder, OrderRule};

/// The API key the look-alike accepts.
pub const TEST_API_KEY: &str = "0d4c6f2e-okx-testkit-api-key";
/// The secret it signs with.
pub const TEST_SECRET: &str = "5F1C2D3E4A5B6C7D8E9FA0B1C2D3E4F5";
/// The passphrase it expects.
pub const TEST_PASSPHRASE: &str = "testkit-passphrase";

/// A fault to inject into the next matching requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
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

#[derive(Debug, Clone, Copy)]
pub(crate) struct Limit {
    count: u32,
    window: Duration,
    per_inst: bool,
}

#[derive(Default)]
pub(crate) struct State {
    pub(crate) log: Vec<LoggedRequest>,
    pub(crate) orders: orders::Orders,
    pub(crate) skew_ms: i64,
    pub(crate) latency: Duration,
    pub(crate) faults: Vec<(String, Fault, u32)>,
    pub(crate) limits_on: bool,
    pub(crate) log_on: bool,
    pub(crate) limits: HashMap<String, Limit>,
    pub(crate) hits: HashMap<String, Vec<(std::time::Instant, u32)>>,
    pub(crate) overrides: HashMap<(String, String), (u16, String)>,
    pub(crate) lists: HashMap<String, lists::List>,
}

pub(crate) type Shared = Arc<Mutex<State>>;

pub(crate) fn lock(state: &Shared) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

/// Builds a [`MockOkx`].
#[derive(Debug, Clone)]
pub struct MockOkxBuilder {
    rate_limits: bool,
    log: bool,
}

impl MockOkxBuilder {
    /// Whether per-endpoint rate limits are enforced (default: yes).
    /// Benchmarks turn them off.
    pub fn rate_limits(mut self, on: bool) -> Self {
        self.rate_limits = on;
        self
    }

    /// Whether requests are logged for [`MockOkx::requests`] (default: yes).
    /// Benchmarks turn it off so memory stays flat.
    pub fn log_requests(mut self, on: bool) -> Self {
        self.log = on;
        self
    }

    /// Starts the server on a free port of 127.0.0.1.
    pub async fn start(self) -> MockOkx {
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        let state: Shared = Arc::new(Mutex::new(State {
            limits_on: self.rate_limits,
            log_on: self.log,
            limits: default_limits(),
            ..State::default()
        }));
        Mock::given(any())
            .respond_with(respond::Responder {
                state: state.clone(),
            })
            .mount(&server)
            .await;
        MockOkx { server, state }
    }
}

/// OKX's limits for the endpoints the look-alike acts on; others get
/// 20 per 2 s.
fn default_limits() -> HashMap<String, Limit> {
    let ip = |count, ms| Limit {
        count,
        window: Duration::from_millis(ms),
        per_inst: false,
    };
    let inst = |count, ms| Limit {
        count,
        window: Duration::from_millis(ms),
        per_inst: true,
    };
    [
        ("GET /api/v5/public/time", ip(10, 2000)),
        ("GET /api/v5/public/instruments", ip(20, 2000)),
        ("GET /api/v5/market/ticker", ip(20, 2000)),
        ("GET /api/v5/market/tickers", ip(20, 2000)),
        ("GET /api/v5/market/books", ip(40, 2000)),
        ("GET /api/v5/market/candles", ip(40, 2000)),
        ("GET /api/v5/market/history-candles", ip(20, 2000)),
        ("POST /api/v5/trade/order", inst(60, 2000)),
        ("POST /api/v5/trade/batch-orders", inst(300, 2000)),
        ("POST /api/v5/trade/amend-order", inst(60, 2000)),
        ("POST /api/v5/trade/cancel-order", inst(60, 2000)),
        ("GET /api/v5/trade/order", inst(60, 2000)),
        ("GET /api/v5/trade/orders-pending", ip(60, 2000)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The running look-alike. Dropping it stops the server.
pub struct MockOkx {
    server: MockServer,
    state: Shared,
}

impl std::fmt::Debug for MockOkx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockOkx")
            .field("base_url", &self.server.uri())
            .finish_non_exhaustive()
    }
}

impl MockOkx {
    /// Starts a look-alike with OKX's rate limits enforced.
    pub async fn start() -> Self {
        Self::builder().start().await
    }

    /// A builder for non-default settings.
    pub fn builder() -> MockOkxBuilder {
        MockOkxBuilder {
            rate_limits: true,
            log: true,
        }
    }

    /// `http://127.0.0.1:PORT`, the base URL to give the client.
    pub fn base_url(&self) -> String {
        self.server.uri()
    }

    /// The API key the look-alike accepts ([`TEST_API_KEY`]).
    pub fn api_key(&self) -> &'static str {
        TEST_API_KEY
    }

    /// The secret it checks signatures with ([`TEST_SECRET`]).
    pub fn secret(&self) -> &'static str {
        TEST_SECRET
    }

    /// The passphrase it expects ([`TEST_PASSPHRASE`]).
    pub fn passphrase(&self) -> &'static str {
        TEST_PASSPHRASE
    }

    /// Moves the server's clock by `ms` against the local one (it shows in
    /// `/api/v5/public/time` and in the 30 s timestamp check).
    pub fn set_clock_skew_ms(&self, ms: i64) {
        lock(&self.state).skew_ms = ms;
    }

    /// Adds a delay to every answer.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.state).latency = latency;
    }

    /// Injects `fault` into the next `times` requests to `path`.
    pub fn fail_next(&self, path: &str, fault: Fault, times: u32) {
        lock(&self.state)
            .faults
            .push((path.to_owned(), fault, times));
    }

    /// Sets the rate limit of `METHOD path` (e.g. `"GET /api/v5/market/ticker"`),
    /// counted per instrument when `per_inst`.
    pub fn set_rate_limit(&self, endpoint: &str, count: u32, window: Duration, per_inst: bool) {
        lock(&self.state).limits.insert(
            endpoint.to_owned(),
            Limit {
                count,
                window,
                per_inst,
            },
        );
    }

    /// Adds a rule that can reject order items (place and batch place) with
    /// an `sCode`/`sMsg` of its choosing.
    pub fn reject_orders_where(
        &self,
        rule: impl Fn(&serde_json::Value) -> Option<(u32, String)> + Send + Sync + 'static,
    ) {
        lock(&self.state).orders.rules.push(Arc::new(rule));
    }

    /// Answers `method path` with this status and body from now on.
    pub fn set_response(&self, method: &str, path: &str, status: u16, body: impl Into<String>) {
        lock(&self.state)
            .overrides
            .insert((method.to_owned(), path.to_owned()), (status, body.into()));
    }

    /// Serves `GET path` from these records from now on, paged like OKX:
    /// newest first by `cursor_field` (decimal text such as `billId` or
    /// `ts`), honouring `after` (older than), `before` (newer than; alone it
    /// returns the newest page, not the one just after the cursor) and
    /// `limit` (default and maximum 100). The fiat order histories take
    /// `after`/`before` as an inclusive begin / end time filter, as OKX
    /// documents them.
    pub fn serve_list(&self, path: &str, cursor_field: &str, records: Vec<serde_json::Value>) {
        lock(&self.state).lists.insert(
            path.to_owned(),
            lists::List {
                cursor: cursor_field.to_owned(),
                records,
            },
        );
    }

    /// Adds records to a list served by [`MockOkx::serve_list`] (new
    /// records arriving at OKX). Does nothing for a path not served so.
    pub fn push_list(&self, path: &str, records: Vec<serde_json::Value>) {
        if let Some(list) = lock(&self.state).lists.get_mut(path) {
            list.records.extend(records);
        }
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.state).log.clone()
    }

    /// How many requests `method path` received.
    pub fn count(&self, method: &str, path: &str) -> usize {
        lock(&self.state)
            .log
            .iter()
            .filter(|r| r.method == method && r.path == path)
            .count()
    }

    /// Every order placed so far, in order.
    pub fn orders(&self) -> Vec<MockOrder> {
        lock(&self.state).orders.list.clone()
    }
}
