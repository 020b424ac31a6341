//! WS order entry by `instIdCode` (OKX ignores `instId` in WS orders since
//! 2026-03/04), and the code of an instrument that was listed again: it is
//! refreshed before use, never sent stale.

use super::common::*;
use okx_models::trade::OrderRequest;
use okx_models::{Instrument, OkxCode, Side};
use okx_testkit::ws::WsServer;
use okx_ws::{Arg, PushData, WsClient, WsConfig, WsError, WsEvent, WsEvents};
use rust_decimal::Decimal;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn instrument(code: Option<i64>, list_time: &str, state: &str) -> Instrument {
    serde_json::from_value(row(code, list_time, state)).unwrap()
}

fn row(code: Option<i64>, list_time: &str, state: &str) -> serde_json::Value {
    let mut v = json!({"instType": "SPOT", "instId": "XAU-USDT", "baseCcy": "XAU",
        "quoteCcy": "USDT", "state": state, "listTime": list_time, "tickSz": "0.01",
        "lotSz": "0.001", "minSz": "0.001"});
    if let Some(c) = code {
        v["instIdCode"] = json!(c);
    }
    v
}

fn order() -> OrderRequest {
    OrderRequest::limit("XAU-USDT", Side::Buy, Decimal::ONE, Decimal::new(2400, 0))
}

async fn client(server: &WsServer, cfg: WsConfig) -> (WsClient, WsEvents) {
    let (client, events) = WsClient::new(cfg).unwrap();
    client
        .subscribe([
            Arg::new("orders").inst_type("ANY"),
            Arg::new("instruments").inst_type("SPOT"),
        ])
        .await
        .unwrap();
    let _ = server;
    (client, events)
}

async fn instruments_push(server: &WsServer, events: &mut WsEvents, row: serde_json::Value) {
    let sent = server.push(
        json!({"channel": "instruments", "instType": "SPOT"}),
        json!([row]),
    );
    assert_eq!(sent, 1);
    wait_for(
        events,
        Duration::from_secs(5),
        |e| matches!(e, WsEvent::Push(p) if matches!(p.data, PushData::Instruments(_))),
    )
    .await;
}

#[tokio::test]
async fn a_relisted_instrument_is_traded_under_the_code_its_push_brings() {
    let server = WsServer::start().await.unwrap();
    // OKX knows only the new listing's code; the old one (7000001) names
    // nothing there.
    server.add_instrument("XAU-USDT", 20002, "2400");
    let (client, mut events) = client(&server, private_config(&server)).await;
    client.load_instruments(&[instrument(Some(7_000_001), "1700000000000", "live")]);
    // The old code names nothing any more: OKX refuses it, and the client
    // does not send it again.
    let err = client.trading().place(&order()).await.unwrap_err();
    assert!(
        matches!(&err, WsError::Rejected { code, .. } if *code == OkxCode::INSTRUMENT_NOT_FOUND),
        "{err:?}"
    );
    let ops = server.stats().trade_ops;
    let err = client.trading().place(&order()).await.unwrap_err();
    assert_eq!(err, WsError::StaleInstIdCode("XAU-USDT".into()));
    assert_eq!(
        server.stats().trade_ops,
        ops,
        "nothing sent with a stale code"
    );
    // The instruments channel announces the new listing with its code.
    instruments_push(
        &server,
        &mut events,
        row(Some(20002), "1760000000000", "live"),
    )
    .await;
    let ack = client.trading().place(&order()).await.unwrap();
    assert!(!ack.ord_id.as_str().is_empty());
}

#[tokio::test]
async fn a_relisting_announced_without_a_code_is_looked_up_before_the_order_goes_out() {
    let server = WsServer::start().await.unwrap();
    server.add_instrument("XAU-USDT", 20002, "2400");
    let lookups = Arc::new(AtomicUsize::new(0));
    let counted = lookups.clone();
    let cfg = private_config(&server).instrument_source(move |inst_id: String| {
        counted.fetch_add(1, Ordering::SeqCst);
        async move {
            assert_eq!(inst_id, "XAU-USDT");
            Ok(instrument(Some(20002), "1760000000000", "live"))
        }
    });
    let (client, mut events) = client(&server, cfg).await;
    // The old listing's code: the look-alike never knew it either.
    client.load_instruments(&[instrument(Some(7_000_001), "1700000000000", "live")]);
    // Pre-announced new listing: partial fields, no code yet.
    instruments_push(&server, &mut events, row(None, "1760000000000", "preopen")).await;
    let before = server.stats().trade_ops;
    let ack = client.trading().place(&order()).await.unwrap();
    assert!(!ack.ord_id.as_str().is_empty());
    assert_eq!(lookups.load(Ordering::SeqCst), 1);
    assert_eq!(
        server.stats().trade_ops,
        before + 1,
        "one order, with the fresh code"
    );
    // Known now: no second lookup.
    client.trading().place(&order()).await.unwrap();
    assert_eq!(lookups.load(Ordering::SeqCst), 1);
}
