//! Property tests: the engine against a plain `BTreeMap` model, and the
//! scanner against arbitrary bytes.

use std::collections::BTreeMap;

use okx_book::{BookFrame, FrameReader, OrderBook, Side};
use proptest::prelude::*;

/// A level as generated: price tick, how to spell the price, size text.
#[derive(Debug, Clone)]
struct GenLevel {
    tick: u32,
    padded: bool,
    sz: String,
}

#[derive(Debug, Clone)]
struct Msg {
    snapshot: bool,
    bids: Vec<GenLevel>,
    asks: Vec<GenLevel>,
    /// 0: omit the checksum, 1: send 0 ("not provided"), 2: send the real one.
    checksum_mode: u8,
    asks_first: bool,
    /// Levels without whitespace (as OKX sends them) or with spaces.
    compact: bool,
    /// Apply with `parse` + `apply` (0), `apply_bytes` (1, levels read
    /// once) or a `FrameReader` and `apply_parsed` (2, read once too).
    via: u8,
}

/// Prices 50.00 to 70.00 in steps of 0.25, spelled two ways.
fn px_text(tick: u32, padded: bool) -> String {
    let cents = 5000 + tick * 25;
    let (int, frac) = (cents / 100, cents % 100);
    match (frac, padded) {
        (0, false) => format!("{int}"),
        (0, true) => format!("{int}.0"),
        (f, false) if f % 10 == 0 => format!("{int}.{}", f / 10),
        (f, _) => format!("{int}.{f:02}"),
    }
}

fn size() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => Just("0".to_owned()),
        1 => prop_oneof![Just("0.0".to_owned()), Just("0.000".to_owned())],
        6 => (1u32..5000, 0usize..4).prop_map(|(n, zeros)| {
            format!("{}.{:03}{}", n / 1000, n % 1000, "0".repeat(zeros))
        }),
        2 => (1u32..100).prop_map(|n| n.to_string()),
    ]
}

fn level() -> impl Strategy<Value = GenLevel> {
    (0u32..80, any::<bool>(), size()).prop_map(|(tick, padded, sz)| GenLevel { tick, padded, sz })
}

fn msg(snapshot: bool) -> impl Strategy<Value = Msg> {
    (
        prop::collection::vec(level(), 0..40),
        prop::collection::vec(level(), 0..40),
        0u8..3,
        any::<bool>(),
        any::<bool>(),
        0u8..3,
    )
        .prop_map(
            move |(bids, asks, checksum_mode, asks_first, compact, via)| Msg {
                snapshot,
                bids,
                asks,
                checksum_mode,
                asks_first,
                compact,
                via,
            },
        )
}

/// A snapshot's levels in one of the orders the engine must take: as OKX
/// sends them (best first, each price once, no zero size), the same with
/// one level out of place (a delete, a repeated price or a price out of
/// order) at any position, or in any order.
fn snapshot_order(m: &mut Msg, shape: u8, at: usize, stray: &GenLevel) {
    if shape == 0 {
        return;
    }
    for (levels, best_first_desc) in [(&mut m.bids, true), (&mut m.asks, false)] {
        levels.retain(|l| !l.sz.bytes().all(|b| b == b'0' || b == b'.'));
        levels.sort_by_key(|l| l.tick);
        levels.dedup_by_key(|l| l.tick);
        if best_first_desc {
            levels.reverse();
        }
        if shape == 3 {
            let at = at % (levels.len() + 1);
            levels.insert(at, stray.clone());
        }
    }
}

fn stream() -> impl Strategy<Value = Vec<Msg>> {
    (
        msg(true),
        prop::collection::vec(
            (any::<u8>(), msg(false), 0u8..4, any::<usize>(), level()),
            0..30,
        ),
        0u8..4,
        any::<usize>(),
        level(),
    )
        .prop_map(|(mut first, rest, shape, at, stray)| {
            snapshot_order(&mut first, shape, at, &stray);
            let mut out = vec![first];
            for (roll, mut m, shape, at, stray) in rest {
                // Now and then a fresh snapshot replaces the book.
                m.snapshot = roll < 20;
                if m.snapshot {
                    snapshot_order(&mut m, shape, at, &stray);
                }
                out.push(m);
            }
            out
        })
}

type Model = BTreeMap<u32, (String, String)>;

fn apply_model(book: &mut Model, levels: &[GenLevel]) {
    for l in levels {
        if l.sz.bytes().all(|b| b == b'0' || b == b'.') {
            book.remove(&l.tick);
        } else {
            book.insert(l.tick, (px_text(l.tick, l.padded), l.sz.clone()));
        }
    }
}

fn model_checksum(bids: &Model, asks: &Model) -> i32 {
    let bids: Vec<_> = bids.values().rev().take(25).collect();
    let asks: Vec<_> = asks.values().take(25).collect();
    let mut parts = Vec::new();
    for i in 0..25 {
        for side in [&bids, &asks] {
            if let Some((px, sz)) = side.get(i) {
                parts.push(px.as_str());
                parts.push(sz.as_str());
            }
        }
    }
    crc32fast::hash(parts.join(":").as_bytes()) as i32
}

fn levels_json(levels: &[GenLevel], compact: bool) -> String {
    let items: Vec<String> = levels
        .iter()
        .map(|l| {
            let (px, orders) = (px_text(l.tick, l.padded), l.tick % 7);
            if compact {
                format!(r#"["{px}","{}","0","{orders}"]"#, l.sz)
            } else {
                format!(r#"["{px}", "{}","0","{orders}"]"#, l.sz)
            }
        })
        .collect();
    format!("[{}]", items.join(","))
}

fn frame_json(m: &Msg, checksum: i32) -> String {
    let action = if m.snapshot { "snapshot" } else { "update" };
    let (bids, asks) = (
        levels_json(&m.bids, m.compact),
        levels_json(&m.asks, m.compact),
    );
    let sides = if m.asks_first {
        format!(r#""asks":{asks}, "bids" : {bids}"#)
    } else {
        format!(r#""bids":{bids},"asks":{asks}"#)
    };
    let checksum = match m.checksum_mode {
        0 => String::new(),
        1 => r#","checksum":0"#.to_owned(),
        _ => format!(r#","checksum":{checksum}"#),
    };
    format!(
        r#"{{"data":[{{{sides},"ts":"1700000000000","extra":{{"x":[1,2]}}{checksum}}}],
        "arg":{{"instId":"TEST-USDT","channel":"books"}},"action":"{action}"}}"#
    )
}

fn book_text(book: &OrderBook, side: Side) -> Vec<(String, String)> {
    book.levels(side)
        .map(|l| (l.px.to_owned(), l.sz.to_owned()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn engine_matches_a_btreemap_model(stream in stream()) {
        let mut book = OrderBook::new();
        let mut reader = FrameReader::new();
        let (mut bids, mut asks) = (Model::new(), Model::new());
        for m in &stream {
            if m.snapshot {
                bids.clear();
                asks.clear();
            }
            apply_model(&mut bids, &m.bids);
            apply_model(&mut asks, &m.asks);
            let want = model_checksum(&bids, &asks);
            let text = frame_json(m, want);
            let applied = match m.via {
                0 => BookFrame::parse(text.as_bytes())
                    .map_err(okx_book::BookError::from)
                    .and_then(|frame| book.apply(&frame)),
                1 => book.apply_bytes(text.as_bytes()),
                _ => reader
                    .parse(text.as_bytes())
                    .map_err(okx_book::BookError::from)
                    .and_then(|parsed| book.apply_parsed(&parsed)),
            };
            prop_assert!(applied.is_ok(), "{applied:?}");
            let applied = applied.expect("checked above");
            // An empty book hashes to 0, which reads as "not provided".
            prop_assert_eq!(applied.checksum_verified, m.checksum_mode == 2 && want != 0);
            let want_bids: Vec<_> = bids.values().rev().cloned().collect();
            let want_asks: Vec<_> = asks.values().cloned().collect();
            prop_assert_eq!(book_text(&book, Side::Bid), want_bids);
            prop_assert_eq!(book_text(&book, Side::Ask), want_asks);
            prop_assert_eq!(book.checksum(), want);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = BookFrame::parse(&bytes);
        let _ = okx_book::replay::replay(&bytes);
    }

    #[test]
    fn mutated_frames_never_panic(
        m in msg(true),
        cuts in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
    ) {
        let original = frame_json(&m, 0).into_bytes();
        // Truncations exercise every "unexpected end" path.
        for end in 0..original.len() {
            prop_assert!(BookFrame::parse(&original[..end]).is_err());
        }
        let mut bytes = original;
        for (at, byte) in cuts {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let mut book = OrderBook::new();
        let _ = book.apply_bytes(&bytes);
        let _ = okx_book::replay::replay(&bytes);
    }
}
