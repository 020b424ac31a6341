//! The client's event streams, as `futures::Stream`s.
//!
//! Both are cancel-safe: a `next()` dropped before it completes loses no
//! event (the event stays queued for the next call).

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use futures_util::Stream;
use okx_ws::WsEvent;
use tokio::sync::mpsc;

use crate::events::PrivateEvent;

/// Market and connection events (see [`Client::events`](crate::Client::events)).
///
/// When the consumer falls behind, the oldest market events are not kept:
/// a [`WsEvent::Lagged`] says how many were lost. The account's own data
/// is never lost that way; it goes to [`PrivateEvents`].
#[derive(Debug)]
pub struct Events {
    rx: mpsc::Receiver<WsEvent>,
    lagged: Arc<AtomicU64>,
}

impl Events {
    pub(crate) fn new(rx: mpsc::Receiver<WsEvent>, lagged: Arc<AtomicU64>) -> Self {
        Events { rx, lagged }
    }

    /// The next event; `None` once the client is gone.
    pub async fn recv(&mut self) -> Option<WsEvent> {
        std::future::poll_fn(|cx| self.poll(cx)).await
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Option<WsEvent>> {
        let lagged = self.lagged.swap(0, Ordering::Relaxed);
        if lagged > 0 {
            return Poll::Ready(Some(WsEvent::Lagged { dropped: lagged }));
        }
        self.rx.poll_recv(cx)
    }
}

impl Stream for Events {
    type Item = WsEvent;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<WsEvent>> {
        self.get_mut().poll(cx)
    }
}

/// The account's own events (see
/// [`Client::private_events`](crate::Client::private_events)). Nothing is
/// dropped: the queue grows with the account's activity if it is not read.
#[derive(Debug)]
pub struct PrivateEvents {
    rx: mpsc::UnboundedReceiver<PrivateEvent>,
}

impl PrivateEvents {
    pub(crate) fn new(rx: mpsc::UnboundedReceiver<PrivateEvent>) -> Self {
        PrivateEvents { rx }
    }

    /// The next event; `None` once the client is gone.
    pub async fn recv(&mut self) -> Option<PrivateEvent> {
        self.rx.recv().await
    }

    /// An event if one is queued, without waiting.
    pub fn try_recv(&mut self) -> Option<PrivateEvent> {
        self.rx.try_recv().ok()
    }
}

impl Stream for PrivateEvents {
    type Item = PrivateEvent;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<PrivateEvent>> {
        self.get_mut().rx.poll_recv(cx)
    }
}
