//! Books whose subscription brought no snapshot: buffered until one comes,
//! from OKX over WS or, after [`WsConfig::snapshot_wait`], from REST.
//!
//! OKX's recipe for subscribing without a snapshot: buffer the updates,
//! ignore the first push, fetch `GET /api/v5/market/books`, drop the
//! updates the snapshot already holds, and apply the rest, the first of
//! which must straddle the snapshot's `seqId` (okx-book checks that in
//! [`okx_book::OrderBook::apply_rest_snapshot`] and what follows). A gap
//! in a book started this way is healed by a newer REST snapshot, since
//! resubscribing would bring none.
//!
//! [`WsConfig::snapshot_wait`]: crate::WsConfig::snapshot_wait

use super::Conn;
use crate::arg::Arg;
use crate::event::{BookUpdate, WsEvent};
use crate::snapshot::rest_frame;
use okx_book::{BookFrame, Channel};
use okx_models::OrderBook;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tracing::Instrument as _;

/// Updates buffered past this many mean the snapshot is far behind: the
/// buffer restarts (and with it the wait for a snapshot).
const MAX_BUFFERED: usize = 20_000;

/// (channel, instId) of a book.
pub(super) type BookKey = (String, String);

/// A finished REST fetch, handed back to the connection task.
pub(super) type Fetched = (BookKey, u64, Result<OrderBook, String>);

/// One book waiting for its snapshot.
#[derive(Debug)]
pub(super) struct Pending {
    since: Instant,
    buffer: Vec<String>,
    /// OKX's recipe drops the first push after subscribing.
    skip_first: bool,
    /// The fetch under way (its number), if any.
    fetching: Option<u64>,
    /// When a failed fetch is tried again.
    retry_at: Option<Instant>,
    failures: u32,
    /// Told the user once that there is no source to ask.
    reported: bool,
}

/// The waiting books of one connection, and the channel fetches report on.
#[derive(Debug)]
pub(super) struct Bootstraps {
    pending: HashMap<BookKey, Pending>,
    pub(super) done_tx: mpsc::Sender<Fetched>,
    pub(super) done_rx: mpsc::Receiver<Fetched>,
    next_fetch: u64,
}

impl Bootstraps {
    /// Whether any book waits for a snapshot.
    pub(super) fn waiting(&self) -> bool {
        !self.pending.is_empty()
    }

    pub(super) fn new() -> Self {
        let (done_tx, done_rx) = mpsc::channel(64);
        Bootstraps {
            pending: HashMap::new(),
            done_tx,
            done_rx,
            next_fetch: 0,
        }
    }

    /// Forgets a book (unsubscribed).
    pub(super) fn forget(&mut self, key: &BookKey) {
        self.pending.remove(key);
    }
}

/// Whether a channel's book is a snapshot followed by updates, so a
/// subscription without a snapshot cannot build it.
pub(super) fn needs_snapshot(channel: &str) -> bool {
    Channel::from_name(channel).is_some_and(|c| !c.is_full_replace())
}

impl Conn {
    /// A book subscription went out: until its snapshot arrives its updates
    /// are buffered. `immediately`: a book started over REST lost a push,
    /// so a newer REST snapshot is fetched without waiting.
    pub(super) fn await_snapshot(&mut self, arg: &Arg, immediately: bool) {
        if !self.ctx.cfg.maintain_books || !needs_snapshot(&arg.channel) {
            return;
        }
        let key = (arg.channel.clone(), arg.inst_id.clone().unwrap_or_default());
        let wait = self.ctx.cfg.snapshot_wait;
        let since = if immediately {
            Instant::now()
                .checked_sub(wait)
                .unwrap_or_else(Instant::now)
        } else {
            Instant::now()
        };
        self.boot.pending.insert(
            key,
            Pending {
                since,
                buffer: Vec::new(),
                skip_first: !immediately,
                fetching: None,
                retry_at: None,
                failures: 0,
                reported: false,
            },
        );
    }
}

impl Bootstraps {
    /// Whether `frame` (an update of a book waiting for its snapshot) was
    /// taken into the buffer; a snapshot ends the wait (and the book's
    /// REST start, `rest_books`) and is not taken.
    pub(super) fn buffered(
        &mut self,
        rest_books: &mut Vec<BookKey>,
        key: &BookKey,
        snapshot: bool,
        text: &str,
    ) -> bool {
        if snapshot {
            self.pending.remove(key);
            rest_books.retain(|k| k != key);
            return false;
        }
        let Some(p) = self.pending.get_mut(key) else {
            return false;
        };
        if std::mem::take(&mut p.skip_first) {
            return true;
        }
        if p.buffer.len() >= MAX_BUFFERED {
            tracing::warn!(channel = %key.0, inst_id = %key.1, "book buffer full; waiting for a newer snapshot");
            p.buffer.clear();
        }
        p.buffer.push(text.to_owned());
        true
    }
}

impl Conn {
    /// Starts the REST fetches that are due; without a source, says once
    /// per book that it waits.
    pub(super) async fn due_snapshots(&mut self) {
        // A subscription OKX refused (or one dropped since) waits for nothing.
        let subs = &self.subs;
        self.boot.pending.retain(|(channel, inst_id), _| {
            subs.iter()
                .any(|s| s.channel == *channel && s.inst_id.as_deref().unwrap_or("") == inst_id)
        });
        let now = Instant::now();
        let wait = self.ctx.cfg.snapshot_wait;
        let depth = self.ctx.cfg.rest_snapshot_depth;
        let source = self.ctx.cfg.snapshot_source.clone();
        let mut unreported = Vec::new();
        for (key, p) in self.boot.pending.iter_mut() {
            let due = p.fetching.is_none()
                && now.duration_since(p.since) >= wait
                && p.retry_at.is_none_or(|t| t <= now);
            if !due {
                continue;
            }
            let Some(source) = source.clone() else {
                if !std::mem::replace(&mut p.reported, true) {
                    unreported.push(key.clone());
                }
                continue;
            };
            self.boot.next_fetch += 1;
            let n = self.boot.next_fetch;
            p.fetching = Some(n);
            let done = self.boot.done_tx.clone();
            let key = key.clone();
            tracing::info!(channel = %key.0, inst_id = %key.1, "no book snapshot on subscribe; fetching one over REST");
            let fetch = source.fetch(&key.1, depth);
            tokio::spawn(
                async move {
                    let result = fetch.await;
                    let _ = done.send((key, n, result)).await;
                }
                .in_current_span(),
            );
        }
        for (channel, inst_id) in unreported {
            let reason = format!(
                "no snapshot within {} ms of subscribing and no snapshot source to ask (WsConfig::snapshot_source)",
                wait.as_millis()
            );
            self.emit(WsEvent::BookOutOfSync {
                channel,
                inst_id,
                reason,
            })
            .await;
        }
    }

    /// A REST fetch finished: start the book from it and apply the
    /// buffered updates, or try again later.
    pub(super) async fn on_fetched(&mut self, (key, n, result): Fetched) {
        let Some(p) = self.boot.pending.get_mut(&key) else {
            // Unsubscribed, or OKX's own snapshot came first.
            return;
        };
        if p.fetching != Some(n) {
            return;
        }
        p.fetching = None;
        let snapshot = result.and_then(|book| rest_frame(&key.0, &key.1, &book));
        let text = match snapshot {
            Ok(text) => text,
            Err(e) => {
                p.failures = p.failures.saturating_add(1);
                let delay = Duration::from_millis(250)
                    .saturating_mul(1 << p.failures.min(7))
                    .min(Duration::from_secs(30));
                p.retry_at = Some(Instant::now() + delay);
                tracing::warn!(channel = %key.0, inst_id = %key.1, error = %e, "REST book snapshot failed");
                if p.failures == 1 {
                    self.emit(WsEvent::BookOutOfSync {
                        channel: key.0.clone(),
                        inst_id: key.1.clone(),
                        reason: format!("REST snapshot failed: {e}"),
                    })
                    .await;
                }
                return;
            }
        };
        let Some(channel) = okx_book::Channel::from_name(&key.0) else {
            // Only book channels wait for a snapshot.
            self.boot.pending.remove(&key);
            return;
        };
        let buffer = std::mem::take(&mut p.buffer);
        let outcome = {
            let mut books = self.ctx.books();
            let set = books.entry(channel);
            let frame = BookFrame::parse(text.as_bytes()).map_err(|e| e.to_string());
            let started = frame.and_then(|f| {
                set.book_mut(&key.1)
                    .apply_rest_snapshot(&f)
                    .map_err(|e| e.to_string())
            });
            match started {
                Err(e) => Err((e, Vec::new())),
                Ok(_) => {
                    let mut failed = None;
                    for (i, frame) in buffer.iter().enumerate() {
                        if let Err(e) = set.book_mut(&key.1).apply_bytes(frame.as_bytes()) {
                            failed = Some((e.to_string(), buffer[i..].to_vec()));
                            break;
                        }
                    }
                    let seq = set.get(&key.1).and_then(|b| b.seq_id());
                    let integrity = set.get(&key.1).map(|b| b.integrity());
                    match failed {
                        Some(f) => Err(f),
                        None => Ok((seq, integrity)),
                    }
                }
            }
        };
        match outcome {
            Ok((seq_id, integrity)) => {
                self.boot.pending.remove(&key);
                if !self.rest_books.contains(&key) {
                    self.rest_books.push(key.clone());
                }
                self.resyncing.retain(|k| k != &key);
                self.fresh.saw_book(&key.0, &key.1);
                tracing::info!(channel = %key.0, inst_id = %key.1, ?seq_id, "book started from a REST snapshot");
                let ev = WsEvent::Book(BookUpdate {
                    channel,
                    inst_id: key.1.into(),
                    snapshot: true,
                    seq_id,
                    integrity: integrity.unwrap_or(okx_book::Integrity::Unchecked),
                    checksum_verified: false,
                });
                self.ctx.sinks.market(ev).await;
            }
            Err((reason, rest)) => {
                // The snapshot is older than the buffered updates reach back
                // (or unreadable): a newer one, with the updates from the
                // failed one on, may stitch.
                if let Some(p) = self.boot.pending.get_mut(&key) {
                    let mut rest = rest;
                    rest.append(&mut p.buffer);
                    p.buffer = rest;
                    p.retry_at = Some(Instant::now() + Duration::from_millis(100));
                }
                self.emit(WsEvent::BookOutOfSync {
                    channel: key.0,
                    inst_id: key.1,
                    reason: format!("REST snapshot did not stitch: {reason}"),
                })
                .await;
            }
        }
    }
}
