//! The order tracker: every order the account has, kept from `orders`
//! pushes and from what reconciliation reads over REST, with OKX's dedupe
//! rules applied once, here:
//!
//! * a fill counts once per (`instId`, `tradeId`);
//! * an order's first `filled` and first `canceled` / `mmp_canceled` are
//!   final: later copies are dropped;
//! * an order's state never goes backwards: an update older (by `uTime`,
//!   then state, then filled size) than what is known is dropped.
//!
//! Positions and balances are kept from the `positions`, `account` and
//! `balance_and_position` channels.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use okx_models::{Balance, ClOrdId, InstId, OrdId, Order, OrderState, Position};
use rust_decimal::Decimal;
use tokio::sync::watch;

use crate::events::{FillEvent, PrivateEvent, Source};

/// How far along an order is: live, partly filled, done.
fn rank(state: &OrderState) -> u8 {
    match state {
        OrderState::Live => 0,
        OrderState::PartiallyFilled => 1,
        OrderState::Filled | OrderState::Canceled | OrderState::MmpCanceled => 2,
        // A state OKX adds later: treat it as in progress.
        _ => 1,
    }
}

/// Whether an order state is final.
pub fn is_terminal(state: &OrderState) -> bool {
    rank(state) == 2 && !matches!(state, OrderState::PartiallyFilled)
}

/// One tracked order: its latest record and its fills.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackedOrder {
    /// The latest version of the order (state, filled size, average price,
    /// accumulated fee, ...).
    pub order: Order,
    /// Its fills, in the order they were learned.
    pub fills: Vec<FillEvent>,
}

impl TrackedOrder {
    /// Whether the order is done (filled or cancelled).
    pub fn is_terminal(&self) -> bool {
        is_terminal(&self.order.state)
    }
}

/// What the tracker dropped, for the record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DedupeStats {
    /// Order updates already known (same or older version).
    pub stale_orders: u64,
    /// Fills already known.
    pub duplicate_fills: u64,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) orders: HashMap<OrdId, TrackedOrder>,
    by_cl: HashMap<ClOrdId, OrdId>,
    /// Orders this client placed that no push or read has shown yet.
    pub(crate) expected: HashMap<OrdId, InstId>,
    fills: HashSet<(InstId, String)>,
    pub(crate) positions: HashMap<(String, String), Position>,
    pub(crate) balances: HashMap<String, okx_models::BalanceDetail>,
    /// Newest `uTime` seen on any order.
    pub(crate) max_u_time: i64,
    /// Newest `billId` read from REST fills (the forward cursor).
    pub(crate) bill_cursor: Option<String>,
    pub(crate) stats: DedupeStats,
}

/// The order tracker. Cloning shares it.
#[derive(Debug, Clone)]
pub struct OrderTracker {
    state: Arc<Mutex<State>>,
    version: Arc<watch::Sender<u64>>,
}

impl Default for OrderTracker {
    fn default() -> Self {
        OrderTracker {
            state: Arc::default(),
            version: Arc::new(watch::channel(0).0),
        }
    }
}

impl OrderTracker {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn bump(&self) {
        self.version.send_modify(|v| *v += 1);
    }

    /// Takes an order record (a push or a REST read); returns the events
    /// it is worth: the order if it is news, and its fill if that is new.
    pub(crate) fn apply_order(&self, order: Order, source: Source) -> Vec<PrivateEvent> {
        let mut out = Vec::new();
        {
            let mut st = self.lock();
            let fill = fill_of(&order);
            let news = match st.orders.get(&order.ord_id) {
                None => true,
                Some(known) => {
                    let k = &known.order;
                    !is_terminal(&k.state)
                        && (order.u_time, rank(&order.state), order.acc_fill_sz)
                            > (k.u_time, rank(&k.state), k.acc_fill_sz)
                }
            };
            st.expected.remove(&order.ord_id);
            st.max_u_time = st.max_u_time.max(order.u_time);
            if let Some(cl) = &order.cl_ord_id {
                st.by_cl.insert(cl.clone(), order.ord_id.clone());
            }
            if let Some(fill) = fill {
                let key = (fill.inst_id.clone(), fill.trade_id.clone());
                if st.fills.insert(key) {
                    st.orders
                        .entry(order.ord_id.clone())
                        .or_insert_with(|| TrackedOrder {
                            order: order.clone(),
                            fills: Vec::new(),
                        })
                        .fills
                        .push(fill.clone());
                    out.push(PrivateEvent::Fill { fill, source });
                } else {
                    st.stats.duplicate_fills += 1;
                }
            }
            if news {
                let entry = st
                    .orders
                    .entry(order.ord_id.clone())
                    .or_insert_with(|| TrackedOrder {
                        order: order.clone(),
                        fills: Vec::new(),
                    });
                entry.order = order.clone();
                // The order event first, then its fill.
                out.insert(
                    0,
                    PrivateEvent::Order {
                        order: Box::new(order),
                        source,
                    },
                );
            } else {
                st.stats.stale_orders += 1;
            }
        }
        if !out.is_empty() {
            self.bump();
        }
        out
    }

    /// Takes a fill read over REST; an event if it is new.
    pub(crate) fn apply_fill(&self, fill: &okx_models::Fill) -> Option<PrivateEvent> {
        let event = {
            let mut st = self.lock();
            if !fill.bill_id.is_empty() {
                let newer = st
                    .bill_cursor
                    .as_deref()
                    .is_none_or(|c| cursor_lt(c, &fill.bill_id));
                if newer {
                    st.bill_cursor = Some(fill.bill_id.clone());
                }
            }
            let key = (fill.inst_id.clone(), fill.trade_id.clone());
            if !st.fills.insert(key) {
                st.stats.duplicate_fills += 1;
                return None;
            }
            let ev = FillEvent {
                inst_id: fill.inst_id.clone(),
                trade_id: fill.trade_id.clone(),
                ord_id: fill.ord_id.clone(),
                cl_ord_id: fill.cl_ord_id.clone(),
                side: fill.side.clone(),
                px: fill.fill_px,
                sz: fill.fill_sz,
                fee: fill.fee,
                fee_ccy: fill.fee_ccy.clone(),
                maker: fill
                    .exec_type
                    .as_ref()
                    .map(|e| matches!(e, okx_models::ExecType::Maker)),
                ts: fill.fill_time.unwrap_or(fill.ts),
            };
            if let Some(tracked) = st.orders.get_mut(&fill.ord_id) {
                tracked.fills.push(ev.clone());
            }
            PrivateEvent::Fill {
                fill: ev,
                source: Source::Recovered,
            }
        };
        self.bump();
        Some(event)
    }

    /// Remembers an order this client placed (by its acknowledgement), so
    /// reconciliation asks for it by id if no push or list shows it.
    pub(crate) fn expect(&self, ord_id: OrdId, inst_id: InstId) {
        let mut st = self.lock();
        if !st.orders.contains_key(&ord_id) {
            st.expected.insert(ord_id, inst_id);
        }
    }

    /// Replaces or updates positions (`positions` push or snapshot).
    pub(crate) fn apply_positions(&self, rows: &[Position], snapshot: bool) {
        {
            let mut st = self.lock();
            if snapshot {
                st.positions.clear();
            }
            for p in rows {
                let key = (p.inst_id.to_string(), p.pos_side.to_string());
                if p.pos.is_none_or(|v| v.is_zero()) {
                    st.positions.remove(&key);
                } else {
                    st.positions.insert(key, p.clone());
                }
            }
        }
        self.bump();
    }

    /// Updates balances from an `account` push.
    pub(crate) fn apply_account(&self, rows: &[Balance]) {
        {
            let mut st = self.lock();
            for b in rows {
                for d in &b.details {
                    st.balances.insert(d.ccy.clone(), d.clone());
                }
            }
        }
        self.bump();
    }

    /// The order with this id.
    pub fn order(&self, ord_id: &str) -> Option<TrackedOrder> {
        self.lock().orders.get(ord_id).cloned()
    }

    /// The order with this client id.
    pub fn by_cl_ord_id(&self, cl_ord_id: &str) -> Option<TrackedOrder> {
        let st = self.lock();
        let id = st.by_cl.get(cl_ord_id)?;
        st.orders.get(id).cloned()
    }

    /// Orders not yet filled or cancelled.
    pub fn open_orders(&self) -> Vec<TrackedOrder> {
        self.lock()
            .orders
            .values()
            .filter(|o| !o.is_terminal())
            .cloned()
            .collect()
    }

    /// Every order known.
    pub fn orders(&self) -> Vec<TrackedOrder> {
        self.lock().orders.values().cloned().collect()
    }

    /// Open positions by (`instId`, `posSide`).
    pub fn positions(&self) -> Vec<Position> {
        self.lock().positions.values().cloned().collect()
    }

    /// The balance of one currency, from the `account` channel.
    pub fn balance(&self, ccy: &str) -> Option<okx_models::BalanceDetail> {
        self.lock().balances.get(ccy).cloned()
    }

    /// What was dropped as duplicate or stale so far.
    pub fn dedupe_stats(&self) -> DedupeStats {
        self.lock().stats
    }

    /// Waits until the order with `ord_id` is filled or cancelled; returns
    /// its final record. Cancel-safe: dropping the future loses nothing.
    pub async fn wait_terminal(&self, ord_id: &str) -> Order {
        let mut rx = self.version.subscribe();
        loop {
            if let Some(t) = self.order(ord_id)
                && t.is_terminal()
            {
                return t.order;
            }
            if rx.changed().await.is_err() {
                // The tracker lives as long as its sender; not reached.
                std::future::pending::<()>().await;
            }
        }
    }

    /// A receiver that changes whenever the tracker does.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.version.subscribe()
    }
}

/// Orders numeric cursors without parsing: shorter is smaller.
fn cursor_lt(a: &str, b: &str) -> bool {
    (a.len(), a) < (b.len(), b)
}

/// The fill an `orders` push carries, if it carries one.
fn fill_of(o: &Order) -> Option<FillEvent> {
    let sz = o.fill_sz.filter(|s| !s.is_zero())?;
    if o.trade_id.is_empty() {
        return None;
    }
    Some(FillEvent {
        inst_id: o.inst_id.clone(),
        trade_id: o.trade_id.clone(),
        ord_id: o.ord_id.clone(),
        cl_ord_id: o.cl_ord_id.clone(),
        side: o.side.clone(),
        px: o.fill_px.unwrap_or(Decimal::ZERO),
        sz,
        fee: o.fill_fee,
        fee_ccy: o.fill_fee_ccy.clone(),
        maker: o
            .exec_type
            .as_ref()
            .map(|e| matches!(e, okx_models::ExecType::Maker)),
        ts: o.fill_time.unwrap_or(o.u_time),
    })
}
