//! What a connection does with each inbound frame and each command.

use super::{Action, Conn, PendingOp, PendingSub};
use crate::arg::{Arg, is_private_data};
use crate::decode::{Inbound, inbound_with, is_book_channel};
use crate::endpoint::Endpoint;
use crate::error::WsError;
use crate::establish::{Socket, refused_for_good, request, take_acked};
use crate::event::{BookUpdate, PushData, WsEvent};
use crate::shared::{Cmd, OpReply, Reply};
use futures_util::SinkExt;
use okx_book::{
    Action as FrameAction, AppliedKind, BookError, BookFrame, Integrity, OutOfSyncReason,
};
use okx_models::OkxCode;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use super::dedupe::Dedupe;

impl Conn {
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
            Inbound::RawBook(arg) => {
                self.fresh.saw_data();
                self.on_book(text, arg, socket, dedupe).await
            }
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

    /// Applies a raw book frame to the local book; a gap, a checksum
    /// mismatch or an unreadable push asks for a resubscription (once, until
    /// a snapshot heals it).
    async fn on_book(
        &mut self,
        text: &str,
        arg: Arg,
        socket: u64,
        dedupe: &mut Option<Dedupe>,
    ) -> Action {
        // Frames still in flight after an unsubscribe (or from the old
        // socket of an overlap) must not bring the book back.
        if !self.subscribed(&arg) {
            return Action::None;
        }
        let frame = BookFrame::parse(text.as_bytes());
        if let Some(d) = dedupe.as_mut() {
            let keep = match &frame {
                Ok(f) => d.book_frame(
                    f.channel,
                    f.inst_id,
                    f.action == FrameAction::Snapshot,
                    socket,
                ),
                Err(_) => d.fresh(text, socket),
            };
            if !keep {
                return Action::None;
            }
        }
        if let Ok(f) = &frame {
            let key = (arg.channel.clone(), f.inst_id.to_owned());
            if self.buffered(&key, f.action == FrameAction::Snapshot, text) {
                self.fresh.saw_book(&arg.channel, f.inst_id);
                return Action::None;
            }
        }
        let outcome = {
            let mut books = self.ctx.books();
            let set = books.entry(arg.channel.clone()).or_default();
            match frame {
                Ok(frame) => {
                    let result = set.apply(&frame);
                    let book = set.get(frame.inst_id);
                    let seq = book.and_then(|b| b.seq_id());
                    let integrity = book.map_or(Integrity::Unchecked, |b| b.integrity());
                    Ok((
                        frame.inst_id.to_owned(),
                        result.map_err(|e| e.to_string()),
                        (seq, integrity),
                    ))
                }
                Err(e) => {
                    // The lost push may have changed the book: it cannot be
                    // trusted until a new snapshot, like after a gap.
                    let inst = okx_book::peek_arg(text.as_bytes()).map(|(_, inst)| {
                        set.book_mut(inst).invalidate(OutOfSyncReason::Malformed);
                        inst.to_owned()
                    });
                    Err((BookError::from(e).to_string(), inst))
                }
            }
        };
        let (inst_id, result, (seq_id, integrity)) = match outcome {
            Ok(v) => v,
            Err((error, inst)) => {
                let channel = arg.channel.clone();
                let raw = text.to_owned();
                self.ctx
                    .sinks
                    .market(WsEvent::DecodeError {
                        channel,
                        error: error.clone(),
                        raw,
                    })
                    .await;
                match inst {
                    Some(inst) => (inst, Err(error), (None, Integrity::Unchecked)),
                    None => return Action::None,
                }
            }
        };
        let key = (arg.channel.clone(), inst_id.clone());
        match result {
            Ok(applied) => {
                self.fresh.saw_book(&arg.channel, &inst_id);
                let snapshot = applied.kind == AppliedKind::Snapshot;
                if snapshot {
                    self.resyncing.retain(|k| k != &key);
                }
                if arg.channel == "books-rpi" {
                    // The local book keeps the total size; the rows carry
                    // the non-RPI size too.
                    if let Inbound::Event(ev @ WsEvent::Push(_)) = inbound_with(text, false) {
                        self.ctx.sinks.market(ev).await;
                    }
                }
                let channel = arg.channel;
                let ev = WsEvent::Book(BookUpdate {
                    channel,
                    inst_id,
                    snapshot,
                    seq_id,
                    integrity,
                    checksum_verified: applied.checksum_verified,
                });
                self.ctx.sinks.market(ev).await;
                Action::None
            }
            Err(e) => {
                if self.resyncing.contains(&key) {
                    return Action::None;
                }
                let from_rest = self.rest_books.contains(&key);
                self.resyncing.push(key);
                let ev = WsEvent::BookOutOfSync {
                    channel: arg.channel.clone(),
                    inst_id,
                    reason: e,
                };
                self.emit(ev).await;
                if from_rest {
                    // Resubscribing would bring no snapshot either: a newer
                    // REST one, with the updates from now on, heals it.
                    self.await_snapshot(&arg, true);
                    return Action::None;
                }
                Action::Resubscribe(arg.key())
            }
        }
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
        if let Some(set) = self.ctx.books().get_mut(&arg.channel) {
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
                        if let (Some(set), Some(inst)) = (books.get_mut(&arg.channel), &arg.inst_id)
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
