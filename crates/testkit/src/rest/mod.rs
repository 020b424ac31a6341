//! The REST door of the look-alike: an OKX V5 REST server on 127.0.0.1 (a
//! wiremock server whose responder is the simulated exchange).
//!
//! It checks the `OK-ACCESS-*` headers and recomputes the signature with the
//! key's secret ([`crate::sign::verify`]), answers a bad one with OKX's own
//! 50113 body (HTTP 401), a timestamp more than 30 s off with 50102 and a
//! demo key used live (or the reverse) with 50101, enforces per-endpoint
//! rate limits with 50011 (HTTP 429) — order endpoints share their counters
//! with WS trading — runs orders on the exchange (place, amend, cancel,
//! batches with per-item `sCode`, mass cancel, `cancel-all-after`), answers
//! queries from its state (orders, fills, bills, balances, positions,
//! books, candles, tickers, instruments), serves realistic bodies for the
//! other endpoints, and injects latency, lost answers and 5xx on demand.
//! Every request is logged.
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

mod admin;
mod bodies;
mod extra;
mod respond;
mod route;
pub mod samples;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

use crate::exchange::Exchange;
use crate::exchange::limits::Limit;

pub use route::FROM_STATE;

/// Whether the exchange answers `method path` from its state (orders,
/// balances, market data) rather than with a recorded sample body.
pub fn from_state(method: &str, path: &str) -> bool {
    route::simulated(method, path)
}

pub(crate) use crate::exchange::doors::RestState;
pub use crate::exchange::doors::{LoggedRequest, RestFault as Fault};
pub use crate::exchange::{OrderRule, TEST_API_KEY, TEST_PASSPHRASE, TEST_SECRET};

/// One order the exchange holds, as [`MockOkx::orders`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockOrder {
    /// Assigned order id.
    pub ord_id: String,
    /// Client order id (may be empty).
    pub cl_ord_id: String,
    /// Instrument.
    pub inst_id: String,
    /// `live`, `partially_filled`, `filled` or `canceled`.
    pub state: String,
    /// The order record as `GET /api/v5/trade/order` returns it.
    pub record: Value,
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

    /// Starts the server on a free port of 127.0.0.1, over an exchange of
    /// its own (default instruments and account, a market that moves only
    /// when told).
    pub async fn start(self) -> MockOkx {
        let exchange = Exchange::standalone();
        {
            let mut world = exchange.lock();
            world.limits.on = self.rate_limits;
            world.rest.log_off = !self.log;
            // The REST harness: every documented endpoint answers.
            world.rest.samples = true;
        }
        let okx = MockOkx::serve(exchange.clone()).await;
        let timers = crate::spawn_timers(&exchange);
        okx.tasks
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(timers);
        okx
    }
}

/// The running look-alike. Dropping it stops the server.
pub struct MockOkx {
    server: MockServer,
    pub(crate) exchange: Arc<Exchange>,
    tasks: crate::ws::Tasks,
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

    /// Serves `exchange` on a free port of 127.0.0.1.
    pub(crate) async fn serve(exchange: Arc<Exchange>) -> Self {
        Self::serve_with(exchange, MockServer::builder()).await
    }

    pub(crate) async fn serve_with(
        exchange: Arc<Exchange>,
        builder: wiremock::MockServerBuilder,
    ) -> Self {
        let server = builder.disable_request_recording().start().await;
        Mock::given(any())
            .respond_with(respond::Responder {
                exchange: exchange.clone(),
            })
            .mount(&server)
            .await;
        MockOkx {
            server,
            exchange,
            tasks: crate::ws::Tasks(std::sync::Mutex::new(Vec::new())),
        }
    }

    /// `http://127.0.0.1:PORT`, the base URL to give the client.
    pub fn base_url(&self) -> String {
        self.server.uri()
    }

    /// The API key of the exchange's default account ([`TEST_API_KEY`]).
    pub fn api_key(&self) -> &'static str {
        TEST_API_KEY
    }

    /// Its secret ([`TEST_SECRET`]).
    pub fn secret(&self) -> &'static str {
        TEST_SECRET
    }

    /// Its passphrase ([`TEST_PASSPHRASE`]).
    pub fn passphrase(&self) -> &'static str {
        TEST_PASSPHRASE
    }

    /// Moves the exchange's clock by `ms` against the local one (it shows
    /// in `/api/v5/public/time` and in the 30 s timestamp checks of both
    /// doors).
    pub fn set_clock_skew_ms(&self, ms: i64) {
        self.exchange.clock.set_skew_ms(ms);
    }

    /// Holds the exchange clock (order times, candles, retention, dead
    /// man's switches) at `ms`; `None` lets it run again. Signature checks
    /// keep using the wall clock.
    pub fn pin_clock(&self, ms: Option<i64>) {
        self.exchange.clock.pin(ms);
    }

    /// Lists an instrument on the exchange; returns its `instIdCode`.
    pub fn list(&self, spec: crate::InstrumentSpec) -> i64 {
        let mut world = self.exchange.lock();
        let code = world.list(spec);
        world.flush();
        code
    }

    /// Adds a delay to every answer.
    pub fn set_latency(&self, latency: Duration) {
        self.exchange.lock().rest.latency = latency;
    }

    /// Injects `fault` into the next `times` requests to `path`.
    pub fn fail_next(&self, path: &str, fault: Fault, times: u32) {
        self.exchange
            .lock()
            .rest
            .faults
            .push((path.to_owned(), fault, times));
    }

    /// Sets the rate limit of `METHOD path` (e.g. `"GET /api/v5/market/ticker"`),
    /// counted per instrument when `per_inst`.
    pub fn set_rate_limit(&self, endpoint: &str, count: u32, window: Duration, per_inst: bool) {
        self.exchange.lock().limits.table.insert(
            endpoint.to_owned(),
            Limit {
                count,
                window,
                per_inst,
            },
        );
    }

    /// Adds a rule that can reject order items (REST and WS, single and
    /// batch) with an `sCode`/`sMsg` of its choosing, before the exchange
    /// looks at them.
    pub fn reject_orders_where(
        &self,
        rule: impl Fn(&Value) -> Option<(u32, String)> + Send + Sync + 'static,
    ) {
        self.exchange.lock().rules.push(Arc::new(rule));
    }

    /// Answers `method path` with this status and body from now on.
    pub fn set_response(&self, method: &str, path: &str, status: u16, body: impl Into<String>) {
        self.exchange
            .lock()
            .rest
            .overrides
            .insert((method.to_owned(), path.to_owned()), (status, body.into()));
    }

    /// Serves `GET path` from these records from now on, paged like OKX:
    /// newest first by `cursor_field` (decimal text such as `billId` or
    /// `ts`), honouring `after` (older than), `before` (newer than; alone it
    /// returns the newest page, not the one just after the cursor) and
    /// `limit` (default and maximum 100). The fiat order histories take
    /// `after`/`before` as an inclusive begin / end time filter, as OKX
    /// documents them. Scripted records replace what the exchange would
    /// answer for that path.
    pub fn serve_list(&self, path: &str, cursor_field: &str, records: Vec<Value>) {
        self.exchange.lock().rest.lists.insert(
            path.to_owned(),
            crate::exchange::lists::List {
                cursor: cursor_field.to_owned(),
                records,
            },
        );
    }

    /// Adds records to a list served by [`MockOkx::serve_list`] (new
    /// records arriving at OKX). Does nothing for a path not served so.
    pub fn push_list(&self, path: &str, records: Vec<Value>) {
        if let Some(list) = self.exchange.lock().rest.lists.get_mut(path) {
            list.records.extend(records);
        }
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.exchange.lock().rest.log.clone()
    }

    /// How many requests `method path` received.
    pub fn count(&self, method: &str, path: &str) -> usize {
        self.exchange
            .lock()
            .rest
            .log
            .iter()
            .filter(|r| r.method == method && r.path == path)
            .count()
    }

    /// Every order the exchange took so far (both doors, every account), in
    /// the order they were placed.
    pub fn orders(&self) -> Vec<MockOrder> {
        let world = self.exchange.lock();
        world
            .order_log
            .iter()
            .filter_map(|id| world.orders.get(id))
            .map(|o| MockOrder {
                ord_id: o.ord_id.to_string(),
                cl_ord_id: o.cl_ord_id.clone(),
                inst_id: o.inst_id.clone(),
                state: o.state.to_owned(),
                record: o.to_json(false),
            })
            .collect()
    }
}
