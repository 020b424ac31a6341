use super::common::*;
use okx_models::OkxCode;
use okx_testkit::ws::WsServer;
use okx_ws::{Arg, Endpoint, PushData, WsClient, WsError, WsEvent};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn subscribe_is_acked_and_pushes_arrive_typed() {
    let server = WsServer::start().await.unwrap();
    let (client, mut events) = WsClient::new(config(&server)).unwrap();
    client
        .subscribe([Arg::new("tickers").inst_id("BTC-USDT")])
        .await
        .unwrap();
    let ev = wait_for(&mut events, Duration::from_secs(5), |e| {
        matches!(e, WsEvent::Connected { .. })
    })
    .await;
    assert_eq!(
        ev,
        WsEvent::Connected {
            endpoint: Endpoint::Public,
            conn: 0
        }
    );
    assert_eq!(server.stats().subscribed, 1);
    let sent = server.push(
        json!({"channel": "tickers", "instId": "BTC-USDT"}),
        tickers_data("BTC-USDT", "30218.8"),
    );
    assert_eq!(sent, 1);
    // Like OKX, the exchange pushes the current ticker on subscribe (the
    // simulated market starts at 30000); then the scripted one arrives.
    let mut lasts = Vec::new();
    let push = loop {
        let ev = wait_for(&mut events, Duration::from_secs(5), |e| {
            matches!(e, WsEvent::Push(_))
        })
        .await;
        let WsEvent::Push(push) = ev else {
            unreachable!()
        };
        let PushData::Tickers(rows) = &push.data else {
            panic!("not tickers: {push:?}")
        };
        lasts.push(rows[0].last.map(|d| d.to_string()).unwrap_or_default());
        if lasts.len() == 2 {
            break push;
        }
    };
    assert_eq!(lasts, ["30000", "30218.8"]);
    assert_eq!(push.arg.inst_id.as_deref(), Some("BTC-USDT"));

    client
        .unsubscribe([Arg::new("tickers").inst_id("BTC-USDT")])
        .await
        .unwrap();
    assert_eq!(
        server.subscriptions(),
        vec![Vec::<serde_json::Value>::new()]
    );
}

#[tokio::test]
async fn subscribe_errors_go_back_to_the_caller() {
    let server = WsServer::start().await.unwrap();
    let (client, _events) = WsClient::new(config(&server)).unwrap();
    // Unknown channel: 60018 from the server.
    let err = client
        .subscribe([Arg::new("no-such-channel")])
        .await
        .unwrap_err();
    assert!(
        matches!(err, WsError::Api { code, .. } if code == OkxCode::WS_NO_CHANNEL),
        "{err:?}"
    );
    // A business channel on the public URL: 64001.
    let err = client
        .subscribe_on(Endpoint::Public, [Arg::new("candle1m").inst_id("BTC-USDT")])
        .await
        .unwrap_err();
    assert!(
        matches!(err, WsError::Api { code, .. } if code == OkxCode::WS_WRONG_URL),
        "{err:?}"
    );
    // A private business channel without login: 60011.
    let err = client
        .subscribe_on(
            Endpoint::Business,
            [Arg::new("orders-algo").inst_type("ANY")],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, WsError::Api { code, .. } if code == OkxCode::WS_NOT_LOGGED_IN),
        "{err:?}"
    );
    // A private channel with no credentials is refused locally.
    let err = client
        .subscribe([Arg::new("orders").inst_type("ANY")])
        .await
        .unwrap_err();
    assert!(matches!(err, WsError::Config(_)), "{err:?}");
    // The good subscription on the same connection still works.
    client
        .subscribe([Arg::new("trades").inst_id("BTC-USDT")])
        .await
        .unwrap();
}

#[tokio::test]
async fn candles_route_to_business_and_private_channels_log_in() {
    let server = WsServer::start().await.unwrap();
    let (client, mut events) = WsClient::new(private_config(&server)).unwrap();
    client
        .subscribe([
            Arg::new("candle1m").inst_id("BTC-USDT"),
            Arg::new("orders").inst_type("ANY"),
        ])
        .await
        .unwrap();
    assert_eq!(client.connections(), 2);
    assert!(server.stats().logins >= 1);
    server.push(
        json!({"channel": "candle1m", "instId": "BTC-USDT"}),
        json!([[
            "1597026383085",
            "8533",
            "8553.7",
            "8527.1",
            "8548.2",
            "45247",
            "529.5858",
            "529.5858",
            "0"
        ]]),
    );
    let ev = wait_for(&mut events, Duration::from_secs(5), |e| {
        matches!(e, WsEvent::Push(_))
    })
    .await;
    let WsEvent::Push(push) = ev else {
        unreachable!()
    };
    assert!(
        matches!(&push.data, PushData::Candles(c) if c.len() == 1),
        "{push:?}"
    );
}

#[tokio::test]
async fn subscriptions_spread_over_connections_at_the_limit() {
    let server = WsServer::start().await.unwrap();
    for i in 0..5 {
        server.add_instrument(&format!("C{i}-USDT"), 9000 + i, "1");
    }
    let mut cfg = config(&server);
    cfg.max_subs_per_connection = 2;
    let (client, _events) = WsClient::new(cfg).unwrap();
    let args: Vec<Arg> = (0..5)
        .map(|i| Arg::new("tickers").inst_id(format!("C{i}-USDT")))
        .collect();
    client.subscribe(args.clone()).await.unwrap();
    assert_eq!(client.connections(), 3);
    assert_eq!(server.stats().open, 3);
    let mut per_conn: Vec<usize> = server.subscriptions().iter().map(Vec::len).collect();
    per_conn.sort();
    assert_eq!(per_conn, vec![1, 2, 2]);
    // Subscribing again is a no-op, not a new connection.
    client.subscribe(args).await.unwrap();
    assert_eq!(client.connections(), 3);
}

#[tokio::test(start_paused = true)]
async fn new_connections_are_limited_to_three_per_second() {
    let server = WsServer::start().await.unwrap();
    for i in 0..7 {
        server.add_instrument(&format!("C{i}-USDT"), 9000 + i, "1");
    }
    let mut cfg = config(&server);
    cfg.max_subs_per_connection = 1;
    let (client, _events) = WsClient::new(cfg).unwrap();
    let start = tokio::time::Instant::now();
    let args: Vec<Arg> = (0..7)
        .map(|i| Arg::new("tickers").inst_id(format!("C{i}-USDT")))
        .collect();
    client.subscribe(args).await.unwrap();
    assert_eq!(server.stats().connections, 7);
    assert!(
        start.elapsed() >= Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn keepalive_pings_keep_an_idle_connection_open() {
    let server = WsServer::start().await.unwrap();
    let (client, mut events) = WsClient::new(config(&server)).unwrap();
    client
        .subscribe([Arg::new("tickers").inst_id("BTC-USDT")])
        .await
        .unwrap();
    // Five times the server's 30 s idle limit with nothing pushed.
    let seen = drain(&mut events, Duration::from_secs(150)).await;
    assert!(
        !seen
            .iter()
            .any(|e| matches!(e, WsEvent::Disconnected { .. })),
        "{seen:?}"
    );
    assert_eq!(server.stats().connections, 1);
    assert_eq!(server.stats().open, 1);
}

#[tokio::test]
async fn login_only_public_channels_get_a_logged_in_public_connection() {
    let server = WsServer::start().await.unwrap();
    let (client, _events) = WsClient::new(private_config(&server)).unwrap();
    client
        .subscribe([Arg::new("tickers").inst_id("BTC-USDT")])
        .await
        .unwrap();
    assert_eq!(server.stats().logins, 0, "plain public data needs no login");
    client
        .subscribe([Arg::new("books-l2-tbt").inst_id("BTC-USDT")])
        .await
        .unwrap();
    assert_eq!(client.connections(), 2);
    assert_eq!(server.stats().logins, 1);
    // Without credentials it is refused before anything is sent.
    let (anon, _events) = WsClient::new(config(&server)).unwrap();
    let err = anon
        .subscribe([Arg::new("books50-l2-tbt").inst_id("BTC-USDT")])
        .await
        .unwrap_err();
    assert!(matches!(err, WsError::Config(_)), "{err:?}");
}

#[tokio::test]
async fn a_partly_refused_subscribe_keeps_the_acked_args() {
    let server = WsServer::start().await.unwrap();
    let (client, mut events) = WsClient::new(config(&server)).unwrap();
    let tickers = Arg::new("tickers").inst_id("BTC-USDT");
    let bad = Arg::new("no-such-channel");
    let trades = Arg::new("trades").inst_id("BTC-USDT");
    let err = client
        .subscribe([tickers.clone(), bad.clone(), trades.clone()])
        .await
        .unwrap_err();
    let WsError::PartlyRefused { code, failed, .. } = err else {
        panic!("{err:?}");
    };
    assert_eq!(code, OkxCode::WS_NO_CHANNEL);
    assert_eq!(failed, vec![bad, trades.clone()]);
    // The acked arg is still subscribed: asking again sends nothing...
    let before = server.stats().subscribed;
    client.subscribe([tickers]).await.unwrap();
    assert_eq!(server.stats().subscribed, before);
    // ...while the refused-by-association one is sent anew.
    client.subscribe([trades]).await.unwrap();
    assert_eq!(server.stats().subscribed, before + 1);
    server.push(
        serde_json::json!({"channel": "tickers", "instId": "BTC-USDT"}),
        tickers_data("BTC-USDT", "101"),
    );
    wait_for(&mut events, Duration::from_secs(5), |e| {
        matches!(e, WsEvent::Push(_))
    })
    .await;
}
