//! The order-entry vocabulary shared by every route: what a bot sends to
//! place, amend and cancel an order, whether it goes over REST or over the
//! WebSocket, and the acknowledgement it gets back.
//!
//! These carry the full field set of OKX's `trade/order`, `amend-order` and
//! `cancel-order` requests (a test in okx-models compares them with the
//! docs' field tables). REST sends them as JSON bodies as they are; WS
//! trading sends the same fields with `instIdCode` in place of `instId`.
//!
//! ```
//! use okx_models::trade::OrderRequest;
//! use okx_models::{Decimal, Side};
//!
//! let quote = OrderRequest::limit("BTC-USDT", Side::Buy, Decimal::new(1, 3), Decimal::from(30_000))
//!     .post_only()
//!     .cl_ord_id("mm1bid42")?;
//! assert_eq!(quote.to_json()["ordType"], "post_only");
//! # Ok::<(), okx_models::ClOrdIdError>(())
//! ```

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::enums::{OrdType, PosSide, Side, StpMode, TdMode, TgtCcy, TpOrdKind, TriggerPxType};
use crate::ids::{ClOrdId, ClOrdIdError, InstId, OrdId};

/// A take-profit / stop-loss attached to a new order (`attachAlgoOrds[]`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachAlgo {
    /// Client id of the TP/SL order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attach_algo_cl_ord_id: Option<ClOrdId>,
    /// Take-profit trigger price.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::num::opt_decimal"
    )]
    pub tp_trigger_px: Option<Decimal>,
    /// Take-profit order price; `-1` is a market order.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::num::opt_decimal"
    )]
    pub tp_ord_px: Option<Decimal>,
    /// `condition` (default) or `limit` take-profit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tp_ord_kind: Option<TpOrdKind>,
    /// Stop-loss trigger price.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::num::opt_decimal"
    )]
    pub sl_trigger_px: Option<Decimal>,
    /// Stop-loss order price; `-1` is a market order.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::num::opt_decimal"
    )]
    pub sl_ord_px: Option<Decimal>,
    /// What the TP trigger watches (`last`, `index`, `mark`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tp_trigger_px_type: Option<TriggerPxType>,
    /// What the SL trigger watches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sl_trigger_px_type: Option<TriggerPxType>,
    /// Size of this TP/SL (split take-profits).
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::num::opt_decimal"
    )]
    pub sz: Option<Decimal>,
    /// `1`: move the SL trigger to cost once a TP fills.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amend_px_on_trigger_type: Option<String>,
}

/// A new order (`POST /api/v5/trade/order`, WS `order`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[must_use]
pub struct OrderRequest {
    /// Instrument.
    pub inst_id: InstId,
    /// Trade mode: `cash` for spot, `cross` / `isolated` for margin and
    /// derivatives.
    pub td_mode: TdMode,
    /// Margin currency (cross MARGIN in spot-and-futures mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ccy: Option<String>,
    /// Client order id; the order-entry paths give every order one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cl_ord_id: Option<ClOrdId>,
    /// Order tag (up to 16 letters and digits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Buy or sell.
    pub side: Side,
    /// Position side (long/short mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pos_side: Option<PosSide>,
    /// Order type.
    pub ord_type: OrdType,
    /// Size: base currency (SPOT/MARGIN), contracts (derivatives), or quote
    /// currency for SPOT market orders per [`OrderRequest::tgt_ccy`].
    #[serde(with = "crate::num::decimal")]
    pub sz: Decimal,
    /// Price, for every type but `market` and `optimal_limit_ioc`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::num::opt_decimal"
    )]
    pub px: Option<Decimal>,
    /// Options: price in USD.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::num::opt_decimal"
    )]
    pub px_usd: Option<Decimal>,
    /// Options: price as implied volatility.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::num::opt_decimal"
    )]
    pub px_vol: Option<Decimal>,
    /// Only reduce a position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reduce_only: Option<bool>,
    /// Unit of `sz` for SPOT market orders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tgt_ccy: Option<TgtCcy>,
    /// Refuse to have the price amended by OKX's price limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ban_amend: Option<bool>,
    /// `0`: reject a price beyond the limit; `1`: amend it to the limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub px_amend_type: Option<String>,
    /// Quote currency used for trading (unified USD books).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trade_quote_ccy: Option<String>,
    /// Self-trade prevention mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stp_mode: Option<StpMode>,
    /// Attached take-profit / stop-loss.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attach_algo_ords: Vec<AttachAlgo>,
    /// Lets this API order take RPI (retail price improvement) liquidity
    /// (limit, market, FOK and IOC orders).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rpi_taker_access: Option<bool>,
    /// Lets this API order take ELP liquidity (IOC only; kept while OKX
    /// documents ELP, which RPI replaces by 2026-10-31).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_elp_taker_access: Option<bool>,
}

impl OrderRequest {
    /// A limit order; `cash` trade mode (set [`OrderRequest::td_mode`] for
    /// margin and derivatives).
    pub fn limit(inst_id: impl Into<InstId>, side: Side, sz: Decimal, px: Decimal) -> Self {
        OrderRequest {
            ord_type: OrdType::Limit,
            px: Some(px),
            ..Self::market(inst_id, side, sz)
        }
    }

    /// A market order; `cash` trade mode.
    pub fn market(inst_id: impl Into<InstId>, side: Side, sz: Decimal) -> Self {
        OrderRequest {
            inst_id: inst_id.into(),
            td_mode: TdMode::Cash,
            ccy: None,
            cl_ord_id: None,
            tag: None,
            side,
            pos_side: None,
            ord_type: OrdType::Market,
            sz,
            px: None,
            px_usd: None,
            px_vol: None,
            reduce_only: None,
            tgt_ccy: None,
            ban_amend: None,
            px_amend_type: None,
            trade_quote_ccy: None,
            stp_mode: None,
            attach_algo_ords: Vec::new(),
            rpi_taker_access: None,
            is_elp_taker_access: None,
        }
    }

    /// A retail-price-improvement maker order (`ordType=rpi`): post-only,
    /// it rests only against non-API takers and API takers that opt in.
    pub fn rpi(inst_id: impl Into<InstId>, side: Side, sz: Decimal, px: Decimal) -> Self {
        OrderRequest {
            ord_type: OrdType::Rpi,
            ..Self::limit(inst_id, side, sz, px)
        }
    }

    /// Opts this order in to taking RPI liquidity (`rpiTakerAccess`).
    pub fn rpi_taker_access(mut self, on: bool) -> Self {
        self.rpi_taker_access = Some(on);
        self
    }

    /// Whether OKX needs a price for this order type (every type but
    /// `market` and `optimal_limit_ioc`).
    pub fn needs_price(&self) -> bool {
        !matches!(self.ord_type, OrdType::Market | OrdType::OptimalLimitIoc)
    }

    /// Post-only: rests as a maker or is cancelled (OKX's cancel source 31).
    pub fn post_only(mut self) -> Self {
        self.ord_type = OrdType::PostOnly;
        self
    }

    /// Immediate-or-cancel: takes what it can, cancels the rest.
    pub fn ioc(mut self) -> Self {
        self.ord_type = OrdType::Ioc;
        self
    }

    /// Fill-or-kill: fills completely at once or not at all.
    pub fn fok(mut self) -> Self {
        self.ord_type = OrdType::Fok;
        self
    }

    /// Only reduces a position.
    pub fn reduce_only(mut self) -> Self {
        self.reduce_only = Some(true);
        self
    }

    /// Sets the trade mode.
    pub fn td_mode(mut self, td_mode: TdMode) -> Self {
        self.td_mode = td_mode;
        self
    }

    /// Sets the position side (long/short mode).
    pub fn pos_side(mut self, pos_side: PosSide) -> Self {
        self.pos_side = Some(pos_side);
        self
    }

    /// Sets the client order id, checked against OKX's rule.
    pub fn cl_ord_id(mut self, id: &str) -> Result<Self, ClOrdIdError> {
        self.cl_ord_id = Some(ClOrdId::new(id)?);
        Ok(self)
    }

    /// Sets the tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tag = Some(tag.into());
        self
    }

    /// Sets the self-trade prevention mode.
    pub fn stp_mode(mut self, mode: StpMode) -> Self {
        self.stp_mode = Some(mode);
        self
    }

    /// Sets the unit of `sz` for a SPOT market order.
    pub fn tgt_ccy(mut self, unit: TgtCcy) -> Self {
        self.tgt_ccy = Some(unit);
        self
    }

    /// Attaches a take-profit: triggered at `trigger`, executed at `px`
    /// (`None`: at market).
    pub fn take_profit(mut self, trigger: Decimal, px: Option<Decimal>) -> Self {
        let algo = self.attached();
        algo.tp_trigger_px = Some(trigger);
        algo.tp_ord_px = Some(px.unwrap_or(Decimal::NEGATIVE_ONE));
        self
    }

    /// Attaches a stop-loss: triggered at `trigger`, executed at `px`
    /// (`None`: at market).
    pub fn stop_loss(mut self, trigger: Decimal, px: Option<Decimal>) -> Self {
        let algo = self.attached();
        algo.sl_trigger_px = Some(trigger);
        algo.sl_ord_px = Some(px.unwrap_or(Decimal::NEGATIVE_ONE));
        self
    }

    fn attached(&mut self) -> &mut AttachAlgo {
        if self.attach_algo_ords.is_empty() {
            self.attach_algo_ords.push(AttachAlgo::default());
        }
        let last = self.attach_algo_ords.len() - 1;
        &mut self.attach_algo_ords[last]
    }

    /// The request as OKX's JSON object (what REST sends as its body).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The request as a WS trading argument: `instIdCode` in place of
    /// `instId`, which OKX ignores on WS orders since 2026.
    pub fn to_ws_arg(&self, inst_id_code: i64) -> Value {
        with_code(self.to_json(), inst_id_code)
    }
}

fn with_code(v: Value, code: i64) -> Value {
    let mut out = Map::new();
    out.insert("instIdCode".into(), Value::from(code));
    if let Value::Object(fields) = v {
        for (k, v) in fields {
            if k != "instId" {
                out.insert(k, v);
            }
        }
    }
    Value::Object(out)
}

/// An order change (`POST /api/v5/trade/amend-order`, WS `amend-order`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[must_use]
pub struct AmendRequest {
    /// Instrument.
    pub inst_id: InstId,
    /// Cancel the order if the amend fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cxl_on_fail: Option<bool>,
    /// OKX order id (wins over `cl_ord_id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ord_id: Option<OrdId>,
    /// Client order id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cl_ord_id: Option<ClOrdId>,
    /// Request id echoed in the answer and on the `orders` push.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub req_id: Option<ClOrdId>,
    /// New total size, including what has filled.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::num::opt_decimal"
    )]
    pub new_sz: Option<Decimal>,
    /// New price.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::num::opt_decimal"
    )]
    pub new_px: Option<Decimal>,
    /// Options: new price in USD.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::num::opt_decimal"
    )]
    pub new_px_usd: Option<Decimal>,
    /// Options: new price as implied volatility.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "crate::num::opt_decimal"
    )]
    pub new_px_vol: Option<Decimal>,
    /// `0`: reject a price beyond the limit; `1`: amend it to the limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub px_amend_type: Option<String>,
    /// Changes to attached TP/SL orders, as OKX's objects.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attach_algo_ords: Vec<Value>,
}

impl AmendRequest {
    /// Amends the order with this OKX id.
    pub fn by_ord_id(inst_id: impl Into<InstId>, ord_id: impl Into<OrdId>) -> Self {
        AmendRequest {
            ord_id: Some(ord_id.into()),
            ..Self::blank(inst_id.into())
        }
    }

    /// Amends the order with this client id.
    pub fn by_cl_ord_id(inst_id: impl Into<InstId>, cl_ord_id: ClOrdId) -> Self {
        AmendRequest {
            cl_ord_id: Some(cl_ord_id),
            ..Self::blank(inst_id.into())
        }
    }

    fn blank(inst_id: InstId) -> Self {
        AmendRequest {
            inst_id,
            cxl_on_fail: None,
            ord_id: None,
            cl_ord_id: None,
            req_id: None,
            new_sz: None,
            new_px: None,
            new_px_usd: None,
            new_px_vol: None,
            px_amend_type: None,
            attach_algo_ords: Vec::new(),
        }
    }

    /// Sets the new price.
    pub fn new_px(mut self, px: Decimal) -> Self {
        self.new_px = Some(px);
        self
    }

    /// Sets the new total size.
    pub fn new_sz(mut self, sz: Decimal) -> Self {
        self.new_sz = Some(sz);
        self
    }

    /// Cancels the order when the amend fails.
    pub fn cancel_on_fail(mut self) -> Self {
        self.cxl_on_fail = Some(true);
        self
    }

    /// Sets the request id, checked like a client order id.
    pub fn req_id(mut self, id: &str) -> Result<Self, ClOrdIdError> {
        self.req_id = Some(ClOrdId::new(id)?);
        Ok(self)
    }

    /// The request as OKX's JSON object.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The request as a WS trading argument (`instIdCode` for `instId`).
    pub fn to_ws_arg(&self, inst_id_code: i64) -> Value {
        with_code(self.to_json(), inst_id_code)
    }
}

/// An order cancellation (`POST /api/v5/trade/cancel-order`, WS
/// `cancel-order`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[must_use]
pub struct CancelRequest {
    /// Instrument.
    pub inst_id: InstId,
    /// OKX order id (wins over `cl_ord_id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ord_id: Option<OrdId>,
    /// Client order id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cl_ord_id: Option<ClOrdId>,
}

impl CancelRequest {
    /// Cancels the order with this OKX id.
    pub fn by_ord_id(inst_id: impl Into<InstId>, ord_id: impl Into<OrdId>) -> Self {
        CancelRequest {
            inst_id: inst_id.into(),
            ord_id: Some(ord_id.into()),
            cl_ord_id: None,
        }
    }

    /// Cancels the order with this client id.
    pub fn by_cl_ord_id(inst_id: impl Into<InstId>, cl_ord_id: ClOrdId) -> Self {
        CancelRequest {
            inst_id: inst_id.into(),
            ord_id: None,
            cl_ord_id: Some(cl_ord_id),
        }
    }

    /// The request as OKX's JSON object.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The request as a WS trading argument (`instIdCode` for `instId`).
    pub fn to_ws_arg(&self, inst_id_code: i64) -> Value {
        with_code(self.to_json(), inst_id_code)
    }
}

/// OKX's acknowledgement of a place, amend or cancel, on either route.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderAck {
    /// OKX order id.
    pub ord_id: OrdId,
    /// Client order id; `None` when the order has none.
    #[serde(default, with = "crate::wire::opt")]
    pub cl_ord_id: Option<ClOrdId>,
    /// Order tag.
    #[serde(default)]
    pub tag: String,
    /// Amend request id, echoed.
    #[serde(default)]
    pub req_id: String,
    /// OKX's processing time, Unix ms.
    #[serde(default, with = "crate::num::opt_int")]
    pub ts: Option<i64>,
    /// When OKX's gateway received the request, Unix µs (`inTime` of the
    /// answer), when the route reports it.
    #[serde(skip)]
    pub in_time: Option<i64>,
    /// When OKX's gateway sent the answer, Unix µs (`outTime`).
    #[serde(skip)]
    pub out_time: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn an_order_goes_out_in_okx_field_names_and_ws_by_code() {
        let o = OrderRequest::limit("BTC-USDT-SWAP", Side::Sell, dec("2"), dec("30000.5"))
            .td_mode(TdMode::Cross)
            .pos_side(PosSide::Short)
            .reduce_only()
            .stop_loss(dec("31000"), None)
            .take_profit(dec("29000"), Some(dec("28990")))
            .stp_mode(StpMode::CancelMaker)
            .cl_ord_id("q1")
            .unwrap_or_else(|e| panic!("{e}"));
        let v = o.to_json();
        assert_eq!(v["instId"], "BTC-USDT-SWAP");
        assert_eq!(
            (
                v["tdMode"].as_str(),
                v["side"].as_str(),
                v["posSide"].as_str()
            ),
            (Some("cross"), Some("sell"), Some("short"))
        );
        assert_eq!(
            (v["sz"].as_str(), v["px"].as_str()),
            (Some("2"), Some("30000.5"))
        );
        assert_eq!(v["reduceOnly"], true);
        assert_eq!(v["stpMode"], "cancel_maker");
        assert_eq!(v["attachAlgoOrds"][0]["slOrdPx"], "-1");
        assert_eq!(v["attachAlgoOrds"][0]["tpOrdPx"], "28990");
        assert!(
            v.get("ccy").is_none() && v.get("tgtCcy").is_none(),
            "unset fields are left out"
        );
        let ws = o.to_ws_arg(10459);
        assert_eq!(ws["instIdCode"], 10459);
        assert!(ws.get("instId").is_none());
        assert!(
            OrderRequest::market("BTC-USDT", Side::Buy, dec("1"))
                .cl_ord_id("no-dash")
                .is_err()
        );
    }

    #[test]
    fn order_types_by_setter() {
        let base = || OrderRequest::limit("BTC-USDT", Side::Buy, dec("1"), dec("1"));
        assert_eq!(base().post_only().to_json()["ordType"], "post_only");
        assert_eq!(base().ioc().to_json()["ordType"], "ioc");
        assert_eq!(base().fok().to_json()["ordType"], "fok");
        let m = OrderRequest::market("BTC-USDT", Side::Buy, dec("100")).tgt_ccy(TgtCcy::QuoteCcy);
        assert_eq!(m.to_json()["tgtCcy"], "quote_ccy");
        assert!(m.to_json().get("px").is_none());
    }

    #[test]
    fn amend_and_cancel_shapes() {
        let a = AmendRequest::by_ord_id("BTC-USDT", "123")
            .new_px(dec("10"))
            .req_id("r1")
            .unwrap_or_else(|e| panic!("{e}"));
        let v = a.to_json();
        assert_eq!(
            (
                v["ordId"].as_str(),
                v["newPx"].as_str(),
                v["reqId"].as_str()
            ),
            (Some("123"), Some("10"), Some("r1"))
        );
        let c = CancelRequest::by_ord_id("BTC-USDT", "123").to_ws_arg(7);
        assert_eq!(
            (c["instIdCode"].as_i64(), c["ordId"].as_str()),
            (Some(7), Some("123"))
        );
    }
}
