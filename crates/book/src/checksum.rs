//! The OKX book checksum (SPEC §7.4).
//!
//! CRC-32 (zlib polynomial) of `bid1px:bid1sz:ask1px:ask1sz:bid2px:...` over
//! the best 25 levels per side, using the text exactly as received, read as
//! a signed 32-bit integer. A side with fewer levels simply contributes
//! fewer entries.

use crate::side::SideBook;

/// Levels per side that enter the checksum.
pub const CHECKSUM_DEPTH: usize = 25;

/// The checksum of a colon-joined level string, as OKX sends it.
pub fn checksum_of(text: &str) -> i32 {
    crc32fast::hash(text.as_bytes()) as i32
}

/// The checksum of two sides given best-first as `(price, size)` text.
///
/// Useful to check a book kept elsewhere, and as the reference the engine is
/// tested against.
pub fn checksum_levels<'a>(
    bids: impl IntoIterator<Item = (&'a str, &'a str)>,
    asks: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> i32 {
    let mut bids = bids.into_iter().take(CHECKSUM_DEPTH);
    let mut asks = asks.into_iter().take(CHECKSUM_DEPTH);
    let mut text = String::new();
    loop {
        let (bid, ask) = (bids.next(), asks.next());
        if bid.is_none() && ask.is_none() {
            break;
        }
        for (px, sz) in [bid, ask].into_iter().flatten() {
            if !text.is_empty() {
                text.push(':');
            }
            text.push_str(px);
            text.push(':');
            text.push_str(sz);
        }
    }
    checksum_of(&text)
}

/// Builds the checksum text in a buffer the book keeps, so the hot path
/// hashes one contiguous slice and allocates nothing once warmed up.
#[derive(Debug, Clone, Default)]
pub(crate) struct Checksummer {
    buf: Vec<u8>,
}

impl Checksummer {
    pub(crate) fn compute(&mut self, bids: &SideBook, asks: &SideBook) -> i32 {
        self.buf.clear();
        let mut bids = bids.best_texts().take(CHECKSUM_DEPTH);
        let mut asks = asks.best_texts().take(CHECKSUM_DEPTH);
        loop {
            let (bid, ask) = (bids.next(), asks.next());
            if bid.is_none() && ask.is_none() {
                break;
            }
            for text in [bid, ask].into_iter().flatten() {
                self.buf.extend_from_slice(text);
                self.buf.push(b':');
            }
        }
        let text = self.buf.strip_suffix(b":").unwrap_or(&self.buf);
        crc32fast::hash(text) as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SPEC §7.4 known-answer vectors.
    #[test]
    fn spec_vectors() {
        assert_eq!(checksum_of("3366.1:7:3366.8:9:3366:6:3368:8"), -1881014294);
        assert_eq!(checksum_of("3366.1:7:3366.8:9:3368:8:3372:8"), 831078360);
        assert_eq!(
            checksum_of("43231.1:4:43232.8:9:43231:6:43232.9:8"),
            -1504501796
        );
        let docs = "8476.97:256:8476.98:415:8475.55:101:8477:7:8475.54:100:8477.34:85:\
                    8475.3:1:8477.56:1:8447.32:6:8505.84:8:8447.02:246:8506.37:85:\
                    8446.83:24:8506.49:2:8446:95:8506.96:100";
        assert_eq!(checksum_of(docs), -2102840145);
    }

    #[test]
    fn interleaving_skips_the_shorter_side() {
        let bids = [("3366.1", "7"), ("3366", "6")];
        let asks = [("3366.8", "9"), ("3368", "8")];
        assert_eq!(checksum_levels(bids, asks), -1881014294);
        let bids = [("3366.1", "7")];
        let asks = [("3366.8", "9"), ("3368", "8"), ("3372", "8")];
        assert_eq!(checksum_levels(bids, asks), 831078360);
    }

    #[test]
    fn engine_matches_the_vectors() {
        let mut book = crate::OrderBook::new();
        let frame = br#"{"arg":{"channel":"books","instId":"X"},"action":"snapshot","data":[{
            "bids":[["3366.1","7","0","1"],["3366","6","0","1"]],
            "asks":[["3368","8","0","1"],["3366.8","9","0","1"]],
            "ts":"1","checksum":-1881014294}]}"#;
        let applied = book.apply_bytes(frame).expect("applies");
        assert!(applied.checksum_verified);
        assert_eq!(book.checksum(), -1881014294);
    }
}
