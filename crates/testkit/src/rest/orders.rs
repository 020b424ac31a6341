//! The look-alike's order book-keeping: place, amend, cancel, look up.
//! Not a matching engine: orders rest as `live` until canceled.

use std::sync::Arc;

use serde_json::{Value, json};

use super::bodies;

/// A rule that rejects an order item: gets the item's JSON, returns the
/// `sCode` and `sMsg` to answer with, or `None` to accept it.
pub type OrderRule = Arc<dyn Fn(&Value) -> Option<(u32, String)> + Send + Sync>;

/// One order the look-alike holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockOrder {
    /// Assigned order id.
    pub ord_id: String,
    /// Client order id (may be empty).
    pub cl_ord_id: String,
    /// Instrument.
    pub inst_id: String,
    /// `live` or `canceled`.
    pub state: String,
    /// The order record as `GET /api/v5/trade/order` returns it.
    pub record: Value,
}

#[derive(Default)]
pub(crate) struct Orders {
    pub(crate) list: Vec<MockOrder>,
    next_id: u64,
    pub(crate) rules: Vec<OrderRule>,
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn item(ord_id: &str, cl_ord_id: &str, code: u32, msg: &str, now: i64) -> Value {
    json!({
        "clOrdId": cl_ord_id, "ordId": ord_id, "tag": "", "ts": now.to_string(),
        "sCode": code.to_string(), "sMsg": msg
    })
}

/// Wraps per-item results in OKX's envelope: `0` all fine, `1` all failed,
/// `2` some failed.
pub(crate) fn envelope(items: Vec<Value>, now: i64) -> String {
    let failed = items.iter().filter(|i| text(i, "sCode") != "0").count();
    let (code, msg) = match failed {
        0 => ("0", ""),
        n if n == items.len() => ("1", "All operations failed"),
        _ => ("2", "Bulk operation partially succeeded"),
    };
    let micros = (now * 1000).to_string();
    json!({"code": code, "msg": msg, "data": items, "inTime": micros, "outTime": micros})
        .to_string()
}

impl Orders {
    fn find_live(
        &mut self,
        inst_id: &str,
        ord_id: &str,
        cl_ord_id: &str,
    ) -> Option<&mut MockOrder> {
        self.list.iter_mut().rev().find(|o| {
            o.state == "live"
                && o.inst_id == inst_id
                && ((!ord_id.is_empty() && o.ord_id == ord_id)
                    || (ord_id.is_empty() && !cl_ord_id.is_empty() && o.cl_ord_id == cl_ord_id))
        })
    }

    /// Latest order with this id, whatever its state.
    pub(crate) fn get(&self, inst_id: &str, ord_id: &str, cl_ord_id: &str) -> Option<&MockOrder> {
        self.list.iter().rev().find(|o| {
            o.inst_id == inst_id
                && ((!ord_id.is_empty() && o.ord_id == ord_id)
                    || (ord_id.is_empty() && !cl_ord_id.is_empty() && o.cl_ord_id == cl_ord_id))
        })
    }

    pub(crate) fn place(&mut self, req: &Value, now: i64) -> Value {
        let cl = text(req, "clOrdId");
        for key in ["instId", "tdMode", "side", "ordType", "sz"] {
            if text(req, key).is_empty() {
                return item(
                    "",
                    cl,
                    50014,
                    &format!("Parameter {key} can not be empty"),
                    now,
                );
            }
        }
        let ord_type = text(req, "ordType");
        if !matches!(ord_type, "market" | "optimal_limit_ioc") && text(req, "px").is_empty() {
            return item("", cl, 51000, "Parameter px error", now);
        }
        if let Some((code, msg)) = self.rules.iter().find_map(|r| r(req)) {
            return item("", cl, code, &msg, now);
        }
        let inst_id = text(req, "instId");
        if !cl.is_empty() && self.find_live(inst_id, "", cl).is_some() {
            return item("", cl, 51016, "Duplicated clOrdId", now);
        }
        self.next_id += 1;
        let ord_id = (1_900_000_000_000_000_000u64 + self.next_id).to_string();
        let record = bodies::order_record(&json!({
            "instId": inst_id, "instType": bodies::inst_type_of(inst_id),
            "ordId": ord_id, "clOrdId": cl, "side": text(req, "side"), "ordType": ord_type,
            "tdMode": text(req, "tdMode"), "sz": text(req, "sz"), "px": text(req, "px"),
            "tag": text(req, "tag"), "cTime": now.to_string(), "uTime": now.to_string(),
        }));
        self.list.push(MockOrder {
            ord_id: ord_id.clone(),
            cl_ord_id: cl.to_owned(),
            inst_id: inst_id.to_owned(),
            state: "live".into(),
            record,
        });
        item(&ord_id, cl, 0, "Order placed", now)
    }

    pub(crate) fn amend(&mut self, req: &Value, now: i64) -> Value {
        let (inst, id, cl) = (
            text(req, "instId"),
            text(req, "ordId"),
            text(req, "clOrdId"),
        );
        let req_id = text(req, "reqId").to_owned();
        let answer = |ord_id: &str, code: u32, msg: &str| {
            let mut v = item(ord_id, cl, code, msg, now);
            v["reqId"] = json!(req_id);
            v
        };
        let Some(order) = self.find_live(inst, id, cl) else {
            return answer(
                id,
                51503,
                "Order modification failed as the order does not exist.",
            );
        };
        for (from, to) in [("newSz", "sz"), ("newPx", "px")] {
            if !text(req, from).is_empty() {
                order.record[to] = json!(text(req, from));
            }
        }
        order.record["uTime"] = json!(now.to_string());
        let ord_id = order.ord_id.clone();
        answer(&ord_id, 0, "")
    }

    pub(crate) fn cancel(&mut self, req: &Value, now: i64) -> Value {
        let (inst, id, cl) = (
            text(req, "instId"),
            text(req, "ordId"),
            text(req, "clOrdId"),
        );
        let Some(order) = self.find_live(inst, id, cl) else {
            return item(
                id,
                cl,
                51400,
                "Order cancellation failed as the order does not exist.",
                now,
            );
        };
        order.state = "canceled".into();
        order.record["state"] = json!("canceled");
        order.record["uTime"] = json!(now.to_string());
        let ord_id = order.ord_id.clone();
        item(&ord_id, cl, 0, "", now)
    }
}
