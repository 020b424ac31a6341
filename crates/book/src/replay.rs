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
//! let book = report.book("BTC-USDT").expect("seen");
//! assert_eq!(book.applied, 1);
//! assert_eq!(book.book.best_ask().map(|l| l.sz), Some("9"));
//! # Ok::<(), okx_book::ParseError>(())
//! ```

use std::collections::BTreeMap;

use crate::scan::Scanner;
use crate::{BookError, BookFrame, Channel, OrderBook, OutOfSyncReason, ParseError, peek_arg};

/// Splits the input into `(index, frame bytes)`.
///
/// A JSON array that parses as a whole is split by structure, indexed by
/// position. Otherwise the input is read as a stream of JSON values, each
/// indexed by the 0-based line it starts on (so a pretty-printed single frame
/// works too); if that stream is not clean JSON either (a JSON Lines file
/// whose first line is `[garbage`, a truncated array) it is split by line,
/// blank lines skipped, so each bad line can be reported on its own. Never
/// fails: the `Result` is kept for callers written against older versions.
pub fn frames(input: &[u8]) -> Result<Vec<(usize, &[u8])>, ParseError> {
    Ok(array(input)
        .or_else(|_| value_stream(input).ok_or(()))
        .unwrap_or_else(|()| {
            input
                .split(|&b| b == b'\n')
                .enumerate()
                .filter(|(_, line)| !line.trim_ascii().is_empty())
                .map(|(i, line)| (i, array_line(line)))
                .collect()
        }))
}

/// A line with the array punctuation around a frame removed (`[` before,
/// `,` or `]` after), so a one-frame-per-line array that is cut short still
/// yields its complete frames. A frame is an object, so it never starts with
/// `[` nor ends with `,` or `]` itself.
fn array_line(line: &[u8]) -> &[u8] {
    let mut line = line.trim_ascii();
    if let Some(rest) = line.strip_prefix(b"[")
        && rest.trim_ascii_start().starts_with(b"{")
    {
        line = rest.trim_ascii_start();
    }
    for end in [b',', b']'] {
        if let Some(rest) = line.strip_suffix(&[end])
            && rest.trim_ascii_end().ends_with(b"}")
        {
            line = rest.trim_ascii_end();
        }
    }
    line
}

/// The elements of a JSON array that spans the whole input.
fn array(input: &[u8]) -> Result<Vec<(usize, &[u8])>, ()> {
    let mut scan = Scanner::new(input);
    if scan.peek() != Some(b'[') {
        return Err(());
    }
    array_elements(&mut scan, input).map_err(|_| ())
}

fn array_elements<'a>(
    scan: &mut Scanner<'a>,
    input: &'a [u8],
) -> Result<Vec<(usize, &'a [u8])>, ParseError> {
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

/// What happened to one (channel, instrument) book.
#[derive(Debug, Clone)]
pub struct BookStats {
    /// The channel of this book.
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
    /// Pushes for this book that could not be read (they also appear in
    /// [`ReplayReport::malformed`]); each one puts the book out of sync.
    pub malformed: usize,
    /// Books of the same instrument on other channels (e.g. `bbo-tbt` next
    /// to `books`), each kept apart; only filled on the entry of
    /// [`ReplayReport::books`].
    pub channels: BTreeMap<Channel, BookStats>,
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
            malformed: 0,
            channels: BTreeMap::new(),
            book: OrderBook::new(),
            flagged: false,
        }
    }

    fn record(&mut self, index: usize, frame: &BookFrame<'_>) {
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
            Err(BookError::SequenceGap { .. } | BookError::MissingSequence { .. }) => {
                self.seq_gaps += 1;
            }
            Err(BookError::ChecksumMismatch { .. }) => self.checksum_mismatches += 1,
            Err(BookError::OutOfSync(_)) => self.refused += 1,
            Err(BookError::BadLevel(_) | BookError::Parse(_)) => self.bad_levels += 1,
        }
        self.flag(index);
    }

    /// A push meant for this book could not be read: whatever it changed is
    /// lost, so the book cannot be trusted until the next snapshot.
    fn record_malformed(&mut self, index: usize) {
        self.malformed += 1;
        self.book.invalidate(OutOfSyncReason::Malformed);
        self.flag(index);
    }

    /// Counts each fall out of sync once: later refusals point back to it.
    fn flag(&mut self, index: usize) {
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
    /// One entry per `arg.instId`: the book of its incremental channel
    /// (`books`, `books-l2-tbt`, `books50-l2-tbt`), or of its first
    /// full-replace channel if it has none. Books of the instrument's other
    /// channels are in [`BookStats::channels`] of that entry.
    pub books: BTreeMap<String, BookStats>,
}

impl ReplayReport {
    /// The main book of an instrument (see [`ReplayReport::books`]).
    pub fn book(&self, inst_id: &str) -> Option<&BookStats> {
        self.books.get(inst_id)
    }

    /// The book of one channel of an instrument.
    pub fn channel_book(&self, inst_id: &str, channel: Channel) -> Option<&BookStats> {
        let main = self.books.get(inst_id)?;
        if main.channel == channel {
            Some(main)
        } else {
            main.channels.get(&channel)
        }
    }

    /// The stats of the (channel, instrument) book, created on first sight.
    fn stats_mut(&mut self, inst_id: &str, channel: Channel) -> &mut BookStats {
        // Replay is not a hot path: an owned key per message is fine.
        let main = self
            .books
            .entry(inst_id.to_owned())
            .or_insert_with(|| BookStats::new(channel));
        if main.channel != channel && !main.channels.contains_key(&channel) {
            let mut new = BookStats::new(channel);
            if main.channel.is_full_replace() && !channel.is_full_replace() {
                // The incremental book becomes the main one.
                std::mem::swap(main, &mut new);
                let channels = std::mem::take(&mut new.channels);
                main.channels = channels;
                main.channels.insert(new.channel, new);
            } else {
                main.channels.insert(channel, new);
            }
        }
        if main.channel == channel {
            main
        } else {
            main.channels
                .entry(channel)
                .or_insert_with(|| BookStats::new(channel))
        }
    }
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
                let stats = self.report.stats_mut(frame.inst_id, frame.channel);
                stats.record(index, &frame);
            }
            Err(ParseError::NotAPush | ParseError::NotABookChannel(_)) => self.report.ignored += 1,
            Err(error) => {
                if let Some((channel, inst_id)) = peek_arg(bytes) {
                    self.report
                        .stats_mut(inst_id, channel)
                        .record_malformed(index);
                }
                self.report.malformed.push(Malformed { index, error });
            }
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
