//! # okx-rest: typed OKX V5 REST client
//!
//! What it is for: calling OKX's REST API with one request type per endpoint
//! ([`api`]) and one generic [`RestClient::send`], with the behaviour OKX
//! expects from a well-behaved client built in:
//!
//! - **rate limits by OKX's rules**: a bucket per endpoint (by IP, user,
//!   user+instrument, ...), place/amend/cancel counted apart, batches counted
//!   in orders, each against its own instrument (a batch of one counts as a
//!   single order), the sub-account limit of 1,000 orders per 2 s, and the
//!   docs' secondary limits ([`ExtraLimit`]: per-pair convert quotes,
//!   lead traders' orders with [`LeadTrader`]); calls wait for their turn
//!   by default ([`LimitPolicy`]);
//! - **clock sync** from `GET /api/v5/public/time` into the shared
//!   [`okx_auth::ClockOffset`], and one resync + retry on 50102;
//! - **safe retries**: reads are repeated after 429/50011/50061, 5xx and
//!   network errors; writes never blindly;
//! - **orders that never duplicate**: order entry speaks the SDK's one
//!   vocabulary, [`okx_models::trade`] ([`OrderRequest`](okx_models::trade::OrderRequest),
//!   [`AmendRequest`](okx_models::trade::AmendRequest),
//!   [`CancelRequest`](okx_models::trade::CancelRequest), answered by
//!   [`OrderAck`](okx_models::trade::OrderAck)), the same requests
//!   `okx-ws` sends; [`RestClient::place`] gives every order a `clOrdId`
//!   and an `expTime`, and after a lost answer asks OKX for the order
//!   before it ever sends it again. The catalog's generic
//!   `api::trade::PlaceOrder` and friends stay for [`RestClient::send`],
//!   without that protocol;
//! - **local checks** before sending (`clOrdId` format, price, batch size,
//!   lot size) and **one [`Error`]** that says what OKX answered, whether a
//!   retry can help and, for a write, whether it happened
//!   ([`WriteOutcome`]);
//! - **pagination** streams back in time over `after` and forward over
//!   `after`+`before` without skipping a record ([`Paginated`],
//!   [`RestClient::paginate`], [`RestClient::paginate_forward`],
//!   [`RestClient::follow`]); candles come back oldest-first.
//!
//! What it is not for: WebSocket streams (`okx-ws`), keeping a local book
//! (`okx-book`), or signing alone (`okx-auth`). Tests run against
//! `okx-testkit`'s look-alike, never against OKX.
//!
//! ```no_run
//! use okx_auth::Credentials;
//! use okx_models::trade::OrderRequest;
//! use okx_models::{Decimal, Side};
//! use okx_rest::api::market::GetTicker;
//! use okx_rest::{Host, RestClient};
//!
//! # async fn demo() -> Result<(), okx_rest::Error> {
//! let client = RestClient::builder()
//!     .host(Host::GlobalOpenApi)
//!     .demo(true)
//!     .credentials(Credentials::new("key", "secret", "passphrase"))
//!     .build()?;
//! client.sync_clock().await?;
//!
//! let ticker = client.send(&GetTicker::new("BTC-USDT")).await?;
//! println!("last {:?}", ticker[0].last);
//!
//! let (sz, px) = (Decimal::new(1, 3), Decimal::from(40_000));
//! let order = OrderRequest::limit("BTC-USDT", Side::Buy, sz, px).post_only();
//! match client.place(order).await {
//!     Ok(ack) => println!("placed {}", ack.ord_id),
//!     Err(e) => println!("not placed ({:?}): {e}", e.write_outcome()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Requests and OKX's answers are `#[non_exhaustive]`, since OKX adds
//! parameters and fields: requests are built with `new` (or `limit`,
//! `by_ord_id`, ...) and setters, not struct literals, and a request built
//! and never sent is a warning:
//!
//! ```compile_fail
//! let req = okx_rest::api::market::GetTicker { inst_id: "BTC-USDT".into() };
//! ```
//!
//! ```compile_fail
//! #![deny(unused_must_use)]
//! okx_rest::api::market::GetTicker::new("BTC-USDT");
//! ```
//!
//! ```compile_fail
//! let query = okx_rest::api::trade::GetOrder { inst_id: "BTC-USDT".into(), ord_id: None, cl_ord_id: None };
//! ```

pub mod api;
mod client;
mod entry;
pub mod error;
mod fast;
mod limiter;
mod orders;
mod outgoing;
mod paginate;
pub mod request;
mod transport;
mod wire;

pub use client::{DEFAULT_MAX_BODY_BYTES, Host, RestClient, RestClientBuilder, SUB_ACCOUNT_BUCKET};
pub use entry::OrderBatch;
pub use error::{
    ApiError, DecodeError, Error, Invalid, ItemResult, OkxCode, TransportError, WriteOutcome,
};
pub use limiter::{LeadTrader, LimitPolicy, SUB_ACCOUNT_LIMIT};
pub use okx_tls::Pin;
pub use orders::{MAX_BATCH, new_cl_ord_id};
pub use paginate::Paginated;
pub use request::{
    Applies, ExtraLimit, LimitScope, LimitUnit, Method, OrderOp, RateLimit, Request, currency_pair,
    oldest_first,
};
pub use transport::Transport;

// Clients, requests and errors cross threads and tasks: checked when the
// crate compiles, so a field that breaks it cannot slip in.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<RestClient>();
    send_sync::<RestClientBuilder>();
    send_sync::<Error>();
    send_sync::<TransportError>();
    send_sync::<DecodeError>();
    send_sync::<okx_models::trade::OrderRequest>();
    send_sync::<okx_models::trade::OrderAck>();
};
