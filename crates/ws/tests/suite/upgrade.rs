use super::common::*;
use okx_testkit::ws::{Fault, WsServer};
use okx_ws::{Arg, PushData, WsClient, WsEvent};
use std::time::Duration;

/// 64008: the client opens the new connection and resubscribes before the
/// old one closes; the trade ids seen stay contiguous, with no duplicates.
#[tokio::test]
async fn service_upgrade_is_make_before_break_with_no_push_lost() {
    let server = WsServer::start().await.unwrap();
    server.spawn_feed(
        "trades",
        "BTC-USDT",
        Duration::from_millis(5),
        serde_json::Value::Null,
    );
    let (client, mut events) = WsClient::new(config(&server)).unwrap();
    client
        .subscribe([Arg::new("trades").inst_id("BTC-USDT")])
        .await
        .unwrap();
    let mut ids: Vec<u64> = Vec::new();
    let mut other = Vec::new();
    let collect = |ev: WsEvent, ids: &mut Vec<u64>, other: &mut Vec<WsEvent>| match ev {
        WsEvent::Push(p) => {
            if let PushData::Trades(rows) = &p.data {
                ids.extend(rows.iter().filter_map(|t| t.trade_id.parse::<u64>().ok()));
            }
        }
        ev => other.push(ev),
    };
    for ev in drain(&mut events, Duration::from_millis(300)).await {
        collect(ev, &mut ids, &mut other);
    }
    server.inject(Fault::Notice64008 {
        close_after: Duration::from_millis(800),
    });
    for ev in drain(&mut events, Duration::from_millis(3000)).await {
        collect(ev, &mut ids, &mut other);
    }
    assert!(ids.len() > 100, "feed too thin: {}", ids.len());
    for pair in ids.windows(2) {
        assert_eq!(pair[1], pair[0] + 1, "gap or duplicate around {pair:?}");
    }
    assert!(
        other.iter().any(|e| matches!(e, WsEvent::Notice { .. })),
        "{other:?}"
    );
    assert!(
        other
            .iter()
            .any(|e| matches!(e, WsEvent::Reconnected { .. })),
        "{other:?}"
    );
    assert!(
        !other
            .iter()
            .any(|e| matches!(e, WsEvent::Disconnected { .. })),
        "a planned upgrade is not a disconnect: {other:?}"
    );
    assert_eq!(server.stats().connections, 2);
    assert_eq!(server.stats().open, 1);
}
