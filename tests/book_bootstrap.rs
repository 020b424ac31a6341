//! A book whose WS subscription brings no snapshot (OKX's announced
//! no-snapshot mode, with the checksum-0 pushes of 2026), started from the
//! REST snapshot through `okx::book_snapshots`: okx-ws and okx-rest meet
//! only here, in the facade. One simulated exchange serves both doors, so
//! the REST book's `seqId` is a place in the very chain the WS updates
//! follow.

use std::time::Duration;

use okx::book::Side;
use okx::ws::{Arg, WsClient, WsConfig, WsEvent};
use okx_testkit::Okx;

type Sides = (Vec<(String, String)>, Vec<(String, String)>);

async fn rest_book(rest: &okx::rest::RestClient) -> (Option<i64>, Sides) {
    let req = okx::rest::api::market::GetBooks::new("BTC-USDT").sz("400");
    let book = rest.send(&req).await.unwrap().remove(0);
    let side = |levels: &[okx::models::BookLevel]| {
        levels
            .iter()
            .map(|l| (l.px.to_string(), l.sz.to_string()))
            .collect::<Vec<_>>()
    };
    (book.seq_id, (side(&book.bids), side(&book.asks)))
}

#[tokio::test]
async fn a_book_without_ws_snapshot_starts_from_the_rest_snapshot_and_follows_the_chain() {
    let okx = Okx::builder()
        .no_book_snapshot(true)
        .checksum_zero(true)
        .market_motion(None)
        .start()
        .await
        .unwrap();
    let rest = okx::rest::RestClient::builder()
        .base_url(okx.rest_url())
        .build()
        .unwrap();
    let mut cfg = WsConfig::live()
        .base_url(okx.ws_url())
        .snapshot_source(okx::book_snapshots(rest.clone()));
    cfg.snapshot_wait = Duration::from_millis(300);
    let (client, mut events) = WsClient::new(cfg).unwrap();
    client
        .subscribe([Arg::new("books").inst_id("BTC-USDT")])
        .await
        .unwrap();
    // Updates while the client waits for a snapshot that never comes: they
    // are buffered and stitched onto the REST snapshot.
    for _ in 0..5 {
        okx.step_market(1);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let started = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match events.recv().await {
                Some(WsEvent::Book(b)) if b.snapshot => return b,
                Some(_) => {}
                None => panic!("event stream ended"),
            }
        }
    })
    .await
    .expect("a book within 5 s");
    assert!(
        !started.checksum_verified,
        "checksum-0 pushes verify nothing"
    );
    assert_eq!(started.integrity, okx::book::Integrity::Sequenced);

    okx.step_market(40);
    let want = rest_book(&rest).await;
    let mut have = None;
    for _ in 0..100 {
        have = client.book("books", "BTC-USDT", |b| {
            let side = |s| {
                b.levels(s)
                    .map(|l| (l.px.to_owned(), l.sz.to_owned()))
                    .collect::<Vec<_>>()
            };
            (b.seq_id(), (side(Side::Bid), side(Side::Ask)))
        });
        if have.as_ref() == Some(&want) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let have = have.expect("the client keeps the book");
    assert!(want.0.is_some(), "the REST book carries its seqId");
    assert!(!want.1.0.is_empty() && !want.1.1.is_empty());
    assert_eq!(
        have, want,
        "the local book is the exchange's, level by level"
    );

    let asked: Vec<_> = okx
        .rest()
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v5/market/books" && r.query.contains("sz=400"))
        .collect();
    assert!(asked[0].query.contains("instId=BTC-USDT"));
    assert!(!asked[0].signed);
    assert_eq!(
        asked.len(),
        2,
        "one snapshot for the client, one for the check"
    );
}
