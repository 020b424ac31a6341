//! The levels of one side of a push: validated in place while the frame is
//! parsed, and read again, with their numbers, when the engine applies them.
//!
//! OKX writes levels without whitespace (`["px","sz","0","n"]`). Such a level
//! is checked by a quick path that also reads its price and size; any other
//! spacing goes through the general scanner, which accepts exactly the same
//! numbers and names the error for anything else. When the engine parses a
//! frame itself ([`crate::OrderBook::apply_bytes`]), what the quick path read
//! is recorded in a buffer the book keeps, so the levels are not walked a
//! second time.

use crate::error::ParseError;
use crate::level::{SizeKind, SpanIter, compact_level, scan_level};
use crate::num::{Fixed, digits_from};
use crate::record::{ParsedIter, Recorded, SideRecord};
use crate::scan::Scanner;

/// One level as received: the exact price and size text, and the order count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawLevel<'a> {
    /// Price text, exactly as sent.
    pub px: &'a str,
    /// Size text, exactly as sent; `"0"` deletes the level.
    pub sz: &'a str,
    /// Number of orders at this price (`0` if absent).
    pub orders: u32,
}

/// The levels of one side of a push, kept as the validated bytes of the JSON
/// array and decoded on iteration, so parsing allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Levels<'a> {
    pub(crate) raw: &'a [u8],
    pub(crate) len: usize,
}

impl<'a> Levels<'a> {
    /// Number of levels.
    pub fn len(&self) -> usize {
        self.len
    }

    /// `true` when the side is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The levels in the order they were sent.
    pub fn iter(&self) -> LevelIter<'a> {
        LevelIter {
            inner: self.spans(),
        }
    }

    /// The levels as byte slices, skipping the UTF-8 checks that `&str`
    /// needs (the scanner admitted ASCII only).
    pub(crate) fn spans(&self) -> SpanIter<'a> {
        SpanIter {
            rest: self.raw.get(1..).unwrap_or_default(),
            left: self.len,
        }
    }

    /// The levels as the engine applies them: from `record` if it was made
    /// while these very levels were parsed, otherwise by walking the text.
    pub(crate) fn parsed<'r>(&self, record: Option<&'r SideRecord>) -> ParsedIter<'a, 'r> {
        match record {
            Some(r) if r.holds(self.raw, self.len) => {
                ParsedIter::Recorded(self.raw, r.levels.iter())
            }
            _ => ParsedIter::Walk(self.spans()),
        }
    }

    /// Scans `[[px, sz, liq, orders], ...]` and keeps its bytes; with
    /// `record`, also what the quick path read of each level.
    pub(crate) fn parse(
        scan: &mut Scanner<'a>,
        record: Option<&mut SideRecord>,
    ) -> Result<Self, ParseError> {
        // One copy of the loop each, so neither pays for the other.
        match record {
            Some(record) => Self::parse_with::<true>(scan, Some(record)),
            None => Self::parse_with::<false>(scan, None),
        }
    }

    /// [`Levels::parse`]; `RECORD` says whether `record` is `Some`.
    #[inline(always)]
    fn parse_with<const RECORD: bool>(
        scan: &mut Scanner<'a>,
        mut record: Option<&mut SideRecord>,
    ) -> Result<Self, ParseError> {
        scan.skip_ws();
        let start = scan.pos;
        if let Some(r) = record.as_deref_mut() {
            r.levels.clear();
            r.complete = true;
        }
        let mut len = 0;
        if !scan.open(b'[', b']')? {
            // Positions in the record are u32: true of any frame under 4 GiB.
            let small = u32::try_from(scan.bytes.len()).is_ok();
            loop {
                // OKX's exact level shape, straight into its record.
                if RECORD
                    && small
                    && let Some(r) = record.as_deref_mut()
                    && let Some((recorded, used)) = scan
                        .bytes
                        .get(scan.pos..)
                        .and_then(|rest| okx_level(rest, scan.pos - start))
                {
                    r.levels.push(recorded);
                    scan.pos += used;
                    len += 1;
                    if !scan.next_or_close(b']')? {
                        break;
                    }
                    continue;
                }
                // Only a recorded parse needs the numbers now.
                match compact_level::<RECORD>(scan.bytes, scan.pos) {
                    Some(level) => {
                        scan.pos = level.end;
                        if let Some(r) = record.as_deref_mut() {
                            match Recorded::new(&level, scan.bytes, start) {
                                Some(recorded) => r.levels.push(recorded),
                                None => r.complete = false,
                            }
                        }
                    }
                    None => {
                        scan_level(scan)?;
                        if let Some(r) = record.as_deref_mut() {
                            r.complete = false;
                        }
                    }
                }
                len += 1;
                if !scan.next_or_close(b']')? {
                    break;
                }
            }
        }
        let raw = scan.bytes.get(start..scan.pos).unwrap_or_default();
        if let Some(r) = record {
            r.raw_at = raw.as_ptr() as usize;
            r.raw_len = raw.len();
        }
        Ok(Self { raw, len })
    }
}

impl<'a> IntoIterator for Levels<'a> {
    type Item = RawLevel<'a>;
    type IntoIter = LevelIter<'a>;
    fn into_iter(self) -> LevelIter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &Levels<'a> {
    type Item = RawLevel<'a>;
    type IntoIter = LevelIter<'a>;
    fn into_iter(self) -> LevelIter<'a> {
        self.iter()
    }
}

/// Iterator over [`Levels`].
#[derive(Clone)]
pub struct LevelIter<'a> {
    inner: SpanIter<'a>,
}

impl<'a> Iterator for LevelIter<'a> {
    type Item = RawLevel<'a>;

    fn next(&mut self) -> Option<RawLevel<'a>> {
        let span = self.inner.next()?;
        Some(RawLevel {
            px: std::str::from_utf8(span.px).ok()?,
            sz: std::str::from_utf8(span.sz).ok()?,
            orders: span.orders,
        })
    }
}

/// The level at the start of `rest` if it has exactly the shape OKX sends,
/// `["px","sz","0","n"]` (n of 1 to 9 digits), read in one pass into its
/// record (positions counted from `at`, the offset of `rest` in its side's
/// array), and how many bytes it takes. For such text this gives what
/// [`compact_level`] and [`Recorded::new`] give; anything else is `None`
/// and goes to them. Positions must fit a `u32` (the caller checks).
#[inline(always)]
fn okx_level(rest: &[u8], at: usize) -> Option<(Recorded, usize)> {
    let body = rest.strip_prefix(b"[\"")?;
    let price = Fixed::parse_prefix(body);
    let (px, body) = body.split_at_checked(price.len)?;
    let body = body.strip_prefix(b"\",\"")?;
    let size = Fixed::parse_size_prefix(body);
    let (sz, body) = body.split_at_checked(size.len)?;
    let body = body.strip_prefix(b"\",\"0\",\"")?;
    // The order count: 1 to 9 digits.
    let (digits, count) = digits_from(body, 0, 0);
    let body = body.get(digits..)?;
    if price.digits == 0
        || size.digits == 0
        || !(1..=9).contains(&digits)
        || !body.starts_with(b"\"]")
    {
        return None;
    }
    let recorded = Recorded::from_parts(
        price.key(px),
        at + 2,
        px.len(),
        sz.len(),
        // At most 9 digits.
        count as u32,
        SizeKind::of_size_prefix(&size, sz),
    )?;
    // `["` px `","` sz `","0","` count `"]`
    Some((recorded, 2 + px.len() + 3 + sz.len() + 7 + digits + 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::number_end;
    use proptest::prelude::*;

    /// Text of a quoted level field: mostly numbers of every shape the
    /// scanner has to judge, sometimes other bytes.
    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "-?[0-9]{0,22}(\\.[0-9]{0,22})?",
            1 => "[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]",
            1 => "[-+.eE0-9 a\"\\\\]{0,6}",
            1 => Just(String::new()),
        ]
    }

    /// A level array: shaped like OKX's (`["px","sz","0","n"]`, with near
    /// misses in the last two fields), or 1 to 6 arbitrary fields, compact
    /// or with spaces, sometimes cut.
    fn level() -> impl Strategy<Value = String> {
        prop_oneof![
            2 => (
                field(),
                field(),
                prop_oneof![4 => Just("0".to_owned()), 1 => "00|-0|0.0|1|"],
                prop_oneof![4 => "[0-9]{1,9}", 1 => "[0-9]{0,11}|-1|1.0|"],
                prop_oneof![4 => Just(String::new()), 1 => Just(",\"7\"".to_owned())],
            )
                .prop_map(|(px, sz, liq, orders, more)| {
                    format!(r#"["{px}","{sz}","{liq}","{orders}"{more}]"#)
                }),
            2 => any_level(),
        ]
    }

    fn any_level() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(field(), 1..7),
            any::<bool>(),
            0usize..4,
        )
            .prop_map(|(fields, spaced, cut)| {
                let sep = if spaced { ", " } else { "," };
                let quoted: Vec<String> = fields.iter().map(|f| format!("\"{f}\"")).collect();
                let text = format!("[{}]", quoted.join(sep));
                // Sometimes drop the end, to reach the end-of-input paths.
                let keep = text.len().saturating_sub(if cut == 3 { 2 } else { 0 });
                text[..keep].to_owned()
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// The quick check of a compact level never accepts a level the
        /// scanner refuses, and ends where the scanner ends.
        #[test]
        fn compact_check_agrees_with_the_scanner(text in level(), tail in "[],]{0,1}") {
            let bytes = format!("{text}{tail}").into_bytes();
            let mut scan = Scanner::new(&bytes);
            let general = scan_level(&mut scan).map(|_| scan.pos);
            let quick = compact_level::<false>(&bytes, 0).map(|l| l.end);
            prop_assert_eq!(quick, compact_level::<true>(&bytes, 0).map(|l| l.end));
            match quick {
                Some(end) => prop_assert_eq!(general, Ok(end), "{}", text),
                // Only levels with whitespace need the scanner to accept them.
                None => prop_assert!(general.is_err() || text.contains(' '), "{}", text),
            }
        }

        /// OKX's exact shape, read straight into a record, gives the record
        /// the general quick path gives.
        #[test]
        fn okx_levels_record_like_the_quick_path(text in level(), offset in 0usize..1000) {
            let bytes = text.as_bytes();
            let Some((recorded, used)) = okx_level(bytes, offset) else {
                return Ok(());
            };
            let mut padded = vec![b' '; offset];
            padded.extend_from_slice(bytes);
            let level = compact_level::<true>(&padded, offset);
            let level = level.expect("the quick path accepts OKX's shape");
            prop_assert_eq!(level.end, offset + used);
            let general = Recorded::new(&level, &padded, 0).expect("fits");
            prop_assert_eq!(format!("{recorded:?}"), format!("{general:?}"));
        }

        /// Reading a validated level in one pass, or from the record made
        /// while it was parsed, gives exactly what the general walk and
        /// `Fixed::parse` give.
        #[test]
        fn one_pass_and_recorded_levels_match_the_general_walk(
            levels in prop::collection::vec(level(), 0..6),
            spaced in any::<bool>(),
        ) {
            let text = format!("[{}]", levels.join(if spaced { " , " } else { "," }));
            let mut record = SideRecord::default();
            let mut scan = Scanner::new(text.as_bytes());
            let Ok(parsed) = Levels::parse(&mut scan, Some(&mut record)) else {
                return Ok(());
            };
            // Every compact level was recorded; a spaced one sends the side
            // to the walk.
            let compact = (!spaced || levels.len() < 2) && levels.iter().all(|l| !l.contains(' '));
            prop_assert_eq!(record.holds(parsed.raw, parsed.len()), compact);
            let mut walked = parsed.parsed(None);
            let mut recorded = parsed.parsed(Some(&record));
            let mut general = parsed.spans();
            for _ in 0..parsed.len() {
                let want = general.next().expect("a level");
                for got in [walked.next(), recorded.next()] {
                    let got = got.expect("a level");
                    prop_assert_eq!((got.px, got.sz, got.orders), (want.px, want.sz, want.orders));
                    prop_assert_eq!(got.key, Fixed::parse(want.px).and_then(Fixed::key));
                    prop_assert_eq!(got.size, SizeKind::of(Fixed::parse(want.sz)));
                    // The block starts where the field does (a field longer
                    // than the block is copied exactly instead).
                    for (block, field) in [(got.px_block, got.px), (got.sz_block, got.sz)] {
                        if let Some(block) = block {
                            let n = field.len().min(block.len());
                            prop_assert_eq!(&block[..n], &field[..n]);
                        }
                    }
                }
            }
            prop_assert!(walked.next().is_none());
            prop_assert!(recorded.next().is_none());
        }
    }

    #[test]
    fn number_checks_match_the_scanner_on_edge_cases() {
        for text in [
            "0",
            "-0",
            ".5",
            "5.",
            ".",
            "-",
            "-.",
            "1.2.3",
            "--1",
            "1-",
            "+1",
            "1e5",
            "",
            "123456789",
            "1234567890",
            "0000000001",
        ] {
            for integer in [false, true] {
                let bytes = format!("{text}\"").into_bytes();
                let mut quoted = Scanner::new(b"");
                let with_quote = format!("\"{text}\"").into_bytes();
                quoted.bytes = &with_quote;
                let general = quoted.number_bytes(integer).map(|t| t.len());
                let quick = number_end(&bytes, 0, integer);
                assert_eq!(quick, general.ok(), "{text:?} integer={integer}");
            }
        }
    }
}
