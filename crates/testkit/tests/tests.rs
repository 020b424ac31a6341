//! The simulated exchange, driven the way any OKX client drives OKX: signed
//! REST requests and WebSocket frames built here by hand (with the
//! testkit's plain-HMAC signer), so these tests check the exchange itself
//! and not the SDK's clients.

mod suite;
