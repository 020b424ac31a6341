//! The two bounded queues between the connections and the user.
//!
//! Private data and connection events go through a bounded channel whose
//! sender waits when it is full (backpressure, nothing lost). Market data goes
//! through a bounded ring that, under [`Overflow::DropOldest`], drops its
//! oldest entry and counts it, so a slow consumer sees
//! [`WsEvent::Lagged`] instead of an ever-growing queue.

use crate::config::Overflow;
use crate::event::WsEvent;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{Notify, mpsc};

struct Ring {
    buf: VecDeque<WsEvent>,
    cap: usize,
    dropped: u64,
    producers_gone: bool,
    consumer_gone: bool,
}

struct Market {
    ring: Mutex<Ring>,
    readable: Notify,
    writable: Notify,
}

impl Market {
    fn lock(&self) -> MutexGuard<'_, Ring> {
        self.ring.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Closes the market ring when the last producer goes.
struct ProducerGuard(Arc<Market>);

impl Drop for ProducerGuard {
    fn drop(&mut self) {
        self.0.lock().producers_gone = true;
        self.0.readable.notify_one();
    }
}

/// The producing side, cloned into every connection task.
#[derive(Clone)]
pub(crate) struct Sinks {
    lossless: mpsc::Sender<WsEvent>,
    market: Arc<Market>,
    _guard: Arc<ProducerGuard>,
    policy: Overflow,
}

impl Sinks {
    /// Sends a private or connection event, waiting for room.
    pub(crate) async fn lossless(&self, ev: WsEvent) {
        // A closed receiver means the user dropped the stream: nothing to do.
        let _ = self.lossless.send(ev).await;
    }

    /// Sends a market data event under the overflow policy.
    pub(crate) async fn market(&self, ev: WsEvent) {
        let mut ev = Some(ev);
        loop {
            {
                let mut ring = self.market.lock();
                if ring.consumer_gone {
                    return;
                }
                if ring.buf.len() < ring.cap {
                    ring.buf.extend(ev.take());
                    drop(ring);
                    self.market.readable.notify_one();
                    return;
                }
                if self.policy == Overflow::DropOldest {
                    ring.buf.pop_front();
                    ring.dropped += 1;
                    ring.buf.extend(ev.take());
                    drop(ring);
                    self.market.readable.notify_one();
                    return;
                }
            }
            self.market.writable.notified().await;
        }
    }
}

/// The stream of [`WsEvent`]s a [`WsClient`](crate::WsClient) produces.
///
/// Private data and connection events are returned before queued market
/// data, so an order update is never stuck behind a burst of tickers; the
/// order within each kind is the arrival order. It ends (`None`) when the
/// client and all its connections are gone.
pub struct WsEvents {
    lossless: mpsc::Receiver<WsEvent>,
    lossless_open: bool,
    market: Arc<Market>,
}

impl std::fmt::Debug for WsEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WsEvents").finish_non_exhaustive()
    }
}

impl Drop for WsEvents {
    fn drop(&mut self) {
        let mut ring = self.market.lock();
        ring.consumer_gone = true;
        ring.buf.clear();
        drop(ring);
        self.market.writable.notify_waiters();
    }
}

impl WsEvents {
    /// The next event; `None` once the client is closed and everything was read.
    pub async fn recv(&mut self) -> Option<WsEvent> {
        loop {
            if self.lossless_open {
                match self.lossless.try_recv() {
                    Ok(ev) => return Some(ev),
                    Err(mpsc::error::TryRecvError::Disconnected) => self.lossless_open = false,
                    Err(mpsc::error::TryRecvError::Empty) => {}
                }
            }
            {
                let mut ring = self.market.lock();
                if ring.dropped > 0 {
                    let dropped = std::mem::take(&mut ring.dropped);
                    return Some(WsEvent::Lagged { dropped });
                }
                if let Some(ev) = ring.buf.pop_front() {
                    drop(ring);
                    self.market.writable.notify_one();
                    return Some(ev);
                }
                if ring.producers_gone && !self.lossless_open {
                    return None;
                }
            }
            tokio::select! {
                ev = self.lossless.recv(), if self.lossless_open => match ev {
                    Some(ev) => return Some(ev),
                    None => self.lossless_open = false,
                },
                _ = self.market.readable.notified() => {}
            }
        }
    }

    /// An event if one is ready now.
    pub fn try_recv(&mut self) -> Option<WsEvent> {
        if let Ok(ev) = self.lossless.try_recv() {
            return Some(ev);
        }
        let mut ring = self.market.lock();
        if ring.dropped > 0 {
            let dropped = std::mem::take(&mut ring.dropped);
            return Some(WsEvent::Lagged { dropped });
        }
        let ev = ring.buf.pop_front();
        drop(ring);
        if ev.is_some() {
            self.market.writable.notify_one();
        }
        ev
    }
}

/// Builds the pair of queues.
pub(crate) fn channel(
    market_cap: usize,
    lossless_cap: usize,
    policy: Overflow,
) -> (Sinks, WsEvents) {
    let (tx, rx) = mpsc::channel(lossless_cap);
    let market = Arc::new(Market {
        ring: Mutex::new(Ring {
            buf: VecDeque::with_capacity(market_cap.min(4096)),
            cap: market_cap,
            dropped: 0,
            producers_gone: false,
            consumer_gone: false,
        }),
        readable: Notify::new(),
        writable: Notify::new(),
    });
    let sinks = Sinks {
        lossless: tx,
        market: market.clone(),
        _guard: Arc::new(ProducerGuard(market.clone())),
        policy,
    };
    let events = WsEvents {
        lossless: rx,
        lossless_open: true,
        market,
    };
    (sinks, events)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lag(n: u64) -> WsEvent {
        WsEvent::Lagged { dropped: n }
    }

    #[tokio::test]
    async fn drop_oldest_keeps_the_newest_and_reports_the_loss() {
        let (sinks, mut events) = channel(2, 4, Overflow::DropOldest);
        for i in 0..5 {
            sinks.market(lag(100 + i)).await;
        }
        assert_eq!(events.recv().await, Some(lag(3)));
        assert_eq!(events.recv().await, Some(lag(103)));
        assert_eq!(events.recv().await, Some(lag(104)));
        drop(sinks);
        assert_eq!(events.recv().await, None);
    }

    #[tokio::test]
    async fn lossless_events_come_first_and_block_when_full() {
        let (sinks, mut events) = channel(8, 1, Overflow::DropOldest);
        sinks.market(lag(1)).await;
        sinks.lossless(lag(2)).await;
        let blocked =
            tokio::time::timeout(std::time::Duration::from_millis(50), sinks.lossless(lag(3)))
                .await;
        assert!(
            blocked.is_err(),
            "a full lossless queue must wait, not drop"
        );
        assert_eq!(events.recv().await, Some(lag(2)));
        assert_eq!(events.recv().await, Some(lag(1)));
    }

    #[tokio::test]
    async fn backpressure_waits_for_the_consumer() {
        let (sinks, mut events) = channel(1, 1, Overflow::Backpressure);
        sinks.market(lag(1)).await;
        let s2 = sinks.clone();
        let writer = tokio::spawn(async move { s2.market(lag(2)).await });
        tokio::task::yield_now().await;
        assert!(!writer.is_finished());
        assert_eq!(events.recv().await, Some(lag(1)));
        writer.await.unwrap();
        assert_eq!(events.recv().await, Some(lag(2)));
    }
}
