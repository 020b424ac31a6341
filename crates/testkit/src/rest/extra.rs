//! More REST answers derived from the exchange: funding, open interest,
//! price limits, index and mark-price data, full books, trade history,
//! fees, leverage, closed positions, currencies and the funding account.
//! Clients such as ccxt call these while loading markets or balances; a
//! documented example with stale prices would mislead them.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::bodies;
use super::respond::Incoming;
use crate::exchange::World;
use crate::exchange::book::View;
use crate::exchange::history::{BarSize, bar_size};
use crate::exchange::instrument::Kind;
use crate::exchange::rng::{hash, text_key};

/// The endpoints answered here (see also [`super::route::FROM_STATE`]).
pub(crate) const EXTRA: &[(&str, &str)] = &[
    ("GET", "/api/v5/system/status"),
    ("GET", "/api/v5/public/funding-rate"),
    ("GET", "/api/v5/public/funding-rate-history"),
    ("GET", "/api/v5/public/open-interest"),
    ("GET", "/api/v5/public/price-limit"),
    ("GET", "/api/v5/market/index-tickers"),
    ("GET", "/api/v5/market/books-full"),
    ("GET", "/api/v5/market/history-trades"),
    ("GET", "/api/v5/market/mark-price-candles"),
    ("GET", "/api/v5/market/history-mark-price-candles"),
    ("GET", "/api/v5/market/index-candles"),
    ("GET", "/api/v5/market/history-index-candles"),
    ("GET", "/api/v5/account/trade-fee"),
    ("GET", "/api/v5/account/leverage-info"),
    ("GET", "/api/v5/account/positions-history"),
    ("GET", "/api/v5/account/max-avail-size"),
    ("GET", "/api/v5/account/instruments"),
    ("GET", "/api/v5/asset/currencies"),
    ("GET", "/api/v5/asset/balances"),
];

const EIGHT_HOURS: i64 = 8 * 3_600_000;

fn ok(data: Value) -> Option<(u16, String)> {
    Some((200, bodies::ok(data)))
}

fn unknown_inst() -> Option<(u16, String)> {
    Some((
        200,
        bodies::error("51001", "Instrument ID or Spread ID doesn't exist."),
    ))
}

fn text(v: Decimal) -> String {
    v.normalize().to_string()
}

/// A funding rate for one 8-hour period: small, deterministic per
/// instrument and period, within OKX's ±0.375% band.
fn funding_rate(seed: u64, inst_id: &str, period: i64) -> Decimal {
    let h = hash(&[seed, text_key(inst_id), period as u64]);
    Decimal::new(i64::try_from(h % 1001).unwrap_or(0) - 400, 6)
}

/// Public answers.
pub(crate) fn public(world: &World, inc: &Incoming<'_>) -> Option<(u16, String)> {
    let p = |k: &str| inc.p(k);
    let now = world.now();
    let seed = world.settings.seed;
    match (inc.method, inc.path) {
        ("GET", "/api/v5/system/status") => ok(json!([])),
        ("GET", "/api/v5/public/funding-rate") => {
            let inst_id = p("instId");
            if !world
                .specs
                .iter()
                .any(|s| s.inst_id == inst_id && s.kind == Kind::Swap)
            {
                return unknown_inst();
            }
            let next = now - now.rem_euclid(EIGHT_HOURS) + EIGHT_HOURS;
            let period = next / EIGHT_HOURS;
            ok(
                json!([{"instType": "SWAP", "instId": inst_id, "method": "current_period",
                "formulaType": "withRate", "fundingRate": text(funding_rate(seed, &inst_id, period)),
                "nextFundingRate": "", "fundingTime": next.to_string(),
                "nextFundingTime": (next + EIGHT_HOURS).to_string(), "minFundingRate": "-0.00375",
                "maxFundingRate": "0.00375", "interestRate": "0.0001", "impactValue": "20000",
                "settState": "settled", "settFundingRate": text(funding_rate(seed, &inst_id, period - 1)),
                "premium": "0.0001", "ts": now.to_string()}]),
            )
        }
        ("GET", "/api/v5/public/funding-rate-history") => {
            let inst_id = p("instId");
            if !world
                .specs
                .iter()
                .any(|s| s.inst_id == inst_id && s.kind == Kind::Swap)
            {
                return unknown_inst();
            }
            let limit = p("limit").parse::<usize>().map_or(100, |l| l.clamp(1, 100));
            let last_paid = now - now.rem_euclid(EIGHT_HOURS);
            let mut t = match p("after").parse::<i64>() {
                Ok(a) => (a - 1) - (a - 1).rem_euclid(EIGHT_HOURS),
                Err(_) => last_paid,
            }
            .min(last_paid);
            let before = p("before").parse::<i64>().ok();
            let mut rows = Vec::new();
            while rows.len() < limit && before.is_none_or(|b| t > b) && t > now - 90 * 86_400_000 {
                let rate = text(funding_rate(seed, &inst_id, t / EIGHT_HOURS));
                rows.push(
                    json!({"instType": "SWAP", "instId": inst_id, "formulaType": "withRate",
                    "fundingRate": rate, "realizedRate": rate, "fundingTime": t.to_string(),
                    "method": "current_period"}),
                );
                t -= EIGHT_HOURS;
            }
            ok(Value::Array(rows))
        }
        ("GET", "/api/v5/public/open-interest") => {
            let kind = p("instType");
            if kind.is_empty() {
                return Some((
                    200,
                    bodies::error("50014", "Parameter instType can not be empty"),
                ));
            }
            let rows: Vec<Value> = world
                .specs
                .iter()
                .filter(|s| s.kind.is_derivative() && s.kind.as_str() == kind)
                .filter(|s| p("instId").is_empty() || s.inst_id == p("instId"))
                .filter(|s| p("instFamily").is_empty() || s.inst_family == p("instFamily"))
                .map(|s| {
                    let lots = 50_000 + hash(&[seed, text_key(&s.inst_id), (now / 3_600_000) as u64]) % 50_000;
                    let oi = Decimal::from(lots) * s.lot_sz.max(Decimal::ONE);
                    let coins = oi * s.contract_size();
                    let usd = coins * world.mark(&s.inst_id);
                    json!({"instType": s.kind.as_str(), "instId": s.inst_id, "oi": text(oi),
                        "oiCcy": text(coins), "oiUsd": text(usd.round_dp(4)), "ts": now.to_string()})
                })
                .collect();
            ok(Value::Array(rows))
        }
        ("GET", "/api/v5/public/price-limit") => {
            let inst_id = p("instId");
            let Some(spec) = world.specs.iter().find(|s| s.inst_id == inst_id) else {
                return unknown_inst();
            };
            let mark = world.mark(&inst_id);
            let step = |v: Decimal| (v / spec.tick_sz).floor() * spec.tick_sz;
            ok(json!([{"instType": spec.kind.as_str(), "instId": inst_id,
                "buyLmt": text(step(mark * Decimal::new(105, 2))), "sellLmt": text(step(mark * Decimal::new(95, 2))),
                "ts": now.to_string(), "enabled": true}]))
        }
        ("GET", "/api/v5/market/index-tickers") => {
            let quote = p("quoteCcy");
            let rows: Vec<Value> = world
                .specs
                .iter()
                .filter(|s| s.kind == Kind::Spot)
                .filter(|s| p("instId").is_empty() || s.inst_id == p("instId"))
                .filter(|s| quote.is_empty() || s.quote_ccy == quote)
                .filter_map(|s| world.markets.get(&s.inst_id))
                .map(|m| {
                    let t = crate::exchange::feed::ticker_json(m, Kind::Spot, now);
                    json!({"instId": m.inst_id, "idxPx": text(m.fair_px()), "high24h": t["high24h"],
                        "low24h": t["low24h"], "open24h": t["open24h"], "sodUtc0": t["sodUtc0"],
                        "sodUtc8": t["sodUtc8"], "ts": now.to_string()})
                })
                .collect();
            if rows.is_empty() && quote.is_empty() && p("instId").is_empty() {
                return Some((
                    200,
                    bodies::error("50014", "Parameter quoteCcy can not be empty"),
                ));
            }
            ok(Value::Array(rows))
        }
        ("GET", "/api/v5/market/books-full") => {
            let Some(m) = world.markets.get(&p("instId")) else {
                return unknown_inst();
            };
            let sz = p("sz").parse::<usize>().unwrap_or(1).clamp(1, 5000);
            let view = m.book.view(sz);
            ok(
                json!([{"asks": View::side_json(&view.asks), "bids": View::side_json(&view.bids), "ts": now.to_string()}]),
            )
        }
        ("GET", "/api/v5/market/history-trades") => {
            let Some(m) = world.markets.get(&p("instId")) else {
                return unknown_inst();
            };
            let by_ts = p("type") == "2";
            let rows: Vec<(u64, Value)> = m
                .recent
                .iter()
                .map(|t| {
                    let key = if by_ts { "ts" } else { "tradeId" };
                    (
                        t[key].as_str().and_then(|v| v.parse().ok()).unwrap_or(0),
                        t.clone(),
                    )
                })
                .collect();
            ok(Value::Array(crate::exchange::queries::page(
                rows,
                &p("after"),
                &p("before"),
                &p("limit"),
            )))
        }
        ("GET", path) if path.contains("mark-price-candles") || path.contains("index-candles") => {
            price_candles(world, inc)
        }
        _ => None,
    }
}

/// Mark-price and index candles: `[ts, o, h, l, c, confirm]`, from the
/// market history (an index `BTC-USDT` follows the spot market).
fn price_candles(world: &World, inc: &Incoming<'_>) -> Option<(u16, String)> {
    let Some(market) = world.markets.get(&inc.p("instId")) else {
        return unknown_inst();
    };
    let bar = inc.param("bar").unwrap_or_else(|| "1m".to_owned());
    let Some(size) = bar_size(&bar) else {
        return Some((200, bodies::error("51000", "Parameter bar error")));
    };
    let limit = inc
        .p("limit")
        .parse::<usize>()
        .map_or(100, |l| l.clamp(1, 100));
    let now = world.now();
    let newest = size.floor(now);
    let oldest = size.floor(market.history.first_ms.max(0));
    let mut t = match inc.p("after").parse::<i64>() {
        Ok(a) => size.floor(a - 1).min(newest),
        Err(_) => newest,
    };
    let before = inc.p("before").parse::<i64>().ok();
    let px = |ticks: i64| text(Decimal::from(ticks) * market.tick);
    let mut rows = Vec::new();
    while t >= oldest && before.is_none_or(|b| t > b) && rows.len() < limit {
        let b = market.history.bar(t, BarSize::next(size, t), now);
        rows.push(json!([
            t.to_string(),
            px(b.o),
            px(b.h),
            px(b.l),
            px(b.c),
            if t == newest { "0" } else { "1" }
        ]));
        t = size.prev(t);
    }
    ok(Value::Array(rows))
}

/// Answers for a signed-in account.
pub(crate) fn private(world: &World, inc: &Incoming<'_>, acct: usize) -> Option<(u16, String)> {
    let p = |k: &str| inc.p(k);
    let now = world.now();
    let account = &world.accounts[acct];
    match (inc.method, inc.path) {
        ("GET", "/api/v5/account/trade-fee") => {
            let kind = p("instType");
            if Kind::parse(&kind).is_none() {
                return Some((
                    200,
                    bodies::error("50014", "Parameter instType can not be empty"),
                ));
            }
            let (maker, taker) = (text(-account.maker_fee), text(-account.taker_fee));
            ok(
                json!([{"level": "Lv1", "taker": taker, "maker": maker, "takerU": taker, "makerU": maker,
                "delivery": "", "exercise": "", "instType": kind, "takerUSDC": taker, "makerUSDC": maker,
                "ruleType": "normal", "ts": now.to_string(), "category": "1", "fiat": []}]),
            )
        }
        ("GET", "/api/v5/account/leverage-info") => {
            let mode = p("mgnMode");
            if !matches!(mode.as_str(), "cross" | "isolated") {
                return Some((200, bodies::error("51000", "Parameter mgnMode error")));
            }
            let sides: &[&str] = match account.pos_mode {
                crate::exchange::account::PosMode::Net => &["net"],
                crate::exchange::account::PosMode::LongShort => &["long", "short"],
            };
            let rows: Vec<Value> = p("instId")
                .split(',')
                .filter(|i| !i.is_empty())
                .flat_map(|inst| {
                    let lever = account.lever_of(inst).to_string();
                    let mode = mode.clone();
                    sides.iter().map(move |side| json!({"instId": inst, "ccy": "", "mgnMode": mode, "posSide": side, "lever": lever}))
                })
                .collect();
            ok(Value::Array(rows))
        }
        ("GET", "/api/v5/account/positions-history") => {
            let rows: Vec<(u64, Value)> = account
                .closed
                .iter()
                .filter(|r| p("instType").is_empty() || r["instType"] == p("instType").as_str())
                .filter(|r| p("instId").is_empty() || r["instId"] == p("instId").as_str())
                .filter(|r| p("mgnMode").is_empty() || r["mgnMode"] == p("mgnMode").as_str())
                .map(|r| {
                    (
                        r["uTime"]
                            .as_str()
                            .and_then(|t| t.parse().ok())
                            .unwrap_or(0),
                        r.clone(),
                    )
                })
                .collect();
            ok(Value::Array(crate::exchange::queries::page(
                rows,
                &p("after"),
                &p("before"),
                &p("limit"),
            )))
        }
        ("GET", "/api/v5/account/max-avail-size") => {
            let inst_id = p("instId");
            let Some(spec) = world.spec_for(&inst_id, &p("tdMode")) else {
                return unknown_inst();
            };
            let (buy, sell) = if spec.kind.is_derivative() {
                let max = world.max_size(acct, &inst_id, &p("tdMode"), None)?;
                (max["maxBuy"].clone(), max["maxSell"].clone())
            } else {
                (
                    json!(text(world.available(acct, &spec.quote_ccy))),
                    json!(text(world.available(acct, &spec.base_ccy))),
                )
            };
            ok(json!([{"instId": inst_id, "availBuy": buy, "availSell": sell}]))
        }
        ("GET", "/api/v5/account/instruments") => {
            let kind = p("instType");
            if kind.is_empty() {
                return Some((
                    200,
                    bodies::error("50014", "Parameter instType can not be empty"),
                ));
            }
            let rows: Vec<Value> = world
                .specs
                .iter()
                .filter(|s| s.kind.as_str() == kind)
                .filter(|s| p("instFamily").is_empty() || s.inst_family == p("instFamily"))
                .filter(|s| p("instId").is_empty() || s.inst_id == p("instId"))
                .map(crate::exchange::instrument::InstrumentSpec::to_json)
                .collect();
            ok(Value::Array(rows))
        }
        ("GET", "/api/v5/asset/currencies") => {
            let mut ccys: Vec<String> = Vec::new();
            for s in &world.specs {
                for c in [&s.base_ccy, &s.quote_ccy, &s.settle_ccy] {
                    if !c.is_empty() && !ccys.contains(c) {
                        ccys.push(c.clone());
                    }
                }
            }
            ccys.sort();
            let ccy = p("ccy");
            let wanted: Vec<&str> = ccy.split(',').filter(|c| !c.is_empty()).collect();
            let rows: Vec<Value> = ccys
                .iter()
                .filter(|c| wanted.is_empty() || wanted.contains(&c.as_str()))
                .map(|c| json!({"ccy": c, "name": c, "logoLink": "", "chain": format!("{c}-{c}"), "ctAddr": "",
                    "canDep": true, "canWd": true, "canInternal": true, "depEstOpenTime": "", "wdEstOpenTime": "",
                    "minDep": "0.00000001", "minWd": "0.0001", "minInternal": "0.0001", "maxWd": "1000000",
                    "wdTickSz": "8", "wdQuota": "10000000", "usedWdQuota": "0", "fee": "0", "minFee": "0",
                    "maxFee": "0", "minFeeForCtAddr": "0", "maxFeeForCtAddr": "0", "burningFeeRate": "",
                    "mainNet": true, "needTag": false, "minDepArrivalConfirm": "1", "minWdUnlockConfirm": "1",
                    "depQuotaFixed": "", "usedDepQuotaFixed": "", "depQuoteDailyLayer2": ""}))
                .collect();
            ok(Value::Array(rows))
        }
        // The funding account is empty: every balance is in the trading account.
        ("GET", "/api/v5/asset/balances") => ok(json!([])),
        _ => None,
    }
}
