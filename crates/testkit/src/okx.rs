//! [`Okx`]: the simulated exchange with both doors open, and the helpers
//! the doors share.

use std::sync::Arc;
use std::time::Duration;

use rust_decimal::Decimal;
use serde_json::Value;
use tokio::task::JoinHandle;

use crate::exchange::account::AccountSpec;
use crate::exchange::book::BookSide;
use crate::exchange::instrument::{InstrumentSpec, Kind};
use crate::exchange::{Exchange, Settings, World};
use crate::rest::MockOkx;
use crate::ws::{Endpoint, Level, Tasks, WsServer};

/// Builds an [`Okx`].
#[derive(Debug, Clone)]
pub struct OkxBuilder {
    settings: Settings,
    instruments: Option<Vec<InstrumentSpec>>,
    default_account: AccountSpec,
    accounts: Vec<AccountSpec>,
    rate_limits: bool,
    latency: Duration,
    idle: Duration,
    rest_bind: Option<String>,
    ws_bind: Option<String>,
    samples: bool,
}

impl OkxBuilder {
    /// The seed of the simulated market: the same seed gives the same
    /// books, trades and candle history.
    pub fn seed(mut self, seed: u64) -> Self {
        self.settings.seed = seed;
        self
    }

    /// Lists exactly these instruments instead of the default set
    /// ([`default_instruments`](crate::default_instruments)).
    pub fn instruments(mut self, instruments: Vec<InstrumentSpec>) -> Self {
        self.instruments = Some(instruments);
        self
    }

    /// Lists one more instrument (on top of the defaults, unless
    /// [`instruments`](Self::instruments) replaced them).
    pub fn instrument(mut self, spec: InstrumentSpec) -> Self {
        let now = crate::exchange::clock::wall_ms();
        self.instruments
            .get_or_insert_with(|| crate::exchange::instrument::default_instruments(now))
            .push(spec);
        self
    }

    /// Opens another account besides the default one.
    pub fn account(mut self, spec: AccountSpec) -> Self {
        self.accounts.push(spec);
        self
    }

    /// Replaces the default account (its key, balances, position mode).
    pub fn replace_default_account(mut self, spec: AccountSpec) -> Self {
        self.default_account = spec;
        self
    }

    /// OKX's behaviour since 2026-06-23: book pushes carry `checksum` 0.
    pub fn checksum_zero(mut self, on: bool) -> Self {
        self.settings.checksum_zero = on;
        self
    }

    /// OKX's announced behaviour: subscribing to `books`, `books-l2-tbt`
    /// or `books50-l2-tbt` sends no snapshot (a client starts from
    /// `GET /api/v5/market/books` and the buffered updates).
    pub fn no_book_snapshot(mut self, on: bool) -> Self {
        self.settings.no_snapshot = on;
        self
    }

    /// The market moves by itself every `every` (default 200 ms); `None`
    /// holds it still until [`Okx::step_market`].
    pub fn market_motion(mut self, every: Option<Duration>) -> Self {
        self.settings.motion = every;
        self
    }

    /// Whether rate limits are enforced (default: yes).
    pub fn rate_limits(mut self, on: bool) -> Self {
        self.rate_limits = on;
        self
    }

    /// Adds this latency to every REST answer.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Idle timeout of WS connections (OKX: 30 s).
    pub fn ws_idle(mut self, idle: Duration) -> Self {
        self.idle = idle;
        self
    }

    /// Endpoints the exchange does not simulate answer with OKX's
    /// documented example (`true`), or with 50005 (HTTP 410) saying they
    /// are not simulated (`false`, the default: a stale example is worse
    /// than a clear refusal for a bot).
    pub fn samples(mut self, on: bool) -> Self {
        self.samples = on;
        self
    }

    /// Listen on these addresses (`127.0.0.1:0` picks a free port).
    pub fn bind(mut self, rest: &str, ws: &str) -> Self {
        self.rest_bind = Some(rest.to_owned());
        self.ws_bind = Some(ws.to_owned());
        self
    }

    /// Starts the exchange and both doors.
    pub async fn start(self) -> std::io::Result<Okx> {
        let mut accounts = vec![self.default_account];
        accounts.extend(self.accounts);
        let exchange = Exchange::new(self.settings.clone(), self.instruments, accounts);
        {
            let mut world = exchange.lock();
            world.limits.on = self.rate_limits;
            world.rest.latency = self.latency;
            world.rest.samples = self.samples;
        }
        let mut rest_builder = wiremock::MockServer::builder();
        if let Some(bind) = &self.rest_bind {
            let listener = std::net::TcpListener::bind(bind)?;
            rest_builder = rest_builder.listener(listener);
        }
        let rest = MockOkx::serve_with(exchange.clone(), rest_builder).await;
        let bind = self.ws_bind.as_deref().unwrap_or("127.0.0.1:0");
        let ws = WsServer::serve_on(exchange.clone(), self.idle, bind).await?;
        let mut tasks = vec![spawn_timers(&exchange)];
        if let Some(every) = self.settings.motion {
            tasks.push(spawn_motion(&exchange, every));
        }
        Ok(Okx {
            exchange,
            rest,
            ws,
            _tasks: Tasks(std::sync::Mutex::new(tasks)),
        })
    }
}

/// The simulated OKX exchange, served over REST and WebSocket at once.
///
/// One state sits behind both doors: an order placed over REST is pushed
/// on the `orders` channel of the WS door and fills from the moving market
/// move balances and positions that REST then reports. Faults can be
/// injected into either door ([`Okx::rest`], [`Okx::ws`]), from tests or
/// from outside through the `/testkit/...` control routes on the REST port.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// let okx = okx_testkit::Okx::start().await?;
/// let rest_base = okx.rest_url(); // http://127.0.0.1:PORT
/// let ws_base = okx.ws_url();     // ws://127.0.0.1:PORT (the /ws/v5/... paths are appended)
/// let (key, secret, passphrase) = okx.credentials();
/// # let _ = (rest_base, ws_base, key, secret, passphrase); Ok(()) }
/// ```
pub struct Okx {
    exchange: Arc<Exchange>,
    rest: MockOkx,
    ws: WsServer,
    _tasks: Tasks,
}

impl std::fmt::Debug for Okx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Okx")
            .field("rest", &self.rest.base_url())
            .field("ws", &self.ws.base_url())
            .finish_non_exhaustive()
    }
}

impl Okx {
    /// Starts with the defaults: the default instruments and account, a
    /// market moving every 200 ms, OKX's rate limits.
    pub async fn start() -> std::io::Result<Self> {
        Self::builder().start().await
    }

    /// A builder for other settings.
    pub fn builder() -> OkxBuilder {
        OkxBuilder {
            settings: Settings {
                motion: Some(Duration::from_millis(200)),
                ..Settings::default()
            },
            instruments: None,
            default_account: crate::default_account(),
            accounts: Vec::new(),
            rate_limits: true,
            latency: Duration::ZERO,
            idle: crate::ws::OKX_IDLE,
            rest_bind: None,
            ws_bind: None,
            samples: false,
        }
    }

    /// `http://127.0.0.1:PORT`: the REST base URL.
    pub fn rest_url(&self) -> String {
        self.rest.base_url()
    }

    /// `ws://127.0.0.1:PORT`: the WS base URL (`/ws/v5/public`,
    /// `/ws/v5/private` and `/ws/v5/business` are under it).
    pub fn ws_url(&self) -> String {
        self.ws.base_url()
    }

    /// A WS endpoint's full URL.
    pub fn ws_endpoint(&self, endpoint: Endpoint) -> String {
        self.ws.url(endpoint)
    }

    /// Key, secret and passphrase of the default account.
    pub fn credentials(&self) -> (&'static str, &'static str, &'static str) {
        (
            crate::TEST_API_KEY,
            crate::TEST_SECRET,
            crate::TEST_PASSPHRASE,
        )
    }

    /// The REST door: request log, scripted answers, REST faults.
    pub fn rest(&self) -> &MockOkx {
        &self.rest
    }

    /// The WS door: connections, scripted pushes, WS faults.
    pub fn ws(&self) -> &WsServer {
        &self.ws
    }

    /// Opens another account; returns its `uid`.
    pub fn add_account(&self, spec: AccountSpec) -> String {
        self.exchange.lock().add_account(spec)
    }

    /// Lists an instrument (pushed on `instruments`); returns its
    /// `instIdCode` (a new one on relisting, as at OKX).
    pub fn list(&self, spec: InstrumentSpec) -> i64 {
        let mut world = self.exchange.lock();
        let code = world.list(spec);
        world.flush();
        code
    }

    /// Delists an instrument: open orders cancelled, `instruments` told.
    pub fn delist(&self, inst_id: &str) -> bool {
        self.exchange.lock().delist(inst_id)
    }

    /// Moves every moving market `n` steps now.
    pub fn step_market(&self, n: usize) {
        let mut world = self.exchange.lock();
        for _ in 0..n {
            world.tick_market();
        }
    }

    /// Skews the exchange clock against the local one (both doors).
    pub fn set_clock_skew_ms(&self, ms: i64) {
        self.exchange.clock.set_skew_ms(ms);
    }

    /// Holds the exchange clock at `ms` (`None` lets it run again).
    pub fn pin_clock(&self, ms: Option<i64>) {
        self.exchange.clock.pin(ms);
    }

    /// The exchange clock, Unix ms.
    pub fn now_ms(&self) -> i64 {
        self.exchange.clock.now_ms()
    }

    /// An instrument's `instIdCode`.
    pub fn inst_id_code(&self, inst_id: &str) -> Option<i64> {
        let world = self.exchange.lock();
        world
            .specs
            .iter()
            .filter(|s| s.inst_id == inst_id)
            .min_by_key(|s| s.kind)
            .map(|s| s.inst_id_code)
    }

    /// The best bid and ask of an instrument's book as `books` and the
    /// tickers publish them (RPI orders left out).
    pub fn best_bid_ask(&self, inst_id: &str) -> Option<(Decimal, Decimal)> {
        let world = self.exchange.lock();
        let book = &world.markets.get(inst_id)?.book;
        Some((
            book.best_for(BookSide::Bids, false)?,
            book.best_for(BookSide::Asks, false)?,
        ))
    }

    /// Cash balance of a currency of the account `uid`.
    pub fn balance(&self, uid: &str, ccy: &str) -> Option<Decimal> {
        let world = self.exchange.lock();
        let acct = world.account_by_uid(uid)?;
        Some(world.accounts[acct].cash(ccy))
    }

    /// Every order of an account as OKX's order record, oldest first.
    pub fn orders_of(&self, uid: &str) -> Vec<Value> {
        let world = self.exchange.lock();
        let Some(acct) = world.account_by_uid(uid) else {
            return Vec::new();
        };
        world
            .order_log
            .iter()
            .filter_map(|id| world.orders.get(id))
            .filter(|o| o.account == acct)
            .map(|o| o.to_json(false))
            .collect()
    }

    /// Every fill of an account as `GET /api/v5/trade/fills` lists it,
    /// oldest first.
    pub fn fills_of(&self, uid: &str) -> Vec<Value> {
        let world = self.exchange.lock();
        let Some(acct) = world.account_by_uid(uid) else {
            return Vec::new();
        };
        world
            .fills
            .iter()
            .filter(|f| f.account == acct)
            .map(|f| f.to_json())
            .collect()
    }

    /// Open positions of an account as `GET /api/v5/account/positions`
    /// lists them.
    pub fn positions_of(&self, uid: &str) -> Vec<Value> {
        let world = self.exchange.lock();
        match world.account_by_uid(uid) {
            Some(acct) => world.positions_json(acct, "", ""),
            None => Vec::new(),
        }
    }
}

/// The exchange's 1-second timer: dead man's switches and book heartbeats.
pub(crate) fn spawn_timers(exchange: &Arc<Exchange>) -> JoinHandle<()> {
    let exchange = Arc::downgrade(exchange);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            let Some(exchange) = exchange.upgrade() else {
                return;
            };
            exchange.lock().tick_timers();
        }
    })
}

fn spawn_motion(exchange: &Arc<Exchange>, every: Duration) -> JoinHandle<()> {
    let exchange = Arc::downgrade(exchange);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(exchange) = exchange.upgrade() else {
                return;
            };
            exchange.lock().tick_market();
        }
    })
}

/// Gives a listed instrument this `instIdCode`, or lists a new spot pair.
pub(crate) fn set_inst_id_code(world: &mut World, inst_id: &str, code: i64, px: &str) {
    let mut found = false;
    for spec in world.specs.iter_mut().filter(|s| s.inst_id == inst_id) {
        if matches!(spec.kind, Kind::Spot) || spec.kind.is_derivative() {
            spec.inst_id_code = code;
            found = true;
        }
    }
    if !found {
        let px: Decimal = px.parse().unwrap_or(Decimal::ONE_HUNDRED);
        let mut spec = InstrumentSpec::spot(
            inst_id,
            Decimal::new(1, 2),
            Decimal::new(1, 4),
            Decimal::new(1, 4),
            px,
        );
        spec.inst_id_code = code;
        world.list(spec);
        world.flush();
    }
}

fn parse_levels(levels: &[Level<'_>]) -> Vec<(Decimal, String, Decimal, String)> {
    levels
        .iter()
        .filter_map(|(px, sz)| {
            Some((
                px.parse().ok()?,
                (*px).to_owned(),
                sz.parse().ok()?,
                (*sz).to_owned(),
            ))
        })
        .collect()
}

/// Replaces a book with scripted levels and holds it still.
pub(crate) fn script_book(
    world: &mut World,
    inst_id: &str,
    bids: &[Level<'_>],
    asks: &[Level<'_>],
) {
    if !world.markets.contains_key(inst_id) {
        let mut spec = InstrumentSpec::spot(
            inst_id,
            Decimal::new(1, 8),
            Decimal::new(1, 8),
            Decimal::new(1, 8),
            Decimal::ONE_HUNDRED,
        );
        spec.state = "live".into();
        world.list(spec);
    }
    let open: Vec<u64> = world
        .orders
        .values()
        .filter(|o| o.inst_id == inst_id && o.resting.is_some())
        .map(|o| o.ord_id)
        .collect();
    for id in open {
        world.cancel_order(id, crate::exchange::order::cancel_source::SYSTEM);
    }
    let Some(market) = world.markets.get_mut(inst_id) else {
        return;
    };
    market.scripted = true;
    market.book = crate::exchange::book::Book::default();
    for (side, levels) in [(BookSide::Bids, bids), (BookSide::Asks, asks)] {
        for (px, px_text, sz, sz_text) in parse_levels(levels) {
            market.book.set_bg(side, px, &px_text, sz, Some(&sz_text));
        }
    }
    market.seq = 100;
    market.chans.clear();
    let channels: Vec<&str> = crate::exchange::market::BOOK_CHANNELS
        .iter()
        .map(|(n, ..)| *n)
        .filter(|n| world.ws.wants(n, inst_id))
        .collect();
    for channel in channels {
        if let Some(frame) = world.book_snapshot(channel, inst_id) {
            let arg = serde_json::json!({"channel": channel, "instId": inst_id});
            crate::ws::broadcast(&world.ws, &arg, frame.into());
        }
    }
    world.flush();
}

/// Applies a scripted delta to a book and publishes it.
pub(crate) fn script_update(
    world: &mut World,
    inst_id: &str,
    bids: &[Level<'_>],
    asks: &[Level<'_>],
) -> bool {
    let Some(market) = world.markets.get_mut(inst_id) else {
        return false;
    };
    market.scripted = true;
    for (side, levels) in [(BookSide::Bids, bids), (BookSide::Asks, asks)] {
        for (px, px_text, sz, sz_text) in parse_levels(levels) {
            market.book.set_bg(side, px, &px_text, sz, Some(&sz_text));
        }
    }
    world.dirty.markets.insert(inst_id.to_owned());
    world.flush();
    true
}
