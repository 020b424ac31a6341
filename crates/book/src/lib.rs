//! # okx-book: a local OKX order book you can trust
//!
//! Keeps the order book of the OKX V5 WebSocket book channels (`books`,
//! `books-l2-tbt`, `books50-l2-tbt` as snapshot + deltas; `books5` and
//! `bbo-tbt` as whole-book pushes) and checks it the way OKX specifies:
//!
//! * **sequence**: a snapshot has `prevSeqId = -1`; every update's
//!   `prevSeqId` must equal the last `seqId` (this admits idle heartbeats and
//!   sequence resets). Old recordings without sequence numbers are checked
//!   by checksum only.
//! * **checksum**: CRC-32 over the best 25 bids and asks, interleaved, using
//!   the exact text received (`"0.10"` is not `"0.1"`). `checksum: 0` means
//!   "not provided": OKX sends 0 on every push since 2026-06-23, and the
//!   book then neither alarms nor claims a match; [`OrderBook::integrity`]
//!   says whether it rests on a checksum or on the sequence alone.
//! * **REST start**: when a subscription brings no snapshot,
//!   [`OrderBook::apply_rest_snapshot`] starts the book from `GET
//!   /api/v5/market/books` and the updates buffered meanwhile stitch onto
//!   it by `seqId`.
//!
//! A gap or a mismatch marks the book out of sync with the reason, and the
//! book refuses updates ([`BookError::OutOfSync`]) until a new snapshot:
//! the caller resubscribes. Frames are read straight from their bytes by a
//! small scanner ([`BookFrame::parse`]) without a JSON tree and without an
//! allocation per level; prices are ordered by a fixed-point integer parsed
//! once, while their text is kept for the checksum. [`OrderBook::apply_bytes`]
//! and [`BookSet::apply_bytes`] read each level only once: what the parse
//! reads is kept in a reused buffer and applied from there; a caller that
//! looks at a frame before applying it does the same with a
//! [`FrameReader`]. A snapshot, whose levels OKX sends best first, is
//! loaded in one pass.
//!
//! [`replay`] runs recorded frames (JSON Lines or a JSON array) through the
//! engine and reports what it found; the `okx replay book` command uses it.
//!
//! This crate does no I/O and has no async runtime: the WebSocket client
//! (`okx-ws`) feeds it. It is not a matching engine or a market-data store.
//!
//! ```
//! use okx_book::{BookError, BookFrame, OrderBook, Side};
//!
//! let snapshot = br#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot",
//!   "data":[{"asks":[["3366.8","9","0","1"],["3368","8","0","1"]],
//!            "bids":[["3366.1","7","0","1"],["3366","6","0","1"]],
//!            "ts":"1597026383085","checksum":-1881014294,"seqId":10,"prevSeqId":-1}]}"#;
//! let mut book = OrderBook::new();
//! let frame = BookFrame::parse(snapshot)?;
//! assert_eq!(frame.inst_id, "BTC-USDT");
//! let applied = book.apply(&frame)?;
//! assert!(applied.checksum_verified);
//! assert_eq!(book.best_bid().map(|l| l.px), Some("3366.1"));
//! assert_eq!(book.spread().map(|d| d.to_string()), Some("0.7".to_owned()));
//!
//! // seqId 11 was lost: the book says so and waits for a snapshot.
//! let update = br#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update",
//!   "data":[{"asks":[],"bids":[["3366","0","0","0"]],"ts":"1","checksum":0,
//!            "seqId":13,"prevSeqId":11}]}"#;
//! let err = book.apply_bytes(update).unwrap_err();
//! assert_eq!(err, BookError::SequenceGap { expected: 10, got: 11 });
//! assert!(!book.is_synced());
//! assert_eq!(book.depth(Side::Bid), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod book;
mod checksum;
mod error;
mod frame;
mod level;
mod levels;
mod num;
mod read;
mod reader;
mod record;
pub mod replay;
mod scan;
mod set;
mod side;

pub use book::{Applied, AppliedKind, Integrity, OrderBook};
pub use checksum::{CHECKSUM_DEPTH, checksum_levels, checksum_of};
pub use error::{BookError, OutOfSyncReason, ParseError};
pub use frame::{Action, BookFrame, Channel, peek_arg};
pub use levels::{LevelIter, Levels, RawLevel};
pub use read::{Fill, Level, TopOfBook};
pub use reader::{FrameReader, ParsedFrame};
pub use set::BookSet;
pub use side::{LevelRef, Side};

// Books and errors move between threads (a book per task, errors up the
// stack): checked when the crate compiles.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<OrderBook>();
    send_sync::<BookSet>();
    send_sync::<BookError>();
    send_sync::<ParseError>();
    send_sync::<replay::ReplayReport>();
};
