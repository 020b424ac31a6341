//! Spread trading over WebSocket (`sprd-order`, `sprd-amend-order`,
//! `sprd-cancel-order`, `sprd-mass-cancel`): sent on the logged-in
//! business connection, which also carries `sprd-orders` and `sprd-trades`.

use crate::error::WsError;
use crate::trade;
use crate::trading::Trading;
use okx_models::trade::OrderAck;
use okx_models::wire::WireStr;
use okx_models::{OrdType, Side};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

/// A new spread order (`sprd-order`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SprdPlaceOrder {
    /// Spread id, e.g. `BTC-USDT_BTC-USDT-SWAP`.
    pub sprd_id: String,
    /// Side.
    pub side: Side,
    /// `limit`, `post_only`, `ioc` or `market`.
    pub ord_type: OrdType,
    /// Quantity.
    pub sz: Decimal,
    /// Price (every type but `market`).
    pub px: Option<Decimal>,
    /// Client order id (up to 32 letters and digits).
    pub cl_ord_id: Option<String>,
    /// Order tag.
    pub tag: Option<String>,
}

impl SprdPlaceOrder {
    /// A limit order on a spread.
    pub fn limit(sprd_id: impl Into<String>, side: Side, sz: Decimal, px: Decimal) -> Self {
        SprdPlaceOrder {
            sprd_id: sprd_id.into(),
            side,
            ord_type: OrdType::Limit,
            sz,
            px: Some(px),
            cl_ord_id: None,
            tag: None,
        }
    }

    /// Sets the order type (`post_only`, `ioc`, `market`).
    pub fn ord_type(mut self, ord_type: OrdType) -> Self {
        if ord_type == OrdType::Market {
            self.px = None;
        }
        self.ord_type = ord_type;
        self
    }

    /// Sets the client order id.
    pub fn cl_ord_id(mut self, id: impl Into<String>) -> Self {
        self.cl_ord_id = Some(id.into());
        self
    }

    pub(crate) fn to_wire(&self) -> Result<Value, WsError> {
        if self.ord_type != OrdType::Market && self.px.is_none() {
            return Err(WsError::Invalid(format!(
                "a {} spread order needs a price",
                self.ord_type.wire_str()
            )));
        }
        let mut m = Map::new();
        m.insert("sprdId".into(), json!(self.sprd_id));
        m.insert("side".into(), json!(self.side.wire_str()));
        m.insert("ordType".into(), json!(self.ord_type.wire_str()));
        m.insert("sz".into(), json!(self.sz.to_string()));
        put(&mut m, "px", self.px.map(|p| p.to_string()));
        put(&mut m, "clOrdId", self.cl_ord_id.clone());
        put(&mut m, "tag", self.tag.clone());
        Ok(Value::Object(m))
    }
}

/// Which spread order an amend or cancel is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SprdOrderRef {
    /// OKX's order id.
    OrdId(String),
    /// The client order id.
    ClOrdId(String),
}

impl SprdOrderRef {
    fn put(&self, m: &mut Map<String, Value>) {
        match self {
            SprdOrderRef::OrdId(id) => m.insert("ordId".into(), json!(id)),
            SprdOrderRef::ClOrdId(id) => m.insert("clOrdId".into(), json!(id)),
        };
    }
}

/// Amends a spread order (`sprd-amend-order`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SprdAmendOrder {
    /// The order.
    pub order: SprdOrderRef,
    /// Client amend request id, echoed in the result.
    pub req_id: Option<String>,
    /// New quantity.
    pub new_sz: Option<Decimal>,
    /// New price.
    pub new_px: Option<Decimal>,
}

impl SprdAmendOrder {
    /// An amend of `order`; set the new price and/or size.
    pub fn new(order: SprdOrderRef) -> Self {
        SprdAmendOrder {
            order,
            req_id: None,
            new_sz: None,
            new_px: None,
        }
    }

    /// Sets the new price.
    pub fn new_px(mut self, px: Decimal) -> Self {
        self.new_px = Some(px);
        self
    }

    /// Sets the new size.
    pub fn new_sz(mut self, sz: Decimal) -> Self {
        self.new_sz = Some(sz);
        self
    }

    pub(crate) fn to_wire(&self) -> Result<Value, WsError> {
        if self.new_px.is_none() && self.new_sz.is_none() {
            return Err(WsError::Invalid(
                "a spread amend needs a new price or size".into(),
            ));
        }
        let mut m = Map::new();
        self.order.put(&mut m);
        put(&mut m, "reqId", self.req_id.clone());
        put(&mut m, "newSz", self.new_sz.map(|d| d.to_string()));
        put(&mut m, "newPx", self.new_px.map(|d| d.to_string()));
        Ok(Value::Object(m))
    }
}

fn put(m: &mut Map<String, Value>, key: &str, v: Option<String>) {
    if let Some(v) = v {
        m.insert(key.into(), Value::String(v));
    }
}

impl Trading<'_> {
    async fn sprd_single(&self, op: &str, arg: Value, key: &str) -> Result<OrderAck, WsError> {
        let reply = self.send_on(op, vec![arg], key, false).await?;
        let mut items = trade::items(&reply.data).map_err(|e| WsError::decode(e.to_string()))?;
        match items.pop() {
            Some(Ok(ack)) => Ok(ack),
            Some(Err(e)) => Err(WsError::Rejected {
                code: e.code,
                msg: e.msg,
                sub_code: e.sub_code,
            }),
            None if !reply.code.is_ok() => Err(WsError::Api {
                code: reply.code,
                msg: reply.msg,
            }),
            None => Err(WsError::decode(format!("{op}: empty response"))),
        }
    }

    /// Places a spread order on the business connection. Like every WS
    /// order it needs that connection up (subscribe `sprd-orders`, or
    /// [`WsClient::connect`](crate::WsClient::connect) it); without a
    /// socket the call fails at once with [`WsError::NotConnected`].
    pub async fn sprd_place_order(&self, order: &SprdPlaceOrder) -> Result<OrderAck, WsError> {
        self.sprd_single("sprd-order", order.to_wire()?, &order.sprd_id)
            .await
    }

    /// Amends a spread order.
    pub async fn sprd_amend_order(&self, amend: &SprdAmendOrder) -> Result<OrderAck, WsError> {
        self.sprd_single("sprd-amend-order", amend.to_wire()?, "")
            .await
    }

    /// Cancels a spread order.
    pub async fn sprd_cancel_order(&self, order: &SprdOrderRef) -> Result<OrderAck, WsError> {
        let mut m = Map::new();
        order.put(&mut m);
        self.sprd_single("sprd-cancel-order", Value::Object(m), "")
            .await
    }

    /// Cancels every pending spread order, or those of one spread; true
    /// when OKX accepted.
    pub async fn sprd_mass_cancel(&self, sprd_id: Option<&str>) -> Result<bool, WsError> {
        let mut m = Map::new();
        put(&mut m, "sprdId", sprd_id.map(str::to_owned));
        let reply = self
            .send_on("sprd-mass-cancel", vec![Value::Object(m)], "", false)
            .await?;
        if !reply.code.is_ok() {
            return Err(WsError::Api {
                code: reply.code,
                msg: reply.msg,
            });
        }
        let rows: Vec<Value> =
            serde_json::from_str(&reply.data).map_err(|e| WsError::decode(e.to_string()))?;
        Ok(rows
            .first()
            .and_then(|r| r.get("result"))
            .and_then(Value::as_bool)
            .unwrap_or(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_orders_go_out_as_okx_documents() {
        let o = SprdPlaceOrder::limit(
            "BTC-USDT_BTC-USDT-SWAP",
            Side::Buy,
            Decimal::ONE,
            Decimal::new(105, 1),
        )
        .cl_ord_id("s1");
        let w = o.to_wire().unwrap();
        assert_eq!(w["sprdId"], "BTC-USDT_BTC-USDT-SWAP");
        assert_eq!(
            (w["ordType"].as_str(), w["px"].as_str()),
            (Some("limit"), Some("10.5"))
        );
        assert_eq!(w["clOrdId"], "s1");
        let market = o.clone().ord_type(OrdType::Market).to_wire().unwrap();
        assert!(market.get("px").is_none());
        let mut no_px = o;
        no_px.px = None;
        assert!(matches!(no_px.to_wire(), Err(WsError::Invalid(_))));
    }

    #[test]
    fn amends_name_the_order_and_a_change() {
        let a = SprdAmendOrder::new(SprdOrderRef::ClOrdId("s1".into())).new_sz(Decimal::TWO);
        let w = a.to_wire().unwrap();
        assert_eq!(
            (w["clOrdId"].as_str(), w["newSz"].as_str()),
            (Some("s1"), Some("2"))
        );
        assert!(w.get("ordId").is_none());
        assert!(
            SprdAmendOrder::new(SprdOrderRef::OrdId("1".into()))
                .to_wire()
                .is_err()
        );
    }
}
