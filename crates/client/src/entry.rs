//! Order entry: one vocabulary ([`okx_models::trade`]) routed over the
//! WebSocket or REST, each order placed exactly once whichever way it went.
//!
//! Every order gets a `clOrdId` and an `expTime`. Over the WebSocket, an
//! answer that never came (a timeout, a dropped socket) is settled over
//! REST: the order is looked up by `clOrdId` until it is found or `expTime`
//! has passed (after which OKX will never execute it), and only then sent
//! again, over REST, with the same `clOrdId`.

use std::time::Duration;

use okx_models::trade::{AmendRequest, CancelRequest, OrderAck, OrderRequest};
use okx_models::{ClOrdId, OkxCode};
use okx_rest::api::trade::GetOrder;

use crate::budget::Op;
use crate::client::Client;
use crate::error::{ClientError, Outcome, ws_outcome};
use crate::route::Route;

/// How long an order may take to reach OKX before OKX drops it (`expTime`).
const EXP_WINDOW: Duration = Duration::from_secs(5);

fn route_name(route: Route) -> &'static str {
    match route {
        Route::Ws => "ws",
        _ => "rest",
    }
}

use okx_rest::new_cl_ord_id;

impl Client {
    fn choose(&self, route: Route, inst_id: &str) -> Route {
        match route {
            Route::Auto
                if self.inner.private_up() && self.inner.instruments.code(inst_id).is_some() =>
            {
                Route::Ws
            }
            Route::Auto => Route::Rest,
            other => other,
        }
    }

    fn check(&self, order: &OrderRequest) -> Result<(), ClientError> {
        if !self.inner.has_credentials {
            return Err(ClientError::Config("orders need credentials".into()));
        }
        match self.inner.instruments.check(order) {
            // Instruments of types not loaded are left to OKX to judge.
            Err(crate::instruments::CheckError::Unknown(_))
                if self.inner.instruments.is_empty() =>
            {
                Ok(())
            }
            other => other.map_err(ClientError::from),
        }
    }

    /// Places one order by the client's default route; see
    /// [`Client::place_via`].
    pub async fn place(&self, order: OrderRequest) -> Result<OrderAck, ClientError> {
        self.place_via(order, self.inner.route).await
    }

    /// Places one order, exactly once, by `route`. The order is checked
    /// against its instrument first (nothing is sent if it does not fit),
    /// counted against the shared order budget, and remembered by the
    /// tracker.
    pub async fn place_via(
        &self,
        mut order: OrderRequest,
        route: Route,
    ) -> Result<OrderAck, ClientError> {
        self.check(&order)?;
        let cl = order.cl_ord_id.get_or_insert_with(new_cl_ord_id).clone();
        self.risk_check_order(&order).await?;
        let inst_id = order.inst_id.clone();
        self.inner.budget.take(Op::Place, inst_id.as_str(), 1).await;
        let route = self.choose(route, inst_id.as_str());
        tracing::debug!(
            inst_id = inst_id.as_str(),
            cl_ord_id = cl.as_str(),
            route = route_name(route),
            "placing an order"
        );
        let sent = self.audit_request(
            "place",
            route_name(route),
            inst_id.as_str(),
            cl.as_str(),
            order.to_json(),
        );
        let result = match route {
            Route::Ws => self.place_ws(order, &cl).await,
            _ => self
                .inner
                .rest
                .place(order)
                .await
                .map_err(ClientError::from),
        };
        self.audit_answer(&sent, &result);
        let ack = result?;
        self.inner.tracker.expect(ack.ord_id.clone(), inst_id);
        Ok(ack)
    }

    async fn place_ws(&self, order: OrderRequest, cl: &ClOrdId) -> Result<OrderAck, ClientError> {
        let exp = self.inner.rest.clock().now_millis() + EXP_WINDOW.as_millis() as i64;
        let err = match self.inner.ws.trading().exp_time(exp).place(&order).await {
            Ok(ack) => return Ok(ack),
            Err(okx_ws::WsError::Rejected {
                code,
                msg,
                sub_code,
            }) => return Err(ClientError::rejected(code, msg, sub_code)),
            Err(e) => e,
        };
        match ws_outcome(&err) {
            Outcome::NotSent => {
                tracing::info!(cl_ord_id = %cl, error = %err, "WS order not sent; placing over REST");
                return Ok(self.inner.rest.place(order).await?);
            }
            Outcome::Rejected => {
                let code = match &err {
                    okx_ws::WsError::Api { code, .. } => *code,
                    _ => OkxCode(0),
                };
                return Err(ClientError::rejected(code, err.to_string(), String::new()));
            }
            Outcome::Unknown => {}
        }
        tracing::warn!(cl_ord_id = %cl, error = %err, "WS order outcome unknown; looking it up over REST");
        let query = GetOrder::new(order.inst_id.as_str()).cl_ord_id(cl.as_str());
        loop {
            if let Some(found) = self.inner.rest.get_order(query.clone()).await? {
                return Ok(OrderAck {
                    ord_id: found.ord_id,
                    cl_ord_id: found.cl_ord_id,
                    tag: found.tag,
                    req_id: String::new(),
                    ts: Some(found.c_time),
                    in_time: None,
                    out_time: None,
                });
            }
            // 250 ms of margin for the gap between our clock and OKX's.
            let left = exp + 250 - self.inner.rest.clock().now_millis();
            if left < 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(left.unsigned_abs().min(500) + 1)).await;
        }
        // OKX never took it and never will: send it again, over REST.
        Ok(self.inner.rest.place(order).await?)
    }

    /// Places up to 20 orders in one request over REST; one result per
    /// order, in order.
    pub async fn place_many(
        &self,
        mut orders: Vec<OrderRequest>,
    ) -> Result<Vec<Result<OrderAck, okx_rest::ItemResult>>, ClientError> {
        // The whole batch passes the checks, or none of it is sent.
        for o in &mut orders {
            self.check(o)?;
            o.cl_ord_id.get_or_insert_with(new_cl_ord_id);
        }
        for o in &orders {
            self.risk_check_order(o).await?;
        }
        for o in &orders {
            self.inner
                .budget
                .take(Op::Place, o.inst_id.as_str(), 1)
                .await;
        }
        let sent: Vec<_> = orders
            .iter()
            .map(|o| {
                let cl = o.cl_ord_id.as_ref().map(|c| c.as_str()).unwrap_or_default();
                self.audit_request("place", "rest-batch", o.inst_id.as_str(), cl, o.to_json())
            })
            .collect();
        let insts: Vec<_> = orders.iter().map(|o| o.inst_id.clone()).collect();
        let out = match self.inner.rest.place_many(orders).await {
            Ok(out) => out,
            Err(e) => {
                let e = ClientError::from(e);
                for s in &sent {
                    let unknown = ClientError::OutcomeUnknown {
                        cl_ord_id: String::new(),
                        detail: e.to_string(),
                    };
                    self.audit_answer(s, &Err(unknown));
                }
                return Err(e);
            }
        };
        for ((r, inst), s) in out.iter().zip(insts).zip(&sent) {
            match r {
                Ok(ack) => {
                    self.audit_answer(s, &Ok(ack.clone()));
                    self.inner.tracker.expect(ack.ord_id.clone(), inst);
                }
                Err(item) => {
                    let refused = ClientError::Rejected {
                        code: item.code,
                        msg: item.msg.clone(),
                        sub_code: item.sub_code.clone(),
                    };
                    self.audit_answer(s, &Err(refused));
                }
            }
        }
        Ok(out)
    }

    /// Amends an order by the default route.
    pub async fn amend(&self, amend: AmendRequest) -> Result<OrderAck, ClientError> {
        self.risk_check_amend(&amend).await?;
        self.inner
            .budget
            .take(Op::Amend, amend.inst_id.as_str(), 1)
            .await;
        let route = self.choose(self.inner.route, amend.inst_id.as_str());
        let cl = amend
            .cl_ord_id
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default();
        let sent = self.audit_request(
            "amend",
            route_name(route),
            amend.inst_id.as_str(),
            &cl,
            amend.to_json(),
        );
        let result = self.amend_by(amend, route).await;
        self.audit_answer(&sent, &result);
        result
    }

    async fn amend_by(&self, amend: AmendRequest, route: Route) -> Result<OrderAck, ClientError> {
        match route {
            Route::Ws => {
                let exp = self.inner.rest.clock().now_millis() + EXP_WINDOW.as_millis() as i64;
                match self.inner.ws.trading().exp_time(exp).amend(&amend).await {
                    Ok(ack) => Ok(ack),
                    Err(okx_ws::WsError::Rejected {
                        code,
                        msg,
                        sub_code,
                    }) => Err(ClientError::rejected(code, msg, sub_code)),
                    Err(e) if ws_outcome(&e) == Outcome::NotSent => {
                        Ok(self.inner.rest.amend(amend).await?)
                    }
                    Err(e) => Err(e.into()),
                }
            }
            _ => Ok(self.inner.rest.amend(amend).await?),
        }
    }

    /// Cancels an order by the default route. Cancelling is idempotent, so
    /// an unclear WS answer is settled by cancelling again over REST (OKX
    /// answers 51400 if it was already cancelled).
    pub async fn cancel(&self, cancel: CancelRequest) -> Result<OrderAck, ClientError> {
        self.inner
            .budget
            .take(Op::Cancel, cancel.inst_id.as_str(), 1)
            .await;
        let route = self.choose(self.inner.route, cancel.inst_id.as_str());
        let cl = cancel
            .cl_ord_id
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default();
        let sent = self.audit_request(
            "cancel",
            route_name(route),
            cancel.inst_id.as_str(),
            &cl,
            cancel.to_json(),
        );
        let result = self.cancel_by(cancel, route).await;
        self.audit_answer(&sent, &result);
        result
    }

    async fn cancel_by(
        &self,
        cancel: CancelRequest,
        route: Route,
    ) -> Result<OrderAck, ClientError> {
        match route {
            Route::Ws => match self.inner.ws.trading().cancel(&cancel).await {
                Ok(ack) => Ok(ack),
                Err(okx_ws::WsError::Rejected {
                    code,
                    msg,
                    sub_code,
                }) => Err(ClientError::rejected(code, msg, sub_code)),
                Err(_) => Ok(self.inner.rest.cancel(cancel).await?),
            },
            _ => Ok(self.inner.rest.cancel(cancel).await?),
        }
    }

    /// Cancels every open order the tracker knows (of one instrument, or
    /// all); returns how many cancels OKX accepted.
    pub async fn cancel_all(&self, inst_id: Option<&str>) -> Result<usize, ClientError> {
        let open = self.inner.tracker.open_orders();
        let mut done = 0;
        for t in open {
            if inst_id.is_some_and(|i| t.order.inst_id.as_str() != i) {
                continue;
            }
            let req = CancelRequest::by_ord_id(t.order.inst_id.clone(), t.order.ord_id.clone());
            match self.cancel(req).await {
                Ok(_) => done += 1,
                // Already filled or cancelled: nothing to do.
                Err(e) if e.okx_code() == Some(OkxCode(51400)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(done)
    }
}

impl Client {
    /// Places an algo order (take-profit / stop-loss, trigger, ...) over
    /// REST, through the risk guard (its size, and its order or trigger
    /// price against the band) and the audit log.
    pub async fn place_algo(
        &self,
        algo: okx_rest::api::algo::PlaceAlgoOrder,
    ) -> Result<okx_models::api::algo::PlaceAlgoOrderResponse, ClientError> {
        if !self.inner.has_credentials {
            return Err(ClientError::Config("orders need credentials".into()));
        }
        let px = algo
            .order_px
            .filter(|p| *p > rust_decimal::Decimal::ZERO)
            .or(algo.trigger_px)
            .or(algo.sl_trigger_px)
            .or(algo.tp_trigger_px);
        let cl = algo.algo_cl_ord_id.clone().unwrap_or_default();
        self.risk_check(crate::guarded::Intent {
            inst_id: &algo.inst_id,
            buy: algo.side == okx_models::Side::Buy,
            sz: algo.sz.unwrap_or_default(),
            px,
            reduce_only: algo.reduce_only == Some(true),
            new_order: true,
            cl_ord_id: &cl,
            replaces: rust_decimal::Decimal::ZERO,
        })
        .await?;
        self.inner.budget.take(Op::Place, &algo.inst_id, 1).await;
        let sent = self.audit_request(
            "place_algo",
            "rest",
            &algo.inst_id,
            &cl,
            serde_json::to_value(&algo).unwrap_or_default(),
        );
        let result = self.inner.rest.send(&algo).await;
        let ack = match &result {
            Ok(rows) => rows
                .first()
                .map(|r| OrderAck {
                    ord_id: r.algo_id.clone().into(),
                    cl_ord_id: ClOrdId::new(&r.algo_cl_ord_id).ok(),
                    tag: String::new(),
                    req_id: String::new(),
                    ts: None,
                    in_time: None,
                    out_time: None,
                })
                .ok_or_else(|| ClientError::OutcomeUnknown {
                    cl_ord_id: cl.clone(),
                    detail: "no item in the answer".into(),
                }),
            Err(e) => Err(ClientError::rejected(
                e.okx_code().unwrap_or(OkxCode(0)),
                e.to_string(),
                String::new(),
            )),
        };
        self.audit_answer(&sent, &ack);
        let mut rows = result?;
        Ok(rows.swap_remove(0))
    }
}
