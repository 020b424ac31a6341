//! One level of a push: checking it, and reading its text and numbers.
//! The side's array ([`crate::levels`]) and the record of a parse
//! ([`crate::record`]) are both built from these.

use crate::error::ParseError;
use crate::num::{Fixed, Prefix, SizePrefix};
use crate::scan::Scanner;

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
    pub(crate) rest: &'a [u8],
    pub(crate) left: usize,
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
pub(crate) fn compact_level<const NUMBERS: bool>(bytes: &[u8], at: usize) -> Option<Compact> {
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

/// Where the closing quote of a quoted number starting at `start` is, if
/// the text is what `Scanner::number_bytes(integer)` accepts: an optional
/// `-` (not for `integer`), digits with at most one `.` (none for
/// `integer`), at least one digit, and at most 9 digits for `integer`.
#[inline(always)]
pub(crate) fn number_end(bytes: &[u8], start: usize, integer: bool) -> Option<usize> {
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
pub(crate) fn scan_level<'a>(scan: &mut Scanner<'a>) -> Result<(), ParseError> {
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
