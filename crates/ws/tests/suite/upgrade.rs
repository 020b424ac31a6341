use super::common::*;
use okx_testkit::ws::{Fault, WsServer};
use okx_ws::{Arg, PushData, WsClient, WsEvent};
use std::time::Duration;

/// 64008: the client opens the new connection and resubscribes before the
/// old one closes; the trade ids seen stay contiguous, with no duplicates.
#[tokio::test]
async fn service_upgrade_is_make_before_break_with_no_push_lost() {
    let server = WsServer::start().await.unwrap();
    server.spawn_feed(
        "trades",
        "BTC-USDT",
        Duration::from_millis(5),
        serde_json::Value::Null,
    );
    let (client, mut events) = WsClient::new(config(&server)).unwrap();
    client
        .subscribe([Arg::new("trades").inst_id("BTC-USDT")])
        .await
        .unwrap();
    let mut ids: Vec<u64> = Vec::new();
    let mut other = Vec::new();
    let collect = |ev: WsEvent, ids: &mut Vec<u64>, other: &mut Vec<WsEvent>| match ev {
        WsEvent::Push(p) => {
            if let PushData::Trades(rows) = &p.data {
                ids.extend(rows.iter().filter_map(|t| t.trade_id.parse::<u64>().ok()));
            }
        }
        ev => other.push(ev),
    };
    for ev in drain(&mut events, Duration::from_millis(300)).await {
        collect(ev, &mut ids, &mut other);
    }
    server.inject(Fault::Notice64008 {
        close_after: Duration::from_millis(800),
    });
    for ev in drain(&mut events, Duration::from_millis(3000)).await {
        collect(ev, &mut ids, &mut other);
    }
    assert!(ids.len() > 100, "feed too thin: {}", ids.len());
    for pair in ids.windows(2) {
        assert_eq!(pair[1], pair[0] + 1, "gap or duplicate around {pair:?}");
    }
    assert!(
        other.iter().any(|e| matches!(e, WsEvent::Notice { .. })),
        "{other:?}"
    );
    assert!(
        other
            .iter()
            .any(|e| matches!(e, WsEvent::Reconnected { .. })),
        "{other:?}"
    );
    assert!(
        !other
            .iter()
            .any(|e| matches!(e, WsEvent::Disconnected { .. })),
        "a planned upgrade is not a disconnect: {other:?}"
    );
    assert_eq!(server.stats().connections, 2);
    assert_eq!(server.stats().open, 1);
}

/// Drives book updates from the test server every few milliseconds until
/// dropped; each update moves the best bid, so a lost or doubled update
/// shows up as a wrong book or a sequence gap.
fn spawn_book_feed(server: &std::sync::Arc<WsServer>) -> tokio::task::JoinHandle<()> {
    let server = server.clone();
    tokio::spawn(async move {
        let mut n: u64 = 0;
        loop {
            tokio::time::sleep(Duration::from_millis(4)).await;
            n += 1;
            let px = format!("{}.{}", 100 + n / 10, n % 10);
            server.book_update("BTC-USDT", &[(px.as_str(), "1")], &[]);
        }
    })
}

/// 64008 with a book: during the overlap both sockets deliver the book, the
/// new one starting from its own snapshot. The client switches each book to
/// the new socket at that snapshot, so there is no false sequence gap and
/// the book stays exact.
#[tokio::test]
async fn service_upgrade_keeps_a_book_in_sync_without_a_false_gap() {
    let server = std::sync::Arc::new(WsServer::start().await.unwrap());
    server.set_book("BTC-USDT", &[("99", "5")], &[("200", "5")]);
    let (client, mut events) = WsClient::new(config(&server)).unwrap();
    client
        .subscribe([Arg::new("books").inst_id("BTC-USDT")])
        .await
        .unwrap();
    let feed = spawn_book_feed(&server);
    let before = drain(&mut events, Duration::from_millis(300)).await;
    assert!(
        before
            .iter()
            .any(|e| matches!(e, WsEvent::Book(b) if !b.snapshot))
    );
    // The replacement runs 150 ms behind the old connection, so the old one
    // has already delivered updates past the new one's snapshot.
    server.inject(Fault::LagNewConnections(Duration::from_millis(150)));
    server.inject(Fault::Notice64008 {
        close_after: Duration::from_millis(800),
    });
    let during = drain(&mut events, Duration::from_millis(3000)).await;
    feed.abort();
    let out_of_sync: Vec<_> = during
        .iter()
        .filter(|e| {
            matches!(
                e,
                WsEvent::BookOutOfSync { .. } | WsEvent::DecodeError { .. }
            )
        })
        .collect();
    assert!(out_of_sync.is_empty(), "{out_of_sync:?}");
    assert!(
        during
            .iter()
            .any(|e| matches!(e, WsEvent::Reconnected { .. })),
        "{during:?}"
    );
    let snapshots = during
        .iter()
        .filter(|e| matches!(e, WsEvent::Book(b) if b.snapshot))
        .count();
    assert_eq!(snapshots, 1, "the replacement's snapshot, applied once");
    // The local book equals the server's after the last update (which
    // comes 150 ms late on the lagging replacement).
    server.book_update("BTC-USDT", &[("1000", "1")], &[]);
    let after = drain(&mut events, Duration::from_millis(600)).await;
    assert!(
        !after
            .iter()
            .any(|e| matches!(e, WsEvent::BookOutOfSync { .. })),
        "{after:?}"
    );
    let (synced, best) = client
        .book("books", "BTC-USDT", |b| {
            (
                b.is_synced(),
                b.best_bid().map(|l| (l.px.to_owned(), l.sz.to_owned())),
            )
        })
        .unwrap();
    assert!(synced);
    assert_eq!(best, Some(("1000".to_owned(), "1".to_owned())));
    assert_eq!(server.stats().open, 1);
}

/// A subscribe that waits for a 64008 replacement is sent on the old
/// connection when the replacement fails, instead of waiting until OKX
/// closes the old one.
#[tokio::test]
async fn a_subscribe_held_for_a_failed_replacement_goes_out_on_the_old_socket() {
    let server = WsServer::start().await.unwrap();
    let (client, mut events) = WsClient::new(config(&server)).unwrap();
    client
        .subscribe([Arg::new("tickers").inst_id("BTC-USDT")])
        .await
        .unwrap();
    // The replacement's resubscribe is refused (passing): it is abandoned.
    server.inject(Fault::RejectSubscribes {
        code: "64007",
        times: 1,
    });
    server.inject(Fault::Notice64008 {
        close_after: Duration::from_secs(5),
    });
    wait_for(&mut events, Duration::from_secs(2), |e| {
        matches!(e, WsEvent::Notice { .. })
    })
    .await;
    let sub = tokio::time::timeout(
        Duration::from_secs(3),
        client.subscribe([Arg::new("tickers").inst_id("ETH-USDT")]),
    )
    .await;
    assert!(matches!(sub, Ok(Ok(()))), "{sub:?}");
}
