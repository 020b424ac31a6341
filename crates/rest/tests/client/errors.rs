//! Errors keep what caused them: the chain of sources stays walkable, and
//! the HTTP client's own types stay out of the API.

use std::error::Error as _;
use std::time::Duration;

use okx_rest::{Error, RestClient, WriteOutcome};
use okx_testkit::rest::MockOkx;

use super::{builder, ticker};

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_with_its_sources() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let c = RestClient::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .retries(0, Duration::ZERO)
        .build()
        .expect("builds");
    let err = c.send(&ticker()).await.expect_err("nothing listens");
    let Error::Transport {
        maybe_sent, source, ..
    } = &err
    else {
        panic!("not a transport error: {err}");
    };
    assert!(!maybe_sent && source.is_connect() && !source.is_timeout());
    assert_eq!(err.write_outcome(), WriteOutcome::NotSent);
    // the chain goes on below the transport error, down to the socket
    let mut depth = 0;
    let mut next = err.source();
    while let Some(e) = next {
        depth += 1;
        next = e.source();
    }
    assert!(depth >= 2, "only {depth} levels of sources");
}

#[tokio::test]
async fn a_decode_error_keeps_the_parser_message() {
    let okx = MockOkx::start().await;
    okx.set_response(
        "GET",
        "/api/v5/market/ticker",
        200,
        r#"{"code":"0","msg":"","data":[{"instId":7}]}"#,
    );
    let err = builder(&okx)
        .retries(0, Duration::ZERO)
        .build()
        .expect("builds")
        .send(&ticker())
        .await
        .expect_err("instId is no string");
    let Error::Decode { source, .. } = &err else {
        panic!("not a decode error: {err}");
    };
    assert!(source.to_string().contains("invalid type"), "{source}");
    assert!(err.source().is_some());
}
