//! Algo orders: stop-loss / take-profit and trigger orders fire when the
//! last price crosses them, and are pushed on `orders-algo`.

use super::common::*;
use rust_decimal::Decimal;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn a_stop_loss_fires_when_the_last_price_falls_through_it() {
    let okx = still_unlimited().await;
    let rest = Rest::new(&okx, Key::default_account());
    let mut ws = Ws::connect(&format!("{}/ws/v5/business", okx.ws_url())).await;
    ws.login(&Key::default_account()).await;
    ws.subscribe(json!([{"channel": "orders-algo", "instType": "SPOT"}]))
        .await;
    let (bid, _) = okx.best_bid_ask("BTC-USDT").expect("book");
    let trigger = bid - Decimal::new(5, 1);
    let v = rest
        .post("/api/v5/trade/order-algo", json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "sell",
            "ordType": "conditional", "sz": "0.01", "slTriggerPx": trigger.to_string(), "slOrdPx": "-1",
            "algoClOrdId": "stop1"}))
        .await;
    assert_eq!(v["data"][0]["sCode"], "0", "{v}");
    let algo_id = v["data"][0]["algoId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let live = ws.until(5 * SECOND, |p| channel(p) == "orders-algo").await;
    assert_eq!(
        (
            live["data"][0]["state"].as_str(),
            live["data"][0]["algoClOrdId"].as_str()
        ),
        (Some("live"), Some("stop1"))
    );
    let pending = rest
        .data("/api/v5/trade/orders-algo-pending?ordType=conditional")
        .await;
    assert_eq!(pending.len(), 1);
    // A market sell walks the bids down through the trigger.
    rest.place(json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "sell", "ordType": "market", "sz": "0.5"}))
        .await;
    let fired = ws
        .until(5 * SECOND, |p| {
            channel(p) == "orders-algo" && p["data"][0]["state"] != "live"
        })
        .await;
    let data = &fired["data"][0];
    assert_eq!(
        (data["state"].as_str(), data["actualSide"].as_str()),
        (Some("effective"), Some("sl"))
    );
    let ord_id = data["ordId"].as_str().unwrap_or_default().to_owned();
    let order = rest.order("BTC-USDT", &ord_id).await;
    assert_eq!(
        (order["state"].as_str(), order["side"].as_str()),
        (Some("filled"), Some("sell"))
    );
    assert_eq!(dec(&order["accFillSz"]), Decimal::new(1, 2));
    assert!(
        rest.data("/api/v5/trade/orders-algo-pending?ordType=conditional")
            .await
            .is_empty()
    );
    let done = rest
        .data(&format!(
            "/api/v5/trade/orders-algo-history?ordType=conditional&algoId={algo_id}"
        ))
        .await;
    assert_eq!(done[0]["state"], "effective");
}

#[tokio::test]
async fn trigger_orders_wait_and_cancel_algos_cancels_them() {
    let okx = still_unlimited().await;
    let rest = Rest::new(&okx, Key::default_account());
    let (_, ask) = okx.best_bid_ask("BTC-USDT").expect("book");
    let far = ask + Decimal::from(500);
    let v = rest
        .post(
            "/api/v5/trade/order-algo",
            json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy",
            "ordType": "trigger", "sz": "0.01", "triggerPx": far.to_string(), "orderPx": "-1"}),
        )
        .await;
    let algo_id = v["data"][0]["algoId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    okx.step_market(20);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        rest.data("/api/v5/trade/orders-algo-pending?ordType=trigger")
            .await
            .len(),
        1,
        "not reached"
    );
    let v = rest
        .post(
            "/api/v5/trade/cancel-algos",
            json!([{"instId": "BTC-USDT", "algoId": algo_id}]),
        )
        .await;
    assert_eq!(v["data"][0]["sCode"], "0", "{v}");
    assert!(
        rest.data("/api/v5/trade/orders-algo-pending?ordType=trigger")
            .await
            .is_empty()
    );
    let v = rest
        .post(
            "/api/v5/trade/cancel-algos",
            json!([{"instId": "BTC-USDT", "algoId": algo_id}]),
        )
        .await;
    assert_eq!(v["data"][0]["sCode"], "51400", "{v}");
    let v = rest.get("/api/v5/trade/orders-algo-pending").await;
    assert_eq!(v["code"], "50014", "ordType is required: {v}");
}
