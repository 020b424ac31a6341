//! Typed order entry that never duplicates an order.
//!
//! Every place carries a `clOrdId` (generated when the caller gives none)
//! and an `expTime` header. When the answer is lost (timeout, dropped
//! connection, gateway 5xx, OKX's own 50004/51149), the client asks OKX for
//! the order by `clOrdId` before it sends anything again. OKX keeps
//! `clOrdId`s unique only among live orders (a filled IOC's id can be used
//! again), so "not found" is trusted only once `expTime` has passed: after
//! that OKX can no longer act on the lost request.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use okx_models::{ClOrdId, Instrument, OrdType, Order, PosSide, Side, TdMode};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::client::{Repeat, RestClient};
use crate::error::{Error, Invalid, ItemResult, OkxCode, WriteOutcome};
use crate::request::{LimitScope, LimitUnit, Method, OrderOp, RateLimit, Request};
use crate::wire::{decode, decode_items};

/// OKX's largest batch.
pub const MAX_BATCH: usize = 20;

const PER_INSTRUMENT: RateLimit = RateLimit {
    count: 60,
    window_ms: 2000,
    unit: LimitUnit::Requests,
    scope: LimitScope::UidInstIdOrFamily,
};

/// `POST /api/v5/trade/order`: one new order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
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
}

impl PlaceOrder {
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
        }
    }

    /// Sets the client order id.
    pub fn cl_ord_id(mut self, id: impl Into<String>) -> Self {
        self.cl_ord_id = Some(id.into());
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

/// A fresh `clOrdId`: time, a process counter and the process id in base
/// 36, so ids differ across calls, clients and restarts.
pub fn new_cl_ord_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut id = String::with_capacity(32);
    id.push('r');
    push_base36(&mut id, nanos);
    push_base36(&mut id, u128::from(std::process::id()));
    push_base36(&mut id, u128::from(n));
    id.truncate(32);
    id
}

fn push_base36(out: &mut String, mut v: u128) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut buf = [0u8; 26];
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
    type Response = OrderAck;

    fn limit_key(&self) -> Option<&str> {
        Some(&self.inst_id)
    }
}

/// `POST /api/v5/trade/batch-orders`: up to 20 new orders.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
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
    type Response = OrderAck;

    fn limit_key(&self) -> Option<&str> {
        self.0.first().map(|o| o.inst_id.as_str())
    }

    fn cost(&self) -> u32 {
        u32::try_from(self.0.len()).unwrap_or(u32::MAX)
    }
}

/// OKX's answer to a place, amend or cancel: which order, and its
/// `sCode`/`sMsg` (always `0` here; failures become [`ItemResult`]s).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
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
}

/// `POST /api/v5/trade/amend-order`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
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

impl Request for AmendOrder {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v5/trade/amend-order";
    const SIGNED: bool = true;
    const RATE_LIMIT: RateLimit = PER_INSTRUMENT;
    const ORDER_OP: OrderOp = OrderOp::Amend;
    type Response = OrderAck;

    fn limit_key(&self) -> Option<&str> {
        Some(&self.inst_id)
    }
}

/// `POST /api/v5/trade/cancel-order`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
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

fn check_ids(ord_id: &Option<String>, cl_ord_id: &Option<String>) -> Result<(), Invalid> {
    match (ord_id, cl_ord_id) {
        (None, None) => Err(Invalid::MissingId),
        (_, Some(id)) => check_cl_ord_id(id),
        _ => Ok(()),
    }
}

/// The one item of a single-order answer (failures were already turned
/// into [`Error::Api`] with the item's `sCode`).
fn single(items: Vec<OrderAck>, status: u16, path: &'static str) -> Result<OrderAck, Error> {
    items.into_iter().next().ok_or_else(|| Error::Http {
        status,
        path,
        body: "empty data in an order answer".into(),
    })
}

fn ack_of(order: &Order) -> OrderAck {
    OrderAck {
        ord_id: order.ord_id.as_str().to_owned(),
        cl_ord_id: order
            .cl_ord_id
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
        tag: order.tag.clone(),
        s_code: "0".into(),
        ..OrderAck::default()
    }
}

impl RestClient {
    /// Places one order, exactly once.
    ///
    /// Checks it locally, gives it a `clOrdId` if it has none, and sends it
    /// with an `expTime`. If the answer is lost, asks OKX for the order by
    /// `clOrdId`: found means placed; "not found" after `expTime` means it
    /// never will be, and only then is it sent again.
    pub async fn place_order(&self, order: PlaceOrder) -> Result<OrderAck, Error> {
        self.place(order, None).await
    }

    /// [`RestClient::place_order`] with the lot-size check against the
    /// instrument.
    pub async fn place_order_for(
        &self,
        order: PlaceOrder,
        instrument: &Instrument,
    ) -> Result<OrderAck, Error> {
        self.place(order, Some(instrument)).await
    }

    async fn place(
        &self,
        mut order: PlaceOrder,
        inst: Option<&Instrument>,
    ) -> Result<OrderAck, Error> {
        order.check(inst)?;
        let cl_ord_id = order.cl_ord_id.get_or_insert_with(new_cl_ord_id).clone();
        let mut sends = 0;
        loop {
            sends += 1;
            let mut exp = Some(self.new_exp_time());
            let result = self
                .send_with(&order, Repeat::Rejected, &mut exp, |status, bytes| {
                    decode::<OrderAck>(status, PlaceOrder::PATH, bytes)
                        .and_then(|items| single(items, status, PlaceOrder::PATH))
                })
                .await;
            let err = match result {
                Ok(ack) => return Ok(ack),
                Err(e) if e.write_outcome() == WriteOutcome::Unknown => e,
                Err(e) => return Err(e),
            };
            tracing::warn!(%cl_ord_id, error = %err, "place outcome unknown; looking the order up");
            let exp = exp.unwrap_or_else(|| self.new_exp_time());
            match self.resolve(&order.inst_id, &cl_ord_id, exp).await {
                Ok(Some(found)) => return Ok(ack_of(&found)),
                Ok(None) if sends <= self.max_resends() => continue,
                Ok(None) => return Err(err),
                Err(source) => {
                    return Err(Error::OutcomeUnknown {
                        cl_ord_id,
                        source: Box::new(source),
                    });
                }
            }
        }
    }

    fn max_resends(&self) -> u32 {
        2
    }

    /// Looks an order up by `clOrdId` until it is found, or until OKX's
    /// "not found" can be trusted because `exp_time` (server ms) passed.
    pub(crate) async fn resolve(
        &self,
        inst_id: &str,
        cl_ord_id: &str,
        exp_time: i64,
    ) -> Result<Option<Order>, Error> {
        let query = GetOrder {
            inst_id: inst_id.to_owned(),
            ord_id: None,
            cl_ord_id: Some(cl_ord_id.to_owned()),
        };
        // Margin for the gap between our clock estimate and OKX's.
        const MARGIN_MS: i64 = 250;
        loop {
            let found = match self.send(&query).await {
                Ok(mut orders) if !orders.is_empty() => return Ok(Some(orders.swap_remove(0))),
                Ok(_) => false,
                Err(e) if e.okx_code() == Some(OkxCode::ORDER_NOT_FOUND) => false,
                Err(e) => return Err(e),
            };
            debug_assert!(!found);
            let left = exp_time + MARGIN_MS - self.clock().now_millis();
            if left < 0 {
                return Ok(None);
            }
            tokio::time::sleep(Duration::from_millis(left.unsigned_abs() + 1)).await;
        }
    }

    /// Places up to 20 orders in one request; one result per order, in
    /// order. Each order gets a `clOrdId` if it has none. If the answer is
    /// lost, each order is looked up by `clOrdId`; orders OKX never placed
    /// are sent again in one new batch.
    pub async fn place_batch(
        &self,
        mut orders: Vec<PlaceOrder>,
    ) -> Result<Vec<Result<OrderAck, ItemResult>>, Error> {
        if orders.is_empty() || orders.len() > MAX_BATCH {
            return Err(Invalid::BatchSize(orders.len()).into());
        }
        for o in &mut orders {
            o.check(None)?;
            o.cl_ord_id.get_or_insert_with(new_cl_ord_id);
        }
        let batch = PlaceBatch(orders);
        let mut exp = Some(self.new_exp_time());
        let result = self
            .send_with(&batch, Repeat::Rejected, &mut exp, |status, bytes| {
                decode_items::<OrderAck>(status, PlaceBatch::PATH, bytes)
            })
            .await;
        let err = match result {
            Ok(items) => return Ok(items),
            Err(e) if e.write_outcome() == WriteOutcome::Unknown => e,
            Err(e) => return Err(e),
        };
        tracing::warn!(error = %err, "batch outcome unknown; looking the orders up");
        let exp = exp.unwrap_or_else(|| self.new_exp_time());
        let mut out: Vec<Option<Result<OrderAck, ItemResult>>> = vec![None; batch.0.len()];
        let mut missing = Vec::new();
        for (i, o) in batch.0.iter().enumerate() {
            let cl = o.cl_ord_id.clone().unwrap_or_default();
            match self.resolve(&o.inst_id, &cl, exp).await {
                Ok(Some(found)) => out[i] = Some(Ok(ack_of(&found))),
                Ok(None) => missing.push(i),
                Err(source) => {
                    return Err(Error::OutcomeUnknown {
                        cl_ord_id: cl,
                        source: Box::new(source),
                    });
                }
            }
        }
        if !missing.is_empty() {
            let again = PlaceBatch(missing.iter().map(|&i| batch.0[i].clone()).collect());
            let mut exp = Some(self.new_exp_time());
            let items = self
                .send_with(&again, Repeat::Rejected, &mut exp, |status, bytes| {
                    decode_items::<OrderAck>(status, PlaceBatch::PATH, bytes)
                })
                .await?;
            for (&i, mut item) in missing.iter().zip(items) {
                if let Err(e) = &mut item {
                    e.index = i;
                }
                out[i] = Some(item);
            }
        }
        Ok(out
            .into_iter()
            .enumerate()
            .map(|(index, r)| {
                r.unwrap_or_else(|| {
                    Err(ItemResult {
                        index,
                        code: OkxCode::ENDPOINT_TIMEOUT,
                        msg: "no result for this order".into(),
                        cl_ord_id: batch.0[index]
                            .cl_ord_id
                            .as_deref()
                            .and_then(|c| ClOrdId::new(c).ok()),
                        ..ItemResult::default()
                    })
                })
            })
            .collect())
    }

    /// Amends an order (with an `expTime`). A rate-limited amend is sent
    /// again; a lost answer is reported as [`WriteOutcome::Unknown`].
    pub async fn amend_order(&self, amend: AmendOrder) -> Result<OrderAck, Error> {
        check_ids(&amend.ord_id, &amend.cl_ord_id)?;
        if let Some(id) = &amend.req_id {
            check_cl_ord_id(id)?;
        }
        let mut exp = Some(self.new_exp_time());
        self.send_with(&amend, Repeat::Rejected, &mut exp, |status, bytes| {
            decode::<OrderAck>(status, AmendOrder::PATH, bytes)
                .and_then(|items| single(items, status, AmendOrder::PATH))
        })
        .await
    }

    /// Cancels an order. A rate-limited cancel is sent again.
    pub async fn cancel_order(&self, cancel: CancelOrder) -> Result<OrderAck, Error> {
        check_ids(&cancel.ord_id, &cancel.cl_ord_id)?;
        self.send_with(&cancel, Repeat::Rejected, &mut None, |status, bytes| {
            decode::<OrderAck>(status, CancelOrder::PATH, bytes)
                .and_then(|items| single(items, status, CancelOrder::PATH))
        })
        .await
    }

    /// One order by `ordId` or `clOrdId`.
    pub async fn get_order(&self, query: GetOrder) -> Result<Option<Order>, Error> {
        check_ids(&query.ord_id, &query.cl_ord_id)?;
        match self.send(&query).await {
            Ok(mut v) if !v.is_empty() => Ok(Some(v.swap_remove(0))),
            Ok(_) => Ok(None),
            Err(e) if e.okx_code() == Some(OkxCode::ORDER_NOT_FOUND) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_valid_and_distinct() {
        let a = new_cl_ord_id();
        let b = new_cl_ord_id();
        assert_ne!(a, b);
        check_cl_ord_id(&a).expect("valid");
        assert!(a.len() <= 32);
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
