//! The WebSocket door of the look-alike: a tokio-tungstenite server on
//! 127.0.0.1 that speaks OKX's V5 WebSocket protocol over the simulated
//! exchange ([`crate::Okx`]).
//!
//! It checks login signatures and timestamps (±30 s; the timestamp as a
//! string or a number, as OKX takes both), acknowledges subscriptions
//! (echoing their `id`), rejects private channels before login (60011) and
//! channels on the wrong endpoint (64001 / 60018), answers the text `ping`
//! with `pong` and a close frame with a close frame, closes connections idle
//! for 30 s (close code 4004), and runs the WS trading operations on the
//! exchange, whose changes come back as pushes on the public and private
//! channels. Tests can also script pushes ([`WsServer::push`]), books
//! ([`WsServer::set_book`]) and faults ([`Fault`]).
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

mod conn;
mod ops;
mod orders;

use serde_json::{Value, json};
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::exchange::Exchange;
use crate::exchange::account::AccountSpec;

pub(crate) use crate::exchange::doors::{ConnEntry, Out, Tasks, WsState, broadcast};
pub use crate::exchange::doors::{Endpoint, Stats};
pub use crate::exchange::{TEST_API_KEY, TEST_PASSPHRASE, TEST_SECRET};

/// A book level as a test scripts it: `(price, size)`; size `"0"` deletes.
pub type Level<'a> = (&'a str, &'a str);

/// Faults the server injects on demand, into the connections open right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Drop every open connection without a close frame.
    Drop,
    /// Drop the connections logged in to this account (`uid`) without a
    /// close frame: the private socket dies, the public ones live on.
    DropPrivate(String),
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

/// The running server. Dropping it stops accepting and closes connections.
pub struct WsServer {
    pub(crate) exchange: Arc<Exchange>,
    addr: SocketAddr,
    accept: JoinHandle<()>,
    feeds: Tasks,
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
        for conn in self.exchange.lock().ws.conns.values() {
            let _ = conn.tx.try_send(Out::Abort);
        }
    }
}

/// The idle timeout OKX applies: no data for 30 s closes with 4004.
pub(crate) const OKX_IDLE: Duration = Duration::from_secs(30);

impl WsServer {
    /// Starts on an ephemeral port over an exchange of its own (default
    /// instruments and account, a market that moves only when told), with a
    /// 30 s idle timeout.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(OKX_IDLE).await
    }

    /// Starts with a custom idle timeout (OKX's is 30 s).
    pub async fn start_with(idle: Duration) -> std::io::Result<Self> {
        let exchange = Exchange::standalone();
        let server = Self::serve(exchange.clone(), idle).await?;
        server.own_timers();
        Ok(server)
    }

    /// Serves `exchange` on an ephemeral port of 127.0.0.1.
    pub(crate) async fn serve(exchange: Arc<Exchange>, idle: Duration) -> std::io::Result<Self> {
        Self::serve_on(exchange, idle, "127.0.0.1:0").await
    }

    pub(crate) async fn serve_on(
        exchange: Arc<Exchange>,
        idle: Duration,
        bind: &str,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let accept_ex = exchange.clone();
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let id = accept_ex.next_conn.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(conn::serve(accept_ex.clone(), id, stream, idle));
            }
        });
        Ok(WsServer {
            exchange,
            addr,
            accept,
            feeds: Tasks(Mutex::new(Vec::new())),
        })
    }

    /// Runs the exchange's timers (book heartbeats, dead man's switches)
    /// for as long as this server lives.
    fn own_timers(&self) {
        let task = crate::spawn_timers(&self.exchange);
        self.feeds
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(task);
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `ws://127.0.0.1:PORT`: the base URL a client config takes (the
    /// `/ws/v5/...` paths are appended to it).
    pub fn base_url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// `ws://127.0.0.1:PORT/ws/v5/{public,private,business}`.
    pub fn url(&self, endpoint: Endpoint) -> String {
        format!("ws://{}{}", self.addr, endpoint.path())
    }

    /// Opens another account on the exchange; returns its `uid`.
    pub fn add_account(&self, account: AccountSpec) -> String {
        self.exchange.lock().add_account(account)
    }

    /// Gives a listed instrument this `instIdCode` (WS orders name
    /// instruments by it), or lists a new spot pair with it starting at
    /// `px`.
    pub fn add_instrument(&self, inst_id: &str, inst_id_code: i64, px: &str) {
        crate::set_inst_id_code(&mut self.exchange.lock(), inst_id, inst_id_code, px);
    }

    /// Counters so far.
    pub fn stats(&self) -> Stats {
        let world = self.exchange.lock();
        Stats {
            open: world.ws.conns.len() as u64,
            ..world.ws.stats
        }
    }

    /// The args every open connection is subscribed to, one list per connection.
    pub fn subscriptions(&self) -> Vec<Vec<Value>> {
        let world = self.exchange.lock();
        world
            .ws
            .conns
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
        broadcast(&self.exchange.lock().ws, arg, frame.into())
    }

    /// Replaces an instrument's book with these levels (held still from now
    /// on: the market no longer moves it by itself) and sends the snapshot
    /// to current subscribers of its book channels, with `seqId` 100.
    pub fn set_book(&self, inst_id: &str, bids: &[Level<'_>], asks: &[Level<'_>]) {
        crate::script_book(&mut self.exchange.lock(), inst_id, bids, asks);
    }

    /// Applies a delta to an instrument's book and pushes it to the book
    /// channels. Returns false when the instrument has no market.
    pub fn book_update(&self, inst_id: &str, bids: &[Level<'_>], asks: &[Level<'_>]) -> bool {
        crate::script_update(&mut self.exchange.lock(), inst_id, bids, asks)
    }

    /// Generates a push every `every` on `channel` for `inst_id`: `tickers`
    /// and `trades` get fixture-shaped data with rising trade ids; other
    /// channels get `template` with `"ts"` refreshed. Runs until the server drops.
    pub fn spawn_feed(&self, channel: &str, inst_id: &str, every: Duration, template: Value) {
        let exchange = self.exchange.clone();
        let (channel, inst_id) = (channel.to_owned(), inst_id.to_owned());
        let task = tokio::spawn(async move {
            let mut n: u64 = 0;
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                n += 1;
                let arg = json!({"channel": channel, "instId": inst_id});
                let world = exchange.lock();
                let data = ops::generated(&channel, &inst_id, n, &template, world.now());
                let frame = json!({"arg": arg, "data": data}).to_string();
                broadcast(&world.ws, &arg, frame.into());
            }
        });
        self.feeds
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(task);
    }

    /// Fills a resting order completely at its price, as if the market
    /// took it. False when no open order has this id.
    pub fn fill_order(&self, ord_id: &str) -> bool {
        let Ok(id) = ord_id.parse::<u64>() else {
            return false;
        };
        let mut world = self.exchange.lock();
        let done = world.fill_resting(id);
        world.flush();
        done
    }

    /// Injects a fault into the connections open now (see [`Fault`]).
    pub fn inject(&self, fault: Fault) {
        inject(&mut self.exchange.lock(), fault);
    }
}

pub(crate) fn inject(world: &mut crate::exchange::World, fault: Fault) {
    let send_all = |ws: &WsState, out: &dyn Fn() -> Out| {
        for c in ws.conns.values() {
            let _ = c.tx.try_send(out());
        }
    };
    match fault {
        Fault::Drop => send_all(&world.ws, &|| Out::Abort),
        Fault::DropPrivate(uid) => {
            let acct = world.account_by_uid(&uid);
            for c in world.ws.conns.values() {
                if acct.is_some() && c.account == acct {
                    let _ = c.tx.try_send(Out::Abort);
                }
            }
        }
        Fault::GoSilent => {
            for c in world.ws.conns.values() {
                c.silent.store(true, Ordering::Relaxed);
            }
        }
        Fault::CorruptFrame => send_all(&world.ws, &|| Out::Text(Arc::from("{\"arg\":{\"chan"))),
        Fault::SkipBookSeq => world.skip_seq = true,
        Fault::Notice64008 { close_after } => {
            for (id, c) in world.ws.conns.iter() {
                let notice = json!({"event": "notice", "code": "64008",
                    "msg": "The connection will soon be closed for a service upgrade. Please reconnect.",
                    "connId": format!("{id:08x}")});
                let _ = c.tx.try_send(Out::Text(notice.to_string().into()));
                let _ = c.tx.try_send(Out::CloseAfter(close_after));
            }
        }
        Fault::RejectLogin(code) => world.ws.reject_login = code,
        Fault::DelayResponses(d) => world.ws.delay = d,
        Fault::Close(code) => {
            send_all(&world.ws, &|| Out::Close(code, "closed by the test server"));
        }
        Fault::RejectSubscribes { code, times } => world.ws.reject_subs = Some((code, times)),
        Fault::CloseOnLoginFailure(on) => world.ws.login_close = on,
        Fault::RejectOps(code) => world.ws.reject_ops = code,
        Fault::LagNewConnections(lag) => world.ws.lag_new = lag,
        Fault::MuteFeeds => world.ws.conns.values_mut().for_each(|c| c.muted = true),
        Fault::MuteInstrument(inst) => world
            .ws
            .conns
            .values_mut()
            .for_each(|c| c.muted_inst.push(inst.clone())),
    }
}
