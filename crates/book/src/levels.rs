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

use crate::frame::ParseError;
use crate::num::{Fixed, Prefix, SizePrefix, digits_from};
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
            Some(r) if r.holds(self) => ParsedIter::Recorded(self.raw, r.levels.iter()),
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

/// A level as byte slices of the frame.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LevelSpan<'a> {
    pub(crate) px: &'a [u8],
    pub(crate) sz: &'a [u8],
    pub(crate) orders: u32,
}

/// Walks levels that `scan_level` already validated: every element is a
/// quoted number with no quote or bracket inside, so looking for quotes and
/// the closing bracket is enough, and a second full validation is avoided.
#[derive(Clone)]
pub(crate) struct SpanIter<'a> {
    /// The bytes after the outer `[` not yet walked.
    rest: &'a [u8],
    left: usize,
}

impl<'a> Iterator for SpanIter<'a> {
    type Item = LevelSpan<'a>;

    #[inline]
    fn next(&mut self) -> Option<LevelSpan<'a>> {
        self.left = self.left.checked_sub(1)?;
        let mut fields: [&'a [u8]; 4] = [&[]; 4];
        let mut count = 0;
        loop {
            let i = self.rest.iter().position(|&b| b == b'"' || b == b']')?;
            let (head, tail) = self.rest.split_at(i + 1);
            if head.last() == Some(&b']') {
                self.rest = tail;
                break;
            }
            let end = tail.iter().position(|&b| b == b'"')?;
            if let Some(field) = fields.get_mut(count) {
                *field = &tail[..end];
            }
            count += 1;
            self.rest = &tail[end + 1..];
        }
        Some(LevelSpan {
            px: fields[0],
            sz: fields[1],
            orders: orders(fields[3]),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<'a> SpanIter<'a> {
    /// The next level with its numbers. A compact level is read by the
    /// quick path; any other spacing by [`SpanIter::next`] and
    /// [`Fixed::parse`], which give the same result.
    #[inline]
    pub(crate) fn next_parsed(&mut self) -> Option<ParsedLevel<'a>> {
        if self.left > 0 {
            let rest = self.rest.strip_prefix(b",").unwrap_or(self.rest);
            if let Some(level) = compact_level::<true>(rest, 0) {
                self.left -= 1;
                self.rest = rest.get(level.end..).unwrap_or_default();
                return Some(ParsedLevel::from_compact(rest, &level));
            }
        }
        let span = self.next()?;
        Some(ParsedLevel {
            px: span.px,
            sz: span.sz,
            orders: span.orders,
            key: Fixed::parse(span.px).and_then(Fixed::key),
            size: SizeKind::of(Fixed::parse(span.sz)),
            px_block: None,
            sz_block: None,
        })
    }
}

/// The decimal value of a validated order count (at most 9 digits).
#[inline]
fn orders(digits: &[u8]) -> u32 {
    digits.iter().fold(0u32, |n, &d| {
        n.wrapping_mul(10)
            .wrapping_add(u32::from(d.wrapping_sub(b'0')))
    })
}

/// How a level's size reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SizeKind {
    /// Zero: the level is deleted.
    Zero,
    /// A size to store.
    Positive,
    /// Negative, or not a number a `Decimal` can hold.
    Unholdable,
}

impl SizeKind {
    #[inline]
    pub(crate) fn of(size: Option<Fixed>) -> Self {
        match size {
            Some(f) if f.mantissa > 0 => Self::Positive,
            Some(f) if f.mantissa == 0 => Self::Zero,
            _ => Self::Unholdable,
        }
    }

    /// [`SizeKind::of_prefix`] for a size read by
    /// [`Fixed::parse_size_prefix`].
    #[inline(always)]
    pub(crate) fn of_size_prefix(size: &SizePrefix, text: &[u8]) -> Self {
        if !size.is_short() {
            Self::of(Fixed::parse_prefix(text).fixed(text))
        } else if !size.nonzero {
            Self::Zero
        } else if size.neg {
            Self::Unholdable
        } else {
            Self::Positive
        }
    }

    /// [`SizeKind::of`] the number `size` read from `text`, directly for a
    /// short number.
    #[inline(always)]
    pub(crate) fn of_prefix(size: &Prefix, text: &[u8]) -> Self {
        if !size.is_short() {
            Self::of(size.fixed(text))
        } else if size.small == 0 {
            Self::Zero
        } else if size.neg {
            Self::Unholdable
        } else {
            Self::Positive
        }
    }
}

/// A level as the engine applies it: its text, its price as an ordering
/// key (`None`: a price the book cannot hold) and what its size means.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ParsedLevel<'a> {
    pub(crate) px: &'a [u8],
    pub(crate) sz: &'a [u8],
    pub(crate) orders: u32,
    pub(crate) key: Option<i128>,
    pub(crate) size: SizeKind,
    /// The frame's bytes from the start of `px` and of `sz`, if 32 of them
    /// are left: a short text can then be copied as one fixed-size block.
    pub(crate) px_block: Option<&'a [u8; 32]>,
    pub(crate) sz_block: Option<&'a [u8; 32]>,
}

impl<'a> ParsedLevel<'a> {
    /// The level `level` found in `bytes`.
    #[inline]
    fn from_compact(bytes: &'a [u8], level: &Compact) -> Self {
        let text = |at: usize, len: usize| bytes.get(at..at + len).unwrap_or_default();
        let block = |at: usize| bytes.get(at..).and_then(<[u8]>::first_chunk);
        let (px, sz) = (
            text(level.px_at, level.px_len),
            text(level.sz_at, level.sz_len),
        );
        Self {
            px,
            sz,
            orders: level.orders,
            key: level.price.key(px),
            size: SizeKind::of_prefix(&level.size, sz),
            px_block: block(level.px_at),
            sz_block: block(level.sz_at),
        }
    }
}

/// What the quick path read of a compact level.
pub(crate) struct Compact {
    /// Where the level ends (after its `]`).
    pub(crate) end: usize,
    pub(crate) px_at: usize,
    pub(crate) px_len: usize,
    pub(crate) sz_at: usize,
    pub(crate) sz_len: usize,
    pub(crate) orders: u32,
    /// The price and size as read (only with `NUMBERS`).
    pub(crate) price: Prefix,
    pub(crate) size: Prefix,
}

/// The quick path of [`scan_level`] for a level at `at` written without
/// whitespace: `["px","sz"]` with any number of further quoted fields. It
/// gives the level if `scan_level` would accept it and end at the same
/// place, and `None` otherwise (the caller then runs `scan_level`, which
/// either accepts a spaced level or names the error).
///
/// With `NUMBERS`, the price and size are read as numbers on the way;
/// without, they are only checked (and left `None`).
#[inline(always)]
fn compact_level<const NUMBERS: bool>(bytes: &[u8], at: usize) -> Option<Compact> {
    if bytes.get(at..at + 2) != Some(b"[\"") {
        return None;
    }
    let px_at = at + 2;
    let price = number::<NUMBERS>(bytes, px_at)?;
    let px_end = px_at + price.len;
    if bytes.get(px_end..px_end + 3) != Some(b"\",\"") {
        return None;
    }
    let sz_at = px_end + 3;
    let size = number::<NUMBERS>(bytes, sz_at)?;
    let sz_end = sz_at + size.len;
    if bytes.get(sz_end) != Some(&b'"') {
        return None;
    }
    let mut pos = sz_end + 1;
    let mut orders_count = 0u32;
    let mut index = 2;
    // What OKX sends after the size: the deprecated liquidation count,
    // always "0", and the order count. Recognised directly; any other
    // shape goes through the loop below.
    if bytes.get(pos..pos + 6) == Some(b",\"0\",\"") {
        let start = pos + 6;
        let digits = digit_run(bytes, start);
        let end = start + digits;
        if (1..=9).contains(&digits) && bytes.get(end..end + 2) == Some(b"\"]") {
            return Some(Compact {
                end: end + 2,
                px_at,
                px_len: price.len,
                sz_at,
                sz_len: size.len,
                orders: orders(bytes.get(start..end)?),
                price,
                size,
            });
        }
    }
    loop {
        match bytes.get(pos)? {
            b']' => {
                return Some(Compact {
                    end: pos + 1,
                    px_at,
                    px_len: price.len,
                    sz_at,
                    sz_len: size.len,
                    orders: orders_count,
                    price,
                    size,
                });
            }
            b',' if bytes.get(pos + 1) == Some(&b'"') => {
                // Element 2 is the deprecated liquidation count; 3 is the
                // order count.
                let start = pos + 2;
                let end = number_end(bytes, start, index == 3)?;
                if index == 3 {
                    orders_count = orders(bytes.get(start..end)?);
                }
                index += 1;
                pos = end + 1;
            }
            _ => return None,
        }
    }
}

/// The number at `start` up to the closing quote (not included), if it is
/// what `Scanner::number_bytes(false)` accepts; read as a value with
/// `NUMBERS` (a prefix that reads as a number, with a digit in it, followed
/// by the quote is exactly such a number), else only its length is set.
#[inline(always)]
fn number<const NUMBERS: bool>(bytes: &[u8], start: usize) -> Option<Prefix> {
    if NUMBERS {
        let prefix = Fixed::parse_prefix(bytes.get(start..)?);
        let end = start + prefix.len;
        (prefix.digits > 0 && bytes.get(end) == Some(&b'"')).then_some(prefix)
    } else {
        let end = number_end(bytes, start, false)?;
        Some(Prefix {
            len: end - start,
            ..Prefix::default()
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

/// Where the closing quote of a quoted number starting at `start` is, if
/// the text is what `Scanner::number_bytes(integer)` accepts: an optional
/// `-` (not for `integer`), digits with at most one `.` (none for
/// `integer`), at least one digit, and at most 9 digits for `integer`.
#[inline(always)]
fn number_end(bytes: &[u8], start: usize, integer: bool) -> Option<usize> {
    let mut pos = start;
    if !integer && bytes.get(pos) == Some(&b'-') {
        pos += 1;
    }
    let mut digits = digit_run(bytes, pos);
    pos += digits;
    if !integer && bytes.get(pos) == Some(&b'.') {
        let fraction = digit_run(bytes, pos + 1);
        digits += fraction;
        pos += 1 + fraction;
    }
    let ok = bytes.get(pos) == Some(&b'"') && digits > 0 && (!integer || digits <= 9);
    ok.then_some(pos)
}

/// How many ASCII digits `bytes` has from `start` on.
#[inline]
fn digit_run(bytes: &[u8], start: usize) -> usize {
    let rest = bytes.get(start..).unwrap_or_default();
    rest.iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(rest.len())
}

/// One `[px, sz, liq, orders, ...]` array. Validation here is exactly what
/// iteration relies on, so iterating a parsed [`Levels`] cannot fail.
fn scan_level<'a>(scan: &mut Scanner<'a>) -> Result<(), ParseError> {
    scan.skip_ws();
    let at = scan.pos;
    let bad = |_| ParseError::BadLevel { at };
    scan.expect(b'[', "a level").map_err(bad)?;
    scan.number_bytes(false)?;
    scan.expect(b',', "',' in a level").map_err(bad)?;
    scan.number_bytes(false)?;
    let mut index = 2;
    while scan.next_or_close(b']').map_err(bad)? {
        // Element 2 is the deprecated liquidation count; 3 is the order count.
        scan.number_bytes(index == 3)?;
        index += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
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
            prop_assert_eq!(record.holds(&parsed), compact);
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
