//! Tour part: `okx::Client` against the simulated exchange — the 100-line
//! bot the SDK is for, in a dozen lines: keep a book, quote post-only a
//! tick below the best bid, follow the order, lose the private socket
//! while it fills, get the fill back, cancel what is left.

use std::time::Duration;

use futures_util::StreamExt;
use okx::auth::Credentials;
use okx::models::trade::{CancelRequest, OrderRequest};
use okx::models::{InstType, Side};
use okx::{Client, PrivateEvent};

/// Runs the facade part of the tour.
pub async fn run() -> crate::TourResult {
    // One simulated exchange behind both doors; the market moves by itself.
    let okx = okx_testkit::Okx::start().await?;
    let (key, secret, passphrase) = okx.credentials();
    let client = Client::builder()
        .rest_url(okx.rest_url())
        .ws_url(okx.ws_url())
        .credentials(Credentials::new(key, secret, passphrase))
        .instrument_types(&[InstType::Spot])
        .connect()
        .await?;
    println!(
        "connected: {} instruments cached, private stream up: {}",
        client.instruments().len(),
        client.private_connected()
    );
    let mut private = client.private_events().ok_or("private stream taken")?;
    let mut book = client.book("ETH-USDT").await?;
    while book.best_bid().is_none() {
        book.changed().await?;
    }
    let (bid, _) = book.best_bid().ok_or("no bid")?;
    let tick = client
        .instruments()
        .get("ETH-USDT")
        .and_then(|i| i.tick_sz)
        .ok_or("no tick size")?;
    println!(
        "book ETH-USDT: bid {bid} ask {:?}, seqId {:?}, in sync {}",
        book.best_ask().map(|l| l.0),
        book.seq_id(),
        book.is_synced()
    );
    let quote = OrderRequest::limit("ETH-USDT", Side::Buy, "0.5".parse()?, bid - tick).post_only();
    let ack = client.place(quote).await?;
    println!(
        "quoted post-only at {}: ordId {} clOrdId {:?} (over the WebSocket)",
        bid - tick,
        ack.ord_id,
        ack.cl_ord_id.as_ref().map(|c| c.as_str())
    );
    // The private socket dies; the exchange fills the quote meanwhile.
    okx.ws().inject(okx_testkit::ws::Fault::DropPrivate(
        okx_testkit::TEST_UID.into(),
    ));
    tokio::time::sleep(Duration::from_millis(20)).await;
    okx.ws().fill_order(ack.ord_id.as_str());
    let deadline = tokio::time::sleep(Duration::from_secs(10));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            _ = &mut deadline => return Err("no reconciliation within 10 s".into()),
            ev = private.next() => match ev {
                Some(PrivateEvent::Disconnected { .. }) => println!("private socket down"),
                Some(PrivateEvent::Connected) => println!("private socket back; reconciling over REST"),
                Some(PrivateEvent::Fill { fill, source }) => {
                    println!("fill {} {} @ {} ({source:?})", fill.side, fill.sz, fill.px)
                }
                Some(PrivateEvent::Order { order, source }) => {
                    println!("order {} is {} ({source:?})", order.ord_id, order.state)
                }
                Some(PrivateEvent::Reconciled(r)) => {
                    println!("reconciled: {} order updates, {} fills recovered", r.orders, r.fills);
                    break;
                }
                Some(_) => {}
                None => return Err("private stream ended".into()),
            }
        }
    }
    let tracked = client
        .tracker()
        .order(ack.ord_id.as_str())
        .ok_or("not tracked")?;
    println!(
        "tracker: {} filled {} at {:?}, fee {:?}",
        tracked.order.state, tracked.order.acc_fill_sz, tracked.order.avg_px, tracked.order.fee
    );
    // A second quote, cancelled.
    let (bid, _) = book.best_bid().ok_or("no bid")?;
    let ack = client
        .place(
            OrderRequest::limit(
                "ETH-USDT",
                Side::Buy,
                "0.5".parse()?,
                bid - tick * rust_decimal::Decimal::from(5),
            )
            .post_only(),
        )
        .await?;
    client
        .cancel(CancelRequest::by_ord_id("ETH-USDT", ack.ord_id.clone()))
        .await?;
    let done = client.tracker().wait_terminal(ack.ord_id.as_str()).await;
    println!("second quote {}: {}", done.ord_id, done.state);
    client.close().await;
    Ok(())
}
