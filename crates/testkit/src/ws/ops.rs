//! What the server answers to each client message: login, subscribe,
//! unsubscribe and the WS trading operations.

use super::orders::trade;
use super::{Endpoint, Out};
use crate::exchange::feed::data_only;
use crate::exchange::{Exchange, World};
use crate::sign;
use serde_json::{Map, Value, json};
use std::time::Duration;

pub(crate) type Obj = Map<String, Value>;

/// Answers one text frame; returns the replies and how long to delay them.
pub(crate) fn handle(exchange: &Exchange, conn: u64, text: &str) -> (Vec<String>, Duration) {
    let mut world = exchange.lock();
    let delay = world.ws.delay;
    let conn_id = format!("{conn:08x}");
    let Ok(Value::Object(req)) = serde_json::from_str::<Value>(text) else {
        let msg = format!(
            "Illegal request: {}",
            text.chars().take(40).collect::<String>()
        );
        return (vec![error(None, "60012", &msg, &conn_id)], delay);
    };
    let id = req.get("id").and_then(Value::as_str).map(str::to_owned);
    let op = req.get("op").and_then(Value::as_str).unwrap_or("");
    let args: Vec<Obj> = req
        .get("args")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_object().cloned()).collect())
        .unwrap_or_default();
    let replies = match op {
        "login" => login(&mut world, conn, args.first(), &conn_id)
            .into_iter()
            .collect(),
        "subscribe" | "unsubscribe" => {
            subscribe(&mut world, conn, id.as_deref(), op, &args, &conn_id)
        }
        "order"
        | "batch-orders"
        | "cancel-order"
        | "batch-cancel-orders"
        | "amend-order"
        | "batch-amend-orders"
        | "mass-cancel" => {
            if let Some(code) = world.ws.reject_ops {
                let msg = "Illegal request";
                return (vec![error(id.as_deref(), code, msg, &conn_id)], delay);
            }
            let exp_time = crate::exchange::matching::field(&req, "expTime");
            let id = id.as_deref().unwrap_or("");
            vec![trade(&mut world, conn, id, op, &args, &exp_time)]
        }
        _ => {
            let msg = format!(
                "Illegal request: {}",
                text.chars().take(40).collect::<String>()
            );
            vec![error(id.as_deref(), "60012", &msg, &conn_id)]
        }
    };
    (replies, delay)
}

fn error(id: Option<&str>, code: &str, msg: &str, conn_id: &str) -> String {
    let mut v = json!({"event": "error", "code": code, "msg": msg, "connId": conn_id});
    if let Some(id) = id {
        v["id"] = json!(id);
    }
    v.to_string()
}

fn login(world: &mut World, conn: u64, arg: Option<&Obj>, conn_id: &str) -> Option<String> {
    let s = |k: &str| crate::exchange::matching::field(arg.unwrap_or(&Obj::new()), k);
    let result = check_login(
        world,
        &s("apiKey"),
        &s("passphrase"),
        &s("timestamp"),
        &s("sign"),
    );
    match result {
        Ok(acct) => {
            world.ws.stats.logins += 1;
            let uid = world.accounts[acct].uid.clone();
            if let Some(c) = world.ws.conns.get_mut(&conn) {
                c.account = Some(acct);
                c.uid = Some(uid);
            }
            Some(json!({"event": "login", "code": "0", "msg": "", "connId": conn_id}).to_string())
        }
        Err((code, msg)) => {
            world.ws.stats.login_failures += 1;
            if world.ws.login_close {
                if let Some(c) = world.ws.conns.get(&conn) {
                    let _ = c.tx.try_send(Out::Close(4001, "Login failed"));
                }
                return None;
            }
            Some(error(None, code, msg, conn_id))
        }
    }
}

/// OKX's login checks. The timestamp is Unix seconds, sent as a string or
/// a number (both are accepted; the signature covers its text).
fn check_login(
    world: &World,
    key: &str,
    passphrase: &str,
    ts: &str,
    signature: &str,
) -> Result<usize, (&'static str, &'static str)> {
    if let Some(code) = world.ws.reject_login {
        return Err((code, "Login failed."));
    }
    let (acct, api_key) = world.key(key).ok_or(("60005", "Invalid apiKey"))?;
    let secs: f64 = ts.parse().map_err(|_| ("60004", "Invalid timestamp"))?;
    if !secs.is_finite() {
        return Err(("60004", "Invalid timestamp"));
    }
    let now = world.clock.auth_ms() as f64 / 1000.0;
    if (now - secs).abs() > 30.0 {
        return Err(("60006", "Timestamp request expired"));
    }
    if !sign::verify(
        &api_key.secret,
        ts,
        "GET",
        "/users/self/verify",
        b"",
        signature,
    ) {
        return Err(("60007", "Invalid sign"));
    }
    if api_key.passphrase != passphrase {
        return Err(("60024", "Wrong passphrase"));
    }
    Ok(acct)
}

/// Which endpoint serves a channel and whether it needs login.
fn home(channel: &str) -> Option<(Endpoint, bool)> {
    const PRIVATE: &[&str] = &[
        "account",
        "positions",
        "balance_and_position",
        "orders",
        "fills",
        "liquidation-warning",
        "account-greeks",
    ];
    const BUSINESS_LOGIN: &[&str] = &[
        "orders-algo",
        "algo-advance",
        "deposit-info",
        "withdrawal-info",
        "sprd-orders",
        "sprd-trades",
        "grid-orders-spot",
        "grid-orders-contract",
        "grid-positions",
        "grid-sub-orders",
    ];
    const PUBLIC: &[&str] = &[
        "tickers",
        "trades",
        "books",
        "books5",
        "bbo-tbt",
        // every order, RPI ones included (`[px, totalQty, nonRpiQty, count]`)
        "books-rpi",
        "mark-price",
        "index-tickers",
        "funding-rate",
        "open-interest",
        "price-limit",
        "instruments",
        "liquidation-orders",
        "status",
        "opt-summary",
        "estimated-price",
        "adl-warning",
        "option-trades",
        "call-auction-details",
        // 2026: pushes market changes only, no snapshot on subscribe
        "event-contract-markets",
    ];
    if PRIVATE.contains(&channel) {
        Some((Endpoint::Private, true))
    } else if channel == "books50-l2-tbt" || channel == "books-l2-tbt" {
        // VIP-only depth: login needed, on the public endpoint.
        Some((Endpoint::Public, true))
    } else if BUSINESS_LOGIN.contains(&channel) {
        Some((Endpoint::Business, true))
    } else if PUBLIC.contains(&channel) {
        Some((Endpoint::Public, false))
    } else if channel == "trades-all"
        || channel.starts_with("candle")
        || channel.starts_with("mark-price-candle")
        || channel.starts_with("index-candle")
        || channel.starts_with("sprd-")
    {
        Some((Endpoint::Business, false))
    } else {
        None
    }
}

fn subscribe(
    world: &mut World,
    conn: u64,
    id: Option<&str>,
    op: &str,
    args: &[Obj],
    conn_id: &str,
) -> Vec<String> {
    let Some(entry) = world.ws.conns.get(&conn) else {
        return Vec::new();
    };
    if args.is_empty() {
        return vec![error(id, "60013", "Invalid args", conn_id)];
    }
    if let (Some((code, times)), "subscribe") = (world.ws.reject_subs, op) {
        world.ws.reject_subs = (times > 1).then(|| (code, times - 1));
        return vec![error(
            id,
            code,
            "Subscription refused by the test server",
            conn_id,
        )];
    }
    // Like OKX: the args before the first bad one are acked, then the
    // request's error follows.
    let mut refusal = None;
    let mut good = args.len();
    for (i, arg) in args.iter().enumerate() {
        let channel = arg.get("channel").and_then(Value::as_str).unwrap_or("");
        let inst_id = arg.get("instId").and_then(Value::as_str);
        let unknown_inst = inst_id.is_some_and(|i| !world.markets.contains_key(i))
            && crate::exchange::feed::private_endpoint(channel).is_none();
        let wrong_url = |channel: &str| {
            format!("The {channel} channel doesn't exist. Please check your URL or channel")
        };
        let problem: Option<(&str, String)> = match home(channel) {
            None => Some(("60018", wrong_url(channel))),
            Some((Endpoint::Business, _)) if entry.endpoint != Endpoint::Business => Some((
                "64001",
                format!(
                    "This channel has been migrated to the '/business' URL. Please subscribe using the new URL: {channel}"
                ),
            )),
            Some((ep, _)) if ep != entry.endpoint => Some(("60018", wrong_url(channel))),
            Some((_, true)) if op == "subscribe" && entry.account.is_none() => {
                Some(("60011", "Please log in".to_owned()))
            }
            _ if unknown_inst && op == "subscribe" => Some((
                "60018",
                format!(
                    "Wrong URL or channel:{channel},instId:{} doesn't exist. Please use the correct URL, channel and parameters referring to API document.",
                    inst_id.unwrap_or_default()
                ),
            )),
            _ => None,
        };
        if let Some((code, msg)) = problem {
            refusal = Some(error(id, code, &msg, conn_id));
            good = i;
            break;
        }
    }
    let args = &args[..good];
    let account = entry.account;
    let mut replies = Vec::new();
    let mut counted = Vec::new();
    if let Some(entry) = world.ws.conns.get_mut(&conn) {
        for arg in args {
            let had = entry.subs.iter().any(|s| s == arg);
            entry.subs.retain(|s| s != arg);
            if op == "subscribe" {
                entry.subs.push(arg.clone());
            }
            match (had, op == "subscribe") {
                (false, true) => counted.push((arg.clone(), true)),
                (true, false) => counted.push((arg.clone(), false)),
                _ => {}
            }
            let mut ack = json!({"event": op, "arg": arg, "connId": conn_id});
            if let Some(id) = id {
                ack["id"] = json!(id);
            }
            replies.push(ack.to_string());
        }
    }
    for (arg, up) in counted {
        world.ws.count_interest(&arg, up);
    }
    if op == "subscribe" {
        world.ws.stats.subscribed += args.len() as u64;
        for arg in args {
            replies.extend(first_push(world, arg, account));
        }
    }
    replies.extend(refusal);
    replies
}

/// What OKX sends right after a subscription: the book snapshot (unless the
/// exchange plays OKX's announced no-snapshot mode), the current ticker,
/// mark price or candle, and the snapshots of `account`, `positions` and
/// `balance_and_position`. `orders` sends none.
fn first_push(world: &mut World, arg: &Obj, account: Option<usize>) -> Option<String> {
    let text = |k: &str| arg.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let (channel, inst_id) = (text("channel"), text("instId"));
    if crate::exchange::market::book_channel(&channel).is_some() {
        let incremental = !matches!(channel.as_str(), "books5" | "bbo-tbt");
        let frame = world.book_snapshot(&channel, &inst_id)?;
        return (!(incremental && world.settings.no_snapshot)).then_some(frame);
    }
    let now = world.now();
    let echo = |data: Value, extra: Option<(&str, Value)>| {
        let mut frame = data_only(data);
        let mut arg = arg.clone();
        if let Some(acct) =
            account.filter(|_| crate::exchange::feed::private_endpoint(&channel).is_some())
        {
            arg.insert("uid".into(), json!(world.accounts[acct].uid));
        }
        frame.insert("arg".into(), Value::Object(arg));
        if let Some((k, v)) = extra {
            frame.insert(k.into(), v);
        }
        Value::Object(frame).to_string()
    };
    let snapshot = || Some(("eventType", json!("snapshot")));
    match channel.as_str() {
        "tickers" => {
            let market = world.markets.get(&inst_id)?;
            let kind = world
                .specs
                .iter()
                .filter(|s| s.inst_id == inst_id)
                .map(|s| s.kind)
                .min()?;
            let ticker = crate::exchange::feed::ticker_json(market, kind, now);
            Some(echo(json!([ticker]), None))
        }
        "mark-price" => {
            let spec = world
                .specs
                .iter()
                .find(|s| s.inst_id == inst_id && s.kind.is_derivative())?;
            let mark = world.mark(&inst_id).normalize().to_string();
            Some(echo(
                json!([{"instType": spec.kind.as_str(), "instId": inst_id, "markPx": mark, "ts": now.to_string()}]),
                None,
            ))
        }
        c if c.starts_with("candle") => {
            let size = crate::exchange::history::bar_size(&c["candle".len()..])?;
            let market = world.markets.get(&inst_id)?;
            let start = size.floor(now);
            let bar = market.history.bar(start, size.next(start), now);
            let row =
                crate::exchange::history::candle_json(start, &bar, market.tick, market.lot, false);
            Some(echo(json!([row]), None))
        }
        "positions" => {
            let acct = account?;
            let rows: Vec<Value> = world.accounts[acct]
                .positions
                .iter()
                .filter(|p| !p.pos.is_zero())
                .filter(|p| {
                    let about = crate::exchange::feed::About {
                        kind: Some(p.kind),
                        inst_id: &p.inst_id,
                        family: "",
                        ccy: "",
                    };
                    crate::exchange::feed::wants(arg, &about)
                })
                .map(|p| world.position_json(acct, p))
                .collect();
            let mut frame: Value = serde_json::from_str(&echo(json!(rows), snapshot())).ok()?;
            frame["curPage"] = json!(1);
            frame["lastPage"] = json!(true);
            Some(frame.to_string())
        }
        "account" => {
            let acct = account?;
            let ccy = text("ccy");
            let mut balance = world.balance_json(acct, &ccy);
            if balance["details"].as_array().is_some_and(Vec::is_empty) && !ccy.is_empty() {
                balance["details"] = json!([world.balance_detail(acct, &ccy)]);
            }
            let mut frame: Value =
                serde_json::from_str(&echo(json!([balance]), snapshot())).ok()?;
            frame["curPage"] = json!(1);
            frame["lastPage"] = json!(true);
            Some(frame.to_string())
        }
        "balance_and_position" => {
            let acct = account?;
            let a = &world.accounts[acct];
            let bal: Vec<Value> = a
                .balances
                .iter()
                .map(|(c, b)| json!({"ccy": c, "cashBal": b.cash.normalize().to_string(), "uTime": b.u_time.to_string()}))
                .collect();
            let pos: Vec<Value> = a
                .positions
                .iter()
                .filter(|p| !p.pos.is_zero())
                .map(|p| world.balpos_position(p))
                .collect();
            Some(echo(
                json!([{"pTime": now.to_string(), "eventType": "snapshot", "balData": bal, "posData": pos, "trades": []}]),
                None,
            ))
        }
        _ => None,
    }
}

/// Fixture-shaped data for a generated push number `n`.
pub(crate) fn generated(channel: &str, inst_id: &str, n: u64, template: &Value, now: i64) -> Value {
    let ts = now.to_string();
    let px = format!("{}.{}", 100 + n % 7, n % 10);
    match channel {
        "tickers" => json!([{
            "instType": inst_type(inst_id), "instId": inst_id, "last": px, "lastSz": "0.5",
            "askPx": format!("{}.5", 101 + n % 7), "askSz": "3", "bidPx": px, "bidSz": "4",
            "open24h": "100", "high24h": "110", "low24h": "95", "sodUtc0": "100", "sodUtc8": "101",
            "volCcy24h": "2620.289", "vol24h": "779573", "ts": ts
        }]),
        "trades" | "trades-all" => json!([{
            "instId": inst_id, "tradeId": n.to_string(), "px": px, "sz": "0.01",
            "side": if n & 1 == 0 { "buy" } else { "sell" }, "ts": ts, "count": "1", "seqId": n
        }]),
        _ => {
            let mut item = template.clone();
            if let Some(obj) = item.as_object_mut() {
                obj.insert("ts".into(), json!(ts));
            }
            json!([item])
        }
    }
}

pub(crate) fn inst_type(inst_id: &str) -> &'static str {
    let parts = inst_id.split('-').count();
    if inst_id.ends_with("-SWAP") {
        "SWAP"
    } else if inst_id.ends_with("-C") || inst_id.ends_with("-P") {
        "OPTION"
    } else if parts == 2 {
        "SPOT"
    } else {
        "FUTURES"
    }
}
