//! Property tests of the number adapters: what is written reads back the same,
//! with the same text.

use okx_models::{BookLevel, Candle, ClOrdId};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Row {
    #[serde(with = "okx_models::num::decimal")]
    px: Decimal,
    #[serde(default, with = "okx_models::num::opt_decimal")]
    fee: Option<Decimal>,
    #[serde(default, with = "okx_models::num::opt_int")]
    ts: Option<i64>,
}

fn decimal() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..=18).prop_map(|(m, scale)| Decimal::new(m, scale))
}

proptest! {
    #[test]
    fn numbers_round_trip_with_scale(px in decimal(), fee in proptest::option::of(decimal()), ts in proptest::option::of(any::<i64>())) {
        let row = Row { px, fee, ts };
        let text = serde_json::to_string(&row).unwrap();
        let back: Row = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back.px.to_string(), px.to_string());
        prop_assert_eq!(back.fee.map(|d| d.to_string()), fee.map(|d| d.to_string()));
        prop_assert_eq!(back, row);
    }

    #[test]
    fn decimal_text_reads_exactly(int in 0u64..1_000_000_000, frac in "[0-9]{0,12}") {
        let text = if frac.is_empty() { int.to_string() } else { format!("{int}.{frac}") };
        let row: Row = serde_json::from_str(&format!(r#"{{"px":"{text}"}}"#)).unwrap();
        prop_assert_eq!(row.px.to_string(), text);
    }

    #[test]
    fn book_levels_and_candles_round_trip(px in decimal(), sz in decimal(), n in proptest::option::of(0i64..10_000), ts in any::<i64>(), confirm in any::<bool>()) {
        let level = BookLevel { px, sz, num_orders: n };
        let back: BookLevel = serde_json::from_str(&serde_json::to_string(&level).unwrap()).unwrap();
        prop_assert_eq!(back, level);
        let mut candle = Candle::new(ts, px, px, sz, sz);
        candle.vol = Some(sz);
        candle.vol_ccy_quote = Some(px);
        candle.confirm = confirm;
        let back: Candle = serde_json::from_str(&serde_json::to_string(&candle).unwrap()).unwrap();
        prop_assert_eq!(back, candle);
    }

    #[test]
    fn cl_ord_id_accepts_exactly_the_rule(s in "\\PC{0,40}") {
        let valid = !s.is_empty() && s.len() <= 32 && s.chars().all(|c| c.is_ascii_alphanumeric());
        prop_assert_eq!(ClOrdId::new(s.clone()).is_ok(), valid, "{:?}", s);
    }

    #[test]
    fn arbitrary_text_is_an_error_or_round_trips(s in "\\PC{0,30}") {
        let json = serde_json::to_string(&s).unwrap();
        if let Ok(row) = serde_json::from_str::<Row>(&format!(r#"{{"px":{json},"ts":{json}}}"#)) {
            let again: Row = serde_json::from_str(&serde_json::to_string(&row).unwrap()).unwrap();
            prop_assert_eq!(again, row);
        }
        let t: okx_models::InstType = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(t.as_str(), s.as_str());
    }
}
