//! What the server answers to each client message: login, subscribe,
//! unsubscribe and the WS trading operations.

use super::{Endpoint, Order, Shared, State, now_ms};
use crate::sign;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use std::time::Duration;

type Obj = Map<String, Value>;

/// Answers one text frame; returns the replies and how long to delay them.
pub(crate) fn handle(shared: &Shared, conn: u64, text: &str) -> (Vec<String>, Duration) {
    let mut st = shared.lock();
    let delay = st.delay;
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
        "login" => vec![login(&mut st, conn, args.first(), &conn_id)],
        "subscribe" | "unsubscribe" => subscribe(&mut st, conn, id.as_deref(), op, &args, &conn_id),
        "order"
        | "batch-orders"
        | "cancel-order"
        | "batch-cancel-orders"
        | "amend-order"
        | "batch-amend-orders"
        | "mass-cancel" => {
            let reply = trade(
                shared,
                &mut st,
                conn,
                id.as_deref().unwrap_or(""),
                op,
                &args,
            );
            vec![reply]
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

fn login(st: &mut State, conn: u64, arg: Option<&Obj>, conn_id: &str) -> String {
    let s = |k: &str| {
        arg.and_then(|a| a.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    let result = check_login(st, s("apiKey"), s("passphrase"), s("timestamp"), s("sign"));
    match result {
        Ok(account) => {
            st.stats.logins += 1;
            if let Some(c) = st.conns.get_mut(&conn) {
                c.account = Some(account);
            }
            json!({"event": "login", "code": "0", "msg": "", "connId": conn_id}).to_string()
        }
        Err((code, msg)) => {
            st.stats.login_failures += 1;
            error(None, code, msg, conn_id)
        }
    }
}

fn check_login(
    st: &State,
    key: &str,
    passphrase: &str,
    ts: &str,
    signature: &str,
) -> Result<super::Account, (&'static str, &'static str)> {
    if let Some(code) = st.reject_login {
        return Err((code, "Login failed."));
    }
    let account = st
        .accounts
        .iter()
        .find(|a| a.api_key == key)
        .ok_or(("60005", "Invalid apiKey"))?;
    let secs: f64 = ts.parse().map_err(|_| ("60004", "Invalid timestamp"))?;
    let now = now_ms() as f64 / 1000.0;
    if (now - secs).abs() > 30.0 {
        return Err(("60006", "Timestamp request expired"));
    }
    if !sign::verify(
        &account.secret,
        ts,
        "GET",
        "/users/self/verify",
        b"",
        signature,
    ) {
        return Err(("60007", "Invalid sign"));
    }
    if account.passphrase != passphrase {
        return Err(("60024", "Wrong passphrase"));
    }
    Ok(account.clone())
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
        "books50-l2-tbt",
        "books-l2-tbt",
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
    ];
    if PRIVATE.contains(&channel) {
        Some((Endpoint::Private, true))
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
    st: &mut State,
    conn: u64,
    id: Option<&str>,
    op: &str,
    args: &[Obj],
    conn_id: &str,
) -> Vec<String> {
    let Some(entry) = st.conns.get(&conn) else {
        return Vec::new();
    };
    if args.is_empty() {
        return vec![error(id, "60013", "Invalid args", conn_id)];
    }
    for arg in args {
        let channel = arg.get("channel").and_then(Value::as_str).unwrap_or("");
        let problem = match home(channel) {
            None => Some("60018"),
            Some((Endpoint::Business, _)) if entry.endpoint != Endpoint::Business => Some("64001"),
            Some((ep, _)) if ep != entry.endpoint => Some("60018"),
            Some((_, true)) if op == "subscribe" && entry.account.is_none() => Some("60011"),
            _ => None,
        };
        if let Some(code) = problem {
            let msg = match code {
                "64001" => format!(
                    "This channel has been migrated to the '/business' URL. Please subscribe using the new URL: {channel}"
                ),
                "60011" => "Please log in".to_owned(),
                _ => {
                    format!("The {channel} channel doesn't exist. Please check your URL or channel")
                }
            };
            return vec![error(id, code, &msg, conn_id)];
        }
    }
    let mut replies = Vec::new();
    let mut snapshots = Vec::new();
    if let Some(entry) = st.conns.get_mut(&conn) {
        for arg in args {
            entry.subs.retain(|s| s != arg);
            if op == "subscribe" {
                entry.subs.push(arg.clone());
            }
            let mut ack = json!({"event": op, "arg": arg, "connId": conn_id});
            if let Some(id) = id {
                ack["id"] = json!(id);
            }
            replies.push(ack.to_string());
            if op == "subscribe" && arg.get("channel").and_then(Value::as_str) == Some("books") {
                snapshots.extend(arg.get("instId").and_then(Value::as_str).map(str::to_owned));
            }
        }
    }
    if op == "subscribe" {
        st.stats.subscribed += args.len() as u64;
    }
    for inst_id in snapshots {
        if let Some(book) = st.books.get(&inst_id) {
            let arg = json!({"channel": "books", "instId": inst_id});
            let frame =
                json!({"arg": arg, "action": "snapshot", "data": book.snapshot_data(now_ms())});
            replies.push(frame.to_string());
        }
    }
    replies
}

/// Queues `frame` for every connection with a subscription matching `arg`.
pub(crate) fn broadcast(st: &State, arg: &Value, frame: Arc<str>) -> usize {
    let mut sent = 0;
    for conn in st.conns.values() {
        if let Some(uid) = arg.get("uid").and_then(Value::as_str) {
            if conn.account.as_ref().map(|a| a.uid.as_str()) != Some(uid) {
                continue;
            }
        }
        if conn.subs.iter().any(|s| matches(s, arg))
            && conn.tx.try_send(super::Out::Text(frame.clone())).is_ok()
        {
            sent += 1;
        }
    }
    sent
}

fn matches(sub: &Obj, push: &Value) -> bool {
    let get = |k: &str| push.get(k).and_then(Value::as_str);
    if sub.get("channel").and_then(Value::as_str) != get("channel") {
        return false;
    }
    for key in ["instId", "instFamily", "ccy"] {
        if let Some(want) = sub.get(key).and_then(Value::as_str) {
            if get(key).is_some_and(|have| have != want) {
                return false;
            }
        }
    }
    match (sub.get("instType").and_then(Value::as_str), get("instType")) {
        (Some(want), Some(have)) => want == "ANY" || want == have,
        _ => true,
    }
}

/// Fixture-shaped data for a generated push number `n`.
pub(crate) fn generated(channel: &str, inst_id: &str, n: u64, template: &Value) -> Value {
    let ts = now_ms().to_string();
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
            "side": if n % 2 == 0 { "buy" } else { "sell" }, "ts": ts, "count": "1", "seqId": n
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

fn trade(shared: &Shared, st: &mut State, conn: u64, id: &str, op: &str, args: &[Obj]) -> String {
    st.stats.trade_ops += 1;
    let in_time = (now_ms() * 1000).to_string();
    let reply = |code: &str, msg: &str, data: Vec<Value>| {
        json!({"id": id, "op": op, "code": code, "msg": msg, "data": data,
               "inTime": in_time, "outTime": (now_ms() * 1000).to_string()})
        .to_string()
    };
    let Some(entry) = st.conns.get(&conn) else {
        return reply("60011", "Please log in", Vec::new());
    };
    if entry.endpoint != Endpoint::Private {
        return reply(
            "60028",
            "This operation is not supported by this URL",
            Vec::new(),
        );
    }
    let Some(owner) = entry.account.as_ref().map(|a| a.uid.clone()) else {
        return reply("60011", "Please log in", Vec::new());
    };
    let single = !op.starts_with("batch-");
    if args.is_empty() || (single && args.len() != 1) || args.len() > 20 {
        return reply("60013", "Invalid args", Vec::new());
    }
    if op == "mass-cancel" {
        let family = args[0]
            .get("instFamily")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let ids: Vec<String> = st
            .orders
            .iter()
            .filter(|o| o.owner == owner && o.state == "live" && o.inst_id.starts_with(&family))
            .map(|o| o.ord_id.clone())
            .collect();
        for ord_id in ids {
            finish_order(st, &ord_id, "canceled");
        }
        return reply("0", "", vec![json!({"result": true})]);
    }
    let items: Vec<Value> = args
        .iter()
        .map(|arg| {
            let res = match op {
                "order" | "batch-orders" => place(shared, st, &owner, arg),
                "cancel-order" | "batch-cancel-orders" => cancel(st, &owner, arg),
                _ => amend(st, &owner, arg),
            };
            res.unwrap_or_else(|(code, msg)| {
                json!({"ordId": "", "clOrdId": s(arg, "clOrdId"), "tag": "", "ts": now_ms().to_string(),
                       "sCode": code, "sMsg": msg})
            })
        })
        .collect();
    let failed = items.iter().filter(|i| i["sCode"] != "0").count();
    match failed {
        0 => reply("0", "", items),
        n if n == items.len() => reply("1", "Operation failed.", items),
        _ => reply("2", "Bulk operation partially succeeded.", items),
    }
}

fn s<'a>(arg: &'a Obj, key: &str) -> &'a str {
    arg.get(key).and_then(Value::as_str).unwrap_or("")
}

type ItemResult = Result<Value, (&'static str, String)>;

fn resolve(st: &State, arg: &Obj) -> Result<String, (&'static str, String)> {
    let code = match arg.get("instIdCode") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(t)) => t.parse().ok(),
        _ => None,
    };
    let Some(code) = code else {
        return Err(("51000", "Parameter instIdCode can not be empty".into()));
    };
    st.codes
        .get(&code)
        .cloned()
        .ok_or(("51001", "Instrument ID or Spread ID doesn't exist.".into()))
}

fn positive(text: &str) -> bool {
    text.parse::<f64>().is_ok_and(|v| v > 0.0)
}

fn place(shared: &Shared, st: &mut State, owner: &str, arg: &Obj) -> ItemResult {
    let inst_id = resolve(st, arg)?;
    if !positive(s(arg, "sz")) {
        return Err(("51000", "Parameter sz error".into()));
    }
    let ord_type = s(arg, "ordType").to_owned();
    let market = ord_type == "market";
    if !market && !positive(s(arg, "px")) {
        return Err(("51000", "Parameter px error".into()));
    }
    let ord_id = format!("7{:017}", shared.next_id());
    let order = Order {
        ord_id: ord_id.clone(),
        cl_ord_id: s(arg, "clOrdId").to_owned(),
        inst_id: inst_id.clone(),
        side: s(arg, "side").to_owned(),
        ord_type,
        px: s(arg, "px").to_owned(),
        sz: s(arg, "sz").to_owned(),
        state: "live",
        c_time: now_ms(),
        owner: owner.to_owned(),
    };
    let item = json!({"clOrdId": order.cl_ord_id, "ordId": ord_id, "tag": s(arg, "tag"),
                      "ts": now_ms().to_string(), "sCode": "0", "sMsg": "Order placed"});
    push_order(st, &order, None);
    st.orders.push(order);
    if market {
        finish_order(st, &ord_id, "filled");
    }
    Ok(item)
}

fn find(st: &State, owner: &str, inst_id: &str, arg: &Obj) -> Option<usize> {
    let (ord_id, cl) = (s(arg, "ordId"), s(arg, "clOrdId"));
    st.orders.iter().position(|o| {
        o.owner == owner
            && o.inst_id == inst_id
            && o.state == "live"
            && ((!ord_id.is_empty() && o.ord_id == ord_id) || (!cl.is_empty() && o.cl_ord_id == cl))
    })
}

fn cancel(st: &mut State, owner: &str, arg: &Obj) -> ItemResult {
    let inst_id = resolve(st, arg)?;
    let Some(i) = find(st, owner, &inst_id, arg) else {
        return Err((
            "51400",
            "Order cancellation failed as the order has been filled, canceled or does not exist"
                .into(),
        ));
    };
    let (ord_id, cl) = (st.orders[i].ord_id.clone(), st.orders[i].cl_ord_id.clone());
    finish_order(st, &ord_id, "canceled");
    Ok(
        json!({"clOrdId": cl, "ordId": ord_id, "ts": now_ms().to_string(), "sCode": "0", "sMsg": ""}),
    )
}

fn amend(st: &mut State, owner: &str, arg: &Obj) -> ItemResult {
    let inst_id = resolve(st, arg)?;
    let Some(i) = find(st, owner, &inst_id, arg) else {
        return Err((
            "51503",
            "Order modification failed as the order has been filled, canceled or does not exist"
                .into(),
        ));
    };
    for (key, positive_needed) in [("newSz", true), ("newPx", true)] {
        let v = s(arg, key);
        if !v.is_empty() && positive_needed && !positive(v) {
            return Err(("51000", format!("Parameter {key} error")));
        }
    }
    let order = &mut st.orders[i];
    if !s(arg, "newSz").is_empty() {
        order.sz = s(arg, "newSz").to_owned();
    }
    if !s(arg, "newPx").is_empty() {
        order.px = s(arg, "newPx").to_owned();
    }
    let (ord_id, cl) = (order.ord_id.clone(), order.cl_ord_id.clone());
    let order = Order {
        ..clone_order(&st.orders[i])
    };
    push_order(st, &order, None);
    Ok(
        json!({"clOrdId": cl, "ordId": ord_id, "reqId": s(arg, "reqId"), "ts": now_ms().to_string(),
              "sCode": "0", "sMsg": ""}),
    )
}

fn clone_order(o: &Order) -> Order {
    Order {
        ord_id: o.ord_id.clone(),
        cl_ord_id: o.cl_ord_id.clone(),
        inst_id: o.inst_id.clone(),
        side: o.side.clone(),
        ord_type: o.ord_type.clone(),
        px: o.px.clone(),
        sz: o.sz.clone(),
        state: o.state,
        c_time: o.c_time,
        owner: o.owner.clone(),
    }
}

/// Moves a live order to `filled` or `canceled` and pushes the update.
pub(crate) fn finish_order(st: &mut State, ord_id: &str, state: &'static str) -> bool {
    let Some(i) = st
        .orders
        .iter()
        .position(|o| o.ord_id == ord_id && o.state == "live")
    else {
        return false;
    };
    st.orders[i].state = state;
    let order = clone_order(&st.orders[i]);
    let fill = (state == "filled").then(|| {
        let px = if order.px.is_empty() {
            st.last_px
                .get(&order.inst_id)
                .cloned()
                .unwrap_or_else(|| "100".into())
        } else {
            order.px.clone()
        };
        (px, order.sz.clone())
    });
    push_order(st, &order, fill);
    true
}

fn push_order(st: &State, o: &Order, fill: Option<(String, String)>) {
    let now = now_ms().to_string();
    let (fill_px, fill_sz, acc, trade_id) = match &fill {
        Some((px, sz)) => (
            px.as_str(),
            sz.as_str(),
            sz.as_str(),
            o.ord_id[10..].to_owned(),
        ),
        None => ("", "0", "0", String::new()),
    };
    let inst_type = inst_type(&o.inst_id);
    let data = json!([{
        "instType": inst_type, "instId": o.inst_id, "ordId": o.ord_id, "clOrdId": o.cl_ord_id,
        "tag": "", "px": o.px, "sz": o.sz, "ordType": o.ord_type, "side": o.side, "posSide": "net",
        "tdMode": "cash", "accFillSz": acc, "fillPx": fill_px, "fillSz": fill_sz, "tradeId": trade_id,
        "avgPx": if fill.is_some() { fill_px } else { "" }, "state": o.state, "lever": "",
        "fee": "0", "feeCcy": "USDT", "fillFee": "0", "fillFeeCcy": "USDT", "category": "normal",
        "execType": if fill.is_some() { "T" } else { "" }, "pnl": "0", "rebate": "0", "rebateCcy": "USDT",
        "reduceOnly": "false", "source": "", "cancelSource": "", "amendResult": "", "reqId": "",
        "fillTime": if fill.is_some() { now.as_str() } else { "" },
        "cTime": o.c_time.to_string(), "uTime": now, "code": "0", "msg": ""
    }]);
    let arg =
        json!({"channel": "orders", "instType": inst_type, "instId": o.inst_id, "uid": o.owner});
    let frame = json!({"arg": arg, "data": data}).to_string();
    broadcast(st, &arg, frame.into());
}
