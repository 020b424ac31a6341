//! Telling a stalled feed from a quiet one.
//!
//! A connection can answer `ping` while its pushes have stopped. OKX keeps
//! every book subscription alive (an idle book still gets a heartbeat about
//! every 60 s), so a book that has not been kept current for
//! [`WsConfig::book_stale_after`](crate::WsConfig::book_stale_after) is
//! stale and is resubscribed; when moreover nothing at all arrived on the
//! connection for that long, the connection is replaced. Other channels may be quiet for hours (an
//! illiquid ticker, an account with no orders), so for them only the opt-in
//! [`WsConfig::push_timeout`](crate::WsConfig::push_timeout) applies.

use super::Conn;
use crate::arg::Arg;
use crate::decode::is_book_channel;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::time::Duration;
use tokio::time::Instant;

/// When each data stream of one socket last delivered something.
///
/// A frame only raises a flag; the check, run on the connection's tick,
/// reads the clock once and turns the flags into times. A stream's time is
/// then late by less than a tick (250 ms) against limits of tens of
/// seconds, and no clock is read per frame.
#[derive(Debug)]
pub(super) struct Freshness {
    /// Any push.
    data: Clock,
    /// Per book subscription, by [`book_key`]; a book's clock starts when
    /// it is first checked.
    books: HashMap<u64, Clock, BuildHasherDefault<Prehashed>>,
}

/// When a stream was last seen delivering, as of the last check, and
/// whether it delivered since.
#[derive(Debug, Clone, Copy)]
struct Clock {
    at: Instant,
    since: bool,
    /// For a book the client keeps: its `seqId` and `ts` when last
    /// checked; any frame applied to it changes one or the other.
    marker: Option<(Option<i64>, Option<u64>)>,
}

impl Clock {
    fn at(at: Instant) -> Self {
        Clock {
            at,
            since: false,
            marker: None,
        }
    }

    /// Notes the state of a kept book: a change means frames were applied.
    fn observe(&mut self, marker: (Option<i64>, Option<u64>)) {
        if self.marker != Some(marker) {
            self.marker = Some(marker);
            self.since = true;
        }
    }

    /// The time of the last delivery, now being `now`.
    fn settle(&mut self, now: Instant) -> Instant {
        if std::mem::take(&mut self.since) {
            self.at = now;
        }
        self.at
    }
}

/// The keys of [`Freshness::books`] are hashes already: used as they are,
/// instead of being hashed a second time on every book frame.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are hashed here (`write_u64`); anything else is
        // folded in, so the hasher stays correct if that ever changes.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// What the check found.
#[derive(Debug, PartialEq)]
pub(super) enum Stale {
    /// Nothing to do.
    Fresh,
    /// The whole feed stopped: replace the connection.
    Feed(Duration),
    /// These books stopped while others flow: resubscribe them.
    Books(Vec<Arg>),
}

/// Keys a book without allocating (one lookup per book frame): a
/// multiply-rotate hash (as in rustc's FxHash) of the channel, a byte no
/// UTF-8 text has, and the instrument, eight bytes at a time. Keys come
/// from the subscriptions and OKX's pushes, not from an adversary, so a
/// hash cheaper than SipHash does; a collision (vanishingly unlikely among
/// a connection's few hundred books) would let one book's frames keep the
/// other's clock.
fn book_key(channel: &str, inst_id: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |h: u64, word: u64| (h.rotate_left(5) ^ word).wrapping_mul(K);
    let text = |h: u64, bytes: &[u8]| {
        let mut chunks = bytes.chunks_exact(8);
        let mut h = (&mut chunks).fold(h, |h, c| {
            mix(h, u64::from_le_bytes(c.try_into().unwrap_or_default()))
        });
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        if let Some(tail) = last.get_mut(..rest.len()) {
            tail.copy_from_slice(rest);
        }
        // The length, so that "ab" + "c" and "a" + "bc" differ.
        h = mix(h, u64::from_le_bytes(last));
        mix(h, bytes.len() as u64)
    };
    let h = text(0, channel.as_bytes());
    text(mix(h, 0xFF), inst_id.as_bytes())
}

impl Freshness {
    /// A new socket: every clock starts now.
    pub(super) fn new() -> Self {
        Freshness {
            data: Clock::at(Instant::now()),
            books: HashMap::default(),
        }
    }

    /// Records a push of any kind.
    pub(super) fn saw_data(&mut self) {
        self.data.since = true;
    }

    /// Records a push of a book the client does not keep. (A book it keeps
    /// counts as current when a frame was applied to it, which the check
    /// sees from the book itself: a frame refused while the book is out of
    /// sync does not count, so a resync whose snapshot never comes is
    /// noticed.)
    pub(super) fn saw_book(&mut self, channel: &str, inst_id: &str) {
        let key = book_key(channel, inst_id);
        match self.books.get_mut(&key) {
            Some(clock) => clock.since = true,
            None => {
                let at = self.data.at;
                let clock = Clock {
                    since: true,
                    ..Clock::at(at)
                };
                self.books.insert(key, clock);
            }
        }
    }

    /// A book was (re)subscribed: its clock starts again.
    pub(super) fn restart_book(&mut self, channel: &str, inst_id: &str) {
        self.restart(book_key(channel, inst_id), Instant::now());
    }

    /// Starts a book's clock at `now`. What was seen of the kept book
    /// stays, so only a frame applied from now on counts.
    fn restart(&mut self, key: u64, now: Instant) {
        let clock = self.books.entry(key).or_insert(Clock::at(now));
        clock.at = now;
        clock.since = false;
    }

    /// A book was unsubscribed.
    pub(super) fn forget_book(&mut self, channel: &str, inst_id: &str) {
        self.books.remove(&book_key(channel, inst_id));
    }
}

impl Conn {
    /// Checks the feed of the current socket against the configured limits.
    pub(super) fn staleness(&self, fresh: &mut Freshness) -> Stale {
        let now = Instant::now();
        let cfg = &self.ctx.cfg;
        let last_data = fresh.data.settle(now);
        if self.subs.is_empty() {
            // A connection with nothing subscribed (e.g. WS trading only)
            // expects no pushes: the clock runs only while subscribed.
            fresh.data = Clock::at(now);
            return Stale::Fresh;
        }
        let silent = now - last_data;
        if let Some(limit) = cfg.push_timeout
            && silent >= limit
        {
            return Stale::Feed(silent);
        }
        let Some(limit) = cfg.book_stale_after else {
            return Stale::Fresh;
        };
        let mut books = 0;
        let mut stale = Vec::new();
        // A kept book is not marked by every frame: a frame applied to it
        // changes its seqId or ts, which is checked here instead.
        let kept = cfg.maintain_books.then(|| self.ctx.books());
        for arg in self.subs.iter().filter(|a| is_book_channel(&a.channel)) {
            books += 1;
            let inst = arg.inst_id.as_deref().unwrap_or_default();
            let key = book_key(&arg.channel, inst);
            let clock = fresh.books.entry(key).or_insert(Clock::at(now));
            let book = kept.as_ref().and_then(|sets| {
                let set = sets.get(okx_book::Channel::from_name(&arg.channel)?)?;
                set.get(inst)
            });
            if let Some(book) = book {
                clock.observe((book.seq_id(), book.ts()));
            }
            let seen = clock.settle(now);
            if now - seen >= limit {
                stale.push(arg.key());
            }
        }
        if stale.is_empty() {
            return Stale::Fresh;
        }
        // Only when nothing at all arrived is the socket the problem; with
        // other pushes flowing, resubscribing the books is cheaper.
        if stale.len() == books && silent >= limit {
            return Stale::Feed(silent);
        }
        // Each gets a new window to show its fresh snapshot.
        for arg in &stale {
            let key = book_key(&arg.channel, arg.inst_id.as_deref().unwrap_or_default());
            fresh.restart(key, now);
        }
        Stale::Books(stale)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn book_keys_differ_by_channel_and_instrument() {
        let k = book_key("books", "BTC-USDT");
        assert_eq!(k, book_key("books", "BTC-USDT"));
        assert_ne!(k, book_key("books5", "BTC-USDT"));
        assert_ne!(k, book_key("books", "ETH-USDT"));
        assert_ne!(book_key("ab", "c"), book_key("a", "bc"));
    }
}
