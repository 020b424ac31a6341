//! The two bounded queues between the connections and the user.
//!
//! Private data and connection events go through a bounded channel whose
//! sender waits when it is full (backpressure, nothing lost). Market data goes
//! through a bounded ring that, under [`Overflow::DropOldest`], drops its
//! oldest entry and counts it, so a slow consumer sees
//! [`WsEvent::Lagged`] instead of an ever-growing queue.
//!
//! The consumer side, [`WsEvents`], is a [`Stream`]: the consumer parks one
//! [`Waker`] in the market ring (woken by the next market event or by the
//! last producer leaving) and one in the lossless channel, so it can be
//! polled by hand, by `StreamExt::next`, or by [`WsEvents::recv`].
//!
//! Every event is numbered when it is queued, so the consumer can merge the
//! two queues: private data may overtake queued market data (an order update
//! is never stuck behind a burst of tickers), but a connection or book event
//! never does, so `Disconnected` is not seen before the tickers that arrived
//! ahead of it, nor `Reconnected` before stale data from the old connection.

use crate::config::Overflow;
use crate::event::WsEvent;
use futures_util::Stream;
use futures_util::stream::FusedStream;
use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use tokio::sync::{Notify, mpsc};

/// An event with its place in the order the connections produced them.
type Numbered = (u64, WsEvent);

/// Whether a lossless event may be delivered ahead of older market data:
/// private data may; connection and book events keep their place.
fn overtakes(ev: &WsEvent) -> bool {
    matches!(
        ev,
        WsEvent::Push(_) | WsEvent::DecodeError { .. } | WsEvent::Unknown { .. }
    )
}

/// Whether private data may pass a held connection or book event: yes when
/// the event concerns the public side (a public connection, a book), which
/// private data never comes from; no for the private and business
/// connections, whose data must not be seen before their own `Disconnected`
/// or `Reconnected`.
fn bypassable(ev: &WsEvent) -> bool {
    match ev {
        WsEvent::Connected { endpoint, .. }
        | WsEvent::Reconnected { endpoint, .. }
        | WsEvent::Disconnected { endpoint, .. }
        | WsEvent::LoginFailed { endpoint, .. }
        | WsEvent::SubscriptionDropped { endpoint, .. }
        | WsEvent::OpBudgetExhausted { endpoint, .. }
        | WsEvent::Notice { endpoint, .. }
        | WsEvent::Error { endpoint, .. } => *endpoint == crate::Endpoint::Public,
        WsEvent::BookOutOfSync { .. } => true,
        _ => false,
    }
}

struct Ring {
    buf: VecDeque<Numbered>,
    cap: usize,
    dropped: u64,
    producers_gone: bool,
    consumer_gone: bool,
    /// The consumer found nothing and waits: the next push (or the last
    /// producer leaving) takes and wakes it. A consumer that is busy is
    /// not woken on every push.
    consumer: Option<Waker>,
}

impl Ring {
    /// The waiting consumer, to be woken once the lock is released.
    fn take_consumer(&mut self) -> Option<Waker> {
        self.consumer.take()
    }
}

struct Market {
    ring: Mutex<Ring>,
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
        let mut ring = self.0.lock();
        ring.producers_gone = true;
        let consumer = ring.take_consumer();
        drop(ring);
        if let Some(w) = consumer {
            w.wake();
        }
    }
}

/// The producing side, cloned into every connection task.
#[derive(Clone)]
pub(crate) struct Sinks {
    lossless: mpsc::Sender<Numbered>,
    market: Arc<Market>,
    /// The next event number, shared by both queues.
    next: Arc<AtomicU64>,
    _guard: Arc<ProducerGuard>,
    policy: Overflow,
}

impl Sinks {
    /// Sends a private or connection event, waiting for room.
    pub(crate) async fn lossless(&self, ev: WsEvent) {
        // A closed receiver means the user dropped the stream: nothing to do.
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let _ = self.lossless.send((n, ev)).await;
    }

    /// Sends a market data event under the overflow policy.
    pub(crate) async fn market(&self, ev: WsEvent) {
        let mut ev = ev;
        loop {
            match self.try_market(ev) {
                Ok(()) => return,
                Err(back) => ev = back,
            }
            self.market.writable.notified().await;
        }
    }

    /// Queues a market data event unless that means waiting for room
    /// (a full queue under [`Overflow::Backpressure`]): then the event
    /// comes back.
    pub(crate) fn try_market(&self, ev: WsEvent) -> Result<(), WsEvent> {
        let mut ring = self.market.lock();
        if ring.consumer_gone {
            return Ok(());
        }
        if ring.buf.len() >= ring.cap {
            if self.policy != Overflow::DropOldest {
                return Err(ev);
            }
            ring.buf.pop_front();
            ring.dropped += 1;
        }
        // Numbered under the ring's lock, so the ring stays in order and a
        // lossless event numbered later finds this one queued.
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        // The consumer parks its waker in the ring, under this lock, after
        // finding the ring empty; the first event pushed then wakes it.
        let consumer = ring.take_consumer();
        ring.buf.push_back((n, ev));
        drop(ring);
        if let Some(w) = consumer {
            w.wake();
        }
        Ok(())
    }
}

/// The stream of [`WsEvent`]s a [`WsClient`](crate::WsClient) produces.
///
/// Events come in the order the connections produced them, with one
/// exception: private data (orders, fills, account, positions, ...) is
/// returned ahead of market data still queued, so an order update is never
/// stuck behind a burst of tickers, nor behind a public connection's
/// events. Connection and book events (`Disconnected`, `Reconnected`,
/// `BookOutOfSync`, ...) keep their place among market data, and private
/// data never passes its own connection's events. It ends (`None`) when
/// the client and all its connections are gone.
///
/// It is a [`futures_util::Stream`] (the trait of `futures::Stream`), so
/// `StreamExt::next`, `map`, `filter`, `select` and the rest apply; it is
/// also a [`FusedStream`]: once it has returned `None` it keeps doing so.
///
/// # Cancel safety
///
/// [`WsEvents::recv`] and `StreamExt::next` are cancel-safe: an event is
/// taken out of its queue only in the poll that returns it, so dropping
/// the future before it completes (the other branch of a `tokio::select!`
/// won, a `timeout` ran out) loses no event; the next call returns it.
///
/// ```no_run
/// use futures_util::StreamExt as _;
/// use okx_ws::{Arg, WsClient, WsConfig};
/// use std::time::Duration;
///
/// # async fn demo() -> Result<(), okx_ws::WsError> {
/// let (client, mut events) = WsClient::new(WsConfig::live())?;
/// client.subscribe([Arg::new("tickers").inst_id("BTC-USDT")]).await?;
/// let mut heartbeat = tokio::time::interval(Duration::from_secs(1));
/// loop {
///     tokio::select! {
///         Some(event) = events.next() => println!("{event:?}"),
///         _ = heartbeat.tick() => println!("still here"),
///     }
/// }
/// # }
/// ```
pub struct WsEvents {
    lossless: mpsc::Receiver<Numbered>,
    lossless_open: bool,
    /// Lossless events taken from their queue but not yet delivered,
    /// because older market data goes first; at most `held_cap`, so the
    /// lossless queue's backpressure still holds.
    held: VecDeque<Numbered>,
    held_cap: usize,
    market: Arc<Market>,
    /// The overflow policy makes producers wait for room.
    producers_wait: bool,
    /// `None` was returned: both queues are closed and empty.
    ended: bool,
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
    /// The next event; `None` once the client is closed and everything was
    /// read. Cancel-safe (see [`WsEvents`]).
    pub async fn recv(&mut self) -> Option<WsEvent> {
        std::future::poll_fn(|cx| self.poll_event(cx)).await
    }

    /// The next event, or registers `cx` to be woken when one may be
    /// ready. An event leaves its queue only when it is returned.
    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Option<WsEvent>> {
        if self.ended {
            return Poll::Ready(None);
        }
        loop {
            if let Some(ev) = self.ready() {
                return Poll::Ready(Some(ev));
            }
            // Nothing is held here: `ready` delivers a held event or older
            // market data whenever it holds one. A lossless event taken
            // now is kept in `held`, so nothing is lost if this poll is
            // the last one.
            if self.lossless_open && self.held.is_empty() {
                match self.lossless.poll_recv(cx) {
                    Poll::Ready(Some(ev)) => {
                        self.held.push_back(ev);
                        continue;
                    }
                    Poll::Ready(None) => {
                        self.lossless_open = false;
                        continue;
                    }
                    Poll::Pending => {}
                }
            }
            match self.before_wait(cx.waker()) {
                Next::Ended => {
                    self.ended = true;
                    return Poll::Ready(None);
                }
                Next::Ready => continue,
                Next::Wait => return Poll::Pending,
            }
        }
    }

    /// An event if one is ready now.
    pub fn try_recv(&mut self) -> Option<WsEvent> {
        self.ready()
    }

    /// The event to deliver now, merging the two queues by event number.
    fn ready(&mut self) -> Option<WsEvent> {
        while self.lossless_open && self.held.len() < self.held_cap {
            match self.lossless.try_recv() {
                Ok(ev) => self.held.push_back(ev),
                Err(mpsc::error::TryRecvError::Disconnected) => self.lossless_open = false,
                Err(mpsc::error::TryRecvError::Empty) => break,
            }
        }
        let mut ring = self.market.lock();
        if let Some((n, ev)) = self.held.front() {
            let older_market = ring.buf.front().is_some_and(|(m, _)| m < n);
            if overtakes(ev) || !older_market {
                drop(ring);
                return self.held.pop_front().map(|(_, ev)| ev);
            }
            // The front waits for older market data; private data behind
            // it may still pass it if it concerns the public side only.
            let pass = self
                .held
                .iter()
                .skip(1)
                .take_while(|(_, ev)| overtakes(ev) || bypassable(ev))
                .position(|(_, ev)| overtakes(ev));
            if let Some(i) = pass {
                drop(ring);
                return self.held.remove(i + 1).map(|(_, ev)| ev);
            }
        }
        if ring.dropped > 0 {
            let dropped = std::mem::take(&mut ring.dropped);
            return Some(WsEvent::Lagged { dropped });
        }
        let (_, ev) = ring.buf.pop_front()?;
        drop(ring);
        // Only under backpressure does a producer wait for room.
        if self.producers_wait {
            self.market.writable.notify_one();
        }
        Some(ev)
    }

    /// After finding nothing ready: whether to wait, and if so parks
    /// `waker` in the ring so the next push wakes the consumer.
    fn before_wait(&self, waker: &Waker) -> Next {
        let mut ring = self.market.lock();
        if !ring.buf.is_empty() || ring.dropped > 0 {
            return Next::Ready;
        }
        if ring.producers_gone && !self.lossless_open && self.held.is_empty() {
            return Next::Ended;
        }
        match &mut ring.consumer {
            Some(parked) if parked.will_wake(waker) => {}
            slot => *slot = Some(waker.clone()),
        }
        Next::Wait
    }
}

impl Stream for WsEvents {
    type Item = WsEvent;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<WsEvent>> {
        self.get_mut().poll_event(cx)
    }
}

impl FusedStream for WsEvents {
    fn is_terminated(&self) -> bool {
        self.ended
    }
}

/// What the consumer does after finding nothing ready.
enum Next {
    /// Nothing more can come: every producer is gone and both queues are
    /// empty.
    Ended,
    /// Market data arrived meanwhile.
    Ready,
    /// Wait (the waker is parked, so the next push wakes the consumer).
    Wait,
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
            consumer: None,
        }),
        writable: Notify::new(),
    });
    let sinks = Sinks {
        lossless: tx,
        market: market.clone(),
        next: Arc::new(AtomicU64::new(0)),
        _guard: Arc::new(ProducerGuard(market.clone())),
        policy,
    };
    let events = WsEvents {
        lossless: rx,
        lossless_open: true,
        held: VecDeque::new(),
        held_cap: lossless_cap,
        market,
        producers_wait: policy == Overflow::Backpressure,
        ended: false,
    };
    (sinks, events)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lag(n: u64) -> WsEvent {
        WsEvent::Lagged { dropped: n }
    }

    /// A consumer waiting on an empty queue is woken by the next push, also
    /// after a push it took without waiting (which must not leave it
    /// unwakeable), and under both policies.
    #[tokio::test(start_paused = true)]
    async fn a_waiting_consumer_is_woken_by_the_next_push() {
        for policy in [Overflow::DropOldest, Overflow::Backpressure] {
            let (sinks, mut events) = channel(4, 4, policy);
            sinks.market(lag(1)).await;
            assert_eq!(events.try_recv(), Some(lag(1)));
            for n in 2..5 {
                let producer = sinks.clone();
                let push = tokio::spawn(async move {
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    producer.market(lag(n)).await;
                });
                let got =
                    tokio::time::timeout(std::time::Duration::from_secs(5), events.recv()).await;
                assert_eq!(got, Ok(Some(lag(n))), "{policy:?}");
                push.await.expect("producer");
            }
        }
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

    fn order_push() -> WsEvent {
        WsEvent::Push(Box::new(crate::event::Push {
            arg: crate::Arg::new("orders").inst_type("ANY"),
            data: crate::PushData::Orders(Vec::new()),
            event_type: None,
            cur_page: None,
            last_page: None,
        }))
    }

    fn disconnected() -> WsEvent {
        WsEvent::Disconnected {
            endpoint: crate::Endpoint::Public,
            conn: 0,
            reason: crate::DisconnectReason::PongTimeout,
        }
    }

    #[tokio::test]
    async fn private_data_overtakes_queued_market_data_and_blocks_when_full() {
        let (sinks, mut events) = channel(8, 1, Overflow::DropOldest);
        sinks.market(lag(1)).await;
        sinks.lossless(order_push()).await;
        let blocked =
            tokio::time::timeout(std::time::Duration::from_millis(50), sinks.lossless(lag(3)))
                .await;
        assert!(
            blocked.is_err(),
            "a full lossless queue must wait, not drop"
        );
        assert_eq!(events.recv().await, Some(order_push()));
        assert_eq!(events.recv().await, Some(lag(1)));
    }

    #[tokio::test]
    async fn connection_events_keep_their_place_among_market_data() {
        let (sinks, mut events) = channel(8, 8, Overflow::DropOldest);
        sinks.market(lag(1)).await;
        sinks.market(lag(2)).await;
        sinks.lossless(disconnected()).await;
        sinks.market(lag(3)).await;
        sinks.lossless(order_push()).await;
        sinks.market(lag(4)).await;
        let mut got = Vec::new();
        while let Some(ev) = events.try_recv() {
            got.push(ev);
        }
        assert_eq!(
            got,
            [order_push(), lag(1), lag(2), disconnected(), lag(3), lag(4)],
            "the order push overtakes everything, the public disconnect does not overtake lag(1..2)"
        );
        drop(sinks);
        assert_eq!(events.recv().await, None);
    }

    #[tokio::test]
    async fn private_data_passes_a_public_connection_event_but_not_a_private_one() {
        let (sinks, mut events) = channel(8, 8, Overflow::DropOldest);
        let private_down = WsEvent::Disconnected {
            endpoint: crate::Endpoint::Private,
            conn: 1,
            reason: crate::DisconnectReason::PongTimeout,
        };
        sinks.market(lag(1)).await;
        sinks.lossless(disconnected()).await; // public
        sinks.lossless(order_push()).await;
        sinks.lossless(private_down.clone()).await;
        sinks.lossless(order_push()).await;
        let mut got = Vec::new();
        while let Some(ev) = events.try_recv() {
            got.push(ev);
        }
        assert_eq!(
            got,
            [
                order_push(),
                lag(1),
                disconnected(),
                private_down,
                order_push()
            ],
            "the first order push passes the public disconnect; the second stays behind its own connection's"
        );
    }

    #[tokio::test]
    async fn a_held_connection_event_is_not_lost_when_producers_end() {
        let (sinks, mut events) = channel(8, 8, Overflow::DropOldest);
        sinks.market(lag(1)).await;
        sinks.lossless(disconnected()).await;
        drop(sinks);
        assert_eq!(events.recv().await, Some(lag(1)));
        assert_eq!(events.recv().await, Some(disconnected()));
        assert_eq!(events.recv().await, None);
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
