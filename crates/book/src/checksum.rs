//! The OKX book checksum (SPEC §7.4).
//!
//! CRC-32 (zlib polynomial) of `bid1px:bid1sz:ask1px:ask1sz:bid2px:...` over
//! the best 25 levels per side, using the text exactly as received, read as
//! a signed 32-bit integer. A side with fewer levels simply contributes
//! fewer entries.

pub use crate::side::CHECKSUM_DEPTH;
use crate::side::{SideBook, Slot, Span};

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
/// hashes one contiguous slice and allocates nothing once warmed up, and
/// keeps the last result while neither side's top levels change.
#[derive(Debug, Clone, Default)]
pub(crate) struct Checksummer {
    /// The string, written a block per text (made on first use).
    blocks: Option<Box<[u8; ROOM + BLOCK]>>,
    /// The string when some text is longer than a block.
    long: Vec<u8>,
    /// `(bids version, asks version, checksum)` of the last computation.
    last: Option<(u64, u64, i32)>,
}

impl Checksummer {
    pub(crate) fn compute(&mut self, bids: &SideBook, asks: &SideBook) -> i32 {
        let versions = (bids.top_version(), asks.top_version());
        if let Some((b, a, sum)) = self.last
            && (b, a) == versions
        {
            return sum;
        }
        let (bids, asks) = (bids.top(), asks.top());
        let buf = self
            .blocks
            .get_or_insert_with(|| Box::new([0; ROOM + BLOCK]));
        let (text, end) = match interleave(buf, bids, asks) {
            Some(end) => (&buf[..], end),
            // A text longer than a block: copy each exactly instead.
            None => {
                self.long.clear();
                for (slots, arena) in zip_top(bids, asks) {
                    let (start, len) = (slots.span.start(), slots.span.text_len());
                    self.long
                        .extend_from_slice(arena.get(start..start + len).unwrap_or_default());
                }
                (&self.long[..], self.long.len())
            }
        };
        // Every text ends with ':'; the last one's is not part of the string.
        let text = text.get(..end.saturating_sub(1)).unwrap_or_default();
        let sum = crc32fast::hash(text) as i32;
        self.last = Some((versions.0, versions.1, sum));
        sum
    }
}

/// Bytes copied at once per text.
const BLOCK: usize = crate::side::PAD;
/// A power of two above the longest string of block-sized texts
/// (2 × 25 × 32 bytes), so that a position masked by `ROOM - 1` plus a block
/// is inside the buffer without a check.
const ROOM: usize = 2048;
const _: () = assert!(2 * CHECKSUM_DEPTH * BLOCK <= ROOM);

/// A side's best levels (worst first) and the arena their text is in.
type Top<'a> = (&'a [Slot], &'a [u8]);

/// The levels of both sides best first, interleaved, each with its arena.
fn zip_top<'a>(bids: Top<'a>, asks: Top<'a>) -> impl Iterator<Item = (&'a Slot, &'a [u8])> {
    let (mut b, mut a) = (bids.0.iter().rev(), asks.0.iter().rev());
    std::iter::from_fn(move || {
        let (bid, ask) = (b.next(), a.next());
        (bid.is_some() || ask.is_some())
            .then_some([bid.map(|s| (s, bids.1)), ask.map(|s| (s, asks.1))])
    })
    .flatten()
    .flatten()
}

/// Writes the texts of both sides into `buf`, best first and interleaved,
/// each as one fixed-size block (what follows a text is overwritten by the
/// next or left out at the end): much cheaper than copies of the exact
/// length. The end of the string, or `None` if a text is longer than a
/// block.
#[inline]
fn interleave(buf: &mut [u8; ROOM + BLOCK], bids: Top<'_>, asks: Top<'_>) -> Option<usize> {
    let mut end = 0;
    let common = bids.0.len().min(asks.0.len());
    let (bid_slots, ask_slots) = (bids.0.iter().rev(), asks.0.iter().rev());
    for (bid, ask) in bid_slots.zip(ask_slots) {
        end = put(buf, end, bids.1, bid.span)?;
        end = put(buf, end, asks.1, ask.span)?;
    }
    // The deeper side alone.
    for (slot, arena) in [bids, asks]
        .into_iter()
        .flat_map(|(slots, arena)| slots.iter().rev().skip(common).map(move |s| (s, arena)))
    {
        end = put(buf, end, arena, slot.span)?;
    }
    Some(end)
}

/// Copies the text of `span` to `buf[at..]` as one block; `None` if it is
/// longer than a block. `at` is below `ROOM`: the caller writes at most
/// `2 × CHECKSUM_DEPTH` texts of at most a block each.
#[inline(always)]
fn put(buf: &mut [u8; ROOM + BLOCK], at: usize, arena: &[u8], span: Span) -> Option<usize> {
    let len = span.text_len();
    if len > BLOCK {
        return None;
    }
    let start = span.start();
    // The arena's padding guarantees a block after every text.
    let src: &[u8; BLOCK] = arena.get(start..)?.first_chunk()?;
    let at = at & (ROOM - 1);
    if let Some(dst) = buf.get_mut(at..at + BLOCK) {
        dst.copy_from_slice(src);
    }
    Some(at + len)
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

    /// The checksum of the book's own levels, by the reference function.
    fn reference(book: &crate::OrderBook) -> i32 {
        use crate::Side;
        let side = |s| book.levels(s).map(|l| (l.px, l.sz)).collect::<Vec<_>>();
        checksum_levels(side(Side::Bid), side(Side::Ask))
    }

    /// Levels of one side as `(px, sz)` text.
    type Texts = [(String, String)];

    fn push(action: &str, bids: &Texts, asks: &Texts) -> String {
        let side = |levels: &Texts| {
            levels
                .iter()
                .map(|(px, sz)| format!(r#"["{px}","{sz}","0","3"]"#))
                .collect::<Vec<_>>()
                .join(",")
        };
        format!(
            r#"{{"arg":{{"channel":"books","instId":"X"}},"action":"{action}","data":[{{"bids":[{}],"asks":[{}],"checksum":0}}]}}"#,
            side(bids),
            side(asks)
        )
    }

    #[test]
    fn long_texts_and_deep_changes_keep_the_checksum_exact() {
        // Every third level is longer than the copy block (55 bytes).
        let px = |i: u32| match i % 3 {
            0 => format!("{}.{:018}", 100_000 - i, i),
            _ => format!("{}.5", 100_000 - i),
        };
        let long = "1234567890.123456789012345678".to_owned();
        let sz = |i: u32| {
            if i.is_multiple_of(3) {
                long.clone()
            } else {
                format!("{i}")
            }
        };
        let bids: Vec<_> = (0..40).map(|i| (px(i), sz(i))).collect();
        let asks: Vec<_> = (0..40)
            .map(|i| (px(i).replacen('9', "2", 1), sz(i)))
            .collect();
        let asks: Vec<_> = asks.into_iter().rev().collect();
        let mut book = crate::OrderBook::new();
        book.apply_bytes(push("snapshot", &bids, &asks).as_bytes())
            .expect("snapshot");
        assert_eq!(book.depth(crate::Side::Bid), 40);
        let first = book.checksum();
        assert_eq!(first, reference(&book));
        let changes: [(&Texts, &Texts); 5] = [
            // Below the top 25 only: the checksum stays.
            (&[(px(30), "7".into())], &[]),
            (&[(px(33), "0".into())], &[]),
            // A delete inside the top 25 pulls a deeper level up.
            (&[(px(3), "0".into())], &[]),
            // Long texts replacing short ones at the touch, on both sides.
            (
                &[(px(1), long.clone())],
                &[(asks[39].0.clone(), long.clone())],
            ),
            // An insert at the touch pushes the 25th level out.
            (&[("100000.75".into(), "2".into())], &[]),
        ];
        for (i, (bids, asks)) in changes.into_iter().enumerate() {
            book.apply_bytes(push("update", bids, asks).as_bytes())
                .expect("update");
            let sum = book.checksum();
            assert_eq!(sum, reference(&book), "change {i}");
            if i < 2 {
                assert_eq!(sum, first, "change {i} was below the top 25");
            } else {
                assert_ne!(sum, first, "change {i}");
            }
        }
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
