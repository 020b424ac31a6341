//! One book push, read straight from the frame bytes.

use crate::num::Fixed;
use crate::scan::Scanner;

/// Why a frame could not be read as a book push.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The input ended while something was still expected.
    #[error("unexpected end of input, expected {expected}")]
    Eof {
        /// What the scanner was looking for.
        expected: &'static str,
    },
    /// A byte that does not fit the JSON shape of a push.
    #[error("expected {expected} at byte {at}")]
    Unexpected {
        /// What the scanner was looking for.
        expected: &'static str,
        /// Byte offset in the frame.
        at: usize,
    },
    /// A number that is not a plain decimal (or too large).
    #[error("malformed number at byte {at}")]
    BadNumber {
        /// Byte offset in the frame.
        at: usize,
    },
    /// Nesting deeper than the scanner accepts in skipped values.
    #[error("json nested too deeply at byte {at}")]
    TooDeep {
        /// Byte offset in the frame.
        at: usize,
    },
    /// A field the book needs is absent.
    #[error("missing field {0}")]
    Missing(&'static str),
    /// A valid JSON message that is not a data push (an `event`, a login ack).
    #[error("not a data push")]
    NotAPush,
    /// A data push of a channel this crate does not keep a book for.
    #[error("not a book channel: {0}")]
    NotABookChannel(String),
    /// Book pushes carry exactly one element in `data`.
    #[error("expected exactly one element in data, found {0}")]
    DataCount(usize),
    /// An `action` other than `snapshot` or `update`.
    #[error("unknown action {0}")]
    UnknownAction(String),
    /// A level that is not `[price, size, ...]` with string fields.
    #[error("malformed level at byte {at}")]
    BadLevel {
        /// Byte offset in the frame.
        at: usize,
    },
    /// Bytes after the closing brace.
    #[error("trailing characters at byte {at}")]
    Trailing {
        /// Byte offset in the frame.
        at: usize,
    },
}

/// The book channels this crate maintains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Channel {
    /// `books`: 400 levels, snapshot then updates every 100 ms.
    Books,
    /// `books-l2-tbt`: 400 levels, tick by tick.
    BooksL2Tbt,
    /// `books50-l2-tbt`: 50 levels, tick by tick.
    Books50L2Tbt,
    /// `books5`: 5 levels, every push replaces the book.
    Books5,
    /// `bbo-tbt`: best bid and offer, every push replaces the book.
    BboTbt,
}

impl Channel {
    /// Looks a channel up by its OKX name.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "books" => Self::Books,
            "books-l2-tbt" => Self::BooksL2Tbt,
            "books50-l2-tbt" => Self::Books50L2Tbt,
            "books5" => Self::Books5,
            "bbo-tbt" => Self::BboTbt,
            _ => return None,
        })
    }

    /// The OKX channel name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Books => "books",
            Self::BooksL2Tbt => "books-l2-tbt",
            Self::Books50L2Tbt => "books50-l2-tbt",
            Self::Books5 => "books5",
            Self::BboTbt => "bbo-tbt",
        }
    }

    /// `true` for channels whose every push is a whole book (`books5`,
    /// `bbo-tbt`), `false` for snapshot-then-delta channels.
    pub fn is_full_replace(self) -> bool {
        matches!(self, Self::Books5 | Self::BboTbt)
    }
}

/// Whether a push is a whole book or a delta.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The whole book (also every `books5`/`bbo-tbt` push, which have no `action`).
    Snapshot,
    /// Changes to apply to the previous book.
    Update,
}

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
    raw: &'a [u8],
    len: usize,
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

    /// The levels as byte slices: what the engine applies, skipping the
    /// UTF-8 checks that `&str` needs (the scanner admitted ASCII only).
    pub(crate) fn spans(&self) -> SpanIter<'a> {
        SpanIter {
            rest: self.raw.get(1..).unwrap_or_default(),
            left: self.len,
        }
    }

    /// Scans `[[px, sz, liq, orders], ...]` and keeps its bytes.
    fn parse(scan: &mut Scanner<'a>) -> Result<Self, ParseError> {
        scan.skip_ws();
        let start = scan.pos;
        let mut len = 0;
        if !scan.open(b'[', b']')? {
            loop {
                // OKX sends levels without whitespace; such a level is
                // checked by the quick path, anything else (or anything
                // invalid, so that the error is exact) by the scanner.
                match compact_level(scan.bytes, scan.pos) {
                    Some(end) => scan.pos = end,
                    None => {
                        scan_level(scan)?;
                    }
                }
                len += 1;
                if !scan.next_or_close(b']')? {
                    break;
                }
            }
        }
        Ok(Self {
            raw: &scan.bytes[start..scan.pos],
            len,
        })
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
        let orders = fields[3].iter().fold(0u32, |n, &d| {
            n.wrapping_mul(10)
                .wrapping_add(u32::from(d.wrapping_sub(b'0')))
        });
        Some(LevelSpan {
            px: fields[0],
            sz: fields[1],
            orders,
        })
    }
}

/// The quick path of [`scan_level`] for a level without whitespace:
/// `["px","sz"]` with any number of further quoted fields. Returns the
/// position after the closing `]` if the level is valid in exactly the way
/// `scan_level` would accept it, and `None` otherwise (the caller then runs
/// `scan_level`, which either accepts a spaced level or names the error).
#[inline]
fn compact_level(bytes: &[u8], at: usize) -> Option<usize> {
    let mut pos = at;
    if bytes.get(pos) != Some(&b'[') {
        return None;
    }
    pos += 1;
    let mut index = 0;
    loop {
        if bytes.get(pos) != Some(&b'"') {
            return None;
        }
        pos = number_end(bytes, pos + 1, index == 3)? + 1;
        index += 1;
        match bytes.get(pos) {
            Some(b',') => pos += 1,
            Some(b']') if index >= 2 => return Some(pos + 1),
            _ => return None,
        }
    }
}

/// Where the closing quote of a quoted number starting at `start` is, if
/// the text is what `Scanner::number_bytes(integer)` accepts: an optional
/// `-` (not for `integer`), digits with at most one `.` (none for
/// `integer`), at least one digit, and at most 9 digits for `integer`.
#[inline]
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

/// A level with its price and size already read as numbers (`None` for a
/// text the book cannot hold), as the engine applies it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ParsedLevel<'a> {
    pub(crate) px: &'a [u8],
    pub(crate) sz: &'a [u8],
    pub(crate) orders: u32,
    pub(crate) price: Option<Fixed>,
    pub(crate) size: Option<Fixed>,
    /// The frame's bytes from the start of `px` and of `sz`, if 32 of them
    /// are left: a short text can then be copied as one fixed-size block.
    pub(crate) px_block: Option<&'a [u8; 32]>,
    pub(crate) sz_block: Option<&'a [u8; 32]>,
}

impl<'a> SpanIter<'a> {
    /// The next level with its numbers. A level in the compact form OKX
    /// sends is read in one pass (numbers parsed while the closing quotes
    /// are found); any other spacing goes through [`SpanIter::next`] and
    /// [`Fixed::parse`], which give the same result.
    #[inline]
    pub(crate) fn next_parsed(&mut self) -> Option<ParsedLevel<'a>> {
        if self.left > 0
            && let Some((level, rest)) = compact_parsed(self.rest)
        {
            self.left -= 1;
            self.rest = rest;
            return Some(level);
        }
        let span = self.next()?;
        Some(ParsedLevel {
            px: span.px,
            sz: span.sz,
            orders: span.orders,
            price: Fixed::parse(span.px),
            size: Fixed::parse(span.sz),
            px_block: None,
            sz_block: None,
        })
    }
}

/// The level at the start of `rest` (after the comma before it, if any) if
/// it is written `["px","sz"]` with any number of further quoted fields and
/// no whitespace, and the bytes after it. The level was validated by the
/// scanner, so this only has to find its parts; anything unexpected gives
/// `None` and the general path.
#[inline]
fn compact_parsed(rest: &[u8]) -> Option<(ParsedLevel<'_>, &[u8])> {
    let rest = rest.strip_prefix(b",").unwrap_or(rest);
    let rest = rest.strip_prefix(b"[\"")?;
    let px_block = rest.first_chunk();
    let (price, px_len) = Fixed::parse_prefix(rest);
    let (px, rest) = rest.split_at_checked(px_len)?;
    let rest = rest.strip_prefix(b"\",\"")?;
    let sz_block = rest.first_chunk();
    let (size, sz_len) = Fixed::parse_prefix(rest);
    let (sz, rest) = rest.split_at_checked(sz_len)?;
    let mut rest = rest.strip_prefix(b"\"")?;
    let mut orders = 0u32;
    let mut index = 2;
    loop {
        match rest.split_first()? {
            (b']', tail) => {
                let level = ParsedLevel {
                    px,
                    sz,
                    orders,
                    price,
                    size,
                    px_block,
                    sz_block,
                };
                return Some((level, tail));
            }
            (b',', tail) => {
                let tail = tail.strip_prefix(b"\"")?;
                let end = tail.iter().position(|&b| b == b'"')?;
                if index == 3 {
                    // At most 9 digits, checked by the scanner.
                    orders = tail[..end].iter().fold(0u32, |n, &d| {
                        n.wrapping_mul(10)
                            .wrapping_add(u32::from(d.wrapping_sub(b'0')))
                    });
                }
                index += 1;
                rest = tail.get(end + 1..)?;
            }
            _ => return None,
        }
    }
}

/// One `[px, sz, liq, orders, ...]` array. Validation here is exactly what
/// iteration relies on, so iterating a parsed [`Levels`] cannot fail.
#[inline]
fn scan_level<'a>(scan: &mut Scanner<'a>) -> Result<LevelSpan<'a>, ParseError> {
    scan.skip_ws();
    let at = scan.pos;
    let bad = |_| ParseError::BadLevel { at };
    scan.expect(b'[', "a level").map_err(bad)?;
    let px = scan.number_bytes(false)?;
    scan.expect(b',', "',' in a level").map_err(bad)?;
    let sz = scan.number_bytes(false)?;
    let mut orders = 0u32;
    let mut index = 2;
    while scan.next_or_close(b']').map_err(bad)? {
        // Element 2 is the deprecated liquidation count; 3 is the order count.
        let text = scan.number_bytes(index == 3)?;
        if index == 3 {
            // At most 9 digits, checked by the scanner: no overflow.
            orders = text.iter().fold(0, |n, &d| n * 10 + u32::from(d - b'0'));
        }
        index += 1;
    }
    Ok(LevelSpan { px, sz, orders })
}

/// One book push: `{"arg":{"channel":..,"instId":..},"action":..,"data":[{..}]}`.
///
/// Borrowed from the frame bytes; levels are decoded lazily from the
/// validated bytes (see [`Levels`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookFrame<'a> {
    /// Which book channel the push belongs to.
    pub channel: Channel,
    /// `arg.instId`.
    pub inst_id: &'a str,
    /// `snapshot` or `update` (always `snapshot` for full-replace channels).
    pub action: Action,
    /// Bid levels as sent.
    pub bids: Levels<'a>,
    /// Ask levels as sent.
    pub asks: Levels<'a>,
    /// `seqId`, if the push has one.
    pub seq_id: Option<i64>,
    /// `prevSeqId`, if the push has one (`-1` on snapshots).
    pub prev_seq_id: Option<i64>,
    /// `checksum` as sent; `0` means "not provided" since 2026-06-23.
    pub checksum: Option<i32>,
    /// `ts`, milliseconds since the Unix epoch.
    pub ts: Option<u64>,
}

/// The fields of the single `data` element.
#[derive(Default)]
struct Data<'a> {
    bids: Option<Levels<'a>>,
    asks: Option<Levels<'a>>,
    seq_id: Option<i64>,
    prev_seq_id: Option<i64>,
    checksum: Option<i32>,
    ts: Option<u64>,
}

impl<'a> BookFrame<'a> {
    /// Reads a book push from the raw frame bytes.
    ///
    /// Keys may come in any order and unknown keys are skipped. Messages that
    /// are valid but not book pushes give [`ParseError::NotAPush`] or
    /// [`ParseError::NotABookChannel`], so a caller can tell them from
    /// malformed input.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ParseError> {
        let mut scan = Scanner::new(bytes);
        let mut channel: Option<&'a str> = None;
        let mut inst_id: Option<&'a str> = None;
        let mut action: Option<&'a str> = None;
        let mut data: Option<Data<'a>> = None;
        let mut event = false;
        if !scan.open(b'{', b'}')? {
            loop {
                let key = object_key(&mut scan)?;
                scan.expect(b':', "':'")?;
                match key {
                    b"arg" => parse_arg(&mut scan, &mut channel, &mut inst_id)?,
                    b"action" => action = Some(scan.plain_str()?),
                    b"data" => data = Some(parse_data(&mut scan)?),
                    b"event" => {
                        event = true;
                        scan.skip_value()?;
                    }
                    _ => scan.skip_value()?,
                }
                if !scan.next_or_close(b'}')? {
                    break;
                }
            }
        }
        scan.skip_ws();
        if scan.pos != bytes.len() {
            return Err(ParseError::Trailing { at: scan.pos });
        }
        let Some(data) = data else {
            return Err(if event || channel.is_none() {
                ParseError::NotAPush
            } else {
                ParseError::Missing("data")
            });
        };
        let name = channel.ok_or(ParseError::Missing("arg.channel"))?;
        let channel =
            Channel::from_name(name).ok_or_else(|| ParseError::NotABookChannel(name.to_owned()))?;
        let inst_id = inst_id.ok_or(ParseError::Missing("arg.instId"))?;
        let action = match (channel.is_full_replace(), action) {
            (true, _) | (false, Some("snapshot")) => Action::Snapshot,
            (false, Some("update")) => Action::Update,
            (false, Some(other)) => return Err(ParseError::UnknownAction(other.to_owned())),
            (false, None) => return Err(ParseError::Missing("action")),
        };
        Ok(Self {
            channel,
            inst_id,
            action,
            bids: data.bids.unwrap_or_default(),
            asks: data.asks.unwrap_or_default(),
            seq_id: data.seq_id,
            prev_seq_id: data.prev_seq_id,
            checksum: data.checksum,
            ts: data.ts,
        })
    }
}

/// An object key. Keys are compared as raw bytes, so an escaped key (which
/// may spell a known key differently) is refused rather than skipped.
#[inline]
fn object_key<'a>(scan: &mut Scanner<'a>) -> Result<&'a [u8], ParseError> {
    let at = scan.pos;
    match scan.string_raw()? {
        (_, true) => Err(ParseError::Unexpected {
            expected: "an object key without escapes",
            at,
        }),
        (key, false) => Ok(key),
    }
}

/// The book channel and `arg.instId` of a frame, read leniently: other
/// fields are only skipped, so a push whose `data` cannot be parsed still
/// names the book it was meant for (which must then be treated as out of
/// sync). `None` if the frame has no readable book `arg`.
pub fn peek_arg(bytes: &[u8]) -> Option<(Channel, &str)> {
    let mut scan = Scanner::new(bytes);
    if scan.open(b'{', b'}').ok()? {
        return None;
    }
    loop {
        let key = object_key(&mut scan).ok()?;
        scan.expect(b':', "':'").ok()?;
        if key == b"arg" {
            let (mut channel, mut inst_id) = (None, None);
            parse_arg(&mut scan, &mut channel, &mut inst_id).ok()?;
            return Some((Channel::from_name(channel?)?, inst_id?));
        }
        scan.skip_value().ok()?;
        if !scan.next_or_close(b'}').ok()? {
            return None;
        }
    }
}

fn parse_arg<'a>(
    scan: &mut Scanner<'a>,
    channel: &mut Option<&'a str>,
    inst_id: &mut Option<&'a str>,
) -> Result<(), ParseError> {
    if scan.open(b'{', b'}')? {
        return Ok(());
    }
    loop {
        let key = object_key(scan)?;
        scan.expect(b':', "':'")?;
        match key {
            b"channel" => *channel = Some(scan.plain_str()?),
            b"instId" => *inst_id = Some(scan.plain_str()?),
            _ => scan.skip_value()?,
        }
        if !scan.next_or_close(b'}')? {
            return Ok(());
        }
    }
}

fn parse_data<'a>(scan: &mut Scanner<'a>) -> Result<Data<'a>, ParseError> {
    let mut data = Data::default();
    let mut count = 0;
    if !scan.open(b'[', b']')? {
        loop {
            if count == 0 {
                parse_data_object(scan, &mut data)?;
            } else {
                scan.skip_value()?;
            }
            count += 1;
            if !scan.next_or_close(b']')? {
                break;
            }
        }
    }
    if count != 1 {
        return Err(ParseError::DataCount(count));
    }
    Ok(data)
}

fn parse_data_object<'a>(scan: &mut Scanner<'a>, data: &mut Data<'a>) -> Result<(), ParseError> {
    if scan.open(b'{', b'}')? {
        return Ok(());
    }
    loop {
        let key = object_key(scan)?;
        scan.expect(b':', "':'")?;
        match key {
            b"bids" => data.bids = Some(Levels::parse(scan)?),
            b"asks" => data.asks = Some(Levels::parse(scan)?),
            b"seqId" => data.seq_id = Some(scan.integer()?),
            b"prevSeqId" => data.prev_seq_id = Some(scan.integer()?),
            b"checksum" => {
                let at = scan.pos;
                let v = scan.integer()?;
                data.checksum = Some(i32::try_from(v).map_err(|_| ParseError::BadNumber { at })?);
            }
            b"ts" => {
                let at = scan.pos;
                // OKX sends ts as a string ("" meaning none); accept a bare integer too.
                data.ts = if scan.peek() == Some(b'"') {
                    match scan.plain_str()? {
                        "" => None,
                        text => Some(text.parse().map_err(|_| ParseError::BadNumber { at })?),
                    }
                } else {
                    Some(u64::try_from(scan.integer()?).map_err(|_| ParseError::BadNumber { at })?)
                };
            }
            _ => scan.skip_value()?,
        }
        if !scan.next_or_close(b'}')? {
            return Ok(());
        }
    }
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

    /// A level array: 1 to 6 fields, compact or with spaces, sometimes cut.
    fn level() -> impl Strategy<Value = String> {
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
            match compact_level(&bytes, 0) {
                Some(end) => prop_assert_eq!(general, Ok(end), "{}", text),
                // Only levels with whitespace need the scanner to accept them.
                None => prop_assert!(general.is_err() || text.contains(' '), "{}", text),
            }
        }

        /// Reading a validated level in one pass gives exactly what the
        /// general walk and `Fixed::parse` give.
        #[test]
        fn one_pass_levels_match_the_general_walk(levels in prop::collection::vec(level(), 0..6), spaced in any::<bool>()) {
            let text = format!("[{}]", levels.join(if spaced { " , " } else { "," }));
            let mut scan = Scanner::new(text.as_bytes());
            let Ok(parsed) = Levels::parse(&mut scan) else {
                return Ok(());
            };
            let mut fast = parsed.spans();
            let mut slow = parsed.spans();
            for _ in 0..parsed.len() {
                let a = fast.next_parsed().expect("a level");
                let b = slow.next().expect("a level");
                prop_assert_eq!((a.px, a.sz, a.orders), (b.px, b.sz, b.orders));
                prop_assert_eq!(a.price, Fixed::parse(b.px));
                prop_assert_eq!(a.size, Fixed::parse(b.sz));
                for (block, field) in [(a.px_block, a.px), (a.sz_block, a.sz)] {
                    // The block starts where the field does (a field longer
                    // than the block is copied exactly instead).
                    if let Some(block) = block {
                        let n = field.len().min(block.len());
                        prop_assert_eq!(&block[..n], &field[..n]);
                    }
                }
            }
            prop_assert!(fast.next_parsed().is_none());
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
