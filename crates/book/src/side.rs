//! One side of a book: levels sorted with the best price LAST, and their text
//! in a byte arena.
//!
//! Keeping the best level at the end means the busy part of the book (near
//! the touch) moves few bytes on insert and delete. Each level is a 24-byte
//! slot: its ordering key and an 8-byte span into the arena, which stores
//! the level as `px:sz:` followed by the order count, so the checksum
//! string is made by copying one slice per level (the trailing colon is the
//! separator), and nothing is allocated per level.

use crate::level::{ParsedLevel, SizeKind};

/// Levels per side that enter OKX's checksum (SPEC §7.4). A side tracks
/// changes to this many of its best levels, so the checksum is computed
/// again only when they change.
pub const CHECKSUM_DEPTH: usize = 25;

/// Which side of the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Buy orders, best (highest) price first.
    Bid,
    /// Sell orders, best (lowest) price first.
    Ask,
}

/// Where a level's record lives in the arena: `px:sz:` then 4 bytes of
/// order count (little endian).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    off: u32,
    px_len: u16,
    sz_len: u16,
}

/// A stored level: its ordering key and where its text is (24 bytes; the
/// key is kept as two halves so the slot needs no 16-byte alignment).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    /// Price × 10^18, negated for asks so that "better" is always "larger".
    key_hi: i64,
    key_lo: u64,
    pub(crate) span: Span,
}

impl Slot {
    #[inline]
    fn new(key: i128, span: Span) -> Self {
        Self {
            key_hi: (key >> 64) as i64,
            key_lo: key as u64,
            span,
        }
    }

    #[inline(always)]
    fn key(&self) -> i128 {
        (i128::from(self.key_hi) << 64) | i128::from(self.key_lo)
    }
}

/// Padding kept at the end of a non-empty arena: every text can be copied
/// as a whole block of this size ([`crate::checksum`]) without reading past
/// the arena.
pub(crate) const PAD: usize = 32;

/// Bytes of the order count after a level's text.
const ORDERS_LEN: usize = 4;

impl Span {
    /// Where the text starts in the arena.
    #[inline]
    pub(crate) fn start(self) -> usize {
        self.off as usize
    }

    /// Length of `px:sz:`.
    #[inline]
    pub(crate) fn text_len(self) -> usize {
        usize::from(self.px_len) + usize::from(self.sz_len) + 2
    }

    /// Length of the whole record.
    #[inline]
    fn record_len(self) -> usize {
        self.text_len() + ORDERS_LEN
    }
}

/// Why a level could not be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LevelError {
    BadPrice,
    BadSize,
}

#[derive(Debug, Clone)]
pub(crate) struct SideBook {
    side: Side,
    /// Ascending by key, so the best level is last.
    slots: Vec<Slot>,
    /// The records, then (unless empty) [`PAD`] bytes of padding, so that
    /// every record is followed by at least a block of bytes to copy.
    arena: Vec<u8>,
    /// Bytes of `arena` still referenced by a span.
    live: usize,
    spare: Vec<u8>,
    /// Bumped by every change to the best [`CHECKSUM_DEPTH`] levels, so a
    /// checksum of them can be reused while it stays the same.
    top_version: u64,
}

impl SideBook {
    pub(crate) fn new(side: Side) -> Self {
        Self {
            side,
            slots: Vec::new(),
            arena: Vec::new(),
            live: 0,
            spare: Vec::new(),
            top_version: 0,
        }
    }

    pub(crate) fn clear(&mut self) {
        self.slots.clear();
        self.arena.clear();
        self.live = 0;
        self.top_version = self.top_version.wrapping_add(1);
    }

    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    /// Changes whenever the best [`CHECKSUM_DEPTH`] levels change.
    #[inline]
    pub(crate) fn top_version(&self) -> u64 {
        self.top_version
    }

    /// Applies one received level: size zero deletes, otherwise insert or
    /// replace (text included, since OKX may re-send a price as other text).
    /// Its text was checked by the scanner to be plain decimals.
    #[inline]
    pub(crate) fn apply(&mut self, level: &ParsedLevel<'_>) -> Result<(), LevelError> {
        let rank = self.rank(level)?;
        let found = search(&self.slots, rank);
        let len = self.slots.len();
        if level.size == SizeKind::Zero {
            if let Ok(i) = found {
                let old = self.slots.remove(i);
                self.live -= old.span.record_len();
                self.touched(len - 1 - i);
            }
            return Ok(());
        }
        // The new record goes where the padding was, and the padding after it.
        let end = self.arena.len().saturating_sub(PAD);
        self.arena.truncate(end);
        let span = self.push_record(level);
        self.arena.extend_from_slice(&[0; PAD]);
        match found {
            Ok(i) => {
                if let Some(slot) = self.slots.get_mut(i) {
                    self.live -= slot.span.record_len();
                    slot.span = span;
                }
                self.touched(len - 1 - i);
            }
            Err(i) => {
                self.slots.insert(i, Slot::new(rank, span));
                self.touched(len - i);
            }
        }
        self.maybe_compact();
        Ok(())
    }

    /// Fills the side, which [`SideBook::clear`] just emptied, with the
    /// levels of a snapshot.
    ///
    /// OKX sends them best first, so each level is worse than the one before
    /// and goes below it: such a run is appended as it comes and put in the
    /// side's order (best last) by one reversal, linear in levels where
    /// inserting each would shift the whole side. A level that breaks the
    /// run (a delete, a repeated price, or an order OKX does not send) ends
    /// it, and it and the rest are applied one by one.
    pub(crate) fn load<'a>(
        &mut self,
        mut levels: impl Iterator<Item = ParsedLevel<'a>>,
    ) -> Result<(), LevelError> {
        debug_assert!(self.slots.is_empty() && self.arena.is_empty());
        self.slots.reserve(levels.size_hint().0);
        let mut worst: Option<i128> = None;
        let mut broken = None;
        for level in levels.by_ref() {
            let rank = match self.rank(&level) {
                Ok(rank) => rank,
                Err(e) => {
                    broken = Some(Err(e));
                    break;
                }
            };
            if level.size != SizeKind::Positive || worst.is_some_and(|w| rank >= w) {
                broken = Some(Ok(level));
                break;
            }
            let span = self.push_record(&level);
            self.slots.push(Slot::new(rank, span));
            worst = Some(rank);
        }
        self.slots.reverse();
        if !self.arena.is_empty() {
            self.arena.extend_from_slice(&[0; PAD]);
        }
        self.top_version = self.top_version.wrapping_add(1);
        match broken {
            None => Ok(()),
            Some(Err(e)) => Err(e),
            Some(Ok(level)) => {
                self.apply(&level)?;
                levels.try_for_each(|level| self.apply(&level))
            }
        }
    }

    /// The level's key as this side orders it ("better" is larger), once
    /// its text and size are found fit to store.
    #[inline(always)]
    fn rank(&self, level: &ParsedLevel<'_>) -> Result<i128, LevelError> {
        let key = level.key.ok_or(LevelError::BadPrice)?;
        if u16::try_from(level.px.len()).is_err() || u16::try_from(level.sz.len()).is_err() {
            return Err(LevelError::BadPrice);
        }
        // The size was parsed with the level, not only when read, so a size
        // the book could not give back as a `Decimal` is refused instead of
        // read as 0.
        if level.size == SizeKind::Unholdable {
            return Err(LevelError::BadSize);
        }
        Ok(match self.side {
            Side::Bid => key,
            Side::Ask => -key,
        })
    }

    /// Appends the record of `level` (checked by [`SideBook::rank`]) at the
    /// end of the arena and counts it live.
    #[inline(always)]
    fn push_record(&mut self, level: &ParsedLevel<'_>) -> Span {
        let span = Span {
            off: self.arena.len() as u32,
            // Checked by `rank`.
            px_len: level.px.len() as u16,
            sz_len: level.sz.len() as u16,
        };
        append(&mut self.arena, level.px, level.px_block);
        self.arena.push(b':');
        append(&mut self.arena, level.sz, level.sz_block);
        self.arena.push(b':');
        self.arena.extend_from_slice(&level.orders.to_le_bytes());
        self.live += span.record_len();
        span
    }

    /// Notes a change at `depth` (0 = best).
    #[inline]
    fn touched(&mut self, depth: usize) {
        if depth < CHECKSUM_DEPTH {
            self.top_version = self.top_version.wrapping_add(1);
        }
    }

    /// Rewrites the arena once dead text outweighs live text, so replaced
    /// sizes do not grow memory without bound. Amortised O(1) per update and
    /// allocation-free once both buffers have reached their working size.
    fn maybe_compact(&mut self) {
        if self.arena.len() <= 2 * self.live + 4096 && self.arena.len() < u32::MAX as usize / 2 {
            return;
        }
        self.spare.clear();
        for Slot { span, .. } in &mut self.slots {
            let start = span.off as usize;
            let record = self.arena.get(start..start + span.record_len());
            span.off = self.spare.len() as u32;
            self.spare.extend_from_slice(record.unwrap_or_default());
        }
        self.live = self.spare.len();
        self.spare.extend_from_slice(&[0; PAD]);
        std::mem::swap(&mut self.arena, &mut self.spare);
    }

    /// The best [`CHECKSUM_DEPTH`] levels (worst first, like the side) and
    /// the arena their text is in, for the checksum.
    #[inline]
    pub(crate) fn top(&self) -> (&[Slot], &[u8]) {
        let from = self.slots.len().saturating_sub(CHECKSUM_DEPTH);
        (self.slots.get(from..).unwrap_or_default(), &self.arena)
    }

    /// The `depth`-th best level (0 = best).
    #[inline]
    pub(crate) fn nth(&self, depth: usize) -> Option<LevelRef<'_>> {
        let i = self.slots.len().checked_sub(depth + 1)?;
        self.slots.get(i).map(|s| self.level(s.span))
    }

    fn level(&self, span: Span) -> LevelRef<'_> {
        let start = span.off as usize;
        let px_end = start + usize::from(span.px_len);
        let sz_end = px_end + 1 + usize::from(span.sz_len);
        let orders = self
            .arena
            .get(start + span.text_len()..start + span.record_len())
            .and_then(|b| <[u8; ORDERS_LEN]>::try_from(b).ok())
            .map_or(0, u32::from_le_bytes);
        // Only ASCII checked by the scanner is ever copied into the arena.
        let text = |range: std::ops::Range<usize>| {
            self.arena
                .get(range)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default()
        };
        LevelRef {
            px: text(start..px_end),
            sz: text(px_end + 1..sz_end),
            orders,
        }
    }

    /// Levels from best to worst.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = LevelRef<'_>> + ExactSizeIterator {
        self.slots.iter().rev().map(|s| self.level(s.span))
    }
}

/// Appends `text` to `arena`. With `block` (32 bytes starting with
/// `text`), a short text is appended as the whole block and the surplus cut
/// off again: a fixed-size copy, much cheaper than one of the exact length.
#[inline(always)]
fn append(arena: &mut Vec<u8>, text: &[u8], block: Option<&[u8; 32]>) {
    match block {
        Some(block) if text.len() <= block.len() => {
            let end = arena.len() + text.len();
            arena.extend_from_slice(block);
            arena.truncate(end);
        }
        _ => arena.extend_from_slice(text),
    }
}

/// Where `key` is in the ascending `slots` (`Ok`), or where it would go
/// (`Err`). Updates come mostly near the touch, which is at the end: the
/// search gallops back from the end (1, 2, 4, ... levels deep) to bracket
/// the place, then bisects the bracket, so a level `d` deep costs about
/// `2·log2(d)` probes.
#[inline]
fn search(slots: &[Slot], key: i128) -> Result<usize, usize> {
    let len = slots.len();
    // The place is in `lo..=hi`.
    let (mut lo, mut hi) = (0, len);
    let mut step = 1;
    while step <= len {
        let i = len - step;
        if slots.get(i).is_some_and(|s| s.key() < key) {
            lo = i + 1;
            break;
        }
        hi = i;
        step *= 2;
    }
    let i = lo + lower_bound(slots.get(lo..hi).unwrap_or_default(), key);
    if slots.get(i).is_some_and(|s| s.key() == key) {
        Ok(i)
    } else {
        Err(i)
    }
}

/// The number of keys in the ascending `slots` below `key`: a bisection
/// with one `<` per probe.
#[inline]
fn lower_bound(slots: &[Slot], key: i128) -> usize {
    let mut size = slots.len();
    if size == 0 {
        return 0;
    }
    // Invariant: every key before `base` is smaller than `key`.
    let mut base = 0usize;
    while size > 1 {
        let half = size / 2;
        let mid = base + half;
        if slots.get(mid).is_some_and(|s| s.key() < key) {
            base = mid;
        }
        size -= half;
    }
    base + usize::from(slots.get(base).is_some_and(|s| s.key() < key))
}

/// A level of the local book: the exact text last received for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelRef<'a> {
    /// Price text, exactly as received.
    pub px: &'a str,
    /// Size text, exactly as received.
    pub sz: &'a str,
    /// Number of orders at this price.
    pub orders: u32,
}

impl LevelRef<'_> {
    /// The price as a `Decimal` (keeping the received scale).
    pub fn price(&self) -> rust_decimal::Decimal {
        crate::num::decimal(self.px)
    }

    /// The size as a `Decimal` (keeping the received scale).
    pub fn size(&self) -> rust_decimal::Decimal {
        crate::num::decimal(self.sz)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl SideBook {
        /// Applies a level given as text, the way a frame's level is.
        fn put(&mut self, px: &[u8], sz: &[u8], orders: u32) -> Result<(), LevelError> {
            let text = format!(
                r#"[["{}","{}","0","{orders}"]]"#,
                px.escape_ascii(),
                sz.escape_ascii()
            );
            let mut scan = crate::scan::Scanner::new(text.as_bytes());
            let levels = crate::Levels::parse(&mut scan, None).expect("a level");
            let level = levels.parsed(None).next().expect("a level");
            self.apply(&level)
        }
    }

    #[test]
    fn compaction_keeps_text_and_bounds_memory() {
        let mut side = SideBook::new(Side::Ask);
        side.put(b"101", b"1", 1).expect("level");
        for i in 0..10_000u32 {
            let sz = format!("{}.{:04}", i % 9 + 1, i);
            side.put(b"100.50", sz.as_bytes(), i).expect("level");
        }
        assert!(
            side.arena.len() < 8192,
            "arena grew to {}",
            side.arena.len()
        );
        let best = side.nth(0).expect("best");
        assert_eq!((best.px, best.sz, best.orders), ("100.50", "1.9999", 9999));
        assert_eq!(side.nth(1).map(|l| (l.px, l.sz)), Some(("101", "1")));
        // Same price, new spelling: the new text is what the checksum sees.
        side.put(b"100.5", b"2", 1).expect("level");
        let (slots, arena) = side.top();
        let best = slots.last().expect("best level").span;
        assert_eq!(&arena[best.start()..][..best.text_len()], b"100.5:2:");
        side.put(b"100.500", b"0.000", 0).expect("delete");
        assert_eq!(side.len(), 1);
    }

    proptest::proptest! {
        /// The galloping search finds what a plain binary search finds.
        #[test]
        fn search_matches_binary_search(
            mut keys in proptest::collection::vec(-1000i128..1000, 0..300),
            probe in -1100i128..1100,
            deep in proptest::bool::ANY,
        ) {
            keys.sort_unstable();
            keys.dedup();
            // Also probe for the keys themselves, near and far from the end.
            let probe = match keys.len() {
                n if deep && n > 0 => keys[(probe.unsigned_abs() as usize) % n],
                _ => probe,
            };
            let span = Span { off: 0, px_len: 0, sz_len: 0 };
            let slots: Vec<Slot> = keys.iter().map(|&k| Slot::new(k, span)).collect();
            proptest::prop_assert_eq!(search(&slots, probe), keys.binary_search(&probe));
        }
    }

    #[test]
    fn slots_keep_every_key() {
        for key in [
            i128::MIN,
            -1,
            0,
            1,
            i128::MAX,
            1 << 64,
            -(1 << 64),
            (1 << 64) - 1,
        ] {
            let span = Span {
                off: 0,
                px_len: 0,
                sz_len: 0,
            };
            assert_eq!(Slot::new(key, span).key(), key);
        }
    }

    #[test]
    fn rejects_negative_sizes() {
        let mut side = SideBook::new(Side::Bid);
        assert_eq!(side.put(b"1", b"-1", 0), Err(LevelError::BadSize));
        assert_eq!(side.len(), 0);
    }

    #[test]
    fn rejects_sizes_a_decimal_cannot_hold() {
        let mut side = SideBook::new(Side::Bid);
        for sz in ["0.0000000000000000001", "123456789012345678901234567890"] {
            assert_eq!(
                side.put(b"1", sz.as_bytes(), 0),
                Err(LevelError::BadSize),
                "{sz}"
            );
        }
        assert_eq!(side.len(), 0);
        side.put(b"1", b"0.000000000000000001", 1)
            .expect("18 places");
        let level = side.nth(0).expect("stored");
        assert_eq!(level.size().to_string(), "0.000000000000000001");
    }
}
