//! # okx-testkit
//!
//! An OKX V5 look-alike that runs on 127.0.0.1: a REST server (on wiremock)
//! and a WebSocket server (on tokio-tungstenite). Both check signatures and
//! timestamps the way OKX does, answer with OKX's real error bodies and
//! enforce rate limits, so a client tested against them is tested against
//! OKX's rules rather than against a fake of itself.
//!
//! It is for tests and offline demos; it is not a matching engine.

pub mod rest;
pub mod sign;
pub mod ws;
