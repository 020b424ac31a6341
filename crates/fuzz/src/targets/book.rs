//! `book`: JSON Lines of book pushes through the okx-book scanner and
//! engine. Checked on every line:
//!
//! - the scanner accepts nothing serde_json refuses, and what it reads
//!   (channel, instId, action, sequence numbers, checksum, ts, every level's
//!   text) is what serde_json reads;
//! - `apply_bytes` (levels read once) and `parse` + `apply` agree, result
//!   and book alike;
//! - while the engine says it is in sync, its levels are those of a plain
//!   `BTreeMap<Decimal, _>` model fed the same pushes through serde_json,
//!   and a checksum it verified is the model's checksum.

use std::collections::BTreeMap;

use okx_book::{BookError, BookFrame, OrderBook, Side};
use okx_models::num::parse_decimal;
use rust_decimal::Decimal;
use serde_json::Value;

use super::ensure;
use crate::corpus;

/// Book frames; the recorded sequences also as windows of a snapshot and
/// the updates after it, so mutations reach the engine's update path.
pub fn seeds() -> Vec<Vec<u8>> {
    let frames = corpus::ws_frames(|name| name.starts_with("books") || name.starts_with("bbo"));
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    for (i, frame) in frames.iter().enumerate() {
        seeds.push(frame.clone());
        let is_snapshot = frame.windows(10).any(|w| w == b"\"snapshot\"");
        if is_snapshot {
            let window: Vec<&[u8]> = frames[i..]
                .iter()
                .take(6)
                .filter(|f| !f.contains(&b'\n'))
                .map(Vec::as_slice)
                .collect();
            seeds.push(window.join(&b'\n'));
        }
    }
    seeds
}

/// One side of the model: price → (price text, size text, orders).
type ModelSide = BTreeMap<Decimal, (String, String, u32)>;

#[derive(Default)]
struct Model {
    bids: ModelSide,
    asks: ModelSide,
}

fn str_of(v: &Value) -> Option<&str> {
    v.as_str()
}

/// A level as serde_json reads it: px, sz, and orders (element 3, else 0).
fn level_of(v: &Value) -> Option<(String, String, u32)> {
    let items = v.as_array()?;
    let orders = match items.get(3) {
        Some(o) => str_of(o)?.parse().ok()?,
        None => 0,
    };
    Some((
        str_of(items.first()?)?.to_owned(),
        str_of(items.get(1)?)?.to_owned(),
        orders,
    ))
}

fn levels_of(data: &Value, side: &str) -> Result<Vec<(String, String, u32)>, String> {
    match data.get(side) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|l| level_of(l).ok_or_else(|| format!("{side}: level {l} unread by serde path")))
            .collect(),
        Some(other) => Err(format!("{side} is {other} for serde_json")),
    }
}

/// What the scanner read must be what serde_json reads.
fn same_as_serde(frame: &BookFrame<'_>, v: &Value) -> Result<(), String> {
    let arg = &v["arg"];
    ensure(
        arg["channel"].as_str() == Some(frame.channel.name()),
        || format!("channel {:?} vs serde {}", frame.channel, arg["channel"]),
    )?;
    ensure(arg["instId"].as_str() == Some(frame.inst_id), || {
        format!("instId {:?} vs serde {}", frame.inst_id, arg["instId"])
    })?;
    let data = v["data"]
        .as_array()
        .filter(|d| d.len() == 1)
        .map(|d| &d[0])
        .ok_or("the scanner took data that is not one element")?;
    // serde_json reads `-0` as a float; it is the integer 0 all the same
    let int = |key: &str| {
        data.get(key).and_then(|v| {
            v.as_i64()
                .or_else(|| (v.as_f64() == Some(0.0)).then_some(0))
        })
    };
    ensure(int("seqId") == frame.seq_id, || {
        format!("seqId {:?} vs {:?}", frame.seq_id, int("seqId"))
    })?;
    ensure(int("prevSeqId") == frame.prev_seq_id, || {
        format!(
            "prevSeqId {:?} vs {:?}",
            frame.prev_seq_id,
            int("prevSeqId")
        )
    })?;
    let checksum = int("checksum").and_then(|c| i32::try_from(c).ok());
    ensure(checksum == frame.checksum, || {
        format!("checksum {:?} vs {checksum:?}", frame.checksum)
    })?;
    let ts = match data.get("ts") {
        None => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => s.parse::<u64>().ok(),
        Some(other) => other.as_u64(),
    };
    ensure(ts == frame.ts, || format!("ts {:?} vs {ts:?}", frame.ts))?;
    for (side, levels) in [("bids", &frame.bids), ("asks", &frame.asks)] {
        let want = levels_of(data, side)?;
        let got: Vec<(String, String, u32)> = levels
            .iter()
            .map(|l| (l.px.to_owned(), l.sz.to_owned(), l.orders))
            .collect();
        ensure(got == want, || {
            format!("{side}: scanner {got:?} vs serde {want:?}")
        })?;
    }
    Ok(())
}

impl Model {
    /// Applies a push the engine accepted, read through serde_json.
    fn apply(&mut self, frame: &BookFrame<'_>, v: &Value) -> Result<(), String> {
        let data = &v["data"][0];
        if frame.action == okx_book::Action::Snapshot || frame.channel.is_full_replace() {
            self.bids.clear();
            self.asks.clear();
        }
        for (side, book) in [("bids", &mut self.bids), ("asks", &mut self.asks)] {
            for (px, sz, orders) in levels_of(data, side)? {
                let price = parse_decimal(&px).ok_or_else(|| format!("model price {px}"))?;
                let size = parse_decimal(&sz).ok_or_else(|| format!("model size {sz}"))?;
                if size.is_zero() {
                    book.remove(&price);
                } else {
                    book.insert(price, (px, sz, orders));
                }
            }
        }
        Ok(())
    }

    fn side(&self, side: Side) -> Vec<&(String, String, u32)> {
        match side {
            Side::Bid => self.bids.values().rev().collect(),
            Side::Ask => self.asks.values().collect(),
        }
    }

    /// OKX's checksum of the model, built here from the text.
    fn checksum(&self) -> i32 {
        let (bids, asks) = (self.side(Side::Bid), self.side(Side::Ask));
        let mut parts: Vec<&str> = Vec::new();
        for i in 0..25 {
            for level in [bids.get(i), asks.get(i)].into_iter().flatten() {
                parts.push(&level.0);
                parts.push(&level.1);
            }
        }
        crc32fast::hash(parts.join(":").as_bytes()) as i32
    }
}

fn same_books(a: &OrderBook, b: &OrderBook) -> bool {
    a.sync_state() == b.sync_state()
        && a.seq_id() == b.seq_id()
        && [Side::Bid, Side::Ask]
            .into_iter()
            .all(|s| a.levels(s).eq(b.levels(s)))
}

fn same_as_model(book: &OrderBook, model: &Model) -> Result<(), String> {
    for side in [Side::Bid, Side::Ask] {
        let got: Vec<(&str, &str, u32)> =
            book.levels(side).map(|l| (l.px, l.sz, l.orders)).collect();
        let want: Vec<(&str, &str, u32)> = model
            .side(side)
            .into_iter()
            .map(|(p, s, o)| (p.as_str(), s.as_str(), *o))
            .collect();
        ensure(got == want, || {
            format!("{side:?}: engine {got:?} vs model {want:?}")
        })?;
    }
    Ok(())
}

/// Runs every line of `input` through both engine paths and the model.
pub fn check(input: &[u8]) -> Result<(), String> {
    let mut once = OrderBook::new();
    let mut twice = OrderBook::new();
    let mut model = Model::default();
    // The model tracks the book only from a snapshot the engine took on.
    let mut model_valid = false;
    for (n, line) in input.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let at = |e: String| format!("line {n}: {e}");
        let parsed = BookFrame::parse(line);
        let json = serde_json::from_slice::<Value>(line);
        if let Ok(frame) = &parsed {
            match &json {
                Ok(v) => same_as_serde(frame, v).map_err(at)?,
                // JSON's grammar has no range; serde_json refuses a number
                // past f64's, which the scanner only skips.
                Err(e) if e.to_string().starts_with("number out of range") => {}
                Err(e) => {
                    return Err(at(format!(
                        "the scanner accepted what serde_json refuses: {e}"
                    )));
                }
            }
        }
        let json = json.ok();
        let by_bytes = once.apply_bytes(line);
        let by_frame = match &parsed {
            Ok(frame) => twice.apply(frame),
            Err(e) => Err(BookError::Parse(e.clone())),
        };
        ensure(by_bytes == by_frame, || {
            at(format!("apply_bytes {by_bytes:?} vs apply {by_frame:?}"))
        })?;
        ensure(same_books(&once, &twice), || {
            at("apply_bytes and apply built different books".into())
        })?;
        match (by_bytes, &parsed, &json) {
            (Ok(applied), Ok(frame), Some(v)) => {
                if frame.action == okx_book::Action::Snapshot {
                    model_valid = true;
                }
                if model_valid {
                    model.apply(frame, v).map_err(at)?;
                }
                if model_valid && once.is_synced() {
                    same_as_model(&once, &model).map_err(at)?;
                    if applied.checksum_verified {
                        let want = frame.checksum.unwrap_or_default();
                        ensure(model.checksum() == want, || {
                            at(format!(
                                "checksum {want} verified, model says {}",
                                model.checksum()
                            ))
                        })?;
                    }
                }
            }
            (Ok(_), _, _) => return Err(at("applied a frame that does not parse".into())),
            (Err(_), _, _) => {
                // Partly applied or refused: the model waits for a snapshot.
                if !once.is_synced() {
                    model_valid = false;
                }
            }
        }
    }
    Ok(())
}
