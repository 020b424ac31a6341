//! One instrument's market: the book, its simulated motion (a seeded random
//! walk of a fair price with anonymous liquidity around it), the book
//! channels' published views with their `seqId`s, trades and price history.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::book::{Book, BookSide, View};
use super::history::History;
use super::instrument::InstrumentSpec;
use super::rng::{Rng, hash};

/// The book channels OKX derives from one book, with their depth and
/// whether they send increments (`books`, `*-l2-tbt`) or whole snapshots.
pub(crate) const BOOK_CHANNELS: &[(&str, usize, bool)] = &[
    ("books", 400, true),
    ("books-l2-tbt", 400, true),
    ("books50-l2-tbt", 50, true),
    ("books5", 5, false),
    ("bbo-tbt", 1, false),
    // Every order, RPI included: `[px, totalQty, nonRpiQty, count]`.
    ("books-rpi", 400, true),
];

pub(crate) fn book_channel(name: &str) -> Option<(usize, bool)> {
    BOOK_CHANNELS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, depth, incr)| (*depth, *incr))
}

/// What a book channel last published.
#[derive(Debug, Clone)]
pub(crate) struct Chan {
    pub(crate) view: View,
    pub(crate) last_seq: i64,
    pub(crate) last_push_ms: i64,
}

/// The anonymous side of a trade, or the user order taking.
#[derive(Debug, Clone)]
pub(crate) struct Market {
    pub(crate) inst_id: String,
    pub(crate) tick: Decimal,
    pub(crate) lot: Decimal,
    /// Anonymous sizes are multiples of this.
    pub(crate) unit: Decimal,
    pub(crate) book: Book,
    /// Fair price in ticks: anonymous bids sit below, asks above.
    pub(crate) fair: i64,
    /// Ticks of anonymous liquidity a side (nine in ten hold some, so
    /// OKX's 400-level books are full).
    pub(crate) depth: i64,
    /// Book `seqId`, shared by the book channels.
    pub(crate) seq: i64,
    pub(crate) chans: BTreeMap<&'static str, Chan>,
    pub(crate) next_trade: u64,
    /// `seqId` of the `trades` channel.
    pub(crate) trade_seq: i64,
    /// Last trade: price, size, time.
    pub(crate) last: Option<(Decimal, Decimal, i64)>,
    pub(crate) history: History,
    /// A test set this book by hand: it does not move by itself.
    pub(crate) scripted: bool,
    pub(crate) rng: Rng,
    key: u64,
    /// The last ticker pushed (to push only changes).
    pub(crate) ticker_key: String,
    /// The fair price (ticks) last pushed on `mark-price`.
    pub(crate) mark_sent: i64,
    /// The latest public trades, oldest first (`GET /api/v5/market/trades`).
    pub(crate) recent: std::collections::VecDeque<serde_json::Value>,
}

impl Market {
    pub(crate) fn new(spec: &InstrumentSpec, seed: u64, start_ms: i64) -> Self {
        let (inst_id, tick, lot) = (spec.inst_id.as_str(), spec.tick_sz, spec.lot_sz);
        let (min_sz, start_px, first_ms) = (spec.min_sz, spec.start_px, spec.list_time);
        let key = hash(&[seed, super::rng::text_key(inst_id)]);
        let fair = ticks_of(start_px, tick);
        let unit = (min_sz * Decimal::from(100)).max(lot);
        let mut market = Market {
            inst_id: inst_id.to_owned(),
            tick,
            lot,
            unit,
            book: Book::default(),
            fair,
            depth: 480,
            seq: i64::try_from(key % 1_000_000).unwrap_or(0) + 1_000,
            chans: BTreeMap::new(),
            next_trade: 1 + key % 1_000_000 * 10,
            trade_seq: 1,
            last: None,
            history: History::new(key, fair, start_ms, first_ms),
            scripted: false,
            rng: Rng::new(key),
            key,
            ticker_key: String::new(),
            mark_sent: 0,
            recent: std::collections::VecDeque::new(),
        };
        market.refill();
        market
    }

    /// The text of a price in ticks.
    pub(crate) fn px_of(&self, ticks: i64) -> Decimal {
        Decimal::from(ticks) * self.tick
    }

    pub(crate) fn fair_px(&self) -> Decimal {
        self.px_of(self.fair)
    }

    /// Whether anonymous liquidity sits at this tick (a stable hash, so a
    /// price keeps its presence as the market moves across it).
    fn present(&self, ticks: i64, distance: i64) -> bool {
        distance <= 2 || hash(&[self.key, 7, ticks as u64]) % 10 < 9
    }

    fn bg_size(&mut self, ticks: i64) -> Decimal {
        let mult = 1 + hash(&[self.key, 8, ticks as u64]) % 40 + self.rng.below(5);
        self.unit * Decimal::from(mult)
    }

    /// Puts anonymous liquidity wherever it belongs around the fair price
    /// and none where it does not: nothing at or through the fair price,
    /// nothing past `depth`.
    pub(crate) fn refill(&mut self) {
        for side in [BookSide::Bids, BookSide::Asks] {
            let fair = self.fair;
            let inside = |ticks: i64| match side {
                BookSide::Bids => ticks < fair && ticks >= fair - self.depth,
                BookSide::Asks => ticks > fair && ticks <= fair + self.depth,
            };
            let stale: Vec<Decimal> = self
                .book
                .side(side)
                .iter()
                .filter(|(px, l)| !l.bg.is_zero() && !inside(ticks_of(**px, self.tick)))
                .map(|(px, _)| *px)
                .collect();
            for px in stale {
                let text = px.normalize().to_string();
                self.book.set_bg(side, px, &text, Decimal::ZERO, None);
            }
            for k in 1..=self.depth {
                let ticks = match side {
                    BookSide::Bids => fair - k,
                    BookSide::Asks => fair + k,
                };
                if ticks <= 0 || !self.present(ticks, k) {
                    continue;
                }
                let px = self.px_of(ticks);
                let has_bg = self
                    .book
                    .side(side)
                    .get(&px)
                    .is_some_and(|l| !l.bg.is_zero());
                if !has_bg {
                    let sz = self.bg_size(ticks);
                    let text = px.normalize().to_string();
                    self.book.set_bg(side, px, &text, sz, None);
                }
            }
        }
    }

    /// One step of motion: the fair price walks, liquidity follows, a few
    /// sizes near the top change. Returns the anonymous takers to run
    /// against the book: `(buy, size)`.
    pub(crate) fn step(&mut self) -> Vec<(bool, Decimal)> {
        let roll = self.rng.below(100);
        let delta = match roll {
            0..=14 => -1,
            15..=29 => 1,
            30..=33 => -2,
            34..=37 => 2,
            _ => 0,
        };
        self.fair = (self.fair + delta).max(self.depth + 3);
        self.refill();
        for _ in 0..self.rng.range(1, 3) {
            let side = if self.rng.chance(500) {
                BookSide::Bids
            } else {
                BookSide::Asks
            };
            let k = self.rng.range(1, 10);
            let ticks = match side {
                BookSide::Bids => self.fair - k,
                BookSide::Asks => self.fair + k,
            };
            let px = self.px_of(ticks);
            if self
                .book
                .side(side)
                .get(&px)
                .is_some_and(|l| !l.bg.is_zero())
            {
                let sz = self.bg_size(ticks);
                let text = px.normalize().to_string();
                self.book.set_bg(side, px, &text, sz, None);
            }
        }
        let mut takers = Vec::new();
        if self.rng.chance(300) {
            let buy = self.rng.chance(500);
            let sz = self.unit * Decimal::from(self.rng.range(1, 6));
            takers.push((buy, sz));
        }
        takers
    }

    /// A new trade id.
    pub(crate) fn trade_id(&mut self) -> String {
        self.next_trade += 1;
        self.next_trade.to_string()
    }

    /// Lots of a size, for volume bookkeeping.
    pub(crate) fn lots(&self, sz: Decimal) -> i64 {
        if self.lot.is_zero() {
            return 0;
        }
        i64::try_from((sz / self.lot).trunc().mantissa()).unwrap_or(0)
    }
}

/// A price in whole ticks (rounded down).
pub(crate) fn ticks_of(px: Decimal, tick: Decimal) -> i64 {
    if tick.is_zero() {
        return 0;
    }
    let t = (px / tick).floor();
    i64::try_from(t.mantissa() / 10i128.pow(t.scale())).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    fn market(seed: u64) -> Market {
        let spec = InstrumentSpec::spot(
            "BTC-USDT",
            dec("0.1"),
            dec("0.00000001"),
            dec("0.00001"),
            dec("30000"),
        );
        Market::new(&spec, seed, 0)
    }

    #[test]
    fn same_seed_same_market() {
        let (mut a, mut b, mut c) = (market(1), market(1), market(2));
        for _ in 0..200 {
            a.step();
            b.step();
            c.step();
        }
        assert_eq!(a.book.view(400), b.book.view(400));
        assert_eq!(a.fair, b.fair);
        assert_ne!(a.book.view(400), c.book.view(400));
    }

    #[test]
    fn anonymous_liquidity_never_crosses_the_fair_price() {
        let mut m = market(9);
        for _ in 0..500 {
            m.step();
            let (bid, ask) = (m.book.best(BookSide::Bids), m.book.best(BookSide::Asks));
            let fair = m.fair_px();
            assert!(bid.is_some_and(|b| b < fair) && ask.is_some_and(|a| a > fair));
            assert!(m.book.bids.len() <= 480 && m.book.asks.len() <= 480);
            assert!(m.book.bids.len() >= 400 && m.book.asks.len() >= 400);
        }
        assert_eq!(ticks_of(dec("30000.15"), dec("0.1")), 300_001);
    }
}
