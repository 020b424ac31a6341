//! Certificate pinning for `wss://`, against a WebSocket server over TLS on
//! loopback with a self-signed certificate.

use super::common::*;
use super::scripted;
use futures_util::{SinkExt, StreamExt};
use okx_ws::{Arg, DisconnectReason, Pin, WsClient, WsConfig, WsEvent};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_tungstenite::tungstenite::Message;

/// A `wss://localhost` peer that acks subscriptions; its port and certificate.
async fn wss_server() -> (u16, Vec<u8>) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("cert");
    let der = cert.cert.der().to_vec();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.key_pair.serialize_der()));
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![CertificateDer::from(der.clone())], key)
        .expect("server config");
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut ws) = tokio_tungstenite::accept_async(tls).await else {
                    return;
                };
                while let Some(Ok(Message::Text(text))) = ws.next().await {
                    let Ok(req) = serde_json::from_str(&text) else {
                        continue;
                    };
                    for reply in scripted::usual(&req).unwrap_or_default() {
                        let _ = ws.send(Message::Text(reply)).await;
                    }
                }
            });
        }
    });
    (port, der)
}

fn pinned(port: u16, root: &[u8], pin: Pin) -> WsConfig {
    WsConfig::live()
        .base_url(format!("wss://localhost:{port}"))
        .add_root_certificate(root.to_vec())
        .pin_public_key(pin)
}

#[tokio::test]
async fn the_pinned_key_connects_and_any_other_is_refused() {
    let (port, der) = wss_server().await;
    let right = Pin::of_certificate(&der).expect("the certificate's key");
    let (client, _events) = WsClient::new(pinned(port, &der, right)).unwrap();
    tokio::time::timeout(
        Duration::from_secs(10),
        client.subscribe([Arg::new("tickers").inst_id("BTC-USDT")]),
    )
    .await
    .expect("in time")
    .expect("subscribed through the pinned connection");

    let (client, mut events) = WsClient::new(pinned(port, &der, Pin([9; 32]))).unwrap();
    let sub = {
        let client = client.clone();
        tokio::spawn(async move { client.subscribe([Arg::new("tickers").inst_id("X")]).await })
    };
    let ev = wait_for(&mut events, Duration::from_secs(10), |e| {
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
    assert!(why.contains("pinned public key"), "{why}");
}
