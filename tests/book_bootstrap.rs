//! A book whose WS subscription brings no snapshot, started from the REST
//! snapshot of the look-alike through `okx::book_snapshots`: okx-ws and
//! okx-rest meet only here, in the facade.
//!
//! Look-alike behaviours this stands in for (the simulated exchange does not
//! have them yet): a no-snapshot mode for `books`, and a REST book whose
//! `seqId` belongs to the WS chain. Both are scripted here: the WS updates
//! are pushed raw, the REST answer is set.

use std::time::Duration;

use okx::ws::{Arg, WsClient, WsConfig, WsEvent};
use okx_testkit::rest::MockOkx;
use okx_testkit::ws::WsServer;
use serde_json::json;

fn update(seq: i64, prev: i64, bid: &str) -> String {
    format!(
        r#"{{"arg":{{"channel":"books","instId":"BTC-USDT"}},"action":"update","data":[{{"asks":[],"bids":[["{bid}","1","0","1"]],"ts":"1700000000000","checksum":0,"seqId":{seq},"prevSeqId":{prev}}}]}}"#
    )
}

#[tokio::test]
async fn a_book_without_ws_snapshot_starts_from_the_rest_snapshot() {
    let okx = MockOkx::builder().rate_limits(false).start().await;
    okx.set_response(
        "GET",
        "/api/v5/market/books",
        200,
        r#"{"code":"0","msg":"","data":[{"asks":[["67973.4","1.4","0","7"]],"bids":[["67973.3","0.05","0","1"]],"ts":"1712265035051","seqId":500}]}"#,
    );
    let rest = okx::rest::RestClient::builder()
        .base_url(okx.base_url())
        .build()
        .unwrap();
    let server = WsServer::start().await.unwrap();
    let mut cfg = WsConfig::live()
        .base_url(format!("ws://{}", server.addr()))
        .snapshot_source(okx::book_snapshots(rest));
    cfg.snapshot_wait = Duration::from_millis(200);
    let (client, mut events) = WsClient::new(cfg).unwrap();
    client
        .subscribe([Arg::new("books").inst_id("BTC-USDT")])
        .await
        .unwrap();
    let arg = json!({"channel": "books", "instId": "BTC-USDT"});
    server.push_raw(&arg, update(499, 498, "1"));
    server.push_raw(&arg, update(501, 500, "67970"));
    let started = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match events.recv().await {
                Some(WsEvent::Book(b)) if b.snapshot => return b,
                Some(_) => {}
                None => panic!("event stream ended"),
            }
        }
    })
    .await
    .expect("a book within 5 s");
    assert!(!started.checksum_verified);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let book = client
        .book("books", "BTC-USDT", |b| {
            (
                b.seq_id(),
                b.levels(okx::book::Side::Bid)
                    .map(|l| l.px.to_owned())
                    .collect::<Vec<_>>(),
            )
        })
        .unwrap();
    assert_eq!(
        book,
        (Some(501), vec!["67973.3".to_owned(), "67970".to_owned()])
    );
    let asked: Vec<_> = okx
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v5/market/books")
        .collect();
    assert_eq!(asked.len(), 1);
    assert!(asked[0].query.contains("instId=BTC-USDT") && asked[0].query.contains("sz=400"));
    assert!(!asked[0].signed);
}
