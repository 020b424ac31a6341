//! Tour part: the REST client against the testkit's OKX look-alike.

use okx::auth::Credentials;
use okx::models::enums::{Bar, InstType};
use okx::models::trade::{AmendRequest, CancelRequest, OrderRequest};
use okx::models::{Decimal, Side};
use okx::rest::RestClient;
use okx::rest::api::market::{GetBooks, GetCandles, GetTicker};
use okx::rest::api::public::GetInstruments;
use okx_testkit::rest::MockOkx;

pub async fn run() -> crate::TourResult {
    let okx = MockOkx::start().await;
    let client = RestClient::builder()
        .base_url(okx.base_url())
        .credentials(Credentials::new(
            okx.api_key(),
            okx.secret(),
            okx.passphrase(),
        ))
        .build()?;
    println!("look-alike at {}", okx.base_url());

    let instruments = client.send(&GetInstruments::new(InstType::Spot)).await?;
    for i in &instruments {
        let show = |d: Option<Decimal>| d.map_or("-".to_owned(), |d| d.to_string());
        println!(
            "instrument {}: tick {} lot {} min {}",
            i.inst_id.as_str(),
            show(i.tick_sz),
            show(i.lot_sz),
            show(i.min_sz)
        );
    }

    let ticker = client.send(&GetTicker::new("BTC-USDT")).await?;
    if let Some(t) = ticker.first() {
        let show = |d: Option<Decimal>| d.map_or("-".to_owned(), |d| d.to_string());
        println!(
            "ticker BTC-USDT: last {} bid {} ask {}",
            show(t.last),
            show(t.bid_px),
            show(t.ask_px)
        );
    }

    let books = client.send(&GetBooks::new("BTC-USDT").sz("2")).await?;
    if let Some(b) = books.first() {
        let top = |side: &[okx::models::BookLevel]| {
            side.first()
                .map_or("-".to_owned(), |l| format!("{} x {}", l.px, l.sz))
        };
        println!(
            "book: best bid {} | best ask {}",
            top(&b.bids),
            top(&b.asks)
        );
    }

    let candles = client
        .send(&GetCandles::new("BTC-USDT").bar(Bar::M1).limit("3"))
        .await?;
    for c in &candles {
        println!("candle {} o {} h {} l {} c {}", c.ts, c.o, c.h, c.l, c.c);
    }

    let sz: Decimal = "0.01".parse()?;
    // Below the simulated market (it starts near 30000): the order rests.
    let px: Decimal = "29000.5".parse()?;
    // The order vocabulary REST and WS share: post-only, so it only rests.
    let order = OrderRequest::limit("BTC-USDT", Side::Buy, sz, px).post_only();
    let ack = client.place(order.clone()).await?;
    let cl = ack.cl_ord_id.as_ref().map_or("-", |c| c.as_str());
    println!("placed {} (clOrdId {cl})", ack.ord_id);
    let amended = client
        .amend(AmendRequest::by_ord_id("BTC-USDT", ack.ord_id.clone()).new_px("28999.9".parse()?))
        .await?;
    println!("amended {}", amended.ord_id);
    let canceled = client
        .cancel(CancelRequest::by_ord_id("BTC-USDT", ack.ord_id))
        .await?;
    println!("canceled {}", canceled.ord_id);

    // 7 BTC at 29000 is more USDT than the account holds: the exchange
    // refuses that item alone, with OKX's 51008.
    let mut big = order.clone();
    big.sz = Decimal::from(7);
    let results = client.place_many(vec![order.clone(), big, order]).await?;
    for (i, r) in results.iter().enumerate() {
        match r {
            Ok(ack) => println!("batch item {i}: placed {}", ack.ord_id),
            Err(e) => println!("batch item {i}: rejected, sCode {} {}", e.code, e.msg),
        }
    }
    Ok(())
}
