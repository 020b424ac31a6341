//! One side of a book: levels sorted with the best price LAST, and their text
//! in a byte arena.
//!
//! Keeping the best level at the end of the vector means the busy part of
//! the book (near the touch) moves few bytes on insert and delete. Levels are
//! 32 bytes: the ordering key plus offsets into the arena, so the exact text
//! survives for checksums without an allocation per level.

use crate::num::Fixed;

/// Which side of the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Buy orders, best (highest) price first.
    Bid,
    /// Sell orders, best (lowest) price first.
    Ask,
}

/// A stored level: ordering key plus where its text lives.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    /// Price × 10^18, negated for bids so that "better" is always "larger".
    rank: i128,
    px_off: u32,
    sz_off: u32,
    px_len: u16,
    sz_len: u16,
    orders: u32,
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
    #[inline]
    pub(crate) fn apply(&mut self, px: &[u8], sz: &[u8], orders: u32) -> Result<(), LevelError> {
        let price = Fixed::parse(px).ok_or(LevelError::BadPrice)?;
        let key = price.key().ok_or(LevelError::BadPrice)?;
        let size = Fixed::parse(sz).ok_or(LevelError::BadSize)?;
        if px.len() > usize::from(u16::MAX) || sz.len() > usize::from(u16::MAX) {
            return Err(LevelError::BadSize);
        }
        let rank = match self.side {
            Side::Bid => key,
            Side::Ask => -key,
        };
        let found = self.find(rank);
        if size.is_zero() {
            if let Ok(i) = found {
                let old = self.slots.remove(i);
                self.live -= usize::from(old.px_len) + usize::from(old.sz_len);
            }
            return Ok(());
        }
        match found {
            Ok(i) => {
                let old = self.slots[i];
                let (px_off, px_len) = if self.text(old.px_off, old.px_len) == px {
                    (old.px_off, old.px_len)
                } else {
                    self.live -= usize::from(old.px_len);
                    self.live += px.len();
                    self.push_text(px)
                };
                self.live -= usize::from(old.sz_len);
                self.live += sz.len();
                let (sz_off, sz_len) = self.push_text(sz);
                self.slots[i] = Slot {
                    rank,
                    px_off,
                    sz_off,
                    px_len,
                    sz_len,
                    orders,
                };
            }
            Err(i) => {
                let (px_off, px_len) = self.push_text(px);
                let (sz_off, sz_len) = self.push_text(sz);
                self.live += px.len() + sz.len();
                self.slots.insert(
                    i,
                    Slot {
                        rank,
                        px_off,
                        sz_off,
                        px_len,
                        sz_len,
                        orders,
                    },
                );
            }
        }
        self.maybe_compact();
        Ok(())
    }

    /// Binary search from the best end, where most updates land.
    #[inline]
    fn find(&self, rank: i128) -> Result<usize, usize> {
        self.slots.binary_search_by(|s| s.rank.cmp(&rank))
    }

    #[inline]
    fn push_text(&mut self, text: &[u8]) -> (u32, u16) {
        let off = self.arena.len() as u32;
        self.arena.extend_from_slice(text);
        // Length was checked against u16::MAX in `apply`.
        (off, text.len() as u16)
    }

    #[inline]
    fn text(&self, off: u32, len: u16) -> &[u8] {
        let start = off as usize;
        self.arena
            .get(start..start + usize::from(len))
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
            let px = slot.px_off as usize..slot.px_off as usize + usize::from(slot.px_len);
            slot.px_off = self.spare.len() as u32;
            self.spare
                .extend_from_slice(self.arena.get(px).unwrap_or_default());
            let sz = slot.sz_off as usize..slot.sz_off as usize + usize::from(slot.sz_len);
            slot.sz_off = self.spare.len() as u32;
            self.spare
                .extend_from_slice(self.arena.get(sz).unwrap_or_default());
        }
        std::mem::swap(&mut self.arena, &mut self.spare);
        self.live = self.arena.len();
    }

    /// Price and size text as bytes from the best level down, for the checksum.
    #[inline]
    pub(crate) fn best_texts(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        let arena = self.arena.as_slice();
        let text = move |off: u32, len: u16| {
            let start = off as usize;
            arena
                .get(start..start + usize::from(len))
                .unwrap_or_default()
        };
        self.slots
            .iter()
            .rev()
            .map(move |s| (text(s.px_off, s.px_len), text(s.sz_off, s.sz_len)))
    }

    /// The `depth`-th best level (0 = best).
    #[inline]
    pub(crate) fn nth(&self, depth: usize) -> Option<LevelRef<'_>> {
        let i = self.slots.len().checked_sub(depth + 1)?;
        let slot = self.slots[i];
        Some(LevelRef {
            px: self.str_at(slot.px_off, slot.px_len),
            sz: self.str_at(slot.sz_off, slot.sz_len),
            orders: slot.orders,
        })
    }

    fn str_at(&self, off: u32, len: u16) -> &str {
        // Only text that was valid `&str` is ever copied into the arena, at
        // boundaries recorded alongside it.
        std::str::from_utf8(self.text(off, len)).unwrap_or_default()
    }

    /// Levels from best to worst.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = LevelRef<'_>> + ExactSizeIterator {
        self.slots.iter().rev().map(move |s| LevelRef {
            px: self.str_at(s.px_off, s.px_len),
            sz: self.str_at(s.sz_off, s.sz_len),
            orders: s.orders,
        })
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
