//! What a connection does with each inbound frame and each command.

use super::{Action, Conn, PendingOp, PendingSub};
use crate::arg::{Arg, is_private_data};
use crate::decode::{Inbound, book_push, inbound_with, is_book_channel};
use crate::endpoint::Endpoint;
use crate::error::WsError;
use crate::establish::{Socket, refused_for_good, request, take_acked};
use crate::event::{BookUpdate, PushData, WsEvent};
use crate::shared::{Cmd, OpReply, Reply};
use futures_util::SinkExt;
use okx_book::{Action as FrameAction, AppliedKind, BookError, BookFrame, OutOfSyncReason};
use okx_models::OkxCode;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use super::dedupe::Dedupe;

/// What is left to do after a book push was applied.
pub(super) enum BookStep {
    /// Nothing: the frame was dropped (not subscribed, or a duplicate).
    Done,
    /// Tell the user the book changed.
    Update(BookUpdate),
    /// Queue this event, waiting for room (boxed: only a full queue under
    /// backpressure gets here).
    Queue(Box<WsEvent>),
    /// The book lost sync: report it and resubscribe this arg (boxed: a
    /// rare step, kept out of the size of the common ones).
    OutOfSync(Box<Arg>, String),
    /// A `books-rpi` update: its rows go out as a push, then the update.
    WithRows(BookUpdate),
}

/// `a == b` compared inline: for the short names checked on every book
/// frame, a call to `memcmp` costs more than the comparison.
fn same_text(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// What [`Conn::on_text_now`] left to do.
pub(super) enum Later {
    /// The rest of a book push ([`Conn::book_step`]).
    Step(BookStep),
    /// The whole frame ([`Conn::on_text`]).
    Frame,
}

impl Conn {
    /// The part of handling a frame that needs no waiting: a book push in
    /// OKX's own shape goes straight to the book engine, which reads the
    /// frame once, and its event is queued at once when there is room.
    /// What is left is for [`Conn::book_step`], or (everything else, and a
    /// book push the engine cannot read) for [`Conn::on_text`]. Not async,
    /// so the busiest path does not build `on_text`'s large future.
    pub(super) fn on_text_now(
        &mut self,
        text: &str,
        socket: u64,
        dedupe: &mut Option<Dedupe>,
    ) -> Result<Action, Later> {
        if !(self.ctx.cfg.maintain_books && book_push(text)) {
            return Err(Later::Frame);
        }
        match self.on_book(text, socket, dedupe) {
            None => Err(Later::Frame),
            Some(BookStep::Done) => Ok(Action::None),
            Some(BookStep::Update(update)) => {
                match self.ctx.sinks.try_market(WsEvent::Book(update)) {
                    Ok(()) => Ok(Action::None),
                    Err(ev) => Err(Later::Step(BookStep::Queue(Box::new(ev)))),
                }
            }
            Some(step) => Err(Later::Step(step)),
        }
    }

    /// Handles a frame (see [`Conn::on_text_now`] for the part that needs
    /// no waiting).
    pub(super) async fn on_text(
        &mut self,
        text: &str,
        socket: u64,
        dedupe: &mut Option<Dedupe>,
    ) -> Action {
        match inbound_with(text, self.ctx.cfg.maintain_books) {
            Inbound::Pong | Inbound::Login { .. } | Inbound::Ack { id: None, .. } => Action::None,
            Inbound::Ack { id: Some(id), arg } => {
                let done = match self.pending_subs.get_mut(&id) {
                    Some(p) => {
                        take_acked(&mut p.args, arg);
                        p.acked += 1;
                        p.args.is_empty()
                    }
                    None => false,
                };
                let reply = done.then(|| self.pending_subs.remove(&id)).flatten();
                if let Some(reply) = reply.and_then(|p| p.reply) {
                    let _ = reply.send(Ok(()));
                }
                Action::None
            }
            Inbound::Error {
                id: Some(id),
                code,
                msg,
            } if self.pending_subs.contains_key(&id) => {
                if let Some(p) = self.pending_subs.remove(&id) {
                    if p.op == "subscribe" && p.reply.is_none() {
                        // The client's own resubscribe (a book resync): a
                        // passing refusal keeps the arg, so the staleness
                        // check asks again; a final one is reported.
                        if refused_for_good(code) {
                            self.drop_subs(&p.args, code, &msg).await;
                        }
                        for arg in &p.args {
                            self.release_resync(arg);
                        }
                        return Action::None;
                    }
                    if p.op == "subscribe" {
                        self.subs.retain(|s| !p.args.contains(s));
                        self.publish_state();
                    }
                    if let Some(reply) = p.reply {
                        let err = WsError::refused(code, msg, p.args, p.acked);
                        let _ = reply.send(Err(err));
                    }
                }
                Action::None
            }
            Inbound::Error {
                id: Some(id),
                code,
                msg,
            } if self.pending_ops.contains_key(&id) => {
                // A malformed or refused trade request comes back as an
                // `event: error` carrying its id: it belongs to that caller.
                if let Some(p) = self.pending_ops.remove(&id) {
                    let data = "[]".to_owned();
                    let _ = p.reply.send(Ok(OpReply { code, msg, data }));
                }
                Action::None
            }
            Inbound::Error { code, msg, .. } => {
                let endpoint = self.endpoint;
                self.emit(WsEvent::Error {
                    endpoint,
                    code,
                    msg,
                })
                .await;
                Action::None
            }
            Inbound::Notice { code, msg } => {
                let endpoint = self.endpoint;
                self.emit(WsEvent::Notice {
                    endpoint,
                    code,
                    msg,
                })
                .await;
                if code == OkxCode::WS_SERVICE_UPGRADE {
                    Action::Upgrade
                } else {
                    Action::None
                }
            }
            Inbound::ConnCount {
                channel,
                count,
                over_limit,
            } => {
                self.emit(WsEvent::ChannelConnCount {
                    channel,
                    count,
                    over_limit,
                })
                .await;
                Action::None
            }
            Inbound::OpResponse {
                id,
                code,
                msg,
                data,
            } => {
                if let Some(p) = self.pending_ops.remove(&id) {
                    let data = data
                        .map(|d| d.get().to_owned())
                        .unwrap_or_else(|| "[]".into());
                    let _ = p.reply.send(Ok(OpReply { code, msg, data }));
                }
                Action::None
            }
            Inbound::BadCode { id, error, .. } => {
                // A trading call waiting for this answer hears at once that
                // it cannot be read (its outcome is unknown); anything else
                // is reported like any undecodable frame.
                if let Some(p) = id.and_then(|id| self.pending_ops.remove(&id)) {
                    let _ = p.reply.send(Err(WsError::decode(format!(
                        "unreadable code in the answer: {error}"
                    ))));
                    return Action::None;
                }
                self.ctx
                    .sinks
                    .lossless(WsEvent::DecodeError {
                        channel: String::new(),
                        error: format!("unreadable code: {error}"),
                        raw: text.to_owned(),
                    })
                    .await;
                Action::None
            }
            Inbound::RawBook(arg) => match self.on_book(text, socket, dedupe) {
                Some(step) => self.book_step(step, text).await,
                None => self.unreadable_book(text, arg, socket, dedupe).await,
            },
            Inbound::Event(ev) => {
                self.fresh.saw_data();
                if let WsEvent::Push(p) = &ev
                    && is_book_channel(&p.arg.channel)
                {
                    let inst = p.arg.inst_id.as_deref().unwrap_or_default();
                    self.fresh.saw_book(&p.arg.channel, inst);
                }
                if dedupe.as_mut().is_some_and(|d| !d.fresh(text, socket)) {
                    return Action::None;
                }
                if let WsEvent::Push(p) = &ev
                    && let PushData::Instruments(rows) = &p.data
                {
                    // A relisting changes the instIdCode WS orders must send.
                    let mut codes = self.ctx.codes();
                    for row in rows {
                        codes.learn(row);
                    }
                }
                let lossless = match &ev {
                    WsEvent::Push(p) => is_private_data(&p.arg.channel),
                    WsEvent::DecodeError { channel, .. } => is_private_data(channel),
                    // A channel this crate does not know yet may well be
                    // private data when it arrives on a logged-in private
                    // or business connection.
                    WsEvent::Unknown { .. } => match self.endpoint {
                        Endpoint::Public => false,
                        Endpoint::Private => true,
                        Endpoint::Business => self.login(),
                    },
                    _ => true,
                };
                if lossless {
                    self.ctx.sinks.lossless(ev).await;
                } else {
                    self.ctx.sinks.market(ev).await;
                }
                Action::None
            }
        }
    }

    /// Applies a book push to its local book, reading the frame once.
    /// `None` if the frame cannot be read as a book push (see
    /// [`Conn::unreadable_book`]).
    pub(super) fn on_book(
        &mut self,
        text: &str,
        socket: u64,
        dedupe: &mut Option<Dedupe>,
    ) -> Option<BookStep> {
        self.fresh.saw_data();
        // Fields are used one by one below, so that the parsed frame can
        // borrow the reader while the rest of `self` is used.
        let parsed = self.book_reader.parse(text.as_bytes()).ok()?;
        let frame = parsed.frame();
        let (channel, inst) = (frame.channel.name(), frame.inst_id);
        // Frames still in flight after an unsubscribe (or from the old
        // socket of an overlap) must not bring the book back.
        let Some(sub) = self.subs.iter().position(|s| {
            same_text(&s.channel, channel)
                && s.inst_id.as_deref().is_some_and(|i| same_text(i, inst))
        }) else {
            return Some(BookStep::Done);
        };
        if let Some(d) = dedupe.as_mut()
            && !d.book_frame(
                frame.channel,
                inst,
                frame.action == FrameAction::Snapshot,
                socket,
            )
        {
            return Some(BookStep::Done);
        }
        let snapshot = frame.action == FrameAction::Snapshot;
        // A book waiting for its REST snapshot keeps its updates for it; a
        // snapshot ends the wait (and any REST start).
        if (snapshot && !self.rest_books.is_empty()) || self.boot.waiting() {
            let key = (channel.to_owned(), inst.to_owned());
            if self
                .boot
                .buffered(&mut self.rest_books, &key, snapshot, text)
            {
                self.fresh.saw_book(channel, inst);
                return Some(BookStep::Done);
            }
        }
        let (result, seq_id, integrity) = {
            let mut books = self.ctx.books();
            let book = books.entry(frame.channel).book_mut(inst);
            let result = book.apply_parsed(&parsed);
            (result, book.seq_id(), book.integrity())
        };
        Some(match result {
            Ok(applied) => {
                let snapshot = applied.kind == AppliedKind::Snapshot;
                if snapshot {
                    self.resyncing.retain(|(c, i)| !(c == channel && i == inst));
                }
                let update = BookUpdate {
                    channel: frame.channel,
                    inst_id: inst.into(),
                    snapshot,
                    seq_id,
                    integrity,
                    checksum_verified: applied.checksum_verified,
                };
                if frame.channel == okx_book::Channel::BooksRpi {
                    // The local book keeps the total size; the rows, with
                    // the non-RPI size too, go out as a push before it.
                    BookStep::WithRows(update)
                } else {
                    BookStep::Update(update)
                }
            }
            Err(e) => {
                let arg = self.subs.get(sub).map(Arg::key).unwrap_or_default();
                BookStep::OutOfSync(Box::new(arg), e.to_string())
            }
        })
    }

    /// Does what [`Conn::on_book`] left to do (`text`: the frame).
    pub(super) async fn book_step(&mut self, step: BookStep, text: &str) -> Action {
        match step {
            BookStep::Done => Action::None,
            BookStep::WithRows(update) => {
                if let Inbound::Event(ev @ WsEvent::Push(_)) = inbound_with(text, false) {
                    self.ctx.sinks.market(ev).await;
                }
                self.ctx.sinks.market(WsEvent::Book(update)).await;
                Action::None
            }
            BookStep::Update(update) => {
                self.ctx.sinks.market(WsEvent::Book(update)).await;
                Action::None
            }
            BookStep::Queue(ev) => {
                self.ctx.sinks.market(*ev).await;
                Action::None
            }
            BookStep::OutOfSync(arg, reason) => self.out_of_sync(*arg, reason).await,
        }
    }

    /// A push of a kept book that the book engine cannot read: the lost
    /// push may have changed the book, so it cannot be trusted until a new
    /// snapshot, like after a gap.
    async fn unreadable_book(
        &mut self,
        text: &str,
        arg: Arg,
        socket: u64,
        dedupe: &mut Option<Dedupe>,
    ) -> Action {
        if !self.subscribed(&arg) {
            return Action::None;
        }
        if dedupe.as_mut().is_some_and(|d| !d.fresh(text, socket)) {
            return Action::None;
        }
        let error = match BookFrame::parse(text.as_bytes()) {
            Err(e) => BookError::from(e).to_string(),
            // Read after all (cannot happen: the same parse failed).
            Ok(_) => "unreadable book push".to_owned(),
        };
        let inst = {
            let mut books = self.ctx.books();
            okx_book::peek_arg(text.as_bytes()).map(|(channel, inst)| {
                let set = books.entry(channel);
                set.book_mut(inst).invalidate(OutOfSyncReason::Malformed);
                inst.to_owned()
            })
        };
        let ev = WsEvent::DecodeError {
            channel: arg.channel.clone(),
            error: error.clone(),
            raw: text.to_owned(),
        };
        self.ctx.sinks.market(ev).await;
        match inst {
            Some(inst) => {
                let arg = Arg {
                    inst_id: Some(inst),
                    ..arg.key()
                };
                self.out_of_sync(arg, error).await
            }
            None => Action::None,
        }
    }

    /// Tells the user a book lost sync and asks for its resubscription,
    /// once until a snapshot heals it.
    async fn out_of_sync(&mut self, arg: Arg, reason: String) -> Action {
        let inst_id = arg.inst_id.clone().unwrap_or_default();
        if self
            .resyncing
            .iter()
            .any(|(c, i)| c == &arg.channel && i == &inst_id)
        {
            return Action::None;
        }
        self.resyncing.push((arg.channel.clone(), inst_id.clone()));
        let ev = WsEvent::BookOutOfSync {
            channel: arg.channel.clone(),
            inst_id,
            reason,
        };
        self.emit(ev).await;
        let key = (arg.channel.clone(), arg.inst_id.clone().unwrap_or_default());
        if self.rest_books.contains(&key) {
            // Resubscribing would bring no snapshot either: a newer REST
            // one, with the updates from now on, heals it.
            self.await_snapshot(&arg, true);
            return Action::None;
        }
        Action::Resubscribe(arg)
    }

    /// Unsubscribes and subscribes again so OKX sends a fresh snapshot.
    /// The arg stays in `subs` throughout: if either op cannot go out, the
    /// next reconnect still subscribes it. Returns false, sending nothing,
    /// when the connection's op budget cannot cover both requests.
    pub(super) async fn resubscribe(&mut self, arg: Arg, ws: &mut Socket) -> bool {
        if !self.subscribed(&arg) {
            // Unsubscribed meanwhile: nothing to heal.
            self.release_resync(&arg);
            return true;
        }
        if self.ops.remaining(Instant::now()) < 2 {
            // An unsubscribe without its subscribe would lose the book.
            return false;
        }
        tracing::info!(
            channel = %arg.channel,
            inst_id = arg.inst_id.as_deref().unwrap_or(""),
            "resubscribing for a fresh book snapshot"
        );
        self.send_sub("unsubscribe", vec![arg.clone()], None, ws)
            .await;
        self.send_sub("subscribe", vec![arg], None, ws).await;
        true
    }

    /// A book subscription that went quiet while others on the connection
    /// flow: reported like a gap and resubscribed for a new snapshot.
    pub(super) async fn book_went_quiet(&mut self, arg: Arg) -> Action {
        let inst_id = arg.inst_id.clone().unwrap_or_default();
        let key = (arg.channel.clone(), inst_id.clone());
        if let Some(channel) = okx_book::Channel::from_name(&arg.channel)
            && let Some(set) = self.ctx.books().get_mut(channel)
        {
            set.book_mut(&inst_id).invalidate(OutOfSyncReason::Stale);
        }
        if !self.resyncing.contains(&key) {
            self.resyncing.push(key);
        }
        let limit = self.ctx.cfg.book_stale_after.unwrap_or_default();
        self.emit(WsEvent::BookOutOfSync {
            channel: arg.channel.clone(),
            inst_id,
            reason: format!("no frame for {} s", limit.as_secs()),
        })
        .await;
        Action::Resubscribe(arg)
    }

    /// Whether the channel and instrument of `arg` are subscribed here.
    pub(super) fn subscribed(&self, arg: &Arg) -> bool {
        self.subs
            .iter()
            .any(|s| s.channel == arg.channel && s.inst_id == arg.inst_id)
    }

    /// Forgets that a book is being resynced, so its next frame (refused
    /// while it is out of sync) asks again.
    pub(super) fn release_resync(&mut self, arg: &Arg) {
        let inst = arg.inst_id.as_deref().unwrap_or_default();
        self.resyncing
            .retain(|(c, i)| !(c == &arg.channel && i == inst));
    }

    pub(super) async fn exec(&mut self, cmd: Cmd, ws: &mut Socket) {
        match cmd {
            Cmd::Subscribe { args, reply } => {
                let mut new: Vec<Arg> = Vec::new();
                for arg in args {
                    if !self.subs.contains(&arg) && !new.contains(&arg) {
                        new.push(arg);
                    }
                }
                if new.is_empty() {
                    let _ = reply.send(Ok(()));
                    return;
                }
                self.send_sub("subscribe", new, Some(reply), ws).await;
            }
            Cmd::Unsubscribe { args, reply } => {
                let present: Vec<Arg> =
                    args.into_iter().filter(|a| self.subs.contains(a)).collect();
                if present.is_empty() {
                    let _ = reply.send(Ok(()));
                    return;
                }
                self.subs.retain(|s| !present.contains(s));
                {
                    let mut books = self.ctx.books();
                    for arg in &present {
                        let channel = okx_book::Channel::from_name(&arg.channel);
                        if let (Some(set), Some(inst)) =
                            (channel.and_then(|c| books.get_mut(c)), &arg.inst_id)
                        {
                            set.remove(inst);
                        }
                    }
                }
                for arg in &present {
                    let key = (arg.channel.clone(), arg.inst_id.clone().unwrap_or_default());
                    self.boot.forget(&key);
                    self.rest_books.retain(|k| k != &key);
                    self.fresh
                        .forget_book(&arg.channel, arg.inst_id.as_deref().unwrap_or_default());
                    self.release_resync(arg);
                }
                self.send_sub("unsubscribe", present, Some(reply), ws).await;
            }
            Cmd::Trade { id, frame, reply } => {
                // The caller gave up (its own timeout): an order sent now
                // would be one nobody waits for.
                if reply.is_closed() {
                    return;
                }
                if ws.send(Message::Text(frame)).await.is_err() {
                    // Part of the frame may have gone out: outcome unknown.
                    let _ = reply.send(Err(WsError::Disconnected));
                    return;
                }
                let deadline = Instant::now() + self.ctx.cfg.request_timeout;
                self.pending_ops.insert(id, PendingOp { reply, deadline });
            }
            Cmd::Close => {}
        }
    }

    async fn send_sub(
        &mut self,
        op: &'static str,
        args: Vec<Arg>,
        reply: Option<Reply<()>>,
        ws: &mut Socket,
    ) {
        let fail = |reply: Option<Reply<()>>, err: WsError| {
            if let Some(reply) = reply {
                let _ = reply.send(Err(err));
            }
        };
        let id = self.ctx.next_id();
        let text = request(&id, op, &args);
        if text.len() > self.ctx.cfg.max_subscribe_bytes {
            return fail(
                reply,
                WsError::Invalid("subscribe request over the 64 KB limit".into()),
            );
        }
        if self.ops.try_take(1, Instant::now()).is_err() {
            return fail(
                reply,
                WsError::Invalid("this connection spent its 480 ops per hour".into()),
            );
        }
        if op == "subscribe" {
            for arg in &args {
                if !self.subs.contains(arg) {
                    self.subs.push(arg.clone());
                }
                if is_book_channel(&arg.channel) {
                    self.fresh
                        .restart_book(&arg.channel, arg.inst_id.as_deref().unwrap_or_default());
                }
                self.await_snapshot(arg, false);
            }
        }
        self.publish_state();
        if ws.send(Message::Text(text)).await.is_err() {
            // Still registered: the reconnect sends it again.
            return fail(reply, WsError::Disconnected);
        }
        let deadline = Instant::now() + self.ctx.cfg.request_timeout;
        self.pending_subs.insert(
            id,
            PendingSub {
                op,
                args,
                acked: 0,
                reply,
                deadline,
            },
        );
    }

    /// Answers requests whose response did not come in time.
    pub(super) fn expire(&mut self) {
        let now = Instant::now();
        let late: Vec<String> = self
            .pending_ops
            .iter()
            .filter(|(_, p)| p.deadline <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for id in late {
            if let Some(p) = self.pending_ops.remove(&id) {
                let _ = p.reply.send(Err(WsError::Timeout));
            }
        }
        let late: Vec<String> = self
            .pending_subs
            .iter()
            .filter(|(_, p)| p.deadline <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for id in late {
            if let Some(reply) = self.pending_subs.remove(&id).and_then(|p| p.reply) {
                let _ = reply.send(Err(WsError::Timeout));
            }
        }
    }
}
