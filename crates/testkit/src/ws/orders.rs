//! WS trading: the order operations run on the exchange, counted against
//! the same rate limits as REST orders, and answered in OKX's shape.

use super::Endpoint;
use super::ops::Obj;
use crate::exchange::World;
use crate::exchange::answer::{Write, order_item};
use crate::exchange::matching::{Refusal, field};
use serde_json::{Value, json};

/// The REST endpoint whose rate-limit counter an operation shares.
fn counter(op: &str, items: usize) -> &'static str {
    match (op, items) {
        ("order", _) | ("batch-orders", 1) => "POST /api/v5/trade/order",
        ("batch-orders", _) => "POST /api/v5/trade/batch-orders",
        ("cancel-order", _) | ("batch-cancel-orders", 1) => "POST /api/v5/trade/cancel-order",
        ("batch-cancel-orders", _) => "POST /api/v5/trade/cancel-batch-orders",
        ("amend-order", _) | ("batch-amend-orders", 1) => "POST /api/v5/trade/amend-order",
        ("batch-amend-orders", _) => "POST /api/v5/trade/amend-batch-orders",
        _ => "POST /api/v5/trade/mass-cancel",
    }
}

pub(crate) fn trade(
    world: &mut World,
    conn: u64,
    id: &str,
    op: &str,
    args: &[Obj],
    exp_time: &str,
) -> String {
    world.ws.stats.trade_ops += 1;
    let in_time = (world.now() * 1000).to_string();
    let out = |world: &World, code: &str, msg: &str, data: Vec<Value>| {
        json!({"id": id, "op": op, "code": code, "msg": msg, "data": data,
               "inTime": in_time, "outTime": (world.now() * 1000).to_string()})
        .to_string()
    };
    let Some(entry) = world.ws.conns.get(&conn) else {
        return out(world, "60011", "Please log in", Vec::new());
    };
    if entry.endpoint != Endpoint::Private {
        return out(
            world,
            "60028",
            "This operation is not supported by this URL",
            Vec::new(),
        );
    }
    let Some(acct) = entry.account else {
        return out(world, "60011", "Please log in", Vec::new());
    };
    let single = !op.starts_with("batch-");
    if args.is_empty() || (single && args.len() != 1) || args.len() > 20 {
        return out(world, "60013", "Invalid args", Vec::new());
    }
    if let Ok(exp) = exp_time.parse::<i64>()
        && world.clock.auth_ms() > exp
    {
        return out(world, "50037", "Order expired", Vec::new());
    }
    if op == "mass-cancel" {
        let uid = world.accounts[acct].uid.clone();
        if !world.limits.admit(counter(op, 1), &uid, &[]) {
            return out(world, "50011", "Too Many Requests", Vec::new());
        }
        let family = field(&args[0], "instFamily");
        let inst_type = field(&args[0], "instType");
        world.mass_cancel(acct, &inst_type, &family);
        return out(world, "0", "", vec![json!({"result": true})]);
    }
    let resolved: Vec<Result<String, Refusal>> = args.iter().map(|a| resolve(world, a)).collect();
    let insts: Vec<String> = resolved
        .iter()
        .map(|r| r.clone().unwrap_or_default())
        .collect();
    let uid = world.accounts[acct].uid.clone();
    if !world.limits.admit(counter(op, args.len()), &uid, &insts) {
        let items = args
            .iter()
            .map(|a| {
                let refused = Err((50011, "Requests too frequent.".to_owned()));
                order_item(world, a, Write::of_op(op), refused)
            })
            .collect();
        return out(world, "1", "Operation failed.", items);
    }
    let items: Vec<Value> = args
        .iter()
        .zip(resolved)
        .map(|(arg, inst)| {
            let write = Write::of_op(op);
            let res = inst.and_then(|inst_id| match write {
                Write::Place => world.place(acct, arg, &inst_id, "ws"),
                Write::Cancel => world.cancel(acct, arg, &inst_id),
                Write::Amend => world.amend(acct, arg, &inst_id),
            });
            order_item(world, arg, write, res)
        })
        .collect();
    let failed = items.iter().filter(|i| i["sCode"] != "0").count();
    match failed {
        0 => out(world, "0", "", items),
        n if n == items.len() => out(world, "1", "Operation failed.", items),
        _ => out(world, "2", "Bulk operation partially succeeded.", items),
    }
}

/// WS orders name the instrument by `instIdCode` (required since 2026; an
/// `instId` alone is not enough, as at OKX).
fn resolve(world: &World, arg: &Obj) -> Result<String, Refusal> {
    let code = match arg.get("instIdCode") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(t)) => t.parse().ok(),
        _ => None,
    };
    let Some(code) = code else {
        return Err((51000, "Parameter instIdCode can not be empty".into()));
    };
    world
        .spec_by_code(code)
        .map(|s| s.inst_id.clone())
        .ok_or((51001, "Instrument ID or Spread ID doesn't exist.".into()))
}
