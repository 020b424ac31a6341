//! WS trading's per-item results, and the one request of its own
//! ([`MassCancel`]).
//!
//! Orders, amends and cancels are the SDK's one vocabulary,
//! [`okx_models::trade`] ([`OrderRequest`](okx_models::trade::OrderRequest),
//! [`AmendRequest`](okx_models::trade::AmendRequest),
//! [`CancelRequest`](okx_models::trade::CancelRequest)), answered by
//! [`OrderAck`]. Users write `instId`; the wire carries the `instIdCode` OKX
//! requires since 2026-02 (SPEC §6.5), looked up in the map the caller
//! loads with [`WsClient::set_inst_id_codes`](crate::WsClient::set_inst_id_codes).

use okx_models::trade::OrderAck;
use okx_models::wire::WireStr;
use okx_models::{ClOrdId, InstType, OkxCode, OrdId};
use serde::Deserialize;
use serde_json::{Map, Value, json};

fn put(m: &mut Map<String, Value>, key: &str, v: Option<String>) {
    if let Some(v) = v {
        m.insert(key.into(), Value::String(v));
    }
}

/// Cancels all pending orders of an option family (`mass-cancel`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[must_use = "a request does nothing until it is sent"]
pub struct MassCancel {
    /// Instrument type (OKX supports `OPTION`).
    pub inst_type: InstType,
    /// Instrument family, e.g. `BTC-USD`.
    pub inst_family: String,
    /// Seconds during which new orders are refused (0 = none).
    pub lock_interval: Option<u32>,
}

impl MassCancel {
    /// Cancels the pending orders of an instrument family (OKX supports
    /// `InstType::Option`).
    pub fn new(inst_type: InstType, inst_family: impl Into<String>) -> Self {
        MassCancel {
            inst_type,
            inst_family: inst_family.into(),
            lock_interval: None,
        }
    }

    /// Refuses new orders of the family for this many seconds after.
    pub fn lock_interval(mut self, seconds: u32) -> Self {
        self.lock_interval = Some(seconds);
        self
    }

    pub(crate) fn to_wire(&self) -> Value {
        let mut m = Map::new();
        m.insert("instType".into(), json!(self.inst_type.wire_str()));
        m.insert("instFamily".into(), json!(self.inst_family));
        put(
            &mut m,
            "lockInterval",
            self.lock_interval.map(|l| l.to_string()),
        );
        Value::Object(m)
    }
}

/// A failed item of a trading operation (`sCode` / `sMsg`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("item rejected (sCode {code}): {msg}")]
#[non_exhaustive]
pub struct ItemError {
    /// `sCode`.
    pub code: OkxCode,
    /// `sMsg`.
    pub msg: String,
    /// Order id, when OKX gave one.
    pub ord_id: String,
    /// Client order id, when given.
    pub cl_ord_id: String,
    /// `subCode`: a finer reason under `sCode` (place and amend); empty when none.
    pub sub_code: String,
}

impl ItemError {
    /// Whether OKX may still have executed this item: its `sCode` says the
    /// request timed out inside OKX (50004, 51149). Any other refusal is
    /// final, and the item can be sent again.
    pub fn outcome_unknown(&self) -> bool {
        self.code.is_outcome_unknown()
    }
}

/// One item's outcome.
pub type ItemOutcome = Result<OrderAck, ItemError>;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireItem {
    #[serde(default)]
    ord_id: String,
    #[serde(default)]
    cl_ord_id: String,
    #[serde(default)]
    tag: String,
    #[serde(default)]
    req_id: String,
    #[serde(default, with = "okx_models::num::opt_int")]
    ts: Option<i64>,
    #[serde(default, rename = "sCode")]
    s_code: OkxCode,
    #[serde(default, rename = "sMsg")]
    s_msg: String,
    #[serde(default, rename = "subCode")]
    sub_code: String,
}

/// Reads the per-item results of a response's `data`.
pub(crate) fn items(data: &str) -> Result<Vec<ItemOutcome>, serde_json::Error> {
    let rows: Vec<WireItem> = serde_json::from_str(data)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            if r.s_code.is_ok() {
                Ok(OrderAck {
                    ord_id: OrdId::from_wire(&r.ord_id),
                    // OKX echoes the id it was sent; `""` is "none".
                    cl_ord_id: (!r.cl_ord_id.is_empty()).then(|| ClOrdId::from_wire(&r.cl_ord_id)),
                    tag: r.tag,
                    req_id: r.req_id,
                    ts: r.ts,
                    in_time: None,
                    out_time: None,
                })
            } else {
                Err(ItemError {
                    code: r.s_code,
                    msg: r.s_msg,
                    ord_id: r.ord_id,
                    cl_ord_id: r.cl_ord_id,
                    sub_code: r.sub_code,
                })
            }
        })
        .collect())
}

/// The text of a trading operation: `{"id", "op", "args"}` and, for the
/// ops that take it, `expTime`.
pub(crate) fn op_frame(id: &str, op: &str, args: Vec<Value>, exp_time: Option<i64>) -> String {
    let mut frame = json!({"id": id, "op": op, "args": args});
    if let Some(exp) = exp_time {
        frame["expTime"] = json!(exp.to_string());
    }
    frame.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ccxt_batch_response_items() {
        let data = r#"[{"tag":"t","ordId":"599823446566084608","clOrdId":"c1","sCode":"0","sMsg":"ok"},
                       {"ordId":"","clOrdId":"c2","sCode":"51008","sMsg":"Insufficient balance"}]"#;
        let out = items(data).unwrap();
        assert_eq!(
            out[0].as_ref().map(|a| a.ord_id.as_str()),
            Ok("599823446566084608")
        );
        assert_eq!(
            out[0]
                .as_ref()
                .map(|a| a.cl_ord_id.as_ref().map(ClOrdId::as_str)),
            Ok(Some("c1"))
        );
        assert_eq!(out[1].as_ref().map_err(|e| e.code), Err(OkxCode(51008)));
        assert_eq!(
            out[1].as_ref().map_err(ItemError::outcome_unknown),
            Err(false)
        );
        let timed_out =
            items(r#"[{"ordId":"","clOrdId":"c3","sCode":"51149","sMsg":"timed out"}]"#).unwrap();
        assert_eq!(
            timed_out[0].as_ref().map_err(ItemError::outcome_unknown),
            Err(true)
        );
    }

    #[test]
    fn sub_code_reaches_errors() {
        let data = r#"[{"ordId":"1","sCode":"0","sMsg":"","subCode":""},
                       {"ordId":"","clOrdId":"c2","sCode":"51008","sMsg":"x","subCode":"3"}]"#;
        let out = items(data).unwrap();
        assert_eq!(
            out[0]
                .as_ref()
                .map(|a| (a.ord_id.as_str(), a.cl_ord_id.is_none())),
            Ok(("1", true))
        );
        assert_eq!(out[1].as_ref().map_err(|e| e.sub_code.as_str()), Err("3"));
    }
}
