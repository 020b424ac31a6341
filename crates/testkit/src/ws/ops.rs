//! What the server answers to each client message: login, subscribe,
//! unsubscribe and the WS trading operations.

use super::orders::trade;
use super::{Endpoint, Out, Shared, State, now_ms};
use crate::sign;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use std::time::Duration;

pub(crate) type Obj = Map<String, Value>;

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
        "login" => login(&mut st, conn, args.first(), &conn_id)
            .into_iter()
            .collect(),
        "subscribe" | "unsubscribe" => subscribe(&mut st, conn, id.as_deref(), op, &args, &conn_id),
        "order"
        | "batch-orders"
        | "cancel-order"
        | "batch-cancel-orders"
        | "amend-order"
        | "batch-amend-orders"
        | "mass-cancel" => {
            if let Some(code) = st.reject_ops {
                let msg = "Illegal request";
                return (vec![error(id.as_deref(), code, msg, &conn_id)], delay);
            }
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

fn login(st: &mut State, conn: u64, arg: Option<&Obj>, conn_id: &str) -> Option<String> {
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
            Some(json!({"event": "login", "code": "0", "msg": "", "connId": conn_id}).to_string())
        }
        Err((code, msg)) => {
            st.stats.login_failures += 1;
            if st.login_close {
                if let Some(c) = st.conns.get(&conn) {
                    let _ = c.tx.try_send(Out::Close(4001, "Login failed"));
                }
                return None;
            }
            Some(error(None, code, msg, conn_id))
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
    if let (Some((code, times)), "subscribe") = (st.reject_subs, op) {
        st.reject_subs = (times > 1).then(|| (code, times - 1));
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
            refusal = Some(error(id, code, &msg, conn_id));
            good = i;
            break;
        }
    }
    let args = &args[..good];
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
    replies.extend(refusal);
    replies
}

/// Queues `frame` for every connection with a subscription matching `arg`.
pub(crate) fn broadcast(st: &State, arg: &Value, frame: Arc<str>) -> usize {
    let mut sent = 0;
    let inst_id = arg.get("instId").and_then(Value::as_str);
    for conn in st.conns.values() {
        if conn.muted || inst_id.is_some_and(|i| conn.muted_inst.iter().any(|m| m == i)) {
            continue;
        }
        let uid = arg.get("uid").and_then(Value::as_str);
        if uid.is_some() && conn.account.as_ref().map(|a| a.uid.as_str()) != uid {
            continue;
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
        let want = sub.get(key).and_then(Value::as_str);
        if want.is_some_and(|want| get(key).is_some_and(|have| have != want)) {
            return false;
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

/// How long a book may be idle before OKX sends it a heartbeat update.
pub(crate) const BOOK_HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(60);

/// Sends each book idle for [`BOOK_HEARTBEAT`] the heartbeat OKX sends:
/// an `update` with no levels and `seqId == prevSeqId`.
pub(crate) fn book_heartbeats(st: &mut State) {
    let now = tokio::time::Instant::now();
    let mut frames = Vec::new();
    for (inst_id, book) in st.books.iter_mut() {
        if now.duration_since(book.last_push) >= BOOK_HEARTBEAT {
            book.last_push = now;
            let arg = json!({"channel": "books", "instId": inst_id});
            let frame =
                json!({"arg": arg, "action": "update", "data": book.heartbeat_data(now_ms())});
            frames.push((arg, frame.to_string()));
        }
    }
    for (arg, frame) in frames {
        broadcast(st, &arg, frame.into());
    }
}
