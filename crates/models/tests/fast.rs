//! The fast row reader builds exactly what serde builds from the same text,
//! or leaves the text to serde: on every fixture row, on rows with every
//! field set, and on shuffled and damaged rows.

use std::fmt::Debug;

use okx_models::fast::{Cursor, FastRow, read_rows, read_rows_into};
use okx_models::{Order, Ticker, Trade};
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::common::{data, fixtures, frames, load};

/// One row read by the fast path, with nothing after it.
fn fast_one<T: FastRow>(text: &str) -> Option<T> {
    let mut c = Cursor::new(text);
    let row = T::read_row(&mut c).ok()?;
    c.end().ok()?;
    Some(row)
}

/// Equal values with equal text: `Decimal`'s `==` ignores the scale, the
/// serialized form does not.
fn assert_same<T: Serialize + Debug + PartialEq>(fast: &T, serde: &T, text: &str) {
    assert_eq!(fast, serde, "{text}");
    assert_eq!(
        serde_json::to_string(fast).unwrap(),
        serde_json::to_string(serde).unwrap(),
        "{text}"
    );
    assert_eq!(format!("{fast:?}"), format!("{serde:?}"), "{text}");
}

/// A row of `T` with every field set, to read other rows into.
fn full<T: FastRow>() -> T {
    let text = match std::any::type_name::<T>() {
        n if n.ends_with("Ticker") => FULL_TICKER,
        n if n.ends_with("Trade") => FULL_TRADE,
        _ => FULL_ORDER,
    };
    fast_one(text).expect("a full row reads")
}

/// Whether the fast path took `text`; when it did, it built what serde
/// builds, also read into a row that held another (every field set), and
/// it never takes what serde refuses.
fn agrees<T: FastRow + DeserializeOwned + Serialize + Debug + PartialEq>(text: &str) -> bool {
    let serde = serde_json::from_str::<T>(text);
    match (fast_one::<T>(text), serde) {
        (Some(fast), Ok(serde)) => {
            assert_same(&fast, &serde, text);
            let mut reused = full::<T>();
            let mut c = Cursor::new(text);
            T::read_row_into(&mut c, &mut reused).expect("read into a row");
            c.end().expect("nothing after the row");
            assert_same(&reused, &serde, text);
            true
        }
        (Some(fast), Err(e)) => {
            panic!("fast path took what serde refuses ({e}): {fast:?}\n{text}")
        }
        (None, _) => {
            // Reading into a row leaves the same text to serde.
            let mut reused = full::<T>();
            let mut c = Cursor::new(text);
            let into = T::read_row_into(&mut c, &mut reused).and_then(|()| c.end());
            assert!(
                into.is_err(),
                "read into a row but not as a new row: {text}"
            );
            false
        }
    }
}

/// Rows serde reads as `T` and how many of them the fast path took.
#[derive(Default, Debug)]
struct Tally {
    serde: usize,
    fast: usize,
}

fn tally<T: FastRow + DeserializeOwned + Serialize + Debug + PartialEq>(text: &str, t: &mut Tally) {
    if serde_json::from_str::<T>(text).is_ok() {
        t.serde += 1;
    }
    if agrees::<T>(text) {
        t.fast += 1;
    }
}

#[test]
fn every_fixture_row_reads_the_same() {
    let Some(dir) = fixtures() else { return };
    let (mut tickers, mut trades, mut orders) =
        (Tally::default(), Tally::default(), Tally::default());
    let mut arrays = 0;
    for sub in ["rest", "ws"] {
        let mut paths: Vec<_> = std::fs::read_dir(dir.join(sub))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let rel = format!("{sub}/{}", path.file_name().unwrap().to_string_lossy());
            let v = load(&dir, &rel);
            for frame in frames(&v) {
                let rows = data(frame);
                for row in rows {
                    // keys sorted (serde_json's map) and pretty-printed
                    for text in [row.to_string(), serde_json::to_string_pretty(row).unwrap()] {
                        tally::<Ticker>(&text, &mut tickers);
                        tally::<Trade>(&text, &mut trades);
                        tally::<Order>(&text, &mut orders);
                    }
                }
                // whole `data` arrays
                let text = Value::Array(rows.to_vec()).to_string();
                if let Ok(serde) = serde_json::from_str::<Vec<Trade>>(&text) {
                    let fast: Vec<Trade> = read_rows(&mut Cursor::new(&text)).unwrap();
                    assert_eq!(fast, serde);
                    // into a vector that held more, or fewer, other rows
                    for held in [0, 1, 5] {
                        let mut rows = vec![full::<Trade>(); held];
                        read_rows_into(&mut Cursor::new(&text), &mut rows).unwrap();
                        assert_eq!(rows, serde);
                    }
                    arrays += 1;
                }
            }
        }
    }
    // Every row serde reads is in OKX's plain shape, so the fast path takes
    // all of them; the counts show the check covered real rows.
    for (name, t) in [("Ticker", &tickers), ("Trade", &trades), ("Order", &orders)] {
        assert_eq!(t.fast, t.serde, "{name}: rows left to serde: {t:?}");
    }
    // (each row counts twice: compact and pretty)
    assert!(tickers.serde >= 200, "{tickers:?}");
    assert!(trades.serde >= 100, "{trades:?}");
    assert!(orders.serde >= 18, "{orders:?}");
    assert!(arrays >= 100, "{arrays}");
}

/// An order with every field set to something other than its default, in
/// OKX's key order (alphabetical).
const FULL_ORDER: &str = r#"{"accFillSz":"0.001","algoClOrdId":"algo1","algoId":"7001","amendResult":"0","amendSource":"1","attachAlgoClOrdId":"att1","attachAlgoOrds":[{"attachAlgoId":"9","attachAlgoClOrdId":"a9","tpOrdKind":"limit","tpTriggerPx":"33000","tpTriggerPxType":"mark","tpOrdPx":"-1","slTriggerPx":"29000","slTriggerPxType":"index","slOrdPx":"-1","sz":"0.5","amendPxOnTriggerType":"1","failCode":"0","failReason":"none"}],"avgPx":"31527.10","cTime":"1654084334977","cancelSource":"1","cancelSourceReason":"user","category":"normal","ccy":"USDT","clOrdId":"HamsterParty14","code":"0","execType":"M","fee":"-0.02522168","feeCcy":"USDT","fillFee":"-0.0252","fillFeeCcy":"BTC","fillFwdPx":"31600.5","fillIdxPx":"31520.2","fillMarkPx":"31525.9","fillMarkVol":"0.61","fillNotionalUsd":"31.50818374","fillPnl":"1.25","fillPx":"31527.1","fillPxUsd":"31527.3","fillPxVol":"0.6","fillSz":"0.001","fillTime":"1654084353263","instId":"BTC-USDT-SWAP","instType":"SWAP","isTpLimit":"true","lastPx":"31527.4","lever":"10","linkedAlgoOrd":{"algoId":"8001"},"msg":"ok","notionalUsd":"31.5","ordId":"452197707845865472","ordType":"post_only","pnl":"0.5","posSide":"long","px":"31527.1","pxType":"px","pxUsd":"31527.5","pxVol":"0.59","quickMgnType":"manual","rebate":"0.001","rebateCcy":"BTC","reduceOnly":"false","reqId":"req9","side":"sell","slOrdPx":"-1","slTriggerPx":"30000","slTriggerPxType":"last","source":"13","state":"partially_filled","stpId":"stp1","stpMode":"cancel_maker","sz":"0.0010","tag":"t1","tdMode":"cross","tgtCcy":"base_ccy","tpOrdPx":"-1","tpTriggerPx":"33000","tpTriggerPxType":"mark","tradeId":"242589207","tradeQuoteCcy":"USDT","uTime":"1654084353264"}"#;

const FULL_TICKER: &str = r#"{"instType":"SPOT","instId":"BTC-USDT","last":"30236.1","lastSz":"0.00019","askPx":"30236.1","askSz":"0.51","bidPx":"30236","bidSz":"1.96","open24h":"29000.5","high24h":"30500","low24h":"28850","sodUtc0":"29500.1","sodUtc8":"29720.3","volCcy24h":"612355894.9912","vol24h":"20570.79911","ts":"1652459224818"}"#;

const FULL_TRADE: &str = r#"{"instId":"BTC-USDT","tradeId":"338476307","px":"30236.10","sz":"0.0002","side":"buy","ts":"1652459224818","count":"3","seqId":1234567}"#;

/// Every key the model writes back carries a value: the row really sets
/// every field, so a field the fast table missed or misnamed would differ.
fn assert_every_field_set<T: Serialize>(model: &T) {
    let back = serde_json::to_value(model).unwrap();
    for (k, v) in back.as_object().unwrap() {
        let empty = match v {
            Value::Null => true,
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            _ => false,
        };
        assert!(!empty, "{k} is not set by the full row");
    }
}

#[test]
fn rows_with_every_field_set_read_the_same() {
    let order: Order = serde_json::from_str(FULL_ORDER).unwrap();
    assert_every_field_set(&order);
    assert!(agrees::<Order>(FULL_ORDER));
    let ticker: Ticker = serde_json::from_str(FULL_TICKER).unwrap();
    assert_every_field_set(&ticker);
    assert!(agrees::<Ticker>(FULL_TICKER));
    let trade: Trade = serde_json::from_str(FULL_TRADE).unwrap();
    assert_every_field_set(&trade);
    assert!(agrees::<Trade>(FULL_TRADE));

    // the serialized form (struct field order, not OKX's) reads back too
    for text in [
        serde_json::to_string(&order).unwrap(),
        serde_json::to_string(&ticker).unwrap(),
        serde_json::to_string(&trade).unwrap(),
    ] {
        assert!(agrees::<Order>(&text) || agrees::<Ticker>(&text) || agrees::<Trade>(&text));
    }
    let back: Order = fast_one(&serde_json::to_string(&order).unwrap()).unwrap();
    assert_same(&back, &order, "order round trip");
}

#[test]
fn what_the_fast_path_leaves_to_serde() {
    // escapes in a key: the field is only known once unescaped
    assert!(!agrees::<Trade>(
        r#"{"inst\u0049d":"BTC-USDT","tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1"}"#
    ));
    // a duplicate field, a missing required one, a bad number, a number
    // that does not fit: serde's errors
    assert!(!agrees::<Trade>(
        r#"{"instId":"A","instId":"B","tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1"}"#
    ));
    assert!(!agrees::<Trade>(
        r#"{"instId":"A","px":"1","sz":"1","side":"buy","ts":"1"}"#
    ));
    assert!(!agrees::<Trade>(
        r#"{"instId":"A","tradeId":"1","px":"abc","sz":"1","side":"buy","ts":"1"}"#
    ));
    assert!(!agrees::<Trade>(
        r#"{"instId":"A","tradeId":"1","px":"1","sz":"1","side":"buy","ts":"99999999999999999999"}"#
    ));
    // invalid JSON anywhere, also in a value the row does not know
    assert!(!agrees::<Trade>(
        r#"{"instId":"A","tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1","x":[1,]}"#
    ));
    assert!(!agrees::<Trade>(
        r#"{"instId":"A","tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1",}"#
    ));
    assert!(!agrees::<Trade>(
        "{\"instId\":\"A\u{1}\",\"tradeId\":\"1\"}"
    ));
    assert!(!agrees::<Trade>(r#"["A","1","1","1","buy","1"]"#));
}

#[test]
fn values_outside_the_plain_shape_still_agree() {
    // escaped strings, numbers for strings, floats, nulls, nested unknowns,
    // whitespace: the fast path hands such values to serde_json
    for text in [
        r#"{"instId":"BTC\u002dUSDT","tradeId":"338476307","px":30236.1,"sz":"2e-4","side":"buy","ts":1652459224818,"count":null,"seqId":"12"}"#,
        r#"{ "instId" : "BTC-USDT" , "tradeId" : "1" , "px" : "1.50" , "sz" : "1" , "side" : "sell" , "ts" : "1" , "new" : {"a":[1,{"b":"\""}]} }"#,
        r#"{"instId":"é-USDT","tradeId":"1","px":"-0.0","sz":"0.10","side":"fancy","ts":"-5","seqId":0}"#,
        r#"{"instId":"A","tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1","seqId":9223372036854775807}"#,
        r#"{"instId":"A","tradeId":"1","px":"99999999999999999999.123456","sz":"1","side":"buy","ts":"1.0"}"#,
    ] {
        let serde: Trade = serde_json::from_str(text).unwrap();
        let fast: Trade = fast_one(text).unwrap_or_else(|| panic!("not taken: {text}"));
        assert_same(&fast, &serde, text);
    }
    // what serde refuses there, the fast path leaves to it: a fraction or
    // a number past i64 for an integer, a number for a string
    for text in [
        r#"{"instId":"A","tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1","seqId":1.5}"#,
        r#"{"instId":"A","tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1","seqId":18446744073709551615}"#,
        r#"{"instId":"A","tradeId":"1","px":"1","sz":"1","side":"buy","ts":"1","seqId":99999999999999999999}"#,
        r#"{"instId":"A","tradeId":1,"px":"1","sz":"1","side":"buy","ts":"1"}"#,
    ] {
        assert!(serde_json::from_str::<Trade>(text).is_err(), "{text}");
        assert!(!agrees::<Trade>(text), "{text}");
    }
}

/// Values to put under any key of a damaged row.
const VALUES: &[&str] = &[
    r#""""#,
    r#""0""#,
    r#""0.10""#,
    r#""-42.5""#,
    r#""1652459224818""#,
    r#""buy""#,
    r#""SWAP""#,
    r#""true""#,
    r#""a\"b""#,
    r#""\u0031""#,
    r#""x""#,
    "12",
    "-3",
    "1.5",
    "0",
    "01",
    "null",
    "true",
    "[]",
    "{}",
    r#"{"algoId":"1"}"#,
    "[1,2]",
    "9223372036854775807",
    "18446744073709551616",
    "99999999999999999999",
    r#""1.""#,
    r#""1e3""#,
];

fn pairs(text: &str) -> Vec<(String, String)> {
    let v: serde_json::Map<String, Value> = serde_json::from_str(text).unwrap();
    v.into_iter().map(|(k, v)| (k, v.to_string())).collect()
}

fn render(pairs: &[(String, String)], spaced: bool) -> String {
    let sep = if spaced { " , " } else { "," };
    let colon = if spaced { " : " } else { ":" };
    let body: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}{colon}{v}", serde_json::to_string(k).unwrap()))
        .collect();
    format!("{{{}}}", body.join(sep))
}

#[derive(Debug, Clone)]
enum Damage {
    Drop(usize),
    Replace(usize, usize),
    Duplicate(usize),
    Unknown(usize, usize),
    Swap(usize, usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        any::<usize>().prop_map(Damage::Drop),
        (any::<usize>(), 0..VALUES.len()).prop_map(|(i, v)| Damage::Replace(i, v)),
        any::<usize>().prop_map(Damage::Duplicate),
        (any::<usize>(), 0..VALUES.len()).prop_map(|(i, v)| Damage::Unknown(i, v)),
        (any::<usize>(), any::<usize>()).prop_map(|(i, j)| Damage::Swap(i, j)),
    ]
}

fn apply(base: &str, damages: &[Damage]) -> Vec<(String, String)> {
    let mut p = pairs(base);
    for d in damages {
        if p.is_empty() {
            break;
        }
        let n = p.len();
        match *d {
            Damage::Drop(i) => {
                p.remove(i % n);
            }
            Damage::Replace(i, v) => p[i % n].1 = VALUES[v].to_owned(),
            Damage::Duplicate(i) => {
                let dup = p[i % n].clone();
                p.push(dup);
            }
            Damage::Unknown(i, v) => p.insert(i % n, ("newField".into(), VALUES[v].into())),
            Damage::Swap(i, j) => p.swap(i % n, j % n),
        }
    }
    p
}

proptest! {
    #[test]
    fn damaged_rows_agree(damages in proptest::collection::vec(damage(), 0..6), spaced in any::<bool>()) {
        for base in [FULL_ORDER, FULL_TICKER, FULL_TRADE] {
            let text = render(&apply(base, &damages), spaced);
            agrees::<Order>(&text);
            agrees::<Ticker>(&text);
            agrees::<Trade>(&text);
        }
    }

    #[test]
    fn decimal_text_reads_with_its_scale(int in "-?[0-9]{1,20}", frac in "[0-9]{0,12}") {
        let px = if frac.is_empty() { int.clone() } else { format!("{int}.{frac}") };
        let text = format!(r#"{{"instId":"A","tradeId":"1","px":"{px}","sz":"{px}","side":"buy","ts":"{int}"}}"#);
        agrees::<Trade>(&text);
        if let Ok(serde) = serde_json::from_str::<Trade>(&text) {
            let fast: Trade = fast_one(&text).unwrap();
            prop_assert_eq!(fast.px.to_string(), serde.px.to_string());
        }
    }
}
