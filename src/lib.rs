//! # okx: the OKX V5 SDK for Rust
//!
//! This is the facade crate. It re-exports the layered crates so a bot can
//! depend on one name, while tools that need only one piece depend on that
//! piece alone:
//!
//! | crate | what it is for |
//! |---|---|
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
pub use okx_models as models;
#[cfg(feature = "rest")]
pub use okx_rest as rest;
#[cfg(feature = "testkit")]
pub use okx_testkit as testkit;
#[cfg(feature = "ws")]
pub use okx_ws as ws;

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
