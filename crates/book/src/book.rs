//! The order book engine: applies pushes under the sequence and checksum rules.

use crate::checksum::Checksummer;
use crate::error::{BookError, OutOfSyncReason, ParseError};
use crate::frame::{Action, BookFrame};
use crate::levels::Levels;
use crate::record::FrameRecord;
use crate::side::{LevelError, LevelRef, Side, SideBook};

/// What a book's integrity rests on now.
///
/// Since 2026-06-23 OKX sends `checksum: 0` on every `books`,
/// `books-l2-tbt` and `books50-l2-tbt` push: the sequence chain is then the
/// only check, and a book says so rather than claiming a checksum match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Integrity {
    /// Nothing has been checked: no snapshot yet, the book is out of sync,
    /// or the pushes carried neither sequence numbers nor a checksum (old
    /// recordings).
    Unchecked,
    /// Every push since the snapshot followed the one before
    /// (`prevSeqId` = last `seqId`), and the last carried no checksum to
    /// compare (OKX's checksum-0 mode).
    Sequenced,
    /// The last push carried a non-zero checksum and the book matched it
    /// (and the sequence held).
    Checksummed,
    /// A channel whose every push is the whole book (`books5`, `bbo-tbt`):
    /// nothing links one push to the next, and none is needed.
    WholeBook,
}

/// What applying a push did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AppliedKind {
    /// The book was replaced.
    Snapshot,
    /// Levels were changed.
    Update,
    /// An idle heartbeat (`seqId == prevSeqId`, no levels).
    Heartbeat,
    /// A sequence reset (`seqId < prevSeqId`), accepted.
    SeqReset,
    /// An update the REST snapshot the book started from already holds
    /// (`seqId` not above the snapshot's): skipped.
    Skipped,
}

/// The outcome of a successful [`OrderBook::apply`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// What kind of push it was.
    pub kind: AppliedKind,
    /// `true` if a non-zero checksum was checked and matched.
    pub checksum_verified: bool,
    /// `true` if this snapshot brought an out-of-sync book back.
    pub resynced: bool,
}

/// A local order book for one instrument and channel.
#[derive(Debug, Clone)]
pub struct OrderBook {
    bids: SideBook,
    asks: SideBook,
    last_seq: Option<i64>,
    ts: Option<u64>,
    state: Result<(), OutOfSyncReason>,
    /// Set once any snapshot was applied, to tell a resync from the first sync.
    synced_before: bool,
    checksum: Checksummer,
    /// What [`OrderBook::apply_bytes`] read of the levels while parsing.
    record: FrameRecord,
    /// The `seqId` of the REST snapshot the book started from, until the
    /// first update past it links the WS chain to it.
    anchor: Option<i64>,
    integrity: Integrity,
}

impl Default for OrderBook {
    fn default() -> Self {
        Self::new()
    }
}

impl OrderBook {
    /// An empty book waiting for its first snapshot.
    pub fn new() -> Self {
        Self {
            bids: SideBook::new(Side::Bid),
            asks: SideBook::new(Side::Ask),
            last_seq: None,
            ts: None,
            state: Err(OutOfSyncReason::AwaitingSnapshot),
            synced_before: false,
            checksum: Checksummer::default(),
            record: FrameRecord::default(),
            anchor: None,
            integrity: Integrity::Unchecked,
        }
    }

    /// Starts the book from a snapshot fetched over REST (`GET
    /// /api/v5/market/books`, whose `seqId` names the last change it holds)
    /// when the WS subscription brought none: OKX's recipe for subscribing
    /// without an initial snapshot. `frame` is that snapshot as a book
    /// frame (`action: snapshot`, the REST `seqId`).
    ///
    /// Updates buffered while it was fetched are then applied in order:
    /// those with `seqId` not above the snapshot's are skipped
    /// ([`AppliedKind::Skipped`]); the first one past it must straddle it
    /// (`prevSeqId <= snapshot seqId < seqId`), else something between was
    /// lost ([`BookError::SequenceGap`]) and a newer snapshot is needed;
    /// after it, the chain is checked as usual.
    pub fn apply_rest_snapshot(&mut self, frame: &BookFrame<'_>) -> Result<Applied, BookError> {
        if frame.action != Action::Snapshot {
            return Err(BookError::Parse(ParseError::UnknownAction("update".into())));
        }
        let seq = frame
            .seq_id
            .ok_or(BookError::Parse(ParseError::Missing("seqId")))?;
        let resynced = self.synced_before && self.state.is_err();
        self.bids.clear();
        self.asks.clear();
        self.replace_levels(frame.bids, frame.asks, None, true)?;
        self.synced_before = true;
        self.state = Ok(());
        self.last_seq = Some(seq);
        self.anchor = Some(seq);
        if frame.ts.is_some() {
            self.ts = frame.ts;
        }
        self.integrity = Integrity::Sequenced;
        Ok(Applied {
            kind: AppliedKind::Snapshot,
            checksum_verified: false,
            resynced,
        })
    }

    /// Parses and applies one raw frame.
    ///
    /// The levels are read once: what the parse reads of them is kept (in a
    /// buffer the book reuses, with room for 64 levels a side between
    /// frames) and applied, instead of being read again.
    pub fn apply_bytes(&mut self, bytes: &[u8]) -> Result<Applied, BookError> {
        let mut record = std::mem::take(&mut self.record);
        let result = match BookFrame::parse_recorded(bytes, &mut record) {
            Ok(frame) => self.apply_with(&frame, Some(&record)),
            Err(e) => Err(e.into()),
        };
        // A book keeps little room (a set of books shares one record).
        record.trim();
        self.record = record;
        result
    }

    /// Applies a push.
    ///
    /// Snapshots (and every `books5`/`bbo-tbt` push) replace the book and
    /// bring it back in sync. Updates must follow the last `seqId`; a gap or a
    /// non-zero checksum that does not match marks the book out of sync, and
    /// later updates get [`BookError::OutOfSync`] until the next snapshot.
    pub fn apply(&mut self, frame: &BookFrame<'_>) -> Result<Applied, BookError> {
        self.apply_with(frame, None)
    }

    /// [`OrderBook::apply`], taking the levels from `record` where it holds
    /// them (it was filled while `frame` was parsed).
    pub(crate) fn apply_with(
        &mut self,
        frame: &BookFrame<'_>,
        record: Option<&FrameRecord>,
    ) -> Result<Applied, BookError> {
        let resynced;
        let kind;
        if frame.action == Action::Snapshot {
            if !frame.channel.is_full_replace()
                && let Some(prev) = frame.prev_seq_id
                && prev != -1
            {
                return Err(self.fail(BookError::SequenceGap {
                    expected: -1,
                    got: prev,
                }));
            }
            resynced = self.synced_before && self.state.is_err();
            self.bids.clear();
            self.asks.clear();
            self.replace_levels(frame.bids, frame.asks, record, true)?;
            self.synced_before = true;
            self.state = Ok(());
            self.last_seq = frame.seq_id;
            self.anchor = None;
            kind = AppliedKind::Snapshot;
        } else {
            if let Err(reason) = self.state {
                return Err(BookError::OutOfSync(reason));
            }
            kind = match (frame.seq_id, frame.prev_seq_id) {
                (Some(seq), _) if self.anchor.is_some_and(|a| seq <= a) => {
                    // Already in the REST snapshot.
                    return Ok(Applied {
                        kind: AppliedKind::Skipped,
                        checksum_verified: false,
                        resynced: false,
                    });
                }
                (Some(_), Some(prev)) if self.anchor.is_some() => {
                    let anchor = self.anchor.unwrap_or(prev);
                    if prev > anchor {
                        return Err(self.fail(BookError::SequenceGap {
                            expected: anchor,
                            got: prev,
                        }));
                    }
                    self.anchor = None;
                    AppliedKind::Update
                }
                (Some(seq), Some(prev)) => {
                    if let Some(last) = self.last_seq
                        && prev != last
                    {
                        return Err(self.fail(BookError::SequenceGap {
                            expected: last,
                            got: prev,
                        }));
                    }
                    if seq == prev && frame.bids.is_empty() && frame.asks.is_empty() {
                        AppliedKind::Heartbeat
                    } else if seq < prev {
                        AppliedKind::SeqReset
                    } else {
                        AppliedKind::Update
                    }
                }
                // Without a snapshot seqId (old recordings) only the
                // checksum applies; once sequenced, an update must say what
                // it follows, or a lost message would go unnoticed.
                _ => match self.last_seq {
                    Some(expected) if !frame.channel.is_full_replace() => {
                        return Err(self.fail(BookError::MissingSequence { expected }));
                    }
                    _ => AppliedKind::Update,
                },
            };
            resynced = false;
            self.replace_levels(frame.bids, frame.asks, record, false)?;
        }
        if frame.action == Action::Update && frame.seq_id.is_some() {
            self.last_seq = frame.seq_id;
        }
        if frame.ts.is_some() {
            self.ts = frame.ts;
        }
        let mut checksum_verified = false;
        // `0` is OKX's "no checksum" (every book push since 2026-06-23):
        // nothing to compare, so neither an alarm nor a claim.
        if let Some(expected) = frame.checksum.filter(|&c| c != 0) {
            let computed = self.checksum();
            if computed != expected {
                return Err(self.fail(BookError::ChecksumMismatch { expected, computed }));
            }
            checksum_verified = true;
        }
        self.integrity = if checksum_verified {
            Integrity::Checksummed
        } else if frame.channel.is_full_replace() {
            Integrity::WholeBook
        } else if self.last_seq.is_some() {
            Integrity::Sequenced
        } else {
            Integrity::Unchecked
        };
        Ok(Applied {
            kind,
            checksum_verified,
            resynced,
        })
    }

    /// Applies the levels of a push; a snapshot's are loaded into the
    /// sides just cleared.
    fn replace_levels(
        &mut self,
        bids: Levels<'_>,
        asks: Levels<'_>,
        record: Option<&FrameRecord>,
        snapshot: bool,
    ) -> Result<(), BookError> {
        let sides = [
            (&mut self.bids, bids, record.map(|r| &r.bids)),
            (&mut self.asks, asks, record.map(|r| &r.asks)),
        ];
        for (book, levels, recorded) in sides {
            let mut levels = levels.parsed(recorded);
            let result = if snapshot {
                book.load(levels)
            } else {
                levels.try_for_each(|level| book.apply(&level))
            };
            if let Err(e) = result {
                self.state = Err(OutOfSyncReason::BadLevel);
                return Err(BookError::BadLevel(match e {
                    LevelError::BadPrice => "price out of range",
                    LevelError::BadSize => "size out of range",
                }));
            }
        }
        Ok(())
    }

    /// Records the reason the book is out of sync and hands the error back.
    fn fail(&mut self, err: BookError) -> BookError {
        let reason = match err {
            BookError::SequenceGap { expected, got } => {
                OutOfSyncReason::SequenceGap { expected, got }
            }
            BookError::ChecksumMismatch { expected, computed } => {
                OutOfSyncReason::ChecksumMismatch { expected, computed }
            }
            BookError::MissingSequence { expected } => {
                OutOfSyncReason::MissingSequence { expected }
            }
            _ => OutOfSyncReason::BadLevel,
        };
        self.state = Err(reason);
        self.integrity = Integrity::Unchecked;
        err
    }

    /// `Ok(())` while the book can be trusted, otherwise why not.
    pub fn sync_state(&self) -> Result<(), OutOfSyncReason> {
        self.state
    }

    /// `true` while the book can be trusted.
    pub fn is_synced(&self) -> bool {
        self.state.is_ok()
    }

    /// Marks the book out of sync, e.g. when the connection dropped.
    pub fn invalidate(&mut self, reason: OutOfSyncReason) {
        self.state = Err(reason);
        self.integrity = Integrity::Unchecked;
    }

    /// What the book's integrity rests on now (see [`Integrity`]).
    pub fn integrity(&self) -> Integrity {
        self.integrity
    }

    /// `true` only when the last push carried a non-zero checksum the book
    /// matched. In OKX's checksum-0 mode this stays `false` however sound
    /// the book is: the sequence chain is what vouches for it then.
    pub fn checksum_verified(&self) -> bool {
        self.integrity == Integrity::Checksummed
    }

    /// The last `seqId` applied.
    pub fn seq_id(&self) -> Option<i64> {
        self.last_seq
    }

    /// The `ts` of the last push applied, milliseconds since the Unix epoch.
    pub fn ts(&self) -> Option<u64> {
        self.ts
    }

    /// The OKX checksum of the current book (top 25 levels per side).
    pub fn checksum(&mut self) -> i32 {
        self.checksum.compute(&self.bids, &self.asks)
    }

    /// Number of levels on one side.
    pub fn depth(&self, side: Side) -> usize {
        self.side(side).len()
    }

    /// The best bid, if any.
    pub fn best_bid(&self) -> Option<LevelRef<'_>> {
        self.bids.nth(0)
    }

    /// The best ask, if any.
    pub fn best_ask(&self) -> Option<LevelRef<'_>> {
        self.asks.nth(0)
    }

    /// The `n`-th best level of a side (0 = best).
    pub fn level(&self, side: Side, n: usize) -> Option<LevelRef<'_>> {
        self.side(side).nth(n)
    }

    /// The levels of a side from best to worst.
    pub fn levels(
        &self,
        side: Side,
    ) -> impl DoubleEndedIterator<Item = LevelRef<'_>> + ExactSizeIterator {
        self.side(side).iter()
    }

    pub(crate) fn side(&self, side: Side) -> &SideBook {
        match side {
            Side::Bid => &self.bids,
            Side::Ask => &self.asks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_book_keeps_little_room_for_records() {
        let levels: Vec<String> = (0..400)
            .map(|i| format!(r#"["{}","1","0","1"]"#, 1000 + i))
            .collect();
        let frame = |action: &str, bids: &str| {
            format!(
                r#"{{"arg":{{"channel":"books","instId":"X"}},"action":"{action}","data":[{{"bids":[{bids}],"asks":[]}}]}}"#
            )
        };
        let mut book = OrderBook::new();
        book.apply_bytes(frame("snapshot", &levels.join(",")).as_bytes())
            .expect("snapshot");
        assert_eq!(book.depth(Side::Bid), 400);
        assert!(book.record.bids.levels.capacity() <= FrameRecord::KEEP);
        // Updates still go through the record, and keep their room.
        book.apply_bytes(
            frame("update", r#"["1000","0","0","0"],["5000","2","0","3"]"#).as_bytes(),
        )
        .expect("update");
        assert_eq!(book.depth(Side::Bid), 400);
        assert_eq!(book.best_bid().map(|l| (l.px, l.orders)), Some(("5000", 3)));
        assert!(book.record.bids.levels.capacity() >= 2);
    }
}
