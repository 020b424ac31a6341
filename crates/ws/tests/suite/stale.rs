//! Stalled feeds: a socket that answers `ping` but stopped pushing.

use super::common::*;
use okx_testkit::ws::{Fault, WsServer};
use okx_ws::{Arg, DisconnectReason, WsClient, WsEvent, WsEvents};
use std::time::Duration;

fn book_arg(inst: &str) -> Arg {
    Arg::new("books").inst_id(inst)
}

/// Fails when any of `seen` is a disconnect.
fn assert_stayed_connected(seen: &[WsEvent]) {
    assert!(
        !seen
            .iter()
            .any(|e| matches!(e, WsEvent::Disconnected { .. })),
        "{seen:?}"
    );
}

/// A client with the BTC-USDT book subscribed and its first events read;
/// then a gap whose resync subscribe OKX refuses once with `code`.
async fn gap_with_a_refused_resync(server: &WsServer, code: &'static str) -> (WsClient, WsEvents) {
    server.set_book("BTC-USDT", &[("100", "1")], &[("101", "1")]);
    let (client, mut events) = WsClient::new(config(server)).unwrap();
    client.subscribe([book_arg("BTC-USDT")]).await.unwrap();
    drain(&mut events, Duration::from_secs(1)).await;
    server.inject(Fault::RejectSubscribes { code, times: 1 });
    server.inject(Fault::SkipBookSeq);
    server.book_update("BTC-USDT", &[("100.5", "1")], &[]);
    (client, events)
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
    assert_stayed_connected(&later);
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
    assert_stayed_connected(&seen);
    assert_eq!(server.stats().connections, 1);
}

/// A book unsubscribed long ago and subscribed again starts a new clock: it
/// is not stale before its snapshot had a chance to arrive.
#[tokio::test(start_paused = true)]
async fn a_book_subscribed_again_later_is_not_stale_at_once() {
    let server = WsServer::start().await.unwrap();
    server.set_book("BTC-USDT", &[("100", "1")], &[("101", "1")]);
    let (client, mut events) = WsClient::new(config(&server)).unwrap();
    client.subscribe([book_arg("BTC-USDT")]).await.unwrap();
    drain(&mut events, Duration::from_secs(1)).await;
    client.unsubscribe([book_arg("BTC-USDT")]).await.unwrap();
    client
        .subscribe([Arg::new("tickers").inst_id("BTC-USDT")])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(200)).await;
    drain(&mut events, Duration::from_millis(10)).await;
    // A slow answer, as over a real network.
    server.inject(Fault::DelayResponses(Duration::from_millis(400)));
    client.subscribe([book_arg("BTC-USDT")]).await.unwrap();
    let seen = drain(&mut events, Duration::from_secs(5)).await;
    assert!(
        !seen.iter().any(|e| matches!(
            e,
            WsEvent::BookOutOfSync { .. } | WsEvent::Disconnected { .. }
        )),
        "{seen:?}"
    );
    assert_eq!(
        client.book("books", "BTC-USDT", |b| b.is_synced()),
        Some(true)
    );
}

/// With `push_timeout`, the clock runs only while something is subscribed:
/// a connection used for trading alone for a long time is not replaced the
/// moment it subscribes.
#[tokio::test(start_paused = true)]
async fn push_timeout_counts_only_while_subscribed() {
    let server = WsServer::start().await.unwrap();
    let mut cfg = config(&server);
    cfg.push_timeout = Some(Duration::from_secs(60));
    let (client, mut events) = WsClient::new(cfg).unwrap();
    client.connect(okx_ws::Endpoint::Public).unwrap();
    tokio::time::sleep(Duration::from_secs(600)).await;
    client
        .subscribe([Arg::new("tickers").inst_id("BTC-USDT")])
        .await
        .unwrap();
    let seen = drain(&mut events, Duration::from_secs(30)).await;
    assert_stayed_connected(&seen);
    assert_eq!(server.stats().connections, 1);
}

/// One book goes quiet while tickers flow on the same connection: the book
/// is resubscribed; the connection, whose pushes still arrive, stays.
#[tokio::test(start_paused = true)]
async fn a_quiet_book_beside_busy_tickers_keeps_the_connection() {
    let server = WsServer::start().await.unwrap();
    server.set_book("BTC-USDT", &[("100", "1")], &[("101", "1")]);
    server.spawn_feed(
        "tickers",
        "ETH-USDT",
        Duration::from_secs(1),
        serde_json::Value::Null,
    );
    let (client, mut events) = WsClient::new(config(&server)).unwrap();
    client
        .subscribe([
            book_arg("BTC-USDT"),
            Arg::new("tickers").inst_id("ETH-USDT"),
        ])
        .await
        .unwrap();
    drain(&mut events, Duration::from_secs(1)).await;
    server.inject(Fault::MuteInstrument("BTC-USDT".into()));
    let ev = wait_for(&mut events, Duration::from_secs(120), |e| {
        matches!(
            e,
            WsEvent::BookOutOfSync { .. } | WsEvent::Disconnected { .. }
        )
    })
    .await;
    assert!(
        matches!(&ev, WsEvent::BookOutOfSync { inst_id, .. } if inst_id == "BTC-USDT"),
        "{ev:?}"
    );
    assert_eq!(server.stats().connections, 1);
}

/// A resync whose subscribe OKX refuses for a passing reason is not the
/// end: the book stays subscribed and is asked for again.
#[tokio::test(start_paused = true)]
async fn a_refused_resync_is_asked_again() {
    let server = WsServer::start().await.unwrap();
    let (client, mut events) = gap_with_a_refused_resync(&server, "64007").await;
    wait_for(&mut events, Duration::from_secs(5), |e| {
        matches!(e, WsEvent::BookOutOfSync { .. })
    })
    .await;
    let healed = wait_for(&mut events, Duration::from_secs(200), |e| {
        matches!(e, WsEvent::Book(b) if b.snapshot)
            || matches!(e, WsEvent::SubscriptionDropped { .. })
    })
    .await;
    assert!(matches!(healed, WsEvent::Book(_)), "{healed:?}");
    assert_eq!(
        client.book("books", "BTC-USDT", |b| b.is_synced()),
        Some(true)
    );
}

/// A resync refused for good (the channel does not exist any more) is
/// reported, not left silently out of sync.
#[tokio::test(start_paused = true)]
async fn a_resync_refused_for_good_is_reported() {
    let server = WsServer::start().await.unwrap();
    let (client, mut events) = gap_with_a_refused_resync(&server, "60018").await;
    let ev = wait_for(&mut events, Duration::from_secs(10), |e| {
        matches!(e, WsEvent::SubscriptionDropped { .. })
    })
    .await;
    assert!(
        matches!(&ev, WsEvent::SubscriptionDropped { arg, .. } if arg.inst_id.as_deref() == Some("BTC-USDT")),
        "{ev:?}"
    );
    drop(client);
}
