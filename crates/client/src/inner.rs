//! The client's shared state: what the dispatcher, reconciliation and the
//! order paths all reach, kept apart from the public [`crate::Client`] so
//! that the modules that use it do not depend on each other.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use okx_models::{Decimal, InstType};
use okx_rest::RestClient;
use okx_ws::{WsClient, WsConfig};
use serde_json::{Map, Value, json};
use tokio::sync::{mpsc, watch};

use crate::book::BookWatch;
use crate::budget::Budget;
use crate::events::{PrivateEvent, Source};
use crate::guard::{AuditLog, RiskGuard};
use crate::instruments::Instruments;
use crate::route::Route;
use crate::tracker::OrderTracker;

/// The safety parts a client uses.
#[derive(Debug, Default)]
pub(crate) struct Safety {
    pub(crate) guard: Option<RiskGuard>,
    pub(crate) audit: Option<AuditLog>,
    /// Where OKX's refusals are counted (the kill switch's feed).
    pub(crate) rejects: Option<mpsc::UnboundedSender<()>>,
}

/// Reference prices of an instrument, as last pushed.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RefPrice {
    pub(crate) mark: Option<Decimal>,
    pub(crate) mid: Option<Decimal>,
}

pub(crate) struct Inner {
    pub(crate) rest: RestClient,
    pub(crate) ws: WsClient,
    pub(crate) instruments: Instruments,
    pub(crate) tracker: OrderTracker,
    pub(crate) books: BookWatch,
    pub(crate) budget: Budget,
    pub(crate) private_up: AtomicBool,
    pub(crate) has_credentials: bool,
    pub(crate) route: Route,
    pub(crate) inst_types: Vec<InstType>,
    pub(crate) option_families: Vec<String>,
    pub(crate) market_tx: Mutex<Option<mpsc::Sender<okx_ws::WsEvent>>>,
    pub(crate) private_tx: Mutex<Option<mpsc::UnboundedSender<PrivateEvent>>>,
    pub(crate) market_capacity: usize,
    pub(crate) lagged: Arc<AtomicU64>,
    pub(crate) reconcile_lock: tokio::sync::Mutex<()>,
    pub(crate) reconcile_again: AtomicBool,
    /// Reconciliations finished so far.
    pub(crate) reconciled: watch::Sender<u64>,
    /// The WebSocket configuration (the kill switch opens its own
    /// connection with it).
    pub(crate) ws_config: WsConfig,
    pub(crate) safety: std::sync::RwLock<Safety>,
    /// Reference prices from `mark-price` and `tickers` pushes.
    pub(crate) prices: std::sync::RwLock<std::collections::HashMap<String, crate::inner::RefPrice>>,
}

impl Inner {
    /// Sends private events to the stream, if someone took it.
    pub(crate) fn emit(&self, events: Vec<PrivateEvent>) {
        if events.is_empty() {
            return;
        }
        self.audit_private(&events);
        let tx = self.private_tx.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = tx.as_ref() {
            for ev in events {
                let _ = tx.send(ev);
            }
        }
    }

    pub(crate) fn private_up(&self) -> bool {
        self.private_up.load(Ordering::Relaxed)
    }
}

impl Inner {
    /// Records the account's own pushes.
    pub(crate) fn audit_private(&self, events: &[PrivateEvent]) {
        let Some(log) = self
            .safety
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .audit
            .clone()
        else {
            return;
        };
        let line = |kind: &str, fill: &dyn Fn(&mut Map<String, Value>)| {
            let mut f = Map::new();
            fill(&mut f);
            if let Err(e) = log.record(kind, f) {
                tracing::error!(error = %e, "audit line not written");
            }
        };
        for ev in events {
            match ev {
                PrivateEvent::Order { order, source } => line("order", &|f| {
                    f.insert(
                        "source".into(),
                        json!(if *source == Source::Live {
                            "live"
                        } else {
                            "recovered"
                        }),
                    );
                    f.insert("ordId".into(), json!(order.ord_id.as_str()));
                    f.insert(
                        "clOrdId".into(),
                        json!(
                            order
                                .cl_ord_id
                                .as_ref()
                                .map(|c| c.as_str())
                                .unwrap_or_default()
                        ),
                    );
                    f.insert("instId".into(), json!(order.inst_id.as_str()));
                    f.insert("state".into(), json!(order.state.to_string()));
                    f.insert("accFillSz".into(), json!(order.acc_fill_sz.to_string()));
                    f.insert("uTime".into(), json!(order.u_time));
                }),
                PrivateEvent::Fill { fill, source } => line("fill", &|f| {
                    f.insert(
                        "source".into(),
                        json!(if *source == Source::Live {
                            "live"
                        } else {
                            "recovered"
                        }),
                    );
                    f.insert("ordId".into(), json!(fill.ord_id.as_str()));
                    f.insert("instId".into(), json!(fill.inst_id.as_str()));
                    f.insert("tradeId".into(), json!(fill.trade_id));
                    f.insert("px".into(), json!(fill.px.to_string()));
                    f.insert("sz".into(), json!(fill.sz.to_string()));
                    f.insert("fee".into(), json!(fill.fee.map(|v| v.to_string())));
                }),
                _ => {}
            }
        }
    }
}
