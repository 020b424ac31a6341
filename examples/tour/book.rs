//! Tour part: the local order book.
//!
//! Replays a real recording (OKX `books`, BTC-USDT, 2022) through the engine,
//! then corrupts one level of one update to show that the checksum catches
//! it at that very message, and that the next snapshot brings the book back.
//! Without the shared fixtures it uses a small inline snapshot and update.

use okx::book::replay::replay;
use okx::book::{BookError, OrderBook, Side};
use serde_json::Value;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/fixtures/okx/ws/books_sequence_BTC-USDT_2022.json"
);

/// SPEC §7.4's worked example as a snapshot and one update.
const INLINE: &str = r#"[
 {"arg":{"channel":"books","instId":"BTC-USDT"},"action":"snapshot","data":[{"asks":[["3366.8","9","0","1"],["3368","8","0","1"]],"bids":[["3366.1","7","0","1"],["3366","6","0","1"]],"ts":"1","checksum":-1881014294}]},
 {"arg":{"channel":"books","instId":"BTC-USDT"},"action":"update","data":[{"asks":[["3372","8","0","1"]],"bids":[["3366","0","0","0"]],"ts":"2","checksum":831078360}]}
]"#;

/// Replays a recording, then shows a corrupted level being caught.
pub fn run() -> crate::TourResult {
    let (source, input) = match std::fs::read_to_string(FIXTURE) {
        Ok(text) => ("books_sequence_BTC-USDT_2022.json", text),
        Err(_) => (
            "an inline snapshot + update (fixtures not found)",
            INLINE.to_owned(),
        ),
    };
    let report = replay(input.as_bytes())?;
    println!("replayed {} messages from {source}", report.messages);
    for (inst_id, stats) in &report.books {
        println!(
            "  {inst_id}: applied {}, checksums verified {}, mismatches {}, seq gaps {}",
            stats.applied, stats.checksums_verified, stats.checksum_mismatches, stats.seq_gaps
        );
        let book = &stats.book;
        for (bid, ask) in book.levels(Side::Bid).zip(book.levels(Side::Ask)).take(3) {
            println!(
                "    bid {:>10} x {:<12} ask {:>10} x {}",
                bid.px, bid.sz, ask.px, ask.sz
            );
        }
        if let (Some(spread), Some(mid)) = (book.spread(), book.mid()) {
            println!("    spread {spread}, mid {mid}");
        }
    }

    // Corrupt the size of the first non-deleting level of the first update.
    let frames: Vec<Value> = serde_json::from_str(&input)?;
    let (snapshot, mut update) = match frames.as_slice() {
        [snapshot, update, ..] => (snapshot.clone(), update.clone()),
        _ => return Err("need a snapshot and an update".into()),
    };
    let data = &mut update["data"][0];
    let level = ["bids", "asks"]
        .into_iter()
        .filter_map(|side| data[side].as_array())
        .flatten()
        .position(|l| l[1] != "0")
        .ok_or("update deletes only")?;
    let bids = data["bids"].as_array().map_or(0, Vec::len);
    let (side, i) = if level < bids {
        ("bids", level)
    } else {
        ("asks", level - bids)
    };
    let sz = data[side][i][1].as_str().unwrap_or("0").to_owned();
    data[side][i][1] = Value::String(format!("{sz}1"));
    println!("corrupting {side}[{i}] size {sz:?} -> \"{sz}1\" in message 1");

    let mut book = OrderBook::new();
    book.apply_bytes(serde_json::to_string(&snapshot)?.as_bytes())?;
    match book.apply_bytes(serde_json::to_string(&update)?.as_bytes()) {
        Err(e @ BookError::ChecksumMismatch { .. }) => println!("  caught at message 1: {e}"),
        other => return Err(format!("corruption not caught: {other:?}").into()),
    }
    let refused = book.apply_bytes(serde_json::to_string(&frames[1])?.as_bytes());
    println!(
        "  next update: {}",
        refused.err().map_or("applied?".into(), |e| e.to_string())
    );
    let applied = book.apply_bytes(serde_json::to_string(&snapshot)?.as_bytes())?;
    println!(
        "  a new snapshot: resynced = {}, in sync = {}",
        applied.resynced,
        book.is_synced()
    );
    Ok(())
}
