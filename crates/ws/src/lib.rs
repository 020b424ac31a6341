//! # okx-ws: the self-healing OKX V5 WebSocket client
//!
//! One [`WsClient`] manages the public, private and business connections an
//! application needs and hands everything it learns to one [`WsEvents`]
//! stream of typed [`WsEvent`]s:
//!
//! * **login** on the private and business endpoints with `okx-auth`'s
//!   signer and the clock offset shared with REST;
//! * **subscribe / unsubscribe** acknowledged per request (matched by the
//!   `id` OKX echoes), OKX's refusal (60012, 60018, 64001, 60011, ...)
//!   returned to the caller; a fee tier too low for a channel (64003) is
//!   [`WsError::AccessTier`] and is never asked again;
//! * **keepalive**: the text `ping` after [`WsConfig::ping_after`] of
//!   silence; no answer within [`WsConfig::pong_timeout`] means dead;
//! * **reconnect** with exponential backoff and jitter, login again, then
//!   resubscribe everything; the 64008 service-upgrade notice opens the new
//!   connection and resubscribes *before* the old one is let go, dropping
//!   pushes both delivered; a login refused for good (bad key, passphrase,
//!   signature, expired key) stops and says so, while an unexplained refusal
//!   (60009) keeps being retried at the longest backoff, since an OKX login
//!   outage looks the same;
//! * **limits**: 3 new connections per second, 480 subscribe/unsubscribe/login
//!   ops per hour and per connection, 64 KB per subscribe request; extra
//!   subscriptions spill onto more connections;
//! * **typed pushes** for the public and private channels, decoded without a
//!   `serde_json::Value` tree; unknown channels arrive as [`WsEvent::Unknown`];
//! * **local order books** kept with `okx-book`; a sequence gap or checksum
//!   mismatch reports [`WsEvent::BookOutOfSync`] and resubscribes for a new
//!   snapshot (through a replacement connection, reported as
//!   [`WsEvent::OpBudgetExhausted`], when the connection's op budget is spent);
//!   `checksum` 0 (every push since 2026-06-23) is neither an alarm nor a
//!   claim: [`BookUpdate::integrity`] says the book rests on the sequence;
//!   a subscription that brings no snapshot within
//!   [`WsConfig::snapshot_wait`] starts the book from REST
//!   ([`WsConfig::snapshot_source`]) and the updates buffered meanwhile;
//! * **bounded queues**: a slow consumer loses the oldest market data and is
//!   told ([`WsEvent::Lagged`]) under [`Overflow::DropOldest`]; private order
//!   and account data is never dropped (the connection waits instead);
//! * **WS trading**: `order`, `batch-orders`, `cancel-order`,
//!   `batch-cancel-orders`, `amend-order`, `batch-amend-orders`, `mass-cancel`
//!   awaited per request, one result per batch item (with `subCode`), sent
//!   with the `instIdCode` OKX requires (a relisted instrument's code is
//!   refreshed first) and rate-limited like REST; spread orders
//!   (`sprd-order`, ...) on the business connection.
//!
//! It is not a REST client (that is `okx-rest`; the two never depend on each
//! other) and not a strategy framework.
//!
//! ```no_run
//! use okx_ws::{Arg, PushData, WsClient, WsConfig, WsEvent};
//!
//! # async fn demo() -> Result<(), okx_ws::WsError> {
//! let (client, mut events) = WsClient::new(WsConfig::live())?;
//! client.subscribe([Arg::new("tickers").inst_id("BTC-USDT")]).await?;
//! while let Some(event) = events.recv().await {
//!     match event {
//!         WsEvent::Push(push) => {
//!             if let PushData::Tickers(rows) = &push.data {
//!                 println!("{:?}", rows[0].last);
//!             }
//!         }
//!         WsEvent::Disconnected { reason, .. } => eprintln!("down: {reason:?}"),
//!         other => println!("{other:?}"),
//!     }
//! }
//! # Ok(()) }
//! ```

mod arg;
mod client;
mod codes;
mod config;
mod conn;
pub mod decode;
mod endpoint;
mod error;
mod establish;
mod event;
mod limits;
mod net;
mod queue;
mod shared;
mod snapshot;
mod spread;
mod trade;
mod trading;

pub use arg::{Arg, channel_endpoint, needs_login, op_endpoint};
pub use client::WsClient;
pub use codes::{InstrumentFuture, InstrumentSource};
pub use config::{Host, Overflow, WsConfig};
pub use conn::SLOW_LOGIN_RETRY_AFTER;
pub use endpoint::Endpoint;
pub use error::{Cause, WsError};
pub use event::{BookUpdate, DisconnectReason, Push, PushData, WsEvent};
pub use okx_tls::Pin;
pub use queue::WsEvents;
pub use snapshot::{SnapshotFuture, SnapshotSource};
pub use spread::{SprdAmendOrder, SprdOrderRef, SprdPlaceOrder};
pub use trade::{ItemError, ItemOutcome, MassCancel};
pub use trading::Trading;

#[doc(hidden)]
pub use conn::bench as __bench;

/// Local order books (re-exported from `okx-book`).
pub mod books {
    pub use okx_book::{BookSet, Channel, Integrity, OrderBook, OutOfSyncReason, Side};
}

// The client, its event stream, events and errors cross threads and tasks:
// checked when the crate compiles, so a field that breaks it cannot slip in.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    const fn send<T: Send>() {}
    send_sync::<WsClient>();
    send_sync::<WsConfig>();
    send_sync::<WsEvent>();
    send_sync::<WsError>();
    send_sync::<Cause>();
    send_sync::<Push>();
    send_sync::<DisconnectReason>();
    // a receiver is moved into the task that reads it
    send::<WsEvents>();
};
