//! One book push, read straight from the frame bytes.

use crate::levels::Levels;
use crate::record::FrameRecord;
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
                    b"data" => data = Some(parse_data(&mut scan, record.as_deref_mut())?),
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
        let key = object_key(scan)?;
        scan.expect(b':', "':'")?;
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
