//! One self-healing connection: a task that owns the socket, keeps it alive,
//! reconnects with backoff and jitter, logs in again and resubscribes, and
//! on a 64008 notice opens the replacement before letting the old one go.

use crate::arg::Arg;
use crate::endpoint::Endpoint;
use crate::error::{Cause, WsError};
use crate::establish::{EstablishError, Established, HOUR, Socket, establish, refused_for_good};
use crate::event::{DisconnectReason, WsEvent};
use crate::limits::Window;
use crate::shared::{Cmd, ConnState, Ctx, OpReply, Reply};
use futures_util::{SinkExt, StreamExt};
use okx_models::OkxCode;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};
use tokio_tungstenite::tungstenite::Message;
use tracing::Instrument as _;

mod bootstrap;
/// Handles one inbound text frame: what needs no waiting without building
/// the future of [`Conn::on_text`] (see [`Conn::on_text_now`]), the rest
/// awaited.
macro_rules! handle_text {
    ($conn:expr, $text:expr, $socket:expr, $dedupe:expr) => {
        match $conn.on_text_now($text, $socket, $dedupe) {
            Ok(action) => action,
            Err(handle::Later::Step(step)) => $conn.book_step(step, $text).await,
            Err(handle::Later::Frame) => $conn.on_text($text, $socket, $dedupe).await,
        }
    };
}

pub mod bench;
mod dedupe;
mod handle;
mod offline;
mod stale;

use bootstrap::{BookKey, Bootstraps};
use dedupe::Dedupe;
use stale::{Freshness, Stale};

/// How long the old connection of a 64008 upgrade is still read after the
/// new one took over, for responses and pushes already in flight.
const DRAIN: Duration = Duration::from_secs(2);

/// Consecutive unexplained login failures after which retries wait the
/// longest backoff instead of growing towards it.
pub const SLOW_LOGIN_RETRY_AFTER: u32 = 5;

/// Past this many attempts the doubling stops (2^16 times the first delay
/// is far above any sensible `backoff_max`), so the delay is `backoff_max`.
const BACKOFF_CEILING_ATTEMPT: u32 = 17;

type Pending = Pin<Box<dyn Future<Output = Result<Established, EstablishError>> + Send>>;

struct PendingSub {
    op: &'static str,
    /// The args OKX has not acked yet; an error refuses only these.
    args: Vec<Arg>,
    acked: usize,
    reply: Option<Reply<()>>,
    deadline: Instant,
}

struct PendingOp {
    reply: Reply<OpReply>,
    deadline: Instant,
}

/// What handling a frame asks the loop to do next.
pub(crate) enum Action {
    None,
    Upgrade,
    Resubscribe(Arg),
}

pub(crate) struct Conn {
    ctx: Arc<Ctx>,
    endpoint: Endpoint,
    conn: usize,
    state: Arc<ConnState>,
    cmds: mpsc::Receiver<Cmd>,
    subs: Vec<Arg>,
    pending_subs: HashMap<String, PendingSub>,
    pending_ops: HashMap<String, PendingOp>,
    /// Commands waiting for a socket, with the time their caller stops
    /// waiting (`None` once answered with a timeout; still sent later).
    deferred: VecDeque<(Option<Instant>, Cmd)>,
    ops: Window,
    resyncing: Vec<(String, String)>,
    rng: u64,
    /// A public connection that carries login-only channels (books-l2-tbt).
    force_login: bool,
    /// When the current socket's streams last delivered something.
    fresh: Freshness,
    /// Books waiting for a snapshot (none came with the subscription).
    boot: Bootstraps,
    /// Books started from a REST snapshot: a gap fetches a newer one.
    rest_books: Vec<BookKey>,
    /// Reads book frames once, keeping what it read of the levels for the
    /// apply (its buffers grow to the largest snapshot and stay).
    book_reader: okx_book::FrameReader,
}

enum Wait {
    Done,
    Shutdown,
}

impl Conn {
    pub(crate) fn spawn(
        ctx: Arc<Ctx>,
        endpoint: Endpoint,
        conn: usize,
        force_login: bool,
    ) -> (mpsc::Sender<Cmd>, Arc<ConnState>) {
        let (actor, tx, state) = Conn::new(ctx, endpoint, conn, force_login);
        // Every event of this connection's task carries its endpoint and id.
        let span = tracing::info_span!("okx_ws_conn", endpoint = ?endpoint, conn);
        tokio::spawn(actor.run().instrument(span));
        (tx, state)
    }

    /// A connection not yet running, with its command queue and state.
    fn new(
        ctx: Arc<Ctx>,
        endpoint: Endpoint,
        conn: usize,
        force_login: bool,
    ) -> (Conn, mpsc::Sender<Cmd>, Arc<ConnState>) {
        let (tx, rx) = mpsc::channel(256);
        let state = Arc::new(ConnState::default());
        state
            .ops_left
            .store(ctx.cfg.ops_per_hour, Ordering::Relaxed);
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos() as u64)
            .unwrap_or(0x9E37_79B9)
            ^ ((conn as u64) << 32);
        let actor = Conn {
            ops: Window::new(ctx.cfg.ops_per_hour, HOUR),
            ctx,
            endpoint,
            conn,
            state: state.clone(),
            cmds: rx,
            subs: Vec::new(),
            pending_subs: HashMap::new(),
            pending_ops: HashMap::new(),
            deferred: VecDeque::new(),
            resyncing: Vec::new(),
            rng: seed | 1,
            force_login,
            fresh: Freshness::new(),
            boot: Bootstraps::new(),
            rest_books: Vec::new(),
            book_reader: okx_book::FrameReader::new(),
        };
        (actor, tx, state)
    }

    fn login(&self) -> bool {
        self.ctx.auth.is_some()
            && (self.endpoint != Endpoint::Public
                || self.force_login
                || self.subs.iter().any(Arg::needs_login))
    }

    /// The reconnect delay before jitter: doubling from `backoff_initial`,
    /// capped at `backoff_max`.
    fn backoff(&self, attempt: u32) -> Duration {
        let cfg = &self.ctx.cfg;
        let shift = attempt.clamp(1, BACKOFF_CEILING_ATTEMPT) - 1;
        cfg.backoff_initial
            .saturating_mul(1 << shift)
            .min(cfg.backoff_max)
    }

    fn jitter(&mut self, d: Duration) -> Duration {
        // xorshift: jitter only needs to spread reconnects, not be secret.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        let frac = (self.rng % 1000) as u32;
        d / 2 + (d / 2) * frac / 1000
    }

    async fn emit(&self, ev: WsEvent) {
        trace_event(&ev);
        self.ctx.sinks.lossless(ev).await;
    }

    /// Tells the user a connection attempt failed; the caller backs off.
    async fn connect_failed(&self, why: String) {
        self.emit(WsEvent::Disconnected {
            endpoint: self.endpoint,
            conn: self.conn,
            reason: DisconnectReason::ConnectFailed(why),
        })
        .await;
    }

    async fn run(mut self) {
        let mut attempt: u32 = 0;
        let mut login_failures: u32 = 0;
        let mut connected_before = false;
        loop {
            if connected_before {
                tracing::info!(
                    attempt,
                    subscriptions = self.subs.len(),
                    login = self.login(),
                    "reconnecting: connect, log in, resubscribe"
                );
            } else {
                tracing::debug!(
                    subscriptions = self.subs.len(),
                    login = self.login(),
                    "connecting"
                );
            }
            let setup = establish(
                self.ctx.clone(),
                self.endpoint,
                self.login(),
                self.subs.clone(),
            );
            let result = tokio::select! {
                r = setup => r,
                Wait::Shutdown = self.wait_offline(None) => return self.shutdown(),
            };
            match result {
                Ok(mut est) if passing_refusal(&est).is_some() => {
                    // Dropping the args would lose e.g. `orders` for good over
                    // a 60014; a fresh connection after backoff asks again.
                    let why = passing_refusal(&est).unwrap_or_default();
                    let _ = est.ws.close(None).await;
                    self.connect_failed(why).await;
                }
                Ok(est) => {
                    attempt = 0;
                    login_failures = 0;
                    let (endpoint, conn) = (self.endpoint, self.conn);
                    self.emit(if connected_before {
                        WsEvent::Reconnected { endpoint, conn }
                    } else {
                        WsEvent::Connected { endpoint, conn }
                    })
                    .await;
                    connected_before = true;
                    let reason = self.serve(est).await;
                    self.fail_pending(WsError::Disconnected);
                    let shutdown = reason == DisconnectReason::Shutdown;
                    self.emit(WsEvent::Disconnected {
                        endpoint,
                        conn,
                        reason,
                    })
                    .await;
                    if shutdown {
                        return self.shutdown();
                    }
                }
                Err(EstablishError::Permanent(code, msg)) => {
                    let (endpoint, conn) = (self.endpoint, self.conn);
                    self.emit(WsEvent::LoginFailed {
                        endpoint,
                        conn,
                        code,
                        msg: msg.clone(),
                        permanent: true,
                    })
                    .await;
                    return self
                        .stop_for_good(WsError::LoginRejected { code, msg })
                        .await;
                }
                Err(EstablishError::Login(code, msg)) => {
                    // 60009 or a bare 4001 close says nothing about why: it
                    // may be a bad key, or OKX's login service being down.
                    // Keep trying (slowly) unless the user set a limit.
                    login_failures = login_failures.saturating_add(1);
                    let permanent = self
                        .ctx
                        .cfg
                        .max_login_failures
                        .is_some_and(|max| login_failures >= max);
                    let (endpoint, conn) = (self.endpoint, self.conn);
                    self.emit(WsEvent::LoginFailed {
                        endpoint,
                        conn,
                        code,
                        msg: msg.clone(),
                        permanent,
                    })
                    .await;
                    if permanent {
                        return self
                            .stop_for_good(WsError::LoginRejected { code, msg })
                            .await;
                    }
                    if login_failures >= SLOW_LOGIN_RETRY_AFTER {
                        attempt = attempt.max(BACKOFF_CEILING_ATTEMPT);
                    }
                }
                Err(EstablishError::Transient(why)) => self.connect_failed(why).await,
            }
            attempt = attempt.saturating_add(1);
            let delay = self.jitter(self.backoff(attempt));
            tracing::info!(
                attempt,
                wait_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "backing off before reconnecting"
            );
            if let Wait::Shutdown = self.wait_offline(Some(Instant::now() + delay)).await {
                return self.shutdown();
            }
        }
    }

    /// Opens a connection that logs in and subscribes everything this one has.
    fn replacement(&self) -> Pending {
        Box::pin(establish(
            self.ctx.clone(),
            self.endpoint,
            self.login(),
            self.subs.clone(),
        ))
    }

    fn shutdown(&mut self) {
        self.state.stopped.store(true, Ordering::Relaxed);
        self.fail_pending(WsError::Closed);
        for (_, cmd) in self.deferred.drain(..) {
            cmd.fail(WsError::Closed);
        }
    }

    async fn stop_for_good(mut self, err: WsError) {
        *self.state.fatal.lock().unwrap_or_else(|e| e.into_inner()) = Some(err.clone());
        self.state.stopped.store(true, Ordering::Relaxed);
        self.fail_pending(err.clone());
        for (_, cmd) in self.deferred.drain(..) {
            cmd.fail(err.clone());
        }
        while let Some(cmd) = self.cmds.recv().await {
            cmd.fail(err.clone());
        }
    }

    fn fail_pending(&mut self, err: WsError) {
        for (_, p) in self.pending_ops.drain() {
            let _ = p.reply.send(Err(err.clone()));
        }
        // Subscriptions stay registered and are sent again on reconnect.
        for (_, p) in self.pending_subs.drain() {
            if let Some(reply) = p.reply {
                let _ = reply.send(Err(err.clone()));
            }
        }
    }

    fn publish_state(&mut self) {
        self.state.subs.store(self.subs.len(), Ordering::Relaxed);
        let left = self.ops.remaining(Instant::now());
        self.state.ops_left.store(left, Ordering::Relaxed);
    }

    async fn adopt(&mut self, est: Established) -> (Socket, Vec<String>) {
        let Established {
            ws,
            early,
            ops,
            refused,
        } = est;
        self.ops = ops;
        // Only refusals that can never succeed get here (see `passing_refusal`).
        for (args, code, msg) in refused {
            self.drop_subs(&args, code, &msg).await;
        }
        // Every book was subscribed anew: each waits for its snapshot.
        for arg in self.subs.clone() {
            self.await_snapshot(&arg, false);
        }
        self.publish_state();
        (ws, early)
    }

    /// Drops subscriptions OKX refused for good, and tells the user.
    pub(crate) async fn drop_subs(&mut self, args: &[Arg], code: OkxCode, msg: &str) {
        self.subs.retain(|s| !args.contains(s));
        self.ctx
            .dropped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(args.iter().cloned());
        for arg in args {
            let endpoint = self.endpoint;
            self.emit(WsEvent::SubscriptionDropped {
                endpoint,
                arg: arg.clone(),
                code,
                msg: msg.to_owned(),
            })
            .await;
        }
        self.publish_state();
    }

    async fn run_deferred(&mut self, ws: &mut Socket) {
        let deferred: Vec<Cmd> = self.deferred.drain(..).map(|(_, c)| c).collect();
        for cmd in deferred {
            self.exec(cmd, ws).await;
        }
    }

    /// Runs one live socket until it dies; returns why.
    async fn serve(&mut self, est: Established) -> DisconnectReason {
        let mut socket_gen: u64 = 1;
        let mut dedupe: Option<Dedupe> = None;
        self.fresh = Freshness::new();
        let (mut ws, early) = self.adopt(est).await;
        let mut actions = VecDeque::new();
        for text in early {
            actions.push_back(handle_text!(self, &text, socket_gen, &mut dedupe));
        }
        self.run_deferred(&mut ws).await;
        let (ping_after, pong_timeout) = (self.ctx.cfg.ping_after, self.ctx.cfg.pong_timeout);
        let mut last_rx = Instant::now();
        let mut ping_sent: Option<Instant> = None;
        let mut upgrade: Option<Pending> = None;
        let mut draining: Option<(Socket, u64)> = None;
        let mut overlap_until: Option<Instant> = None;
        // Books waiting for a replacement connection to resync them, and
        // when a failed replacement is tried again (with backoff).
        let mut rotating: Vec<Arg> = Vec::new();
        let mut rotate_retry: Option<Instant> = None;
        let mut rotate_failures: u32 = 0;
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            while let Some(action) = actions.pop_front() {
                match action {
                    Action::None => {}
                    Action::Upgrade if upgrade.is_none() && overlap_until.is_none() => {
                        tracing::info!(
                            subscriptions = self.subs.len(),
                            "service upgrade notice: opening a replacement connection"
                        );
                        // Remember what the old socket delivers from now on,
                        // so the new one's copies of it can be dropped.
                        dedupe.get_or_insert_with(|| Dedupe::new(socket_gen));
                        upgrade = Some(self.replacement());
                    }
                    Action::Upgrade => {}
                    Action::Resubscribe(arg) => {
                        if self.resubscribe(arg.clone(), &mut ws).await {
                            continue;
                        }
                        // This connection's 480 ops per hour are spent, but a
                        // new connection has its own: a replacement, opened
                        // make-before-break like a 64008 upgrade, subscribes
                        // everything afresh and so brings a new snapshot.
                        if overlap_until.is_some() {
                            // A replacement just took over; the book's next
                            // staleness check asks again on it.
                            self.release_resync(&arg);
                            continue;
                        }
                        if rotating.contains(&arg) {
                            continue;
                        }
                        let (endpoint, conn) = (self.endpoint, self.conn);
                        self.emit(WsEvent::OpBudgetExhausted {
                            endpoint,
                            conn,
                            arg: arg.clone(),
                        })
                        .await;
                        rotating.push(arg);
                        // With a replacement under way (or one failed and
                        // waiting to retry), that one subscribes it too.
                        if upgrade.is_none() && rotate_retry.is_none() {
                            dedupe.get_or_insert_with(|| Dedupe::new(socket_gen));
                            upgrade = Some(self.replacement());
                        }
                    }
                }
            }
            let keepalive = match ping_sent {
                None => last_rx + ping_after,
                Some(t) => t + pong_timeout,
            };
            let far = Instant::now() + Duration::from_secs(86_400);
            tokio::select! {
                msg = ws.next() => {
                    last_rx = Instant::now();
                    ping_sent = None;
                    match msg {
                        Some(Ok(Message::Text(text))) => {
                            actions.push_back(handle_text!(self, &text, socket_gen, &mut dedupe));
                        }
                        Some(Ok(Message::Close(frame))) => {
                            return DisconnectReason::Closed {
                                code: frame.as_ref().map(|f| u16::from(f.code)),
                                reason: frame.map(|f| f.reason.to_string()).unwrap_or_default(),
                            };
                        }
                        Some(Ok(_)) => {}
                        Some(Err(e)) => return DisconnectReason::Error(Cause::new(e)),
                        None => {
                            return DisconnectReason::Closed { code: None, reason: "connection closed".into() };
                        }
                    }
                }
                _ = sleep_until(keepalive) => {
                    if ping_sent.is_some() {
                        return DisconnectReason::PongTimeout;
                    }
                    if let Err(e) = ws.send(Message::Text("ping".into())).await {
                        return DisconnectReason::Error(Cause::new(e));
                    }
                    ping_sent = Some(Instant::now());
                }
                cmd = self.cmds.recv() => match cmd {
                    None | Some(Cmd::Close) => {
                        let _ = ws.close(None).await;
                        return DisconnectReason::Shutdown;
                    }
                    Some(cmd @ (Cmd::Subscribe { .. } | Cmd::Unsubscribe { .. })) if upgrade.is_some() => {
                        self.defer(cmd);
                    }
                    Some(cmd) => self.exec(cmd, &mut ws).await,
                },
                res = poll_upgrade(&mut upgrade), if upgrade.is_some() => {
                    upgrade = None;
                    // On failure the old socket stays; when OKX closes it the
                    // normal reconnect path takes over.
                    // A replacement whose resubscribe was refused for a
                    // passing reason is abandoned like a failed one.
                    if let Some(est) = res.ok().filter(|e| passing_refusal(e).is_none()) {
                        let (new_ws, early) = self.adopt(est).await;
                        let old = std::mem::replace(&mut ws, new_ws);
                        draining = Some((old, socket_gen));
                        socket_gen += 1;
                        dedupe.get_or_insert_with(|| Dedupe::new(socket_gen - 1));
                        overlap_until = Some(Instant::now() + DRAIN);
                        for text in early {
                            actions.push_back(handle_text!(self, &text, socket_gen, &mut dedupe));
                        }
                        last_rx = Instant::now();
                        ping_sent = None;
                        let (endpoint, conn) = (self.endpoint, self.conn);
                        self.emit(WsEvent::Reconnected { endpoint, conn }).await;
                        self.run_deferred(&mut ws).await;
                        rotating.clear();
                        rotate_retry = None;
                        rotate_failures = 0;
                    } else {
                        dedupe = None;
                        // Commands held for the replacement go out on the
                        // socket that stays.
                        self.run_deferred(&mut ws).await;
                        if !rotating.is_empty() {
                            rotate_failures = rotate_failures.saturating_add(1);
                            let delay = self.jitter(self.backoff(rotate_failures));
                            rotate_retry = Some(Instant::now() + delay);
                        }
                    }
                }
                msg = next_draining(&mut draining), if draining.is_some() => {
                    let old_gen = draining.as_ref().map(|d| d.1).unwrap_or(0);
                    match msg {
                        Some(Ok(Message::Text(text))) => {
                            actions.push_back(handle_text!(self, &text, old_gen, &mut dedupe));
                        }
                        Some(Ok(_)) => {}
                        _ => draining = None,
                    }
                }
                _ = sleep_until(overlap_until.unwrap_or(far)), if overlap_until.is_some() => {
                    if let Some((mut old, _)) = draining.take() {
                        let _ = old.close(None).await;
                    }
                    overlap_until = None;
                    dedupe = None;
                }
                done = self.boot.done_rx.recv() => {
                    if let Some(done) = done {
                        self.on_fetched(done).await;
                    }
                }
                _ = tick.tick() => {
                    self.expire();
                    self.answer_late();
                    self.due_snapshots().await;
                    // A replacement under way brings fresh streams anyway.
                    if upgrade.is_some() || overlap_until.is_some() {
                        continue;
                    }
                    if rotate_retry.is_some_and(|t| t <= Instant::now()) {
                        rotate_retry = None;
                        dedupe.get_or_insert_with(|| Dedupe::new(socket_gen));
                        upgrade = Some(self.replacement());
                        continue;
                    }
                    let mut fresh = std::mem::replace(&mut self.fresh, Freshness::new());
                    let stale = self.staleness(&mut fresh);
                    self.fresh = fresh;
                    match stale {
                        Stale::Fresh => {}
                        Stale::Feed(silent_for) => return DisconnectReason::StaleFeed { silent_for },
                        Stale::Books(args) => {
                            for arg in args {
                                actions.push_back(self.book_went_quiet(arg).await);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Why a set-up connection is unusable: OKX refused part of the
/// resubscription for a reason that may pass.
fn passing_refusal(est: &Established) -> Option<String> {
    est.refused
        .iter()
        .find(|(_, code, _)| !refused_for_good(*code))
        .map(|(_, code, msg)| format!("resubscribe refused ({code}): {msg}"))
}

async fn poll_upgrade(upgrade: &mut Option<Pending>) -> Result<Established, EstablishError> {
    match upgrade {
        Some(fut) => fut.await,
        None => std::future::pending().await,
    }
}

async fn next_draining(
    draining: &mut Option<(Socket, u64)>,
) -> Option<Result<Message, tokio_tungstenite::tungstenite::Error>> {
    match draining {
        Some((ws, _)) => ws.next().await,
        None => std::future::pending().await,
    }
}

/// Says in the log what the user is told as an event: connects, losses,
/// login refusals, book resyncs, dropped subscriptions.
fn trace_event(ev: &WsEvent) {
    match ev {
        WsEvent::Connected { .. } => tracing::info!("connected"),
        WsEvent::Reconnected { .. } => tracing::info!("reconnected and resubscribed"),
        WsEvent::Disconnected { reason, .. } => match reason {
            DisconnectReason::Shutdown => tracing::info!("closed"),
            reason => tracing::warn!(reason = ?reason, "disconnected"),
        },
        WsEvent::LoginFailed {
            code,
            msg,
            permanent,
            ..
        } => tracing::warn!(code = %code, msg = %msg, permanent, "login refused"),
        WsEvent::BookOutOfSync {
            channel,
            inst_id,
            reason,
        } => {
            tracing::info!(channel = %channel, inst_id = %inst_id, reason = %reason, "book out of sync; resyncing")
        }
        WsEvent::SubscriptionDropped { arg, code, msg, .. } => tracing::warn!(
            channel = %arg.channel,
            inst_id = arg.inst_id.as_deref().unwrap_or(""),
            code = %code,
            msg = %msg,
            "subscription refused for good"
        ),
        WsEvent::OpBudgetExhausted { arg, .. } => tracing::info!(
            channel = %arg.channel,
            inst_id = arg.inst_id.as_deref().unwrap_or(""),
            "op budget spent; resyncing through a replacement connection"
        ),
        _ => {}
    }
}
