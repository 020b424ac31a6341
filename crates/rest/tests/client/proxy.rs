//! REST through an HTTP proxy, against a tiny forwarding proxy on loopback
//! that records the request lines it was asked to forward.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use okx_rest::{Error, RestClient};
use okx_testkit::rest::MockOkx;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::ticker;

/// Forwards each connection to the host its first request names (plain
/// HTTP through a proxy names it in the request line), recording the heads.
async fn forwarding_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
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
                let text = String::from_utf8_lossy(&head).into_owned();
                log.lock().expect("log").push(text.clone());
                let url = text.split_whitespace().nth(1).unwrap_or_default();
                let host = url
                    .strip_prefix("http://")
                    .and_then(|u| u.split('/').next())
                    .unwrap_or_default()
                    .to_owned();
                let Ok(mut upstream) = TcpStream::connect(host).await else {
                    return;
                };
                // HTTP/1.1 servers take the absolute form as it is
                if upstream.write_all(&head).await.is_err() {
                    return;
                }
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (format!("http://{addr}"), seen)
}

#[tokio::test]
async fn requests_go_through_the_proxy() {
    let okx = MockOkx::start().await;
    let (proxy, seen) = forwarding_proxy().await;
    let c = RestClient::builder()
        .base_url(okx.base_url())
        .proxy(proxy.replace("http://", "http://bot:pa55word@"))
        .retries(0, Duration::ZERO)
        .build()
        .expect("builds");
    let rows = c.send(&ticker()).await.expect("through the proxy");
    assert_eq!(rows[0].inst_id.as_str(), "BTC-USDT");
    let heads = seen.lock().expect("log").clone();
    let head = heads.first().expect("the proxy was asked");
    let want = format!(
        "GET {}/api/v5/market/ticker?instId=BTC-USDT HTTP/1.1",
        okx.base_url()
    );
    assert!(head.starts_with(&want), "{head}");
    assert!(
        head.contains("proxy-authorization: Basic Ym90OnBhNTV3b3Jk"),
        "{head}"
    );
    assert!(
        !format!(
            "{:?}",
            RestClient::builder().proxy("http://bot:pa55word@h:1")
        )
        .contains("pa55word")
    );
}

#[tokio::test]
async fn an_unusable_proxy_url_is_refused_when_building() {
    let err = RestClient::builder()
        .proxy("::not a url::")
        .build()
        .expect_err("bad proxy");
    assert!(
        matches!(
            err,
            Error::Transport {
                maybe_sent: false,
                ..
            }
        ),
        "{err}"
    );
}
