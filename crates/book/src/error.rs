//! The errors of okx-book, in a module of their own so that the scanner,
//! the level readers, the frame parser and the engine can all name them
//! without depending on each other.

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

/// Why the book stopped trusting itself. It stays this way until a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutOfSyncReason {
    /// No snapshot has been applied yet.
    AwaitingSnapshot,
    /// An update's `prevSeqId` did not follow the last `seqId`.
    SequenceGap {
        /// The last `seqId` the book applied.
        expected: i64,
        /// The `prevSeqId` that arrived.
        got: i64,
    },
    /// The book after a push did not match the push's checksum.
    ChecksumMismatch {
        /// The checksum OKX sent.
        expected: i32,
        /// The checksum of the local book.
        computed: i32,
    },
    /// A level could not be applied, so the book is partly updated.
    BadLevel,
    /// An update without `prevSeqId` arrived for a book that is sequenced.
    MissingSequence {
        /// The last `seqId` the book applied.
        expected: i64,
    },
    /// A push for this book could not be read, so an update may be lost.
    Malformed,
    /// Nothing kept the book current for longer than its feed allows (OKX
    /// sends an idle book a heartbeat about every 60 s), so it may be stale.
    Stale,
}

impl std::fmt::Display for OutOfSyncReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::AwaitingSnapshot => f.write_str("no snapshot yet"),
            Self::SequenceGap { expected, got } => {
                write!(f, "sequence gap: expected prevSeqId {expected}, got {got}")
            }
            Self::ChecksumMismatch { expected, computed } => {
                write!(
                    f,
                    "checksum mismatch: expected {expected}, computed {computed}"
                )
            }
            Self::BadLevel => f.write_str("a level could not be applied"),
            Self::MissingSequence { expected } => {
                write!(f, "update without prevSeqId after seqId {expected}")
            }
            Self::Malformed => f.write_str("a push could not be read"),
            Self::Stale => f.write_str("no frame kept the book current"),
        }
    }
}

/// Why a push was not (fully) applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BookError {
    /// A message was lost: the book is now out of sync.
    #[error("sequence gap: expected prevSeqId {expected}, got {got}")]
    SequenceGap {
        /// The last `seqId` the book applied (`-1` for a snapshot).
        expected: i64,
        /// The `prevSeqId` that arrived.
        got: i64,
    },
    /// An update lacks `prevSeqId` although the book follows `seqId`s, so
    /// a lost message could not be noticed: the book is now out of sync.
    #[error("update without prevSeqId after seqId {expected}")]
    MissingSequence {
        /// The last `seqId` the book applied.
        expected: i64,
    },
    /// The local book disagrees with OKX: it is now out of sync.
    #[error("checksum mismatch: expected {expected}, computed {computed}")]
    ChecksumMismatch {
        /// The checksum OKX sent.
        expected: i32,
        /// The checksum of the local book.
        computed: i32,
    },
    /// The book is out of sync and refuses updates until a snapshot.
    #[error("book out of sync ({0}); waiting for a snapshot")]
    OutOfSync(OutOfSyncReason),
    /// A level's price or size is not a number the book can hold.
    #[error("bad level: {0}")]
    BadLevel(&'static str),
    /// The frame could not be read.
    #[error("parse: {0}")]
    Parse(#[from] ParseError),
}
