//! The private stream: fills while the socket is down come back as
//! recovered events, once.

use std::collections::HashMap;
use std::time::Duration;

use super::common::*;
use futures_util::StreamExt;
use okx_client::{PrivateEvent, Source};
use okx_models::trade::OrderRequest;
use okx_models::{OrderState, Side};
use okx_testkit::ws::Fault;

#[tokio::test]
async fn fills_missed_while_the_private_socket_was_down_are_recovered_once() {
    let okx = still().await;
    let client = builder(&okx).connect().await.expect("connects");
    let mut private = client.private_events().expect("stream");
    let (bid, _) = okx.best_bid_ask("SOL-USDT").expect("book");
    let mut ids = Vec::new();
    for i in 0..6 {
        let px = bid - rust_decimal::Decimal::new(i, 2);
        let ack = client
            .place(OrderRequest::limit("SOL-USDT", Side::Buy, d("1"), px))
            .await
            .expect("placed");
        ids.push(ack.ord_id);
    }
    // All six pushed live.
    let live = drain(&mut private, Duration::from_millis(400)).await;
    assert_eq!(
        live.iter()
            .filter(|e| matches!(e, PrivateEvent::Order { .. }))
            .count(),
        6
    );
    // The socket drops; three fill while it is down.
    okx.ws()
        .inject(Fault::DropPrivate(okx_testkit::TEST_UID.into()));
    tokio::time::sleep(Duration::from_millis(5)).await;
    for id in &ids[..3] {
        assert!(okx.ws().fill_order(id.as_str()));
    }
    let mut after_drop = Vec::new();
    let report = loop {
        let ev = until(&mut private, Duration::from_secs(10), |_| true).await;
        if let PrivateEvent::Reconciled(report) = ev {
            break report;
        }
        after_drop.push(ev);
    };
    assert!(report.requests > 0);
    // Everything after the drop, up to the reconciliation, gathered again.
    let tracker = client.tracker();
    for id in &ids[..3] {
        let t = tracker.order(id.as_str()).expect("tracked");
        assert_eq!(t.order.state, OrderState::Filled, "{id}");
        assert_eq!(t.fills.len(), 1);
    }
    for id in &ids[3..] {
        assert_eq!(
            tracker.order(id.as_str()).map(|t| t.order.state),
            Some(OrderState::Live)
        );
    }
    // Fill a fourth now, live.
    assert!(okx.ws().fill_order(ids[3].as_str()));
    let rest: Vec<PrivateEvent> = drain(&mut private, Duration::from_millis(500)).await;
    let fills_live = rest
        .iter()
        .filter(|e| {
            matches!(
                e,
                PrivateEvent::Fill {
                    source: Source::Live,
                    ..
                }
            )
        })
        .count();
    assert_eq!(fills_live, 1);
    assert_eq!(
        tracker.order(ids[3].as_str()).map(|t| t.order.state),
        Some(OrderState::Filled)
    );
    // Each fill was told once: three recovered, one live. The REST order
    // records and the fills list both carried the recovered ones; the
    // copies were dropped, not told.
    let mut told: HashMap<String, usize> = HashMap::new();
    for ev in after_drop.iter().chain(rest.iter()) {
        if let PrivateEvent::Fill { fill, .. } = ev {
            *told.entry(fill.trade_id.clone()).or_default() += 1;
        }
    }
    assert_eq!(told.len(), 4, "{told:?}");
    assert!(told.values().all(|n| *n == 1), "{told:?}");
    let recovered = after_drop
        .iter()
        .filter(|e| {
            matches!(
                e,
                PrivateEvent::Fill {
                    source: Source::Recovered,
                    ..
                }
            )
        })
        .count();
    assert_eq!(recovered, 3);
    assert!(
        client.tracker().dedupe_stats().duplicate_fills >= 3,
        "copies were seen and dropped"
    );
}

#[tokio::test]
async fn recovered_events_are_tagged_and_never_repeated() {
    let okx = still().await;
    let client = builder(&okx).connect().await.expect("connects");
    let mut private = client.private_events().expect("stream");
    let (bid, _) = okx.best_bid_ask("ETH-USDT").expect("book");
    let ack = client
        .place(OrderRequest::limit("ETH-USDT", Side::Buy, d("0.5"), bid))
        .await
        .expect("placed");
    let _ = drain(&mut private, Duration::from_millis(300)).await;
    okx.ws()
        .inject(Fault::DropPrivate(okx_testkit::TEST_UID.into()));
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert!(okx.ws().fill_order(ack.ord_id.as_str()));
    let _ = until(&mut private, Duration::from_secs(10), |e| {
        matches!(e, PrivateEvent::Connected)
    })
    .await;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut recovered = 0;
    let events = drain(&mut private, Duration::from_secs(1)).await;
    for ev in &events {
        match ev {
            PrivateEvent::Fill { fill, source } => {
                *seen.entry(fill.trade_id.clone()).or_default() += 1;
                recovered += usize::from(*source == Source::Recovered);
            }
            PrivateEvent::Order {
                order,
                source: Source::Recovered,
            } if order.ord_id == ack.ord_id => {
                assert_eq!(order.state, OrderState::Filled);
            }
            _ => {}
        }
    }
    assert_eq!(recovered, 1, "{events:?}");
    assert!(seen.values().all(|n| *n == 1));
    // A second reconciliation finds nothing new.
    let report = client.reconcile().await.expect("reconciles");
    assert_eq!((report.orders, report.fills), (0, 0));
    let quiet: Vec<_> = private
        .by_ref()
        .take_until(tokio::time::sleep(Duration::from_millis(200)))
        .filter(|e| {
            std::future::ready(matches!(
                e,
                PrivateEvent::Fill { .. } | PrivateEvent::Order { .. }
            ))
        })
        .collect()
        .await;
    assert!(quiet.is_empty(), "{quiet:?}");
}

#[tokio::test]
async fn a_book_handle_follows_the_market() {
    let okx = still().await;
    let client = builder(&okx).connect().await.expect("connects");
    let mut book = client.book("BTC-USDT").await.expect("subscribed");
    tokio::time::timeout(Duration::from_secs(5), async {
        while book.best_bid().is_none() {
            book.changed().await.expect("open");
        }
    })
    .await
    .expect("snapshot");
    let before = book.state().version;
    okx.step_market(20);
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let (bid, ask) = okx.best_bid_ask("BTC-USDT").expect("book");
            if book.best_bid().map(|l| l.0) == Some(bid)
                && book.best_ask().map(|l| l.0) == Some(ask)
            {
                return;
            }
            book.changed().await.expect("open");
        }
    })
    .await
    .expect("the handle caught up with the exchange");
    assert!(book.state().version > before);
    assert!(book.is_synced());
    let (bids, asks) = book.depth(5);
    assert_eq!((bids.len(), asks.len()), (5, 5));
    assert!(bids.windows(2).all(|w| w[0].0 > w[1].0) && asks.windows(2).all(|w| w[0].0 < w[1].0));
}
