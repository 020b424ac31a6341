//! # okx-client: one OKX client for a trading bot
//!
//! [`Client`] composes the REST client (`okx-rest`) and the WebSocket
//! client (`okx-ws`) the way a bot needs them:
//!
//! * one clock offset, one set of credentials and one order-rate budget
//!   shared by both halves (OKX counts REST and WS order operations
//!   together); the halves stay reachable ([`Client::rest`], [`Client::ws`]);
//! * an [`Instruments`] cache (`instIdCode`, tick, lot, minimum size) that
//!   feeds WS trading's `instIdCode` map, follows the `instruments`
//!   channel, and rounds and checks orders before they go out;
//! * one order vocabulary ([`okx_models::trade`]) routed per call over the
//!   WebSocket or REST ([`Route`]), each order placed exactly once
//!   (`clOrdId` always, `expTime`, lookup before any resend);
//! * typed subscriptions ([`Channel`]) and events as `futures::Stream`s;
//! * [`BookHandle`]s on local books the client keeps in sync by itself,
//!   also when a subscription brings no snapshot (it then starts from
//!   REST's, [`book_snapshots`]);
//! * a private stream ([`Client::private_events`]) that loses nothing
//!   across reconnects: after every (re)connect of the private socket the
//!   client reads over REST what happened meanwhile and emits it as
//!   recovered events, with OKX's dedupe rules applied once;
//! * an [`OrderTracker`] built on that stream.
//!
//! It is not a strategy framework, and it does not keep market data the bot
//! did not ask for.
//!
//! ```no_run
//! use futures_util::StreamExt;
//! use okx_client::{Channel, Client, PrivateEvent};
//! use okx_models::trade::OrderRequest;
//! use okx_models::{Decimal, Side};
//!
//! # async fn demo() -> Result<(), okx_client::ClientError> {
//! let client = Client::builder().credentials_from_env()?.demo(true).connect().await?;
//! let mut private = client.private_events().expect("taken once");
//! let book = client.book("BTC-USDT").await?;
//! let mut events = client.events().expect("taken once");
//! client.subscribe([Channel::tickers("BTC-USDT")]).await?;
//!
//! if let Some((bid, _)) = book.best_bid() {
//!     let quote = OrderRequest::limit("BTC-USDT", Side::Buy, Decimal::new(1, 3), bid).post_only();
//!     let ack = client.place(quote).await?;
//!     let done = client.tracker().wait_terminal(ack.ord_id.as_str());
//!     # drop(done);
//! }
//! while let Some(ev) = private.next().await {
//!     if let PrivateEvent::Fill { fill, source } = ev {
//!         println!("{} {} @ {} ({source:?})", fill.side, fill.sz, fill.px);
//!     }
//! }
//! # drop(events.next().await);
//! # Ok(()) }
//! ```

mod book;
mod budget;
mod channel;
mod client;
mod deadman;
mod dispatch;
mod entry;
mod error;
mod events;
mod guard;
mod guarded;
mod inner;
mod instruments;
mod kill;
mod reconcile;
mod requests;
mod route;
mod sources;
mod stream;
mod tracker;

pub use book::{BookHandle, BookState, Level};
pub use channel::{Bar, Channel};
pub use client::{Client, ClientBuilder, Region};
pub use error::{ClientError, Outcome};
pub use events::{FillEvent, PrivateEvent, ReconcileReport, Source};
pub use instruments::{CheckError, Instruments, Rounding};
pub use route::Route;
pub use sources::{book_snapshots, instrument_lookup};
pub use stream::{Events, PrivateEvents};
pub use tracker::{DedupeStats, OrderTracker, TrackedOrder, is_terminal};

/// The safety layer a bot opts into: a pre-trade [`RiskGuard`](safety::RiskGuard)
/// every order path passes through, a [`KillSwitch`](safety::KillSwitch)
/// that halts and flattens on its own, a
/// [`DeadMansSwitch`](safety::DeadMansSwitch) on OKX's `cancel-all-after`,
/// and an [`AuditLog`](safety::AuditLog).
pub mod safety {
    pub use crate::deadman::DeadMansSwitch;
    pub use crate::guard::{
        AuditLog, Exposure, Limits, LimitsError, OrderFacts, RiskGuard, RiskLimits, RiskRejection,
        Rule, Summary, summarize,
    };
    pub use crate::guard::{audit, risk};
    pub use crate::kill::{KillState, KillSwitch, KillSwitchConfig};
}
