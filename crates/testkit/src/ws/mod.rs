//! The WebSocket half of the look-alike: a tokio-tungstenite server on
//! 127.0.0.1 that speaks OKX's V5 WebSocket protocol.
//!
//! It checks login signatures and timestamps (±30 s), acknowledges
//! subscriptions, rejects private channels before login (60011) and channels
//! on the wrong endpoint (64001 / 60018), answers the text `ping` with `pong`,
//! closes connections idle for 30 s (close code 4004), and answers the WS
//! trading operations with a simple order lifecycle (live → filled or
//! canceled) plus the matching `orders` pushes. Pushes are scripted by the
//! test ([`WsServer::push`]) or generated ([`WsServer::spawn_feed`]), and
//! faults are injected on demand ([`Fault`]).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use okx_testkit::ws::{WsServer, Endpoint};
//! let server = WsServer::start().await?;
//! let url = server.url(Endpoint::Public); // ws://127.0.0.1:PORT/ws/v5/public
//! server.push(serde_json::json!({"channel": "tickers", "instId": "BTC-USDT"}),
//!             serde_json::json!([{"instId": "BTC-USDT", "last": "1"}]));
//! # let _ = url; Ok(()) }
//! ```

mod book;
mod conn;
mod ops;
mod orders;

use serde_json::{Value, json};
use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub use book::Level;

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

    fn from_path(path: &str) -> Option<Self> {
        let path = path.split('?').next().unwrap_or(path);
        [Endpoint::Public, Endpoint::Private, Endpoint::Business]
            .into_iter()
            .find(|e| e.path() == path)
    }
}

/// An API key the server accepts. `Debug` never prints the secret or passphrase.
#[derive(Clone)]
pub struct Account {
    /// The API key.
    pub api_key: String,
    /// The secret the signature is checked with.
    pub secret: String,
    /// The passphrase.
    pub passphrase: String,
    /// The `uid` put in private push args.
    pub uid: String,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("api_key", &self.api_key)
            .field("uid", &self.uid)
            .finish_non_exhaustive()
    }
}

impl Account {
    /// The account [`WsServer::start`] knows: key `test-key`, secret
    /// `test-secret`, passphrase `test-pass`.
    pub fn test() -> Self {
        Account {
            api_key: "test-key".into(),
            secret: "test-secret".into(),
            passphrase: "test-pass".into(),
            uid: "44000000000001".into(),
        }
    }
}

/// Faults the server injects on demand, into the connections open right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Drop every open connection without a close frame.
    Drop,
    /// Open connections stop sending anything (no pong, no pushes).
    GoSilent,
    /// Send a frame that is not JSON.
    CorruptFrame,
    /// The next book update of each book skips one sequence number.
    SkipBookSeq,
    /// Send the `notice` 64008 now, then close the connection after the delay.
    Notice64008 {
        /// How long the old connection stays open after the notice.
        close_after: Duration,
    },
    /// Reject every login from now on with this code (`None` accepts again).
    RejectLogin(Option<&'static str>),
    /// Delay every response (acks, login, trading) by this much.
    DelayResponses(Duration),
    /// Close every open connection with this close code (e.g. 4004, 4007).
    Close(u16),
    /// Refuse the next `times` subscribe requests (on any connection) with
    /// this code, e.g. 60014 (too frequent) or 60018 (no such channel).
    RejectSubscribes {
        /// OKX's error code.
        code: &'static str,
        /// How many requests to refuse.
        times: u32,
    },
    /// From now on a refused login is answered by closing the connection
    /// with 4001 and no error event (`false` restores the error event).
    CloseOnLoginFailure(bool),
    /// Answer every trading operation with an `{"event":"error"}` frame
    /// carrying its `id` and this code (`None` trades normally again).
    RejectOps(Option<&'static str>),
    /// Open connections stop delivering pushes (data), though they still
    /// answer `ping` and requests: a stalled feed.
    MuteFeeds,
    /// Open connections stop delivering pushes for this `instId`, as if
    /// OKX had silently lost those subscriptions.
    MuteInstrument(String),
    /// Connections accepted from now on deliver everything they send
    /// (replies, pushes, `pong`) this much later, in order: a slower network
    /// path, so a new connection runs behind the ones already open.
    /// `Duration::ZERO` turns it off for later connections.
    LagNewConnections(Duration),
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
    endpoint: Endpoint,
    tx: mpsc::Sender<Out>,
    subs: Vec<serde_json::Map<String, Value>>,
    account: Option<Account>,
    silent: Arc<AtomicBool>,
    /// No pushes at all (`Fault::MuteFeeds`).
    muted: bool,
    /// No pushes for these instruments (`Fault::MuteInstrument`).
    muted_inst: Vec<String>,
}

pub(crate) struct Order {
    ord_id: String,
    cl_ord_id: String,
    inst_id: String,
    side: String,
    ord_type: String,
    px: String,
    sz: String,
    state: &'static str,
    c_time: u64,
    owner: String,
}

#[derive(Default)]
pub(crate) struct State {
    conns: HashMap<u64, ConnEntry>,
    accounts: Vec<Account>,
    codes: HashMap<i64, String>,
    last_px: HashMap<String, String>,
    orders: Vec<Order>,
    books: HashMap<String, book::BookState>,
    skip_seq: bool,
    reject_login: Option<&'static str>,
    /// Refuse the next this many subscribe requests with this code.
    reject_subs: Option<(&'static str, u32)>,
    /// A refused login gets a 4001 close instead of an error event.
    login_close: bool,
    /// Trading ops get `{"event":"error","id":..}` with this code.
    reject_ops: Option<&'static str>,
    delay: Duration,
    /// Delivery lag of connections accepted from now on.
    lag_new: Duration,
    stats: Stats,
}

pub(crate) struct Shared {
    state: Mutex<State>,
    next_conn: AtomicU64,
    next_id: AtomicU64,
    idle: Duration,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock must not wedge every other test task.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }
}

/// Wall-clock milliseconds: OKX timestamps are wall-clock, not tokio time.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The running server. Dropping it stops accepting and closes connections.
pub struct WsServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    accept: JoinHandle<()>,
    feeds: Mutex<Vec<JoinHandle<()>>>,
}

impl fmt::Debug for WsServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for WsServer {
    fn drop(&mut self) {
        self.accept.abort();
        for feed in self.feeds.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            feed.abort();
        }
        for conn in self.shared.lock().conns.values() {
            let _ = conn.tx.try_send(Out::Abort);
        }
    }
}

impl WsServer {
    /// Starts on an ephemeral port with [`Account::test`] and a 30 s idle timeout.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(Duration::from_secs(30)).await
    }

    /// Starts with a custom idle timeout (OKX's is 30 s).
    pub async fn start_with(idle: Duration) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                accounts: vec![Account::test()],
                ..Default::default()
            }),
            next_conn: AtomicU64::new(1),
            next_id: AtomicU64::new(1),
            idle,
        });
        let accept_shared = shared.clone();
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let id = accept_shared.next_conn.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(conn::serve(accept_shared.clone(), id, stream));
            }
        });
        let beat_shared = shared.clone();
        let heartbeat = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tick.tick().await;
                ops::book_heartbeats(&mut beat_shared.lock());
            }
        });
        Ok(WsServer {
            shared,
            addr,
            accept,
            feeds: Mutex::new(vec![heartbeat]),
        })
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `ws://127.0.0.1:PORT/ws/v5/{public,private,business}`.
    pub fn url(&self, endpoint: Endpoint) -> String {
        format!("ws://{}{}", self.addr, endpoint.path())
    }

    /// Accepts another API key.
    pub fn add_account(&self, account: Account) {
        self.shared.lock().accounts.push(account);
    }

    /// Registers an instrument's `instIdCode` (WS orders need it) and the
    /// price market orders fill at.
    pub fn add_instrument(&self, inst_id: &str, inst_id_code: i64, last_px: &str) {
        let mut st = self.shared.lock();
        st.codes.insert(inst_id_code, inst_id.to_owned());
        st.last_px.insert(inst_id.to_owned(), last_px.to_owned());
    }

    /// Counters so far.
    pub fn stats(&self) -> Stats {
        let st = self.shared.lock();
        Stats {
            open: st.conns.len() as u64,
            ..st.stats
        }
    }

    /// The args every open connection is subscribed to, one list per connection.
    pub fn subscriptions(&self) -> Vec<Vec<Value>> {
        let st = self.shared.lock();
        st.conns
            .values()
            .map(|c| c.subs.iter().cloned().map(Value::Object).collect())
            .collect()
    }

    /// Pushes `{"arg": arg, "data": data}` to every connection subscribed to a
    /// matching arg. Returns how many connections it was queued for.
    pub fn push(&self, arg: Value, data: Value) -> usize {
        let frame = json!({"arg": arg, "data": data}).to_string();
        self.push_raw(&arg, frame)
    }

    /// Sends a prepared frame to every connection subscribed to `arg`.
    pub fn push_raw(&self, arg: &Value, frame: String) -> usize {
        let st = self.shared.lock();
        ops::broadcast(&st, arg, frame.into())
    }

    /// Sets an instrument's book and sends it as a snapshot to current
    /// `books` subscribers (new subscribers get it on subscribe).
    pub fn set_book(&self, inst_id: &str, bids: &[Level<'_>], asks: &[Level<'_>]) {
        let mut st = self.shared.lock();
        let book = book::BookState::new(bids, asks, 100);
        let arg = json!({"channel": "books", "instId": inst_id});
        let frame = json!({"arg": arg, "action": "snapshot", "data": book.snapshot_data(now_ms())});
        st.books.insert(inst_id.to_owned(), book);
        ops::broadcast(&st, &arg, frame.to_string().into());
    }

    /// Applies a delta to an instrument's book and pushes it as an `update`.
    /// Returns false when the book was never set.
    pub fn book_update(&self, inst_id: &str, bids: &[Level<'_>], asks: &[Level<'_>]) -> bool {
        let mut st = self.shared.lock();
        let skip = std::mem::take(&mut st.skip_seq);
        let Some(book) = st.books.get_mut(inst_id) else {
            return false;
        };
        let data = book.update_data(bids, asks, now_ms(), skip);
        let arg = json!({"channel": "books", "instId": inst_id});
        let frame = json!({"arg": arg, "action": "update", "data": data});
        ops::broadcast(&st, &arg, frame.to_string().into());
        true
    }

    /// Generates a push every `every` on `channel` for `inst_id`: `tickers`
    /// and `trades` get fixture-shaped data with rising trade ids; other
    /// channels get `template` with `"ts"` refreshed. Runs until the server drops.
    pub fn spawn_feed(&self, channel: &str, inst_id: &str, every: Duration, template: Value) {
        let shared = self.shared.clone();
        let (channel, inst_id) = (channel.to_owned(), inst_id.to_owned());
        let task = tokio::spawn(async move {
            let mut n: u64 = 0;
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                n += 1;
                let arg = json!({"channel": channel, "instId": inst_id});
                let data = ops::generated(&channel, &inst_id, n, &template);
                let frame = json!({"arg": arg, "data": data}).to_string();
                ops::broadcast(&shared.lock(), &arg, frame.into());
            }
        });
        self.feeds
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(task);
    }

    /// Fills a live order at its price (limit orders stay live until then).
    pub fn fill_order(&self, ord_id: &str) -> bool {
        orders::finish_order(&mut self.shared.lock(), ord_id, "filled")
    }

    /// Injects a fault into the connections open now (see [`Fault`]).
    pub fn inject(&self, fault: Fault) {
        let mut st = self.shared.lock();
        let send_all = |st: &State, out: &dyn Fn() -> Out| {
            for c in st.conns.values() {
                let _ = c.tx.try_send(out());
            }
        };
        match fault {
            Fault::Drop => send_all(&st, &|| Out::Abort),
            Fault::GoSilent => {
                for c in st.conns.values() {
                    c.silent.store(true, Ordering::Relaxed);
                }
            }
            Fault::CorruptFrame => send_all(&st, &|| Out::Text(Arc::from("{\"arg\":{\"chan"))),
            Fault::SkipBookSeq => st.skip_seq = true,
            Fault::Notice64008 { close_after } => {
                for (id, c) in st.conns.iter() {
                    let notice = json!({"event": "notice", "code": "64008",
                        "msg": "The connection will soon be closed for a service upgrade. Please reconnect.",
                        "connId": format!("{id:08x}")});
                    let _ = c.tx.try_send(Out::Text(notice.to_string().into()));
                    let _ = c.tx.try_send(Out::CloseAfter(close_after));
                }
            }
            Fault::RejectLogin(code) => st.reject_login = code,
            Fault::DelayResponses(d) => st.delay = d,
            Fault::Close(code) => send_all(&st, &|| Out::Close(code, "closed by the test server")),
            Fault::RejectSubscribes { code, times } => st.reject_subs = Some((code, times)),
            Fault::CloseOnLoginFailure(on) => st.login_close = on,
            Fault::RejectOps(code) => st.reject_ops = code,
            Fault::LagNewConnections(lag) => st.lag_new = lag,
            Fault::MuteFeeds => st.conns.values_mut().for_each(|c| c.muted = true),
            Fault::MuteInstrument(inst) => st
                .conns
                .values_mut()
                .for_each(|c| c.muted_inst.push(inst.clone())),
        }
    }
}
