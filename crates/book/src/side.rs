//! One side of a book: levels sorted with the best price LAST, and their text
//! in a byte arena.
//!
//! Keeping the best level at the end of the vector means the busy part of
//! the book (near the touch) moves few bytes on insert and delete. Levels are
//! 32 bytes: the ordering key plus an offset into the arena, where the exact
//! text is stored as `px:sz`, the very bytes the checksum string is made of,
//! so the checksum copies one slice per level and nothing is allocated per
//! level.

use crate::num::Fixed;

/// Which side of the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Buy orders, best (highest) price first.
    Bid,
    /// Sell orders, best (lowest) price first.
    Ask,
}

/// A stored level: ordering key plus where its `px:sz` text lives.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    /// Price × 10^18, negated for asks so that "better" is always "larger".
    rank: i128,
    off: u32,
    px_len: u16,
    sz_len: u16,
    orders: u32,
}

impl Slot {
    /// Length of `px:sz`.
    #[inline]
    fn text_len(&self) -> usize {
        usize::from(self.px_len) + 1 + usize::from(self.sz_len)
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
    /// Sorted by `rank` ascending: worst first, best last.
    slots: Vec<Slot>,
    arena: Vec<u8>,
    /// Bytes of `arena` still referenced by a slot.
    live: usize,
    spare: Vec<u8>,
}

impl SideBook {
    pub(crate) fn new(side: Side) -> Self {
        Self {
            side,
            slots: Vec::new(),
            arena: Vec::new(),
            live: 0,
            spare: Vec::new(),
        }
    }

    pub(crate) fn clear(&mut self) {
        self.slots.clear();
        self.arena.clear();
        self.live = 0;
    }

    pub(crate) fn len(&self) -> usize {
        self.slots.len()
    }

    /// Applies one received level: size zero deletes, otherwise insert or
    /// replace (text included, since OKX may re-send a price as other text).
    /// `px` and `sz` were checked by the scanner to be plain decimals.
    #[inline]
    pub(crate) fn apply(&mut self, px: &[u8], sz: &[u8], orders: u32) -> Result<(), LevelError> {
        let key = Fixed::parse(px)
            .and_then(Fixed::key)
            .ok_or(LevelError::BadPrice)?;
        let (Ok(px_len), Ok(sz_len)) = (u16::try_from(px.len()), u16::try_from(sz.len())) else {
            return Err(LevelError::BadPrice);
        };
        // The size is parsed now, not only when read, so a size the book
        // could not give back as a `Decimal` is refused instead of read as 0.
        let size = Fixed::parse(sz).ok_or(LevelError::BadSize)?;
        if size.mantissa < 0 {
            return Err(LevelError::BadSize);
        }
        let zero = size.mantissa == 0;
        let rank = match self.side {
            Side::Bid => key,
            Side::Ask => -key,
        };
        let found = self.slots.binary_search_by(|s| s.rank.cmp(&rank));
        if zero {
            if let Ok(i) = found {
                let old = self.slots.remove(i);
                self.live -= old.text_len();
            }
            return Ok(());
        }
        let off = self.arena.len() as u32;
        self.arena.extend_from_slice(px);
        self.arena.push(b':');
        self.arena.extend_from_slice(sz);
        let slot = Slot {
            rank,
            off,
            px_len,
            sz_len,
            orders,
        };
        self.live += slot.text_len();
        match found {
            Ok(i) => {
                self.live -= self.slots[i].text_len();
                self.slots[i] = slot;
            }
            Err(i) => self.slots.insert(i, slot),
        }
        self.maybe_compact();
        Ok(())
    }

    /// `px:sz` of a slot.
    #[inline]
    fn text(&self, slot: &Slot) -> &[u8] {
        let start = slot.off as usize;
        self.arena
            .get(start..start + slot.text_len())
            .unwrap_or_default()
    }

    /// Rewrites the arena once dead text outweighs live text, so replaced
    /// sizes do not grow memory without bound. Amortised O(1) per update and
    /// allocation-free once both buffers have reached their working size.
    fn maybe_compact(&mut self) {
        if self.arena.len() <= 2 * self.live + 4096 && self.arena.len() < u32::MAX as usize / 2 {
            return;
        }
        self.spare.clear();
        for slot in &mut self.slots {
            let start = slot.off as usize;
            let text = self.arena.get(start..start + slot.text_len());
            slot.off = self.spare.len() as u32;
            self.spare.extend_from_slice(text.unwrap_or_default());
        }
        std::mem::swap(&mut self.arena, &mut self.spare);
        self.live = self.arena.len();
    }

    /// `px:sz` of each level from the best down, for the checksum.
    #[inline]
    pub(crate) fn best_texts(&self) -> impl Iterator<Item = &[u8]> {
        self.slots.iter().rev().map(|s| self.text(s))
    }

    /// The `depth`-th best level (0 = best).
    #[inline]
    pub(crate) fn nth(&self, depth: usize) -> Option<LevelRef<'_>> {
        let i = self.slots.len().checked_sub(depth + 1)?;
        self.slots.get(i).map(|s| self.level(s))
    }

    fn level(&self, slot: &Slot) -> LevelRef<'_> {
        // Only ASCII checked by the scanner is ever copied into the arena.
        let text = std::str::from_utf8(self.text(slot)).unwrap_or_default();
        let px_len = usize::from(slot.px_len);
        LevelRef {
            px: text.get(..px_len).unwrap_or_default(),
            sz: text.get(px_len + 1..).unwrap_or_default(),
            orders: slot.orders,
        }
    }

    /// Levels from best to worst.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = LevelRef<'_>> + ExactSizeIterator {
        self.slots.iter().rev().map(|s| self.level(s))
    }
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

    #[test]
    fn compaction_keeps_text_and_bounds_memory() {
        let mut side = SideBook::new(Side::Ask);
        side.apply(b"101", b"1", 1).expect("level");
        for i in 0..10_000u32 {
            let sz = format!("{}.{:04}", i % 9 + 1, i);
            side.apply(b"100.50", sz.as_bytes(), i).expect("level");
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
        side.apply(b"100.5", b"2", 1).expect("level");
        assert_eq!(side.best_texts().next(), Some(&b"100.5:2"[..]));
        side.apply(b"100.500", b"0.000", 0).expect("delete");
        assert_eq!(side.len(), 1);
    }

    #[test]
    fn rejects_negative_sizes() {
        let mut side = SideBook::new(Side::Bid);
        assert_eq!(side.apply(b"1", b"-1", 0), Err(LevelError::BadSize));
        assert_eq!(side.len(), 0);
    }

    #[test]
    fn rejects_sizes_a_decimal_cannot_hold() {
        let mut side = SideBook::new(Side::Bid);
        for sz in ["0.0000000000000000001", "123456789012345678901234567890"] {
            assert_eq!(
                side.apply(b"1", sz.as_bytes(), 0),
                Err(LevelError::BadSize),
                "{sz}"
            );
        }
        assert_eq!(side.len(), 0);
        side.apply(b"1", b"0.000000000000000001", 1)
            .expect("18 places");
        let level = side.nth(0).expect("stored");
        assert_eq!(level.size().to_string(), "0.000000000000000001");
    }
}
