//! The cap on a response body: a peer cannot make the client buffer
//! without end, and an answer under the cap reads as before.

use std::time::Duration;

use okx_rest::{DEFAULT_MAX_BODY_BYTES, Error, WriteOutcome};
use okx_testkit::rest::MockOkx;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::{builder, limit_order, ticker};

const MIB: usize = 1024 * 1024;

fn ticker_body(padding: usize) -> String {
    // JSON allows any amount of whitespace: a valid answer of any size
    format!(
        r#"{{"code":"0","msg":"","data":[{{"instId":"BTC-USDT","last":"1","ts":"1"}}]{}}}"#,
        " ".repeat(padding)
    )
}

#[tokio::test]
async fn a_body_over_the_cap_is_refused_with_a_clear_error() {
    let okx = MockOkx::start().await;
    okx.set_response("GET", "/api/v5/market/ticker", 200, ticker_body(2 * MIB));
    let c = builder(&okx).max_body_bytes(MIB).build().expect("builds");
    let err = c.send(&ticker()).await.expect_err("too large");
    assert!(
        matches!(
            err,
            Error::BodyTooLarge {
                status: 200,
                limit: MIB,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains("longer than 1048576 bytes"),
        "{err}"
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_body_under_the_cap_reads_as_before() {
    let okx = MockOkx::start().await;
    okx.set_response("GET", "/api/v5/market/ticker", 200, ticker_body(MIB - 200));
    let c = builder(&okx).max_body_bytes(MIB).build().expect("builds");
    let rows = c.send(&ticker()).await.expect("under the cap");
    assert_eq!(rows[0].inst_id.as_str(), "BTC-USDT");
    // the default leaves room for OKX's largest answers (a few MiB)
    okx.set_response("GET", "/api/v5/market/ticker", 200, ticker_body(4 * MIB));
    let rows = builder(&okx).build().expect("builds").send(&ticker()).await;
    assert!(
        rows.is_ok(),
        "4 MiB under the default of {DEFAULT_MAX_BODY_BYTES}"
    );
}

#[tokio::test]
async fn a_place_whose_answer_is_too_large_has_an_unknown_outcome() {
    let okx = MockOkx::start().await;
    okx.set_response("POST", "/api/v5/trade/order", 200, ticker_body(2 * MIB));
    let c = builder(&okx)
        .max_body_bytes(MIB)
        .exp_window(Duration::from_millis(50))
        .build()
        .expect("builds");
    let err = c.place(limit_order("0.01")).await.expect_err("unread");
    assert_eq!(err.write_outcome(), WriteOutcome::Unknown, "{err}");
}

/// A peer that answers every request with a chunked body that never ends.
async fn endless_chunked_peer() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tcp.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let start = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                             transfer-encoding: chunked\r\n\r\n";
                if tcp.write_all(start.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
                while tcp.write_all(chunk.as_bytes()).await.is_ok() {}
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn an_endless_body_without_a_length_is_cut_at_the_cap() {
    let url = endless_chunked_peer().await;
    let c = okx_rest::RestClient::builder()
        .base_url(url)
        .retries(0, Duration::ZERO)
        .max_body_bytes(MIB)
        .build()
        .expect("builds");
    let err = tokio::time::timeout(Duration::from_secs(20), c.send(&ticker()))
        .await
        .expect("refused while reading, not after the end that never comes")
        .expect_err("too large");
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err}");
}
