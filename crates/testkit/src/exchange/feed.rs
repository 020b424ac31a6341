//! Pushes: what each state change sends on which channel, in OKX's shapes
//! and with OKX's snapshot rules. Public channels go to every subscriber of
//! the instrument; private ones to the connections logged in to the
//! account, with the subscription's own `arg` (plus `uid`) echoed back.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::World;
use super::book::View;
use super::doors::{Endpoint, WsState, broadcast};
use super::history::{MINUTE, bar_size, candle_json};
use super::instrument::{InstrumentSpec, Kind};
use super::market::{BOOK_CHANNELS, Chan, Market, book_channel, ticks_of};
use super::order::FillRecord;

/// Private channels and the endpoint that serves them.
pub(crate) fn private_endpoint(channel: &str) -> Option<Endpoint> {
    match channel {
        "orders" | "fills" | "account" | "positions" | "balance_and_position" => {
            Some(Endpoint::Private)
        }
        "orders-algo" => Some(Endpoint::Business),
        _ => None,
    }
}

/// What a private item is about, for matching it against a subscription.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct About<'a> {
    pub(crate) kind: Option<Kind>,
    pub(crate) inst_id: &'a str,
    pub(crate) family: &'a str,
    pub(crate) ccy: &'a str,
}

fn sub_text<'a>(sub: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    sub.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// Whether a private subscription wants an item.
pub(crate) fn wants(sub: &Map<String, Value>, about: &About<'_>) -> bool {
    if let (Some(want), Some(kind)) = (sub_text(sub, "instType"), about.kind)
        && want != "ANY"
        && want != kind.as_str()
    {
        return false;
    }
    let check =
        |key: &str, have: &str| sub_text(sub, key).is_none_or(|w| have.is_empty() || w == have);
    check("instId", about.inst_id) && check("instFamily", about.family) && check("ccy", about.ccy)
}

fn text(v: Decimal) -> String {
    v.normalize().to_string()
}

impl World {
    /// Sends a private push to every subscription of `acct` on `channel`
    /// that `about` matches; `body` gives the frame's fields besides `arg`
    /// for that subscription (or `None` to skip it).
    pub(crate) fn deliver(
        &self,
        acct: usize,
        channel: &str,
        about: &About<'_>,
        mut body: impl FnMut(&Map<String, Value>) -> Option<Map<String, Value>>,
    ) {
        let Some(endpoint) = private_endpoint(channel) else {
            return;
        };
        let uid = &self.accounts[acct].uid;
        for conn in self.ws.conns.values() {
            if conn.account != Some(acct) || conn.endpoint != endpoint || conn.muted {
                continue;
            }
            for sub in &conn.subs {
                if sub_text(sub, "channel") != Some(channel) || !wants(sub, about) {
                    continue;
                }
                let Some(mut frame) = body(sub) else { continue };
                let mut arg = sub.clone();
                arg.insert("uid".into(), json!(uid));
                frame.insert("arg".into(), Value::Object(arg));
                conn.send(Arc::from(Value::Object(frame).to_string()));
            }
        }
    }

    /// Pushes an order's current record on `orders`.
    pub(crate) fn push_order(&self, ord_id: u64) {
        let Some(o) = self.orders.get(&ord_id) else {
            return;
        };
        let family = self
            .spec_for(&o.inst_id, &o.td_mode)
            .map(|s| s.inst_family.clone())
            .unwrap_or_default();
        let about = About {
            kind: Some(o.kind),
            inst_id: &o.inst_id,
            family: &family,
            ccy: "",
        };
        let data = json!([o.to_json(true)]);
        self.deliver(o.account, "orders", &about, |_| {
            Some(data_only(data.clone()))
        });
    }

    /// Pushes a fill on `fills`.
    pub(crate) fn push_fill(&self, rec: &FillRecord) {
        let about = About {
            kind: Some(rec.kind),
            inst_id: &rec.inst_id,
            ..About::default()
        };
        let data = json!([rec.to_push()]);
        self.deliver(rec.account, "fills", &about, |_| {
            Some(data_only(data.clone()))
        });
    }

    /// Pushes an instrument change on `instruments`.
    pub(crate) fn push_instrument(&self, spec: &InstrumentSpec) {
        let arg = json!({"channel": "instruments", "instType": spec.kind.as_str()});
        let frame = json!({"arg": arg, "data": [spec.to_json()]});
        broadcast(&self.ws, &arg, frame.to_string().into());
    }

    /// Records trades of one taker: price history, last trade, and the
    /// `trades` (one push per price, as OKX aggregates per taker order and
    /// price), `trades-all` and candle pushes.
    pub(crate) fn record_trades(
        &mut self,
        inst_id: &str,
        taker_buy: bool,
        trades: &[(Decimal, Decimal, String, i64)],
    ) {
        let Some(market) = self.markets.get_mut(inst_id) else {
            return;
        };
        let side = if taker_buy { "buy" } else { "sell" };
        let mut by_price: Vec<(Decimal, Decimal, String, i64, usize)> = Vec::new();
        for (px, q, trade_id, ts) in trades {
            if market.recent.len() >= 500 {
                market.recent.pop_front();
            }
            market
                .recent
                .push_back(json!({"instId": inst_id, "side": side, "sz": text(*q),
                "px": text(*px), "tradeId": trade_id, "ts": ts.to_string(), "source": "0"}));
            let lots = market.lots(*q);
            market.history.trade(*ts, ticks_of(*px, market.tick), lots);
            market.last = Some((*px, *q, *ts));
            match by_price.iter_mut().find(|(p, ..)| p == px) {
                Some(entry) => {
                    entry.1 += *q;
                    entry.2 = trade_id.clone();
                    entry.4 += 1;
                }
                None => by_price.push((*px, *q, trade_id.clone(), *ts, 1)),
            }
        }
        self.dirty.markets.insert(inst_id.to_owned());
        let market = &mut *market;
        let mut frames = Vec::new();
        if self.ws.wants("trades", inst_id) {
            for (px, q, trade_id, ts, count) in by_price {
                market.trade_seq += 1;
                let arg = json!({"channel": "trades", "instId": inst_id});
                let data = json!([{"instId": inst_id, "tradeId": trade_id, "px": text(px),
                    "sz": text(q), "side": side, "ts": ts.to_string(), "count": count.to_string(),
                    "seqId": market.trade_seq, "source": "0"}]);
                frames.push((arg.clone(), json!({"arg": arg, "data": data})));
            }
        }
        if self.ws.wants("trades-all", inst_id) {
            for (px, q, trade_id, ts) in trades {
                let arg = json!({"channel": "trades-all", "instId": inst_id});
                let data = json!([{"instId": inst_id, "tradeId": trade_id, "px": text(*px),
                    "sz": text(*q), "side": side, "ts": ts.to_string(), "source": "0"}]);
                frames.push((arg.clone(), json!({"arg": arg, "data": data})));
            }
        }
        let now = self.clock.now_ms();
        for channel in self.ws.channels_for(inst_id, "candle") {
            let Some(size) = bar_size(&channel["candle".len()..]) else {
                continue;
            };
            let start = size.floor(now);
            let bar = market.history.bar(start, size.next(start), now);
            let arg = json!({"channel": channel, "instId": inst_id});
            let data = json!([candle_json(start, &bar, market.tick, market.lot, false)]);
            frames.push((arg.clone(), json!({"arg": arg, "data": data})));
        }
        for (arg, frame) in frames {
            broadcast(&self.ws, &arg, frame.to_string().into());
        }
    }

    /// Sends what the finished operation changed: books, tickers and mark
    /// prices of dirty markets; `account`, `positions` and
    /// `balance_and_position` of dirty accounts.
    pub(crate) fn flush(&mut self) {
        let markets = std::mem::take(&mut self.dirty.markets);
        let skip = std::mem::take(&mut self.skip_seq) && !markets.is_empty();
        for inst_id in &markets {
            self.check_algos(inst_id);
        }
        // Algo orders that fired may have moved more markets.
        let mut markets = markets;
        markets.extend(std::mem::take(&mut self.dirty.markets));
        for inst_id in markets {
            self.publish_market(&inst_id, skip);
        }
        let accounts = std::mem::take(&mut self.dirty.accounts);
        for (acct, d) in accounts {
            self.publish_account(acct, &d);
        }
    }

    fn kind_of_market(&self, inst_id: &str) -> Kind {
        self.specs
            .iter()
            .filter(|s| s.inst_id == inst_id)
            .map(|s| s.kind)
            .min()
            .unwrap_or(Kind::Spot)
    }

    fn publish_market(&mut self, inst_id: &str, skip: bool) {
        let kind = self.kind_of_market(inst_id);
        let now = self.clock.now_ms();
        let checksum_zero = self.settings.checksum_zero;
        let Some(market) = self.markets.get_mut(inst_id) else {
            return;
        };
        let frames = book_frames(market, &self.ws, now, checksum_zero, skip);
        for (arg, frame) in frames {
            broadcast(&self.ws, &arg, frame.into());
        }
        let Some(market) = self.markets.get_mut(inst_id) else {
            return;
        };
        if self.ws.wants("tickers", inst_id) {
            let ticker = ticker_json(market, kind, now);
            let key = format!(
                "{}|{}|{}|{}|{}",
                ticker["last"], ticker["bidPx"], ticker["bidSz"], ticker["askPx"], ticker["askSz"]
            );
            if market.ticker_key != key {
                market.ticker_key = key;
                let arg = json!({"channel": "tickers", "instId": inst_id});
                let frame = json!({"arg": arg, "data": [ticker]});
                broadcast(&self.ws, &arg, frame.to_string().into());
            }
        }
        if kind.is_derivative()
            && self.ws.wants("mark-price", inst_id)
            && market.mark_sent != market.fair
        {
            market.mark_sent = market.fair;
            let arg = json!({"channel": "mark-price", "instId": inst_id});
            let data = json!([{"instType": kind.as_str(), "instId": inst_id,
                "markPx": text(market.fair_px()), "ts": now.to_string()}]);
            broadcast(
                &self.ws,
                &arg,
                json!({"arg": arg, "data": data}).to_string().into(),
            );
        }
    }

    /// The snapshot a new subscriber of a book channel gets (the channel's
    /// last published view, so its next update chains on it).
    pub(crate) fn book_snapshot(&mut self, channel: &str, inst_id: &str) -> Option<String> {
        let (depth, incremental) = book_channel(channel)?;
        let now = self.clock.now_ms();
        let checksum_zero = self.settings.checksum_zero;
        let market = self.markets.get_mut(inst_id)?;
        let seq = market.seq;
        let chan = market
            .chans
            .entry(static_name(channel)?)
            .or_insert_with(|| Chan {
                view: market.book.view_of(channel, depth),
                last_seq: seq,
                last_push_ms: now,
            });
        let arg = json!({"channel": channel, "instId": inst_id});
        let data = snapshot_data(
            channel,
            inst_id,
            &chan.view,
            chan.last_seq,
            now,
            checksum_zero,
        );
        let mut frame = json!({"arg": arg, "data": [data]});
        if incremental {
            frame["action"] = json!("snapshot");
        }
        Some(frame.to_string())
    }

    /// OKX's idle-book heartbeats: an incremental channel quiet for 60 s
    /// gets an update with no levels and `seqId == prevSeqId`; a snapshot
    /// channel gets its snapshot again.
    pub(crate) fn book_heartbeats(&mut self) {
        let now = self.clock.now_ms();
        let checksum_zero = self.settings.checksum_zero;
        let mut frames = Vec::new();
        for (inst_id, market) in self.markets.iter_mut() {
            for (name, chan) in market.chans.iter_mut() {
                if now - chan.last_push_ms < 60_000 {
                    continue;
                }
                chan.last_push_ms = now;
                let Some((_, incremental)) = book_channel(name) else {
                    continue;
                };
                let arg = json!({"channel": name, "instId": inst_id});
                let data = if incremental {
                    json!({"asks": [], "bids": [], "ts": now.to_string(),
                        "checksum": if checksum_zero { 0 } else { chan.view.checksum() },
                        "prevSeqId": chan.last_seq, "seqId": chan.last_seq})
                } else {
                    snapshot_data(name, inst_id, &chan.view, chan.last_seq, now, checksum_zero)
                };
                let mut frame = json!({"arg": arg, "data": [data]});
                if incremental {
                    frame["action"] = json!("update");
                }
                frames.push((arg, frame.to_string()));
            }
        }
        for (arg, frame) in frames {
            broadcast(&self.ws, &arg, frame.into());
        }
    }

    fn publish_account(&self, acct: usize, d: &super::AccountDirty) {
        let now = self.clock.now_ms();
        if !d.ccys.is_empty() {
            let details: Vec<Value> = d
                .ccys
                .iter()
                .map(|c| self.balance_detail(acct, c))
                .collect();
            let about = About::default();
            self.deliver(acct, "account", &about, |sub| {
                let wanted: Vec<Value> = match sub_text(sub, "ccy") {
                    Some(ccy) => details
                        .iter()
                        .filter(|v| v["ccy"] == ccy)
                        .cloned()
                        .collect(),
                    None => details.clone(),
                };
                if wanted.is_empty() {
                    return None;
                }
                let mut summary = self.balance_summary(acct);
                summary["details"] = Value::Array(wanted);
                let mut body = data_only(json!([summary]));
                body.insert("eventType".into(), json!("event_update"));
                Some(body)
            });
        }
        let positions: Vec<&super::account::Position> = self.accounts[acct]
            .positions
            .iter()
            .filter(|p| {
                d.positions
                    .contains(&(p.inst_id.clone(), p.pos_side.clone()))
            })
            .collect();
        for p in &positions {
            let family = self
                .spec_for(&p.inst_id, &p.mgn_mode)
                .map(|s| s.inst_family.clone())
                .unwrap_or_default();
            let about = About {
                kind: Some(p.kind),
                inst_id: &p.inst_id,
                family: &family,
                ccy: "",
            };
            let row = self.position_json(acct, p);
            self.deliver(acct, "positions", &about, |_| {
                let mut body = data_only(json!([row.clone()]));
                body.insert("eventType".into(), json!("event_update"));
                Some(body)
            });
        }
        if d.ccys.is_empty() && positions.is_empty() {
            return;
        }
        let bal_data: Vec<Value> = d
            .ccys
            .iter()
            .map(|c| {
                let cash = self.accounts[acct].cash(c);
                json!({"ccy": c, "cashBal": text(cash), "uTime": now.to_string()})
            })
            .collect();
        let pos_data: Vec<Value> = positions.iter().map(|p| self.balpos_position(p)).collect();
        let trades: Vec<Value> = d
            .trades
            .iter()
            .map(|(i, t)| json!({"instId": i, "tradeId": t}))
            .collect();
        let event = if d.event.is_empty() {
            "filled"
        } else {
            d.event
        };
        let data = json!([{"pTime": now.to_string(), "eventType": event, "balData": bal_data,
            "posData": pos_data, "trades": trades}]);
        self.deliver(acct, "balance_and_position", &About::default(), |_| {
            Some(data_only(data.clone()))
        });
    }
}

pub(crate) fn data_only(data: Value) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("data".into(), data);
    m
}

fn static_name(channel: &str) -> Option<&'static str> {
    BOOK_CHANNELS
        .iter()
        .find(|(n, ..)| *n == channel)
        .map(|(n, ..)| *n)
}

fn snapshot_data(
    channel: &str,
    inst_id: &str,
    view: &View,
    seq: i64,
    now: i64,
    checksum_zero: bool,
) -> Value {
    let asks = View::side_json(&view.asks);
    let bids = View::side_json(&view.bids);
    match channel {
        "books5" => {
            json!({"asks": asks, "bids": bids, "instId": inst_id, "ts": now.to_string(), "seqId": seq})
        }
        "bbo-tbt" => json!({"asks": asks, "bids": bids, "ts": now.to_string(), "seqId": seq}),
        _ => json!({"asks": asks, "bids": bids, "ts": now.to_string(),
            "checksum": if checksum_zero { 0 } else { view.checksum() }, "prevSeqId": -1, "seqId": seq}),
    }
}

/// The frames of every subscribed book channel of a market whose view
/// changed: increments for `books`/`*-l2-tbt`, whole snapshots for `books5`
/// and `bbo-tbt`. Channels nobody subscribes to any more are dropped.
fn book_frames(
    market: &mut Market,
    ws: &WsState,
    now: i64,
    checksum_zero: bool,
    skip: bool,
) -> Vec<(Value, String)> {
    let inst_id = market.inst_id.clone();
    market.chans.retain(|name, _| ws.wants(name, &inst_id));
    let mut changed: Vec<(&'static str, View)> = Vec::new();
    for (name, chan) in market.chans.iter() {
        let Some((depth, _)) = book_channel(name) else {
            continue;
        };
        let view = market.book.view_of(name, depth);
        if view != chan.view {
            changed.push((name, view));
        }
    }
    if changed.is_empty() {
        return Vec::new();
    }
    market.seq += if skip { 2 } else { 1 };
    let seq = market.seq;
    let mut out = Vec::new();
    for (name, view) in changed {
        let Some(chan) = market.chans.get_mut(name) else {
            continue;
        };
        let arg = json!({"channel": name, "instId": inst_id});
        let frame = match book_channel(name) {
            Some((_, true)) => {
                let (bids, asks) = chan.view.diff(&view);
                let prev = if skip {
                    chan.last_seq + 1
                } else {
                    chan.last_seq
                };
                json!({"arg": arg, "action": "update", "data": [{"asks": asks, "bids": bids,
                    "ts": now.to_string(), "checksum": if checksum_zero { 0 } else { view.checksum() },
                    "prevSeqId": prev, "seqId": seq}]})
            }
            _ => {
                json!({"arg": arg, "data": [snapshot_data(name, &inst_id, &view, seq, now, checksum_zero)]})
            }
        };
        chan.view = view;
        chan.last_seq = seq;
        chan.last_push_ms = now;
        out.push((arg, frame.to_string()));
    }
    out
}

/// A ticker in OKX's shape.
pub(crate) fn ticker_json(market: &Market, kind: Kind, now: i64) -> Value {
    use super::book::BookSide;
    let level = |side: BookSide| {
        // The standard book's best: RPI orders are not shown.
        market.book.best_for(side, false).and_then(|px| {
            market
                .book
                .side(side)
                .get(&px)
                .map(|l| (text(px), text(l.reachable(false))))
        })
    };
    let (bid_px, bid_sz) = level(BookSide::Bids).unwrap_or_default();
    let (ask_px, ask_sz) = level(BookSide::Asks).unwrap_or_default();
    let (last, last_sz) = match market.last {
        Some((px, sz, _)) => (text(px), text(sz)),
        None => (text(market.fair_px()), "0".to_owned()),
    };
    let (open, high, low, vol_lots) = market.history.day_stats(now);
    let px = |t: i64| text(Decimal::from(t) * market.tick);
    let vol = Decimal::from(vol_lots) * market.lot;
    let sod = |offset: i64| {
        let day = 86_400_000;
        let start = now - (now - offset).rem_euclid(day);
        px(market
            .history
            .minute_bar(start - start.rem_euclid(MINUTE))
            .o)
    };
    json!({
        "instType": kind.as_str(), "instId": market.inst_id, "last": last, "lastSz": last_sz,
        "askPx": ask_px, "askSz": ask_sz, "bidPx": bid_px, "bidSz": bid_sz,
        "open24h": px(open), "high24h": px(high), "low24h": px(low),
        "volCcy24h": text((vol * market.fair_px()).round_dp(8)), "vol24h": text(vol),
        "sodUtc0": sod(0), "sodUtc8": sod(-8 * 3_600_000), "ts": now.to_string()
    })
}
