//! The REST routes the exchange answers from its state; everything else
//! falls back to scripted lists and the recorded sample bodies.

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::bodies;
use super::respond::Incoming;
use crate::exchange::World;
use crate::exchange::answer::{Write, order_item};
use crate::exchange::history::{bar_size, candle_json};
use crate::exchange::queries::Filter;

/// The endpoints the exchange answers from its own state (the others
/// answer with OKX's recorded sample bodies).
pub const FROM_STATE: &[(&str, &str)] = &[
    ("GET", "/api/v5/public/time"),
    ("GET", "/api/v5/public/instruments"),
    ("GET", "/api/v5/public/mark-price"),
    ("GET", "/api/v5/market/ticker"),
    ("GET", "/api/v5/market/tickers"),
    ("GET", "/api/v5/market/books"),
    ("GET", "/api/v5/market/trades"),
    ("GET", "/api/v5/market/candles"),
    ("GET", "/api/v5/market/history-candles"),
    ("POST", "/api/v5/trade/order"),
    ("POST", "/api/v5/trade/batch-orders"),
    ("POST", "/api/v5/trade/amend-order"),
    ("POST", "/api/v5/trade/amend-batch-orders"),
    ("POST", "/api/v5/trade/cancel-order"),
    ("POST", "/api/v5/trade/cancel-batch-orders"),
    ("POST", "/api/v5/trade/mass-cancel"),
    ("POST", "/api/v5/trade/cancel-all-after"),
    ("GET", "/api/v5/trade/order"),
    ("GET", "/api/v5/trade/orders-pending"),
    ("GET", "/api/v5/trade/orders-history"),
    ("GET", "/api/v5/trade/orders-history-archive"),
    ("GET", "/api/v5/trade/fills"),
    ("GET", "/api/v5/trade/fills-history"),
    ("GET", "/api/v5/account/balance"),
    ("GET", "/api/v5/account/positions"),
    ("GET", "/api/v5/account/bills"),
    ("GET", "/api/v5/account/max-size"),
    ("GET", "/api/v5/account/config"),
    ("POST", "/api/v5/account/set-position-mode"),
    ("POST", "/api/v5/account/set-leverage"),
    ("POST", "/api/v5/trade/order-algo"),
    ("POST", "/api/v5/trade/cancel-algos"),
    ("GET", "/api/v5/trade/order-algo"),
    ("GET", "/api/v5/trade/orders-algo-pending"),
    ("GET", "/api/v5/trade/orders-algo-history"),
];

fn items_of(json: &Value) -> Vec<Map<String, Value>> {
    match json {
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_object().cloned())
            .collect(),
        Value::Object(obj) => vec![obj.clone()],
        _ => Vec::new(),
    }
}

fn text(obj: &Map<String, Value>, key: &str) -> String {
    crate::exchange::matching::field(obj, key)
}

/// Wraps per-item results in OKX's envelope: `0` all fine, `1` all failed,
/// `2` some failed; with the gateway's `inTime`/`outTime` (µs).
fn envelope(items: Vec<Value>, now: i64) -> String {
    let failed = items.iter().filter(|i| i["sCode"] != "0").count();
    let (code, msg) = match failed {
        0 => ("0", ""),
        n if n == items.len() => ("1", "All operations failed"),
        _ => ("2", "Bulk operation partially succeeded"),
    };
    let micros = (now * 1000).to_string();
    json!({"code": code, "msg": msg, "data": items, "inTime": micros, "outTime": micros})
        .to_string()
}

fn filter(inc: &Incoming<'_>) -> Filter {
    let ms = |k: &str| inc.param(k).and_then(|v| v.parse::<i64>().ok());
    Filter {
        inst_type: inc.p("instType"),
        family: inc.p("instFamily"),
        inst_id: inc.p("instId"),
        ord_type: inc.p("ordType"),
        state: inc.p("state"),
        ord_id: inc.p("ordId"),
        begin: ms("begin"),
        end: ms("end"),
    }
}

/// Routes a request that passed the gateway's checks. `acct` is the
/// signed-in account, if any.
pub(crate) fn route(
    world: &mut World,
    inc: &Incoming<'_>,
    json: &Value,
    acct: Option<usize>,
) -> Option<(u16, String)> {
    let p = |name: &str| inc.p(name);
    if inc.method == "GET"
        && inc.path == "/api/v5/market/history-trades"
        && p("type") == "2"
        && inc.param("before").is_some()
    {
        return Some((
            200,
            bodies::error(
                "50039",
                "Parameter before isn't supported for timestamp pagination",
            ),
        ));
    }
    if inc.method == "GET"
        && let Some(list) = world.rest.lists.get(inc.path)
    {
        let page = list.page(inc.path, &p("after"), &p("before"), &p("limit"));
        return Some((200, bodies::ok(Value::Array(page))));
    }
    if let Some(answer) = public(world, inc).or_else(|| super::extra::public(world, inc)) {
        return Some(answer);
    }
    if let Some(acct) = acct
        && let Some(answer) =
            private(world, inc, json, acct).or_else(|| super::extra::private(world, inc, acct))
    {
        return Some(answer);
    }
    let sample = super::samples::sample(inc.method, inc.path)?;
    if world.rest.samples {
        return Some((200, sample.to_owned()));
    }
    // A documented endpoint the exchange does not simulate: say so rather
    // than answer the docs' example with its stale prices and ids.
    let msg = format!(
        "API is offline or unavailable: okx-testkit does not simulate {} {} (start it with samples on for OKX's documented example)",
        inc.method, inc.path
    );
    Some((410, bodies::error("50005", &msg)))
}

/// Whether the exchange answers `method path` from its state.
pub(crate) fn simulated(method: &str, path: &str) -> bool {
    FROM_STATE
        .iter()
        .chain(super::extra::EXTRA)
        .any(|(m, p)| *m == method && *p == path)
}

fn ok(data: Value) -> Option<(u16, String)> {
    Some((200, bodies::ok(data)))
}

fn empty(param: &str) -> Option<(u16, String)> {
    Some((
        200,
        bodies::error("50014", &format!("Parameter {param} can not be empty")),
    ))
}

fn public(world: &mut World, inc: &Incoming<'_>) -> Option<(u16, String)> {
    let p = |name: &str| inc.p(name);
    let now = world.now();
    match (inc.method, inc.path) {
        ("GET", "/api/v5/public/time") => ok(json!([{ "ts": world.clock.auth_ms().to_string() }])),
        ("GET", "/api/v5/public/instruments") => {
            let kind = p("instType");
            if kind.is_empty() {
                return empty("instType");
            }
            let family = if p("instFamily").is_empty() {
                p("uly")
            } else {
                p("instFamily")
            };
            if kind == "OPTION" && family.is_empty() {
                return Some((200, bodies::error("51000", "Parameter instFamily error")));
            }
            let rows: Vec<Value> = world
                .specs
                .iter()
                .filter(|s| s.kind.as_str() == kind)
                .filter(|s| family.is_empty() || s.inst_family == family)
                .filter(|s| p("instId").is_empty() || s.inst_id == p("instId"))
                .map(crate::exchange::instrument::InstrumentSpec::to_json)
                .collect();
            ok(Value::Array(rows))
        }
        ("GET", "/api/v5/public/mark-price") => {
            let kind = p("instType");
            let rows: Vec<Value> = world
                .specs
                .iter()
                .filter(|s| s.kind.is_derivative() && (kind.is_empty() || s.kind.as_str() == kind))
                .filter(|s| p("instId").is_empty() || s.inst_id == p("instId"))
                .map(|s| json!({"instType": s.kind.as_str(), "instId": s.inst_id,
                    "markPx": world.mark(&s.inst_id).normalize().to_string(), "ts": now.to_string()}))
                .collect();
            ok(Value::Array(rows))
        }
        ("GET", "/api/v5/market/ticker") => {
            let inst_id = p("instId");
            let kind = world
                .specs
                .iter()
                .filter(|s| s.inst_id == inst_id)
                .map(|s| s.kind)
                .min();
            match (world.markets.get(&inst_id), kind) {
                (Some(m), Some(kind)) => {
                    ok(json!([crate::exchange::feed::ticker_json(m, kind, now)]))
                }
                _ => Some((
                    200,
                    bodies::error("51001", "Instrument ID or Spread ID doesn't exist."),
                )),
            }
        }
        ("GET", "/api/v5/market/tickers") => {
            let kind = p("instType");
            if kind.is_empty() {
                return empty("instType");
            }
            let rows: Vec<Value> = world
                .specs
                .iter()
                .filter(|s| s.kind.as_str() == kind)
                .filter(|s| p("instFamily").is_empty() || s.inst_family == p("instFamily"))
                .filter_map(|s| {
                    world
                        .markets
                        .get(&s.inst_id)
                        .map(|m| crate::exchange::feed::ticker_json(m, s.kind, now))
                })
                .collect();
            ok(Value::Array(rows))
        }
        ("GET", "/api/v5/market/books") => {
            let Some(m) = world.markets.get(&p("instId")) else {
                return Some((
                    200,
                    bodies::error("51001", "Instrument ID or Spread ID doesn't exist."),
                ));
            };
            let sz = p("sz").parse::<usize>().unwrap_or(1).clamp(1, 400);
            let view = m.book.view(sz);
            let side = crate::exchange::book::View::side_json;
            // `seqId` is the book's place in the WS chain, so a client
            // subscribed without a snapshot can stitch its updates onto it.
            ok(json!([{"asks": side(&view.asks), "bids": side(&view.bids),
                "ts": now.to_string(), "seqId": m.seq}]))
        }
        ("GET", "/api/v5/market/trades") => {
            let Some(m) = world.markets.get(&p("instId")) else {
                return Some((
                    200,
                    bodies::error("51001", "Instrument ID or Spread ID doesn't exist."),
                ));
            };
            let limit = p("limit").parse::<usize>().unwrap_or(100).clamp(1, 500);
            ok(Value::Array(
                m.recent.iter().rev().take(limit).cloned().collect(),
            ))
        }
        ("GET", "/api/v5/market/candles" | "/api/v5/market/history-candles") => candles(world, inc),
        _ => None,
    }
}

/// Candles of any bar, newest first: `after` (older than), `before`
/// (newer than; alone, the newest page), `limit` (up to 300 for
/// `candles`, 100 for `history-candles`). `candles` reaches back 1,440
/// bars; `history-candles` to the listing.
fn candles(world: &World, inc: &Incoming<'_>) -> Option<(u16, String)> {
    let market = world.markets.get(&inc.p("instId"));
    let Some(market) = market else {
        return Some((
            200,
            bodies::error("51001", "Instrument ID or Spread ID doesn't exist."),
        ));
    };
    let bar = inc.param("bar").unwrap_or_else(|| "1m".to_owned());
    let Some(size) = bar_size(&bar) else {
        return Some((200, bodies::error("51000", "Parameter bar error")));
    };
    let recent = inc.path.ends_with("/candles");
    let cap = if recent { 300 } else { 100 };
    let limit = inc
        .p("limit")
        .parse::<usize>()
        .map_or(100, |l| l.clamp(1, cap));
    let ms = |k: &str| inc.param(k).and_then(|v| v.parse::<i64>().ok());
    let now = world.now();
    let newest = size.floor(now);
    let mut oldest = size.floor(market.history.first_ms.max(0));
    if recent {
        let mut t = newest;
        for _ in 0..1439 {
            t = size.prev(t);
        }
        oldest = oldest.max(t);
    }
    let mut t = match ms("after") {
        Some(a) => size.floor(a - 1).min(newest),
        None => newest,
    };
    let before = ms("before");
    let mut rows = Vec::new();
    while t >= oldest && before.is_none_or(|b| t > b) && rows.len() < limit {
        let bar = market.history.bar(t, size.next(t), now);
        rows.push(candle_json(t, &bar, market.tick, market.lot, t != newest));
        t = size.prev(t);
    }
    ok(Value::Array(rows))
}

fn private(
    world: &mut World,
    inc: &Incoming<'_>,
    json: &Value,
    acct: usize,
) -> Option<(u16, String)> {
    let p = |name: &str| inc.p(name);
    let now = world.now();
    match (inc.method, inc.path) {
        ("POST", "/api/v5/trade/order" | "/api/v5/trade/batch-orders") => {
            let items = items_of(json);
            if items.is_empty() || items.len() > 20 {
                return Some((200, bodies::error("51000", "Parameter orders error")));
            }
            let out = items
                .iter()
                .map(|item| {
                    let res = world.place(acct, item, &text(item, "instId"), "");
                    order_item(world, item, Write::Place, res)
                })
                .collect();
            Some((200, envelope(out, now)))
        }
        ("POST", "/api/v5/trade/amend-order" | "/api/v5/trade/amend-batch-orders") => {
            let out = items_of(json)
                .iter()
                .map(|item| {
                    let res = world.amend(acct, item, &text(item, "instId"));
                    order_item(world, item, Write::Amend, res)
                })
                .collect();
            Some((200, envelope(out, now)))
        }
        ("POST", "/api/v5/trade/cancel-order" | "/api/v5/trade/cancel-batch-orders") => {
            let out = items_of(json)
                .iter()
                .map(|item| {
                    let res = world.cancel(acct, item, &text(item, "instId"));
                    order_item(world, item, Write::Cancel, res)
                })
                .collect();
            Some((200, envelope(out, now)))
        }
        ("POST", "/api/v5/trade/order-algo") => {
            let obj = json.as_object().cloned().unwrap_or_default();
            let item = match world.place_algo(acct, &obj) {
                Ok(id) => {
                    json!({"algoId": id.to_string(), "clOrdId": "", "algoClOrdId": text(&obj, "algoClOrdId"),
                    "sCode": "0", "sMsg": "", "tag": text(&obj, "tag")})
                }
                Err((code, msg)) => {
                    json!({"algoId": "", "clOrdId": "", "algoClOrdId": text(&obj, "algoClOrdId"),
                    "sCode": code.to_string(), "sMsg": msg, "tag": text(&obj, "tag")})
                }
            };
            world.flush();
            Some((200, envelope(vec![item], now)))
        }
        ("POST", "/api/v5/trade/cancel-algos") => {
            let items = items_of(json);
            if items.is_empty() || items.len() > 10 {
                return Some((200, bodies::error("51000", "Parameter algoId error")));
            }
            let out = items
                .iter()
                .map(|item| match world.cancel_algo(acct, item) {
                    Ok(id) => json!({"algoId": id.to_string(), "sCode": "0", "sMsg": "", "clOrdId": "", "algoClOrdId": "", "tag": ""}),
                    Err((code, msg)) => json!({"algoId": text(item, "algoId"), "sCode": code.to_string(), "sMsg": msg,
                        "clOrdId": "", "algoClOrdId": "", "tag": ""}),
                })
                .collect();
            world.flush();
            Some((200, envelope(out, now)))
        }
        (
            "GET",
            "/api/v5/trade/orders-algo-pending"
            | "/api/v5/trade/orders-algo-history"
            | "/api/v5/trade/order-algo",
        ) => {
            let one = inc.path.ends_with("/order-algo");
            let pending = inc.path.ends_with("pending");
            if !one && p("ordType").is_empty() {
                return empty("ordType");
            }
            if inc.path.ends_with("history") && p("state").is_empty() && p("algoId").is_empty() {
                return Some((200, bodies::error("51000", "Parameter state error")));
            }
            let (ord_type, state, algo_id) = (p("ordType"), p("state"), p("algoId"));
            let (inst_type, inst_id, after, before, limit) = (
                p("instType"),
                p("instId"),
                p("after"),
                p("before"),
                p("limit"),
            );
            let q = crate::exchange::algo::AlgoQuery {
                ord_type: &ord_type,
                state: &state,
                algo_id: &algo_id,
                inst_type: &inst_type,
                inst_id: &inst_id,
                after: &after,
                before: &before,
                limit: &limit,
            };
            if one {
                let cl = p("algoClOrdId");
                let found = world.algos.values().find(|a| {
                    a.account == acct
                        && ((!algo_id.is_empty() && a.algo_id.to_string() == algo_id)
                            || (algo_id.is_empty() && !cl.is_empty() && a.algo_cl_ord_id == cl))
                });
                return match found {
                    Some(a) => ok(json!([a.to_json(None)])),
                    None => Some((200, bodies::error("51603", "Order does not exist"))),
                };
            }
            ok(Value::Array(world.algos_of(acct, pending, &q)))
        }
        ("POST", "/api/v5/trade/mass-cancel") => {
            let obj = json.as_object().cloned().unwrap_or_default();
            if text(&obj, "instType").is_empty() || text(&obj, "instFamily").is_empty() {
                return empty(if text(&obj, "instType").is_empty() {
                    "instType"
                } else {
                    "instFamily"
                });
            }
            world.mass_cancel(acct, &text(&obj, "instType"), &text(&obj, "instFamily"));
            ok(json!([{"result": true}]))
        }
        ("POST", "/api/v5/trade/cancel-all-after") => {
            let obj = json.as_object().cloned().unwrap_or_default();
            let tag = text(&obj, "tag");
            match world.cancel_all_after(acct, &text(&obj, "timeOut"), &tag) {
                Ok(trigger) => ok(
                    json!([{"triggerTime": trigger.to_string(), "tag": tag, "ts": (now / 1000).to_string()}]),
                ),
                Err((code, msg)) => Some((200, bodies::error(&code.to_string(), &msg))),
            }
        }
        ("GET", "/api/v5/trade/order") => {
            if p("ordId").is_empty() && p("clOrdId").is_empty() {
                return Some((
                    200,
                    bodies::error("51003", "Either client order ID or order ID is required."),
                ));
            }
            match world.order_of(acct, &p("instId"), &p("ordId"), &p("clOrdId")) {
                Some(o) => ok(json!([o])),
                None => Some((200, bodies::error("51603", "Order does not exist"))),
            }
        }
        ("GET", "/api/v5/trade/orders-pending") => ok(Value::Array(world.pending(
            acct,
            &filter(inc),
            &p("after"),
            &p("before"),
            &p("limit"),
        ))),
        ("GET", "/api/v5/trade/orders-history" | "/api/v5/trade/orders-history-archive") => {
            if p("instType").is_empty() {
                return empty("instType");
            }
            let days = if inc.path.ends_with("archive") { 90 } else { 7 };
            ok(Value::Array(world.history(
                acct,
                &filter(inc),
                days,
                &p("after"),
                &p("before"),
                &p("limit"),
            )))
        }
        ("GET", "/api/v5/trade/fills" | "/api/v5/trade/fills-history") => {
            let history = inc.path.ends_with("history");
            if history && p("instType").is_empty() {
                return empty("instType");
            }
            let days = if history { 90 } else { 3 };
            ok(Value::Array(world.fills_of(
                acct,
                &filter(inc),
                days,
                &p("after"),
                &p("before"),
                &p("limit"),
            )))
        }
        ("GET", "/api/v5/account/balance") => ok(json!([world.balance_json(acct, &p("ccy"))])),
        ("GET", "/api/v5/account/positions") => ok(Value::Array(world.positions_json(
            acct,
            &p("instType"),
            &p("instId"),
        ))),
        ("GET", "/api/v5/account/bills") => ok(Value::Array(world.bills_of(
            acct,
            &filter(inc),
            &p("ccy"),
            &p("after"),
            &p("before"),
            &p("limit"),
        ))),
        ("GET", "/api/v5/account/max-size") => {
            let px = p("px").parse::<Decimal>().ok();
            match world.max_size(acct, &p("instId"), &p("tdMode"), px) {
                Some(row) => ok(json!([row])),
                None => Some((
                    200,
                    bodies::error("51001", "Instrument ID or Spread ID doesn't exist."),
                )),
            }
        }
        ("GET", "/api/v5/account/config") => {
            let a = &world.accounts[acct];
            let main = a.master.clone().unwrap_or_else(|| a.uid.clone());
            let perm = if a.keys.iter().any(|k| k.trade) {
                "read_only,trade"
            } else {
                "read_only"
            };
            ok(
                json!([{"acctLv": "2", "acctStpMode": "cancel_maker", "autoLoan": false, "ctIsoMode": "automatic",
                "enableSpotBorrow": false, "greeksType": "PA", "ip": "", "kycLv": "2", "label": a.label,
                "level": "Lv1", "levelTmp": "", "liquidationGear": "-1", "mainUid": main, "mgnIsoMode": "automatic",
                "opAuth": "1", "perm": perm, "posMode": a.pos_mode.as_str(), "roleType": "0",
                "spotBorrowAutoRepay": false, "spotOffsetType": "", "spotRoleType": "0", "spotTraderInsts": [],
                "traderInsts": [], "type": if a.master.is_some() { "1" } else { "0" }, "uid": a.uid}]),
            )
        }
        ("POST", "/api/v5/account/set-position-mode") => {
            let obj = json.as_object().cloned().unwrap_or_default();
            let mode = match text(&obj, "posMode").as_str() {
                "net_mode" => crate::exchange::account::PosMode::Net,
                "long_short_mode" => crate::exchange::account::PosMode::LongShort,
                _ => return Some((200, bodies::error("51000", "Parameter posMode error"))),
            };
            let busy = world.accounts[acct]
                .positions
                .iter()
                .any(|p| !p.pos.is_zero())
                || world
                    .orders
                    .values()
                    .any(|o| o.account == acct && o.is_open() && o.kind.is_derivative());
            if busy {
                return Some((
                    200,
                    bodies::error(
                        "51070",
                        "You do not meet the requirements for switching to this account mode.",
                    ),
                ));
            }
            world.accounts[acct].pos_mode = mode;
            ok(json!([{"posMode": mode.as_str()}]))
        }
        ("POST", "/api/v5/account/set-leverage") => {
            let obj = json.as_object().cloned().unwrap_or_default();
            let inst_id = text(&obj, "instId");
            let Ok(lever) = text(&obj, "lever").parse::<u32>() else {
                return Some((200, bodies::error("51000", "Parameter lever error")));
            };
            let max = world
                .specs
                .iter()
                .find(|s| s.inst_id == inst_id)
                .map(|s| s.max_lever);
            match max {
                Some(max) if (1..=max).contains(&lever) => {
                    world.accounts[acct].lever.insert(inst_id.clone(), lever);
                    ok(
                        json!([{"instId": inst_id, "lever": lever.to_string(), "mgnMode": text(&obj, "mgnMode"), "posSide": text(&obj, "posSide")}]),
                    )
                }
                Some(_) => Some((200, bodies::error("51000", "Parameter lever error"))),
                None => Some((
                    200,
                    bodies::error("51001", "Instrument ID or Spread ID doesn't exist."),
                )),
            }
        }
        _ => None,
    }
}
