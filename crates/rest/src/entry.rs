//! Order entry in the SDK's one vocabulary ([`okx_models::trade`]): the
//! requests a bot also sends over the WebSocket, with the full field set of
//! OKX's order endpoints, through the place-exactly-once protocol: place,
//! batch with per-item results, amend, cancel, look up.

use std::time::Duration;

use okx_models::trade::{AmendRequest, CancelRequest, OrderAck, OrderRequest};
use okx_models::{ClOrdId, Instrument, Order};
use serde::Serialize;

use crate::api::trade::GetOrder;
use crate::client::{Repeat, RestClient};
use crate::error::{DecodeError, Error, Invalid, ItemResult, OkxCode, WriteOutcome};
use crate::orders::{LEAD_ORDERS, LEAD_REQUESTS, MAX_BATCH, PER_INSTRUMENT, check, new_cl_ord_id};
use crate::request::{ExtraLimit, LimitScope, LimitUnit, Method, OrderOp, RateLimit, Request};
use crate::wire::{decode, decode_items};

impl Request for OrderRequest {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v5/trade/order";
    const SIGNED: bool = true;
    const RATE_LIMIT: RateLimit = PER_INSTRUMENT;
    const ORDER_OP: OrderOp = OrderOp::Place;
    const EXTRA_LIMITS: &'static [ExtraLimit] = LEAD_REQUESTS;
    type Response = OrderAck;

    fn limit_key(&self) -> Option<&str> {
        Some(self.inst_id.as_str())
    }
}

impl Request for AmendRequest {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v5/trade/amend-order";
    const SIGNED: bool = true;
    const RATE_LIMIT: RateLimit = PER_INSTRUMENT;
    const ORDER_OP: OrderOp = OrderOp::Amend;
    const EXTRA_LIMITS: &'static [ExtraLimit] = LEAD_REQUESTS;
    type Response = OrderAck;

    fn limit_key(&self) -> Option<&str> {
        Some(self.inst_id.as_str())
    }
}

impl Request for CancelRequest {
    const METHOD: Method = Method::Post;
    const PATH: &'static str = "/api/v5/trade/cancel-order";
    const SIGNED: bool = true;
    const RATE_LIMIT: RateLimit = PER_INSTRUMENT;
    const ORDER_OP: OrderOp = OrderOp::Cancel;
    type Response = OrderAck;

    fn limit_key(&self) -> Option<&str> {
        Some(self.inst_id.as_str())
    }
}

/// `POST /api/v5/trade/batch-orders` in the shared vocabulary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct OrderBatch(pub Vec<OrderRequest>);

impl Request for OrderBatch {
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

/// The one item of a single-order answer. OKX said success when there is
/// no item, so an empty `data` leaves the outcome unknown (calling it a
/// rejection would invite a duplicate order).
fn single(items: Vec<OrderAck>, path: &'static str) -> Result<OrderAck, Error> {
    items.into_iter().next().ok_or(Error::Decode {
        path,
        source: DecodeError::shape("success answer with no item"),
    })
}

fn ack_of(order: &Order) -> OrderAck {
    OrderAck {
        ord_id: order.ord_id.clone(),
        cl_ord_id: order.cl_ord_id.clone(),
        tag: order.tag.clone(),
        req_id: String::new(),
        ts: Some(order.c_time),
        in_time: None,
        out_time: None,
    }
}

/// The gateway's receive and send times of an order answer (µs).
#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct GatewayTimes {
    #[serde(default, with = "okx_models::num::opt_int")]
    in_time: Option<i64>,
    #[serde(default, with = "okx_models::num::opt_int")]
    out_time: Option<i64>,
}

/// Decodes an order answer's items, each stamped with the gateway times.
fn acks(status: u16, path: &'static str, bytes: &[u8]) -> Result<Vec<OrderAck>, Error> {
    let mut items = decode::<OrderAck>(status, path, bytes)?;
    stamp(bytes, items.iter_mut());
    Ok(items)
}

fn stamp<'a>(bytes: &[u8], acks: impl Iterator<Item = &'a mut OrderAck>) {
    let times: GatewayTimes = serde_json::from_slice(bytes).unwrap_or_default();
    for ack in acks {
        ack.in_time = times.in_time;
        ack.out_time = times.out_time;
    }
}

/// Checks the order locally and gives it a `clOrdId` if it has none.
fn prepare(order: &mut OrderRequest, inst: Option<&Instrument>) -> Result<String, Error> {
    check(order, inst)?;
    Ok(order
        .cl_ord_id
        .get_or_insert_with(new_cl_ord_id)
        .as_str()
        .to_owned())
}

impl RestClient {
    /// Places one order, exactly once: it is checked locally, gets a
    /// `clOrdId` if it has none and goes out with an `expTime`; if the
    /// answer is lost the order is looked up by `clOrdId`, and sent again
    /// only once OKX's "not found" can be trusted (after `expTime`).
    pub async fn place(&self, order: OrderRequest) -> Result<OrderAck, Error> {
        self.place_checked(order, None).await
    }

    /// [`RestClient::place`] with the checks against the instrument as
    /// well (the same instrument, a whole number of lots).
    pub async fn place_for(
        &self,
        order: OrderRequest,
        instrument: &Instrument,
    ) -> Result<OrderAck, Error> {
        self.place_checked(order, Some(instrument)).await
    }

    async fn place_checked(
        &self,
        mut order: OrderRequest,
        inst: Option<&Instrument>,
    ) -> Result<OrderAck, Error> {
        let cl = prepare(&mut order, inst)?;
        let mut sends = 0;
        loop {
            sends += 1;
            tracing::debug!(
                inst_id = order.inst_id.as_str(),
                cl_ord_id = %cl,
                attempt = sends,
                "placing an order over REST"
            );
            let mut exp = Some(self.new_exp_time());
            let result = self
                .send_with(&order, Repeat::Rejected, &mut exp, |status, bytes| {
                    acks(status, OrderRequest::PATH, bytes)
                        .and_then(|items| single(items, OrderRequest::PATH))
                })
                .await;
            let err = match result {
                Ok(ack) => return Ok(ack),
                Err(e) if e.write_outcome() == WriteOutcome::Unknown => e,
                Err(e) => return Err(e),
            };
            tracing::warn!(cl_ord_id = %cl, error = %err, "place outcome unknown; looking the order up");
            let exp = exp.unwrap_or_else(|| self.new_exp_time());
            match self.resolve(order.inst_id.as_str(), &cl, exp).await {
                Ok(Some(found)) => return Ok(ack_of(&found)),
                Ok(None) if sends <= 2 => continue,
                Ok(None) => return Err(err),
                Err(source) => {
                    return Err(Error::OutcomeUnknown {
                        cl_ord_id: cl,
                        source: Box::new(source),
                    });
                }
            }
        }
    }

    /// Places up to 20 orders in one request: one result per order, in
    /// order. After a lost answer each order is looked up by `clOrdId`;
    /// those OKX never placed go out again in one new batch.
    pub async fn place_many(
        &self,
        mut orders: Vec<OrderRequest>,
    ) -> Result<Vec<Result<OrderAck, ItemResult>>, Error> {
        if orders.is_empty() || orders.len() > MAX_BATCH {
            return Err(Invalid::BatchSize(orders.len()).into());
        }
        let mut ids = Vec::with_capacity(orders.len());
        for o in &mut orders {
            ids.push(prepare(o, None)?);
        }
        let mut out: Vec<Option<Result<OrderAck, ItemResult>>> = vec![None; orders.len()];
        let mut pending: Vec<usize> = (0..orders.len()).collect();
        for round in 0..3 {
            let batch = OrderBatch(pending.iter().map(|&i| orders[i].clone()).collect());
            let mut exp = Some(self.new_exp_time());
            let result = self
                .send_with(&batch, Repeat::Rejected, &mut exp, |status, bytes| {
                    let mut items = decode_items::<OrderAck>(status, OrderBatch::PATH, bytes)?;
                    stamp(bytes, items.iter_mut().filter_map(|r| r.as_mut().ok()));
                    if items.len() == batch.0.len() {
                        Ok(items)
                    } else {
                        Err(Error::Decode {
                            path: OrderBatch::PATH,
                            source: DecodeError::shape(
                                "batch answer with a different number of items than orders sent",
                            ),
                        })
                    }
                })
                .await;
            let err = match result {
                Ok(items) => {
                    for (&i, mut item) in pending.iter().zip(items) {
                        if let Err(e) = &mut item {
                            e.index = i;
                        }
                        out[i] = Some(item);
                    }
                    break;
                }
                Err(e) if e.write_outcome() == WriteOutcome::Unknown && round < 2 => e,
                Err(e) => return Err(e),
            };
            tracing::warn!(error = %err, "batch outcome unknown; looking the orders up");
            let exp = exp.unwrap_or_else(|| self.new_exp_time());
            let mut missing = Vec::new();
            for &i in &pending {
                match self.resolve(orders[i].inst_id.as_str(), &ids[i], exp).await {
                    Ok(Some(found)) => out[i] = Some(Ok(ack_of(&found))),
                    Ok(None) => missing.push(i),
                    Err(source) => {
                        return Err(Error::OutcomeUnknown {
                            cl_ord_id: ids[i].clone(),
                            source: Box::new(source),
                        });
                    }
                }
            }
            if missing.is_empty() {
                break;
            }
            pending = missing;
        }
        Ok(out
            .into_iter()
            .enumerate()
            .map(|(index, r)| {
                r.unwrap_or_else(|| {
                    let mut missing = ItemResult::new(
                        index,
                        okx_models::OkxCode::ENDPOINT_TIMEOUT,
                        "no result for this order",
                    );
                    missing.cl_ord_id = ClOrdId::new(&ids[index]).ok();
                    Err(missing)
                })
            })
            .collect())
    }

    /// Amends an order (with an `expTime`). A lost answer is reported as
    /// [`WriteOutcome::Unknown`].
    pub async fn amend(&self, amend: AmendRequest) -> Result<OrderAck, Error> {
        if amend.ord_id.is_none() && amend.cl_ord_id.is_none() {
            return Err(Invalid::MissingId.into());
        }
        let mut exp = Some(self.new_exp_time());
        self.send_with(&amend, Repeat::Rejected, &mut exp, |status, bytes| {
            acks(status, AmendRequest::PATH, bytes)
                .and_then(|items| single(items, AmendRequest::PATH))
        })
        .await
    }

    /// Cancels an order.
    pub async fn cancel(&self, cancel: CancelRequest) -> Result<OrderAck, Error> {
        if cancel.ord_id.is_none() && cancel.cl_ord_id.is_none() {
            return Err(Invalid::MissingId.into());
        }
        self.send_with(&cancel, Repeat::Rejected, &mut None, |status, bytes| {
            acks(status, CancelRequest::PATH, bytes)
                .and_then(|items| single(items, CancelRequest::PATH))
        })
        .await
    }

    /// One order by `ordId` or `clOrdId` (the catalog's
    /// [`GetOrder`](crate::api::trade::GetOrder) query), decoded as the
    /// SDK's [`Order`]; `None` when OKX knows no such order.
    pub async fn get_order(&self, query: GetOrder) -> Result<Option<Order>, Error> {
        if query.ord_id.is_none() && query.cl_ord_id.is_none() {
            return Err(Invalid::MissingId.into());
        }
        let found = self
            .send_with(&query, Repeat::Any, &mut None, |status, bytes| {
                decode::<Order>(status, GetOrder::PATH, bytes)
            })
            .await;
        match found {
            Ok(mut v) if !v.is_empty() => Ok(Some(v.swap_remove(0))),
            Ok(_) => Ok(None),
            Err(e) if e.okx_code() == Some(OkxCode::ORDER_NOT_FOUND) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Looks an order up by `clOrdId` until it is found, or until OKX's
    /// "not found" can be trusted because `exp_time` (server ms) passed.
    pub(crate) async fn resolve(
        &self,
        inst_id: &str,
        cl_ord_id: &str,
        exp_time: i64,
    ) -> Result<Option<Order>, Error> {
        let query = GetOrder::new(inst_id).cl_ord_id(cl_ord_id);
        // Margin for the gap between our clock estimate and OKX's.
        const MARGIN_MS: i64 = 250;
        loop {
            if let Some(order) = self.get_order(query.clone()).await? {
                return Ok(Some(order));
            }
            let left = exp_time + MARGIN_MS - self.clock().now_millis();
            if left < 0 {
                return Ok(None);
            }
            tracing::debug!(
                cl_ord_id,
                wait_ms = left,
                "order not found yet; asking again after expTime"
            );
            tokio::time::sleep(Duration::from_millis(left.unsigned_abs() + 1)).await;
        }
    }
}
