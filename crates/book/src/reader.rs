//! Reading a frame once, for a caller that looks at it before applying it.

use crate::record::FrameRecord;
use crate::{Applied, BookError, BookFrame, OrderBook, ParseError};

/// Parses book frames so that applying one does not read its levels again.
///
/// [`OrderBook::apply_bytes`] reads each level once, but parses and applies
/// in one call. A caller that must see the frame first (which instrument
/// and channel, whether it is a snapshot) to pick the book or to drop the
/// frame parses it here, then applies the [`ParsedFrame`] with
/// [`OrderBook::apply_parsed`]: what the parse read of the levels is kept
/// in buffers the reader reuses, and the apply takes the levels from there.
///
/// ```
/// use okx_book::{BookSet, FrameReader};
///
/// let mut reader = FrameReader::new();
/// let mut books = BookSet::new();
/// let frame = br#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot",
///   "data":[{"asks":[["3366.8","9","0","1"]],"bids":[["3366.1","7","0","1"]],
///            "ts":"1597026383085","checksum":0,"seqId":10,"prevSeqId":-1}]}"#;
/// let parsed = reader.parse(frame)?;
/// let book = books.book_mut(parsed.frame().inst_id);
/// book.apply_parsed(&parsed)?;
/// assert_eq!(book.best_bid().map(|l| l.px), Some("3366.1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct FrameReader {
    record: FrameRecord,
}

impl FrameReader {
    /// A reader with empty buffers (they grow to the largest frame read).
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses a book push, like [`BookFrame::parse`], keeping what it read
    /// of the levels for the apply.
    #[inline]
    pub fn parse<'a>(&mut self, bytes: &'a [u8]) -> Result<ParsedFrame<'a, '_>, ParseError> {
        let frame = BookFrame::parse_recorded(bytes, &mut self.record)?;
        Ok(ParsedFrame {
            frame,
            record: &self.record,
        })
    }
}

/// A frame read by a [`FrameReader`], to apply with
/// [`OrderBook::apply_parsed`]. It borrows the reader, so the reader cannot
/// read another frame while this one is held.
#[derive(Debug, Clone, Copy)]
pub struct ParsedFrame<'a, 'r> {
    frame: BookFrame<'a>,
    record: &'r FrameRecord,
}

impl<'a> ParsedFrame<'a, '_> {
    /// The frame: channel, instrument, action, sequence numbers, levels.
    #[inline]
    pub fn frame(&self) -> &BookFrame<'a> {
        &self.frame
    }
}

impl OrderBook {
    /// Applies a frame read by a [`FrameReader`], exactly as
    /// [`OrderBook::apply`] would, taking the levels from what the parse
    /// read instead of reading them again.
    #[inline]
    pub fn apply_parsed(&mut self, parsed: &ParsedFrame<'_, '_>) -> Result<Applied, BookError> {
        self.apply_with(&parsed.frame, Some(parsed.record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_apply_takes_the_levels_the_parse_read() {
        let mut reader = FrameReader::new();
        let frame = br#"{"arg":{"channel":"books","instId":"X"},"action":"snapshot","data":[{"asks":[["2","1","0","1"],["3","1","0","2"]],"bids":[["1","3","0","2"]],"checksum":0}]}"#;
        let parsed = reader.parse(frame).expect("a frame");
        let (frame, record) = (parsed.frame(), parsed.record);
        let held = |r: &crate::record::SideRecord, l: &crate::Levels<'_>| r.holds(l.raw, l.len());
        assert!(held(&record.bids, &frame.bids) && held(&record.asks, &frame.asks));
        let mut book = OrderBook::new();
        book.apply_parsed(&parsed).expect("applies");
        assert_eq!(book.best_ask().map(|l| (l.px, l.orders)), Some(("2", 1)));
        assert_eq!(book.depth(crate::Side::Ask), 2);
    }
}
