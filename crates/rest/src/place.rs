//! The order-entry protocol on [`RestClient`]: place exactly once, batch
//! with per-item results, amend, cancel, look up.

use std::time::Duration;

use okx_models::{ClOrdId, Instrument, Order};

use crate::client::{Repeat, RestClient};
use crate::error::{DecodeError, Error, Invalid, ItemResult, OkxCode, WriteOutcome};
use crate::orders::{
    AmendOrder, CancelOrder, GetOrder, MAX_BATCH, OrderAck, PlaceBatch, PlaceOrder,
    check_cl_ord_id, check_ids, new_cl_ord_id,
};
use crate::request::Request;
use crate::wire::{decode, decode_items};

/// The one item of a single-order answer (failures were already turned
/// into [`Error::Api`] with the item's `sCode`). OKX said success when
/// there is no item, so an empty `data` leaves the outcome unknown: calling
/// it a rejection would invite a duplicate order.
fn single(items: Vec<OrderAck>, path: &'static str) -> Result<OrderAck, Error> {
    items.into_iter().next().ok_or(Error::Decode {
        path,
        source: DecodeError::shape("success answer with no item"),
    })
}

/// One result per order sent, or an unknown outcome: results that cannot
/// be matched to the orders one by one say nothing about any of them.
fn batch_items(
    status: u16,
    bytes: &[u8],
    sent: usize,
) -> Result<Vec<Result<OrderAck, ItemResult>>, Error> {
    let items = decode_items::<OrderAck>(status, PlaceBatch::PATH, bytes)?;
    if items.len() != sent {
        return Err(Error::Decode {
            path: PlaceBatch::PATH,
            source: DecodeError::shape(
                "batch answer with a different number of items than orders sent",
            ),
        });
    }
    Ok(items)
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
        self.place_checked(order, None).await
    }

    /// [`RestClient::place_order`] with the lot-size check against the
    /// instrument.
    pub async fn place_order_for(
        &self,
        order: PlaceOrder,
        instrument: &Instrument,
    ) -> Result<OrderAck, Error> {
        self.place_checked(order, Some(instrument)).await
    }

    async fn place_checked(
        &self,
        mut order: PlaceOrder,
        inst: Option<&Instrument>,
    ) -> Result<OrderAck, Error> {
        order.check(inst)?;
        order.cl_ord_id.get_or_insert_with(new_cl_ord_id);
        let mut sends = 0;
        loop {
            sends += 1;
            // Set by the send to the deadline it carries.
            let mut exp = Some(0);
            let result = self
                .send_with(&order, Repeat::Rejected, &mut exp, |status, bytes| {
                    decode::<OrderAck>(status, PlaceOrder::PATH, bytes)
                        .and_then(|items| single(items, PlaceOrder::PATH))
                })
                .await;
            let err = match result {
                Ok(ack) => return Ok(ack),
                Err(e) if e.write_outcome() == WriteOutcome::Unknown => e,
                Err(e) => return Err(e),
            };
            let cl_ord_id = order.cl_ord_id.clone().unwrap_or_default();
            tracing::warn!(%cl_ord_id, error = %err, "place outcome unknown; looking the order up");
            // A deadline not sent (cannot happen when the outcome is
            // unknown) is counted from now, never taken as passed.
            let exp = exp
                .filter(|&e| e > 0)
                .unwrap_or_else(|| self.new_exp_time());
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
        let query = GetOrder::by_cl_ord_id(inst_id, cl_ord_id);
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
                batch_items(status, bytes, batch.0.len())
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
                    batch_items(status, bytes, again.0.len())
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
                    let mut missing = ItemResult::new(
                        index,
                        OkxCode::ENDPOINT_TIMEOUT,
                        "no result for this order",
                    );
                    missing.cl_ord_id = batch.0[index]
                        .cl_ord_id
                        .as_deref()
                        .and_then(|c| ClOrdId::new(c).ok());
                    Err(missing)
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
                .and_then(|items| single(items, AmendOrder::PATH))
        })
        .await
    }

    /// Cancels an order. A rate-limited cancel is sent again.
    pub async fn cancel_order(&self, cancel: CancelOrder) -> Result<OrderAck, Error> {
        check_ids(&cancel.ord_id, &cancel.cl_ord_id)?;
        self.send_with(&cancel, Repeat::Rejected, &mut None, |status, bytes| {
            decode::<OrderAck>(status, CancelOrder::PATH, bytes)
                .and_then(|items| single(items, CancelOrder::PATH))
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
