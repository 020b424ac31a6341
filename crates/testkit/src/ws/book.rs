//! A tiny order book that the server pushes on the `books` channel, with the
//! sequence numbers and CRC32 checksum OKX sends, so a client's gap and
//! checksum handling can be exercised offline.

use serde_json::{Value, json};
use std::collections::BTreeMap;

/// One book the server keeps per instrument: price text → (size text, orders).
#[derive(Debug, Clone)]
pub(crate) struct BookState {
    bids: BTreeMap<Key, (String, String)>,
    asks: BTreeMap<Key, (String, String)>,
    pub(crate) seq_id: i64,
    /// When the book was last pushed (for idle heartbeats).
    pub(crate) last_push: tokio::time::Instant,
}

/// Prices as text sorted numerically: the text is kept because the checksum
/// hashes it exactly as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key(String);

impl Key {
    fn value(&self) -> f64 {
        self.0.parse().unwrap_or(0.0)
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value()
            .total_cmp(&other.value())
            .then_with(|| self.0.cmp(&other.0))
    }
}

/// A level as the caller gives it: `(price, size)`; size `"0"` deletes.
pub type Level<'a> = (&'a str, &'a str);

impl BookState {
    pub(crate) fn new(bids: &[Level<'_>], asks: &[Level<'_>], seq_id: i64) -> Self {
        let mut book = BookState {
            bids: BTreeMap::new(),
            asks: BTreeMap::new(),
            seq_id,
            last_push: tokio::time::Instant::now(),
        };
        book.apply(bids, asks);
        book
    }

    pub(crate) fn apply(&mut self, bids: &[Level<'_>], asks: &[Level<'_>]) {
        for (side, levels) in [(&mut self.bids, bids), (&mut self.asks, asks)] {
            for (px, sz) in levels {
                let zero = sz.parse::<f64>().map(|v| v == 0.0).unwrap_or(false);
                if zero {
                    side.remove(&Key((*px).to_owned()));
                } else {
                    side.insert(Key((*px).to_owned()), ((*sz).to_owned(), "1".to_owned()));
                }
            }
        }
    }

    fn checksum(&self) -> i32 {
        let bids: Vec<_> = self.bids.iter().rev().take(25).collect();
        let asks: Vec<_> = self.asks.iter().take(25).collect();
        let mut text = String::new();
        for i in 0..25 {
            for side in [&bids, &asks] {
                if let Some((px, (sz, _))) = side.get(i) {
                    if !text.is_empty() {
                        text.push(':');
                    }
                    text.push_str(&px.0);
                    text.push(':');
                    text.push_str(sz);
                }
            }
        }
        crc32(text.as_bytes()) as i32
    }

    /// The full book as a `snapshot` data item (prevSeqId -1).
    pub(crate) fn snapshot_data(&self, ts: u64) -> Value {
        let bids: Vec<Value> = self.bids.iter().rev().map(level_json).collect();
        let asks: Vec<Value> = self.asks.iter().map(level_json).collect();
        json!([{
            "asks": asks, "bids": bids, "ts": ts.to_string(),
            "checksum": self.checksum(), "prevSeqId": -1, "seqId": self.seq_id
        }])
    }

    /// The idle heartbeat: an `update` with no levels whose `seqId` equals
    /// its `prevSeqId` (the last `seqId`).
    pub(crate) fn heartbeat_data(&self, ts: u64) -> Value {
        json!([{
            "asks": [], "bids": [], "ts": ts.to_string(),
            "checksum": self.checksum(), "prevSeqId": self.seq_id, "seqId": self.seq_id
        }])
    }

    /// Applies a delta and returns its `update` data item. With `skip`, the
    /// sequence jumps by two so the client sees a gap.
    pub(crate) fn update_data(
        &mut self,
        bids: &[Level<'_>],
        asks: &[Level<'_>],
        ts: u64,
        skip: bool,
    ) -> Value {
        self.apply(bids, asks);
        self.last_push = tokio::time::Instant::now();
        let prev = self.seq_id;
        self.seq_id += if skip { 2 } else { 1 };
        let prev_sent = if skip { prev + 1 } else { prev };
        let lv = |l: &[Level<'_>]| -> Vec<Value> {
            l.iter().map(|(p, s)| json!([p, s, "0", "1"])).collect()
        };
        json!([{
            "asks": lv(asks), "bids": lv(bids), "ts": ts.to_string(),
            "checksum": self.checksum(), "prevSeqId": prev_sent, "seqId": self.seq_id
        }])
    }
}

fn level_json((px, (sz, n)): (&Key, &(String, String))) -> Value {
    json!([px.0, sz, "0", n])
}

/// CRC-32 (IEEE, the zlib polynomial), bit by bit: slow but tiny, and only
/// the test server uses it.
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_matches_spec_vectors() {
        assert_eq!(
            crc32(b"3366.1:7:3366.8:9:3366:6:3368:8") as i32,
            -1881014294
        );
        let book = BookState::new(
            &[("3366.1", "7")],
            &[("3366.8", "9"), ("3368", "8"), ("3372", "8")],
            1,
        );
        assert_eq!(book.checksum(), 831078360);
    }

    #[test]
    fn skipped_update_leaves_a_gap() {
        let mut book = BookState::new(&[("10", "1")], &[("11", "1")], 5);
        let upd = book.update_data(&[("10", "2")], &[], 0, true);
        assert_eq!(upd[0]["prevSeqId"], 6);
        assert_eq!(upd[0]["seqId"], 7);
    }
}
