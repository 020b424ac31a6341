//! `WsEvents` as a `futures::Stream`: consumed with `StreamExt`, inside
//! `tokio::select!` and under timeouts that cancel `next()` mid-wait.

use super::common::*;
use futures_util::StreamExt as _;
use futures_util::stream::FusedStream as _;
use okx_testkit::ws::WsServer;
use okx_ws::{Arg, PushData, WsClient, WsEvent};
use serde_json::json;
use std::time::Duration;

const N: u32 = 300;

fn order(i: u32) -> serde_json::Value {
    json!([{"instType": "SPOT", "instId": "BTC-USDT", "ordId": format!("{i}"), "clOrdId": "",
            "px": "1", "sz": "1", "ordType": "limit", "side": "buy", "tdMode": "cash",
            "state": "live", "accFillSz": "0", "cTime": "1", "uTime": "1"}])
}

/// Pushes `N` order updates (private connection) and `N` tickers (public
/// connection), interleaved, in bursts with pauses between them so the
/// consumer both finds events ready and waits for them.
async fn feed(server: &WsServer) {
    for i in 0..N {
        server.push(
            json!({"channel": "orders", "instType": "SPOT", "instId": "BTC-USDT", "uid": "44000000000001"}),
            order(i),
        );
        server.push(
            json!({"channel": "tickers", "instId": "BTC-USDT"}),
            tickers_data("BTC-USDT", &format!("{}", 1000 + i)),
        );
        if i % 7 == 0 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
}

#[derive(Default)]
struct Seen {
    orders: Vec<u32>,
    lasts: Vec<u32>,
    cancelled: u32,
    other: Vec<WsEvent>,
}

impl Seen {
    fn take(&mut self, ev: WsEvent) {
        let WsEvent::Push(push) = &ev else {
            self.other.push(ev);
            return;
        };
        match &push.data {
            PushData::Orders(rows) => self.orders.extend(
                rows.iter()
                    .filter_map(|r| r.ord_id.as_str().parse::<u32>().ok()),
            ),
            // The look-alike's own ticker on subscribe is not ours.
            PushData::Tickers(rows) => self.lasts.extend(
                rows.iter()
                    .filter_map(|r| r.last.and_then(|d| d.to_string().parse::<u32>().ok()))
                    .filter(|last| (1000..1000 + N).contains(last)),
            ),
            _ => self.other.push(ev),
        }
    }

    fn done(&self) -> bool {
        self.orders.len() as u32 >= N && self.lasts.len() as u32 >= N
    }

    fn check(&self) {
        let want: Vec<u32> = (0..N).collect();
        assert_eq!(self.orders, want, "every order update once, in order");
        let want: Vec<u32> = (1000..1000 + N).collect();
        assert_eq!(self.lasts, want, "every ticker once, in order");
        assert!(
            !self
                .other
                .iter()
                .any(|e| matches!(e, WsEvent::Lagged { .. })),
            "nothing dropped: {:?}",
            self.other
        );
    }
}

async fn subscribed(server: &WsServer) -> (WsClient, okx_ws::WsEvents) {
    let mut cfg = private_config(server);
    // Room for everything: a loss here could only come from the stream.
    cfg.market_capacity = 4 * N as usize;
    let (client, events) = WsClient::new(cfg).unwrap();
    client
        .subscribe([
            Arg::new("tickers").inst_id("BTC-USDT"),
            Arg::new("orders").inst_type("ANY"),
        ])
        .await
        .unwrap();
    (client, events)
}

#[tokio::test]
async fn next_inside_select_with_a_timeout_loses_no_event() {
    let server = WsServer::start().await.unwrap();
    let (_client, mut events) = subscribed(&server).await;
    let consume = async {
        let mut seen = Seen::default();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while !seen.done() {
            assert!(tokio::time::Instant::now() < deadline, "stalled");
            // The timer often wins while `next()` waits: its future is
            // dropped mid-wait, and the event it was about to get must
            // still come out of the next call.
            tokio::select! {
                ev = events.next() => seen.take(ev.expect("the stream does not end")),
                _ = tokio::time::sleep(Duration::from_micros(300)) => seen.cancelled += 1,
            }
        }
        seen
    };
    let ((), seen) = tokio::join!(feed(&server), consume);
    seen.check();
    assert!(seen.cancelled > 0, "no wait was ever cancelled");
}

#[tokio::test]
async fn timeout_around_next_and_combinators_lose_no_event() {
    let server = WsServer::start().await.unwrap();
    let (_client, events) = subscribed(&server).await;
    // Only pushes, through `filter_map`: the stream is usable as any other.
    let mut pushes = events.filter_map(|ev| {
        std::future::ready(match ev {
            WsEvent::Push(p) => Some(WsEvent::Push(p)),
            _ => None,
        })
    });
    let consume = async {
        let mut seen = Seen::default();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while !seen.done() {
            assert!(tokio::time::Instant::now() < deadline, "stalled");
            match tokio::time::timeout(Duration::from_micros(200), pushes.next()).await {
                Ok(ev) => seen.take(ev.expect("the stream does not end")),
                Err(_) => seen.cancelled += 1,
            }
        }
        seen
    };
    let ((), seen) = tokio::join!(feed(&server), consume);
    seen.check();
    assert!(seen.cancelled > 0, "no wait was ever cancelled");
}

#[tokio::test]
async fn the_stream_ends_with_the_client_and_stays_ended() {
    let server = WsServer::start().await.unwrap();
    let (client, mut events) = WsClient::new(config(&server)).unwrap();
    client
        .subscribe([Arg::new("tickers").inst_id("BTC-USDT")])
        .await
        .unwrap();
    server.push(
        json!({"channel": "tickers", "instId": "BTC-USDT"}),
        tickers_data("BTC-USDT", "7"),
    );
    drop(client);
    let rest: Vec<WsEvent> = tokio::time::timeout(Duration::from_secs(10), (&mut events).collect())
        .await
        .expect("the stream ends once the client is gone");
    assert!(
        rest.iter()
            .any(|e| matches!(e, WsEvent::Push(p) if matches!(&p.data, PushData::Tickers(_)))),
        "events queued before the end are still delivered: {rest:?}"
    );
    assert!(events.is_terminated());
    assert!(events.next().await.is_none());
}
