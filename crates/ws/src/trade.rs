//! WS trading requests and their per-item results.
//!
//! Users write `instId`; the wire carries the `instIdCode` OKX requires
//! since 2026-02 (SPEC §6.5), looked up in the map the caller loads with
//! [`WsClient::set_inst_id_codes`](crate::WsClient::set_inst_id_codes).

use okx_models::wire::WireStr;
use okx_models::{InstType, OkxCode, OrdType, PosSide, Side, StpMode, TdMode, TgtCcy};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// A new order (`order` / `batch-orders`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[must_use = "a request does nothing until it is sent"]
pub struct PlaceOrder {
    /// Instrument id; sent as its `instIdCode`.
    pub inst_id: String,
    /// Trade mode.
    pub td_mode: TdMode,
    /// Side.
    pub side: Side,
    /// Order type.
    pub ord_type: OrdType,
    /// Quantity.
    pub sz: Decimal,
    /// Price (limit-style orders).
    pub px: Option<Decimal>,
    /// Client order id (up to 32 alphanumerics).
    pub cl_ord_id: Option<String>,
    /// Position side (long/short mode).
    pub pos_side: Option<PosSide>,
    /// Reduce only.
    pub reduce_only: Option<bool>,
    /// Order tag.
    pub tag: Option<String>,
    /// Quantity unit of SPOT market orders.
    pub tgt_ccy: Option<TgtCcy>,
    /// Margin currency (cross MARGIN).
    pub ccy: Option<String>,
    /// Self-trade prevention mode.
    pub stp_mode: Option<StpMode>,
    /// Take RPI liquidity (`rpiTakerAccess`).
    pub rpi_taker_access: Option<bool>,
    /// Take ELP liquidity (`isElpTakerAccess`, IOC only; ELP gives way to RPI).
    pub is_elp_taker_access: Option<bool>,
}

impl PlaceOrder {
    /// A limit order in cash mode (set [`PlaceOrder::td_mode`] for margin).
    pub fn limit(inst_id: impl Into<String>, side: Side, sz: Decimal, px: Decimal) -> Self {
        PlaceOrder {
            inst_id: inst_id.into(),
            td_mode: TdMode::Cash,
            side,
            ord_type: OrdType::Limit,
            sz,
            px: Some(px),
            cl_ord_id: None,
            pos_side: None,
            reduce_only: None,
            tag: None,
            tgt_ccy: None,
            ccy: None,
            stp_mode: None,
            rpi_taker_access: None,
            is_elp_taker_access: None,
        }
    }

    /// A retail-price-improvement maker order (`ordType=rpi`, post-only).
    pub fn rpi(inst_id: impl Into<String>, side: Side, sz: Decimal, px: Decimal) -> Self {
        PlaceOrder {
            ord_type: OrdType::Rpi,
            ..Self::limit(inst_id, side, sz, px)
        }
    }

    /// Opts this order in to taking RPI liquidity (`rpiTakerAccess`).
    pub fn rpi_taker_access(mut self, on: bool) -> Self {
        self.rpi_taker_access = Some(on);
        self
    }

    /// A market order in cash mode.
    pub fn market(inst_id: impl Into<String>, side: Side, sz: Decimal) -> Self {
        PlaceOrder {
            ord_type: OrdType::Market,
            px: None,
            ..Self::limit(inst_id, side, sz, Decimal::ZERO)
        }
    }

    /// Sets the trade mode.
    pub fn td_mode(mut self, td_mode: TdMode) -> Self {
        self.td_mode = td_mode;
        self
    }

    /// Sets the client order id.
    pub fn cl_ord_id(mut self, id: impl Into<String>) -> Self {
        self.cl_ord_id = Some(id.into());
        self
    }

    /// Sets the position side.
    pub fn pos_side(mut self, pos_side: PosSide) -> Self {
        self.pos_side = Some(pos_side);
        self
    }

    /// Sets reduce-only.
    pub fn reduce_only(mut self, on: bool) -> Self {
        self.reduce_only = Some(on);
        self
    }

    /// Sets the order tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tag = Some(tag.into());
        self
    }

    /// Sets the size unit of a spot market order.
    pub fn tgt_ccy(mut self, tgt_ccy: TgtCcy) -> Self {
        self.tgt_ccy = Some(tgt_ccy);
        self
    }

    /// Sets the margin currency.
    pub fn ccy(mut self, ccy: impl Into<String>) -> Self {
        self.ccy = Some(ccy.into());
        self
    }

    /// Sets the self-trade prevention mode.
    pub fn stp_mode(mut self, stp_mode: StpMode) -> Self {
        self.stp_mode = Some(stp_mode);
        self
    }

    pub(crate) fn to_wire(&self, code: i64) -> Value {
        let mut m = Map::new();
        m.insert("instIdCode".into(), json!(code));
        m.insert("tdMode".into(), json!(self.td_mode.wire_str()));
        m.insert("side".into(), json!(self.side.wire_str()));
        m.insert("ordType".into(), json!(self.ord_type.wire_str()));
        m.insert("sz".into(), json!(self.sz.to_string()));
        put(&mut m, "px", self.px.map(|p| p.to_string()));
        put(&mut m, "clOrdId", self.cl_ord_id.clone());
        put(
            &mut m,
            "posSide",
            self.pos_side.as_ref().map(|p| p.wire_str().to_owned()),
        );
        if let Some(r) = self.reduce_only {
            m.insert("reduceOnly".into(), json!(r));
        }
        put(&mut m, "tag", self.tag.clone());
        put(
            &mut m,
            "tgtCcy",
            self.tgt_ccy.as_ref().map(|t| t.wire_str().to_owned()),
        );
        put(&mut m, "ccy", self.ccy.clone());
        put(
            &mut m,
            "stpMode",
            self.stp_mode.as_ref().map(|s| s.wire_str().to_owned()),
        );
        if let Some(on) = self.rpi_taker_access {
            m.insert("rpiTakerAccess".into(), json!(on));
        }
        if let Some(on) = self.is_elp_taker_access {
            m.insert("isElpTakerAccess".into(), json!(on));
        }
        Value::Object(m)
    }
}

fn put(m: &mut Map<String, Value>, key: &str, v: Option<String>) {
    if let Some(v) = v {
        m.insert(key.into(), Value::String(v));
    }
}

/// Cancels one order (`cancel-order` / `batch-cancel-orders`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[must_use = "a request does nothing until it is sent"]
pub struct CancelOrder {
    /// Instrument id; sent as its `instIdCode`.
    pub inst_id: String,
    /// Order id (this or `cl_ord_id`).
    pub ord_id: Option<String>,
    /// Client order id.
    pub cl_ord_id: Option<String>,
}

impl CancelOrder {
    /// By OKX order id.
    pub fn by_ord_id(inst_id: impl Into<String>, ord_id: impl Into<String>) -> Self {
        CancelOrder {
            inst_id: inst_id.into(),
            ord_id: Some(ord_id.into()),
            cl_ord_id: None,
        }
    }

    /// By client order id.
    pub fn by_cl_ord_id(inst_id: impl Into<String>, cl_ord_id: impl Into<String>) -> Self {
        CancelOrder {
            inst_id: inst_id.into(),
            ord_id: None,
            cl_ord_id: Some(cl_ord_id.into()),
        }
    }

    pub(crate) fn to_wire(&self, code: i64) -> Value {
        let mut m = Map::new();
        m.insert("instIdCode".into(), json!(code));
        put(&mut m, "ordId", self.ord_id.clone());
        put(&mut m, "clOrdId", self.cl_ord_id.clone());
        Value::Object(m)
    }
}

/// Amends one order (`amend-order` / `batch-amend-orders`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[must_use = "a request does nothing until it is sent"]
pub struct AmendOrder {
    /// Instrument id; sent as its `instIdCode`.
    pub inst_id: String,
    /// Order id (this or `cl_ord_id`).
    pub ord_id: Option<String>,
    /// Client order id.
    pub cl_ord_id: Option<String>,
    /// Client amend request id, echoed in the result and the `orders` push.
    pub req_id: Option<String>,
    /// New quantity.
    pub new_sz: Option<Decimal>,
    /// New price.
    pub new_px: Option<Decimal>,
    /// Cancel the order if the amend fails.
    pub cxl_on_fail: Option<bool>,
}

impl AmendOrder {
    /// Amends the order with this OKX id; set `new_px` / `new_sz`.
    pub fn by_ord_id(inst_id: impl Into<String>, ord_id: impl Into<String>) -> Self {
        AmendOrder {
            inst_id: inst_id.into(),
            ord_id: Some(ord_id.into()),
            cl_ord_id: None,
            req_id: None,
            new_sz: None,
            new_px: None,
            cxl_on_fail: None,
        }
    }

    /// Amends the order with this client order id.
    pub fn by_cl_ord_id(inst_id: impl Into<String>, cl_ord_id: impl Into<String>) -> Self {
        AmendOrder {
            ord_id: None,
            cl_ord_id: Some(cl_ord_id.into()),
            ..Self::by_ord_id(inst_id, "")
        }
    }

    /// Sets the new price.
    pub fn new_px(mut self, px: Decimal) -> Self {
        self.new_px = Some(px);
        self
    }

    /// Cancel the order when the amend fails.
    pub fn cxl_on_fail(mut self, on: bool) -> Self {
        self.cxl_on_fail = Some(on);
        self
    }

    /// Sets the amend request id OKX echoes.
    pub fn req_id(mut self, id: impl Into<String>) -> Self {
        self.req_id = Some(id.into());
        self
    }

    /// Sets the new size.
    pub fn new_sz(mut self, sz: Decimal) -> Self {
        self.new_sz = Some(sz);
        self
    }

    pub(crate) fn to_wire(&self, code: i64) -> Value {
        let mut m = Map::new();
        m.insert("instIdCode".into(), json!(code));
        put(&mut m, "ordId", self.ord_id.clone());
        put(&mut m, "clOrdId", self.cl_ord_id.clone());
        put(&mut m, "reqId", self.req_id.clone());
        put(&mut m, "newSz", self.new_sz.map(|d| d.to_string()));
        put(&mut m, "newPx", self.new_px.map(|d| d.to_string()));
        if let Some(c) = self.cxl_on_fail {
            m.insert("cxlOnFail".into(), json!(c));
        }
        Value::Object(m)
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

/// A successful item of a trading operation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OrderAck {
    /// OKX order id.
    pub ord_id: String,
    /// Client order id (empty when none was given).
    pub cl_ord_id: String,
    /// Order tag.
    pub tag: String,
    /// Amend request id (amend operations).
    pub req_id: String,
    /// Processing time, Unix ms.
    pub ts: Option<i64>,
    /// `subCode` (place and amend, since 2026-03-10); empty when none.
    pub sub_code: String,
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
                    ord_id: r.ord_id,
                    cl_ord_id: r.cl_ord_id,
                    tag: r.tag,
                    req_id: r.req_id,
                    ts: r.ts,
                    sub_code: r.sub_code,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_go_out_with_inst_id_code_not_inst_id() {
        let order = PlaceOrder::limit(
            "BTC-USDT",
            Side::Buy,
            Decimal::new(1, 3),
            Decimal::new(30000, 0),
        )
        .cl_ord_id("abc1");
        let wire = order.to_wire(10459);
        assert_eq!(wire["instIdCode"], 10459);
        assert!(wire.get("instId").is_none());
        assert_eq!(wire["sz"], "0.001");
        assert_eq!(wire["px"], "30000");
        assert_eq!(wire["ordType"], "limit");
        assert_eq!(wire["clOrdId"], "abc1");
    }

    #[test]
    fn reads_ccxt_batch_response_items() {
        let data = r#"[{"tag":"t","ordId":"599823446566084608","clOrdId":"c1","sCode":"0","sMsg":"ok"},
                       {"ordId":"","clOrdId":"c2","sCode":"51008","sMsg":"Insufficient balance"}]"#;
        let out = items(data).unwrap();
        assert_eq!(
            out[0].as_ref().map(|a| a.ord_id.as_str()),
            Ok("599823446566084608")
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
    fn rpi_orders_and_taker_access_go_on_the_wire() {
        let maker = PlaceOrder::rpi("BTC-USDT", Side::Sell, Decimal::ONE, Decimal::new(30001, 0));
        let wire = maker.to_wire(10459);
        assert_eq!(
            (wire["ordType"].as_str(), wire["px"].as_str()),
            (Some("rpi"), Some("30001"))
        );
        assert!(wire.get("rpiTakerAccess").is_none());
        let taker = PlaceOrder::market("BTC-USDT", Side::Buy, Decimal::ONE).rpi_taker_access(true);
        assert_eq!(taker.to_wire(10459)["rpiTakerAccess"], true);
    }

    #[test]
    fn sub_code_reaches_acks_and_errors() {
        let data = r#"[{"ordId":"1","sCode":"0","sMsg":"","subCode":""},
                       {"ordId":"","clOrdId":"c2","sCode":"51008","sMsg":"x","subCode":"3"}]"#;
        let out = items(data).unwrap();
        assert_eq!(out[0].as_ref().map(|a| a.sub_code.as_str()), Ok(""));
        assert_eq!(out[1].as_ref().map_err(|e| e.sub_code.as_str()), Err("3"));
    }
}
