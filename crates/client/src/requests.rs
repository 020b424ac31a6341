//! REST requests whose answers are the SDK's own models (`Order`, `Fill`,
//! `Instrument`): the reads reconciliation and the instrument cache need.

use okx_models::{Fill, InstType, Instrument, Order};
use okx_rest::{LimitScope, LimitUnit, Method, Paginated, RateLimit, Request};
use serde::Serialize;

/// `GET /api/v5/public/instruments`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Instruments {
    pub(crate) inst_type: InstType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) inst_family: Option<String>,
    #[serde(skip)]
    key: String,
}

impl Instruments {
    pub(crate) fn new(inst_type: InstType, inst_family: Option<String>) -> Self {
        let key = inst_type.to_string();
        Instruments {
            inst_type,
            inst_family,
            key,
        }
    }
}

impl Request for Instruments {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v5/public/instruments";
    const SIGNED: bool = false;
    const RATE_LIMIT: RateLimit = RateLimit {
        count: 20,
        window_ms: 2000,
        unit: LimitUnit::Requests,
        scope: LimitScope::IpInstType,
    };
    type Response = Instrument;

    fn limit_key(&self) -> Option<&str> {
        Some(&self.key)
    }
}

/// A page of a list of orders: `orders-pending` or `orders-history`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OrderPage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) inst_type: Option<InstType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) begin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) after: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) limit: Option<String>,
}

/// `GET /api/v5/trade/orders-pending`.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct PendingOrders(pub(crate) OrderPage);

/// `GET /api/v5/trade/orders-history` (the last 7 days; `instType`
/// required).
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct OrderHistory(pub(crate) OrderPage);

macro_rules! order_list {
    ($t:ty, $path:literal, $count:literal) => {
        impl Request for $t {
            const METHOD: Method = Method::Get;
            const PATH: &'static str = $path;
            const SIGNED: bool = true;
            const RATE_LIMIT: RateLimit = RateLimit {
                count: $count,
                window_ms: 2000,
                unit: LimitUnit::Requests,
                scope: LimitScope::Uid,
            };
            type Response = Order;
        }

        impl Paginated for $t {
            fn set_after(&mut self, cursor: Option<String>) {
                self.0.after = cursor;
            }

            fn set_before(&mut self, cursor: Option<String>) {
                self.0.before = cursor;
            }

            fn page_limit(&self) -> Option<usize> {
                self.0.limit.as_deref().and_then(|l| l.parse().ok())
            }

            fn cursor(&self, item: &Order) -> Option<String> {
                Some(item.ord_id.to_string())
            }
        }
    };
}

order_list!(PendingOrders, "/api/v5/trade/orders-pending", 60);
order_list!(OrderHistory, "/api/v5/trade/orders-history", 40);

/// `GET /api/v5/trade/fills` (the last 3 days), paged by `billId`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Fills {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) after: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) limit: Option<String>,
}

impl Request for Fills {
    const METHOD: Method = Method::Get;
    const PATH: &'static str = "/api/v5/trade/fills";
    const SIGNED: bool = true;
    const RATE_LIMIT: RateLimit = RateLimit {
        count: 60,
        window_ms: 2000,
        unit: LimitUnit::Requests,
        scope: LimitScope::Uid,
    };
    type Response = Fill;
}

impl Paginated for Fills {
    fn set_after(&mut self, cursor: Option<String>) {
        self.after = cursor;
    }

    fn set_before(&mut self, cursor: Option<String>) {
        self.before = cursor;
    }

    fn page_limit(&self) -> Option<usize> {
        self.limit.as_deref().and_then(|l| l.parse().ok())
    }

    fn cursor(&self, item: &Fill) -> Option<String> {
        (!item.bill_id.is_empty()).then(|| item.bill_id.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_shapes() {
        let req = Instruments::new(InstType::Option, Some("BTC-USD".into()));
        let v = serde_json::to_value(&req).unwrap_or_default();
        assert_eq!(
            v,
            serde_json::json!({"instType": "OPTION", "instFamily": "BTC-USD"})
        );
        assert_eq!(req.limit_key(), Some("OPTION"));
        let mut p = OrderHistory(OrderPage {
            inst_type: Some(InstType::Spot),
            limit: Some("100".into()),
            ..OrderPage::default()
        });
        p.set_after(Some("5".into()));
        let v = serde_json::to_value(&p).unwrap_or_default();
        assert_eq!(
            v,
            serde_json::json!({"instType": "SPOT", "after": "5", "limit": "100"})
        );
    }
}
