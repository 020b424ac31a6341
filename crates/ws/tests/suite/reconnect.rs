use super::common::*;
use okx_testkit::ws::{Fault, WsServer};
use okx_ws::{Arg, DisconnectReason, PushData, WsClient, WsError, WsEvent, WsEvents};
use serde_json::json;
use std::time::Duration;

async fn connected_client(server: &WsServer) -> (WsClient, WsEvents) {
    let (client, mut events) = WsClient::new(private_config(server)).unwrap();
    client
        .subscribe([
            Arg::new("tickers").inst_id("BTC-USDT"),
            Arg::new("trades").inst_id("BTC-USDT"),
        ])
        .await
        .unwrap();
    client
        .subscribe([Arg::new("orders").inst_type("ANY")])
        .await
        .unwrap();
    wait_for(&mut events, Duration::from_secs(5), |e| {
        matches!(e, WsEvent::Connected { .. })
    })
    .await;
    (client, events)
}

/// After a fault: a `Disconnected`, then `Reconnected`, the server holds the
/// same subscriptions again, and pushes flow on the new connection.
async fn assert_recovers(
    server: &WsServer,
    events: &mut WsEvents,
    expect: impl Fn(&DisconnectReason) -> bool,
) {
    let ev = wait_for(events, Duration::from_secs(60), |e| {
        matches!(
            e,
            WsEvent::Disconnected {
                endpoint: okx_ws::Endpoint::Public,
                ..
            }
        )
    })
    .await;
    let WsEvent::Disconnected { reason, .. } = ev else {
        unreachable!()
    };
    assert!(expect(&reason), "unexpected reason {reason:?}");
    wait_for(events, Duration::from_secs(60), |e| {
        matches!(
            e,
            WsEvent::Reconnected {
                endpoint: okx_ws::Endpoint::Public,
                ..
            }
        )
    })
    .await;
    let subs = server.subscriptions();
    let public: Vec<_> = subs
        .iter()
        .flatten()
        .filter(|a| a["channel"] != "orders")
        .collect();
    assert_eq!(public.len(), 2, "{subs:?}");
    server.push(
        json!({"channel": "tickers", "instId": "BTC-USDT"}),
        tickers_data("BTC-USDT", "7"),
    );
    let ev = wait_for(events, Duration::from_secs(10), |e| {
        matches!(e, WsEvent::Push(_))
    })
    .await;
    let WsEvent::Push(push) = ev else {
        unreachable!()
    };
    assert!(matches!(&push.data, PushData::Tickers(_)));
}

#[tokio::test(start_paused = true)]
async fn reconnects_after_a_dropped_socket() {
    let server = WsServer::start().await.unwrap();
    let (_client, mut events) = connected_client(&server).await;
    server.inject(Fault::Drop);
    assert_recovers(&server, &mut events, |r| {
        matches!(
            r,
            DisconnectReason::Closed { .. } | DisconnectReason::Error(_)
        )
    })
    .await;
    // The private connection logged in again before resubscribing orders.
    for _ in 0..100 {
        if server.stats().logins >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(server.stats().logins >= 2);
    let orders: Vec<_> = server
        .subscriptions()
        .into_iter()
        .flatten()
        .filter(|a| a["channel"] == "orders")
        .collect();
    assert_eq!(orders.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn reconnects_when_the_server_goes_silent() {
    let server = WsServer::start().await.unwrap();
    let (_client, mut events) = connected_client(&server).await;
    server.inject(Fault::GoSilent);
    assert_recovers(&server, &mut events, |r| {
        *r == DisconnectReason::PongTimeout
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn reconnects_after_a_close_frame() {
    let server = WsServer::start().await.unwrap();
    let (_client, mut events) = connected_client(&server).await;
    server.inject(Fault::Close(4004));
    assert_recovers(&server, &mut events, |r| {
        matches!(
            r,
            DisconnectReason::Closed {
                code: Some(4004),
                ..
            }
        )
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_corrupt_frame_is_reported_and_the_feed_goes_on() {
    let server = WsServer::start().await.unwrap();
    let (_client, mut events) = connected_client(&server).await;
    server.inject(Fault::CorruptFrame);
    wait_for(&mut events, Duration::from_secs(5), |e| {
        matches!(e, WsEvent::DecodeError { .. })
    })
    .await;
    server.push(
        json!({"channel": "tickers", "instId": "BTC-USDT"}),
        tickers_data("BTC-USDT", "8"),
    );
    wait_for(&mut events, Duration::from_secs(5), |e| {
        matches!(e, WsEvent::Push(_))
    })
    .await;
    assert_eq!(
        server.stats().connections,
        2,
        "one public, one private connection, never reopened"
    );
}

#[tokio::test(start_paused = true)]
async fn slow_responses_within_the_timeout_succeed_and_beyond_it_time_out() {
    let server = WsServer::start().await.unwrap();
    for (i, inst) in ["A-USDT", "B-USDT", "C-USDT"].into_iter().enumerate() {
        server.add_instrument(inst, 9100 + i as i64, "1");
    }
    let (client, _events) = WsClient::new(config(&server)).unwrap();
    client
        .subscribe([Arg::new("tickers").inst_id("A-USDT")])
        .await
        .unwrap();
    server.inject(Fault::DelayResponses(Duration::from_secs(3)));
    client
        .subscribe([Arg::new("tickers").inst_id("B-USDT")])
        .await
        .unwrap();
    server.inject(Fault::DelayResponses(Duration::from_secs(30)));
    let err = client
        .subscribe([Arg::new("tickers").inst_id("C-USDT")])
        .await
        .unwrap_err();
    assert_eq!(err, WsError::Timeout);
}

#[tokio::test(start_paused = true)]
async fn reconnect_backoff_grows_while_the_server_is_away() {
    let server = WsServer::start().await.unwrap();
    let addr = server.addr();
    let (client, mut events) = WsClient::new(config(&server)).unwrap();
    client
        .subscribe([Arg::new("tickers").inst_id("BTC-USDT")])
        .await
        .unwrap();
    drop(server);
    let seen = drain(&mut events, Duration::from_secs(20)).await;
    let failures = seen
        .iter()
        .filter(|e| {
            matches!(
                e,
                WsEvent::Disconnected {
                    reason: DisconnectReason::ConnectFailed(_),
                    ..
                }
            )
        })
        .count();
    // 250 ms doubling with jitter: a handful of attempts in 20 s, not hundreds.
    assert!(
        (3..=10).contains(&failures),
        "{failures} attempts: {seen:?}"
    );
    let _ = addr;
}

fn order_push(server: &WsServer, ord_id: &str) {
    server.push(
        json!({"channel": "orders", "instType": "SPOT", "uid": "44000000000001"}),
        json!([{"instType": "SPOT", "instId": "BTC-USDT", "ordId": ord_id, "clOrdId": "",
            "px": "1", "sz": "1", "ordType": "limit", "side": "buy", "tdMode": "cash",
            "state": "live", "accFillSz": "0", "cTime": "1", "uTime": "1"}]),
    );
}

fn is_order(ev: &WsEvent, ord_id: &str) -> bool {
    matches!(ev, WsEvent::Push(p) if matches!(&p.data, PushData::Orders(rows) if rows[0].ord_id.as_str() == ord_id))
}

#[tokio::test]
async fn a_resubscribe_refused_for_a_passing_reason_reconnects_and_keeps_the_arg() {
    let server = WsServer::start().await.unwrap();
    let (client, mut events) = WsClient::new(private_config(&server)).unwrap();
    client
        .subscribe([Arg::new("orders").inst_type("ANY")])
        .await
        .unwrap();
    server.inject(Fault::RejectSubscribes {
        code: "60014",
        times: 1,
    });
    server.inject(Fault::Drop);
    // Refused once: that connection counts as failed; the next one works.
    wait_for(&mut events, Duration::from_secs(30), |e| {
        matches!(e, WsEvent::Disconnected { reason: DisconnectReason::ConnectFailed(why), .. }
            if why.contains("60014"))
    })
    .await;
    wait_for(&mut events, Duration::from_secs(30), |e| {
        matches!(e, WsEvent::Reconnected { .. })
    })
    .await;
    order_push(&server, "7");
    wait_for(&mut events, Duration::from_secs(5), |e| is_order(e, "7")).await;
}

#[tokio::test]
async fn a_resubscribe_refused_for_good_is_reported_and_can_be_subscribed_again() {
    let server = WsServer::start().await.unwrap();
    let (client, mut events) = WsClient::new(private_config(&server)).unwrap();
    let orders = Arg::new("orders").inst_type("ANY");
    client.subscribe([orders.clone()]).await.unwrap();
    server.inject(Fault::RejectSubscribes {
        code: "60018",
        times: 1,
    });
    server.inject(Fault::Drop);
    let ev = wait_for(&mut events, Duration::from_secs(30), |e| {
        matches!(e, WsEvent::SubscriptionDropped { .. })
    })
    .await;
    let WsEvent::SubscriptionDropped { arg, code, .. } = ev else {
        unreachable!()
    };
    assert_eq!(arg, orders);
    assert_eq!(code.0, 60018);
    let before = server.stats().subscribed;
    client.subscribe([orders]).await.unwrap();
    assert_eq!(
        server.stats().subscribed,
        before + 1,
        "sent again, not a no-op"
    );
    order_push(&server, "8");
    wait_for(&mut events, Duration::from_secs(5), |e| is_order(e, "8")).await;
}
