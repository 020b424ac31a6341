//! # okx: the OKX V5 SDK for Rust
//!
//! This is the facade crate. It re-exports the layered crates so a bot can
//! depend on one name, while tools that need only one piece depend on that
//! piece alone:
//!
//! | crate | what it is for |
//! |---|---|
//! | [`Client`] (`okx-client`, feature `client`) | one client for a bot: REST and WS composed, instrument cache, one order vocabulary, a private stream that loses nothing, order tracker, book handles |
//! | [`models`] (`okx-models`) | wire types: decimal-typed models, enums, envelope, API errors |
//! | [`auth`] (`okx-auth`) | credentials, the keyed-once signer, REST headers, WS login |
//! | `book` (`okx-book`, feature `book`) | a local order book with sequence and checksum checks |
//! | `rest` (`okx-rest`, feature `rest`) | the typed REST client |
//! | `ws` (`okx-ws`, feature `ws`) | the self-healing WebSocket client |
//! | `testkit` (`okx-testkit`, feature `testkit`) | an OKX look-alike on loopback for tests |
//!
//! It is not a trading strategy, a backtester or a data store: it is the
//! layer those are built on.

pub use okx_auth as auth;
#[cfg(feature = "book")]
pub use okx_book as book;
#[cfg(feature = "client")]
pub use okx_client as client;
#[cfg(feature = "client")]
pub use okx_client::{Channel, Client, PrivateEvent, Route};
pub use okx_models as models;
#[cfg(feature = "rest")]
pub use okx_rest as rest;
#[cfg(feature = "testkit")]
pub use okx_testkit as testkit;
#[cfg(feature = "ws")]
pub use okx_ws as ws;

/// The README's Rust code blocks, compiled as doctests (`no_run` where they
/// need the network), so the first code a user reads cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// okx-ws's REST sources over okx-rest (a [`Client`] wires both by
/// itself; these are for the layers used alone).
#[cfg(feature = "client")]
pub use okx_client::{book_snapshots, instrument_lookup};
