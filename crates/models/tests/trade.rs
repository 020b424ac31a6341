//! The order-entry vocabulary carries every field OKX's docs list for
//! place, amend and cancel (`../shared/okx-v5/endpoints.json`).

use std::collections::BTreeSet;

use okx_models::trade::{AmendRequest, AttachAlgo, CancelRequest, OrderRequest};
use okx_models::{ClOrdId, Decimal, Side};
use serde_json::Value;

fn endpoint_fields(path: &str) -> Option<(BTreeSet<String>, BTreeSet<String>)> {
    let dir = super::common::fixtures()?;
    let file = dir.join("../../okx-v5/endpoints.json");
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let all: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("endpoints.json: {e}"));
    let ep = all
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["method"] == "POST" && e["path"] == path)
        .unwrap_or_else(|| panic!("{path} is not in endpoints.json"));
    let mut top = BTreeSet::new();
    let mut nested = BTreeSet::new();
    for f in ep["request"].as_array().into_iter().flatten() {
        top.insert(f["name"].as_str().unwrap_or_default().to_owned());
        for c in f["children"].as_array().into_iter().flatten() {
            nested.insert(c["name"].as_str().unwrap_or_default().to_owned());
        }
    }
    Some((top, nested))
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap_or_default()
}

fn id(s: &str) -> ClOrdId {
    ClOrdId::new(s).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn order_request_has_every_documented_field() {
    let Some((top, nested)) = endpoint_fields("/api/v5/trade/order") else {
        return;
    };
    // Every optional field set, so serialization shows them all.
    let mut o = OrderRequest::limit("BTC-USDT", Side::Buy, d("1"), d("1"));
    o.ccy = Some("USDT".into());
    o.cl_ord_id = Some(id("a1"));
    o.tag = Some("t".into());
    o.pos_side = Some(okx_models::PosSide::Long);
    o.px_usd = Some(d("1"));
    o.px_vol = Some(d("1"));
    o.reduce_only = Some(true);
    o.tgt_ccy = Some(okx_models::TgtCcy::BaseCcy);
    o.ban_amend = Some(false);
    o.px_amend_type = Some("0".into());
    o.trade_quote_ccy = Some("USDT".into());
    o.stp_mode = Some(okx_models::StpMode::CancelMaker);
    o.attach_algo_ords.push(AttachAlgo {
        attach_algo_cl_ord_id: Some(id("a2")),
        tp_trigger_px: Some(d("1")),
        tp_ord_px: Some(d("1")),
        tp_ord_kind: Some(okx_models::TpOrdKind::Condition),
        sl_trigger_px: Some(d("1")),
        sl_ord_px: Some(d("1")),
        tp_trigger_px_type: Some(okx_models::TriggerPxType::Last),
        sl_trigger_px_type: Some(okx_models::TriggerPxType::Last),
        sz: Some(d("1")),
        amend_px_on_trigger_type: Some("0".into()),
    });
    let v = o.to_json();
    assert_eq!(keys(&v), top);
    assert_eq!(keys(&v["attachAlgoOrds"][0]), nested);
}

#[test]
fn amend_and_cancel_requests_have_every_documented_field() {
    let Some((top, _)) = endpoint_fields("/api/v5/trade/amend-order") else {
        return;
    };
    let mut a = AmendRequest::by_ord_id("BTC-USDT", "1")
        .new_px(d("1"))
        .new_sz(d("1"))
        .cancel_on_fail();
    a.cl_ord_id = Some(id("c"));
    a.req_id = Some(id("r"));
    a.new_px_usd = Some(d("1"));
    a.new_px_vol = Some(d("1"));
    a.px_amend_type = Some("0".into());
    a.attach_algo_ords.push(serde_json::json!({}));
    assert_eq!(keys(&a.to_json()), top);
    let Some((top, _)) = endpoint_fields("/api/v5/trade/cancel-order") else {
        return;
    };
    let mut c = CancelRequest::by_ord_id("BTC-USDT", "1");
    c.cl_ord_id = Some(id("c"));
    assert_eq!(keys(&c.to_json()), top);
}
