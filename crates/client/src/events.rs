//! What the client tells a bot about its own account.

use okx_models::{Balance, ClOrdId, InstId, OrdId, Order, Position, Side};
use rust_decimal::Decimal;

/// Where an event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A push on the private WebSocket.
    Live,
    /// Read over REST by reconciliation, after the private socket had
    /// been down: it happened while nobody was listening.
    Recovered,
}

/// One fill of one of the account's orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillEvent {
    /// Instrument.
    pub inst_id: InstId,
    /// OKX's trade id (unique per instrument).
    pub trade_id: String,
    /// The order that filled.
    pub ord_id: OrdId,
    /// Its client id.
    pub cl_ord_id: Option<ClOrdId>,
    /// The order's side.
    pub side: Side,
    /// Fill price.
    pub px: Decimal,
    /// Fill size.
    pub sz: Decimal,
    /// Fee of this fill (negative: charged), when OKX said.
    pub fee: Option<Decimal>,
    /// Fee currency.
    pub fee_ccy: String,
    /// Maker (`true`) or taker, when OKX said.
    pub maker: Option<bool>,
    /// Fill time, Unix ms.
    pub ts: i64,
}

/// What a reconciliation found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReconcileReport {
    /// Order updates that were news.
    pub orders: usize,
    /// Fills that were news.
    pub fills: usize,
    /// REST requests it took.
    pub requests: usize,
}

/// The private stream: the account's orders, fills, positions and
/// balances, with nothing lost across reconnects.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PrivateEvent {
    /// An order changed (a newer version than any before).
    Order {
        /// The order's latest record.
        order: Box<Order>,
        /// Pushed, or recovered over REST.
        source: Source,
    },
    /// An order filled (once per fill).
    Fill {
        /// The fill.
        fill: FillEvent,
        /// Pushed, or recovered over REST.
        source: Source,
    },
    /// Positions changed (or, with `snapshot`, this is all of them).
    Positions {
        /// The positions.
        positions: Vec<Position>,
        /// A full snapshot rather than changes.
        snapshot: bool,
    },
    /// Balances changed (`account` channel).
    Balances {
        /// The account rows.
        balances: Vec<Balance>,
    },
    /// The private socket is up and subscribed; what happened while it was
    /// down follows as `Recovered` events, then [`PrivateEvent::Reconciled`].
    Connected,
    /// The private socket went down; the client reconnects by itself.
    Disconnected {
        /// Why, as the WebSocket client put it.
        reason: String,
    },
    /// Reconciliation after a (re)connect finished.
    Reconciled(ReconcileReport),
    /// Reconciliation failed; it is tried again after the next reconnect
    /// or [`Client::reconcile`](crate::Client::reconcile).
    ReconcileFailed {
        /// What went wrong.
        error: String,
    },
}
