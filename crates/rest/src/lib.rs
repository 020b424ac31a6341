//! # okx-rest
//!
//! Typed OKX V5 REST client with OKX-aware rate limiting, clock sync and
//! pagination.

pub mod api;
mod client;
pub mod error;
mod limiter;
pub mod orders;
mod paginate;
pub mod request;
mod wire;

pub use client::{Host, RestClient, RestClientBuilder, SUB_ACCOUNT_BUCKET};
pub use error::{ApiError, Error, Invalid, ItemError, WriteOutcome};
pub use limiter::{LimitPolicy, SUB_ACCOUNT_LIMIT};
pub use orders::{
    AmendOrder, CancelOrder, GetOrder, OrderAck, PlaceBatch, PlaceOrder, check_cl_ord_id,
    new_cl_ord_id,
};
pub use paginate::Paginated;
pub use request::{LimitScope, LimitUnit, Method, OrderOp, RateLimit, Request, oldest_first};
