//! WS trading on the look-alike: a simple order lifecycle (live, then
//! filled or canceled) with the `orders` pushes that go with it.

use super::ops::{Obj, broadcast, inst_type};
use super::{Endpoint, Order, Shared, State, now_ms};
use serde_json::{Value, json};

pub(crate) fn trade(
    shared: &Shared,
    st: &mut State,
    conn: u64,
    id: &str,
    op: &str,
    args: &[Obj],
) -> String {
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
