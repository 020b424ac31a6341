//! The envelope and API errors on every REST fixture, and a check that every
//! fixture file is classified by one of these tests.

use std::path::Path;

use okx_models::{ApiError, Envelope, ItemResult, OkxCode, api_error_from_body};
use serde_json::Value;

use crate::common::{fixtures, frames, load};

fn body(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

fn error_of(dir: &Path, rel: &str) -> ApiError {
    let v = load(dir, rel);
    api_error_from_body(&body(&v)).unwrap_or_else(|| panic!("{rel}: no error found"))
}

#[test]
fn top_level_errors() {
    let Some(dir) = fixtures() else { return };

    let e = error_of(&dir, "rest/error_50011_too_many_requests_nautilus.json");
    assert_eq!(e.code, OkxCode::RATE_LIMIT);
    assert_eq!(e.msg, "Too Many Requests");
    assert!(e.is_rate_limit() && e.is_retryable() && !e.is_auth());

    let e = error_of(
        &dir,
        "rest/error_50111_invalid_access_key_http401_nautilus.json",
    );
    assert_eq!(e.code, OkxCode::INVALID_KEY);
    assert!(e.is_auth() && !e.is_retryable());
    assert_eq!(e.to_string(), "okx error 50111: Invalid OK-ACCESS-KEY");

    let e = error_of(&dir, "rest/error_404_not_found_nautilus.json").with_http_status(404);
    assert_eq!(e.code, OkxCode(404));
    assert_eq!(e.http_status, Some(404));

    let e = error_of(&dir, "rest/ccxtsrc_error_58001_empty_data.json");
    assert_eq!(e.code, OkxCode(58001));
    assert!(e.items.is_empty());
}

#[test]
fn per_item_errors_are_authoritative() {
    let Some(dir) = fixtures() else { return };
    for (rel, s_code) in [
        ("rest/ccxtsrc_close_position_error_51000.json", 51000),
        ("rest/ccxtsrc_place_algo_error_51000_tdmode.json", 51000),
        (
            "rest/ccxtsrc_place_order_error_51010_operation_failed.json",
            51010,
        ),
        ("rest/ccxtsrc_place_order_error_51119.json", 51119),
        (
            "rest/ccxtsrc_place_order_error_51155_all_failed.json",
            51155,
        ),
        ("rest/cancel_order_error_51000_unattributed.json", 51000),
        (
            "rest/place_order_error_54109_all_failed_nautilus.json",
            54109,
        ),
    ] {
        let e = error_of(&dir, rel);
        assert_eq!(e.code, OkxCode::ALL_FAILED, "{rel}");
        assert_eq!(e.effective_code(), OkxCode(s_code), "{rel}");
        assert_eq!(e.items.len(), 1, "{rel}");
        assert!(e.to_string().contains(&s_code.to_string()), "{rel}: {e}");
    }
    let e = error_of(
        &dir,
        "rest/place_order_error_54109_all_failed_nautilus.json",
    );
    assert_eq!(
        e.items[0].cl_ord_id.as_ref().map(|c| c.as_str()),
        Some("Ousdcnotactive1")
    );
    assert_eq!(e.items[0].ord_id, None);

    // one file holds a failed and a successful placement
    let v = load(
        &dir,
        "rest/place_order_error_51094_and_ok_unattributed.json",
    );
    let f = frames(&v);
    let failed: Envelope<ItemResult> = serde_json::from_value(f[0].clone()).unwrap();
    assert_eq!(failed.in_time, Some(1_718_339_551_209_444));
    assert_eq!(failed.out_time, Some(1_718_339_551_210_787));
    let err = failed.into_checked().unwrap_err();
    assert_eq!(err.effective_code(), OkxCode(51094));
    let ok: Envelope<ItemResult> = serde_json::from_value(f[1].clone()).unwrap();
    let items = ok.into_checked().unwrap();
    assert_eq!(items[0].ord_id.as_ref().unwrap(), "1538100941143183360");
    assert_eq!(items[0].msg, "Order placed");
}

#[test]
fn successful_acks() {
    let Some(dir) = fixtures() else { return };
    for (rel, n) in [
        ("rest/ccxtsrc_batch_orders_ok.json", 2),
        ("rest/ccxtsrc_amend_order_ok.json", 1),
        ("rest/ccxtsrc_amend_batch_orders_docs_like.json", 1),
        ("rest/ccxtsrc_cancel_order_ok.json", 1),
        ("rest/ccxt_place_algo_order_trigger.json", 1),
        ("rest/ccxt_place_order_swap_market_attached_sl.json", 1),
        ("ws/ccxtsrc_ws_op_batch_orders_response.json", 1),
        ("ws/ccxtsrc_ws_op_batch_cancel_orders_response.json", 1),
    ] {
        let v = load(&dir, rel);
        assert!(api_error_from_body(&body(&v)).is_none(), "{rel}");
        let env: Envelope<ItemResult> = serde_json::from_value(v).unwrap();
        let items = env.into_checked().unwrap();
        assert_eq!(items.len(), n, "{rel}");
        assert!(items.iter().all(|i| i.code == OkxCode::OK), "{rel}");
    }
    let v = load(&dir, "rest/ccxt_place_algo_order_trigger.json");
    let env: Envelope<ItemResult> = serde_json::from_value(v).unwrap();
    // algo acks name the order by algoId
    assert_eq!(env.data[0].algo_id.as_deref(), Some("2896574163517353984"));
    assert_eq!(env.data[0].ord_id, None);
}

/// Files that are envelopes of types this crate does not model (yet): they
/// must still decode as envelopes with a success code.
const OTHER_REST: &[&str] = &[
    "ccxt_account_bills_trade.json",
    "ccxt_account_bills_transfer.json",
    "ccxt_asset_balances_funding.json",
    "ccxt_asset_balances_funding_empty.json",
    "ccxt_asset_transfer.json",
    "ccxt_asset_transfer_state.json",
    "ccxt_orders_algo_pending_conditional_sl.json",
    "ccxt_positions_history_isolated_short.json",
    "funding_rate_history_nautilus.json",
    "index_tickers_nautilus.json",
    "mark_price_nautilus.json",
    "positions_history_nautilus.json",
    "set_position_mode_nautilus.json",
    "sprd_spreads_nautilus.json",
    "trade_fee_docs_example_nautilus.json",
];

/// Every REST fixture is covered by some test here; a new file must be classified.
#[test]
fn every_rest_fixture_is_classified() {
    let Some(dir) = fixtures() else { return };
    let conformance =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance.rs"))
            .unwrap();
    let this =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/envelope.rs")).unwrap();
    for entry in std::fs::read_dir(dir.join("rest")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !name.ends_with(".json") {
            continue;
        }
        let rel = format!("rest/{name}");
        if OTHER_REST.contains(&name.as_str()) {
            let v = load(&dir, &rel);
            let env: Envelope<Value> = serde_json::from_value(v).unwrap();
            assert!(env.is_ok(), "{rel}");
            continue;
        }
        let quoted = format!("\"{rel}\"");
        assert!(
            conformance.contains(&quoted) || this.contains(&quoted),
            "fixture {rel} is not covered by any okx-models test; classify it"
        );
    }
}

#[test]
fn empty_top_level_code_is_malformed_not_success() {
    let r = Envelope::<Value>::from_slice(br#"{"code":"","msg":"boom","data":[]}"#);
    assert!(r.is_err(), "an empty code must not read as success");
    let r = Envelope::<Value>::from_slice(br#"{"msg":"boom","data":[]}"#);
    assert!(r.is_err(), "a missing code must not read as success");
    // Per-item sCode may be empty on success.
    let item: ItemResult = serde_json::from_str(r#"{"sCode":"","sMsg":""}"#).unwrap();
    assert!(item.is_ok());
}

#[test]
fn partly_successful_batch_is_never_retryable() {
    let body = br#"{"code":"2","msg":"","data":[
        {"ordId":"1","clOrdId":"a1","sCode":"0","sMsg":""},
        {"ordId":"","clOrdId":"a2","sCode":"50011","sMsg":"Too Many Requests"}]}"#;
    let e = api_error_from_body(body).unwrap();
    assert!(e.is_partial());
    assert!(!e.is_retryable(), "resending would place a1 again");
    assert!(!e.is_rate_limit());
    let all_failed = br#"{"code":"1","msg":"","data":[
        {"ordId":"","clOrdId":"a2","sCode":"50011","sMsg":"Too Many Requests"}]}"#;
    let e = api_error_from_body(all_failed).unwrap();
    assert!(e.is_retryable() && e.is_rate_limit());
}

/// OKX writes every top-level code as a string; a numeric `0` is no OKX
/// success and an empty or unreadable code no answer at all.
#[test]
fn only_a_string_zero_is_success() {
    let ok =
        Envelope::<Value>::from_slice(br#"{"code":"0","msg":"","data":[1]}"#).expect("string zero");
    assert!(ok.is_ok());
    for body in [
        &br#"{"code":0,"msg":"","data":[1]}"#[..],
        br#"{"code":"","msg":"","data":[1]}"#,
        br#"{"code":null,"msg":"","data":[1]}"#,
        br#"{"msg":"","data":[1]}"#,
        br#"{"code":"zz","msg":"","data":[1]}"#,
        br#"{"code":"-1","msg":"","data":[1]}"#,
        br#"{"code":"0.0","msg":"","data":[1]}"#,
        br#"{"code":-1,"msg":"","data":[1]}"#,
    ] {
        let text = String::from_utf8_lossy(body);
        assert!(Envelope::<Value>::from_slice(body).is_err(), "{text}");
        assert!(api_error_from_body(body).is_none(), "{text}");
    }
    // the gateway's own numeric errors are still read
    let gateway = Envelope::<Value>::from_slice(br#"{"code":50011,"msg":"Too Many Requests"}"#)
        .expect("numeric non-zero code");
    assert_eq!(gateway.code, OkxCode::RATE_LIMIT);
}
