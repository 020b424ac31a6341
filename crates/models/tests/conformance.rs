//! Every fixture that holds one of the models decodes into it, re-encodes to
//! the same text for every field the model names, and key values are exact.

use std::path::Path;
use std::str::FromStr;

use okx_models::{
    Balance, BookLevel, Candle, ExecType, Fill, InstState, InstType, Instrument, MgnMode, OrdType,
    Order, OrderBook, OrderState, PosSide, Position, Side, TdMode, TgtCcy, Ticker, Trade,
};
use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::common::{channel, data, fixtures, frames, load, round_trip};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Decodes and round-trips every `data` item of a fixture file into `T`.
fn items<T: DeserializeOwned + Serialize>(dir: &Path, rel: &str) -> Vec<T> {
    let v = load(dir, rel);
    let mut out = Vec::new();
    for (f, frame) in frames(&v).into_iter().enumerate() {
        for (i, item) in data(frame).iter().enumerate() {
            let (model, checked) = round_trip::<T>(item, &format!("{rel}[{f}].data[{i}]"));
            assert!(checked > 0, "{rel}: item {i} compared no field");
            out.push(model);
        }
    }
    assert!(!out.is_empty(), "{rel}: no items");
    out
}

#[test]
fn rest_instruments() {
    let Some(dir) = fixtures() else { return };
    let mut total = 0;
    for rel in [
        "rest/instruments_spot_2022_truncated100.json",
        "rest/instruments_swap_2022.json",
        "rest/instruments_futures_2022.json",
        "rest/instruments_option_btc_usd_2022.json",
        "rest/instruments_spot_nautilus.json",
        "rest/instruments_margin_nautilus.json",
        "rest/instruments_swap_nautilus.json",
        "rest/instruments_futures_nautilus.json",
        "rest/instruments_option_nautilus.json",
    ] {
        total += items::<Instrument>(&dir, rel).len();
    }
    assert_eq!(total, 100 + 166 + 104 + 346 + 5 + 4 + 3 + 6 + 4);

    let spot = items::<Instrument>(&dir, "rest/instruments_spot_nautilus.json");
    let btc_usd = &spot[0];
    assert_eq!(btc_usd.inst_id, "BTC-USD");
    assert_eq!(btc_usd.inst_type, InstType::Spot);
    assert_eq!(btc_usd.state, InstState::Live);
    assert_eq!(btc_usd.tick_sz, Some(d("0.1")));
    assert_eq!(btc_usd.lot_sz, Some(d("0.00000001")));
    assert_eq!(btc_usd.min_sz, Some(d("0.00001")));
    assert_eq!(btc_usd.list_time, Some(1_733_454_000_000));
    assert_eq!(btc_usd.ct_val, None);
    let iceberg = btc_usd.max_iceberg_sz.unwrap();
    assert_eq!(iceberg.to_string(), "9999999999.0000000000000000");
    assert_eq!(btc_usd.round_price(d("101234.56")), d("101234.6"));
    assert_eq!(btc_usd.round_size(d("0.123456789")), d("0.12345678"));
    assert!(btc_usd.check_size(d("0.000001")).is_err());
}

#[test]
fn rest_market_data() {
    let Some(dir) = fixtures() else { return };

    let t = items::<Ticker>(&dir, "rest/ccxt_ticker_spot.json");
    assert_eq!(t[0].inst_id, "BTC-USDT");
    assert_eq!(t[0].last, Some(d("73384.8")));
    assert_eq!(t[0].vol_ccy_24h, Some(d("1519926359.597266598")));
    assert_eq!(t[0].low_24h, Some(d("68600")));
    assert_eq!(t[0].ts, 1_710_328_243_709);

    let b = items::<OrderBook>(&dir, "rest/ccxt_books_spot_sz2.json");
    assert_eq!(
        b[0].asks[0],
        BookLevel {
            px: d("67973.4"),
            sz: d("1.40848059"),
            num_orders: Some(7)
        }
    );
    assert_eq!(b[0].bids[1].sz, d("0.00725939"));
    assert_eq!(b[0].ts, 1_712_265_035_051);
    items::<OrderBook>(&dir, "rest/ccxt_books_swap_sz2.json");

    let c = items::<Candle>(&dir, "rest/candles_nautilus.json");
    assert_eq!(c[0].ts, 1_747_094_040_000);
    assert_eq!(c[0].o, d("102806.1"));
    assert_eq!(c[0].vol_ccy_quote, Some(d("1069603.34883")));
    assert!(c[0].confirm);
    let c = items::<Candle>(&dir, "rest/ccxt_candles_spot_1H.json");
    assert_eq!(c[0].vol_ccy, Some(d("220057933.233687634")));

    let tr = items::<Trade>(&dir, "rest/ccxt_trades_spot.json");
    assert_eq!(tr[0].px, d("73239.3"));
    assert_eq!(tr[0].sz, d("0.0009478"));
    assert_eq!(tr[0].side, Side::Sell);
    items::<Trade>(&dir, "rest/trades_nautilus.json");
}

#[test]
fn rest_orders_and_fills() {
    let Some(dir) = fixtures() else { return };

    let o = items::<Order>(&dir, "rest/ccxt_order_spot_market_filled.json");
    let o = &o[0];
    assert_eq!(o.ord_id, "1339107111507525632");
    assert_eq!(o.ord_type, OrdType::Market);
    assert_eq!(o.state, OrderState::Filled);
    assert_eq!(o.tgt_ccy, Some(TgtCcy::BaseCcy));
    assert_eq!(o.px, None);
    assert_eq!(o.avg_px, Some(d("101.58")));
    assert_eq!(o.fee, Some(d("-0.0001")));
    assert_eq!(o.reduce_only, Some(false));
    assert_eq!(o.lever, None);
    assert_eq!(o.pos_side, Some(PosSide::Net));
    assert_eq!(o.td_mode, TdMode::Cash);
    assert_eq!(
        o.cl_ord_id.as_ref().map(|c| c.as_str()),
        Some("e847386590ce4dBC6f7ae74854f6a617")
    );
    assert_eq!(
        o.linked_algo_ord.as_ref().map(|l| l.algo_id.as_str()),
        Some("")
    );

    for rel in [
        "rest/ccxt_orders_history_swap_market_filled.json",
        "rest/ccxt_orders_pending_swap_post_only.json",
        "rest/orders_history_nautilus.json",
    ] {
        items::<Order>(&dir, rel);
    }
    let p = items::<Order>(&dir, "rest/ccxt_orders_pending_swap_post_only.json");
    assert_eq!(p[0].ord_type, OrdType::PostOnly);
    assert_eq!(p[0].state, OrderState::Live);

    let f = items::<Fill>(&dir, "rest/ccxt_fills_spot.json");
    let f = &f[0];
    assert_eq!(f.fill_px, d("67.84"));
    assert_eq!(f.fill_sz, d("0.1"));
    assert_eq!(f.fee_rate, Some(d("-0.001")));
    assert_eq!(f.fill_pnl, Some(Decimal::ZERO));
    assert_eq!(f.fill_px_vol, None);
    assert_eq!(f.exec_type, Some(ExecType::Taker));
    assert_eq!(f.ts, 1_698_835_093_028);
}

#[test]
fn rest_account() {
    let Some(dir) = fixtures() else { return };

    let b = items::<Balance>(&dir, "rest/account_balance_nautilus.json");
    let b = &b[0];
    assert_eq!(b.total_eq, Some(d("99.88870288820581")));
    assert_eq!(b.adj_eq, None);
    assert_eq!(b.u_time, Some(1_744_499_648_556));
    let usdt = &b.details[0];
    assert_eq!(usdt.ccy, "USDT");
    assert_eq!(usdt.eq, Some(d("99.89469657000001")));
    assert_eq!(usdt.iso_upl, Some(d("-0.0273000000000002")));
    assert_eq!(usdt.collateral_enabled, Some(false));

    let p = items::<Position>(&dir, "rest/ccxt_positions_linear_swap_long.json");
    let p = &p[0];
    assert_eq!(p.inst_id, "LTC-USDT-SWAP");
    assert_eq!(p.pos_side, PosSide::Long);
    assert_eq!(p.mgn_mode, MgnMode::Cross);
    assert_eq!(p.be_px, Some(d("68.30827413706852")));
    assert_eq!(p.imr, Some(d("0.0227466666666667")));
    assert_eq!(p.adl, Some(1));
    assert_eq!(p.liq_px, None);
    for rel in [
        "rest/ccxt_position_linear_swap_cross.json",
        "rest/ccxt_position_inverse_swap_cross.json",
        "rest/ccxt_position_inverse_swap_isolated.json",
    ] {
        items::<Position>(&dir, rel);
    }
}

/// Every WS push in every file, dispatched by channel.
#[test]
fn ws_pushes() {
    let Some(dir) = fixtures() else { return };
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    let mut names: Vec<_> = std::fs::read_dir(dir.join("ws"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    for name in names {
        let rel = format!("ws/{name}");
        let v = load(&dir, &rel);
        for (f, frame) in frames(&v).into_iter().enumerate() {
            let Some(ch) = channel(frame) else { continue };
            let kind = match ch {
                "tickers" => "ticker",
                "trades" | "trades-all" => "trade",
                "books" | "books5" | "bbo-tbt" | "books-l2-tbt" | "books50-l2-tbt" => "book",
                "orders" => "order",
                "account" => "balance",
                "positions" => "position",
                "instruments" => "instrument",
                c if c.starts_with("candle") => "candle",
                _ => continue,
            };
            for (i, item) in data(frame).iter().enumerate() {
                let what = format!("{rel}[{f}].data[{i}]");
                let checked = match kind {
                    "ticker" => round_trip::<Ticker>(item, &what).1,
                    "trade" => round_trip::<Trade>(item, &what).1,
                    "book" => round_trip::<OrderBook>(item, &what).1,
                    "order" => round_trip::<Order>(item, &what).1,
                    "balance" => round_trip::<Balance>(item, &what).1,
                    "position" => round_trip::<Position>(item, &what).1,
                    "instrument" => round_trip::<Instrument>(item, &what).1,
                    _ => round_trip::<Candle>(item, &what).1,
                };
                assert!(checked > 0, "{what}: compared no field");
                *counts.entry(kind).or_default() += 1;
            }
        }
    }
    for kind in [
        "ticker",
        "trade",
        "book",
        "order",
        "balance",
        "instrument",
        "candle",
    ] {
        assert!(
            counts.get(kind).copied().unwrap_or(0) > 0,
            "no ws {kind} decoded: {counts:?}"
        );
    }
    assert_eq!(
        counts["book"],
        98 + 99 + 93 + 1 + 1 + 1 + 4 + 1 + 1,
        "{counts:?}"
    );
}

#[test]
fn ws_key_values() {
    let Some(dir) = fixtures() else { return };

    let o = items::<Order>(&dir, "ws/orders_filled_swap_nautilus.json");
    let o = &o[0];
    assert_eq!(o.lever.map(|l| l.to_string()).as_deref(), Some("2.0"));
    assert_eq!(o.fee, Some(d("-0.021776769")));
    assert_eq!(o.exec_type, Some(ExecType::Maker));
    assert_eq!(o.fill_time, Some(1_746_947_317_402));
    assert_eq!(o.td_mode, TdMode::Isolated);

    let o = items::<Order>(&dir, "ws/orders_spot_gocryptotrader.json");
    assert_eq!(o[0].fill_fee, Some(d("-0.02522168")));
    assert_eq!(o[0].fill_notional_usd, Some(d("31.50818374")));
    assert_eq!(o[0].code, "0");

    let b = items::<OrderBook>(
        &dir,
        "ws/books_snapshot_option_seqid_verified_unattributed.json",
    );
    assert_eq!(b[0].checksum, Some(750_243_667));
    assert_eq!(b[0].seq_id, Some(7_966_474));
    assert_eq!(b[0].prev_seq_id, Some(-1));
    assert_eq!(b[0].asks[0].px.to_string(), "0.038");

    let c = items::<Candle>(&dir, "ws/candle1D_docs_example.json");
    assert_eq!(c[0].ts, 1_597_026_383_085);
    assert_eq!(c[0].vol, Some(d("45247")));
    assert_eq!(c[0].vol_ccy_quote, Some(d("5529.5858061")));

    let t = items::<Trade>(&dir, "ws/trades_gocryptotrader_2025.json");
    assert_eq!(t[0].count, Some(1));
    assert_eq!(t[0].px, d("95634.9"));

    let a = items::<Balance>(&dir, "ws/account_nautilus.json");
    assert!(!a[0].details.is_empty());
    items::<Balance>(&dir, "ws/account_empty_nautilus.json");

    let i = items::<Instrument>(&dir, "ws/instruments_swap_nautilus.json");
    assert_eq!(i[0].inst_type, InstType::Swap);
}
