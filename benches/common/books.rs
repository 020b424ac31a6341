//! `books` frames for the book benchmarks: a snapshot of BTC-like levels
//! and two 10-level updates, the second undoing the first, each with the
//! checksum an independent `BTreeMap` model of the book gives.

use std::collections::BTreeMap;
use std::str::FromStr;

use okx::book::checksum_levels;
use rust_decimal::Decimal;

/// Levels a side of the snapshot the update benchmarks start from.
pub const DEPTH: u32 = 400;

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

pub struct Frames {
    pub snapshot: String,
    pub update_a: String,
    pub update_b: String,
}

/// The snapshot, and two 10-level updates where B undoes A: A changes five
/// sizes, deletes two levels and inserts three between existing prices.
pub fn frames(depth: u32) -> Frames {
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
