//! Answers OKX does not write: each is reported at once for what it is,
//! and a trading call that cannot know what happened says so.

use super::common::*;
use super::scripted;
use okx_auth::Credentials;
use okx_models::trade::OrderRequest;
use okx_models::{InstType, OkxCode, Side};
use okx_ws::{Arg, DisconnectReason, MassCancel, WsClient, WsConfig, WsError, WsEvent};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Long enough that an answer "at once" cannot be the timeout firing.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

fn scripted_config(addr: std::net::SocketAddr) -> WsConfig {
    let mut cfg = WsConfig::live()
        .base_url(format!("ws://{addr}"))
        .credentials(Credentials::new("test-key", "test-secret", "test-pass"));
    cfg.request_timeout = REQUEST_TIMEOUT;
    cfg
}

async fn first_connect_failure(login_answer: &'static str) -> String {
    let addr = scripted::start(move |req| match req["op"].as_str() {
        Some("login") => vec![login_answer.to_owned()],
        _ => scripted::usual(req).unwrap_or_default(),
    })
    .await;
    let (client, mut events) = WsClient::new(scripted_config(addr)).unwrap();
    let started = Instant::now();
    let subscribe = {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .subscribe([Arg::new("orders").inst_type("ANY")])
                .await
        })
    };
    let ev = wait_for(&mut events, Duration::from_secs(10), |e| {
        matches!(
            e,
            WsEvent::Connected { .. }
                | WsEvent::Disconnected {
                    reason: DisconnectReason::ConnectFailed(_),
                    ..
                }
        )
    })
    .await;
    assert!(
        started.elapsed() < REQUEST_TIMEOUT / 3,
        "reported after {:?}, not at once",
        started.elapsed()
    );
    subscribe.abort();
    match ev {
        WsEvent::Disconnected {
            reason: DisconnectReason::ConnectFailed(why),
            ..
        } => why,
        other => panic!("{login_answer} was taken for a login: {other:?}"),
    }
}

#[tokio::test]
async fn a_login_answer_with_an_unreadable_code_is_reported_at_once() {
    let why = first_connect_failure(r#"{"event":"login","code":"zz","msg":""}"#).await;
    assert!(why.contains("unreadable login answer"), "{why}");
    assert!(why.contains("zz"), "says what arrived: {why}");
}

#[tokio::test]
async fn a_login_answer_without_a_code_or_with_a_numeric_zero_is_no_login() {
    for answer in [
        r#"{"event":"login","msg":"","connId":"c1"}"#,
        r#"{"event":"login","code":0,"msg":"","connId":"c1"}"#,
        r#"{"event":"login","code":"","msg":"","connId":"c1"}"#,
    ] {
        let why = first_connect_failure(answer).await;
        assert!(why.contains("unreadable login answer"), "{answer}: {why}");
    }
}

/// A private peer that logs in and acks, and answers trading ops with
/// `answer(id)`.
async fn trading_peer(answer: fn(&Value) -> String) -> WsClient {
    let addr = scripted::start(move |req| {
        scripted::usual(req).unwrap_or_else(|| vec![answer(&req["id"])])
    })
    .await;
    let (client, _events) = WsClient::new(scripted_config(addr)).unwrap();
    client.set_inst_id_code("BTC-USDT", 10459);
    client
        .subscribe([Arg::new("orders").inst_type("ANY")])
        .await
        .unwrap();
    client
}

fn order() -> OrderRequest {
    OrderRequest::limit("BTC-USDT", Side::Buy, Decimal::ONE, Decimal::new(30_000, 0))
}

async fn place_with(answer: fn(&Value) -> String) -> WsError {
    let client = trading_peer(answer).await;
    let started = Instant::now();
    let err = client
        .trading()
        .place(&order())
        .await
        .expect_err("no ack in the answer");
    assert!(
        started.elapsed() < REQUEST_TIMEOUT / 3,
        "answered after {:?}: the timeout, not the answer",
        started.elapsed()
    );
    err
}

#[tokio::test]
async fn code_zero_with_empty_data_on_a_ws_order_is_an_unknown_outcome() {
    let err = place_with(|id| {
        json!({"id": id, "op": "order", "code": "0", "msg": "", "data": []}).to_string()
    })
    .await;
    assert!(err.outcome_unknown(), "{err:?}");
}

#[tokio::test]
async fn an_unreadable_code_on_a_ws_order_is_reported_at_once_as_unknown() {
    for answer in [
        (|id: &Value| {
            json!({"id": id, "op": "order", "code": "zz", "msg": "", "data": []}).to_string()
        }) as fn(&Value) -> String,
        |id| {
            json!({"id": id, "op": "order", "code": 0, "msg": "", "data": [
            {"ordId": "1", "clOrdId": "", "tag": "", "sCode": "0", "sMsg": ""}]})
            .to_string()
        },
        |id| {
            json!({"id": id, "op": "order", "msg": "", "data": [
            {"ordId": "1", "clOrdId": "", "tag": "", "sCode": "0", "sMsg": ""}]})
            .to_string()
        },
    ] {
        let err = place_with(answer).await;
        assert!(matches!(err, WsError::Decode { .. }), "{err:?}");
        assert!(err.outcome_unknown(), "{err:?}");
    }
}

#[tokio::test]
async fn an_order_that_timed_out_inside_okx_is_an_unknown_outcome() {
    let err = place_with(|id| {
        json!({"id": id, "op": "order", "code": "1", "msg": "", "data": [
            {"ordId": "", "clOrdId": "", "tag": "", "sCode": "51149", "sMsg": "Order timed out"}]})
        .to_string()
    })
    .await;
    assert!(
        matches!(err, WsError::Rejected { code, .. } if code == OkxCode::ORDER_TIMEOUT),
        "{err:?}"
    );
    assert!(err.outcome_unknown(), "{err:?}");
}

#[tokio::test]
async fn a_plain_refusal_of_a_ws_order_is_a_known_outcome() {
    let err = place_with(|id| {
        json!({"id": id, "op": "order", "code": "1", "msg": "", "data": [
            {"ordId": "", "clOrdId": "", "tag": "", "sCode": "51008", "sMsg": "Insufficient"}]})
        .to_string()
    })
    .await;
    assert!(matches!(err, WsError::Rejected { code, .. } if code == OkxCode::INSUFFICIENT_BALANCE));
    assert!(!err.outcome_unknown());
}

#[tokio::test]
async fn a_partial_batch_without_items_is_an_unknown_outcome() {
    let client = trading_peer(|id| {
        json!({"id": id, "op": "batch-orders", "code": "2", "msg": "", "data": []}).to_string()
    })
    .await;
    let err = client
        .trading()
        .place_many(&[order(), order()])
        .await
        .expect_err("no items");
    assert!(err.outcome_unknown(), "{err:?}");
}

#[tokio::test]
async fn a_mass_cancel_success_without_a_result_is_not_a_refusal() {
    let client = trading_peer(|id| {
        json!({"id": id, "op": "mass-cancel", "code": "0", "msg": "", "data": []}).to_string()
    })
    .await;
    let req = MassCancel::new(InstType::Option, "BTC-USD");
    let err = client
        .trading()
        .mass_cancel(&req)
        .await
        .expect_err("success says nothing about the orders");
    assert!(err.outcome_unknown(), "{err:?}");
}
