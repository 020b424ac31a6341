//! Stalled feeds: a socket that answers `ping` but stopped pushing.

use super::common::*;
use okx_testkit::ws::{Fault, WsServer};
use okx_ws::{Arg, DisconnectReason, WsClient, WsEvent};
use std::time::Duration;

fn book_arg(inst: &str) -> Arg {
    Arg::new("books").inst_id(inst)
}

/// An idle book gets OKX's heartbeat about every 60 s, so a quiet market is
/// not mistaken for a stalled feed.
#[tokio::test(start_paused = true)]
async fn an_idle_book_with_heartbeats_is_not_stale() {
    let server = WsServer::start().await.unwrap();
    server.set_book("BTC-USDT", &[("100", "1")], &[("101", "1")]);
    let (client, mut events) = WsClient::new(config(&server)).unwrap();
    client.subscribe([book_arg("BTC-USDT")]).await.unwrap();
    let seen = drain(&mut events, Duration::from_secs(600)).await;
    let bad: Vec<_> = seen
        .iter()
        .filter(|e| {
            matches!(
                e,
                WsEvent::BookOutOfSync { .. } | WsEvent::Disconnected { .. }
            )
        })
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
    let heartbeats = seen
        .iter()
        .filter(|e| matches!(e, WsEvent::Book(b) if !b.snapshot))
        .count();
    assert!(
        (8..=11).contains(&heartbeats),
        "about one per minute: {heartbeats}"
    );
    assert_eq!(server.stats().connections, 1);
    assert_eq!(
        client.book("books", "BTC-USDT", |b| b.is_synced()),
        Some(true)
    );
}

/// Every book of the connection goes quiet while `pong` still comes back:
/// the connection is replaced and the books come back from new snapshots.
#[tokio::test(start_paused = true)]
async fn a_stalled_feed_is_replaced() {
    let server = WsServer::start().await.unwrap();
    server.set_book("BTC-USDT", &[("100", "1")], &[("101", "1")]);
    let (client, mut events) = WsClient::new(config(&server)).unwrap();
    client.subscribe([book_arg("BTC-USDT")]).await.unwrap();
    wait_for(
        &mut events,
        Duration::from_secs(5),
        |e| matches!(e, WsEvent::Book(b) if b.snapshot),
    )
    .await;
    server.inject(Fault::MuteFeeds);
    let ev = wait_for(&mut events, Duration::from_secs(120), |e| {
        matches!(e, WsEvent::Disconnected { .. })
    })
    .await;
    let WsEvent::Disconnected {
        reason: DisconnectReason::StaleFeed { silent_for },
        ..
    } = ev
    else {
        panic!("{ev:?}")
    };
    assert!(silent_for >= Duration::from_secs(90), "{silent_for:?}");
    wait_for(&mut events, Duration::from_secs(30), |e| {
        matches!(e, WsEvent::Reconnected { .. })
    })
    .await;
    wait_for(
        &mut events,
        Duration::from_secs(30),
        |e| matches!(e, WsEvent::Book(b) if b.snapshot),
    )
    .await;
    assert_eq!(server.stats().connections, 2);
    assert_eq!(
        client.book("books", "BTC-USDT", |b| b.is_synced()),
        Some(true)
    );
}

/// One book goes quiet while another flows: only that book is resubscribed,
/// and it is not trusted meanwhile.
#[tokio::test(start_paused = true)]
async fn one_quiet_book_is_resubscribed_alone() {
    let server = WsServer::start().await.unwrap();
    server.set_book("BTC-USDT", &[("100", "1")], &[("101", "1")]);
    server.set_book("ETH-USDT", &[("10", "1")], &[("11", "1")]);
    let (client, mut events) = WsClient::new(config(&server)).unwrap();
    client
        .subscribe([book_arg("BTC-USDT"), book_arg("ETH-USDT")])
        .await
        .unwrap();
    drain(&mut events, Duration::from_secs(1)).await;
    server.inject(Fault::MuteInstrument("ETH-USDT".into()));
    let ev = wait_for(&mut events, Duration::from_secs(120), |e| {
        matches!(
            e,
            WsEvent::BookOutOfSync { .. } | WsEvent::Disconnected { .. }
        )
    })
    .await;
    assert!(
        matches!(&ev, WsEvent::BookOutOfSync { inst_id, reason, .. }
            if inst_id == "ETH-USDT" && reason.contains("no frame")),
        "{ev:?}"
    );
    assert_eq!(
        client.book("books", "ETH-USDT", |b| b.is_synced()),
        Some(false)
    );
    assert_eq!(
        client.book("books", "BTC-USDT", |b| b.is_synced()),
        Some(true)
    );
    // The muted connection never sends ETH-USDT again, so the resubscribe's
    // snapshot does not come either; with BTC-USDT still flowing, the client
    // keeps asking for that book alone and never drops the connection.
    let later = drain(&mut events, Duration::from_secs(200)).await;
    assert!(
        !later
            .iter()
            .any(|e| matches!(e, WsEvent::Disconnected { .. })),
        "{later:?}"
    );
    assert!(
        later
            .iter()
            .any(|e| matches!(e, WsEvent::BookOutOfSync { inst_id, .. } if inst_id == "ETH-USDT")),
        "asked again: {later:?}"
    );
    assert_eq!(server.stats().connections, 1);
}

/// With `push_timeout`, any connection whose pushes stop is replaced, even
/// without books.
#[tokio::test(start_paused = true)]
async fn push_timeout_replaces_a_silent_ticker_feed() {
    let server = WsServer::start().await.unwrap();
    let mut cfg = config(&server);
    cfg.push_timeout = Some(Duration::from_secs(30));
    let (client, mut events) = WsClient::new(cfg).unwrap();
    client
        .subscribe([Arg::new("tickers").inst_id("BTC-USDT")])
        .await
        .unwrap();
    server.push(
        serde_json::json!({"channel": "tickers", "instId": "BTC-USDT"}),
        tickers_data("BTC-USDT", "100"),
    );
    let ev = wait_for(&mut events, Duration::from_secs(60), |e| {
        matches!(e, WsEvent::Disconnected { .. })
    })
    .await;
    assert!(
        matches!(ev, WsEvent::Disconnected { reason: DisconnectReason::StaleFeed { silent_for }, .. }
            if silent_for >= Duration::from_secs(30)),
        "{ev:?}"
    );
    wait_for(&mut events, Duration::from_secs(30), |e| {
        matches!(e, WsEvent::Reconnected { .. })
    })
    .await;
    assert_eq!(
        server.subscriptions(),
        [[serde_json::json!({"channel": "tickers", "instId": "BTC-USDT"})]],
        "resubscribed on the new connection, the old one gone"
    );
}

/// Without `push_timeout` (the default), a quiet ticker is just quiet.
#[tokio::test(start_paused = true)]
async fn a_quiet_ticker_is_not_stale_by_default() {
    let server = WsServer::start().await.unwrap();
    let (client, mut events) = WsClient::new(config(&server)).unwrap();
    client
        .subscribe([Arg::new("tickers").inst_id("BTC-USDT")])
        .await
        .unwrap();
    let seen = drain(&mut events, Duration::from_secs(600)).await;
    assert!(
        !seen
            .iter()
            .any(|e| matches!(e, WsEvent::Disconnected { .. })),
        "{seen:?}"
    );
    assert_eq!(server.stats().connections, 1);
}
