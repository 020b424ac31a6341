//! Certificate pinning against a TLS server on loopback with a self-signed
//! certificate: the pinned key connects, any other key is refused.

use std::error::Error as _;
use std::sync::Arc;
use std::time::Duration;

use okx_rest::{Error, Pin, RestClient, WriteOutcome};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use super::ticker;

const BODY: &str = r#"{"code":"0","msg":"","data":[{"instId":"BTC-USDT","last":"1","ts":"1"}]}"#;

/// An HTTPS server for `localhost` answering every request with one ticker;
/// returns its port and its certificate (DER).
async fn tls_server() -> (u16, Vec<u8>) {
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
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut head = Vec::new();
                while !head.ends_with(b"\r\n\r\n") {
                    let Ok(b) = tls.read_u8().await else { return };
                    head.push(b);
                }
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{BODY}",
                    BODY.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (port, der)
}

fn client(port: u16, root: &[u8], pin: Option<Pin>) -> RestClient {
    let mut b = RestClient::builder()
        .base_url(format!("https://localhost:{port}"))
        .add_root_certificate(root.to_vec())
        .retries(0, Duration::ZERO);
    if let Some(pin) = pin {
        b = b.pin_public_key(pin);
    }
    b.build().expect("builds")
}

#[tokio::test]
async fn the_pinned_key_connects_and_any_other_is_refused() {
    let (port, der) = tls_server().await;
    let right = Pin::of_certificate(&der).expect("the certificate's key");
    // trusted root, no pin: the baseline connects
    let rows = client(port, &der, None)
        .send(&ticker())
        .await
        .expect("trusted");
    assert_eq!(rows[0].inst_id.as_str(), "BTC-USDT");
    // the right pin (with a backup pin beside it) connects
    let rows = client(port, &der, Some(right))
        .send(&ticker())
        .await
        .expect("pinned key");
    assert_eq!(rows.len(), 1);
    // a pin of some other key refuses the connection: nothing was sent
    let err = client(port, &der, Some(Pin([9; 32])))
        .send(&ticker())
        .await
        .expect_err("no certificate carries the pin");
    assert!(matches!(err, Error::Transport { .. }), "{err}");
    assert_eq!(err.write_outcome(), WriteOutcome::NotSent);
    let mut chain = String::new();
    let mut next = err.source();
    while let Some(e) = next {
        chain.push_str(&format!("{e} / "));
        next = e.source();
    }
    assert!(chain.contains("pinned public key"), "{chain}");
}

#[tokio::test]
async fn a_root_rustls_cannot_use_is_refused_when_building() {
    let err = RestClient::builder()
        .add_root_certificate(b"not a certificate".to_vec())
        .build()
        .expect_err("bad root");
    assert!(matches!(err, Error::Invalid(_)), "{err}");
}
