//! Book handles: a strategy's view of a local order book the client keeps
//! in sync by itself (resubscribing after a gap, a bad checksum or a quiet
//! feed), and a way to wait for its next change.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use okx_book::OrderBook;
use okx_ws::WsClient;
use rust_decimal::Decimal;
use tokio::sync::watch;

/// One book's change counter and sync flag, as the dispatcher last saw
/// them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BookState {
    /// Frames applied so far.
    pub version: u64,
    /// Whether the book is in sync with OKX's.
    pub synced: bool,
    /// Times it lost sync and was rebuilt.
    pub resyncs: u64,
}

/// Watch senders by (channel, instrument).
type Senders = HashMap<(String, String), watch::Sender<BookState>>;

/// The watch channels of the books handles were asked for.
#[derive(Debug, Default, Clone)]
pub(crate) struct BookWatch {
    map: Arc<Mutex<Senders>>,
}

impl BookWatch {
    pub(crate) fn receiver(&self, channel: &str, inst_id: &str) -> watch::Receiver<BookState> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.entry((channel.to_owned(), inst_id.to_owned()))
            .or_insert_with(|| watch::channel(BookState::default()).0)
            .subscribe()
    }

    pub(crate) fn update(&self, channel: &str, inst_id: &str, synced: bool) {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = map.get(&(channel.to_owned(), inst_id.to_owned())) {
            tx.send_modify(|s| {
                s.version += 1;
                if s.synced && !synced {
                    s.resyncs += 1;
                }
                s.synced = synced;
            });
        }
    }
}

/// A level: price and size.
pub type Level = (Decimal, Decimal);

/// A local order book the client keeps. Reading is cheap and never waits
/// on the network; [`BookHandle::changed`] waits for the next change.
#[derive(Debug, Clone)]
pub struct BookHandle {
    ws: WsClient,
    channel: String,
    inst_id: String,
    rx: watch::Receiver<BookState>,
}

fn level(px: &str, sz: &str) -> Option<Level> {
    Some((px.parse().ok()?, sz.parse().ok()?))
}

impl BookHandle {
    pub(crate) fn new(
        ws: WsClient,
        channel: &str,
        inst_id: &str,
        rx: watch::Receiver<BookState>,
    ) -> Self {
        BookHandle {
            ws,
            channel: channel.to_owned(),
            inst_id: inst_id.to_owned(),
            rx,
        }
    }

    /// The instrument.
    pub fn inst_id(&self) -> &str {
        &self.inst_id
    }

    /// Reads the book; `None` until its first snapshot arrived.
    pub fn read<R>(&self, f: impl FnOnce(&OrderBook) -> R) -> Option<R> {
        self.ws.book(&self.channel, &self.inst_id, f)
    }

    /// Best bid.
    pub fn best_bid(&self) -> Option<Level> {
        self.read(|b| b.best_bid().and_then(|l| level(l.px, l.sz)))
            .flatten()
    }

    /// Best ask.
    pub fn best_ask(&self) -> Option<Level> {
        self.read(|b| b.best_ask().and_then(|l| level(l.px, l.sz)))
            .flatten()
    }

    /// The middle of the best bid and ask.
    pub fn mid(&self) -> Option<Decimal> {
        let (bid, ask) = (self.best_bid()?, self.best_ask()?);
        Some((bid.0 + ask.0) / Decimal::TWO)
    }

    /// The top `n` levels of each side, best first.
    pub fn depth(&self, n: usize) -> (Vec<Level>, Vec<Level>) {
        self.read(|b| {
            let side = |s| {
                (0..n)
                    .map_while(|i| b.level(s, i))
                    .filter_map(|l| level(l.px, l.sz))
                    .collect::<Vec<_>>()
            };
            (side(okx_book::Side::Bid), side(okx_book::Side::Ask))
        })
        .unwrap_or_default()
    }

    /// Whether the book is in sync with OKX's (false while it is rebuilt).
    pub fn is_synced(&self) -> bool {
        self.read(OrderBook::is_synced).unwrap_or(false)
    }

    /// The book's `seqId`.
    pub fn seq_id(&self) -> Option<i64> {
        self.read(OrderBook::seq_id).flatten()
    }

    /// Change counter, sync flag and resync count.
    pub fn state(&self) -> BookState {
        *self.rx.borrow()
    }

    /// Waits for the book's next change (an update, a new snapshot, or a
    /// loss of sync). Cancel-safe. An error means the client was closed.
    pub async fn changed(&mut self) -> Result<BookState, crate::ClientError> {
        self.rx
            .changed()
            .await
            .map_err(|_| crate::ClientError::Closed)?;
        Ok(*self.rx.borrow_and_update())
    }
}
