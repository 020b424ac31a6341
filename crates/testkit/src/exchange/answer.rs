//! The per-item answer OKX gives for an order write, the same on REST and
//! WS: which fields each write carries, and the `subCode` under `sCode`.

use serde_json::{Map, Value, json};

use super::World;
use super::matching::{Refusal, field};

/// The order write an item answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Write {
    Place,
    Amend,
    Cancel,
}

impl Write {
    /// The write a WS trading op performs.
    pub(crate) fn of_op(op: &str) -> Self {
        match op {
            "order" | "batch-orders" => Write::Place,
            "cancel-order" | "batch-cancel-orders" => Write::Cancel,
            _ => Write::Amend,
        }
    }
}

/// The finer reason OKX gives under some codes (since 2026-03-10, on place
/// and amend results): `51008_1001` is "insufficient margin in account",
/// which is what the exchange refuses a margin or derivative order for.
/// Other refusals carry none (`""`), as at OKX when no sub-code applies.
pub(crate) fn sub_code(code: u32, msg: &str) -> &'static str {
    match code {
        51008 if msg.contains("margin") => "1001",
        _ => "",
    }
}

/// One item of the answer to `write` of the request item `req`: the order
/// id on success, OKX's code and message otherwise. Place answers carry
/// `tag` and `subCode`, amend answers `reqId` and `subCode`, cancel answers
/// neither, as OKX documents each.
pub(crate) fn order_item(
    world: &World,
    req: &Map<String, Value>,
    write: Write,
    result: Result<u64, Refusal>,
) -> Value {
    let (ord_id, code, msg) = match result {
        Ok(id) => {
            let msg = if write == Write::Place {
                "Order placed"
            } else {
                ""
            };
            (id.to_string(), 0, msg.to_owned())
        }
        Err((code, msg)) => (field(req, "ordId"), code, msg),
    };
    let cl = world
        .orders
        .get(&ord_id.parse::<u64>().unwrap_or_default())
        .map(|o| o.cl_ord_id.clone())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| field(req, "clOrdId"));
    let mut v = json!({"clOrdId": cl, "ordId": ord_id, "ts": world.now().to_string(),
        "sCode": code.to_string(), "sMsg": msg});
    match write {
        Write::Place => {
            v["tag"] = json!(field(req, "tag"));
            v["subCode"] = json!(sub_code(code, &msg));
        }
        Write::Amend => {
            v["reqId"] = json!(field(req, "reqId"));
            v["subCode"] = json!(sub_code(code, &msg));
        }
        Write::Cancel => {}
    }
    v
}
