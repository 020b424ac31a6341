//! The control door: `/testkit/...` on the REST port lets a bot in any
//! language script the exchange (faults on both doors, clock skew, market
//! steps, listings, accounts) and read its state. Not signed: it is a local
//! test tool, not part of OKX's API.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::respond::Incoming;
use super::{Fault as RestFault, bodies};
use crate::exchange::World;
use crate::exchange::account::{AccountSpec, ApiKey};
use crate::exchange::instrument::{InstrumentSpec, Kind};
use crate::ws::Fault as WsFault;

fn s(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn dec(v: &Value, key: &str) -> Option<Decimal> {
    s(v, key).parse().ok()
}

fn bad(msg: &str) -> (u16, String) {
    (
        400,
        json!({"code": "1", "msg": msg, "data": []}).to_string(),
    )
}

pub(crate) fn route(world: &mut World, inc: &Incoming<'_>) -> Option<(u16, String)> {
    let rest = inc.path.strip_prefix("/testkit/")?;
    let body: Value = serde_json::from_slice(inc.body).unwrap_or(Value::Null);
    Some(match (inc.method, rest) {
        ("GET", "state") => (200, bodies::ok(json!([state(world)]))),
        ("POST", "fault") => match fault(world, &body) {
            Ok(()) => (200, bodies::ok(json!([]))),
            Err(msg) => bad(&msg),
        },
        ("POST", "clock") => match body.get("skew_ms").and_then(Value::as_i64) {
            Some(ms) => {
                world.clock.set_skew_ms(ms);
                (200, bodies::ok(json!([])))
            }
            None => bad("skew_ms (an integer) is required"),
        },
        ("POST", "step") => {
            let n = body
                .get("n")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .min(100_000);
            for _ in 0..n {
                world.tick_market();
            }
            (200, bodies::ok(json!([])))
        }
        ("POST", "list") => match instrument(&body) {
            Ok(spec) => {
                let code = world.list(spec);
                world.flush();
                (200, bodies::ok(json!([{"instIdCode": code}])))
            }
            Err(msg) => bad(&msg),
        },
        ("POST", "delist") => {
            if world.delist(&s(&body, "instId")) {
                (200, bodies::ok(json!([])))
            } else {
                bad("no such instrument")
            }
        }
        ("POST", "account") => match account(&body) {
            Ok(spec) => {
                let uid = world.add_account(spec);
                (200, bodies::ok(json!([{"uid": uid}])))
            }
            Err(msg) => bad(&msg),
        },
        _ => bad("unknown testkit route"),
    })
}

fn state(world: &World) -> Value {
    let accounts: Vec<Value> = world
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let open = world.orders.values().filter(|o| o.account == i && o.is_open()).count();
            json!({"uid": a.uid, "label": a.label, "master": a.master, "openOrders": open,
                "balances": a.balances.iter().map(|(c, b)| (c.clone(), json!(b.cash.normalize().to_string()))).collect::<serde_json::Map<_, _>>()})
        })
        .collect();
    json!({"now": world.now().to_string(), "instruments": world.specs.len(), "orders": world.orders.len(),
        "fills": world.fills.len(), "connections": world.ws.conns.len(), "accounts": accounts})
}

fn fault(world: &mut World, body: &Value) -> Result<(), String> {
    let name = s(body, "fault");
    let ms = |k: &str| {
        body.get(k)
            .and_then(Value::as_u64)
            .map(std::time::Duration::from_millis)
    };
    match s(body, "door").as_str() {
        "rest" => {
            let path = s(body, "path");
            if path.is_empty() {
                return Err("path is required for a rest fault".into());
            }
            let times = body.get("times").and_then(Value::as_u64).unwrap_or(1);
            let fault = match name.as_str() {
                "timeout" => RestFault::Timeout { processed: false },
                "lost_answer" => RestFault::Timeout { processed: true },
                "status" => RestFault::Status(
                    body.get("status").and_then(Value::as_u64).unwrap_or(500) as u16,
                ),
                "rate_limit" => RestFault::RateLimit,
                "latency" => RestFault::Latency(ms("ms").unwrap_or_default()),
                other => return Err(format!("unknown rest fault {other}")),
            };
            world
                .rest
                .faults
                .push((path, fault, u32::try_from(times).unwrap_or(u32::MAX)));
            Ok(())
        }
        "ws" => {
            let fault = match name.as_str() {
                "drop" => WsFault::Drop,
                "drop_private" => WsFault::DropPrivate(s(body, "uid")),
                "silent" => WsFault::GoSilent,
                "corrupt" => WsFault::CorruptFrame,
                "skip_seq" => WsFault::SkipBookSeq,
                "notice_64008" => WsFault::Notice64008 {
                    close_after: ms("close_after_ms").unwrap_or_default(),
                },
                "login_outage" => WsFault::RejectLogin(Some("60009")),
                "login_ok" => WsFault::RejectLogin(None),
                "close" => {
                    WsFault::Close(body.get("code").and_then(Value::as_u64).unwrap_or(4004) as u16)
                }
                "mute" => WsFault::MuteFeeds,
                "delay" => WsFault::DelayResponses(ms("ms").unwrap_or_default()),
                other => return Err(format!("unknown ws fault {other}")),
            };
            crate::ws::inject(world, fault);
            Ok(())
        }
        other => Err(format!("door must be rest or ws, not {other:?}")),
    }
}

fn instrument(body: &Value) -> Result<InstrumentSpec, String> {
    let inst_id = s(body, "instId");
    let kind = Kind::parse(&s(body, "instType"))
        .ok_or("instType must be SPOT, MARGIN, SWAP, FUTURES or OPTION")?;
    let px = dec(body, "px").ok_or("px is required")?;
    let tick = dec(body, "tickSz").unwrap_or(Decimal::new(1, 2));
    let lot = dec(body, "lotSz").unwrap_or(Decimal::new(1, 4));
    let min = dec(body, "minSz").unwrap_or(lot);
    let exp = s(body, "expTime").parse::<i64>().unwrap_or(0);
    let ct_val = dec(body, "ctVal").unwrap_or(Decimal::ONE);
    let mut spec = match kind {
        Kind::Spot | Kind::Margin => {
            let spot = InstrumentSpec::spot(&inst_id, tick, lot, min, px);
            if kind == Kind::Margin {
                InstrumentSpec::margin_of(&spot)
            } else {
                spot
            }
        }
        Kind::Swap => InstrumentSpec::swap(&inst_id, ct_val, tick, lot, px),
        Kind::Futures => InstrumentSpec::futures(&inst_id, ct_val, tick, lot, px, exp),
        Kind::Option => InstrumentSpec::option(&inst_id, exp, px),
    };
    if inst_id.split('-').count() < 2 {
        return Err("instId looks like BASE-QUOTE[-...]".into());
    }
    spec.min_sz = min;
    if let Some(code) = body.get("instIdCode").and_then(Value::as_i64) {
        spec.inst_id_code = code;
    }
    Ok(spec)
}

fn account(body: &Value) -> Result<AccountSpec, String> {
    let (key, secret, pass) = (s(body, "apiKey"), s(body, "secret"), s(body, "passphrase"));
    if key.is_empty() || secret.is_empty() || pass.is_empty() {
        return Err("apiKey, secret and passphrase are required".into());
    }
    let mut api_key = ApiKey::new(&key, &secret, &pass);
    if body.get("demo").and_then(Value::as_bool).unwrap_or(false) {
        api_key = api_key.demo();
    }
    let mut spec = AccountSpec::new(api_key).uid(&s(body, "uid"));
    if let Some(balances) = body.get("balances").and_then(Value::as_object) {
        for (ccy, amount) in balances {
            let amount = match amount {
                Value::String(t) => t
                    .parse::<Decimal>()
                    .map_err(|_| format!("bad balance for {ccy}"))?,
                Value::Number(n) => n
                    .to_string()
                    .parse::<Decimal>()
                    .map_err(|_| format!("bad balance for {ccy}"))?,
                _ => return Err(format!("bad balance for {ccy}")),
            };
            spec = spec.balance(ccy, amount);
        }
    }
    let master = s(body, "master");
    if !master.is_empty() {
        spec = spec.sub_account_of(&master, &s(body, "label"));
    }
    Ok(spec)
}
