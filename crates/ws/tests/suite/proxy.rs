//! WS through an HTTP proxy's CONNECT tunnel, against a tiny proxy on
//! loopback that records what it was asked.

use super::common::*;
use okx_testkit::ws::WsServer;
use okx_ws::{Arg, DisconnectReason, WsClient, WsEvent};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A CONNECT proxy: answers `status` to each CONNECT, and when it is 200
/// splices the tunnel to the target. Returns its address and the request
/// heads it saw.
async fn connect_proxy(status: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                while !head.ends_with(b"\r\n\r\n") {
                    let Ok(b) = client.read_u8().await else {
                        return;
                    };
                    head.push(b);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                log.lock().expect("log").push(head.clone());
                let target = head
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or_default()
                    .to_owned();
                let answer = format!("HTTP/1.1 {status}\r\n\r\n");
                if client.write_all(answer.as_bytes()).await.is_err() || !status.starts_with("200")
                {
                    return;
                }
                let Ok(mut upstream) = TcpStream::connect(target).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (addr, seen)
}

#[tokio::test]
async fn a_subscription_works_through_a_connect_proxy() {
    let server = WsServer::start().await.unwrap();
    let (proxy, seen) = connect_proxy("200 Connection Established").await;
    let cfg = config(&server)
        .proxy(&format!("http://bot:pa55word@{proxy}"))
        .unwrap();
    let (client, mut events) = WsClient::new(cfg).unwrap();
    client
        .subscribe([Arg::new("tickers").inst_id("BTC-USDT")])
        .await
        .unwrap();
    server.push(
        serde_json::json!({"channel": "tickers", "instId": "BTC-USDT"}),
        tickers_data("BTC-USDT", "42000"),
    );
    wait_for(&mut events, Duration::from_secs(5), |e| {
        matches!(e, WsEvent::Push(_))
    })
    .await;
    let heads = seen.lock().unwrap().clone();
    let head = heads.first().expect("the proxy was asked");
    let target = server.addr().to_string();
    assert!(
        head.starts_with(&format!("CONNECT {target} HTTP/1.1\r\n")),
        "{head}"
    );
    // "bot:pa55word" in Basic form
    assert!(
        head.contains("Proxy-Authorization: Basic Ym90OnBhNTV3b3Jk\r\n"),
        "{head}"
    );
}

#[tokio::test]
async fn a_proxy_that_refuses_is_reported_with_its_answer() {
    let server = WsServer::start().await.unwrap();
    let (proxy, _) = connect_proxy("407 Proxy Authentication Required").await;
    let cfg = config(&server).proxy(&format!("http://{proxy}")).unwrap();
    let (client, mut events) = WsClient::new(cfg).unwrap();
    let sub = {
        let client = client.clone();
        tokio::spawn(async move { client.subscribe([Arg::new("tickers").inst_id("X")]).await })
    };
    let ev = wait_for(&mut events, Duration::from_secs(5), |e| {
        matches!(
            e,
            WsEvent::Disconnected {
                reason: DisconnectReason::ConnectFailed(_),
                ..
            }
        )
    })
    .await;
    sub.abort();
    let WsEvent::Disconnected {
        reason: DisconnectReason::ConnectFailed(why),
        ..
    } = ev
    else {
        unreachable!()
    };
    assert!(why.contains("407"), "{why}");
    assert_eq!(server.stats().connections, 0, "nothing reached the server");
}

#[test]
fn only_http_connect_proxies_are_taken() {
    let cfg = okx_ws::WsConfig::live();
    assert!(cfg.clone().proxy("socks5://127.0.0.1:1080").is_err());
    let shown = format!(
        "{:?}",
        cfg.proxy("http://bot:pa55word@127.0.0.1:3128").unwrap()
    );
    assert!(!shown.contains("pa55word"), "{shown}");
}
