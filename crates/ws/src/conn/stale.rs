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
}

impl Clock {
    fn at(at: Instant) -> Self {
        Clock { at, since: false }
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

/// Keys a book without allocating (one lookup per book frame): FNV-1a of
/// the channel, a byte no UTF-8 text has, and the instrument. Keys come
/// from the subscriptions and OKX's pushes, not from an adversary, so a
/// hash cheaper than SipHash does; a collision (vanishingly unlikely among
/// a connection's few hundred books) would let one book's frames keep the
/// other's clock.
fn book_key(channel: &str, inst_id: &str) -> u64 {
    let step = |h: u64, b: u8| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    let h = channel.bytes().fold(0xcbf2_9ce4_8422_2325, step);
    inst_id.bytes().fold(step(h, 0xFF), step)
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

    /// Records a frame that kept a book current: applied to the local
    /// book (a frame refused while the book is out of sync does not count,
    /// so a resync whose snapshot never comes is noticed), or any push of
    /// a book the client does not keep.
    pub(super) fn saw_book(&mut self, channel: &str, inst_id: &str) {
        let key = book_key(channel, inst_id);
        match self.books.get_mut(&key) {
            Some(clock) => clock.since = true,
            None => {
                let at = self.data.at;
                self.books.insert(key, Clock { at, since: true });
            }
        }
    }

    /// A book was (re)subscribed: its clock starts again.
    pub(super) fn restart_book(&mut self, channel: &str, inst_id: &str) {
        self.books
            .insert(book_key(channel, inst_id), Clock::at(Instant::now()));
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
        for arg in self.subs.iter().filter(|a| is_book_channel(&a.channel)) {
            books += 1;
            let key = book_key(&arg.channel, arg.inst_id.as_deref().unwrap_or_default());
            let seen = fresh.books.entry(key).or_insert(Clock::at(now)).settle(now);
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
            fresh.books.insert(key, Clock::at(now));
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
