//! The safety hooks of the order paths: the risk check (with the facts it
//! needs: reference price, position, pending orders), audit lines for
//! requests, answers and pushes, and refusals counted by the kill switch.

use std::time::Instant;

use okx_models::trade::{AmendRequest, OrderAck, OrderRequest};
use okx_models::{Decimal, InstType, Side};
use serde_json::{Map, Value, json};

use crate::client::Client;
use crate::error::ClientError;
use crate::guard::{Exposure, OrderFacts};

/// What an order path asks the guard about.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Intent<'a> {
    pub(crate) inst_id: &'a str,
    pub(crate) buy: bool,
    pub(crate) sz: Decimal,
    pub(crate) px: Option<Decimal>,
    pub(crate) reduce_only: bool,
    pub(crate) new_order: bool,
    pub(crate) cl_ord_id: &'a str,
    /// An amend: the signed remaining size of the order it changes, which
    /// the changed order replaces among the pending ones.
    pub(crate) replaces: Decimal,
}

/// A request being sent, for the audit log's request and answer lines.
pub(crate) struct Sent {
    started: Instant,
    op: &'static str,
    route: &'static str,
    cl_ord_id: String,
    inst_id: String,
}

impl Client {
    /// The mark price, else the middle of the local book, else of the last
    /// ticker; read over REST (the ticker) as a last resort.
    async fn reference_px(&self, inst_id: &str) -> Option<Decimal> {
        let known = self
            .inner
            .prices
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(inst_id)
            .copied();
        if let Some(px) = known.and_then(|p| p.mark) {
            return Some(px);
        }
        let book_mid = self
            .inner
            .ws
            .book("books", inst_id, |b| {
                let bid: Decimal = b.best_bid()?.px.parse().ok()?;
                let ask: Decimal = b.best_ask()?.px.parse().ok()?;
                Some((bid + ask) / Decimal::TWO)
            })
            .flatten();
        if book_mid.is_some() {
            return book_mid;
        }
        if let Some(px) = known.and_then(|p| p.mid) {
            return Some(px);
        }
        let t = self
            .inner
            .rest
            .send(&okx_rest::api::market::GetTicker::new(inst_id))
            .await
            .ok()?;
        let t = t.first()?;
        match (t.bid_px, t.ask_px) {
            (Some(b), Some(a)) => Some((b + a) / Decimal::TWO),
            _ => t.last,
        }
    }

    /// Checks a new order (or an amend's new size and price) with the risk
    /// guard, if one is set. A refusal is recorded and returned.
    pub(crate) async fn risk_check(&self, intent: Intent<'_>) -> Result<(), ClientError> {
        let Intent {
            inst_id,
            buy,
            sz,
            px,
            reduce_only,
            new_order,
            cl_ord_id,
            replaces,
        } = intent;
        let Some(guard) = self.risk_guard() else {
            return Ok(());
        };
        let inst = self.inner.instruments.get(inst_id);
        let derivative = inst.as_ref().is_some_and(|i| {
            matches!(
                i.inst_type,
                InstType::Swap | InstType::Futures | InstType::Option
            )
        });
        let facts = OrderFacts {
            inst_id: inst_id.to_owned(),
            buy,
            sz,
            px,
            unit_value: if derivative {
                inst.as_ref()
                    .map(|i| i.ct_val.unwrap_or(Decimal::ONE) * i.ct_mult.unwrap_or(Decimal::ONE))
                    .unwrap_or(Decimal::ONE)
            } else {
                Decimal::ONE
            },
            inverse: inst.as_ref().is_some_and(|i| {
                i.ct_type.as_ref().map(ToString::to_string).as_deref() == Some("inverse")
            }),
            reduce_only,
            new_order,
        };
        let position = if derivative {
            self.inner
                .tracker
                .positions()
                .iter()
                .filter(|p| p.inst_id.as_str() == inst_id)
                .filter_map(|p| {
                    let v = p.pos?;
                    Some(if p.pos_side == okx_models::PosSide::Short {
                        -v
                    } else {
                        v
                    })
                })
                .sum()
        } else {
            Decimal::ZERO
        };
        let open = self.inner.tracker.open_orders();
        let pending: Decimal = open
            .iter()
            .filter(|t| t.order.inst_id.as_str() == inst_id)
            .map(|t| {
                let left = t.order.sz - t.order.acc_fill_sz;
                if t.order.side == Side::Buy {
                    left
                } else {
                    -left
                }
            })
            .sum();
        let around = Exposure {
            reference_px: self.reference_px(inst_id).await,
            position,
            pending: pending - replaces,
            open_orders: open.len(),
        };
        match guard.check(&facts, &around) {
            Ok(()) => Ok(()),
            Err(rejection) => {
                self.audit_line("risk_reject", |f| {
                    f.insert("rule".into(), json!(rejection.rule.to_string()));
                    f.insert("limit".into(), json!(rejection.limit));
                    f.insert("value".into(), json!(rejection.value));
                    f.insert("instId".into(), json!(inst_id));
                    f.insert("clOrdId".into(), json!(cl_ord_id));
                });
                Err(ClientError::Risk(rejection))
            }
        }
    }

    pub(crate) async fn risk_check_order(&self, order: &OrderRequest) -> Result<(), ClientError> {
        let cl = order
            .cl_ord_id
            .as_ref()
            .map(|c| c.as_str())
            .unwrap_or_default();
        self.risk_check(Intent {
            inst_id: order.inst_id.as_str(),
            buy: order.side == Side::Buy,
            sz: order.sz,
            px: order.px,
            reduce_only: order.reduce_only == Some(true),
            new_order: true,
            cl_ord_id: cl,
            replaces: Decimal::ZERO,
        })
        .await
    }

    /// An amend is checked as the order it makes: its new size and price,
    /// with its old remaining size no longer counted as pending.
    pub(crate) async fn risk_check_amend(&self, amend: &AmendRequest) -> Result<(), ClientError> {
        if self.risk_guard().is_none() {
            return Ok(());
        }
        let tracked = match (&amend.ord_id, &amend.cl_ord_id) {
            (Some(id), _) => self.inner.tracker.order(id.as_str()),
            (None, Some(cl)) => self.inner.tracker.by_cl_ord_id(cl.as_str()),
            _ => None,
        };
        let Some(t) = tracked else {
            // An order the tracker does not know: its new values alone.
            return self
                .risk_check(Intent {
                    inst_id: amend.inst_id.as_str(),
                    buy: true,
                    sz: amend.new_sz.unwrap_or_default(),
                    px: amend.new_px,
                    reduce_only: false,
                    new_order: false,
                    cl_ord_id: "",
                    replaces: Decimal::ZERO,
                })
                .await;
        };
        let o = &t.order;
        let buy = o.side == Side::Buy;
        let left = o.sz - o.acc_fill_sz;
        let new_sz = amend.new_sz.unwrap_or(o.sz);
        self.risk_check(Intent {
            inst_id: o.inst_id.as_str(),
            buy,
            sz: new_sz - o.acc_fill_sz,
            px: amend.new_px.or(o.px),
            reduce_only: o.reduce_only == Some(true),
            new_order: false,
            cl_ord_id: o.cl_ord_id.as_ref().map(|c| c.as_str()).unwrap_or_default(),
            replaces: if buy { left } else { -left },
        })
        .await
    }

    /// Writes one audit line, if there is a log.
    pub(crate) fn audit_line(&self, kind: &str, fill: impl FnOnce(&mut Map<String, Value>)) {
        if let Some(log) = self.audit() {
            let mut f = Map::new();
            fill(&mut f);
            if let Err(e) = log.record(kind, f) {
                tracing::error!(error = %e, "audit line not written");
            }
        }
    }

    /// Records a request about to be sent.
    pub(crate) fn audit_request(
        &self,
        op: &'static str,
        route: &'static str,
        inst_id: &str,
        cl_ord_id: &str,
        fields: Value,
    ) -> Sent {
        self.audit_line("request", |f| {
            f.insert("op".into(), json!(op));
            f.insert("route".into(), json!(route));
            f.insert("instId".into(), json!(inst_id));
            f.insert("clOrdId".into(), json!(cl_ord_id));
            f.insert("fields".into(), fields);
        });
        Sent {
            started: Instant::now(),
            op,
            route,
            cl_ord_id: cl_ord_id.to_owned(),
            inst_id: inst_id.to_owned(),
        }
    }

    /// Records the answer of a request; counts an OKX refusal for the kill
    /// switch.
    pub(crate) fn audit_answer(&self, sent: &Sent, result: &Result<OrderAck, ClientError>) {
        if let Err(e) = result
            && e.outcome() == crate::error::Outcome::Rejected
            && let Some(rejects) = self
                .inner
                .safety
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .rejects
                .clone()
        {
            let _ = rejects.send(());
        }
        self.audit_line("response", |f| {
            f.insert("op".into(), json!(sent.op));
            f.insert("route".into(), json!(sent.route));
            f.insert("instId".into(), json!(sent.inst_id));
            f.insert("clOrdId".into(), json!(sent.cl_ord_id));
            f.insert(
                "latencyMs".into(),
                json!(sent.started.elapsed().as_millis() as i64),
            );
            match result {
                Ok(ack) => {
                    f.insert("outcome".into(), json!("ok"));
                    f.insert("ordId".into(), json!(ack.ord_id.as_str()));
                    if let (Some(i), Some(o)) = (ack.in_time, ack.out_time) {
                        f.insert("inTime".into(), json!(i));
                        f.insert("outTime".into(), json!(o));
                    }
                }
                Err(e) => {
                    let outcome = match e.outcome() {
                        crate::error::Outcome::NotSent => "not_sent",
                        crate::error::Outcome::Rejected => "rejected",
                        crate::error::Outcome::Unknown => "unknown",
                    };
                    f.insert("outcome".into(), json!(outcome));
                    f.insert(
                        "code".into(),
                        json!(e.okx_code().map(|c| c.to_string()).unwrap_or_default()),
                    );
                    f.insert("msg".into(), json!(e.to_string()));
                }
            }
        });
    }
}
