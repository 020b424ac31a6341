//! Orders on the exchange: matching, fills, fees, balances, positions.

use super::common::*;
use okx_testkit::{AccountSpec, ApiKey, PosMode};
use rust_decimal::Decimal;
use serde_json::{Value, json};

fn d(s: &str) -> Decimal {
    s.parse().unwrap_or_default()
}

#[tokio::test]
async fn a_rest_order_is_pushed_on_ws_and_recorded_as_fills() {
    let okx = still().await;
    let rest = Rest::new(&okx, Key::default_account());
    let mut ws = Ws::connect(&format!("{}/ws/v5/private", okx.ws_url())).await;
    assert_eq!(ws.login(&Key::default_account()).await["code"], "0");
    ws.subscribe(json!([{"channel": "orders", "instType": "ANY"}]))
        .await;
    let usdt_before = okx
        .balance(okx_testkit::TEST_UID, "USDT")
        .unwrap_or_default();
    let btc_before = okx
        .balance(okx_testkit::TEST_UID, "BTC")
        .unwrap_or_default();
    let (_, ask) = okx.best_bid_ask("BTC-USDT").expect("a book");
    // A buy priced 50 ticks through the best ask takes ask levels until done.
    let px = ask + d("5");
    let ord_id = rest
        .place(
            json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit",
            "px": px.to_string(), "sz": "0.05", "clOrdId": "taker1"}),
        )
        .await;
    let mut trade_ids = Vec::new();
    let mut last = Value::Null;
    while last["state"] != "filled" {
        let push = ws.until(5 * SECOND, |v| channel(v) == "orders").await;
        assert_eq!(push["arg"]["uid"], okx_testkit::TEST_UID);
        last = push["data"][0].clone();
        assert_eq!(last["ordId"], ord_id.as_str());
        assert_eq!(last["execType"], "T");
        trade_ids.push(last["tradeId"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(dec(&last["accFillSz"]), d("0.05"));
    let fills = rest.data("/api/v5/trade/fills?instId=BTC-USDT").await;
    let mut filled_ids: Vec<String> = fills
        .iter()
        .map(|f| f["tradeId"].as_str().unwrap_or_default().to_owned())
        .collect();
    filled_ids.reverse();
    assert_eq!(filled_ids, trade_ids, "one fill record per pushed fill");
    let spent: Decimal = fills
        .iter()
        .map(|f| dec(&f["fillPx"]) * dec(&f["fillSz"]))
        .sum();
    let fee: Decimal = fills.iter().map(|f| dec(&f["fee"])).sum();
    assert_eq!(fee, -(d("0.05") * d("0.001")), "taker fee in BTC");
    let usdt = okx
        .balance(okx_testkit::TEST_UID, "USDT")
        .unwrap_or_default();
    let btc = okx
        .balance(okx_testkit::TEST_UID, "BTC")
        .unwrap_or_default();
    assert_eq!(usdt_before - usdt, spent);
    assert_eq!(btc - btc_before, d("0.05") + fee);
    let order = rest.order("BTC-USDT", &ord_id).await;
    assert_eq!(order["state"], "filled");
    assert_eq!(dec(&order["avgPx"]) * d("0.05"), spent);
    // No frozen amount left behind.
    let bal = rest.data("/api/v5/account/balance?ccy=USDT").await;
    assert_eq!(dec(&bal[0]["details"][0]["ordFrozen"]), Decimal::ZERO);
}

#[tokio::test]
async fn order_types_behave_like_okx() {
    let okx = still().await;
    let rest = Rest::new(&okx, Key::default_account());
    let (bid, ask) = okx.best_bid_ask("BTC-USDT").expect("a book");
    let order = |ord_type: &str, side: &str, px: Decimal, sz: &str| {
        json!({"instId": "BTC-USDT", "tdMode": "cash", "side": side, "ordType": ord_type,
            "px": px.to_string(), "sz": sz})
    };
    // post_only that would take: accepted, then cancelled with source 31.
    let id = rest.place(order("post_only", "buy", ask, "0.01")).await;
    let o = rest.order("BTC-USDT", &id).await;
    assert_eq!(
        (o["state"].as_str(), o["cancelSource"].as_str()),
        (Some("canceled"), Some("31"))
    );
    // post_only that does not take rests.
    let id = rest.place(order("post_only", "buy", bid, "0.01")).await;
    assert_eq!(rest.order("BTC-USDT", &id).await["state"], "live");
    // FOK bigger than the best ask level: cancelled (13), nothing filled.
    let id = rest.place(order("fok", "buy", ask, "2")).await;
    let o = rest.order("BTC-USDT", &id).await;
    assert_eq!(
        (
            o["state"].as_str(),
            o["cancelSource"].as_str(),
            o["accFillSz"].as_str()
        ),
        (Some("canceled"), Some("13"), Some("0"))
    );
    // IOC at the best ask: takes that level, the rest is cancelled (14).
    let id = rest.place(order("ioc", "buy", ask, "1")).await;
    let o = rest.order("BTC-USDT", &id).await;
    assert_eq!(o["state"], "canceled");
    assert_eq!(o["cancelSource"], "14");
    assert!(dec(&o["accFillSz"]) > Decimal::ZERO && dec(&o["accFillSz"]) < d("1"));
    assert_eq!(dec(&o["avgPx"]), ask);
    // A market sell in base units sweeps bids.
    let id = rest
        .place(json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "sell", "ordType": "market", "sz": "0.3"}))
        .await;
    let o = rest.order("BTC-USDT", &id).await;
    assert_eq!(
        (o["state"].as_str(), dec(&o["accFillSz"])),
        (Some("filled"), d("0.3"))
    );
    assert!(dec(&o["avgPx"]) < bid + d("0.1"));
    // A market buy is sized in USDT by default (tgtCcy quote_ccy).
    let id = rest
        .place(json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "market", "sz": "300"}))
        .await;
    let o = rest.order("BTC-USDT", &id).await;
    assert_eq!(o["tgtCcy"], "quote_ccy");
    assert_eq!(o["state"], "filled");
    let spent = dec(&o["avgPx"]) * dec(&o["accFillSz"]);
    assert!(spent <= d("300") && spent > d("299"), "{spent}");
}

#[tokio::test]
async fn refusals_carry_okx_codes_and_nothing_rests() {
    let okx = still().await;
    let rest = Rest::new(&okx, Key::default_account());
    let cases = [
        (
            json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "20000", "sz": "10"}),
            "51008",
        ),
        (
            json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "20000.05", "sz": "0.01"}),
            "51000",
        ),
        (
            json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "20000", "sz": "0.000001"}),
            "51020",
        ),
        (
            json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "20000", "sz": "0.000011111"}),
            "51121",
        ),
        (
            json!({"instId": "NOPE-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "1", "sz": "1"}),
            "51001",
        ),
        (
            json!({"instId": "BTC-USDT-SWAP", "tdMode": "cross", "side": "sell", "ordType": "market", "sz": "1", "reduceOnly": true}),
            "51169",
        ),
        (
            json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "sz": "0.01"}),
            "51000",
        ),
        (
            json!({"instId": "BTC-USDT", "side": "buy", "ordType": "limit", "px": "1", "sz": "0.01"}),
            "50014",
        ),
        (
            json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "20000", "sz": "0.01", "clOrdId": "bad-id"}),
            "51000",
        ),
    ];
    for (order, code) in cases {
        let v = rest.post("/api/v5/trade/order", order.clone()).await;
        assert_eq!(v["code"], "1", "{order} -> {v}");
        assert_eq!(v["data"][0]["sCode"], code, "{order} -> {v}");
    }
    assert!(rest.data("/api/v5/trade/orders-pending").await.is_empty());
    // The same clOrdId twice while the first is pending: 51016.
    let first = json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "20000", "sz": "0.01", "clOrdId": "dup1"});
    rest.place(first.clone()).await;
    let v = rest.post("/api/v5/trade/order", first).await;
    assert_eq!(v["data"][0]["sCode"], "51016");
}

/// A still exchange with a second account (uid 77, 50,000 USDT) and its key.
async fn with_second_account() -> (okx_testkit::Okx, Key) {
    let other = Key {
        key: "other-key".into(),
        secret: "other-secret".into(),
        passphrase: "other-pass".into(),
        demo: false,
    };
    let okx = okx_testkit::Okx::builder()
        .market_motion(None)
        .account(
            AccountSpec::new(ApiKey::new(&other.key, &other.secret, &other.passphrase))
                .uid("77")
                .balance("USDT", d("50000")),
        )
        .start()
        .await
        .expect("starts");
    (okx, other)
}

#[tokio::test]
async fn two_accounts_trade_with_each_other_as_maker_and_taker() {
    let (okx, other) = with_second_account().await;
    let maker = Rest::new(&okx, Key::default_account());
    let taker = Rest::new(&okx, other);
    let (bid, ask) = okx.best_bid_ask("BTC-USDT").expect("a book");
    assert!(ask - bid > d("0.1"), "a spread to quote inside");
    let inside = bid + d("0.1");
    let sell = maker
        .place(json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "sell", "ordType": "limit", "px": inside.to_string(), "sz": "0.2"}))
        .await;
    let book = maker
        .data("/api/v5/market/books?instId=BTC-USDT&sz=1")
        .await;
    assert_eq!(
        dec(&book[0]["asks"][0][0]),
        inside,
        "the maker's ask is the best ask"
    );
    let buy = taker
        .place(json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": inside.to_string(), "sz": "0.15"}))
        .await;
    let m = maker.order("BTC-USDT", &sell).await;
    let t = taker.order("BTC-USDT", &buy).await;
    assert_eq!(
        (m["state"].as_str(), dec(&m["accFillSz"])),
        (Some("partially_filled"), d("0.15"))
    );
    assert_eq!(t["state"], "filled");
    let mf = maker.data("/api/v5/trade/fills").await;
    let tf = taker.data("/api/v5/trade/fills").await;
    assert_eq!(mf[0]["tradeId"], tf[0]["tradeId"], "one trade, two sides");
    assert_eq!(
        (mf[0]["execType"].as_str(), tf[0]["execType"].as_str()),
        (Some("M"), Some("T"))
    );
    // Maker pays 0.08% of the USDT received, taker 0.1% of the BTC received.
    assert_eq!(
        dec(&mf[0]["fee"]),
        -(inside * d("0.15") * d("0.0008")).round_dp(16).normalize()
    );
    assert_eq!(dec(&tf[0]["fee"]), -(d("0.15") * d("0.001")));
    assert_eq!(
        okx.balance("77", "BTC"),
        Some(d("0.15") - d("0.15") * d("0.001"))
    );
    // The taker sees only its own orders.
    assert!(taker.data("/api/v5/trade/orders-pending").await.is_empty());
    assert_eq!(maker.data("/api/v5/trade/orders-pending").await.len(), 1);
}

#[tokio::test]
async fn self_trade_prevention_cancels_the_resting_order_by_default() {
    let okx = still().await;
    let rest = Rest::new(&okx, Key::default_account());
    let (bid, _) = okx.best_bid_ask("BTC-USDT").expect("a book");
    let inside = bid + d("0.1");
    let sell = rest
        .place(json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "sell", "ordType": "limit", "px": inside.to_string(), "sz": "0.01"}))
        .await;
    let buy = rest
        .place(json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": inside.to_string(), "sz": "0.01"}))
        .await;
    let s = rest.order("BTC-USDT", &sell).await;
    assert_eq!(
        (s["state"].as_str(), s["cancelSource"].as_str()),
        (Some("canceled"), Some("32"))
    );
    let b = rest.order("BTC-USDT", &buy).await;
    assert_eq!(b["state"], "live", "the buy rests where the sell was");
    assert!(rest.data("/api/v5/trade/fills").await.is_empty());
}

#[tokio::test]
async fn swap_positions_open_and_close_with_realized_pnl() {
    let okx = still().await;
    let rest = Rest::new(&okx, Key::default_account());
    let open = rest
        .place(json!({"instId": "BTC-USDT-SWAP", "tdMode": "cross", "side": "buy", "ordType": "market", "sz": "2"}))
        .await;
    let o = rest.order("BTC-USDT-SWAP", &open).await;
    assert_eq!(
        (o["state"].as_str(), o["posSide"].as_str()),
        (Some("filled"), Some("net"))
    );
    let pos = rest
        .data("/api/v5/account/positions?instId=BTC-USDT-SWAP")
        .await;
    assert_eq!(pos.len(), 1);
    assert_eq!(dec(&pos[0]["pos"]), d("2"));
    assert_eq!(dec(&pos[0]["avgPx"]), dec(&o["avgPx"]));
    // Reduce-only larger than the position is refused; the right size closes it.
    let v = rest
        .post("/api/v5/trade/order", json!({"instId": "BTC-USDT-SWAP", "tdMode": "cross", "side": "sell", "ordType": "market", "sz": "3", "reduceOnly": true}))
        .await;
    assert_eq!(v["data"][0]["sCode"], "51112", "{v}");
    let usdt_before = okx
        .balance(okx_testkit::TEST_UID, "USDT")
        .unwrap_or_default();
    let close = rest
        .place(json!({"instId": "BTC-USDT-SWAP", "tdMode": "cross", "side": "sell", "ordType": "market", "sz": "2", "reduceOnly": true}))
        .await;
    let c = rest.order("BTC-USDT-SWAP", &close).await;
    assert!(
        rest.data("/api/v5/account/positions?instId=BTC-USDT-SWAP")
            .await
            .is_empty()
    );
    // Linear: PnL = contracts × ctVal × (exit − entry).
    let pnl = d("2") * d("0.01") * (dec(&c["avgPx"]) - dec(&o["avgPx"]));
    assert_eq!(dec(&c["pnl"]), pnl);
    let fee = dec(&c["fee"]);
    assert_eq!(
        okx.balance(okx_testkit::TEST_UID, "USDT")
            .unwrap_or_default()
            - usdt_before,
        pnl + fee
    );
}

#[tokio::test]
async fn long_short_mode_needs_a_position_side() {
    let okx = okx_testkit::Okx::builder()
        .market_motion(None)
        .replace_default_account(okx_testkit::default_account().pos_mode(PosMode::LongShort))
        .start()
        .await
        .expect("starts");
    let rest = Rest::new(&okx, Key::default_account());
    let v = rest
        .post("/api/v5/trade/order", json!({"instId": "BTC-USDT-SWAP", "tdMode": "cross", "side": "buy", "ordType": "market", "sz": "1"}))
        .await;
    assert_eq!(v["data"][0]["sCode"], "51000", "{v}");
    rest.place(json!({"instId": "BTC-USDT-SWAP", "tdMode": "cross", "side": "sell", "posSide": "short", "ordType": "market", "sz": "1"}))
        .await;
    let pos = rest.data("/api/v5/account/positions").await;
    assert_eq!(
        (pos[0]["posSide"].as_str(), dec(&pos[0]["pos"])),
        (Some("short"), d("1"))
    );
}

#[tokio::test]
async fn amend_changes_price_and_size_and_can_make_an_order_take() {
    let okx = still().await;
    let rest = Rest::new(&okx, Key::default_account());
    let (bid, ask) = okx.best_bid_ask("BTC-USDT").expect("a book");
    let id = rest
        .place(json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": (bid - d("10")).to_string(), "sz": "0.02"}))
        .await;
    let v = rest
        .post(
            "/api/v5/trade/amend-order",
            json!({"instId": "BTC-USDT", "ordId": id, "newSz": "0.03", "reqId": "a1"}),
        )
        .await;
    assert_eq!(
        (
            v["data"][0]["sCode"].as_str(),
            v["data"][0]["reqId"].as_str()
        ),
        (Some("0"), Some("a1"))
    );
    assert_eq!(dec(&rest.order("BTC-USDT", &id).await["sz"]), d("0.03"));
    let v = rest
        .post(
            "/api/v5/trade/amend-order",
            json!({"instId": "BTC-USDT", "ordId": id, "newPx": ask.to_string()}),
        )
        .await;
    assert_eq!(v["data"][0]["sCode"], "0", "{v}");
    let o = rest.order("BTC-USDT", &id).await;
    assert!(
        dec(&o["accFillSz"]) > Decimal::ZERO,
        "re-priced through the ask, it took: {o}"
    );
    let v = rest
        .post(
            "/api/v5/trade/amend-order",
            json!({"instId": "BTC-USDT", "ordId": "1", "newSz": "1"}),
        )
        .await;
    assert_eq!(v["data"][0]["sCode"], "51503");
}

#[tokio::test]
async fn the_market_fills_resting_orders_it_moves_through() {
    let okx = still().await;
    let rest = Rest::new(&okx, Key::default_account());
    let (bid, ask) = okx.best_bid_ask("ETH-USDT").expect("a book");
    let buy = rest
        .place(json!({"instId": "ETH-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": bid.to_string(), "sz": "0.5"}))
        .await;
    let sell = rest
        .place(json!({"instId": "ETH-USDT", "tdMode": "cash", "side": "sell", "ordType": "limit", "px": ask.to_string(), "sz": "0.5"}))
        .await;
    for _ in 0..400 {
        okx.step_market(1);
        let (b, s) = (
            rest.order("ETH-USDT", &buy).await,
            rest.order("ETH-USDT", &sell).await,
        );
        if b["state"] == "filled" && s["state"] == "filled" {
            let fills = rest.data("/api/v5/trade/fills?instId=ETH-USDT").await;
            assert!(
                fills.iter().all(|f| f["execType"] == "M"),
                "the market took them: {fills:?}"
            );
            let sum: Decimal = fills.iter().map(|f| dec(&f["fillSz"])).sum();
            assert_eq!(sum, d("1"));
            return;
        }
    }
    panic!("400 steps of a random walk never reached both sides");
}

/// Per-item answers carry what OKX documents for each write: `tag` and
/// `subCode` on place, `reqId` and `subCode` on amend, neither on cancel;
/// an order refused for want of margin says so with sub-code 1001
/// (51008_1001), a spot order short of balance has none.
#[tokio::test]
async fn item_answers_carry_the_fields_and_sub_codes_of_each_write() {
    let okx = still().await;
    let rest = Rest::new(&okx, Key::default_account());
    let v = rest
        .post(
            "/api/v5/trade/order",
            json!({"instId": "BTC-USDT-SWAP", "tdMode": "cross", "side": "buy",
                "ordType": "limit", "px": "20000", "sz": "100000000"}),
        )
        .await;
    let item = &v["data"][0];
    assert_eq!(
        (&item["sCode"], &item["subCode"]),
        (&json!("51008"), &json!("1001")),
        "{v}"
    );
    let v = rest
        .post(
            "/api/v5/trade/order",
            json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy",
                "ordType": "limit", "px": "20000", "sz": "10"}),
        )
        .await;
    assert_eq!(
        (&v["data"][0]["sCode"], &v["data"][0]["subCode"]),
        (&json!("51008"), &json!("")),
        "{v}"
    );
    let placed = rest
        .post(
            "/api/v5/trade/order",
            json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "tag": "t1",
                "ordType": "limit", "px": "20000", "sz": "0.01"}),
        )
        .await;
    let item = placed["data"][0].as_object().expect("an item").clone();
    assert_eq!((&item["tag"], &item["subCode"]), (&json!("t1"), &json!("")));
    assert!(!item.contains_key("reqId"));
    let ord_id = item["ordId"].as_str().expect("an ordId").to_owned();
    let amended = rest
        .post(
            "/api/v5/trade/amend-order",
            json!({"instId": "BTC-USDT", "ordId": ord_id, "newSz": "0.02", "reqId": "r9"}),
        )
        .await;
    let item = amended["data"][0].as_object().expect("an item");
    assert_eq!(
        (&item["reqId"], &item["subCode"]),
        (&json!("r9"), &json!(""))
    );
    assert!(!item.contains_key("tag"));
    let cancelled = rest
        .post(
            "/api/v5/trade/cancel-order",
            json!({"instId": "BTC-USDT", "ordId": ord_id}),
        )
        .await;
    let item = cancelled["data"][0].as_object().expect("an item");
    assert_eq!(item["sCode"], "0", "{cancelled}");
    assert!(
        !item.contains_key("subCode") && !item.contains_key("reqId") && !item.contains_key("tag")
    );
}

/// Levels of a book push (snapshot or update) on one side at `px`.
fn levels_at<'a>(frames: &'a [Value], chan: &str, side: &str, px: &str) -> Vec<&'a Value> {
    frames
        .iter()
        .filter(|f| channel(f) == chan)
        .flat_map(|f| f["data"][0][side].as_array().into_iter().flatten())
        .filter(|l| l[0] == px)
        .collect()
}

#[tokio::test]
async fn rpi_orders_rest_on_books_rpi_only_and_meet_only_opted_in_takers() {
    let (okx, other) = with_second_account().await;
    let maker = Rest::new(&okx, Key::default_account());
    let taker = Rest::new(&okx, other);
    let mut ws = Ws::connect(&format!("{}/ws/v5/public", okx.ws_url())).await;
    ws.subscribe(json!([
        {"channel": "books", "instId": "BTC-USDT"},
        {"channel": "books-rpi", "instId": "BTC-USDT"},
        {"channel": "event-contract-markets", "instType": "EVENTS"}
    ]))
    .await;
    let snapshots = ws.drain(SECOND / 2).await;
    let rpi_snapshot = snapshots
        .iter()
        .find(|f| channel(f) == "books-rpi")
        .expect("books-rpi sends a snapshot");
    assert_eq!(rpi_snapshot["action"], "snapshot");
    let level = &rpi_snapshot["data"][0]["asks"][0];
    assert_eq!(level.as_array().map(Vec::len), Some(4), "{level}");
    assert_eq!(level[1], level[2], "no RPI orders yet: total == non-RPI");
    assert!(
        snapshots
            .iter()
            .all(|f| channel(f) != "event-contract-markets"),
        "event-contract-markets sends no snapshot"
    );

    let (bid, ask) = okx.best_bid_ask("BTC-USDT").expect("a book");
    let inside = bid + d("0.1");
    let px = inside.normalize().to_string();
    let rpi = maker
        .place(
            json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "sell", "ordType": "rpi",
            "px": px, "sz": "0.2"}),
        )
        .await;
    assert_eq!(maker.order("BTC-USDT", &rpi).await["state"], "live");
    let frames = ws.drain(SECOND).await;
    let shown = levels_at(&frames, "books-rpi", "asks", &px);
    assert_eq!(
        shown
            .last()
            .map(|l| (l[1].clone(), l[2].clone(), l[3].clone())),
        Some((json!("0.2"), json!("0"), json!("1"))),
        "books-rpi shows [px, total, nonRpi, count]: {frames:?}"
    );
    assert!(
        levels_at(&frames, "books", "asks", &px).is_empty(),
        "books leaves RPI orders out: {frames:?}"
    );
    let book = maker
        .data("/api/v5/market/books?instId=BTC-USDT&sz=1")
        .await;
    assert_eq!(dec(&book[0]["asks"][0][0]), ask, "REST books leaves it out");
    let ticker = maker.data("/api/v5/market/ticker?instId=BTC-USDT").await;
    assert_eq!(dec(&ticker[0]["askPx"]), ask, "so does the ticker");
    assert_eq!(okx.best_bid_ask("BTC-USDT"), Some((bid, ask)));

    // A taker without rpiTakerAccess does not reach it.
    let blind = taker
        .place(
            json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "ioc",
            "px": px, "sz": "0.1"}),
        )
        .await;
    let blind = taker.order("BTC-USDT", &blind).await;
    assert_eq!(
        (blind["state"].clone(), dec(&blind["accFillSz"])),
        (json!("canceled"), Decimal::ZERO)
    );
    // One that opts in trades with it at its price.
    let opted = taker
        .place(
            json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "ioc",
            "px": px, "sz": "0.1", "rpiTakerAccess": true}),
        )
        .await;
    let opted = taker.order("BTC-USDT", &opted).await;
    assert_eq!(opted["state"], "filled", "{opted}");
    assert_eq!(dec(&opted["avgPx"]), inside);
    let rest = maker.order("BTC-USDT", &rpi).await;
    assert_eq!(rest["state"], "partially_filled");
    assert_eq!(dec(&rest["accFillSz"]), d("0.1"));
    let frames = ws.drain(SECOND).await;
    let shown = levels_at(&frames, "books-rpi", "asks", &px);
    assert_eq!(
        shown.last().map(|l| l[1].clone()),
        Some(json!("0.1")),
        "{frames:?}"
    );

    // RPI orders are post-only: one that would take is cancelled.
    let crossing = maker
        .place(
            json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "sell", "ordType": "rpi",
            "px": (bid - d("1")).to_string(), "sz": "0.01"}),
        )
        .await;
    assert_eq!(
        maker.order("BTC-USDT", &crossing).await["state"],
        "canceled"
    );
    // rpiTakerAccess is for takers only.
    let refused = taker
        .post(
            "/api/v5/trade/order",
            json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "post_only",
            "px": bid.to_string(), "sz": "0.01", "rpiTakerAccess": true}),
        )
        .await;
    assert_eq!(refused["data"][0]["sCode"], "51000", "{refused}");
}
