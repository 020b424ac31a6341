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

/// A [`ws::SnapshotSource`] over a [`rest::RestClient`]: `GET
/// /api/v5/market/books` with `instId` and `sz`, for books whose WS
/// subscription brings no snapshot (OKX's announced no-snapshot mode).
///
/// ```no_run
/// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let rest = okx::rest::RestClient::new()?;
/// let cfg = okx::ws::WsConfig::live().snapshot_source(okx::book_snapshots(rest));
/// let (_ws, _events) = okx::ws::WsClient::new(cfg)?;
/// # Ok(()) }
/// ```
#[cfg(all(feature = "rest", feature = "ws"))]
pub fn book_snapshots(client: rest::RestClient) -> impl ws::SnapshotSource + 'static {
    move |inst_id: String, depth: u32| {
        let client = client.clone();
        async move {
            let req = rest::api::market::GetBooks::new(inst_id).sz(depth.to_string());
            let books = client.send(&req).await.map_err(|e| e.to_string())?;
            books
                .into_iter()
                .next()
                .ok_or_else(|| "GET /api/v5/market/books returned no book".to_owned())
        }
    }
}

/// An [`ws::InstrumentSource`] over a [`rest::RestClient`]: `GET
/// /api/v5/public/instruments` for one instrument, so a WS order whose
/// `instIdCode` a relisting made stale is sent with the fresh one.
///
/// The instrument type is read from the id's shape (`-SWAP`, an option's
/// `-C`/`-P`, a two-part spot pair, else a future); options are asked by
/// their family.
#[cfg(all(feature = "rest", feature = "ws"))]
pub fn instrument_lookup(client: rest::RestClient) -> impl ws::InstrumentSource + 'static {
    move |inst_id: String| {
        let client = client.clone();
        async move {
            use models::InstType;
            let parts: Vec<&str> = inst_id.split('-').collect();
            let kind = if inst_id.ends_with("-SWAP") {
                InstType::Swap
            } else if parts.len() == 5 && matches!(parts[4], "C" | "P") {
                InstType::Option
            } else if parts.len() == 2 {
                InstType::Spot
            } else {
                InstType::Futures
            };
            let mut req = rest::api::public::GetInstruments::new(kind.clone());
            req = if kind == InstType::Option {
                req.inst_family(parts[..2].join("-"))
            } else {
                req.inst_id(inst_id.clone())
            };
            let list = client.send(&req).await.map_err(|e| e.to_string())?;
            list.into_iter()
                .find(|i| i.inst_id.as_str() == inst_id)
                .ok_or_else(|| format!("{inst_id} is not listed"))
        }
    }
}
