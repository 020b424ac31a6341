//! Books as OKX serves them in 2026: `checksum` 0 on every push (sequence
//! checks only, no false alarm, no "verified" claim), and subscriptions
//! that bring no snapshot, started from a REST snapshot and the updates
//! buffered meanwhile.
//!
//! The look-alike runs in its no-snapshot mode with its market held still,
//! so a subscription brings nothing by itself; the frames are then pushed
//! raw, with the sequence numbers each case needs, as OKX would send them.

use super::common::*;
use okx_book::Integrity;
use okx_models::OrderBook;
use okx_testkit::Okx;
use okx_testkit::ws::WsServer;
use okx_ws::{Arg, BookUpdate, WsClient, WsConfig, WsEvent, WsEvents};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn frame(action: &str, seq: i64, prev: i64, checksum: i64, bids: &str) -> String {
    format!(
        r#"{{"arg":{{"channel":"books","instId":"BTC-USDT"}},"action":"{action}","data":[{{"asks":[["101","2","0","1"]],"bids":[{bids}],"ts":"1700000000000","checksum":{checksum},"seqId":{seq},"prevSeqId":{prev}}}]}}"#
    )
}

fn push(server: &WsServer, text: String) {
    let sent = server.push_raw(&json!({"channel": "books", "instId": "BTC-USDT"}), text);
    assert_eq!(sent, 1, "one subscriber");
}

/// A snapshot source that hands out `books` in turn and counts the calls.
fn source(books: Vec<OrderBook>) -> (impl okx_ws::SnapshotSource, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let queue = Arc::new(Mutex::new(books));
    let counted = calls.clone();
    let src = move |inst_id: String, depth: u32| {
        counted.fetch_add(1, Ordering::SeqCst);
        let next = {
            let mut q = queue.lock().unwrap();
            if q.is_empty() {
                None
            } else {
                Some(q.remove(0))
            }
        };
        async move {
            assert_eq!((inst_id.as_str(), depth), ("BTC-USDT", 400));
            next.ok_or_else(|| "no more snapshots".to_owned())
        }
    };
    (src, calls)
}

fn rest_book(seq: i64, bids: &str) -> OrderBook {
    serde_json::from_str(&format!(
        r#"{{"asks":[["101","2","0","1"]],"bids":[{bids}],"ts":"1700000000000","seqId":{seq}}}"#
    ))
    .unwrap()
}

/// An exchange whose book subscriptions bring no snapshot and whose market
/// moves only when told (so nothing but the test's frames reach the book).
async fn no_snapshot_exchange() -> Okx {
    Okx::builder()
        .no_book_snapshot(true)
        .market_motion(None)
        .start()
        .await
        .unwrap()
}

fn fast(cfg: WsConfig) -> WsConfig {
    let mut cfg = cfg;
    cfg.snapshot_wait = Duration::from_millis(200);
    cfg
}

async fn book_event(events: &mut WsEvents, snapshot: bool) -> BookUpdate {
    match wait_for(
        events,
        Duration::from_secs(5),
        |e| matches!(e, WsEvent::Book(b) if b.snapshot == snapshot),
    )
    .await
    {
        WsEvent::Book(b) => b,
        _ => unreachable!(),
    }
}

fn bids(client: &WsClient) -> Vec<String> {
    client
        .book("books", "BTC-USDT", |b| {
            b.levels(okx_book::Side::Bid)
                .map(|l| l.px.to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_subscription_without_snapshot_starts_from_rest_and_stitches_the_buffer() {
    let okx = no_snapshot_exchange().await;
    let server = okx.ws();
    let (src, calls) = source(vec![rest_book(20, r#"["100","1","0","1"]"#)]);
    let (client, mut events) = WsClient::new(fast(config(server)).snapshot_source(src)).unwrap();
    client
        .subscribe([Arg::new("books").inst_id("BTC-USDT")])
        .await
        .unwrap();
    // While the client waits: the first push (ignored, as OKX's recipe
    // says), one the snapshot holds, and two after it.
    push(server, frame("update", 18, 17, 0, r#"["90","1","0","1"]"#));
    push(server, frame("update", 20, 18, 0, r#"["91","1","0","1"]"#));
    push(server, frame("update", 21, 20, 0, r#"["99","4","0","2"]"#));
    push(server, frame("update", 23, 21, 0, r#"["98","6","0","1"]"#));
    let started = book_event(&mut events, true).await;
    assert_eq!(started.integrity, Integrity::Sequenced);
    assert!(!started.checksum_verified);
    // Buffered or (on a slow machine) read after the snapshot: the same book.
    drain(&mut events, Duration::from_millis(200)).await;
    assert_eq!(
        client.book("books", "BTC-USDT", |b| b.seq_id()),
        Some(Some(23))
    );
    assert_eq!(bids(&client), ["100", "99", "98"]);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // Live updates follow on the stitched chain.
    push(server, frame("update", 24, 23, 0, r#"["97","1","0","1"]"#));
    let next = book_event(&mut events, false).await;
    assert_eq!(
        (next.seq_id, next.integrity),
        (Some(24), Integrity::Sequenced)
    );
    assert_eq!(bids(&client).len(), 4);
}

#[tokio::test]
async fn a_gap_in_a_book_started_over_rest_fetches_a_newer_snapshot_without_resubscribing() {
    let okx = no_snapshot_exchange().await;
    let server = okx.ws();
    let (src, calls) = source(vec![
        rest_book(20, r#"["100","1","0","1"]"#),
        rest_book(40, r#"["100","1","0","1"],["95","7","0","1"]"#),
    ]);
    let (client, mut events) = WsClient::new(fast(config(server)).snapshot_source(src)).unwrap();
    client
        .subscribe([Arg::new("books").inst_id("BTC-USDT")])
        .await
        .unwrap();
    push(server, frame("update", 19, 18, 0, ""));
    book_event(&mut events, true).await;
    push(server, frame("update", 21, 20, 0, ""));
    book_event(&mut events, false).await;
    // 22..=27 lost.
    push(server, frame("update", 30, 28, 0, ""));
    let ev = wait_for(&mut events, Duration::from_secs(5), |e| {
        matches!(e, WsEvent::BookOutOfSync { .. })
    })
    .await;
    assert!(
        matches!(&ev, WsEvent::BookOutOfSync { reason, .. } if reason.contains("gap")),
        "{ev:?}"
    );
    let healed = book_event(&mut events, true).await;
    assert_eq!(healed.seq_id, Some(40));
    push(server, frame("update", 41, 40, 0, r#"["96","2","0","1"]"#));
    let next = book_event(&mut events, false).await;
    assert_eq!(next.seq_id, Some(41));
    assert_eq!(bids(&client), ["100", "96", "95"]);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(server.stats().subscribed, 1, "healed without resubscribing");
}

#[tokio::test]
async fn without_a_snapshot_source_the_book_says_it_waits() {
    let okx = no_snapshot_exchange().await;
    let server = okx.ws();
    let (client, mut events) = WsClient::new(fast(config(server))).unwrap();
    client
        .subscribe([Arg::new("books").inst_id("BTC-USDT")])
        .await
        .unwrap();
    push(server, frame("update", 21, 20, 0, ""));
    let ev = wait_for(&mut events, Duration::from_secs(5), |e| {
        matches!(e, WsEvent::BookOutOfSync { .. })
    })
    .await;
    assert!(
        matches!(&ev, WsEvent::BookOutOfSync { reason, .. } if reason.contains("snapshot source")),
        "{ev:?}"
    );
    assert!(
        client
            .book("books", "BTC-USDT", |b| b.is_synced())
            .is_none_or(|synced| !synced)
    );
}

#[tokio::test]
async fn when_okx_sends_the_snapshot_nothing_is_fetched() {
    let server = WsServer::start().await.unwrap();
    server.set_book("BTC-USDT", &[("100", "1")], &[("101", "2")]);
    let (src, calls) = source(vec![rest_book(1, "")]);
    let (client, mut events) = WsClient::new(fast(config(&server)).snapshot_source(src)).unwrap();
    client
        .subscribe([Arg::new("books").inst_id("BTC-USDT")])
        .await
        .unwrap();
    let snap = book_event(&mut events, true).await;
    // The look-alike still sends real checksums: verified and claimed.
    assert!(snap.checksum_verified);
    assert_eq!(snap.integrity, Integrity::Checksummed);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn checksum_zero_books_are_sequenced_never_verified_and_never_alarmed() {
    let okx = no_snapshot_exchange().await;
    let server = okx.ws();
    let (client, mut events) = WsClient::new(config(server)).unwrap();
    client
        .subscribe([Arg::new("books").inst_id("BTC-USDT")])
        .await
        .unwrap();
    push(
        server,
        frame("snapshot", 10, -1, 0, r#"["100","1","0","1"]"#),
    );
    let snap = book_event(&mut events, true).await;
    assert_eq!(
        (snap.integrity, snap.checksum_verified),
        (Integrity::Sequenced, false)
    );
    for seq in 11..=20 {
        let bid = format!(r#"["{}","1","0","1"]"#, 90 + seq % 7);
        push(server, frame("update", seq, seq - 1, 0, &bid));
    }
    let mut seen = Vec::new();
    for ev in drain(&mut events, Duration::from_millis(500)).await {
        match ev {
            WsEvent::Book(b) => seen.push(b),
            WsEvent::BookOutOfSync { .. } => panic!("false alarm: {ev:?}"),
            _ => {}
        }
    }
    assert_eq!(seen.len(), 10);
    assert!(
        seen.iter()
            .all(|b| !b.checksum_verified && b.integrity == Integrity::Sequenced)
    );
    assert_eq!(
        client.book("books", "BTC-USDT", |b| b.checksum_verified()),
        Some(false)
    );
}
