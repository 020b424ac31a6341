//! `cancel-all-after`: OKX cancels everything when the client stops
//! refreshing it.

use super::common::*;
use serde_json::json;
use std::time::Duration;

async fn rest_order(rest: &Rest, px: &str) -> String {
    rest.place(json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": px, "sz": "0.01"}))
        .await
}

/// Lets the exchange's 1-second timer run.
async fn timer_runs() {
    tokio::time::sleep(Duration::from_millis(1300)).await;
}

#[tokio::test]
async fn dead_man_switch_cancels_on_expiry_and_not_while_refreshed() {
    let okx = still_unlimited().await;
    let rest = Rest::new(&okx, Key::default_account());
    let mut ws = Ws::connect(&format!("{}/ws/v5/private", okx.ws_url())).await;
    ws.login(&Key::default_account()).await;
    ws.subscribe(json!([{"channel": "orders", "instType": "SPOT"}]))
        .await;
    let a = rest_order(&rest, "20000").await;
    let b = rest_order(&rest, "20000.1").await;
    let t0 = okx.now_ms();
    okx.pin_clock(Some(t0));
    let v = rest
        .post("/api/v5/trade/cancel-all-after", json!({"timeOut": "10"}))
        .await;
    assert_eq!(v["code"], "0", "{v}");
    assert_eq!(
        v["data"][0]["triggerTime"],
        ((t0 + 10_000) / 1000).to_string()
    );
    // Refreshed at 9 s: the deadline moves to 19 s.
    okx.pin_clock(Some(t0 + 9_000));
    rest.post("/api/v5/trade/cancel-all-after", json!({"timeOut": "10"}))
        .await;
    okx.pin_clock(Some(t0 + 15_000));
    timer_runs().await;
    assert_eq!(
        rest.order("BTC-USDT", &a).await["state"],
        "live",
        "still beating"
    );
    okx.pin_clock(Some(t0 + 19_500));
    timer_runs().await;
    for id in [&a, &b] {
        let o = rest.order("BTC-USDT", id).await;
        assert_eq!(
            (o["state"].as_str(), o["cancelSource"].as_str()),
            (Some("canceled"), Some("20"))
        );
    }
    let pushes = ws.drain(Duration::from_millis(300)).await;
    let cancelled: Vec<_> = pushes
        .iter()
        .filter(|p| channel(p) == "orders" && p["data"][0]["state"] == "canceled")
        .collect();
    assert_eq!(cancelled.len(), 2, "both cancellations pushed");
}

#[tokio::test]
async fn timeout_is_0_or_10_to_120_seconds_and_0_disarms() {
    let okx = still_unlimited().await;
    let rest = Rest::new(&okx, Key::default_account());
    for bad in ["5", "121", "x"] {
        let v = rest
            .post("/api/v5/trade/cancel-all-after", json!({"timeOut": bad}))
            .await;
        assert_eq!(v["code"], "51000", "{bad}: {v}");
    }
    let id = rest_order(&rest, "20000").await;
    let t0 = okx.now_ms();
    okx.pin_clock(Some(t0));
    rest.post("/api/v5/trade/cancel-all-after", json!({"timeOut": "10"}))
        .await;
    let v = rest
        .post("/api/v5/trade/cancel-all-after", json!({"timeOut": "0"}))
        .await;
    assert_eq!(v["data"][0]["triggerTime"], "0");
    okx.pin_clock(Some(t0 + 60_000));
    timer_runs().await;
    assert_eq!(rest.order("BTC-USDT", &id).await["state"], "live");
}

#[tokio::test]
async fn at_most_one_request_per_second() {
    let okx = still().await;
    let rest = Rest::new(&okx, Key::default_account());
    let v = rest
        .post("/api/v5/trade/cancel-all-after", json!({"timeOut": "60"}))
        .await;
    assert_eq!(v["code"], "0", "{v}");
    let v = rest
        .post("/api/v5/trade/cancel-all-after", json!({"timeOut": "60"}))
        .await;
    assert_eq!(v["code"], "50011", "{v}");
    tokio::time::sleep(Duration::from_millis(1050)).await;
    let v = rest
        .post("/api/v5/trade/cancel-all-after", json!({"timeOut": "0"}))
        .await;
    assert_eq!(v["code"], "0", "{v}");
}

/// Under a paused tokio clock the exchange's time jumps with tokio's: a
/// test lives through the dead man's timeout without waiting for it, while
/// signatures still verify against the wall clock. (The clock is paused
/// after the REST calls: an HTTP client's own timers would otherwise let a
/// paused clock jump while a request waits on its socket.)
#[tokio::test]
async fn the_exchange_clock_runs_on_tokio_time() {
    let okx = still_unlimited().await;
    let rest = Rest::new(&okx, Key::default_account());
    let id = rest_order(&rest, "20000").await;
    let before = okx.now_ms();
    rest.post("/api/v5/trade/cancel-all-after", json!({"timeOut": "120"}))
        .await;
    tokio::time::pause();
    let state = |okx: &okx_testkit::Okx| {
        okx.orders_of(okx_testkit::TEST_UID)
            .into_iter()
            .find(|o| o["ordId"] == id.as_str())
            .map(|o| {
                (
                    o["state"].as_str().unwrap_or_default().to_owned(),
                    o["cancelSource"].as_str().unwrap_or_default().to_owned(),
                )
            })
    };
    tokio::time::sleep(Duration::from_secs(115)).await;
    assert_eq!(state(&okx), Some(("live".into(), String::new())));
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert_eq!(state(&okx), Some(("canceled".into(), "20".into())));
    assert!(
        okx.now_ms() - before >= 120_000,
        "two minutes of exchange time passed"
    );
}
