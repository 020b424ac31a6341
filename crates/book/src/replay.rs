//! Replays recorded WebSocket frames through the engine.
//!
//! Input is either JSON Lines (one raw frame per line) or a JSON array of
//! frames, as in the fixture files; [`frames`] tells them apart by the first
//! non-blank byte. Every message gets an index (the 0-based line number, or
//! the array position) so a report can point at the message that put a book
//! out of sync.
//!
//! ```
//! let input = br#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"asks":[["3366.8","9","0","1"]],"bids":[["3366.1","7","0","1"]],"ts":"1","checksum":0}]}
//! {"event":"subscribe","arg":{"channel":"books","instId":"BTC-USDT"}}
//! not json
//! "#;
//! let report = okx_book::replay::replay(input)?;
//! assert_eq!(report.messages, 3);
//! assert_eq!(report.ignored, 1);
//! assert_eq!(report.malformed[0].index, 2);
//! let book = &report.books["BTC-USDT"];
//! assert_eq!(book.applied, 1);
//! assert_eq!(book.book.best_ask().map(|l| l.sz), Some("9"));
//! # Ok::<(), okx_book::ParseError>(())
//! ```

use std::collections::BTreeMap;

use crate::scan::Scanner;
use crate::{BookError, BookFrame, Channel, OrderBook, ParseError};

/// Splits the input into `(index, frame bytes)`.
///
/// A JSON array is split by structure (a malformed array is an error, since
/// nothing after the fault can be trusted). Otherwise the input is read as a
/// stream of JSON values, each indexed by the 0-based line it starts on (so a
/// pretty-printed single frame works too); if that stream is not clean JSON
/// it is split by line instead, blank lines skipped, so each bad line can be
/// reported on its own.
pub fn frames(input: &[u8]) -> Result<Vec<(usize, &[u8])>, ParseError> {
    let mut scan = Scanner::new(input);
    if scan.peek() != Some(b'[') {
        return Ok(value_stream(input).unwrap_or_else(|| {
            input
                .split(|&b| b == b'\n')
                .enumerate()
                .filter(|(_, line)| !line.trim_ascii().is_empty())
                .map(|(i, line)| (i, line.trim_ascii()))
                .collect()
        }));
    }
    let mut out = Vec::new();
    if !scan.open(b'[', b']')? {
        loop {
            scan.skip_ws();
            let start = scan.pos;
            scan.skip_value()?;
            out.push((out.len(), &input[start..scan.pos]));
            if !scan.next_or_close(b']')? {
                break;
            }
        }
    }
    scan.skip_ws();
    if scan.pos != input.len() {
        return Err(ParseError::Trailing { at: scan.pos });
    }
    Ok(out)
}

/// Whitespace-separated JSON values, indexed by starting line; `None` at the
/// first fault or if two values share a line.
fn value_stream(input: &[u8]) -> Option<Vec<(usize, &[u8])>> {
    let mut scan = Scanner::new(input);
    let mut out = Vec::new();
    let (mut line, mut counted_to) = (0, 0);
    let mut last_line = None;
    while scan.peek().is_some() {
        let start = scan.pos;
        line += input[counted_to..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted_to = start;
        if last_line == Some(line) {
            return None;
        }
        scan.skip_value().ok()?;
        out.push((line, &input[start..scan.pos]));
        last_line = Some(line);
    }
    Some(out)
}

/// A message that could not be read, with its index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// Line (or array) index of the message.
    pub index: usize,
    /// What was wrong with it.
    pub error: ParseError,
}

/// What happened to one instrument's book.
#[derive(Debug, Clone)]
pub struct BookStats {
    /// The channel of the last push seen for the instrument.
    pub channel: Channel,
    /// Pushes applied successfully.
    pub applied: usize,
    /// Non-zero checksums that matched.
    pub checksums_verified: usize,
    /// Non-zero checksums that did not match.
    pub checksum_mismatches: usize,
    /// Updates whose `prevSeqId` did not follow the last `seqId`.
    pub seq_gaps: usize,
    /// Indices of the messages that put the book out of sync.
    pub out_of_sync_at: Vec<usize>,
    /// Snapshots that brought the book back after it went out of sync.
    pub resyncs: usize,
    /// Updates refused because the book was out of sync.
    pub refused: usize,
    /// Pushes with a level the book cannot hold (out-of-range number).
    pub bad_levels: usize,
    /// The final book.
    pub book: OrderBook,
    flagged: bool,
}

impl BookStats {
    fn new(channel: Channel) -> Self {
        Self {
            channel,
            applied: 0,
            checksums_verified: 0,
            checksum_mismatches: 0,
            seq_gaps: 0,
            out_of_sync_at: Vec::new(),
            resyncs: 0,
            refused: 0,
            bad_levels: 0,
            book: OrderBook::new(),
            flagged: false,
        }
    }

    fn record(&mut self, index: usize, frame: &BookFrame<'_>) {
        self.channel = frame.channel;
        match self.book.apply(frame) {
            Ok(applied) => {
                self.applied += 1;
                self.checksums_verified += usize::from(applied.checksum_verified);
                self.resyncs += usize::from(applied.resynced);
                if self.book.is_synced() {
                    self.flagged = false;
                }
                return;
            }
            Err(BookError::SequenceGap { .. }) => self.seq_gaps += 1,
            Err(BookError::ChecksumMismatch { .. }) => self.checksum_mismatches += 1,
            Err(BookError::OutOfSync(_)) => self.refused += 1,
            Err(BookError::BadLevel(_) | BookError::Parse(_)) => self.bad_levels += 1,
        }
        // Count each fall out of sync once: later refusals point back to it.
        if !self.flagged {
            self.flagged = true;
            self.out_of_sync_at.push(index);
        }
    }
}

/// The outcome of a replay.
#[derive(Debug, Clone, Default)]
pub struct ReplayReport {
    /// Messages read (blank lines excluded).
    pub messages: usize,
    /// Valid messages that are not book pushes (events, other channels).
    pub ignored: usize,
    /// Messages that could not be read, skipped.
    pub malformed: Vec<Malformed>,
    /// One entry per `arg.instId`.
    pub books: BTreeMap<String, BookStats>,
}

/// Feeds messages one at a time; [`replay`] does it for a whole input.
#[derive(Debug, Clone, Default)]
pub struct Replayer {
    report: ReplayReport,
}

impl Replayer {
    /// A replayer with no books yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Handles the message at `index`.
    pub fn push(&mut self, index: usize, bytes: &[u8]) {
        self.report.messages += 1;
        match BookFrame::parse(bytes) {
            Ok(frame) => {
                let books = &mut self.report.books;
                if !books.contains_key(frame.inst_id) {
                    books.insert(frame.inst_id.to_owned(), BookStats::new(frame.channel));
                }
                if let Some(stats) = books.get_mut(frame.inst_id) {
                    stats.record(index, &frame);
                }
            }
            Err(ParseError::NotAPush | ParseError::NotABookChannel(_)) => self.report.ignored += 1,
            Err(error) => self.report.malformed.push(Malformed { index, error }),
        }
    }

    /// The report so far.
    pub fn report(&self) -> &ReplayReport {
        &self.report
    }

    /// The final report.
    pub fn finish(self) -> ReplayReport {
        self.report
    }
}

/// Replays a whole input (JSON Lines or a JSON array of frames).
pub fn replay(input: &[u8]) -> Result<ReplayReport, ParseError> {
    let mut replayer = Replayer::new();
    for (index, bytes) in frames(input)? {
        replayer.push(index, bytes);
    }
    Ok(replayer.finish())
}
