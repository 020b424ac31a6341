//! One book push, read straight from the frame bytes.

use crate::error::ParseError;
use crate::levels::Levels;
use crate::record::FrameRecord;
use crate::scan::Scanner;

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
    /// `books-elp`: the enhanced-liquidity-program orders alone, 400
    /// levels, snapshot then updates every 100 ms (kept while OKX
    /// documents ELP).
    BooksElp,
    /// `books-rpi`: the book with retail-price-improvement orders, levels
    /// `[px, totalQty, nonRpiQty, count]`; the book keeps the total size.
    BooksRpi,
}

impl Channel {
    /// Looks a channel up by its OKX name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::from_bytes(name.as_bytes())
    }

    fn from_bytes(name: &[u8]) -> Option<Self> {
        Some(match name {
            b"books" => Self::Books,
            b"books-l2-tbt" => Self::BooksL2Tbt,
            b"books50-l2-tbt" => Self::Books50L2Tbt,
            b"books5" => Self::Books5,
            b"bbo-tbt" => Self::BboTbt,
            b"books-elp" => Self::BooksElp,
            b"books-rpi" => Self::BooksRpi,
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
            Self::BooksElp => "books-elp",
            Self::BooksRpi => "books-rpi",
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
        Self::parse_into(bytes, None)
    }

    /// [`BookFrame::parse`], recording what is read of the levels on the
    /// way into `record` (see [`Levels::parsed`]).
    pub(crate) fn parse_recorded(
        bytes: &'a [u8],
        record: &mut FrameRecord,
    ) -> Result<Self, ParseError> {
        record.clear();
        Self::parse_into(bytes, Some(record))
    }

    fn parse_into(
        bytes: &'a [u8],
        mut record: Option<&mut FrameRecord>,
    ) -> Result<Self, ParseError> {
        let mut scan = Scanner::new(bytes);
        let mut channel: Option<&'a [u8]> = None;
        let mut inst_id: Option<&'a str> = None;
        let mut action: Option<&'a [u8]> = None;
        let mut data: Option<Data<'a>> = None;
        let mut event = false;
        if !scan.open(b'{', b'}')? {
            loop {
                let key = member_key(&mut scan, &[b"\"arg\":", b"\"action\":", b"\"data\":"])?;
                match key {
                    b"arg" => parse_arg(&mut scan, &mut channel, &mut inst_id)?,
                    b"action" => {
                        action = Some(known_str(&mut scan, &[b"\"update\"", b"\"snapshot\""])?);
                    }
                    b"data" => {
                        // Another channel's rows (candles are arrays, tickers
                        // objects of other fields) are not a malformed book.
                        if let Some(name) = channel.filter(|n| Channel::from_bytes(n).is_none()) {
                            return Err(ParseError::NotABookChannel(
                                String::from_utf8_lossy(name).into(),
                            ));
                        }
                        data = Some(parse_data(&mut scan, record.as_deref_mut())?);
                    }
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
        // `plain_bytes` checked both names to be UTF-8, so the lossy
        // conversions below copy them unchanged.
        let channel = Channel::from_bytes(name)
            .ok_or_else(|| ParseError::NotABookChannel(String::from_utf8_lossy(name).into()))?;
        let inst_id = inst_id.ok_or(ParseError::Missing("arg.instId"))?;
        let action = match (channel.is_full_replace(), action) {
            (true, _) | (false, Some(b"snapshot")) => Action::Snapshot,
            (false, Some(b"update")) => Action::Update,
            (false, Some(other)) => {
                return Err(ParseError::UnknownAction(
                    String::from_utf8_lossy(other).into(),
                ));
            }
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

/// A string of 1 to 19 digits at the cursor (which then moves past it), as
/// a number: what `plain_bytes` and `parse_u64` make of such a string, in
/// one loop. Anything else leaves the cursor and gives `None`.
#[inline]
fn quoted_digits(scan: &mut Scanner<'_>) -> Option<u64> {
    let rest = scan.bytes.get(scan.pos..)?.strip_prefix(b"\"")?;
    let mut value = 0u64;
    let mut count = 0;
    // A 20th digit is left for the quote check below, which then fails.
    for &b in rest.iter().take(19) {
        let d = b.wrapping_sub(b'0');
        if d >= 10 {
            break;
        }
        // At most 19 digits: below 10^19, no overflow.
        value = value * 10 + u64::from(d);
        count += 1;
    }
    if count == 0 || rest.get(count) != Some(&b'"') {
        return None;
    }
    scan.pos += count + 2;
    Some(value)
}

/// `text` read the way `u64::from_str` reads it (an optional `+`, then at
/// least one digit, no overflow), without making a `&str` first.
fn parse_u64(text: &[u8]) -> Option<u64> {
    let digits = text.strip_prefix(b"+").unwrap_or(text);
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &b| {
        let d = b.wrapping_sub(b'0');
        if d < 10 {
            n.checked_mul(10)?.checked_add(u64::from(d))
        } else {
            None
        }
    })
}

/// The key of the next object member, with the `:` after it. A member
/// written exactly as one of `known` (`"key":`, no whitespace, no escapes)
/// is recognised by one comparison; any other key is read by
/// [`object_key`], which gives the same key for such text.
#[inline(always)]
fn member_key<'a>(scan: &mut Scanner<'a>, known: &[&'static [u8]]) -> Result<&'a [u8], ParseError> {
    if scan.peek() == Some(b'"') {
        for &quoted in known {
            let end = scan.pos + quoted.len();
            if scan.bytes.get(scan.pos..end) == Some(quoted) {
                scan.pos = end;
                // Without the quotes and the colon.
                return Ok(quoted.get(1..quoted.len() - 2).unwrap_or_default());
            }
        }
    }
    let key = object_key(scan)?;
    scan.expect(b':', "':'")?;
    Ok(key)
}

/// A string value for a caller that compares it: one written exactly as
/// one of `known` (quoted) is recognised by one comparison; any other is
/// read by [`Scanner::plain_bytes`], which gives the same bytes for such
/// text.
#[inline(always)]
fn known_str<'a>(scan: &mut Scanner<'a>, known: &[&'static [u8]]) -> Result<&'a [u8], ParseError> {
    if scan.peek() == Some(b'"') {
        for &quoted in known {
            let end = scan.pos + quoted.len();
            if scan.bytes.get(scan.pos..end) == Some(quoted) {
                scan.pos = end;
                return Ok(quoted.get(1..quoted.len() - 1).unwrap_or_default());
            }
        }
    }
    scan.plain_bytes()
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
            return Some((Channel::from_bytes(channel?)?, inst_id?));
        }
        scan.skip_value().ok()?;
        if !scan.next_or_close(b'}').ok()? {
            return None;
        }
    }
}

fn parse_arg<'a>(
    scan: &mut Scanner<'a>,
    channel: &mut Option<&'a [u8]>,
    inst_id: &mut Option<&'a str>,
) -> Result<(), ParseError> {
    if scan.open(b'{', b'}')? {
        return Ok(());
    }
    loop {
        let key = member_key(scan, &[b"\"channel\":", b"\"instId\":"])?;
        match key {
            b"channel" => {
                let names: [&'static [u8]; 5] = [
                    b"\"books\"",
                    b"\"books-l2-tbt\"",
                    b"\"books50-l2-tbt\"",
                    b"\"books5\"",
                    b"\"bbo-tbt\"",
                ];
                *channel = Some(known_str(scan, &names)?);
            }
            b"instId" => *inst_id = Some(scan.plain_str()?),
            _ => scan.skip_value()?,
        }
        if !scan.next_or_close(b'}')? {
            return Ok(());
        }
    }
}

fn parse_data<'a>(
    scan: &mut Scanner<'a>,
    mut record: Option<&mut FrameRecord>,
) -> Result<Data<'a>, ParseError> {
    let mut data = Data::default();
    let mut count = 0;
    if !scan.open(b'[', b']')? {
        loop {
            if count == 0 {
                parse_data_object(scan, &mut data, record.as_deref_mut())?;
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

fn parse_data_object<'a>(
    scan: &mut Scanner<'a>,
    data: &mut Data<'a>,
    mut record: Option<&mut FrameRecord>,
) -> Result<(), ParseError> {
    if scan.open(b'{', b'}')? {
        return Ok(());
    }
    loop {
        let key = member_key(
            scan,
            &[
                b"\"asks\":",
                b"\"bids\":",
                b"\"ts\":",
                b"\"checksum\":",
                b"\"prevSeqId\":",
                b"\"seqId\":",
            ],
        )?;
        match key {
            b"bids" => {
                let side = record.as_deref_mut().map(|r| &mut r.bids);
                data.bids = Some(Levels::parse(scan, side)?);
            }
            b"asks" => {
                let side = record.as_deref_mut().map(|r| &mut r.asks);
                data.asks = Some(Levels::parse(scan, side)?);
            }
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
                data.ts = if let Some(ts) = quoted_digits(scan) {
                    Some(ts)
                } else if scan.peek() == Some(b'"') {
                    match scan.plain_bytes()? {
                        b"" => None,
                        text => Some(parse_u64(text).ok_or(ParseError::BadNumber { at })?),
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

    /// Everything a frame says, with the levels decoded.
    fn fields(frame: &BookFrame<'_>) -> String {
        let bids: Vec<_> = frame.bids.iter().collect();
        let asks: Vec<_> = frame.asks.iter().collect();
        format!(
            "{:?} {} {:?} {:?} {:?} {:?} {:?} {:?} {bids:?} {asks:?}",
            frame.channel,
            frame.inst_id,
            frame.action,
            frame.seq_id,
            frame.prev_seq_id,
            frame.checksum,
            frame.ts,
            frame.bids.len() + frame.asks.len(),
        )
    }

    #[test]
    fn quick_keys_and_names_read_like_the_scanner() {
        for channel in [
            "books",
            "books-l2-tbt",
            "books50-l2-tbt",
            "books5",
            "bbo-tbt",
        ] {
            for action in ["snapshot", "update"] {
                let compact = format!(
                    r#"{{"arg":{{"channel":"{channel}","instId":"BTC-USDT"}},"action":"{action}","data":[{{"asks":[["2","1","0","1"]],"bids":[["1","3","0","2"]],"ts":"17","checksum":-5,"prevSeqId":3,"seqId":4}}]}}"#
                );
                // The same frame with whitespace everywhere it may go.
                let spaced = compact
                    .replace(':', " : ")
                    .replace(",\"", " , \"")
                    .replace('{', "{ ");
                let a = BookFrame::parse(compact.as_bytes()).expect("compact");
                let b = BookFrame::parse(spaced.as_bytes()).expect("spaced");
                assert_eq!(fields(&a), fields(&b), "{spaced}");
            }
        }
        // Near misses of the quick names are read, and refused, in full.
        let near = |channel: &str, action: &str| {
            let text = format!(
                r#"{{"arg":{{"channel":"{channel}","instId":"X"}},"action":"{action}","data":[{{}}]}}"#
            );
            BookFrame::parse(text.as_bytes()).map(|f| (f.channel, f.action))
        };
        assert_eq!(
            near("bookss", "update"),
            Err(ParseError::NotABookChannel("bookss".into()))
        );
        // Rows of another channel are told apart from a broken book.
        let candle = br#"{"arg":{"channel":"candle1m","instId":"BTC-USDT"},"data":[["1597026383085","8533.02","8553.74","8527.17","8548.26","45247","529.5858061","529.5858061","0"]]}"#;
        assert_eq!(
            BookFrame::parse(candle).map(|f| f.channel),
            Err(ParseError::NotABookChannel("candle1m".into()))
        );
        assert_eq!(
            near("books", "updates"),
            Err(ParseError::UnknownAction("updates".into()))
        );
        assert_eq!(
            near("books", "snapshot"),
            Ok((Channel::Books, Action::Snapshot))
        );
        assert!(matches!(
            near("book\\u0073", "update"),
            Err(ParseError::Unexpected { .. })
        ));
    }

    #[test]
    fn quoted_digits_read_like_the_string_path() {
        for text in [
            "\"0\"",
            "\"1659792392540\"",
            "\"9999999999999999999\"",
            "\"18446744073709551615\"",
            "\"18446744073709551616\"",
            "\"\"",
            "\"+1\"",
            "\"1a\"",
            "\"12",
            "1",
        ] {
            let mut quick = Scanner::new(text.as_bytes());
            let mut general = Scanner::new(text.as_bytes());
            let want = general.plain_bytes().ok().and_then(parse_u64);
            match quoted_digits(&mut quick) {
                Some(v) => {
                    assert_eq!(Some(v), want, "{text}");
                    assert_eq!(quick.pos, general.pos, "{text}");
                }
                None => assert_eq!(quick.pos, 0, "{text}"),
            }
        }
    }

    #[test]
    fn u64_text_reads_like_from_str() {
        for text in [
            "",
            "+",
            "0",
            "+7",
            "-1",
            "12a",
            "1659792392540",
            "18446744073709551615",
            "18446744073709551616",
            "00000000000000000000001",
            " 1",
            "1 ",
        ] {
            assert_eq!(parse_u64(text.as_bytes()), text.parse().ok(), "{text:?}");
        }
    }
}
