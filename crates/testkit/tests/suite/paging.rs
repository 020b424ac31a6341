//! Order and fill history derived from the state, paged like OKX.

use super::common::*;
use serde_json::{Value, json};

fn ids(rows: &[Value], key: &str) -> Vec<u64> {
    rows.iter()
        .map(|r| r[key].as_str().and_then(|s| s.parse().ok()).unwrap_or(0))
        .collect()
}

/// Places `n` resting orders in batches of 20 and cancels them all.
async fn placed_and_cancelled(rest: &Rest, n: usize) -> Vec<u64> {
    let mut all = Vec::new();
    for chunk in (0..n).collect::<Vec<_>>().chunks(20) {
        let batch: Vec<Value> = chunk
            .iter()
            .map(|i| {
                json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit",
                "px": format!("{}", 20000 + i), "sz": "0.001"})
            })
            .collect();
        let v = rest
            .post("/api/v5/trade/batch-orders", Value::Array(batch))
            .await;
        assert_eq!(v["code"], "0", "{v}");
        let placed: Vec<Value> = v["data"].as_array().cloned().unwrap_or_default();
        let cancels: Vec<Value> = placed
            .iter()
            .map(|a| json!({"instId": "BTC-USDT", "ordId": a["ordId"]}))
            .collect();
        all.extend(ids(&placed, "ordId"));
        let v = rest
            .post("/api/v5/trade/cancel-batch-orders", Value::Array(cancels))
            .await;
        assert_eq!(v["code"], "0", "{v}");
    }
    all
}

#[tokio::test]
async fn orders_history_pages_newest_first_by_ord_id() {
    let okx = still_unlimited().await;
    let rest = Rest::new(&okx, Key::default_account());
    let placed = placed_and_cancelled(&rest, 150).await;
    let base = "/api/v5/trade/orders-history?instType=SPOT";
    let first = rest.data(base).await;
    assert_eq!(first.len(), 100, "the default and largest page is 100");
    let first_ids = ids(&first, "ordId");
    let mut newest: Vec<u64> = placed.clone();
    newest.reverse();
    assert_eq!(first_ids, newest[..100], "newest first");
    let last = first_ids.last().copied().unwrap_or(0);
    let second = rest.data(&format!("{base}&after={last}")).await;
    assert_eq!(
        ids(&second, "ordId"),
        newest[100..],
        "after: strictly older"
    );
    // `before` alone answers the newest page, not the one just after it.
    let oldest = placed[0];
    let page = rest.data(&format!("{base}&before={oldest}&limit=5")).await;
    assert_eq!(ids(&page, "ordId"), newest[..5]);
    let between = rest
        .data(&format!("{base}&after={}&before={}", placed[10], placed[4]))
        .await;
    assert_eq!(
        ids(&between, "ordId"),
        (5..10).rev().map(|i| placed[i]).collect::<Vec<_>>()
    );
    // instType is required, as at OKX.
    let v = rest.get("/api/v5/trade/orders-history").await;
    assert_eq!(v["code"], "50014", "{v}");
}

#[tokio::test]
async fn cancelled_orders_without_fills_are_kept_two_hours() {
    let okx = still_unlimited().await;
    let rest = Rest::new(&okx, Key::default_account());
    let placed = placed_and_cancelled(&rest, 3).await;
    let (_, ask) = okx.best_bid_ask("BTC-USDT").expect("book");
    let filled = rest
        .place(json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": ask.to_string(), "sz": "0.001"}))
        .await;
    let now = okx.now_ms();
    okx.pin_clock(Some(now + 2 * 3_600_000 - 60_000));
    assert_eq!(
        rest.data("/api/v5/trade/orders-history?instType=SPOT")
            .await
            .len(),
        4
    );
    okx.pin_clock(Some(now + 2 * 3_600_000 + 60_000));
    let left = rest
        .data("/api/v5/trade/orders-history?instType=SPOT")
        .await;
    assert_eq!(
        ids(&left, "ordId"),
        vec![filled.parse::<u64>().unwrap_or(0)],
        "filled orders stay"
    );
    let v = rest
        .get(&format!(
            "/api/v5/trade/order?instId=BTC-USDT&ordId={}",
            placed[0]
        ))
        .await;
    assert_eq!(v["code"], "51603", "gone by id too: {v}");
}

#[tokio::test]
async fn history_filters_by_creation_time() {
    let okx = still_unlimited().await;
    let rest = Rest::new(&okx, Key::default_account());
    let t0 = okx.now_ms();
    okx.pin_clock(Some(t0));
    let early = placed_and_cancelled(&rest, 2).await;
    okx.pin_clock(Some(t0 + 60_000));
    let late = placed_and_cancelled(&rest, 2).await;
    let rows = rest
        .data(&format!(
            "/api/v5/trade/orders-history?instType=SPOT&begin={}",
            t0 + 30_000
        ))
        .await;
    let mut want = late.clone();
    want.reverse();
    assert_eq!(ids(&rows, "ordId"), want);
    let rows = rest
        .data(&format!(
            "/api/v5/trade/orders-history?instType=SPOT&end={}",
            t0 + 30_000
        ))
        .await;
    let mut want = early.clone();
    want.reverse();
    assert_eq!(ids(&rows, "ordId"), want);
}

#[tokio::test]
async fn fills_page_by_bill_id() {
    let okx = still_unlimited().await;
    let rest = Rest::new(&okx, Key::default_account());
    // A market buy sweeping many ask levels: one fill per level.
    rest.place(json!({"instId": "ETH-USDT", "tdMode": "cash", "side": "buy", "ordType": "market", "sz": "70000"}))
        .await;
    let all_first = rest.data("/api/v5/trade/fills").await;
    assert_eq!(all_first.len(), 100, "more than a page of fills");
    let bills = ids(&all_first, "billId");
    assert!(bills.windows(2).all(|w| w[0] > w[1]), "newest first");
    let next = rest
        .data(&format!("/api/v5/trade/fills?after={}", bills[99]))
        .await;
    assert!(!next.is_empty());
    assert!(ids(&next, "billId").iter().all(|b| *b < bills[99]));
    let total = rest
        .data("/api/v5/trade/fills-history?instType=SPOT&limit=100")
        .await
        .len();
    assert_eq!(total, 100);
    let newer = rest
        .data(&format!("/api/v5/trade/fills?before={}&limit=3", bills[3]))
        .await;
    assert_eq!(ids(&newer, "billId"), bills[..3]);
}
