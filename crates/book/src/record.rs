//! What the frame parse read of the levels, kept for the engine.
//!
//! When the book parses a frame itself ([`crate::OrderBook::apply_bytes`]),
//! the quick path of the level check reads each compact level's positions,
//! price key and size on the way; they are recorded here, in buffers the
//! book reuses, and applied from here instead of reading the levels again.

use crate::level::{Compact, ParsedLevel, SizeKind, SpanIter};

/// A compact level read during the parse, by position in its side's array.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Recorded {
    key: Option<i128>,
    px_at: u32,
    sz_at: u32,
    px_len: u16,
    sz_len: u16,
    orders: u32,
    size: SizeKind,
}

impl Recorded {
    /// `level` (found in `bytes`), with positions counted from `base` (the
    /// side's `[`); `None`
    /// if a position or length does not fit the record's fields.
    #[inline(always)]
    pub(crate) fn new(level: &Compact, bytes: &[u8], base: usize) -> Option<Self> {
        let text = |at: usize, len: usize| bytes.get(at..at + len).unwrap_or_default();
        let px_at = level.px_at.checked_sub(base)?;
        // Only compact levels are recorded: the size follows `px","`.
        if level.sz_at != level.px_at + level.px_len + 3 {
            return None;
        }
        Self::from_parts(
            level.price.key(text(level.px_at, level.px_len)),
            px_at,
            level.px_len,
            level.sz_len,
            level.orders,
            SizeKind::of_prefix(&level.size, text(level.sz_at, level.sz_len)),
        )
    }

    /// A compact level whose price starts `px_at` bytes into its side's
    /// array (its size `px_len + 3` bytes later); `None` if a position or
    /// length does not fit the record's fields.
    #[inline(always)]
    pub(crate) fn from_parts(
        key: Option<i128>,
        px_at: usize,
        px_len: usize,
        sz_len: usize,
        orders: u32,
        size: SizeKind,
    ) -> Option<Self> {
        let px_len = u16::try_from(px_len).ok()?;
        Some(Self {
            key,
            px_at: u32::try_from(px_at).ok()?,
            sz_at: u32::try_from(px_at + usize::from(px_len) + 3).ok()?,
            px_len,
            sz_len: u16::try_from(sz_len).ok()?,
            orders,
            size,
        })
    }

    /// The level, in the side's array `raw`.
    #[inline(always)]
    fn level<'a>(&self, raw: &'a [u8]) -> ParsedLevel<'a> {
        let (px_at, sz_at) = (self.px_at as usize, self.sz_at as usize);
        let text = |at: usize, len: u16| raw.get(at..at + usize::from(len)).unwrap_or_default();
        let block = |at: usize| raw.get(at..).and_then(<[u8]>::first_chunk);
        ParsedLevel {
            px: text(px_at, self.px_len),
            sz: text(sz_at, self.sz_len),
            orders: self.orders,
            key: self.key,
            size: self.size,
            px_block: block(px_at),
            sz_block: block(sz_at),
        }
    }
}

/// The levels of one side as read during a parse.
#[derive(Debug, Clone, Default)]
pub(crate) struct SideRecord {
    pub(crate) levels: Vec<Recorded>,
    /// Every level was recorded (none needed the general scanner).
    pub(crate) complete: bool,
    /// Address and length of the array the record was made from.
    pub(crate) raw_at: usize,
    pub(crate) raw_len: usize,
}

impl SideRecord {
    /// `true` if this record was made while the side array `raw` (of
    /// `len` levels) was parsed and holds every level of it.
    pub(crate) fn holds(&self, raw: &[u8], len: usize) -> bool {
        self.complete
            && self.levels.len() == len
            && self.raw_at == raw.as_ptr() as usize
            && self.raw_len == raw.len()
    }
}

/// Both sides of a frame as read during its parse. A side the frame does
/// not have is an empty record, like its empty [`crate::Levels`].
#[derive(Debug, Clone, Default)]
pub(crate) struct FrameRecord {
    pub(crate) bids: SideRecord,
    pub(crate) asks: SideRecord,
}

impl FrameRecord {
    /// Levels per side whose records a book keeps room for between frames:
    /// updates stay allocation-free, while the room a 400-level snapshot
    /// needed (about 25 KiB a side) is given back.
    pub(crate) const KEEP: usize = 64;

    /// Gives back room beyond [`FrameRecord::KEEP`] levels per side.
    pub(crate) fn trim(&mut self) {
        for side in [&mut self.bids, &mut self.asks] {
            if side.levels.capacity() > Self::KEEP {
                side.levels.clear();
                side.complete = false;
                side.levels.shrink_to(Self::KEEP);
            }
        }
    }

    /// Forgets the last frame, keeping the buffers: a side the next frame
    /// does not have then holds nothing (and has nothing to hold).
    pub(crate) fn clear(&mut self) {
        for side in [&mut self.bids, &mut self.asks] {
            side.levels.clear();
            side.complete = false;
        }
    }
}

/// The levels of a side as the engine applies them.
pub(crate) enum ParsedIter<'a, 'r> {
    /// Read during the parse.
    Recorded(&'a [u8], std::slice::Iter<'r, Recorded>),
    /// Read now, from the text.
    Walk(SpanIter<'a>),
}

impl<'a> Iterator for ParsedIter<'a, '_> {
    type Item = ParsedLevel<'a>;

    #[inline(always)]
    fn next(&mut self) -> Option<ParsedLevel<'a>> {
        match self {
            Self::Recorded(raw, levels) => levels.next().map(|r| r.level(raw)),
            Self::Walk(spans) => spans.next_parsed(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Self::Recorded(_, levels) => levels.size_hint(),
            Self::Walk(spans) => spans.size_hint(),
        }
    }
}
