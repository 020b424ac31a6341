//! Tour part: the WebSocket client against the local OKX look-alike.
//!
//! Subscribes to tickers and trades, places an order over WS and watches its
//! `orders` pushes, survives a dropped connection (reconnect, login,
//! resubscribe), then keeps a local order book and recovers it from a lost
//! update by resubscribing for a fresh snapshot.

use std::time::Duration;

use okx::auth::Credentials;
use okx::models::Side;
use okx::models::trade::OrderRequest;
use okx::ws::{Arg, PushData, WsClient, WsConfig, WsEvent, WsEvents};
use okx_testkit::ws::{Fault, WsServer};
use rust_decimal::Decimal;

/// The next event `pred` accepts, or an error after five seconds.
async fn next(
    events: &mut WsEvents,
    what: &str,
    mut pred: impl FnMut(&WsEvent) -> bool,
) -> Result<WsEvent, Box<dyn std::error::Error>> {
    let wait = async {
        while let Some(ev) = events.recv().await {
            if pred(&ev) {
                return Some(ev);
            }
        }
        None
    };
    match tokio::time::timeout(Duration::from_secs(5), wait).await {
        Ok(Some(ev)) => Ok(ev),
        _ => Err(format!("no {what} within 5 s").into()),
    }
}

fn push_of(ev: &WsEvent) -> Option<&PushData> {
    match ev {
        WsEvent::Push(p) => Some(&p.data),
        _ => None,
    }
}

/// Runs the WebSocket part of the tour.
pub async fn run() -> crate::TourResult {
    let server = WsServer::start().await?;
    server.add_instrument("BTC-USDT", 10459, "30000");
    server.spawn_feed(
        "tickers",
        "BTC-USDT",
        Duration::from_millis(100),
        serde_json::Value::Null,
    );
    server.spawn_feed(
        "trades",
        "BTC-USDT",
        Duration::from_millis(100),
        serde_json::Value::Null,
    );
    println!(
        "OKX look-alike listening on {}",
        server.url(okx_testkit::ws::Endpoint::Public)
    );

    let cfg = WsConfig::demo()
        .base_url(format!("ws://{}", server.addr()))
        .credentials(Credentials::new(
            okx_testkit::TEST_API_KEY,
            okx_testkit::TEST_SECRET,
            okx_testkit::TEST_PASSPHRASE,
        ));
    let (client, mut events) = WsClient::new(cfg)?;
    client
        .subscribe([
            Arg::new("tickers").inst_id("BTC-USDT"),
            Arg::new("trades").inst_id("BTC-USDT"),
            Arg::new("orders").inst_type("ANY"),
        ])
        .await?;
    println!(
        "subscribed (acknowledged) on {} connections",
        client.connections()
    );

    let ev = next(&mut events, "ticker", |e| {
        matches!(push_of(e), Some(PushData::Tickers(_)))
    })
    .await?;
    if let Some(PushData::Tickers(t)) = push_of(&ev) {
        println!(
            "ticker  {} last {:?} bid {:?} ask {:?}",
            t[0].inst_id, t[0].last, t[0].bid_px, t[0].ask_px
        );
    }
    let ev = next(&mut events, "trade", |e| {
        matches!(push_of(e), Some(PushData::Trades(_)))
    })
    .await?;
    if let Some(PushData::Trades(t)) = push_of(&ev) {
        println!(
            "trade   {} {:?} {} @ {}",
            t[0].trade_id, t[0].side, t[0].sz, t[0].px
        );
    }

    // WS order entry: the client sends instIdCode 10459 for "BTC-USDT".
    client.set_inst_id_code("BTC-USDT", 10459);
    let order = OrderRequest::limit(
        "BTC-USDT",
        Side::Buy,
        Decimal::new(1, 2),
        Decimal::new(29_000, 0),
    )
    .cl_ord_id("tour1")?;
    let ack = client.trading().place(&order).await?;
    let cl = ack.cl_ord_id.as_ref().map_or("-", |c| c.as_str());
    println!("order   placed over WS: ordId {} clOrdId {cl}", ack.ord_id);
    server.fill_order(ack.ord_id.as_str());
    for _ in 0..2 {
        let ev = next(&mut events, "orders push", |e| {
            matches!(push_of(e), Some(PushData::Orders(_)))
        })
        .await?;
        if let Some(PushData::Orders(o)) = push_of(&ev) {
            println!(
                "orders  push: {} is {:?} (filled {})",
                o[0].ord_id, o[0].state, o[0].acc_fill_sz
            );
        }
    }

    // Pull the plug: the client reconnects, logs in again and resubscribes.
    server.inject(Fault::Drop);
    let ev = next(&mut events, "disconnect", |e| {
        matches!(e, WsEvent::Disconnected { .. })
    })
    .await?;
    if let WsEvent::Disconnected {
        endpoint, reason, ..
    } = ev
    {
        println!("dropped {endpoint:?}: {reason:?}");
    }
    next(&mut events, "reconnect", |e| {
        matches!(e, WsEvent::Reconnected { .. })
    })
    .await?;
    next(&mut events, "ticker after reconnect", |e| {
        matches!(push_of(e), Some(PushData::Tickers(_)))
    })
    .await?;
    println!("back: reconnected, resubscribed, tickers flowing again");

    // A local book, kept by okx-book inside the client.
    server.set_book(
        "BTC-USDT",
        &[("29999.5", "2"), ("29999", "5")],
        &[("30000.5", "1"), ("30001", "3")],
    );
    client
        .subscribe([Arg::new("books").inst_id("BTC-USDT")])
        .await?;
    next(
        &mut events,
        "book snapshot",
        |e| matches!(e, WsEvent::Book(b) if b.snapshot),
    )
    .await?;
    let show = |client: &WsClient| {
        client
            .book("books", "BTC-USDT", |b| {
                format!(
                    "bid {:?} ask {:?} seq {:?} synced {}",
                    b.best_bid().map(|l| l.px.to_owned()),
                    b.best_ask().map(|l| l.px.to_owned()),
                    b.seq_id(),
                    b.is_synced()
                )
            })
            .unwrap_or_default()
    };
    println!("book    {}", show(&client));
    server.inject(Fault::SkipBookSeq);
    server.book_update("BTC-USDT", &[("29999.8", "1")], &[]);
    let ev = next(&mut events, "out-of-sync report", |e| {
        matches!(e, WsEvent::BookOutOfSync { .. })
    })
    .await?;
    if let WsEvent::BookOutOfSync { reason, .. } = ev {
        println!("book    lost an update: {reason}; resubscribing");
    }
    next(
        &mut events,
        "fresh snapshot",
        |e| matches!(e, WsEvent::Book(b) if b.snapshot),
    )
    .await?;
    println!("book    {}", show(&client));
    client.close().await;
    Ok(())
}
