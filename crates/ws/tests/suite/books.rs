use super::common::*;
use okx_testkit::ws::{Fault, WsServer};
use okx_ws::{Arg, WsClient, WsEvent};
use std::time::Duration;

#[tokio::test]
async fn the_client_keeps_the_book_and_heals_a_sequence_gap() {
    let server = WsServer::start().await.unwrap();
    server.set_book(
        "BTC-USDT",
        &[("100.5", "2"), ("100.0", "1")],
        &[("101.0", "3"), ("101.5", "4")],
    );
    let (client, mut events) = WsClient::new(config(&server)).unwrap();
    client
        .subscribe([Arg::new("books").inst_id("BTC-USDT")])
        .await
        .unwrap();
    let ev = wait_for(&mut events, Duration::from_secs(5), |e| {
        matches!(e, WsEvent::Book(_))
    })
    .await;
    assert!(matches!(ev, WsEvent::Book(b) if b.snapshot && b.inst_id == "BTC-USDT"));
    let best = client.book("books", "BTC-USDT", |b| {
        b.best_bid().map(|l| l.px.to_owned())
    });
    assert_eq!(best, Some(Some("100.5".to_owned())));

    assert!(server.book_update("BTC-USDT", &[("100.7", "1")], &[]));
    wait_for(
        &mut events,
        Duration::from_secs(5),
        |e| matches!(e, WsEvent::Book(b) if !b.snapshot),
    )
    .await;
    let best = client.book("books", "BTC-USDT", |b| {
        b.best_bid().map(|l| l.px.to_owned())
    });
    assert_eq!(best, Some(Some("100.7".to_owned())));

    // A lost update: the client notices, resubscribes and gets a new snapshot.
    server.inject(Fault::SkipBookSeq);
    server.book_update("BTC-USDT", &[("100.8", "1")], &[]);
    let ev = wait_for(&mut events, Duration::from_secs(5), |e| {
        matches!(e, WsEvent::BookOutOfSync { .. })
    })
    .await;
    assert!(
        matches!(&ev, WsEvent::BookOutOfSync { inst_id, .. } if inst_id == "BTC-USDT"),
        "{ev:?}"
    );
    wait_for(
        &mut events,
        Duration::from_secs(5),
        |e| matches!(e, WsEvent::Book(b) if b.snapshot),
    )
    .await;
    let synced = client.book("books", "BTC-USDT", |b| {
        (b.is_synced(), b.best_bid().map(|l| l.px.to_owned()))
    });
    assert_eq!(synced, Some((true, Some("100.8".to_owned()))));
    assert_eq!(server.stats().connections, 1, "healed without reconnecting");
}

#[tokio::test]
async fn without_book_keeping_book_pushes_arrive_typed() {
    let server = WsServer::start().await.unwrap();
    server.set_book("BTC-USDT", &[("100.5", "2")], &[("101.0", "3")]);
    let mut cfg = config(&server);
    cfg.maintain_books = false;
    let (client, mut events) = WsClient::new(cfg).unwrap();
    client
        .subscribe([Arg::new("books").inst_id("BTC-USDT")])
        .await
        .unwrap();
    let ev = wait_for(&mut events, Duration::from_secs(5), |e| {
        matches!(e, WsEvent::Push(_))
    })
    .await;
    let WsEvent::Push(push) = ev else {
        unreachable!()
    };
    let okx_ws::PushData::Books { action, rows } = &push.data else {
        panic!("{push:?}")
    };
    assert_eq!(*action, Some(okx_models::BookAction::Snapshot));
    assert_eq!(rows[0].prev_seq_id, Some(-1));
    assert_eq!(rows[0].seq_id, Some(100));
    assert_ne!(rows[0].checksum, Some(0));
}

#[tokio::test]
async fn a_book_resubscribe_that_cannot_be_sent_keeps_the_arg() {
    let server = WsServer::start().await.unwrap();
    server.set_book("BTC-USDT", &[("100.5", "2")], &[("101.0", "3")]);
    let mut cfg = config(&server);
    // One op for the subscribe, one left: not enough for unsubscribe + subscribe.
    cfg.ops_per_hour = 2;
    let (client, mut events) = WsClient::new(cfg).unwrap();
    let books = Arg::new("books").inst_id("BTC-USDT");
    client.subscribe([books]).await.unwrap();
    wait_for(
        &mut events,
        Duration::from_secs(5),
        |e| matches!(e, WsEvent::Book(b) if b.snapshot),
    )
    .await;
    server.inject(Fault::SkipBookSeq);
    server.book_update("BTC-USDT", &[("100.8", "1")], &[]);
    wait_for(&mut events, Duration::from_secs(5), |e| {
        matches!(e, WsEvent::BookOutOfSync { .. })
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The next connection must still subscribe the book and heal it.
    server.inject(Fault::Drop);
    wait_for(&mut events, Duration::from_secs(30), |e| {
        matches!(e, WsEvent::Reconnected { .. })
    })
    .await;
    let subs = server.subscriptions();
    assert!(
        subs.iter()
            .flatten()
            .any(|a| a["channel"] == "books" && a["instId"] == "BTC-USDT"),
        "{subs:?}"
    );
}

/// A gap on a connection whose op budget is spent: unsubscribe + subscribe
/// cannot go out, so the client says so and heals the book through a
/// replacement connection (which has a budget of its own), make-before-break.
#[tokio::test]
async fn a_gap_with_no_op_budget_left_heals_through_a_replacement_connection() {
    let server = WsServer::start().await.unwrap();
    let (client, mut events) = book_with_spent_budget(&server, config(&server)).await;

    server.inject(Fault::SkipBookSeq);
    server.book_update("BTC-USDT", &[("100.8", "1")], &[]);
    let mut seen = Vec::new();
    let healed = wait_for(&mut events, Duration::from_secs(5), |e| {
        seen.push(e.clone());
        matches!(e, WsEvent::Book(b) if b.snapshot)
    })
    .await;
    assert!(matches!(healed, WsEvent::Book(b) if b.inst_id == "BTC-USDT"));
    let pos = |pred: &dyn Fn(&WsEvent) -> bool| seen.iter().position(pred);
    let gap = pos(&|e| matches!(e, WsEvent::BookOutOfSync { .. })).expect("out of sync");
    let budget = pos(&|e| {
        matches!(e, WsEvent::OpBudgetExhausted { arg, .. }
            if arg.channel == "books" && arg.inst_id.as_deref() == Some("BTC-USDT"))
    })
    .unwrap_or_else(|| panic!("no OpBudgetExhausted in {seen:?}"));
    let back = pos(&|e| matches!(e, WsEvent::Reconnected { .. })).expect("replacement");
    assert!(gap < budget && budget < back, "{seen:?}");
    assert!(
        !seen
            .iter()
            .any(|e| matches!(e, WsEvent::Disconnected { .. })),
        "make-before-break: {seen:?}"
    );
    let synced = client.book("books", "BTC-USDT", |b| {
        (b.is_synced(), b.best_bid().map(|l| l.px.to_owned()))
    });
    assert_eq!(synced, Some((true, Some("100.8".to_owned()))));
    assert_eq!(server.stats().connections, 2);

    // The replacement keeps the book: a later update applies in sequence.
    server.book_update("BTC-USDT", &[("100.9", "1")], &[]);
    wait_for(
        &mut events,
        Duration::from_secs(5),
        |e| matches!(e, WsEvent::Book(b) if !b.snapshot),
    )
    .await;
    let best = client.book("books", "BTC-USDT", |b| {
        (b.is_synced(), b.best_bid().map(|l| l.px.to_owned()))
    });
    assert_eq!(best, Some((true, Some("100.9".to_owned()))));
    // The old connection is let go after the overlap.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(server.stats().open, 1);
}

/// A replacement for a spent op budget that fails is tried again with
/// backoff: one report, a handful of connections, no flood, and the book
/// heals once a replacement gets through.
#[tokio::test]
async fn a_failing_budget_replacement_backs_off_and_heals_later() {
    let server = std::sync::Arc::new(WsServer::start().await.unwrap());
    let mut cfg = config(&server);
    cfg.backoff_initial = Duration::from_millis(200);
    let (client, mut events) = book_with_spent_budget(&server, cfg).await;
    // The next three replacements have their resubscribe refused (64007,
    // a passing reason), so they are abandoned.
    server.inject(Fault::RejectSubscribes {
        code: "64007",
        times: 3,
    });
    server.inject(Fault::SkipBookSeq);
    let feed = {
        let server = server.clone();
        tokio::spawn(async move {
            for i in 0..40 {
                let px = format!("100.{}", 60 + i);
                server.book_update("BTC-USDT", &[(px.as_str(), "1")], &[]);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let seen = drain(&mut events, Duration::from_secs(5)).await;
    feed.abort();
    let count = |pred: &dyn Fn(&WsEvent) -> bool| seen.iter().filter(|e| pred(e)).count();
    assert_eq!(
        count(&|e| matches!(e, WsEvent::OpBudgetExhausted { .. })),
        1,
        "{seen:?}"
    );
    assert!(
        count(&|e| matches!(e, WsEvent::BookOutOfSync { .. })) <= 1,
        "{seen:?}"
    );
    // The first connection, three refused replacements, one that works.
    assert_eq!(server.stats().connections, 5, "{seen:?}");
    assert!(
        seen.iter()
            .any(|e| matches!(e, WsEvent::Book(b) if b.snapshot))
    );
    assert_eq!(
        client.book("books", "BTC-USDT", |b| b.is_synced()),
        Some(true)
    );
}

/// A client whose BTC-USDT book is live on a connection with two ops per
/// hour: the subscribe spent one, so a resubscribe (two) cannot be sent.
async fn book_with_spent_budget(
    server: &WsServer,
    mut cfg: okx_ws::WsConfig,
) -> (WsClient, okx_ws::WsEvents) {
    server.set_book("BTC-USDT", &[("100.5", "2")], &[("101.0", "3")]);
    cfg.ops_per_hour = 2;
    let (client, mut events) = WsClient::new(cfg).unwrap();
    client
        .subscribe([Arg::new("books").inst_id("BTC-USDT")])
        .await
        .unwrap();
    wait_for(
        &mut events,
        Duration::from_secs(5),
        |e| matches!(e, WsEvent::Book(b) if b.snapshot),
    )
    .await;
    (client, events)
}
