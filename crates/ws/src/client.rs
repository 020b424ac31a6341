//! The client handle: routes subscriptions to connections within OKX's
//! limits, and sends WS trading requests.

use crate::arg::Arg;
use crate::config::WsConfig;
use crate::conn::Conn;
use crate::endpoint::Endpoint;
use crate::error::WsError;
use crate::establish::chunk_args;
use crate::limits::Limiter;
use crate::queue::{self, WsEvents};
use crate::shared::{Cmd, ConnState, Ctx};
use okx_auth::RestAuth;
use okx_models::Instrument;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{mpsc, oneshot};

struct Slot {
    endpoint: Endpoint,
    /// Logs in even on the public endpoint (for books-l2-tbt and the like).
    login: bool,
    tx: mpsc::Sender<Cmd>,
    state: Arc<ConnState>,
    assigned: usize,
}

#[derive(Default)]
struct Pool {
    slots: Vec<Slot>,
    owners: HashMap<Arg, usize>,
}

pub(crate) struct Inner {
    pub(crate) ctx: Arc<Ctx>,
    pool: Mutex<Pool>,
    pub(crate) limiter: Limiter,
}

/// The self-healing OKX WebSocket client. Cheap to clone; all clones share
/// the connections. Connections open on first use and close when the last
/// clone is dropped or [`WsClient::close`] is called.
#[derive(Clone)]
pub struct WsClient {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for WsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WsClient")
            .field("config", &self.inner.ctx.cfg)
            .field("connections", &self.connections())
            .finish()
    }
}

impl WsClient {
    /// A client and the stream of its events. Nothing connects until the
    /// first subscription or trading call (or [`WsClient::connect`]); those
    /// must run inside a Tokio runtime.
    pub fn new(cfg: WsConfig) -> Result<(WsClient, WsEvents), WsError> {
        cfg.validate()?;
        let auth = cfg
            .credentials
            .clone()
            .map(|c| RestAuth::new(c, cfg.clock.clone(), cfg.demo));
        let (sinks, events) =
            queue::channel(cfg.market_capacity, cfg.lossless_capacity, cfg.overflow);
        let inner = Inner {
            ctx: Arc::new(Ctx::new(cfg, auth, sinks)),
            pool: Mutex::new(Pool::default()),
            limiter: Limiter::default(),
        };
        Ok((
            WsClient {
                inner: Arc::new(inner),
            },
            events,
        ))
    }

    fn pool(&self) -> MutexGuard<'_, Pool> {
        self.inner.pool.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Number of connections opened so far.
    pub fn connections(&self) -> usize {
        self.pool().slots.len()
    }

    fn check_login(&self, endpoint: Endpoint, needs: bool, channel: &str) -> Result<(), WsError> {
        if (needs || endpoint == Endpoint::Private) && self.inner.ctx.auth.is_none() {
            return Err(WsError::Config(format!(
                "channel {channel} needs credentials"
            )));
        }
        Ok(())
    }

    /// A refused login on an endpoint is final: no new connection retries it.
    fn fatal(pool: &Pool, endpoint: Endpoint) -> Result<(), WsError> {
        match pool
            .slots
            .iter()
            .filter(|s| s.endpoint == endpoint)
            .find_map(|s| s.state.fatal())
        {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }

    fn spawn_slot(&self, pool: &mut Pool, endpoint: Endpoint, login: bool) -> usize {
        let index = pool.slots.len();
        let (tx, state) = Conn::spawn(self.inner.ctx.clone(), endpoint, index, login);
        pool.slots.push(Slot {
            endpoint,
            login,
            tx,
            state,
            assigned: 0,
        });
        index
    }

    /// Opens a connection to `endpoint` now if there is none (e.g. the
    /// private one before the first order). Progress shows as events.
    pub fn connect(&self, endpoint: Endpoint) -> Result<(), WsError> {
        self.check_login(endpoint, false, endpoint.path())?;
        let mut pool = self.pool();
        if !pool.slots.iter().any(|s| s.endpoint == endpoint) {
            self.spawn_slot(&mut pool, endpoint, false);
        }
        Ok(())
    }

    /// The connection for a chunk of `n` new args on `endpoint`: one with room
    /// in its subscription count and its hourly op budget, else a new one.
    fn pick(&self, pool: &mut Pool, endpoint: Endpoint, n: usize, login: bool) -> usize {
        let max = self.inner.ctx.cfg.max_subs_per_connection;
        // Login-only public channels need a public connection that logged in.
        let login = login && endpoint == Endpoint::Public;
        let found = pool.slots.iter().position(|s| {
            s.endpoint == endpoint
                && (s.login || !login)
                && !s.state.stopped.load(Ordering::Relaxed)
                && s.assigned + n <= max
                // Keep a few ops for resubscribing a book after a gap.
                && s.state.ops_left.load(Ordering::Relaxed) > 4
        });
        found.unwrap_or_else(|| self.spawn_slot(pool, endpoint, login))
    }

    /// Subscribes and waits for OKX's acknowledgement of every arg. Args go
    /// to the endpoint that serves their channel; a connection that would
    /// exceed its subscription count, op budget or the 64 KB request size
    /// spills into another connection. An arg already subscribed is a no-op.
    ///
    /// On error the failed args are not subscribed, except after
    /// [`WsError::Disconnected`] / [`WsError::Timeout`]: those stay
    /// registered and are sent again on reconnect. After
    /// [`WsError::PartlyRefused`] the args OKX acked stay subscribed, as
    /// after [`WsError::AccessTier`] (the fee tier may not use a channel;
    /// the refused args are not asked for again).
    pub async fn subscribe(&self, args: impl IntoIterator<Item = Arg>) -> Result<(), WsError> {
        self.reap_dropped();
        let args: Vec<Arg> = args.into_iter().map(|a| a.key()).collect();
        for arg in &args {
            self.check_login(arg.endpoint(), arg.needs_login(), &arg.channel)?;
        }
        let mut by_endpoint: HashMap<(Endpoint, bool), Vec<Arg>> = HashMap::new();
        for arg in args {
            let key = (arg.endpoint(), arg.needs_login());
            by_endpoint.entry(key).or_default().push(arg);
        }
        let max_subs = self.inner.ctx.cfg.max_subs_per_connection;
        let mut waits = Vec::new();
        {
            let mut pool = self.pool();
            for ((endpoint, login), args) in by_endpoint {
                Self::fatal(&pool, endpoint)?;
                let fresh: Vec<Arg> = args
                    .into_iter()
                    .filter(|a| !pool.owners.contains_key(a))
                    .collect();
                for bytes_chunk in chunk_args(&fresh, self.inner.ctx.cfg.max_subscribe_bytes) {
                    for chunk in bytes_chunk.chunks(max_subs) {
                        let slot = self.pick(&mut pool, endpoint, chunk.len(), login);
                        pool.slots[slot].assigned += chunk.len();
                        for arg in chunk {
                            pool.owners.insert(arg.clone(), slot);
                        }
                        let (reply, rx) = oneshot::channel();
                        let cmd = Cmd::Subscribe {
                            args: chunk.to_vec(),
                            reply,
                        };
                        waits.push((pool.slots[slot].tx.clone(), cmd, rx, chunk.to_vec()));
                    }
                }
            }
        }
        let mut result = Ok(());
        for (tx, cmd, rx, chunk) in waits {
            let outcome = match tx.send(cmd).await {
                Ok(()) => rx.await.unwrap_or(Err(WsError::Closed)),
                Err(_) => Err(WsError::Closed),
            };
            if let Err(e) = outcome {
                match &e {
                    WsError::Disconnected | WsError::Timeout => {}
                    WsError::PartlyRefused { failed, .. }
                    | WsError::AccessTier { args: failed, .. } => self.forget(failed),
                    _ => self.forget(&chunk),
                }
                if result.is_ok() {
                    result = Err(e);
                }
            }
        }
        result
    }

    /// Subscribes on a given endpoint, bypassing the channel routing table
    /// (for channels OKX adds before this crate knows them). OKX's answer,
    /// e.g. 64001 for a channel that moved to `/business`, is returned.
    pub async fn subscribe_on(
        &self,
        endpoint: Endpoint,
        args: impl IntoIterator<Item = Arg>,
    ) -> Result<(), WsError> {
        self.reap_dropped();
        let args: Vec<Arg> = args.into_iter().map(|a| a.key()).collect();
        let (tx, rx) = {
            let mut pool = self.pool();
            let login = args.iter().any(Arg::needs_login);
            let slot = self.pick(&mut pool, endpoint, args.len(), login);
            pool.slots[slot].assigned += args.len();
            for arg in &args {
                pool.owners.insert(arg.clone(), slot);
            }
            let (reply, rx) = oneshot::channel();
            (
                pool.slots[slot].tx.clone(),
                (
                    rx,
                    Cmd::Subscribe {
                        args: args.clone(),
                        reply,
                    },
                ),
            )
        };
        let (rx, cmd) = rx;
        let outcome = match tx.send(cmd).await {
            Ok(()) => rx.await.unwrap_or(Err(WsError::Closed)),
            Err(_) => Err(WsError::Closed),
        };
        match &outcome {
            Ok(()) | Err(WsError::Disconnected | WsError::Timeout) => {}
            Err(
                WsError::PartlyRefused { failed, .. } | WsError::AccessTier { args: failed, .. },
            ) => self.forget(failed),
            Err(_) => self.forget(&args),
        }
        outcome
    }

    /// Forgets the routing of args a connection dropped, so subscribing
    /// them again really sends them.
    fn reap_dropped(&self) {
        let dropped = std::mem::take(
            &mut *self
                .inner
                .ctx
                .dropped
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
        if !dropped.is_empty() {
            self.forget(&dropped);
        }
    }

    fn forget(&self, args: &[Arg]) {
        let mut pool = self.pool();
        for arg in args {
            let slot = pool.owners.remove(arg);
            if let Some(s) = slot.and_then(|i| pool.slots.get_mut(i)) {
                s.assigned = s.assigned.saturating_sub(1);
            }
        }
    }

    /// Unsubscribes and waits for the acknowledgements.
    pub async fn unsubscribe(&self, args: impl IntoIterator<Item = Arg>) -> Result<(), WsError> {
        self.reap_dropped();
        let mut per_slot: HashMap<usize, Vec<Arg>> = HashMap::new();
        let txs: HashMap<usize, mpsc::Sender<Cmd>> = {
            let pool = self.pool();
            for arg in args {
                let arg = arg.key();
                if let Some(&slot) = pool.owners.get(&arg) {
                    per_slot.entry(slot).or_default().push(arg);
                }
            }
            per_slot
                .keys()
                .map(|&k| (k, pool.slots[k].tx.clone()))
                .collect()
        };
        let mut result = Ok(());
        for (slot, args) in per_slot {
            self.forget(&args);
            let Some(tx) = txs.get(&slot) else { continue };
            let (reply, rx) = oneshot::channel();
            let outcome = match tx.send(Cmd::Unsubscribe { args, reply }).await {
                Ok(()) => rx.await.unwrap_or(Err(WsError::Closed)),
                Err(_) => Err(WsError::Closed),
            };
            if let (Err(e), true) = (outcome, result.is_ok()) {
                result = Err(e);
            }
        }
        result
    }

    /// Sets the `instIdCode` of one instrument (WS orders need it).
    pub fn set_inst_id_code(&self, inst_id: impl Into<String>, code: i64) {
        self.inner.ctx.codes().set(inst_id.into(), code);
    }

    /// Sets many `instIdCode`s at once.
    pub fn set_inst_id_codes(&self, codes: impl IntoIterator<Item = (String, i64)>) {
        let mut book = self.inner.ctx.codes();
        for (inst_id, code) in codes {
            book.set(inst_id, code);
        }
    }

    /// Takes the `instIdCode`s of instruments fetched over REST (with
    /// their `listTime`, so a later relisting is noticed); returns how many
    /// had one. `instruments` pushes the client receives update them too.
    pub fn load_instruments(&self, instruments: &[Instrument]) -> usize {
        let mut book = self.inner.ctx.codes();
        instruments
            .iter()
            .filter(|i| {
                book.learn(i);
                i.inst_id_code.is_some()
            })
            .count()
    }

    /// Reads a local book kept for `channel` (`books`, `books5`, ...) and
    /// `inst_id`; `None` if none was seen. The book may be out of sync
    /// (check [`okx_book::OrderBook::is_synced`]) while a resubscription is
    /// under way.
    pub fn book<R>(
        &self,
        channel: &str,
        inst_id: &str,
        f: impl FnOnce(&okx_book::OrderBook) -> R,
    ) -> Option<R> {
        let channel = okx_book::Channel::from_name(channel)?;
        let books = self.inner.ctx.books();
        books.get(channel).and_then(|set| set.get(inst_id)).map(f)
    }

    /// The command queue of the logged-in connection that takes trading
    /// operations on `endpoint` (private for orders, business for spread
    /// orders), opening it if needed.
    pub(crate) fn trade_tx(&self, endpoint: Endpoint) -> Result<mpsc::Sender<Cmd>, WsError> {
        self.check_login(endpoint, true, "WS trading")?;
        let mut pool = self.pool();
        Self::fatal(&pool, endpoint)?;
        let slot = match pool.slots.iter().position(|s| s.endpoint == endpoint) {
            Some(i) => i,
            None => self.spawn_slot(&mut pool, endpoint, false),
        };
        Ok(pool.slots[slot].tx.clone())
    }

    /// Closes every connection. Events already queued can still be read;
    /// the event stream ends once every clone of the client is dropped.
    pub async fn close(&self) {
        let txs: Vec<mpsc::Sender<Cmd>> = self.pool().slots.iter().map(|s| s.tx.clone()).collect();
        for tx in txs {
            let _ = tx.send(Cmd::Close).await;
        }
    }
}
