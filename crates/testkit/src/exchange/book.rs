//! One instrument's order book on the exchange: anonymous liquidity (the
//! simulated market) and resting user orders at each price, in price-time
//! priority, plus the views the book channels publish.

use std::collections::{BTreeMap, VecDeque};

use rust_decimal::Decimal;
use serde_json::{Value, json};

/// A side of the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BookSide {
    /// Buy orders, best (highest) first.
    Bids,
    /// Sell orders, best (lowest) first.
    Asks,
}

/// One price level.
#[derive(Debug, Clone)]
pub(crate) struct Level {
    /// The price as published.
    pub(crate) px_text: String,
    /// Anonymous (market) size at this price.
    pub(crate) bg: Decimal,
    /// The exact text a test scripted for the anonymous size; used while no
    /// user order rests here, so a scripted book publishes its own text.
    pub(crate) bg_text: Option<String>,
    /// Anonymous order count.
    pub(crate) bg_count: u32,
    /// Resting user orders, oldest first.
    pub(crate) queue: VecDeque<u64>,
    /// Sum of the user orders' remaining sizes.
    pub(crate) user_sz: Decimal,
    /// The resting RPI orders (`ordType=rpi`) among `queue`, and their
    /// remaining size: liquidity only `books-rpi` shows and only takers
    /// with `rpiTakerAccess` reach.
    pub(crate) rpi_ids: Vec<u64>,
    pub(crate) rpi_sz: Decimal,
}

impl Level {
    fn new(px_text: String) -> Self {
        Level {
            px_text,
            bg: Decimal::ZERO,
            bg_text: None,
            bg_count: 0,
            queue: VecDeque::new(),
            user_sz: Decimal::ZERO,
            rpi_ids: Vec::new(),
            rpi_sz: Decimal::ZERO,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.bg.is_zero() && self.queue.is_empty()
    }

    pub(crate) fn total(&self) -> Decimal {
        self.bg + self.user_sz
    }

    /// The size the standard book channels publish: without RPI orders.
    fn size_text(&self) -> String {
        match (&self.bg_text, self.queue.is_empty()) {
            (Some(text), true) => text.clone(),
            _ => (self.total() - self.rpi_sz).normalize().to_string(),
        }
    }

    /// The order count the standard book channels publish.
    fn count(&self) -> u32 {
        self.count_all() - self.rpi_ids.len() as u32
    }

    /// Every order at the level, RPI ones included.
    fn count_all(&self) -> u32 {
        self.bg_count.max(u32::from(!self.bg.is_zero())) + self.queue.len() as u32
    }

    /// Whether the level holds anything but RPI orders.
    pub(crate) fn has_standard(&self) -> bool {
        !self.bg.is_zero() || self.queue.len() > self.rpi_ids.len()
    }

    /// What a taker can reach here (`rpi`: it has `rpiTakerAccess`).
    pub(crate) fn reachable(&self, rpi: bool) -> Decimal {
        if rpi {
            self.total()
        } else {
            self.total() - self.rpi_sz
        }
    }

    /// The first resting user order a taker may trade with.
    pub(crate) fn first_maker(&self, rpi: bool) -> Option<u64> {
        self.queue
            .iter()
            .copied()
            .find(|id| rpi || !self.rpi_ids.contains(id))
    }
}

/// A level as a book channel publishes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ViewLevel {
    pub(crate) key: Decimal,
    pub(crate) px: String,
    pub(crate) sz: String,
    pub(crate) count: u32,
    /// `books-rpi` only: the size without RPI orders (`sz` is the total).
    pub(crate) non_rpi: Option<String>,
}

impl ViewLevel {
    /// `[px, sz, "0", count]`, or on `books-rpi` `[px, totalQty,
    /// nonRpiQty, count]`.
    pub(crate) fn to_json(&self) -> Value {
        let third = self.non_rpi.as_deref().unwrap_or("0");
        json!([self.px, self.sz, third, self.count.to_string()])
    }
}

/// The top of both sides, as published.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct View {
    pub(crate) bids: Vec<ViewLevel>,
    pub(crate) asks: Vec<ViewLevel>,
}

impl View {
    /// OKX's CRC32 over the top 25 levels, as a signed integer.
    pub(crate) fn checksum(&self) -> i32 {
        let mut text = String::new();
        for i in 0..25 {
            for side in [&self.bids, &self.asks] {
                if let Some(level) = side.get(i) {
                    if !text.is_empty() {
                        text.push(':');
                    }
                    text.push_str(&level.px);
                    text.push(':');
                    text.push_str(&level.sz);
                }
            }
        }
        crc32(text.as_bytes()) as i32
    }

    pub(crate) fn side_json(levels: &[ViewLevel]) -> Value {
        Value::Array(levels.iter().map(ViewLevel::to_json).collect())
    }

    /// The levels of `new` that differ from `self`, with size `"0"` for the
    /// ones that left: what an incremental channel sends.
    pub(crate) fn diff(&self, new: &View) -> (Vec<Value>, Vec<Value>) {
        (
            diff_side(&self.bids, &new.bids),
            diff_side(&self.asks, &new.asks),
        )
    }
}

fn diff_side(old: &[ViewLevel], new: &[ViewLevel]) -> Vec<Value> {
    // Keyed lookups: a 400-level view compared pairwise is 160,000
    // comparisons a side, which made the feed the bottleneck at scale.
    let old_by_key: std::collections::HashMap<Decimal, &ViewLevel> =
        old.iter().map(|l| (l.key, l)).collect();
    let new_keys: std::collections::HashSet<Decimal> = new.iter().map(|l| l.key).collect();
    let mut out = Vec::new();
    for level in new {
        if old_by_key.get(&level.key) != Some(&level) {
            out.push(level.to_json());
        }
    }
    for level in old {
        if !new_keys.contains(&level.key) {
            out.push(json!([level.px, "0", "0", "0"]));
        }
    }
    out
}

/// The book itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct Book {
    pub(crate) bids: BTreeMap<Decimal, Level>,
    pub(crate) asks: BTreeMap<Decimal, Level>,
}

impl Book {
    pub(crate) fn side(&self, side: BookSide) -> &BTreeMap<Decimal, Level> {
        match side {
            BookSide::Bids => &self.bids,
            BookSide::Asks => &self.asks,
        }
    }

    pub(crate) fn side_mut(&mut self, side: BookSide) -> &mut BTreeMap<Decimal, Level> {
        match side {
            BookSide::Bids => &mut self.bids,
            BookSide::Asks => &mut self.asks,
        }
    }

    /// Best price of a side.
    pub(crate) fn best(&self, side: BookSide) -> Option<Decimal> {
        match side {
            BookSide::Bids => self.bids.keys().next_back().copied(),
            BookSide::Asks => self.asks.keys().next().copied(),
        }
    }

    /// Prices of a side, best first.
    pub(crate) fn prices(&self, side: BookSide) -> Vec<Decimal> {
        match side {
            BookSide::Bids => self.bids.keys().rev().copied().collect(),
            BookSide::Asks => self.asks.keys().copied().collect(),
        }
    }

    pub(crate) fn level_mut(&mut self, side: BookSide, px: Decimal, text: &str) -> &mut Level {
        self.side_mut(side)
            .entry(px)
            .or_insert_with(|| Level::new(text.to_owned()))
    }

    /// Sets the anonymous size at a price (zero removes it), keeping the
    /// given text for the size when `exact` is set.
    pub(crate) fn set_bg(
        &mut self,
        side: BookSide,
        px: Decimal,
        px_text: &str,
        sz: Decimal,
        exact: Option<&str>,
    ) {
        let level = self.level_mut(side, px, px_text);
        level.bg = sz;
        level.bg_text = exact.filter(|_| !sz.is_zero()).map(str::to_owned);
        level.bg_count = u32::from(!sz.is_zero());
        if level.is_empty() {
            self.side_mut(side).remove(&px);
        }
    }

    /// Adds a resting user order.
    pub(crate) fn add_order(
        &mut self,
        side: BookSide,
        px: Decimal,
        px_text: &str,
        ord_id: u64,
        sz: Decimal,
        rpi: bool,
    ) {
        let level = self.level_mut(side, px, px_text);
        level.queue.push_back(ord_id);
        level.user_sz += sz;
        if rpi {
            level.rpi_ids.push(ord_id);
            level.rpi_sz += sz;
        }
    }

    /// Takes `filled` off a resting order's share of a level; removes the
    /// order from the queue when `gone`.
    pub(crate) fn reduce_order(
        &mut self,
        side: BookSide,
        px: Decimal,
        ord_id: u64,
        by: Decimal,
        gone: bool,
    ) {
        let Some(level) = self.side_mut(side).get_mut(&px) else {
            return;
        };
        level.user_sz -= by;
        if level.user_sz < Decimal::ZERO {
            level.user_sz = Decimal::ZERO;
        }
        if level.rpi_ids.contains(&ord_id) {
            level.rpi_sz = (level.rpi_sz - by).max(Decimal::ZERO);
        }
        if gone {
            level.queue.retain(|id| *id != ord_id);
            level.rpi_ids.retain(|id| *id != ord_id);
        }
        if level.is_empty() {
            self.side_mut(side).remove(&px);
        }
    }

    /// The top `depth` levels of both sides as the standard book channels
    /// (and REST) publish them: RPI orders left out, a level holding only
    /// RPI orders not shown.
    pub(crate) fn view(&self, depth: usize) -> View {
        let conv = |(k, l): (&Decimal, &Level)| ViewLevel {
            key: *k,
            px: l.px_text.clone(),
            sz: l.size_text(),
            count: l.count(),
            non_rpi: None,
        };
        let shown = |(_, l): &(&Decimal, &Level)| l.has_standard();
        View {
            bids: self
                .bids
                .iter()
                .rev()
                .filter(shown)
                .take(depth)
                .map(conv)
                .collect(),
            asks: self
                .asks
                .iter()
                .filter(shown)
                .take(depth)
                .map(conv)
                .collect(),
        }
    }

    /// The top `depth` levels as `books-rpi` publishes them: every order,
    /// with the size without RPI orders beside the total.
    pub(crate) fn view_rpi(&self, depth: usize) -> View {
        let conv = |(k, l): (&Decimal, &Level)| {
            let total = match (&l.bg_text, l.queue.is_empty()) {
                (Some(text), true) => text.clone(),
                _ => l.total().normalize().to_string(),
            };
            ViewLevel {
                key: *k,
                px: l.px_text.clone(),
                sz: total,
                count: l.count_all(),
                non_rpi: Some(l.size_text()),
            }
        };
        View {
            bids: self.bids.iter().rev().take(depth).map(conv).collect(),
            asks: self.asks.iter().take(depth).map(conv).collect(),
        }
    }

    /// The view a book channel publishes.
    pub(crate) fn view_of(&self, channel: &str, depth: usize) -> View {
        if channel == "books-rpi" {
            self.view_rpi(depth)
        } else {
            self.view(depth)
        }
    }

    /// The best price a taker can trade at (`rpi`: with `rpiTakerAccess`).
    pub(crate) fn best_for(&self, side: BookSide, rpi: bool) -> Option<Decimal> {
        let eligible = |(k, l): (&Decimal, &Level)| (rpi || l.has_standard()).then_some(*k);
        match side {
            BookSide::Bids => self.bids.iter().rev().find_map(eligible),
            BookSide::Asks => self.asks.iter().find_map(eligible),
        }
    }
}

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// CRC-32 (IEEE, the zlib polynomial). Written here rather than shared with
/// okx-book, so a bug in the SDK's checksum cannot hide behind the
/// look-alike's.
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc = CRC_TABLE[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    fn scripted(bids: &[(&str, &str)], asks: &[(&str, &str)]) -> Book {
        let mut book = Book::default();
        for (side, levels) in [(BookSide::Bids, bids), (BookSide::Asks, asks)] {
            for (px, sz) in levels {
                book.set_bg(side, dec(px), px, dec(sz), Some(sz));
            }
        }
        book
    }

    #[test]
    fn checksum_matches_okx_vectors() {
        assert_eq!(
            crc32(b"3366.1:7:3366.8:9:3366:6:3368:8") as i32,
            -1_881_014_294
        );
        let book = scripted(
            &[("3366.1", "7")],
            &[("3366.8", "9"), ("3368", "8"), ("3372", "8")],
        );
        assert_eq!(book.view(25).checksum(), 831_078_360);
    }

    #[test]
    fn scripted_text_is_kept_until_a_user_order_joins() {
        let mut book = scripted(&[("100.50", "2.000")], &[]);
        assert_eq!(book.view(1).bids[0].sz, "2.000");
        assert_eq!(book.view(1).bids[0].px, "100.50");
        book.add_order(BookSide::Bids, dec("100.5"), "100.5", 7, dec("1"), false);
        let v = book.view(1);
        assert_eq!((v.bids[0].sz.as_str(), v.bids[0].count), ("3", 2));
        book.reduce_order(BookSide::Bids, dec("100.5"), 7, dec("1"), true);
        assert_eq!(book.view(1).bids[0].sz, "2.000");
    }

    #[test]
    fn diff_reports_changes_and_removals() {
        let before = scripted(&[("10", "1"), ("9", "1")], &[("11", "1")]).view(400);
        let after = scripted(&[("10", "2")], &[("11", "1"), ("12", "5")]).view(400);
        let (bids, asks) = before.diff(&after);
        assert_eq!(
            bids,
            vec![json!(["10", "2", "0", "1"]), json!(["9", "0", "0", "0"])]
        );
        assert_eq!(asks, vec![json!(["12", "5", "0", "1"])]);
    }
}
