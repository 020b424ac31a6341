//! Where a book's snapshot comes from when subscribing brings none.
//!
//! OKX announced subscriptions to the book channels without the initial
//! snapshot (its English "upcoming changes", 2026), with a recipe:
//! subscribe, buffer the updates, ignore the first push, fetch `GET
//! /api/v5/market/books`, drop what the snapshot already holds and stitch
//! the rest by `seqId`. The 2026-06-23 docs still show the snapshot pushed,
//! so the client waits [`WsConfig::snapshot_wait`](crate::WsConfig::snapshot_wait)
//! for it and only then asks a [`SnapshotSource`]. okx-ws makes no REST
//! calls itself (it does not depend on okx-rest): the source is a closure
//! or the facade's `okx::book_snapshots` over an `okx_rest::RestClient`.

use okx_models::OrderBook;
use std::future::Future;
use std::pin::Pin;

/// What a [`SnapshotSource`] returns: the first `data` item of `GET
/// /api/v5/market/books`, with its `seqId`, or why it could not be had.
pub type SnapshotFuture = Pin<Box<dyn Future<Output = Result<OrderBook, String>> + Send>>;

/// Fetches a book snapshot over REST: `GET /api/v5/market/books` with
/// `instId` and `sz` (the depth, 400 for the 400-level channels).
///
/// Any `Fn(String, u32) -> impl Future<Output = Result<OrderBook, String>>`
/// is one:
///
/// ```
/// use okx_models::OrderBook;
/// use okx_ws::WsConfig;
///
/// let cfg = WsConfig::live().snapshot_source(|inst_id: String, depth: u32| async move {
///     // e.g. okx_rest's GetBooks::new(inst_id).sz(depth.to_string()) through a RestClient
///     Err::<OrderBook, String>(format!("no REST client for {inst_id} ({depth} levels)"))
/// });
/// assert!(cfg.has_snapshot_source());
/// ```
pub trait SnapshotSource: Send + Sync {
    /// Starts fetching the snapshot of `inst_id`, `depth` levels a side.
    fn fetch(&self, inst_id: &str, depth: u32) -> SnapshotFuture;
}

impl<F, Fut> SnapshotSource for F
where
    F: Fn(String, u32) -> Fut + Send + Sync,
    Fut: Future<Output = Result<OrderBook, String>> + Send + 'static,
{
    fn fetch(&self, inst_id: &str, depth: u32) -> SnapshotFuture {
        Box::pin(self(inst_id.to_owned(), depth))
    }
}

/// The REST snapshot as a book frame `okx-book` reads: the levels as
/// `["px","sz","0","n"]` (decimals keep the scale OKX sent) and the `seqId`.
pub(crate) fn rest_frame(channel: &str, inst_id: &str, book: &OrderBook) -> Result<String, String> {
    let seq = book
        .seq_id
        .ok_or("the REST snapshot has no seqId to stitch updates onto")?;
    let side = |levels: &[okx_models::BookLevel]| -> String {
        let rows: Vec<String> = levels
            .iter()
            .map(|l| {
                let n = l.num_orders.map(|n| n.to_string()).unwrap_or_default();
                format!(r#"["{}","{}","0","{n}"]"#, l.px, l.sz)
            })
            .collect();
        rows.join(",")
    };
    let channel = serde_json::to_string(channel).map_err(|e| e.to_string())?;
    let inst = serde_json::to_string(inst_id).map_err(|e| e.to_string())?;
    Ok(format!(
        r#"{{"arg":{{"channel":{channel},"instId":{inst}}},"action":"snapshot","data":[{{"asks":[{}],"bids":[{}],"ts":"{}","seqId":{seq}}}]}}"#,
        side(&book.asks),
        side(&book.bids),
        book.ts
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rest_snapshot_becomes_a_frame_okx_book_reads() {
        let book: OrderBook = serde_json::from_str(
            r#"{"asks":[["41006.80","0.60038921","0","1"]],"bids":[["41006.3","0.3","0","2"]],"ts":"1629966436396","seqId":3235851742}"#,
        )
        .unwrap();
        let text = rest_frame("books", "BTC-USDT", &book).unwrap();
        let frame = okx_book::BookFrame::parse(text.as_bytes()).unwrap();
        assert_eq!(frame.seq_id, Some(3235851742));
        assert_eq!(frame.action, okx_book::Action::Snapshot);
        let ask = frame.asks.iter().next().unwrap();
        assert_eq!((ask.px, ask.sz, ask.orders), ("41006.80", "0.60038921", 1));
        let no_seq: OrderBook = serde_json::from_str(r#"{"asks":[],"bids":[],"ts":"1"}"#).unwrap();
        assert!(rest_frame("books", "BTC-USDT", &no_seq).is_err());
    }
}
