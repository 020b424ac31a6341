//! Tour part: decoding OKX payloads into decimal-typed models.
//!
//! Reads recorded payloads from `../shared/fixtures/okx` when that folder is
//! present, and otherwise small inline samples of the same shape.

use std::path::PathBuf;

use okx::models::{
    Balance, Candle, ClOrdId, Envelope, Instrument, ItemResult, Order, OrderBook, Ticker,
    api_error_from_body,
};
use rust_decimal::Decimal;

const TICKER: &str = r#"{"code":"0","msg":"","data":[{"instType":"SPOT","instId":"BTC-USDT",
"last":"73384.8","lastSz":"0.00007722","askPx":"73384.8","askSz":"0.40193728","bidPx":"73384.7",
"bidSz":"0.0655768","open24h":"72166.8","high24h":"73625.6","low24h":"68600",
"volCcy24h":"1519926359.597266598","vol24h":"21266.19145051","ts":"1710328243709",
"sodUtc0":"71450","sodUtc8":"71702"}]}"#;

const INSTRUMENTS: &str = r#"{"code":"0","msg":"","data":[{"instType":"SPOT","instId":"BTC-USDT",
"baseCcy":"BTC","quoteCcy":"USDT","tickSz":"0.1","lotSz":"0.00000001","minSz":"0.00001",
"state":"live","listTime":"1606468572000","ctVal":"","ctMult":"","optType":"","stk":""}]}"#;

const BOOKS: &str = r#"{"code":"0","msg":"","data":[{"asks":[["67973.4","1.40848059","0","7"],
["67975.9","0.08292002","0","1"]],"bids":[["67973.3","0.05","0","1"],
["67973.2","0.00725939","0","1"]],"ts":"1712265035051"}]}"#;

const CANDLES: &str = r#"{"code":"0","msg":"","data":[["1747094040000","102806.1","102820.4",
"102806.1","102820.4","1040.37","10.4037","1069603.34883","1"]]}"#;

const ORDER: &str = r#"{"code":"0","msg":"","data":[{"instType":"SPOT","instId":"LTC-USDT",
"ordId":"1339107111507525632","clOrdId":"e847386590ce4dBC6f7ae74854f6a617","px":"","sz":"0.1",
"ordType":"market","side":"buy","tdMode":"cash","accFillSz":"0.1","avgPx":"101.58",
"state":"filled","fee":"-0.0001","feeCcy":"LTC","tgtCcy":"base_ccy","cTime":"1712410901848",
"uTime":"1712410901852"}]}"#;

const BALANCE: &str = r#"{"code":"0","msg":"","data":[{"uTime":"1744499648556",
"totalEq":"99.88870288820581","adjEq":"","details":[{"ccy":"USDT","eq":"99.89469657000001",
"availBal":"94.42612990333333","frozenBal":"5.468566666666667","collateralEnabled":false}]}]}"#;

const PLACE_FAILED: &str = r#"{"code":"1","msg":"All operations failed","data":[{"clOrdId":"",
"ordId":"","sCode":"51094","sMsg":"You can't place TP limit orders in spot, margin, or options trading.",
"tag":"","ts":"1718339551210"}],"inTime":"1718339551209444","outTime":"1718339551210787"}"#;

fn fixtures() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/okx"
    ));
    dir.is_dir().then_some(dir)
}

/// The fixture file's text when the folder exists (and the file is a plain
/// envelope), otherwise the inline sample.
fn sample(dir: Option<&PathBuf>, rel: &str, inline: &'static str) -> String {
    dir.and_then(|d| std::fs::read_to_string(d.join(rel)).ok())
        .unwrap_or_else(|| inline.to_owned())
}

pub fn run() -> crate::TourResult {
    let dir = fixtures();
    match &dir {
        Some(d) => println!("payloads from {}", d.display()),
        None => println!("fixtures folder not found; using inline samples"),
    }
    let dir = dir.as_ref();

    let ticker = Envelope::<Ticker>::from_slice(
        sample(dir, "rest/ccxt_ticker_spot.json", TICKER).as_bytes(),
    )?
    .into_result()?;
    if let Some(t) = ticker.first() {
        let spread = t.ask_px.zip(t.bid_px).map(|(a, b)| a - b);
        println!(
            "ticker   {}: last {} bid {} ask {} spread {}",
            t.inst_id,
            show(t.last),
            show(t.bid_px),
            show(t.ask_px),
            show(spread)
        );
    }

    let instruments = Envelope::<Instrument>::from_slice(
        sample(dir, "rest/instruments_spot_nautilus.json", INSTRUMENTS).as_bytes(),
    )?
    .into_result()?;
    println!("instruments: {} decoded", instruments.len());
    if let Some(i) = instruments.first() {
        let px: Decimal = "73384.8765".parse()?;
        let sz: Decimal = "0.123456789123".parse()?;
        println!(
            "  {} tickSz {} lotSz {} minSz {}: price {px} -> {}, size {sz} -> {}, size 0.000001 ok? {}",
            i.inst_id,
            show(i.tick_sz),
            show(i.lot_sz),
            show(i.min_sz),
            i.round_price(px),
            i.round_size(sz),
            match i.check_size("0.000001".parse()?) {
                Ok(()) => "yes".to_owned(),
                Err(e) => format!("no, {e}"),
            }
        );
    }

    let books = Envelope::<OrderBook>::from_slice(
        sample(dir, "rest/ccxt_books_spot_sz2.json", BOOKS).as_bytes(),
    )?
    .into_result()?;
    if let Some(b) = books.first()
        && let (Some(ask), Some(bid)) = (b.asks.first(), b.bids.first())
    {
        println!(
            "book     best bid {} x {} ({} orders), best ask {} x {}",
            bid.px,
            bid.sz,
            bid.num_orders.unwrap_or(0),
            ask.px,
            ask.sz
        );
    }

    let candles = Envelope::<Candle>::from_slice(
        sample(dir, "rest/candles_nautilus.json", CANDLES).as_bytes(),
    )?
    .into_result()?;
    if let Some(c) = candles.first() {
        println!(
            "candle   ts {} o {} h {} l {} c {} vol {} closed {}",
            c.ts,
            c.o,
            c.h,
            c.l,
            c.c,
            show(c.vol),
            c.confirm
        );
    }

    let orders = Envelope::<Order>::from_slice(
        sample(dir, "rest/ccxt_order_spot_market_filled.json", ORDER).as_bytes(),
    )?
    .into_result()?;
    if let Some(o) = orders.first() {
        println!(
            "order    {} {} {} {} {}: filled {} @ {} fee {} {} (px {} means market)",
            o.ord_id,
            o.inst_id,
            o.side,
            o.ord_type,
            o.state,
            o.acc_fill_sz,
            show(o.avg_px),
            show(o.fee),
            o.fee_ccy,
            show(o.px)
        );
    }

    let balances = Envelope::<Balance>::from_slice(
        sample(dir, "rest/account_balance_nautilus.json", BALANCE).as_bytes(),
    )?
    .into_result()?;
    if let Some(b) = balances.first() {
        println!(
            "balance  total equity {} USD, adjusted {}",
            show(b.total_eq),
            show(b.adj_eq)
        );
        for d in &b.details {
            println!(
                "  {}: equity {} available {}",
                d.ccy,
                show(d.eq),
                show(d.avail_bal)
            );
        }
    }

    // an order-type error: the per-item sCode is the real reason
    let failed = PLACE_FAILED.as_bytes();
    if let Some(err) = api_error_from_body(failed) {
        println!("error    {err}");
        println!(
            "  effective code {}, retryable {}",
            err.effective_code(),
            err.is_retryable()
        );
    }
    let items = Envelope::<ItemResult>::from_slice(failed)?;
    println!(
        "  gateway in/out {:?}/{:?} us",
        items.in_time, items.out_time
    );

    for candidate in ["myOrder42", "my-order-42"] {
        match ClOrdId::new(candidate) {
            Ok(id) => println!("clOrdId  {id:?} accepted"),
            Err(e) => println!("clOrdId  {candidate:?} rejected: {e}"),
        }
    }
    Ok(())
}

fn show(v: Option<Decimal>) -> String {
    v.map_or_else(|| "-".to_owned(), |d| d.to_string())
}
