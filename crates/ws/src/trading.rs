//! Awaitable WS trading: each call sends one request with its own `id` and
//! waits for the response carrying that `id`.

use crate::client::WsClient;
use crate::error::WsError;
use crate::limits::{order_key, order_rule};
use crate::shared::{Cmd, OpReply};
use crate::trade::{self, ItemOutcome, MassCancel};
use okx_models::trade::{AmendRequest, CancelRequest, OrderAck, OrderRequest};
use serde_json::Value;
use std::time::Duration;
use tokio::sync::oneshot;

/// Slack on top of `request_timeout` so the connection task's own timeout,
/// which reports more precisely, normally answers first.
const REPLY_MARGIN: Duration = Duration::from_millis(500);

/// Trading calls on a client's private connection. Get one with
/// [`WsClient::trading`].
#[derive(Debug, Clone)]
#[must_use = "trading calls are made on the value `trading()` returns"]
pub struct Trading<'a> {
    client: &'a WsClient,
    exp_time: Option<i64>,
}

impl WsClient {
    /// WS order entry (`order`, `batch-orders`, `cancel-order`, ...).
    pub fn trading(&self) -> Trading<'_> {
        Trading {
            client: self,
            exp_time: None,
        }
    }
}

impl Trading<'_> {
    /// OKX drops the request if it arrives after this Unix time in ms
    /// (`expTime`; order and amend operations only).
    pub fn exp_time(mut self, unix_ms: i64) -> Self {
        self.exp_time = Some(unix_ms);
        self
    }

    /// The `instIdCode` to send for `inst_id`. A code that is unknown or
    /// stale (the instrument was listed again) is looked up through the
    /// configured [`InstrumentSource`](crate::InstrumentSource) first.
    async fn code(&self, inst_id: &str) -> Result<i64, WsError> {
        let ctx = &self.client.inner.ctx;
        let known = ctx.codes().get(inst_id);
        let Err(why) = known else { return known };
        let Some(source) = ctx.cfg.instrument_source.clone() else {
            return Err(why);
        };
        tracing::info!(inst_id, reason = %why, "looking the instrument up for its instIdCode");
        let inst = source.lookup(inst_id).await.map_err(|e| {
            tracing::warn!(inst_id, error = %e, "instrument lookup failed");
            why.clone()
        })?;
        if inst.inst_id.as_str() != inst_id {
            return Err(why);
        }
        let mut codes = ctx.codes();
        codes.learn(&inst);
        codes.get(inst_id)
    }

    /// The codes of several instruments, each resolved as [`Self::code`].
    async fn codes<'i>(
        &self,
        inst_ids: impl Iterator<Item = &'i str>,
    ) -> Result<Vec<i64>, WsError> {
        let mut out = Vec::new();
        for inst_id in inst_ids {
            out.push(self.code(inst_id).await?);
        }
        Ok(out)
    }

    /// OKX refused a code as naming no instrument: it is not sent again
    /// before it is refreshed.
    fn refused(&self, inst_id: &str, code: okx_models::OkxCode) {
        if code == okx_models::OkxCode::INSTRUMENT_NOT_FOUND {
            self.client.inner.ctx.codes().mark_stale(inst_id);
        }
    }

    async fn send(
        &self,
        op: &str,
        args: Vec<Value>,
        inst_id: &str,
        expires: bool,
    ) -> Result<OpReply, WsError> {
        self.send_on(op, args, inst_id, expires).await
    }

    /// Sends one operation on the logged-in connection of its endpoint
    /// ([`op_endpoint`](crate::op_endpoint)) and waits for the response
    /// carrying its `id`.
    pub(crate) async fn send_on(
        &self,
        op: &str,
        args: Vec<Value>,
        inst_id: &str,
        expires: bool,
    ) -> Result<OpReply, WsError> {
        if args.is_empty() || args.len() > 20 {
            return Err(WsError::Invalid(format!(
                "{op} takes 1 to 20 items, got {}",
                args.len()
            )));
        }
        let tx = self.client.trade_tx(crate::arg::op_endpoint(op))?;
        let (limit, period) = order_rule(op, args.len());
        let key = order_key(op, args.len(), inst_id);
        self.client
            .inner
            .limiter
            .acquire(&key, limit, period, args.len())
            .await;
        let id = self.client.inner.ctx.next_id();
        tracing::debug!(op, id = %id, items = args.len(), inst_id, "WS trading request");
        let frame = trade::op_frame(&id, op, args, self.exp_time.filter(|_| expires));
        let (reply, rx) = oneshot::channel();
        tx.send(Cmd::Trade { id, frame, reply })
            .await
            .map_err(|_| WsError::Closed)?;
        // The connection task starts its own clock only when it picks the
        // command up, which a full event queue can delay indefinitely. This
        // clock bounds the call; dropping `rx` tells the task not to send.
        let wait = self.client.inner.ctx.cfg.request_timeout + REPLY_MARGIN;
        match tokio::time::timeout(wait, rx).await {
            Ok(reply) => reply.unwrap_or(Err(WsError::Closed)),
            Err(_) => Err(WsError::Timeout),
        }
    }

    async fn batch(
        &self,
        op: &str,
        args: Vec<Value>,
        inst_id: &str,
        expires: bool,
    ) -> Result<Vec<ItemOutcome>, WsError> {
        let n = args.len();
        let reply = self.send(op, args, inst_id, expires).await?;
        let items = trade::items(&reply.data)
            .map_err(|e| WsError::decode_with(format!("{op} items"), e))?;
        if items.is_empty() && !reply.code.is_ok() {
            return Err(WsError::Api {
                code: reply.code,
                msg: reply.msg,
            });
        }
        if items.len() != n {
            return Err(WsError::decode(format!(
                "{op}: {n} items sent, {} results",
                items.len()
            )));
        }
        Ok(items)
    }

    async fn single(
        &self,
        op: &str,
        arg: Value,
        inst_id: &str,
        expires: bool,
    ) -> Result<OrderAck, WsError> {
        let mut items = self.batch(op, vec![arg], inst_id, expires).await?;
        match items.pop() {
            Some(Ok(ack)) => Ok(ack),
            Some(Err(e)) => Err(WsError::Rejected {
                code: e.code,
                msg: e.msg,
                sub_code: e.sub_code,
            }),
            None => Err(WsError::decode(format!("{op}: empty response"))),
        }
    }

    fn refused_items<'i>(&self, inst_ids: impl Iterator<Item = &'i str>, out: &[ItemOutcome]) {
        for (inst_id, item) in inst_ids.zip(out) {
            if let Err(e) = item {
                self.refused(inst_id, e.code);
            }
        }
    }

    /// Cancels all pending orders of an option family; true when OKX accepted.
    pub async fn mass_cancel(&self, req: &MassCancel) -> Result<bool, WsError> {
        let reply = self
            .send("mass-cancel", vec![req.to_wire()], &req.inst_family, false)
            .await?;
        if !reply.code.is_ok() {
            return Err(WsError::Api {
                code: reply.code,
                msg: reply.msg,
            });
        }
        let rows: Vec<Value> = serde_json::from_str(&reply.data)
            .map_err(|e| WsError::decode_with("mass-cancel result", e))?;
        // A success that does not say whether the orders were canceled is
        // no "false": the caller would take it for a refusal.
        rows.first()
            .and_then(|r| r.get("result"))
            .and_then(Value::as_bool)
            .ok_or_else(|| WsError::decode("mass-cancel: success without a result"))
    }
}

/// Order entry in the SDK's one vocabulary ([`okx_models::trade`]), the
/// same requests a bot sends over REST, serialized as REST sends them with
/// the `instIdCode` in place of the `instId`.
impl Trading<'_> {
    /// Places one order (`order`), sent with its `instIdCode` (OKX ignores
    /// `instId` in WS orders). The order goes as it is: give it a
    /// `clOrdId` to be able to look it up after a lost answer
    /// (`okx-client` does).
    pub async fn place(&self, order: &OrderRequest) -> Result<OrderAck, WsError> {
        let inst = order.inst_id.as_str();
        let arg = order.to_ws_arg(self.code(inst).await?);
        let out = self.single("order", arg, inst, true).await;
        self.check(inst, out)
    }

    /// Places up to 20 orders (`batch-orders`); one result per order, in
    /// order. A missing `instIdCode` fails the whole call before anything
    /// is sent.
    pub async fn place_many(&self, orders: &[OrderRequest]) -> Result<Vec<ItemOutcome>, WsError> {
        let codes = self
            .codes(orders.iter().map(|o| o.inst_id.as_str()))
            .await?;
        let args = orders
            .iter()
            .zip(codes)
            .map(|(o, code)| o.to_ws_arg(code))
            .collect();
        let first = orders.first().map(|o| o.inst_id.as_str()).unwrap_or("");
        let items = self.batch("batch-orders", args, first, true).await?;
        self.refused_items(orders.iter().map(|o| o.inst_id.as_str()), &items);
        Ok(items)
    }

    /// Amends one order (`amend-order`).
    pub async fn amend(&self, amend: &AmendRequest) -> Result<OrderAck, WsError> {
        let inst = amend.inst_id.as_str();
        let arg = amend.to_ws_arg(self.code(inst).await?);
        let out = self.single("amend-order", arg, inst, true).await;
        self.check(inst, out)
    }

    /// Amends up to 20 orders (`batch-amend-orders`); one result per order.
    pub async fn amend_many(&self, amends: &[AmendRequest]) -> Result<Vec<ItemOutcome>, WsError> {
        let codes = self
            .codes(amends.iter().map(|a| a.inst_id.as_str()))
            .await?;
        let args = amends
            .iter()
            .zip(codes)
            .map(|(a, code)| a.to_ws_arg(code))
            .collect();
        let first = amends.first().map(|a| a.inst_id.as_str()).unwrap_or("");
        let items = self.batch("batch-amend-orders", args, first, true).await?;
        self.refused_items(amends.iter().map(|a| a.inst_id.as_str()), &items);
        Ok(items)
    }

    /// Cancels one order (`cancel-order`).
    pub async fn cancel(&self, cancel: &CancelRequest) -> Result<OrderAck, WsError> {
        let inst = cancel.inst_id.as_str();
        let arg = cancel.to_ws_arg(self.code(inst).await?);
        let out = self.single("cancel-order", arg, inst, false).await;
        self.check(inst, out)
    }

    /// Cancels up to 20 orders (`batch-cancel-orders`); one result per
    /// order.
    pub async fn cancel_many(
        &self,
        cancels: &[CancelRequest],
    ) -> Result<Vec<ItemOutcome>, WsError> {
        let codes = self
            .codes(cancels.iter().map(|c| c.inst_id.as_str()))
            .await?;
        let args = cancels
            .iter()
            .zip(codes)
            .map(|(c, code)| c.to_ws_arg(code))
            .collect();
        let first = cancels.first().map(|c| c.inst_id.as_str()).unwrap_or("");
        let items = self
            .batch("batch-cancel-orders", args, first, false)
            .await?;
        self.refused_items(cancels.iter().map(|c| c.inst_id.as_str()), &items);
        Ok(items)
    }

    /// Marks the instrument's code stale when OKX said it names nothing.
    fn check(&self, inst_id: &str, out: Result<OrderAck, WsError>) -> Result<OrderAck, WsError> {
        if let Err(WsError::Rejected { code, .. }) = &out {
            self.refused(inst_id, *code);
        }
        out
    }
}
