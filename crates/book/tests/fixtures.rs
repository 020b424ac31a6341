//! The engine against real recorded OKX book pushes.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::str::FromStr;

use okx_book::replay::{ReplayReport, replay};
use okx_book::{BookError, OrderBook, Side};
use rust_decimal::Decimal;
use serde_json::Value;

const SEQUENCES: [&str; 3] = [
    "books_sequence_BTC-USDT_2022.json",
    "books_sequence_BTC-USD-220527_2022.json",
    "books_sequence_UNI-USD-SWAP_2022.json",
];

/// The shared WS fixtures, or `None` (skip) when absent outside CI.
fn ws_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures/okx/ws"
    ));
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "fixtures missing at {}",
        dir.display()
    );
    eprintln!("skipping: fixtures not found at {}", dir.display());
    None
}

fn read(dir: &std::path::Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn frames(dir: &std::path::Path, name: &str) -> Vec<Value> {
    let value: Value = serde_json::from_slice(&read(dir, name)).expect("fixture is json");
    match value {
        Value::Array(items) => items,
        one => vec![one],
    }
}

fn to_array(frames: &[Value]) -> Vec<u8> {
    serde_json::to_vec(frames).expect("serialise")
}

type Model = BTreeMap<Decimal, (String, String)>;

/// An independent rebuild: serde_json values, Decimal keys, BTreeMaps.
fn rebuild(frames: &[Value]) -> (Model, Model) {
    let (mut bids, mut asks) = (Model::new(), Model::new());
    for frame in frames {
        let data = &frame["data"][0];
        if frame["action"] == "snapshot" {
            bids.clear();
            asks.clear();
        }
        for (side, book) in [("bids", &mut bids), ("asks", &mut asks)] {
            for level in data[side].as_array().expect("levels") {
                let px = level[0].as_str().expect("px");
                let sz = level[1].as_str().expect("sz");
                let key = Decimal::from_str(px).expect("price");
                if Decimal::from_str(sz).expect("size").is_zero() {
                    book.remove(&key);
                } else {
                    book.insert(key, (px.to_owned(), sz.to_owned()));
                }
            }
        }
    }
    (bids, asks)
}

fn side_text(book: &OrderBook, side: Side) -> Vec<(String, String)> {
    book.levels(side)
        .map(|l| (l.px.to_owned(), l.sz.to_owned()))
        .collect()
}

fn only_book(report: &ReplayReport) -> &okx_book::replay::BookStats {
    assert_eq!(report.books.len(), 1, "one instrument expected");
    report.books.values().next().expect("one book")
}

#[test]
fn recorded_sequences_verify_every_checksum_and_match_a_rebuild() {
    let Some(dir) = ws_dir() else { return };
    let mut verified = 0;
    for name in SEQUENCES {
        let input = read(&dir, name);
        let report = replay(&input).expect("array splits");
        let stats = only_book(&report);
        assert_eq!(stats.applied, report.messages, "{name}");
        assert_eq!(stats.checksum_mismatches, 0, "{name}");
        assert!(stats.out_of_sync_at.is_empty(), "{name}");
        assert!(report.malformed.is_empty(), "{name}");
        verified += stats.checksums_verified;

        let (bids, asks) = rebuild(&frames(&dir, name));
        let want_bids: Vec<_> = bids.into_values().rev().collect();
        let want_asks: Vec<_> = asks.into_values().collect();
        assert_eq!(side_text(&stats.book, Side::Bid), want_bids, "{name}");
        assert_eq!(side_text(&stats.book, Side::Ask), want_asks, "{name}");
    }
    assert_eq!(verified, 290);
}

/// The same recordings through `apply_bytes` (levels recorded during the
/// parse and applied from the record), through a `BookSet`, and through a
/// `FrameReader` as the WebSocket client feeds them.
#[test]
fn recorded_sequences_verify_every_checksum_through_apply_bytes() {
    let Some(dir) = ws_dir() else { return };
    let (mut verified, mut verified_in_set, mut verified_read) = (0, 0, 0);
    for name in SEQUENCES {
        let frames = frames(&dir, name);
        let mut book = OrderBook::new();
        let mut set = okx_book::BookSet::new();
        let (mut reader, mut read_book) = (okx_book::FrameReader::new(), OrderBook::new());
        for (i, frame) in frames.iter().enumerate() {
            let bytes = serde_json::to_vec(frame).expect("serialise");
            let applied = book.apply_bytes(&bytes);
            let applied = applied.unwrap_or_else(|e| panic!("{name} #{i}: {e}"));
            verified += usize::from(applied.checksum_verified);
            let (_, applied) = set.apply_bytes(&bytes).expect("a book frame");
            let applied = applied.unwrap_or_else(|e| panic!("{name} #{i} in a set: {e}"));
            verified_in_set += usize::from(applied.checksum_verified);
            let parsed = reader.parse(&bytes).expect("a book frame");
            let applied = read_book.apply_parsed(&parsed);
            let applied = applied.unwrap_or_else(|e| panic!("{name} #{i} read: {e}"));
            verified_read += usize::from(applied.checksum_verified);
        }
        assert_eq!(
            side_text(&read_book, Side::Ask),
            side_text(&book, Side::Ask)
        );
        assert_eq!(
            side_text(&read_book, Side::Bid),
            side_text(&book, Side::Bid)
        );
        let (bids, asks) = rebuild(&frames);
        let want_bids: Vec<_> = bids.into_values().rev().collect();
        let want_asks: Vec<_> = asks.into_values().collect();
        assert_eq!(side_text(&book, Side::Bid), want_bids, "{name}");
        assert_eq!(side_text(&book, Side::Ask), want_asks, "{name}");
        let (_, in_set) = set.iter().next().expect("one instrument");
        assert_eq!(side_text(in_set, Side::Bid), want_bids, "{name}");
    }
    assert_eq!((verified, verified_in_set, verified_read), (290, 290, 290));
}

#[test]
fn a_corrupted_size_is_caught_at_its_message() {
    let Some(dir) = ws_dir() else { return };
    let original = frames(&dir, SEQUENCES[0]);
    let mut tried = 0;
    for k in 1..original.len() {
        // Corrupt a bid this update leaves in the top 25, where the
        // checksum can see it; deeper levels are invisible to OKX too.
        let (bids, _) = rebuild(&original[..=k]);
        let top: Vec<String> = bids
            .into_values()
            .rev()
            .take(25)
            .map(|(px, _)| px)
            .collect();
        let mut frames = original.clone();
        let levels = frames[k]["data"][0]["bids"].as_array_mut().expect("bids");
        let Some(level) = levels
            .iter_mut()
            .find(|l| l[1] != "0" && top.iter().any(|px| l[0] == px.as_str()))
        else {
            continue;
        };
        let sz = level[1].as_str().expect("sz").to_owned();
        level[1] = Value::String(format!("{sz}1"));
        let report = replay(&to_array(&frames)).expect("array");
        let stats = only_book(&report);
        assert_eq!(stats.out_of_sync_at, vec![k], "corrupted message {k}");
        assert_eq!(stats.checksum_mismatches, 1);
        // Everything after the fault is refused rather than applied.
        assert_eq!(stats.refused, frames.len() - k - 1);
        // The same through apply_bytes (levels applied from the record).
        let mut book = OrderBook::new();
        for (i, frame) in frames.iter().enumerate() {
            let bytes = serde_json::to_vec(frame).expect("serialise");
            let applied = book.apply_bytes(&bytes);
            match i.cmp(&k) {
                std::cmp::Ordering::Less => assert!(applied.is_ok(), "message {i}"),
                std::cmp::Ordering::Equal => assert!(
                    matches!(applied, Err(BookError::ChecksumMismatch { .. })),
                    "corrupted message {k}: {applied:?}"
                ),
                std::cmp::Ordering::Greater => {
                    assert!(
                        matches!(applied, Err(BookError::OutOfSync(_))),
                        "message {i}"
                    )
                }
            }
        }
        tried += 1;
    }
    assert!(tried > 50, "only {tried} updates had a bid to corrupt");
}

#[test]
fn a_dropped_update_is_caught_at_the_next_message() {
    let Some(dir) = ws_dir() else { return };
    let original = frames(&dir, SEQUENCES[0]);
    for k in 1..original.len() - 1 {
        let mut frames = original.clone();
        frames.remove(k);
        let report = replay(&to_array(&frames)).expect("array");
        let stats = only_book(&report);
        assert_eq!(stats.out_of_sync_at, vec![k], "dropped message {k}");
    }
}

/// The recordings predate seqId; give them a chain and drop one link.
#[test]
fn a_dropped_update_is_a_sequence_gap_when_seq_ids_exist() {
    let Some(dir) = ws_dir() else { return };
    let mut frames = frames(&dir, SEQUENCES[1]);
    for (i, frame) in frames.iter_mut().enumerate() {
        let data = &mut frame["data"][0];
        data["prevSeqId"] = Value::from(if i == 0 { -1 } else { 100 + i as i64 - 1 });
        data["seqId"] = Value::from(100 + i as i64);
        // A gap must be found by sequence alone, not by checksum.
        data["checksum"] = Value::from(0);
    }
    frames.remove(40);
    let report = replay(&to_array(&frames)).expect("array");
    let stats = only_book(&report);
    assert_eq!(stats.seq_gaps, 1);
    assert_eq!(stats.out_of_sync_at, vec![40]);
    assert_eq!(stats.applied, 40);
    assert_eq!(stats.checksums_verified, 0);

    let mut book = OrderBook::new();
    for frame in &frames[..40] {
        book.apply_bytes(&serde_json::to_vec(frame).expect("json"))
            .expect("in order");
    }
    let gap = book.apply_bytes(&serde_json::to_vec(&frames[40]).expect("json"));
    assert_eq!(
        gap,
        Err(BookError::SequenceGap {
            expected: 139,
            got: 140
        })
    );
}

#[test]
fn other_book_fixtures() {
    let Some(dir) = ws_dir() else { return };
    for name in [
        "books_snapshot_0.07_gocryptotrader_verified.json",
        "books_snapshot_option_seqid_verified_unattributed.json",
    ] {
        let report = replay(&read(&dir, name)).expect("input");
        let stats = only_book(&report);
        assert_eq!((stats.applied, stats.checksums_verified), (1, 1), "{name}");
    }

    // The docs example's checksum does not match its own levels.
    let report = replay(&read(&dir, "books_snapshot_docs_example_BAD_CHECKSUM.json"))
        .expect("pretty-printed single frame");
    let stats = &report.books["BTC-USDT"];
    assert_eq!(stats.checksum_mismatches, 1);
    assert_eq!(stats.out_of_sync_at, vec![0]);
    let err = OrderBook::new()
        .apply_bytes(&read(&dir, "books_snapshot_docs_example_BAD_CHECKSUM.json"))
        .unwrap_err();
    assert_eq!(
        err,
        BookError::ChecksumMismatch {
            expected: -855196043,
            computed: -2102840145
        }
    );

    // Updates with no snapshot before them cannot be trusted.
    let report = replay(&read(
        &dir,
        "books_updates_seqid_chain_SOL-USDT_unattributed.json",
    ))
    .expect("array");
    let stats = &report.books["SOL-USDT"];
    assert_eq!((stats.applied, stats.refused), (0, 4));
    assert_eq!(stats.out_of_sync_at, vec![0]);

    let report = replay(&read(&dir, "books5_gocryptotrader.json")).expect("frame");
    let book = &report.books["OKB-USDT"].book;
    assert_eq!(book.best_bid().map(|l| l.px), Some("0.0000007464"));
    assert_eq!(
        book.best_ask().map(|l| (l.px, l.sz)),
        Some(("0.0000007465", "2290075956"))
    );
    assert_eq!(book.seq_id(), Some(4826378794));

    let report = replay(&read(&dir, "okj_v5_frames_trimmed_unattributed.json")).expect("array");
    assert_eq!((report.messages, report.ignored), (5, 4));
    let bbo = &report.books["BTC-JPY"];
    assert_eq!(bbo.applied, 1);
    assert_eq!(bbo.book.best_bid().map(|l| l.px), Some("13615496"));
}

#[test]
fn a_snapshot_brings_a_broken_book_back() {
    let Some(dir) = ws_dir() else { return };
    let compact = |name| serde_json::to_string(&frames(&dir, name)[0]).expect("json");
    let lines = [
        compact("books_snapshot_docs_example_BAD_CHECKSUM.json"),
        r#"{"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"bids":[],"asks":[],"checksum":0}]}"#.to_owned(),
        "this line is broken".to_owned(),
        String::new(),
        compact("books_snapshot_0.07_gocryptotrader_verified.json"),
    ]
    .join("\n");
    let report = replay(lines.as_bytes()).expect("lines");
    let stats = &report.books["BTC-USDT"];
    assert_eq!(report.messages, 4);
    assert_eq!(report.malformed.len(), 1);
    assert_eq!(report.malformed[0].index, 2);
    assert_eq!(stats.out_of_sync_at, vec![0]);
    assert_eq!(stats.refused, 1);
    assert_eq!(stats.resyncs, 1);
    assert!(stats.book.is_synced());
    assert_eq!(stats.book.best_ask().map(|l| l.px), Some("0.07026"));
}
