use super::common::*;
use okx_testkit::ws::WsServer;
use okx_ws::{Arg, Overflow, PushData, WsClient, WsEvent};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn a_slow_consumer_loses_old_market_data_but_no_order_update() {
    let server = WsServer::start().await.unwrap();
    let mut cfg = private_config(&server);
    cfg.market_capacity = 4;
    cfg.lossless_capacity = 2;
    cfg.overflow = Overflow::DropOldest;
    let (client, mut events) = WsClient::new(cfg).unwrap();
    client
        .subscribe([
            Arg::new("tickers").inst_id("BTC-USDT"),
            Arg::new("orders").inst_type("ANY"),
        ])
        .await
        .unwrap();
    let uid = "44000000000001";
    for i in 0..40 {
        server.push(
            json!({"channel": "tickers", "instId": "BTC-USDT"}),
            tickers_data("BTC-USDT", &format!("{}", 100 + i)),
        );
    }
    let order = |i: u32| {
        json!([{"instType": "SPOT", "instId": "BTC-USDT", "ordId": format!("{i}"), "clOrdId": "", "px": "1",
                "sz": "1", "ordType": "limit", "side": "buy", "tdMode": "cash", "state": "live", "accFillSz": "0",
                "cTime": "1", "uTime": "1"}])
    };
    for i in 0..30 {
        server.push(
            json!({"channel": "orders", "instType": "SPOT", "instId": "BTC-USDT", "uid": uid}),
            order(i),
        );
    }
    // Nobody read so far; now read everything.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let seen = drain(&mut events, Duration::from_millis(800)).await;
    let mut order_ids = Vec::new();
    let mut lasts = Vec::new();
    let mut dropped = 0;
    for ev in &seen {
        match ev {
            WsEvent::Lagged { dropped: n } => dropped += n,
            WsEvent::Push(p) => match &p.data {
                PushData::Orders(rows) => order_ids.push(rows[0].ord_id.to_string()),
                PushData::Tickers(rows) => {
                    lasts.push(rows[0].last.map(|d| d.to_string()).unwrap_or_default())
                }
                _ => {}
            },
            _ => {}
        }
    }
    let expected: Vec<String> = (0..30).map(|i| i.to_string()).collect();
    assert_eq!(order_ids, expected, "every order update, in order");
    assert!(dropped > 0, "the slow consumer must be told");
    // The 40 scripted tickers and the one pushed on subscribe.
    assert_eq!(dropped as usize + lasts.len(), 41);
    assert_eq!(
        lasts.last().map(String::as_str),
        Some("139"),
        "the newest ticker survives"
    );
}

#[tokio::test]
async fn unknown_pushes_on_a_private_connection_are_never_dropped() {
    let server = WsServer::start().await.unwrap();
    let mut cfg = private_config(&server);
    cfg.market_capacity = 1;
    cfg.overflow = Overflow::DropOldest;
    let (client, mut events) = WsClient::new(cfg).unwrap();
    client
        .subscribe([Arg::new("orders").inst_type("ANY")])
        .await
        .unwrap();
    // Routed to the connection holding `orders`, but on a channel this
    // crate has no type for.
    let route = json!({"channel": "orders", "instType": "SPOT"});
    for i in 0..5 {
        let frame = json!({"arg": {"channel": "new-private-thing", "uid": "44000000000001"},
            "data": [{"n": i}]});
        server.push_raw(&route, frame.to_string());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let seen = drain(&mut events, Duration::from_millis(500)).await;
    let unknown = seen
        .iter()
        .filter(|e| matches!(e, WsEvent::Unknown { channel, .. } if channel == "new-private-thing"))
        .count();
    assert_eq!(unknown, 5, "{seen:?}");
    assert!(!seen.iter().any(|e| matches!(e, WsEvent::Lagged { .. })));
}
