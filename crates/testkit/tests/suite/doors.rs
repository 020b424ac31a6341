//! The two doors over one exchange: shared state, shared limits, OKX's
//! checks, faults from tests and from outside, and `serve`.

use super::common::*;
use futures_util::{SinkExt, StreamExt};
use okx_testkit::ws::Fault;
use okx_testkit::{AccountSpec, ApiKey, Okx};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn a_private_socket_dropped_during_a_burst_of_fills_loses_nothing_at_the_exchange() {
    let okx = still_unlimited().await;
    let rest = Rest::new(&okx, Key::default_account());
    let url = format!("{}/ws/v5/private", okx.ws_url());
    let mut ws = Ws::connect(&url).await;
    ws.login(&Key::default_account()).await;
    ws.subscribe(json!([{"channel": "orders", "instType": "ANY"}]))
        .await;
    let (bid, _) = okx.best_bid_ask("SOL-USDT").expect("book");
    let mut ids = Vec::new();
    for i in 0..10 {
        let px = bid - rust_decimal::Decimal::new(i, 2);
        ids.push(
            rest.place(json!({"instId": "SOL-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": px.to_string(), "sz": "1"}))
                .await,
        );
    }
    let live = ws.drain(Duration::from_millis(300)).await;
    assert_eq!(live.iter().filter(|p| channel(p) == "orders").count(), 10);
    // Half the fills reach the socket, then it drops, then the rest happen.
    for id in &ids[..5] {
        assert!(okx.ws().fill_order(id));
    }
    okx.ws()
        .inject(Fault::DropPrivate(okx_testkit::TEST_UID.into()));
    for id in &ids[5..] {
        assert!(okx.ws().fill_order(id));
    }
    let seen = ws.drain(Duration::from_millis(300)).await;
    let filled_pushes = seen
        .iter()
        .filter(|p| p["data"][0]["state"] == "filled")
        .count();
    assert!(filled_pushes <= 5, "nothing reaches a dropped socket");
    // A new socket gets no orders snapshot (as at OKX); REST tells all.
    let mut again = Ws::connect(&url).await;
    again.login(&Key::default_account()).await;
    again
        .subscribe(json!([{"channel": "orders", "instType": "ANY"}]))
        .await;
    assert!(again.drain(Duration::from_millis(200)).await.is_empty());
    for id in &ids {
        assert_eq!(rest.order("SOL-USDT", id).await["state"], "filled");
    }
    let fills = rest.data("/api/v5/trade/fills?instId=SOL-USDT").await;
    assert_eq!(fills.len(), 10, "every fill on record");
    assert!(rest.data("/api/v5/trade/orders-pending").await.is_empty());
}

#[tokio::test]
async fn rest_and_ws_orders_share_one_rate_limit() {
    let okx = still().await;
    let rest = Rest::new(&okx, Key::default_account());
    let mut ws = Ws::connect(&format!("{}/ws/v5/private", okx.ws_url())).await;
    ws.login(&Key::default_account()).await;
    let order = json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "20000", "sz": "0.001"});
    for _ in 0..40 {
        rest.place(order.clone()).await;
    }
    let code = okx.inst_id_code("BTC-USDT").expect("code");
    let mut ok = 0;
    let mut refused = 0;
    for i in 0..25 {
        ws.send(json!({"id": format!("w{i}"), "op": "order", "args": [{"instIdCode": code, "tdMode": "cash",
            "side": "buy", "ordType": "limit", "px": "20000", "sz": "0.001"}]}))
            .await;
        let reply = ws.until(5 * SECOND, |v| v.get("op").is_some()).await;
        match reply["data"][0]["sCode"].as_str() {
            Some("0") => ok += 1,
            Some("50011") => refused += 1,
            other => panic!("{other:?}: {reply}"),
        }
    }
    assert_eq!(
        (ok, refused),
        (20, 5),
        "60 orders per 2 s across both doors"
    );
    let v = rest.post("/api/v5/trade/order", order).await;
    assert_eq!(v["code"], "50011", "{v}");
}

#[tokio::test]
async fn ws_orders_name_instruments_by_code_and_push_like_rest_ones() {
    let okx = still().await;
    let mut ws = Ws::connect(&format!("{}/ws/v5/private", okx.ws_url())).await;
    ws.login(&Key::default_account()).await;
    ws.subscribe(json!([{"channel": "orders", "instType": "ANY"}]))
        .await;
    ws.send(json!({"id": "1", "op": "order", "args": [{"instId": "BTC-USDT", "tdMode": "cash", "side": "buy",
        "ordType": "limit", "px": "20000", "sz": "0.001"}]}))
        .await;
    let reply = ws.until(5 * SECOND, |v| v.get("op").is_some()).await;
    assert_eq!(
        reply["data"][0]["sCode"], "51000",
        "instIdCode is required: {reply}"
    );
    let code = okx.inst_id_code("BTC-USDT").expect("code");
    ws.send(json!({"id": "2", "op": "order", "args": [{"instIdCode": code, "tdMode": "cash", "side": "buy",
        "ordType": "limit", "px": "20000", "sz": "0.001", "clOrdId": "w2"}]}))
        .await;
    let reply = ws.until(5 * SECOND, |v| v.get("op").is_some()).await;
    assert_eq!(
        (reply["id"].as_str(), reply["code"].as_str()),
        (Some("2"), Some("0"))
    );
    let ord_id = reply["data"][0]["ordId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let push = ws.until(5 * SECOND, |v| channel(v) == "orders").await;
    assert_eq!(push["data"][0]["ordId"], ord_id.as_str());
    assert_eq!(push["data"][0]["clOrdId"], "w2");
    let rest = Rest::new(&okx, Key::default_account());
    assert_eq!(rest.order("BTC-USDT", &ord_id).await["state"], "live");
    ws.send(
        json!({"id": "3", "op": "cancel-order", "args": [{"instIdCode": code, "ordId": ord_id}]}),
    )
    .await;
    let reply = ws.until(5 * SECOND, |v| v.get("op").is_some()).await;
    assert_eq!(reply["code"], "0", "{reply}");
    assert_eq!(rest.order("BTC-USDT", &ord_id).await["state"], "canceled");
}

#[tokio::test]
async fn private_snapshots_on_subscribe_follow_okx() {
    let okx = still().await;
    let rest = Rest::new(&okx, Key::default_account());
    rest.place(json!({"instId": "BTC-USDT-SWAP", "tdMode": "cross", "side": "buy", "ordType": "market", "sz": "1"}))
        .await;
    let mut ws = Ws::connect(&format!("{}/ws/v5/private", okx.ws_url())).await;
    ws.login(&Key::default_account()).await;
    ws.send(json!({"op": "subscribe", "args": [{"channel": "orders", "instType": "ANY"}, {"channel": "positions", "instType": "ANY"},
        {"channel": "balance_and_position"}, {"channel": "account", "ccy": "USDT"}]}))
        .await;
    let frames = ws.drain(Duration::from_millis(300)).await;
    let pushes: Vec<&Value> = frames.iter().filter(|f| f.get("data").is_some()).collect();
    let of = |c: &str| pushes.iter().filter(|p| channel(p) == c).count();
    assert_eq!(of("orders"), 0, "orders sends no snapshot");
    assert_eq!(of("positions"), 1);
    assert_eq!(of("balance_and_position"), 1);
    assert_eq!(of("account"), 1);
    let pos = pushes
        .iter()
        .find(|p| channel(p) == "positions")
        .expect("positions");
    assert_eq!(pos["eventType"], "snapshot");
    assert_eq!(pos["data"][0]["instId"], "BTC-USDT-SWAP");
    assert_eq!(pos["arg"]["uid"], okx_testkit::TEST_UID);
    let acct = pushes
        .iter()
        .find(|p| channel(p) == "account")
        .expect("account");
    assert_eq!(acct["data"][0]["details"].as_array().map(Vec::len), Some(1));
    assert_eq!(acct["data"][0]["details"][0]["ccy"], "USDT");
    // A fill moves them: an event push on each.
    rest.place(json!({"instId": "BTC-USDT-SWAP", "tdMode": "cross", "side": "sell", "ordType": "market", "sz": "1"}))
        .await;
    let frames = ws.drain(Duration::from_millis(300)).await;
    let chans: Vec<&str> = frames.iter().map(channel).collect();
    for c in ["orders", "positions", "balance_and_position", "account"] {
        assert!(chans.contains(&c), "{c} pushed after a fill: {chans:?}");
    }
    let bp = frames
        .iter()
        .find(|f| channel(f) == "balance_and_position")
        .expect("b&p");
    assert_eq!(bp["data"][0]["eventType"], "filled");
    assert!(
        !bp["data"][0]["trades"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );
}

#[tokio::test]
async fn keys_are_checked_like_okx() {
    let demo = Key {
        key: "demo-key".into(),
        secret: "demo-secret".into(),
        passphrase: "demo-pass".into(),
        demo: true,
    };
    let okx = Okx::builder()
        .market_motion(None)
        .account(
            AccountSpec::new(ApiKey::new(&demo.key, &demo.secret, &demo.passphrase).demo())
                .sub_account_of(okx_testkit::TEST_UID, "sub1")
                .balance("USDT", "100".parse().unwrap_or_default()),
        )
        .start()
        .await
        .expect("starts");
    let demo_rest = Rest::new(&okx, demo.clone());
    let bal = demo_rest.data("/api/v5/account/balance").await;
    assert_eq!(
        bal[0]["details"][0]["cashBal"], "100",
        "a sub-account has its own balance"
    );
    let cfg = demo_rest.data("/api/v5/account/config").await;
    assert_eq!(
        (cfg[0]["mainUid"].as_str(), cfg[0]["type"].as_str()),
        (Some(okx_testkit::TEST_UID), Some("1"))
    );
    let live_use = Rest::new(
        &okx,
        Key {
            demo: false,
            ..demo
        },
    );
    let (status, v) = live_use.get_status("/api/v5/account/balance").await;
    assert_eq!(
        (status, v["code"].as_str()),
        (401, Some("50101")),
        "a demo key used live"
    );
    let mut wrong = Key::default_account();
    wrong.secret = "nope".into();
    let (status, v) = Rest::new(&okx, wrong)
        .get_status("/api/v5/account/balance")
        .await;
    assert_eq!((status, v["code"].as_str()), (401, Some("50113")));
    okx.set_clock_skew_ms(45_000);
    let (status, v) = Rest::new(&okx, Key::default_account())
        .get_status("/api/v5/account/balance")
        .await;
    assert_eq!(
        (status, v["code"].as_str()),
        (401, Some("50102")),
        "45 s off"
    );
}

#[tokio::test]
async fn ws_login_takes_a_numeric_timestamp_and_a_close_frame_is_answered() {
    let okx = still().await;
    let mut ws = Ws::connect(&format!("{}/ws/v5/private", okx.ws_url())).await;
    let key = Key::default_account();
    let ts = wall_ms() / 1000;
    let sign = okx_testkit::sign::ws_login_signature(&key.secret, &ts.to_string());
    ws.send(json!({"op": "login", "args": [{"apiKey": key.key, "passphrase": key.passphrase, "timestamp": ts, "sign": sign}]}))
        .await;
    let reply = ws.until(5 * SECOND, |v| v.get("event").is_some()).await;
    assert_eq!(
        (reply["event"].as_str(), reply["code"].as_str()),
        (Some("login"), Some("0")),
        "{reply}"
    );
    ws.socket
        .send(Message::Close(None))
        .await
        .expect("close sent");
    let answer = tokio::time::timeout(5 * SECOND, ws.socket.next())
        .await
        .expect("an answer");
    assert!(matches!(answer, Some(Ok(Message::Close(_)))), "{answer:?}");
}

#[tokio::test]
async fn faults_can_be_scripted_from_outside() {
    let okx = still().await;
    let http = reqwest::Client::new();
    let admin = |path: &str| format!("{}/testkit/{path}", okx.rest_url());
    let send = |path: String, body: Value| {
        let http = http.clone();
        async move {
            let resp = http
                .post(path)
                .body(body.to_string())
                .send()
                .await
                .expect("answers");
            (
                resp.status().as_u16(),
                resp.text().await.unwrap_or_default(),
            )
        }
    };
    let (status, _) = send(
        admin("fault"),
        json!({"door": "rest", "path": "/api/v5/trade/order", "fault": "status", "status": 503}),
    )
    .await;
    assert_eq!(status, 200);
    let rest = Rest::new(&okx, Key::default_account());
    let order = json!({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "20000", "sz": "0.001"});
    let v = rest.post("/api/v5/trade/order", order.clone()).await;
    assert_eq!(v["code"], "50001", "{v}");
    assert!(okx.rest().orders().is_empty(), "a 503 acts on nothing");
    rest.place(order).await;
    let mut ws = Ws::connect(&format!("{}/ws/v5/private", okx.ws_url())).await;
    ws.login(&Key::default_account()).await;
    let (status, _) = send(
        admin("fault"),
        json!({"door": "ws", "fault": "drop_private", "uid": okx_testkit::TEST_UID}),
    )
    .await;
    assert_eq!(status, 200);
    let closed = tokio::time::timeout(5 * SECOND, async {
        loop {
            match ws.socket.next().await {
                Some(Ok(Message::Text(_))) => {}
                other => return other,
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the private socket was dropped");
    let (status, body) = send(admin("fault"), json!({"door": "ws", "fault": "nonsense"})).await;
    assert_eq!(status, 400, "{body}");
    let state = http
        .get(admin("state"))
        .send()
        .await
        .expect("answers")
        .text()
        .await
        .unwrap_or_default();
    let state: Value = serde_json::from_str(&state).unwrap_or_default();
    assert_eq!(state["data"][0]["accounts"][0]["openOrders"], 1);
}

#[tokio::test]
async fn serve_describes_itself_in_one_json_line() {
    let opts = okx_testkit::serve::ServeOptions {
        balances: vec![("USDT".into(), "1234.5".parse().unwrap_or_default())],
        instruments: vec!["BTC-USDT".into(), "BTC-USDT-SWAP".into()],
        motion: None,
        ..Default::default()
    };
    let (okx, line) = okx_testkit::serve::serve(&opts).await.expect("serves");
    let v: Value = serde_json::from_str(&line).expect("one JSON line");
    assert_eq!(v["rest_url"], okx.rest_url());
    assert_eq!(v["ws_public"], format!("{}/ws/v5/public", okx.ws_url()));
    assert_eq!(v["api_key"], okx_testkit::TEST_API_KEY);
    let rest = Rest::new(&okx, Key::default_account());
    let bal = rest.data("/api/v5/account/balance?ccy=USDT").await;
    assert_eq!(bal[0]["details"][0]["cashBal"], "1234.5");
    let spot = rest.data("/api/v5/public/instruments?instType=SPOT").await;
    assert_eq!(spot.len(), 1);
    let bad = okx_testkit::serve::ServeOptions {
        instruments: vec!["NOPE".into()],
        ..Default::default()
    };
    assert!(okx_testkit::serve::serve(&bad).await.is_err());
}
