//! Order book cost: the okx-book scanner and engine against the usual
//! `serde_json::Value` + `Decimal` + `BTreeMap` approach, in one run.
//!
//! ```text
//! cargo bench --bench book -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! - `snapshot_parse`: read a 400-level-per-side `books` snapshot frame
//!   (bytes/s); `ours` validates every level, `baseline` builds a `Value`.
//! - `update`: parse + apply + checksum of a 10-level `books` update on a
//!   400-level book. Two updates alternate, the second undoing the first,
//!   so every iteration does real inserts, deletes and size changes and
//!   verifies a real checksum.
//!
//! Targets: update at most 1 µs and at least 5x faster than the baseline;
//! snapshot parse at least 500 MB/s.
//!
//! Measured (2-core machine shared with other builds, load 0.8 to 3):
//! update 0.93 µs (best 0.89 µs, spread 0.89 to 1.05 µs) against a baseline
//! of 12 µs in the same runs, about 13x; snapshot parse 1.4 to 1.7 GiB/s
//! against about 108 MiB/s for the baseline.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::str::FromStr;

use criterion::{Criterion, Throughput};

mod common;
use okx::book::{BookFrame, OrderBook, checksum_levels};
use rust_decimal::Decimal;
use serde_json::Value;

const DEPTH: u32 = 400;

/// Price text of the `i`-th level from the touch: BTC-like, mixed precision.
fn px(side: char, i: u32) -> String {
    let tenths = if side == 'b' {
        302_435 - 3 * i
    } else {
        302_436 + 3 * i
    };
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

fn sz(i: u32) -> String {
    format!("{}.{:08}", i % 7 + 1, (i * 7_919_113) % 100_000_000)
}

fn level(px: &str, sz: &str, orders: u32) -> String {
    format!(r#"["{px}","{sz}","0","{orders}"]"#)
}

fn frame(action: &str, bids: &[String], asks: &[String], checksum: i32) -> String {
    format!(
        r#"{{"arg":{{"channel":"books","instId":"BTC-USDT"}},"action":"{action}","data":[{{"asks":[{}],"bids":[{}],"ts":"1659792392540","checksum":{checksum}}}]}}"#,
        asks.join(","),
        bids.join(",")
    )
}

/// Levels of the book as `(side, px, sz)` after applying `changes`.
type Model = BTreeMap<(char, i64), (String, String)>;

fn model_apply(model: &mut Model, side: char, levels: &[(String, String)]) {
    for (p, s) in levels {
        let key = Decimal::from_str(p).expect("price").mantissa() as i64
            * 10i64.pow(3 - Decimal::from_str(p).expect("price").scale());
        let key = if side == 'b' { -key } else { key };
        if s == "0" {
            model.remove(&(side, key));
        } else {
            model.insert((side, key), (p.clone(), s.clone()));
        }
    }
}

fn model_checksum(model: &Model) -> i32 {
    let side = |c| {
        model
            .range((c, i64::MIN)..=(c, i64::MAX))
            .map(|(_, (p, s))| (p.as_str(), s.as_str()))
            .collect::<Vec<_>>()
    };
    checksum_levels(side('b'), side('a'))
}

struct Frames {
    snapshot: String,
    update_a: String,
    update_b: String,
}

/// The snapshot, and two 10-level updates where B undoes A: A changes five
/// sizes, deletes two levels and inserts three between existing prices.
fn frames(depth: u32) -> Frames {
    let bids: Vec<(String, String)> = (0..depth).map(|i| (px('b', i), sz(i))).collect();
    let asks: Vec<(String, String)> = (0..depth).map(|i| (px('a', i), sz(i + 1))).collect();
    let mut model = Model::new();
    model_apply(&mut model, 'b', &bids);
    model_apply(&mut model, 'a', &asks);
    let text = |v: &[(String, String)]| -> Vec<String> {
        v.iter()
            .enumerate()
            .map(|(i, (p, s))| level(p, s, i as u32 % 5 + 1))
            .collect()
    };
    let snapshot = frame(
        "snapshot",
        &text(&bids),
        &text(&asks),
        model_checksum(&model),
    );

    let between = |side, i| {
        // A price one tick inside the gap after level i.
        let p = px(side, i);
        let d = Decimal::from_str(&p).expect("px");
        let step = Decimal::new(1, 1);
        (if side == 'b' { d - step } else { d + step }).to_string()
    };
    let a_bids = vec![
        (bids[0].0.clone(), "0.5".to_owned()),
        (bids[3].0.clone(), "0".to_owned()),
        (between('b', 1), "1.25".to_owned()),
        (bids[40].0.clone(), "2.0001".to_owned()),
        (between('b', 150), "3".to_owned()),
    ];
    let a_asks = vec![
        (asks[0].0.clone(), "0.01".to_owned()),
        (asks[2].0.clone(), "0".to_owned()),
        (between('a', 5), "0.7".to_owned()),
        (asks[12].0.clone(), "4.2".to_owned()),
        (asks[depth as usize * 3 / 4].0.clone(), "9".to_owned()),
    ];
    let undo = |changes: &[(String, String)], orig: &[(String, String)]| -> Vec<(String, String)> {
        changes
            .iter()
            .map(|(p, _)| match orig.iter().find(|(q, _)| q == p) {
                Some(level) => level.clone(),
                None => (p.clone(), "0".to_owned()),
            })
            .collect()
    };
    let (b_bids, b_asks) = (undo(&a_bids, &bids), undo(&a_asks, &asks));
    let plain =
        |v: &[(String, String)]| -> Vec<String> { v.iter().map(|(p, s)| level(p, s, 1)).collect() };
    model_apply(&mut model, 'b', &a_bids);
    model_apply(&mut model, 'a', &a_asks);
    let update_a = frame(
        "update",
        &plain(&a_bids),
        &plain(&a_asks),
        model_checksum(&model),
    );
    model_apply(&mut model, 'b', &b_bids);
    model_apply(&mut model, 'a', &b_asks);
    let update_b = frame(
        "update",
        &plain(&b_bids),
        &plain(&b_asks),
        model_checksum(&model),
    );
    Frames {
        snapshot,
        update_a,
        update_b,
    }
}

/// The common approach: a JSON tree, Decimal keys, and a checksum string
/// formatted from the stored decimals.
#[derive(Default)]
struct Baseline {
    bids: BTreeMap<Decimal, Decimal>,
    asks: BTreeMap<Decimal, Decimal>,
    text: String,
}

impl Baseline {
    fn apply(&mut self, bytes: &[u8]) -> i32 {
        let v: Value = serde_json::from_slice(bytes).expect("json");
        let data = &v["data"][0];
        if v["action"] == "snapshot" {
            self.bids.clear();
            self.asks.clear();
        }
        for (name, book) in [("bids", &mut self.bids), ("asks", &mut self.asks)] {
            for l in data[name].as_array().expect("levels") {
                let p = Decimal::from_str(l[0].as_str().expect("px")).expect("px");
                let s = Decimal::from_str(l[1].as_str().expect("sz")).expect("sz");
                if s.is_zero() {
                    book.remove(&p);
                } else {
                    book.insert(p, s);
                }
            }
        }
        self.text.clear();
        let mut bids = self.bids.iter().rev();
        let mut asks = self.asks.iter();
        for _ in 0..25 {
            for (p, s) in [bids.next(), asks.next()].into_iter().flatten() {
                let _ = write!(self.text, "{p}:{s}:");
            }
        }
        let computed = crc32fast::hash(self.text.trim_end_matches(':').as_bytes()) as i32;
        assert_eq!(Some(i64::from(computed)), data["checksum"].as_i64());
        computed
    }
}

fn bench(c: &mut Criterion) {
    let f = frames(DEPTH);

    let mut g = c.benchmark_group("snapshot_parse");
    g.throughput(Throughput::Bytes(f.snapshot.len() as u64));
    g.bench_function("ours", |b| {
        b.iter(|| {
            let frame = BookFrame::parse(black_box(f.snapshot.as_bytes())).expect("parses");
            black_box(frame.bids.len() + frame.asks.len())
        })
    });
    g.bench_function("baseline_value", |b| {
        b.iter(|| {
            let v: Value = serde_json::from_slice(black_box(f.snapshot.as_bytes())).expect("json");
            black_box(v)
        })
    });
    g.finish();

    // A whole snapshot applied: parse, load both sides, checksum. Linear in
    // levels means the time per byte stays flat from 100 to 400 a side.
    for depth in [100, 200, 400] {
        let snapshot = frames(depth).snapshot;
        let mut g = c.benchmark_group(format!("snapshot_apply/{depth}"));
        g.throughput(Throughput::Bytes(snapshot.len() as u64));
        let mut book = OrderBook::new();
        g.bench_function("ours", |b| {
            b.iter(|| {
                let applied = book
                    .apply_bytes(black_box(snapshot.as_bytes()))
                    .expect("snapshot");
                assert!(applied.checksum_verified);
                black_box(applied)
            })
        });
        let mut base = Baseline::default();
        g.bench_function("baseline", |b| {
            b.iter(|| black_box(base.apply(black_box(snapshot.as_bytes()))))
        });
        g.finish();
    }

    let mut g = c.benchmark_group("update");
    let mut book = OrderBook::new();
    book.apply_bytes(f.snapshot.as_bytes()).expect("snapshot");
    let mut flip = false;
    g.bench_function("ours", |b| {
        b.iter(|| {
            flip = !flip;
            let bytes = if flip { &f.update_a } else { &f.update_b };
            let applied = book
                .apply_bytes(black_box(bytes.as_bytes()))
                .expect("in sync");
            assert!(applied.checksum_verified);
            black_box(applied)
        })
    });
    let mut base = Baseline::default();
    base.apply(f.snapshot.as_bytes());
    let mut flip = false;
    g.bench_function("baseline", |b| {
        b.iter(|| {
            flip = !flip;
            let bytes = if flip { &f.update_a } else { &f.update_b };
            black_box(base.apply(black_box(bytes.as_bytes())))
        })
    });
    g.finish();
}

/// The same measures, contenders interleaved (see `common`).
fn side_by_side() {
    for depth in [100u32, 200, 400] {
        let name = format!("snapshot_apply/{depth}");
        if !common::measuring(&name) {
            continue;
        }
        let snapshot = frames(depth).snapshot;
        let mut book = OrderBook::new();
        let mut base = Baseline::default();
        let medians = common::interleaved(
            &name,
            200,
            200_000.0,
            &mut [
                ("baseline", &mut || {
                    black_box(base.apply(black_box(snapshot.as_bytes())));
                }),
                ("ours", &mut || {
                    let applied = book.apply_bytes(black_box(snapshot.as_bytes()));
                    assert!(applied.is_ok_and(|a| a.checksum_verified));
                }),
            ],
        );
        let ns = medians[1];
        println!(
            "  {} bytes, {:.2} ns per level, {:.0} MB/s of frame",
            snapshot.len(),
            ns / f64::from(2 * depth),
            snapshot.len() as f64 / ns * 1e3
        );
    }
    if common::measuring("update") {
        let f = frames(DEPTH);
        let mut book = OrderBook::new();
        book.apply_bytes(f.snapshot.as_bytes()).expect("snapshot");
        let mut base = Baseline::default();
        base.apply(f.snapshot.as_bytes());
        let (mut flip, mut flip_base) = (false, false);
        common::interleaved(
            "update",
            300,
            100_000.0,
            &mut [
                ("baseline", &mut || {
                    flip_base = !flip_base;
                    let bytes = if flip_base { &f.update_a } else { &f.update_b };
                    black_box(base.apply(black_box(bytes.as_bytes())));
                }),
                ("ours", &mut || {
                    flip = !flip;
                    let bytes = if flip { &f.update_a } else { &f.update_b };
                    let applied = book.apply_bytes(black_box(bytes.as_bytes()));
                    assert!(applied.is_ok_and(|a| a.checksum_verified));
                }),
            ],
        );
    }
}

// A plain main instead of criterion_group!/criterion_main!, whose generated
// public function has no doc comment for the workspace's missing_docs lint.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
    side_by_side();
    criterion.final_summary();
}
