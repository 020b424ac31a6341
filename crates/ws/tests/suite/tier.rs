//! OKX's 2025-26 connection rules: the fee-tier refusal (64003, which
//! replaced 60029/60030 on 2026-04-07) and the 64008 upgrade notice on the
//! business endpoint (since 2026-06-11).

use super::common::*;
use okx_models::OkxCode;
use okx_testkit::ws::{Fault, WsServer};
use okx_ws::{Arg, Endpoint, PushData, WsClient, WsError, WsEvent};
use std::time::Duration;

fn l2(inst: &str) -> Arg {
    Arg::new("books-l2-tbt").inst_id(inst)
}

#[tokio::test]
async fn a_fee_tier_refusal_is_typed_and_the_arg_is_not_sent_again() {
    let server = WsServer::start().await.unwrap();
    let (client, mut events) = WsClient::new(private_config(&server)).unwrap();
    client
        .subscribe([Arg::new("tickers").inst_id("BTC-USDT")])
        .await
        .unwrap();
    server.inject(Fault::RejectSubscribes {
        code: "64003",
        times: 1,
    });
    let err = client.subscribe([l2("BTC-USDT")]).await.unwrap_err();
    match &err {
        WsError::AccessTier { code, args, .. } => {
            assert_eq!(*code, OkxCode::WS_ACCESS_TIER);
            assert_eq!(args, &vec![l2("BTC-USDT")]);
        }
        other => panic!("not a typed tier error: {other:?}"),
    }
    assert_eq!(err.okx_code(), Some(OkxCode(64003)));
    // Reconnects resubscribe what is subscribed: the refused arg is not.
    let connections = client.connections();
    server.inject(Fault::Drop);
    let mut back = 0;
    while back < connections {
        wait_for(&mut events, Duration::from_secs(10), |e| {
            matches!(e, WsEvent::Reconnected { .. })
        })
        .await;
        back += 1;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let subs = server.subscriptions().concat();
    assert!(
        subs.iter().all(|a| a["channel"] != "books-l2-tbt"),
        "refused arg sent again: {subs:?}"
    );
    assert!(subs.iter().any(|a| a["channel"] == "tickers"));
}

#[tokio::test]
async fn a_tier_lost_while_subscribed_drops_the_arg_once_without_a_reconnect_loop() {
    let server = WsServer::start().await.unwrap();
    let (client, mut events) = WsClient::new(private_config(&server)).unwrap();
    client.subscribe([l2("BTC-USDT")]).await.unwrap();
    wait_for(&mut events, Duration::from_secs(5), |e| {
        matches!(e, WsEvent::Connected { .. })
    })
    .await;
    // The account fell below VIP4: the resubscribe after a drop is refused.
    server.inject(Fault::RejectSubscribes {
        code: "64003",
        times: 1,
    });
    server.inject(Fault::Drop);
    let ev = wait_for(&mut events, Duration::from_secs(10), |e| {
        matches!(e, WsEvent::SubscriptionDropped { .. })
    })
    .await;
    assert!(
        matches!(&ev, WsEvent::SubscriptionDropped { code, arg, .. }
            if *code == OkxCode::WS_ACCESS_TIER && *arg == l2("BTC-USDT")),
        "{ev:?}"
    );
    let connections = server.stats().connections;
    let later = drain(&mut events, Duration::from_secs(2)).await;
    assert_eq!(
        server.stats().connections,
        connections,
        "no reconnect loop: {later:?}"
    );
    assert!(
        !later
            .iter()
            .any(|e| matches!(e, WsEvent::SubscriptionDropped { .. })),
        "{later:?}"
    );
    // Asking again (say after upgrading the account) really sends it.
    client.subscribe([l2("BTC-USDT")]).await.unwrap();
    assert!(
        server
            .subscriptions()
            .concat()
            .iter()
            .any(|a| a["channel"] == "books-l2-tbt")
    );
}

/// 64008 on `/ws/v5/business`: the same make-before-break as on public.
#[tokio::test]
async fn the_upgrade_notice_on_the_business_endpoint_is_make_before_break() {
    let server = WsServer::start().await.unwrap();
    server.spawn_feed(
        "trades-all",
        "BTC-USDT",
        Duration::from_millis(5),
        serde_json::Value::Null,
    );
    let (client, mut events) = WsClient::new(config(&server)).unwrap();
    client
        .subscribe([Arg::new("trades-all").inst_id("BTC-USDT")])
        .await
        .unwrap();
    drain(&mut events, Duration::from_millis(200)).await;
    server.inject(Fault::Notice64008 {
        close_after: Duration::from_millis(800),
    });
    let mut ids: Vec<u64> = Vec::new();
    let mut other = Vec::new();
    for ev in drain(&mut events, Duration::from_millis(2500)).await {
        match ev {
            WsEvent::Push(p) => {
                if let PushData::Trades(rows) = &p.data {
                    ids.extend(rows.iter().filter_map(|t| t.trade_id.parse::<u64>().ok()));
                }
            }
            ev => other.push(ev),
        }
    }
    assert!(ids.len() > 50, "feed too thin: {}", ids.len());
    for pair in ids.windows(2) {
        assert_eq!(pair[1], pair[0] + 1, "gap or duplicate around {pair:?}");
    }
    assert!(
        other.iter().any(|e| matches!(e,
            WsEvent::Notice { endpoint: Endpoint::Business, code, .. } if *code == OkxCode::WS_SERVICE_UPGRADE)),
        "{other:?}"
    );
    assert!(
        other.iter().any(|e| matches!(
            e,
            WsEvent::Reconnected {
                endpoint: Endpoint::Business,
                ..
            }
        )),
        "{other:?}"
    );
    assert!(
        !other
            .iter()
            .any(|e| matches!(e, WsEvent::Disconnected { .. })),
        "{other:?}"
    );
}

/// A refused book subscription does not wait for a snapshot either: no
/// "no snapshot" report follows the refusal.
#[tokio::test]
async fn a_refused_book_is_not_waited_for() {
    let server = WsServer::start().await.unwrap();
    let mut cfg = private_config(&server);
    cfg.snapshot_wait = Duration::from_millis(200);
    let (client, mut events) = WsClient::new(cfg).unwrap();
    server.inject(Fault::RejectSubscribes {
        code: "64003",
        times: 1,
    });
    assert!(matches!(
        client.subscribe([l2("BTC-USDT")]).await,
        Err(WsError::AccessTier { .. })
    ));
    let later = drain(&mut events, Duration::from_millis(800)).await;
    assert!(
        !later
            .iter()
            .any(|e| matches!(e, WsEvent::BookOutOfSync { .. })),
        "{later:?}"
    );
}
