//! # okx-rest
//!
//! Typed OKX V5 REST client. Work in progress.

pub mod api;
pub mod request;

pub use request::{LimitScope, LimitUnit, Method, OrderOp, RateLimit, Request};
