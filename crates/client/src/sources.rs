//! okx-ws's REST needs, met by okx-rest: book snapshots for subscriptions
//! that bring none, and instrument lookups for stale `instIdCode`s. okx-ws
//! does not depend on okx-rest, so the two meet here; [`Client`](crate::Client)
//! wires both into its WebSocket by itself.

use okx_models::InstType;
use okx_rest::RestClient;
use okx_rest::api::market::GetBooks;
use okx_rest::api::public::GetInstruments;
use okx_ws::{InstrumentSource, SnapshotSource};

/// A [`SnapshotSource`] over a [`RestClient`]: `GET /api/v5/market/books`
/// with `instId` and `sz`, for books whose WS subscription brings no
/// snapshot (OKX's announced no-snapshot mode).
///
/// [`Client::connect`](crate::ClientBuilder::connect) sets it on its
/// WebSocket unless `configure_ws` set another; with the layers alone:
///
/// ```no_run
/// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let rest = okx_rest::RestClient::new()?;
/// let cfg = okx_ws::WsConfig::live().snapshot_source(okx_client::book_snapshots(rest));
/// let (_ws, _events) = okx_ws::WsClient::new(cfg)?;
/// # Ok(()) }
/// ```
pub fn book_snapshots(client: RestClient) -> impl SnapshotSource + 'static {
    move |inst_id: String, depth: u32| {
        let client = client.clone();
        async move {
            tracing::debug!(inst_id, depth, "book snapshot over REST");
            let req = GetBooks::new(inst_id).sz(depth.to_string());
            let books = client.send(&req).await.map_err(|e| e.to_string())?;
            books
                .into_iter()
                .next()
                .ok_or_else(|| "GET /api/v5/market/books returned no book".to_owned())
        }
    }
}

/// An [`InstrumentSource`] over a [`RestClient`]: `GET
/// /api/v5/public/instruments` for one instrument, so a WS order whose
/// `instIdCode` is unknown or was made stale by a relisting is sent with
/// the fresh one.
///
/// The instrument type is read from the id's shape (`-SWAP`, an option's
/// `-C`/`-P`, a two-part spot pair, else a future); options are asked by
/// their family.
pub fn instrument_lookup(client: RestClient) -> impl InstrumentSource + 'static {
    move |inst_id: String| {
        let client = client.clone();
        async move {
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
            tracing::debug!(inst_id, inst_type = %kind.as_str(), "instrument lookup over REST");
            let mut req = GetInstruments::new(kind.clone());
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
