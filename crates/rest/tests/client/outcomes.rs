//! What a write's outcome is when OKX's answer does not say it plainly.
//! "Rejected" invites the caller to place again, so it is claimed only when
//! nothing in the answer leaves room for doubt.

use std::time::Duration;

use okx_models::trade::OrderRequest;
use okx_models::{OrdType, Side, TdMode};
use okx_rest::api::trade::{PlaceBatchOrders, PlaceBatchOrdersItem};
use okx_rest::{Error, OkxCode, RestClient, WriteOutcome};
use okx_testkit::rest::MockOkx;

use super::{builder, dec, limit_order, ticker};

const PLACE: &str = "/api/v5/trade/order";
const BATCH: &str = "/api/v5/trade/batch-orders";

/// A client whose lost-answer lookups end quickly.
fn quick(okx: &MockOkx) -> RestClient {
    builder(okx)
        .exp_window(Duration::from_millis(50))
        .build()
        .expect("client builds")
}

async fn place_answered(status: u16, body: &str) -> (Error, MockOkx) {
    let okx = MockOkx::start().await;
    okx.set_response("POST", PLACE, status, body);
    let err = quick(&okx)
        .place(limit_order("0.01"))
        .await
        .expect_err("no ack in the answer");
    (err, okx)
}

#[tokio::test]
async fn code_zero_with_empty_data_on_place_is_unknown_and_looked_up() {
    let (err, okx) = place_answered(200, r#"{"code":"0","msg":"","data":[]}"#).await;
    assert_eq!(err.write_outcome(), WriteOutcome::Unknown, "{err}");
    assert!(matches!(err, Error::Decode { .. }), "{err}");
    assert!(
        okx.count("GET", PLACE) >= 1,
        "an unknown outcome is resolved by looking the clOrdId up"
    );
}

#[tokio::test]
async fn code_zero_with_data_that_is_no_list_on_place_is_unknown() {
    for body in [
        r#"{"code":"0","msg":"","data":{}}"#,
        r#"{"code":"0","msg":"","data":null}"#,
        r#"{"code":"0","msg":"","data":"ok"}"#,
        r#"{"code":"0","msg":""}"#,
    ] {
        let (err, _okx) = place_answered(200, body).await;
        assert_eq!(err.write_outcome(), WriteOutcome::Unknown, "{body}: {err}");
    }
}

#[tokio::test]
async fn an_unreadable_code_on_place_is_unknown_not_success_or_rejection() {
    for body in [
        r#"{"code":0,"msg":"","data":[{"ordId":"1","clOrdId":"a","sCode":"0","sMsg":""}]}"#,
        r#"{"code":"","msg":"","data":[{"ordId":"1","clOrdId":"a","sCode":"0","sMsg":""}]}"#,
        r#"{"code":"zz","msg":"","data":[]}"#,
        r#"{"code":null,"msg":"","data":[]}"#,
        "not json at all",
    ] {
        let (err, _okx) = place_answered(200, body).await;
        assert_eq!(err.write_outcome(), WriteOutcome::Unknown, "{body}: {err}");
    }
}

#[tokio::test]
async fn an_okx_error_under_http_500_on_place_is_unknown() {
    let (err, _okx) =
        place_answered(500, r#"{"code":"50026","msg":"System error","data":[]}"#).await;
    assert_eq!(err.okx_code(), Some(OkxCode::SYSTEM_ERROR));
    assert_eq!(err.write_outcome(), WriteOutcome::Unknown, "{err}");
}

#[tokio::test]
async fn a_plain_okx_refusal_is_still_rejected() {
    let body = r#"{"code":"1","msg":"All operations failed","data":[
        {"ordId":"","clOrdId":"a","sCode":"51008","sMsg":"Insufficient balance"}]}"#;
    let (err, okx) = place_answered(200, body).await;
    assert_eq!(err.okx_code(), Some(OkxCode::INSUFFICIENT_BALANCE));
    assert_eq!(err.write_outcome(), WriteOutcome::Rejected);
    assert_eq!(okx.count("GET", PLACE), 0, "a rejection needs no lookup");
}

#[tokio::test]
async fn a_numeric_code_zero_is_not_success_for_a_read() {
    let okx = MockOkx::start().await;
    let row = r#"{"instId":"BTC-USDT","last":"1","ts":"1"}"#;
    for body in [
        format!(r#"{{"code":0,"msg":"","data":[{row}]}}"#),
        format!(r#"{{"code":"","msg":"","data":[{row}]}}"#),
    ] {
        okx.set_response("GET", "/api/v5/market/ticker", 200, body.clone());
        let err = builder(&okx)
            .retries(0, Duration::ZERO)
            .build()
            .expect("builds")
            .send(&ticker())
            .await
            .expect_err("not OKX's success");
        assert!(matches!(err, Error::Decode { .. }), "{body}: {err}");
    }
    // a numeric non-zero code is the gateway's error, read as before
    okx.set_response(
        "GET",
        "/api/v5/market/ticker",
        429,
        r#"{"code":50011,"msg":"Too Many Requests"}"#,
    );
    let err = builder(&okx)
        .retries(0, Duration::ZERO)
        .build()
        .expect("builds")
        .send(&ticker())
        .await
        .expect_err("rate limited");
    assert_eq!(err.okx_code(), Some(OkxCode::RATE_LIMIT), "{err}");
}

fn two_orders() -> Vec<OrderRequest> {
    vec![limit_order("0.01"), limit_order("0.02")]
}

async fn batch_answered(body: &str) -> Error {
    let okx = MockOkx::start().await;
    okx.set_response("POST", BATCH, 200, body);
    quick(&okx)
        .place_many(two_orders())
        .await
        .expect_err("the answer does not settle the batch")
}

#[tokio::test]
async fn a_partial_batch_without_items_is_partial_not_rejected() {
    let err = batch_answered(r#"{"code":"2","msg":"","data":[]}"#).await;
    assert_eq!(err.write_outcome(), WriteOutcome::Partial, "{err}");
}

#[tokio::test]
async fn a_batch_answer_missing_items_is_unknown() {
    let one = r#"{"code":"0","msg":"","data":[{"ordId":"1","clOrdId":"a","sCode":"0","sMsg":""}]}"#;
    let err = batch_answered(one).await;
    assert_eq!(err.write_outcome(), WriteOutcome::Unknown, "{err}");
    let none = r#"{"code":"0","msg":"","data":[]}"#;
    let err = batch_answered(none).await;
    assert_eq!(err.write_outcome(), WriteOutcome::Unknown, "{err}");
}

#[tokio::test]
async fn a_batch_with_a_timed_out_item_is_unknown_through_send() {
    let okx = MockOkx::start().await;
    let body = r#"{"code":"1","msg":"","data":[
        {"ordId":"","clOrdId":"a","sCode":"51008","sMsg":"Insufficient balance"},
        {"ordId":"","clOrdId":"b","sCode":"51149","sMsg":"Order timed out"}]}"#;
    okx.set_response("POST", BATCH, 200, body);
    let item = PlaceBatchOrdersItem::new(
        "BTC-USDT",
        TdMode::Cash,
        Side::Buy,
        OrdType::Limit,
        dec("1"),
    )
    .px(dec("1"));
    let req = PlaceBatchOrders::new(vec![item.clone(), item]);
    let err = quick(&okx).send(&req).await.expect_err("failed items");
    // the first failed item says "rejected"; the second may have been placed
    assert_eq!(err.okx_code(), Some(OkxCode::INSUFFICIENT_BALANCE));
    assert_eq!(err.write_outcome(), WriteOutcome::Unknown, "{err}");
}
