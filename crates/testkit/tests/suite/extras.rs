//! What clients such as ccxt and python-okx read besides orders: fees,
//! funding, price data, closed positions, status; and the exchange's
//! refusal to answer what it does not simulate with a stale example.

use super::common::*;
use rust_decimal::Decimal;
use serde_json::json;

#[tokio::test]
async fn fees_funding_and_price_data_come_from_the_simulation() {
    let okx = still_unlimited().await;
    let rest = Rest::new(&okx, Key::default_account());
    let fee = rest.data("/api/v5/account/trade-fee?instType=SPOT").await;
    assert_eq!(
        (fee[0]["maker"].as_str(), fee[0]["taker"].as_str()),
        (Some("-0.0008"), Some("-0.001"))
    );
    let now = okx.now_ms();
    let fr = rest
        .data("/api/v5/public/funding-rate?instId=ETH-USDT-SWAP")
        .await;
    assert_eq!(fr[0]["instId"], "ETH-USDT-SWAP");
    let next: i64 = fr[0]["fundingTime"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    assert!(next > now && next - now <= 8 * 3_600_000 && next % (8 * 3_600_000) == 0);
    let hist = rest
        .data("/api/v5/public/funding-rate-history?instId=BTC-USDT-SWAP&limit=3")
        .await;
    assert_eq!(hist.len(), 3);
    assert!(hist.iter().all(|h| h["instId"] == "BTC-USDT-SWAP"));
    let older = hist[2]["fundingTime"].as_str().unwrap_or_default();
    let more = rest
        .data(&format!(
            "/api/v5/public/funding-rate-history?instId=BTC-USDT-SWAP&limit=2&after={older}"
        ))
        .await;
    let t = |v: &serde_json::Value| {
        v["fundingTime"]
            .as_str()
            .and_then(|t| t.parse::<i64>().ok())
            .unwrap_or(0)
    };
    assert_eq!(
        t(&more[0]),
        t(&hist[2]) - 8 * 3_600_000,
        "paged back without a gap"
    );
    let v = rest
        .get("/api/v5/public/funding-rate?instId=BTC-USDT")
        .await;
    assert_eq!(v["code"], "51001", "spot has no funding: {v}");
    let (bid, ask) = okx.best_bid_ask("BTC-USDT").expect("book");
    for path in [
        "/api/v5/market/index-candles?instId=BTC-USDT&limit=5",
        "/api/v5/market/mark-price-candles?instId=BTC-USDT-SWAP&limit=5",
    ] {
        let rows = rest.data(path).await;
        assert_eq!(rows.len(), 5, "{path}");
        for r in &rows {
            let c = dec(&r[4]);
            assert!(
                c > bid - Decimal::from(2000) && c < ask + Decimal::from(2000),
                "{path}: {r}"
            );
        }
    }
    let idx = rest
        .data("/api/v5/market/index-tickers?instId=ETH-USDT")
        .await;
    assert_eq!(idx[0]["instId"], "ETH-USDT");
    assert!(dec(&idx[0]["idxPx"]) > Decimal::from(1000));
    let full = rest
        .data("/api/v5/market/books-full?instId=BTC-USDT&sz=420")
        .await;
    assert_eq!(full[0]["bids"].as_array().map(Vec::len), Some(420));
    assert_eq!(
        rest.data("/api/v5/system/status").await.len(),
        0,
        "no maintenance"
    );
    let oi = rest
        .data("/api/v5/public/open-interest?instType=SWAP&instId=BTC-USDT-SWAP")
        .await;
    assert!(dec(&oi[0]["oi"]) > Decimal::ZERO);
}

#[tokio::test]
async fn closed_positions_and_leverage_are_the_accounts_own() {
    let okx = still_unlimited().await;
    let rest = Rest::new(&okx, Key::default_account());
    let v = rest
        .post(
            "/api/v5/account/set-leverage",
            json!({"instId": "BTC-USDT-SWAP", "lever": "5", "mgnMode": "cross"}),
        )
        .await;
    assert_eq!(v["code"], "0", "{v}");
    let lev = rest
        .data("/api/v5/account/leverage-info?instId=BTC-USDT-SWAP&mgnMode=cross")
        .await;
    assert_eq!(
        (
            lev.len(),
            lev[0]["lever"].as_str(),
            lev[0]["posSide"].as_str()
        ),
        (1, Some("5"), Some("net"))
    );
    assert!(
        rest.data("/api/v5/account/positions-history")
            .await
            .is_empty()
    );
    for side in ["sell", "buy"] {
        rest.place(json!({"instId": "BTC-USDT-SWAP", "tdMode": "cross", "side": side, "ordType": "market", "sz": "3"}))
            .await;
    }
    let hist = rest.data("/api/v5/account/positions-history").await;
    assert_eq!(hist.len(), 1);
    assert_eq!(
        (
            hist[0]["direction"].as_str(),
            dec(&hist[0]["closeTotalPos"])
        ),
        (Some("short"), Decimal::from(3))
    );
    assert_eq!(hist[0]["lever"], "5");
}

#[tokio::test]
async fn what_is_not_simulated_says_so_instead_of_answering_an_example() {
    let okx = still().await;
    let rest = Rest::new(&okx, Key::default_account());
    let (status, v) = rest.get_status("/api/v5/account/interest-rate").await;
    assert_eq!((status, v["code"].as_str()), (410, Some("50005")), "{v}");
    // The REST harness started alone keeps answering OKX's examples.
    let harness = okx_testkit::rest::MockOkx::start().await;
    let resp = reqwest::get(format!(
        "{}/api/v5/public/underlying?instType=SWAP",
        harness.base_url()
    ))
    .await
    .expect("answers");
    assert_eq!(resp.status().as_u16(), 200);
}

#[tokio::test]
async fn client_quirks_are_handled_like_okx() {
    let okx = still().await;
    let rest = Rest::new(&okx, Key::default_account());
    let mut ws = Ws::connect(&format!("{}/ws/v5/private", okx.ws_url())).await;
    ws.login(&Key::default_account()).await;
    ws.subscribe(json!([{"channel": "orders", "instType": "ANY"}]))
        .await;
    // python-okx sends `"attachAlgoOrds": null`.
    let id = rest
        .place(json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "20000",
            "sz": "0.001", "attachAlgoOrds": null}))
        .await;
    assert_eq!(
        rest.order("BTC-USDT", &id).await["attachAlgoOrds"],
        json!([])
    );
    assert_eq!(
        rest.order("BTC-USDT", &id).await["avgPx"],
        "",
        "REST: no fill, no price"
    );
    let push = ws.until(5 * SECOND, |v| channel(v) == "orders").await;
    assert_eq!(push["data"][0]["avgPx"], "0", "the orders channel says 0");
    assert_eq!(push["data"][0]["attachAlgoOrds"], json!([]));
    let mut public = Ws::connect(&format!("{}/ws/v5/public", okx.ws_url())).await;
    public
        .send(json!({"op": "subscribe", "args": [{"channel": "tickers", "instId": "NOPE-USDT"}]}))
        .await;
    let err = public.until(5 * SECOND, |v| v.get("event").is_some()).await;
    assert_eq!(
        (err["event"].as_str(), err["code"].as_str()),
        (Some("error"), Some("60018")),
        "{err}"
    );
}
