//! Book handles when OKX's subscribe brings no snapshot: the client starts
//! the book from REST's snapshot by itself, with no wiring by the user.

use std::time::Duration;

use okx_client::Client;
use okx_testkit::Okx;

type Sides = (Vec<(String, String)>, Vec<(String, String)>);

async fn exchange_book(rest: &okx_rest::RestClient) -> (Option<i64>, Sides) {
    let req = okx_rest::api::market::GetBooks::new("BTC-USDT").sz("400");
    let book = rest.send(&req).await.expect("REST book").remove(0);
    let side = |levels: &[okx_models::BookLevel]| {
        levels
            .iter()
            .map(|l| (l.px.to_string(), l.sz.to_string()))
            .collect::<Vec<_>>()
    };
    (book.seq_id, (side(&book.bids), side(&book.asks)))
}

#[tokio::test]
async fn a_book_without_ws_snapshot_syncs_from_rest_with_no_manual_wiring() {
    let okx = Okx::builder()
        .no_book_snapshot(true)
        .checksum_zero(true)
        .market_motion(None)
        .start()
        .await
        .expect("exchange starts");
    // Public only, and no snapshot source given: the client sets its own.
    let client = Client::builder()
        .rest_url(okx.rest_url())
        .ws_url(okx.ws_url())
        .configure_ws(|mut cfg| {
            cfg.snapshot_wait = Duration::from_millis(300);
            cfg
        })
        .connect()
        .await
        .expect("connects");
    let mut book = client.book("BTC-USDT").await.expect("subscribed");
    // Updates while the client waits for a snapshot that never comes.
    for _ in 0..5 {
        okx.step_market(1);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::timeout(Duration::from_secs(5), async {
        while !book.is_synced() {
            book.changed().await.expect("the client is alive");
        }
    })
    .await
    .expect("in sync within 5 s");
    assert!(book.best_bid().is_some() && book.best_ask().is_some());

    okx.step_market(40);
    let want = exchange_book(client.rest()).await;
    let mut have = None;
    for _ in 0..100 {
        have = book.read(|b| {
            let side = |s| {
                b.levels(s)
                    .map(|l| (l.px.to_owned(), l.sz.to_owned()))
                    .collect::<Vec<_>>()
            };
            (
                b.seq_id(),
                (side(okx_book::Side::Bid), side(okx_book::Side::Ask)),
            )
        });
        if have.as_ref() == Some(&want) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        have.expect("the client keeps the book"),
        want,
        "the local book is the exchange's, level by level"
    );
    assert!(book.is_synced());
    let snapshots = okx
        .rest()
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v5/market/books" && r.query.contains("instId=BTC-USDT"))
        .count();
    assert_eq!(
        snapshots, 2,
        "one snapshot fetched by the client itself, one for the check"
    );
}
