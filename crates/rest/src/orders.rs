//! Typed order entry that never duplicates an order.
//!
//! Every place carries a `clOrdId` (generated when the caller gives none)
//! and an `expTime` header. When the answer is lost (timeout, dropped
//! connection, gateway 5xx, OKX's own 50004/51149), the client asks OKX for
//! the order by `clOrdId` before it sends anything again. OKX keeps
//! `clOrdId`s unique only among live orders (a filled IOC's id can be used
//! again), so "not found" is trusted only once `expTime` has passed: after
//! that OKX can no longer act on the lost request.
//!
//! This module holds the request types and the local checks; the methods
//! that run the protocol are on [`RestClient`](crate::RestClient):
//! `place_order`, `place_order_for`, `place_batch`, `amend_order`,
//! `cancel_order` and `get_order`.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use okx_models::{Instrument, OrdType, Order, PosSide, Side, TdMode};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::Invalid;
use crate::request::{
    Applies, ExtraLimit, LimitScope, LimitUnit, Method, OrderOp, RateLimit, Request,
};

/// OKX's largest batch.
pub const MAX_BATCH: usize = 20;

pub(crate) const PER_INSTRUMENT: RateLimit = RateLimit {
    count: 60,
    window_ms: 2000,
    unit: LimitUnit::Requests,
    scope: LimitScope::UidInstIdOrFamily,
};

/// Lead traders' limit on lead instruments for place and amend: 4
/// requests per 2 s per instrument.
pub(crate) const LEAD_REQUESTS: &[ExtraLimit] = &[ExtraLimit {
    limit: RateLimit {
        count: 4,
        window_ms: 2000,
        unit: LimitUnit::Requests,
        scope: LimitScope::UidInstIdOrFamily,
    },
    applies: Applies::LeadTrader,
}];

/// The same for batch place: 4 orders per 2 s per instrument.
pub(crate) const LEAD_ORDERS: &[ExtraLimit] = &[ExtraLimit {
    limit: RateLimit {
        count: 4,
        window_ms: 2000,
        unit: LimitUnit::Orders,
        scope: LimitScope::UidInstIdOrFamily,
    },
    applies: Applies::LeadTrader,
}];

/// `POST /api/v5/trade/order`: one new order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
#[must_use = "a request does nothing until it is sent"]
pub struct PlaceOrder {
    /// Instrument, e.g. `BTC-USDT`.
    pub inst_id: String,
    /// Trade mode.
    pub td_mode: TdMode,
    /// Buy or sell.
    pub side: Side,
    /// Order type.
    pub ord_type: OrdType,
    /// Size (base currency, contracts, or quote currency per `tgtCcy`).
    #[serde(with = "okx_models::num::decimal")]
    pub sz: Decimal,
    /// Price; required for every type but market and optimal_limit_ioc.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "okx_models::num::opt_decimal"
    )]
    pub px: Option<Decimal>,
    /// Client order id (1–32 letters and digits); generated when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cl_ord_id: Option<String>,
    /// Position side (long/short mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pos_side: Option<PosSide>,
    /// Only reduce a position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reduce_only: Option<bool>,
    /// `base_ccy` or `quote_ccy` for spot market orders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tgt_ccy: Option<String>,
    /// Margin currency (cross margin in spot/futures mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ccy: Option<String>,
    /// Order tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Lets this API order take RPI (retail price improvement) liquidity
    /// (`rpiTakerAccess`; limit, market, FOK and IOC orders).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rpi_taker_access: Option<bool>,
    /// Lets this API order take ELP liquidity (`isElpTakerAccess`; kept
    /// while OKX documents ELP, which RPI replaces by 2026-10-31).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_elp_taker_access: Option<bool>,
}

impl PlaceOrder {
    /// A retail-price-improvement maker order (`ordType=rpi`, post-only,
    /// rests only against non-API takers and API takers that opt in).
    pub fn rpi(
        inst_id: impl Into<String>,
        td_mode: TdMode,
        side: Side,
        sz: Decimal,
        px: Decimal,
    ) -> Self {
        let mut o = Self::limit(inst_id, td_mode, side, sz, px);
        o.ord_type = OrdType::Rpi;
        o
    }

    /// Opts this order in to taking RPI liquidity (`rpiTakerAccess`).
    pub fn rpi_taker_access(mut self, on: bool) -> Self {
        self.rpi_taker_access = Some(on);
        self
    }

    /// A limit order.
    pub fn limit(
        inst_id: impl Into<String>,
        td_mode: TdMode,
        side: Side,
        sz: Decimal,
        px: Decimal,
    ) -> Self {
        let mut o = Self::market(inst_id, td_mode, side, sz);
        o.ord_type = OrdType::Limit;
        o.px = Some(px);
        o
    }

    /// A market order.
    pub fn market(inst_id: impl Into<String>, td_mode: TdMode, side: Side, sz: Decimal) -> Self {
        PlaceOrder {
            inst_id: inst_id.into(),
            td_mode,
            side,
            ord_type: OrdType::Market,
            sz,
            px: None,
            cl_ord_id: None,
            pos_side: None,
            reduce_only: None,
            tgt_ccy: None,
            ccy: None,
            tag: None,
            rpi_taker_access: None,
            is_elp_taker_access: None,
        }
    }

    /// Sets the client order id.
    pub fn cl_ord_id(mut self, id: impl Into<String>) -> Self {
        self.cl_ord_id = Some(id.into());
        self
    }

    /// Sets the position side (long/short mode).
    pub fn pos_side(mut self, pos_side: PosSide) -> Self {
        self.pos_side = Some(pos_side);
        self
    }

    /// Only reduce a position.
    pub fn reduce_only(mut self, on: bool) -> Self {
        self.reduce_only = Some(on);
        self
    }

    /// Sets the size unit of a spot market order (`base_ccy`, `quote_ccy`).
    pub fn tgt_ccy(mut self, tgt_ccy: impl Into<String>) -> Self {
        self.tgt_ccy = Some(tgt_ccy.into());
        self
    }

    /// Sets the margin currency.
    pub fn ccy(mut self, ccy: impl Into<String>) -> Self {
        self.ccy = Some(ccy.into());
        self
    }

    /// Sets the order tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tag = Some(tag.into());
        self
    }

    /// The checks OKX would make that need no account state: `clOrdId`
    /// format, a price where the type needs one, a positive size, and with
    /// the instrument, a whole number of lots.
    pub fn check(&self, instrument: Option<&Instrument>) -> Result<(), Invalid> {
        if let Some(id) = &self.cl_ord_id {
            check_cl_ord_id(id)?;
        }
        let priced = !matches!(self.ord_type, OrdType::Market | OrdType::OptimalLimitIoc);
        if priced && self.px.is_none() {
            return Err(Invalid::MissingPrice(self.ord_type.as_str().to_owned()));
        }
        if self.sz <= Decimal::ZERO {
            return Err(Invalid::Size(self.sz.to_string()));
        }
        if let Some(inst) = instrument {
            if inst.inst_id.as_str() != self.inst_id {
                return Err(Invalid::Instrument {
                    order: self.inst_id.clone(),
                    instrument: inst.inst_id.as_str().to_owned(),
                });
            }
            // Spot orders sized in quote currency are not counted in lots.
            let in_quote = self.tgt_ccy.as_deref() == Some("quote_ccy");
            let lot = inst.lot_sz.filter(|l| *l > Decimal::ZERO && !in_quote);
            if let Some(lot) = lot.filter(|lot| !(self.sz % *lot).is_zero()) {
                return Err(Invalid::LotSize {
                    sz: self.sz.to_string(),
                    lot_sz: lot.to_string(),
                });
            }
        }
        Ok(())
    }
}

/// OKX's `clOrdId` rule: 1–32 ASCII letters or digits.
pub fn check_cl_ord_id(id: &str) -> Result<(), Invalid> {
    if id.is_empty() || id.len() > 32 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Invalid::ClOrdId(id.to_owned()));
    }
    Ok(())
}

/// A fresh `clOrdId`: the time the process first made one and the process
/// id, then a process counter, in base 36, so ids differ across calls,
/// clients and restarts. The prefix is made once: valuing the time in
/// base 36 (128-bit divisions) cost more than the rest of the id.
pub fn new_cl_ord_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static PREFIX: OnceLock<String> = OnceLock::new();
    let prefix = PREFIX.get_or_init(|| {
        // Nanoseconds since 1970 fit 64 bits until the year 2554.
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        let mut prefix = String::with_capacity(32);
        prefix.push('r');
        push_base36(&mut prefix, nanos);
        push_base36(&mut prefix, u64::from(std::process::id()));
        prefix
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut id = String::with_capacity(32);
    id.push_str(prefix);
    push_base36(&mut id, n);
    id.truncate(32);
    id
}

fn push_base36(out: &mut String, mut v: u64) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = [0u8; 13];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = DIGITS[(v % 36) as usize];
        v /= 36;
        if v == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&b| char::from(b)));
}

impl Request for PlaceOrder {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v5/trade/order";
    const SIGNED: bool = true;
    const RATE_LIMIT: RateLimit = PER_INSTRUMENT;
    const ORDER_OP: OrderOp = OrderOp::Place;
    const EXTRA_LIMITS: &'static [ExtraLimit] = LEAD_REQUESTS;
    type Response = OrderAck;

    fn limit_key(&self) -> Option<&str> {
        Some(&self.inst_id)
    }
}

/// `POST /api/v5/trade/batch-orders`: up to 20 new orders.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
#[must_use = "a request does nothing until it is sent"]
pub struct PlaceBatch(pub Vec<PlaceOrder>);

impl Request for PlaceBatch {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v5/trade/batch-orders";
    const SIGNED: bool = true;
    const RATE_LIMIT: RateLimit = RateLimit {
        count: 300,
        window_ms: 2000,
        unit: LimitUnit::Orders,
        scope: LimitScope::UidInstIdOrFamily,
    };
    const ORDER_OP: OrderOp = OrderOp::Place;
    const EXTRA_LIMITS: &'static [ExtraLimit] = LEAD_ORDERS;
    type Response = OrderAck;

    fn limit_key(&self) -> Option<&str> {
        self.0.first().map(|o| o.inst_id.as_str())
    }

    fn item_keys(&self) -> Vec<&str> {
        self.0.iter().map(|o| o.inst_id.as_str()).collect()
    }

    fn cost(&self) -> u32 {
        u32::try_from(self.0.len()).unwrap_or(u32::MAX)
    }
}

/// OKX's answer to a place, amend or cancel: which order, and its
/// `sCode`/`sMsg` (always `0` here; failures become [`crate::ItemResult`]s).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OrderAck {
    /// OKX order id.
    #[serde(default)]
    pub ord_id: String,
    /// Client order id.
    #[serde(default)]
    pub cl_ord_id: String,
    /// Order tag.
    #[serde(default)]
    pub tag: String,
    /// Amend request id, echoed.
    #[serde(default)]
    pub req_id: String,
    /// OKX processing time, Unix ms.
    #[serde(default, with = "okx_models::num::opt_int")]
    pub ts: Option<i64>,
    /// `sCode`.
    #[serde(default, rename = "sCode")]
    pub s_code: String,
    /// `sMsg`.
    #[serde(default, rename = "sMsg")]
    pub s_msg: String,
    /// `subCode` (place and amend, since 2026-03-10); `""` when none.
    #[serde(default, rename = "subCode")]
    pub sub_code: String,
}

/// `POST /api/v5/trade/amend-order`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
#[must_use = "a request does nothing until it is sent"]
pub struct AmendOrder {
    /// Instrument.
    pub inst_id: String,
    /// OKX order id (wins over `cl_ord_id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ord_id: Option<String>,
    /// Client order id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cl_ord_id: Option<String>,
    /// New total size, including what has filled.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "okx_models::num::opt_decimal"
    )]
    pub new_sz: Option<Decimal>,
    /// New price.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "okx_models::num::opt_decimal"
    )]
    pub new_px: Option<Decimal>,
    /// Cancel the order when the amend fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cxl_on_fail: Option<bool>,
    /// Request id echoed in the answer (1–32 letters and digits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub req_id: Option<String>,
}

impl AmendOrder {
    /// Amends the order with this OKX id; set the new price or size.
    pub fn by_ord_id(inst_id: impl Into<String>, ord_id: impl Into<String>) -> Self {
        Self {
            inst_id: inst_id.into(),
            ord_id: Some(ord_id.into()),
            ..Self::default()
        }
    }

    /// Amends the order with this client order id.
    pub fn by_cl_ord_id(inst_id: impl Into<String>, cl_ord_id: impl Into<String>) -> Self {
        Self {
            inst_id: inst_id.into(),
            cl_ord_id: Some(cl_ord_id.into()),
            ..Self::default()
        }
    }

    /// Sets the new price.
    pub fn new_px(mut self, px: Decimal) -> Self {
        self.new_px = Some(px);
        self
    }

    /// Sets the new total size (filled part included).
    pub fn new_sz(mut self, sz: Decimal) -> Self {
        self.new_sz = Some(sz);
        self
    }

    /// Cancel the order when the amend fails.
    pub fn cxl_on_fail(mut self, on: bool) -> Self {
        self.cxl_on_fail = Some(on);
        self
    }

    /// Sets the request id OKX echoes.
    pub fn req_id(mut self, id: impl Into<String>) -> Self {
        self.req_id = Some(id.into());
        self
    }
}

impl Request for AmendOrder {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v5/trade/amend-order";
    const SIGNED: bool = true;
    const RATE_LIMIT: RateLimit = PER_INSTRUMENT;
    const ORDER_OP: OrderOp = OrderOp::Amend;
    const EXTRA_LIMITS: &'static [ExtraLimit] = LEAD_REQUESTS;
    type Response = OrderAck;

    fn limit_key(&self) -> Option<&str> {
        Some(&self.inst_id)
    }
}

/// `POST /api/v5/trade/cancel-order`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
#[must_use = "a request does nothing until it is sent"]
pub struct CancelOrder {
    /// Instrument.
    pub inst_id: String,
    /// OKX order id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ord_id: Option<String>,
    /// Client order id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cl_ord_id: Option<String>,
}

impl CancelOrder {
    /// Cancels the order with this OKX id.
    pub fn by_ord_id(inst_id: impl Into<String>, ord_id: impl Into<String>) -> Self {
        Self {
            inst_id: inst_id.into(),
            ord_id: Some(ord_id.into()),
            cl_ord_id: None,
        }
    }

    /// Cancels the order with this client order id.
    pub fn by_cl_ord_id(inst_id: impl Into<String>, cl_ord_id: impl Into<String>) -> Self {
        Self {
            inst_id: inst_id.into(),
            ord_id: None,
            cl_ord_id: Some(cl_ord_id.into()),
        }
    }
}

impl Request for CancelOrder {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v5/trade/cancel-order";
    const SIGNED: bool = true;
    const RATE_LIMIT: RateLimit = PER_INSTRUMENT;
    const ORDER_OP: OrderOp = OrderOp::Cancel;
    type Response = OrderAck;

    fn limit_key(&self) -> Option<&str> {
        Some(&self.inst_id)
    }
}

/// `GET /api/v5/trade/order`: one order by `ordId` or `clOrdId`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
#[must_use = "a request does nothing until it is sent"]
pub struct GetOrder {
    /// Instrument.
    pub inst_id: String,
    /// OKX order id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ord_id: Option<String>,
    /// Client order id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cl_ord_id: Option<String>,
}

impl GetOrder {
    /// The order with this OKX id.
    pub fn by_ord_id(inst_id: impl Into<String>, ord_id: impl Into<String>) -> Self {
        Self {
            inst_id: inst_id.into(),
            ord_id: Some(ord_id.into()),
            cl_ord_id: None,
        }
    }

    /// The order with this client order id.
    pub fn by_cl_ord_id(inst_id: impl Into<String>, cl_ord_id: impl Into<String>) -> Self {
        Self {
            inst_id: inst_id.into(),
            ord_id: None,
            cl_ord_id: Some(cl_ord_id.into()),
        }
    }
}

impl Request for GetOrder {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v5/trade/order";
    const SIGNED: bool = true;
    const RATE_LIMIT: RateLimit = PER_INSTRUMENT;
    type Response = Order;

    fn limit_key(&self) -> Option<&str> {
        Some(&self.inst_id)
    }
}

pub(crate) fn check_ids(
    ord_id: &Option<String>,
    cl_ord_id: &Option<String>,
) -> Result<(), Invalid> {
    match (ord_id, cl_ord_id) {
        (None, None) => Err(Invalid::MissingId),
        (_, Some(id)) => check_cl_ord_id(id),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_valid_and_distinct() {
        let ids: Vec<String> = (0..10_000).map(|_| new_cl_ord_id()).collect();
        let distinct: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
        for id in &ids {
            check_cl_ord_id(id).expect("valid");
        }
        let digits = |v| {
            let mut s = String::new();
            push_base36(&mut s, v);
            s
        };
        assert_eq!(digits(0), "0");
        assert_eq!(digits(35), "z");
        assert_eq!(digits(36), "10");
        assert_eq!(digits(u64::MAX), "3w5e11264sgsf");
    }

    #[test]
    fn local_checks() {
        let one = Decimal::ONE;
        let mut o = PlaceOrder::market("BTC-USDT", TdMode::Cash, Side::Buy, one);
        o.ord_type = OrdType::Limit;
        assert_eq!(o.check(None), Err(Invalid::MissingPrice("limit".into())));
        let o =
            PlaceOrder::limit("BTC-USDT", TdMode::Cash, Side::Buy, one, one).cl_ord_id("bad-id");
        assert!(matches!(o.check(None), Err(Invalid::ClOrdId(_))));
        let o = PlaceOrder::limit("BTC-USDT", TdMode::Cash, Side::Buy, Decimal::ZERO, one);
        assert!(matches!(o.check(None), Err(Invalid::Size(_))));
        assert!(check_cl_ord_id(&"a".repeat(33)).is_err());
        assert!(check_ids(&None, &None).is_err());
    }

    #[test]
    fn place_body_is_okx_shaped() {
        let o = PlaceOrder::limit(
            "BTC-USDT",
            TdMode::Cash,
            Side::Sell,
            Decimal::new(15, 1),
            Decimal::new(65000, 0),
        )
        .cl_ord_id("abc1");
        let json = serde_json::to_string(&o).expect("serializes");
        assert_eq!(
            json,
            r#"{"instId":"BTC-USDT","tdMode":"cash","side":"sell","ordType":"limit","sz":"1.5","px":"65000","clOrdId":"abc1"}"#
        );
    }
}
