//! Wire rules: unknown enum values survive, `""` numbers are `None`, decimals
//! keep their scale, client order ids follow OKX's rule.

use std::str::FromStr;

use okx_models::{
    AlgoOrdType, Bar, BookAction, Candle, ClOrdId, ClOrdIdError, InstType, OrdType, Order,
    OrderState, Side, Ticker,
};
use rust_decimal::Decimal;
use serde_json::json;

#[test]
fn unknown_enum_values_round_trip() {
    let t: InstType = serde_json::from_str("\"PREDICTION\"").unwrap();
    assert_eq!(t, InstType::Other("PREDICTION".into()));
    assert!(t.is_other());
    assert_eq!(serde_json::to_string(&t).unwrap(), "\"PREDICTION\"");

    let o: OrdType = serde_json::from_str("\"elp\"").unwrap();
    assert_eq!(o, OrdType::Elp);
    let o: OrdType = serde_json::from_str("\"rpi\"").unwrap();
    assert_eq!(o.as_str(), "rpi");
    assert_eq!(OrdType::from_str("post_only").unwrap(), OrdType::PostOnly);
    assert_eq!(Side::Sell.to_string(), "sell");
    assert_eq!(AlgoOrdType::MoveOrderStop.as_str(), "move_order_stop");
    assert_eq!(
        BookAction::from_str("snapshot").unwrap(),
        BookAction::Snapshot
    );
    assert!(OrderState::MmpCanceled.is_terminal());
    assert!(!OrderState::PartiallyFilled.is_terminal());
    assert_eq!(Bar::from_str("1Dutc").unwrap(), Bar::D1Utc);
    assert_eq!(Bar::H4.duration_ms(), Some(4 * 3_600_000));
    assert_eq!(Bar::Mo1.duration_ms(), None);
}

fn order_json() -> serde_json::Value {
    json!({
        "instType": "FANCY", "instId": "X-Y", "ordId": "1", "clOrdId": "",
        "px": "", "sz": "0.10", "ordType": "new_kind", "side": "buy", "tdMode": "cash",
        "accFillSz": "0", "avgPx": "", "state": "paused_by_venue", "posSide": "",
        "uTime": "1", "cTime": 2, "fee": 0.5, "reduceOnly": true
    })
}

#[test]
fn unknown_values_inside_a_model_survive() {
    let o: Order = serde_json::from_value(order_json()).unwrap();
    assert_eq!(o.inst_type, InstType::Other("FANCY".into()));
    assert_eq!(o.ord_type.as_str(), "new_kind");
    assert_eq!(o.state, OrderState::Other("paused_by_venue".into()));
    let back = serde_json::to_value(&o).unwrap();
    assert_eq!(back["instType"], "FANCY");
    assert_eq!(back["ordType"], "new_kind");
    assert_eq!(back["state"], "paused_by_venue");
}

#[test]
fn empty_numbers_and_ids_are_none() {
    let o: Order = serde_json::from_value(order_json()).unwrap();
    assert_eq!(o.px, None);
    assert_eq!(o.avg_px, None);
    assert_eq!(o.cl_ord_id, None);
    assert_eq!(o.pos_side, None);
    assert_eq!(o.fill_time, None, "missing field is None too");
    // numbers sent as JSON numbers and bools as JSON bools are accepted
    assert_eq!(o.c_time, 2);
    assert_eq!(o.fee, Some(Decimal::from_str("0.5").unwrap()));
    assert_eq!(o.reduce_only, Some(true));
    let back = serde_json::to_value(&o).unwrap();
    assert_eq!(back["px"], "");
    assert_eq!(back["clOrdId"], "");
    assert_eq!(back["sz"], "0.10", "scale is kept");
    assert_eq!(o.remaining_sz(), Some(Decimal::from_str("0.10").unwrap()));
    assert!(!o.is_terminal());
}

#[test]
fn bad_numbers_are_errors_not_panics() {
    let mut v = order_json();
    v["sz"] = json!("");
    let e = serde_json::from_value::<Order>(v).unwrap_err().to_string();
    assert!(e.contains("expected a decimal"), "{e}");

    let mut v = order_json();
    v["px"] = json!("12a");
    let e = serde_json::from_value::<Order>(v).unwrap_err().to_string();
    assert!(e.contains("invalid decimal"), "{e}");

    let mut v = order_json();
    v["uTime"] = json!("1.5");
    assert!(serde_json::from_value::<Order>(v).is_err());

    let e = serde_json::from_str::<Candle>(r#"["1","2","3","4","5","6","7"]"#).unwrap_err();
    assert!(e.to_string().contains("7 elements"), "{e}");
    assert!(serde_json::from_str::<Candle>(r#"["1","2","3","4","5","2"]"#).is_err());
}

#[test]
fn decimal_scale_and_notation() {
    let t: Ticker = serde_json::from_value(json!({
        "instId": "A-B", "last": "0.10", "askPx": "1e-7", "bidPx": 0.25, "ts": "5"
    }))
    .unwrap();
    assert_eq!(t.last.unwrap().to_string(), "0.10");
    assert_eq!(t.ask_px, Some(Decimal::from_str("0.0000001").unwrap()));
    assert_eq!(t.bid_px, Some(Decimal::from_str("0.25").unwrap()));
    assert_eq!(t.inst_type, None);
}

#[test]
fn index_candle_six_elements() {
    let c: Candle =
        serde_json::from_str(r#"["1597026383085","3.721","3.743","3.677","3.708","0"]"#).unwrap();
    assert!(!c.confirm);
    assert_eq!(c.vol, None);
    assert_eq!(
        serde_json::to_string(&c).unwrap(),
        r#"["1597026383085","3.721","3.743","3.677","3.708","0"]"#
    );
}

#[test]
fn cl_ord_id_rule() {
    assert!(ClOrdId::new("abc123XYZ").is_ok());
    assert!(ClOrdId::new("1".repeat(32)).is_ok());
    assert_eq!(ClOrdId::new(""), Err(ClOrdIdError::Empty));
    assert_eq!(
        ClOrdId::new("a".repeat(33)),
        Err(ClOrdIdError::TooLong { len: 33 })
    );
    let e = ClOrdId::new("my order").unwrap_err();
    assert_eq!(e, ClOrdIdError::InvalidChar { ch: ' ', index: 2 });
    assert_eq!(
        e.to_string(),
        "client order id has invalid character ' ' at 2; only ascii letters and digits are allowed"
    );
    assert!("ok1".parse::<ClOrdId>().is_ok());
}

#[test]
fn remaining_size_refuses_mixed_units() {
    let order = |inst_type: &str, side: &str, ord_type: &str, tgt_ccy: &str| {
        let mut v = order_json();
        v["instType"] = json!(inst_type);
        v["side"] = json!(side);
        v["ordType"] = json!(ord_type);
        v["tgtCcy"] = json!(tgt_ccy);
        v["sz"] = json!("100");
        v["accFillSz"] = json!("0.001");
        serde_json::from_value::<Order>(v).unwrap()
    };
    // sz in USDT, accFillSz in BTC: no meaningful difference.
    assert_eq!(order("SPOT", "buy", "market", "").remaining_sz(), None);
    assert_eq!(
        order("SPOT", "sell", "market", "quote_ccy").remaining_sz(),
        None
    );
    assert_eq!(order("MARGIN", "buy", "market", "").remaining_sz(), None);
    // Same unit on both sides.
    let left = Decimal::from_str("99.999").unwrap();
    assert_eq!(
        order("SPOT", "buy", "market", "base_ccy").remaining_sz(),
        Some(left)
    );
    assert_eq!(
        order("SPOT", "sell", "market", "").remaining_sz(),
        Some(left)
    );
    assert_eq!(order("SPOT", "buy", "limit", "").remaining_sz(), Some(left));
    assert_eq!(
        order("SWAP", "buy", "market", "").remaining_sz(),
        Some(left)
    );
}

#[test]
fn decimals_never_lose_a_significant_digit() {
    let px = |text: &str| {
        serde_json::from_value::<Ticker>(
            json!({"instType": "SPOT", "instId": "A-B", "last": text, "ts": "1"}),
        )
    };
    // 29 fraction digits: the one significant digit would round to zero.
    assert!(px("0.00000000000000000000000000001").is_err());
    assert!(px("1_000").is_err());
    // A float-derived value printed in full keeps what fits in a Decimal.
    let t = px("-57693.044376796888536773622035980224609375").unwrap();
    assert_eq!(
        t.last,
        Some(Decimal::from_str("-57693.044376796888536773622036").unwrap())
    );
    // Zeros padded past 28 digits are dropped, the value is kept.
    let t = px("99999999999999.0000000000000000").unwrap();
    assert_eq!(t.last, Some(Decimal::from(99_999_999_999_999_i64)));
}
