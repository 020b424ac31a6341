//! # okx-tls: pinned public keys for the OKX clients
//!
//! Builds the rustls client configuration `okx-rest` and `okx-ws` use when
//! a caller pins OKX's public keys: the chain is verified as usual (against
//! Mozilla's roots and any roots the caller adds), and then one certificate
//! of the chain the server presented must carry a pinned key, named by the
//! SHA-256 of its DER `SubjectPublicKeyInfo` (the form HPKP and `openssl
//! ... | openssl dgst -sha256 -binary | base64` give). A chain that matches
//! no pin refuses the connection.
//!
//! It lives below both clients, which do not depend on each other, so the
//! one verifier serves REST and WebSocket alike.
//!
//! ```
//! let pin = okx_tls::Pin::from_base64("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")?;
//! assert_eq!(pin.to_string(), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
//! # Ok::<(), okx_tls::TlsError>(())
//! ```

use std::sync::Arc;

use base64::Engine as _;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
use sha2::{Digest, Sha256};

/// Why a TLS configuration could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A pin that is not the base64 of 32 bytes.
    #[error("a pin is the base64 of a 32-byte SHA-256, not {0:?}")]
    BadPin(String),
    /// A root certificate rustls cannot use.
    #[error("root certificate refused: {0}")]
    BadRoot(String),
    /// rustls could not build the configuration.
    #[error("tls configuration: {0}")]
    Config(String),
}

/// The SHA-256 of a certificate's DER `SubjectPublicKeyInfo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pin(pub [u8; 32]);

impl Pin {
    /// Reads a pin in base64 (with or without HPKP's `sha256/` prefix).
    pub fn from_base64(text: &str) -> Result<Self, TlsError> {
        let bare = text.trim().trim_start_matches("sha256/");
        base64::engine::general_purpose::STANDARD
            .decode(bare)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .map(Pin)
            .ok_or_else(|| TlsError::BadPin(text.to_owned()))
    }

    /// The pin of a DER certificate, if its `SubjectPublicKeyInfo` can be found.
    pub fn of_certificate(der: &[u8]) -> Option<Self> {
        spki(der).map(|key| Pin(Sha256::digest(key).into()))
    }
}

impl std::fmt::Display for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&base64::engine::general_purpose::STANDARD.encode(self.0))
    }
}

/// One DER element at the start of `input`: (tag, the whole element, the
/// rest). Only definite lengths, as DER requires.
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |l, &b| (l << 8) | usize::from(b));
        (len, &rest[n..])
    };
    let header = input.len() - rest.len();
    let whole = input.get(..header + len)?;
    Some((tag, whole, &input[header + len..]))
}

/// The content of an element [`element`] returned whole.
fn content(whole: &[u8]) -> Option<&[u8]> {
    let first = *whole.get(1)?;
    let header = if first < 0x80 {
        2
    } else {
        2 + usize::from(first & 0x7f)
    };
    whole.get(header..)
}

/// The DER `SubjectPublicKeyInfo` of an X.509 certificate: the seventh
/// element of `tbsCertificate` (the sixth without the optional version).
fn spki(cert: &[u8]) -> Option<&[u8]> {
    const SEQUENCE: u8 = 0x30;
    let (tag, whole, _) = element(cert)?;
    if tag != SEQUENCE {
        return None;
    }
    let (tag, tbs, _) = element(content(whole)?)?;
    if tag != SEQUENCE {
        return None;
    }
    let mut fields = content(tbs)?;
    // [0] EXPLICIT version
    if fields.first() == Some(&0xA0) {
        fields = element(fields)?.2;
    }
    // serialNumber, signature, issuer, validity, subject
    for _ in 0..5 {
        fields = element(fields)?.2;
    }
    let (tag, key, _) = element(fields)?;
    (tag == SEQUENCE).then_some(key)
}

/// Verifies the chain as usual, then asks for a pinned key in it.
#[derive(Debug)]
struct Pinned {
    inner: Arc<WebPkiServerVerifier>,
    pins: Vec<Pin>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)?;
        let pinned = std::iter::once(end_entity)
            .chain(intermediates)
            .filter_map(|c| Pin::of_certificate(c))
            .any(|p| self.pins.contains(&p));
        if pinned {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "no certificate of the chain carries a pinned public key".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// A client configuration trusting Mozilla's roots and `extra_roots` (DER),
/// and, when `pins` is not empty, only a chain that carries a pinned key.
/// `alpn` is offered as given (`http/1.1` for REST, none for WebSocket).
pub fn client_config(
    extra_roots: &[Vec<u8>],
    pins: &[Pin],
    alpn: &[&[u8]],
) -> Result<rustls::ClientConfig, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for der in extra_roots {
        roots
            .add(CertificateDer::from(der.clone()))
            .map_err(|e| TlsError::BadRoot(e.to_string()))?;
    }
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?;
    let roots = Arc::new(roots);
    let mut config = if pins.is_empty() {
        builder.with_root_certificates(roots).with_no_client_auth()
    } else {
        let inner = WebPkiServerVerifier::builder_with_provider(roots, provider)
            .build()
            .map_err(|e| TlsError::Config(e.to_string()))?;
        let verifier = Pinned {
            inner,
            pins: pins.to_vec(),
        };
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth()
    };
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pin_of_a_certificate_is_the_hash_of_its_key() {
        for names in [
            vec!["localhost".to_owned()],
            vec!["a.example".to_owned(), "b.example".to_owned()],
        ] {
            let cert = rcgen::generate_simple_self_signed(names).expect("cert");
            let want = Pin(Sha256::digest(cert.key_pair.public_key_der()).into());
            assert_eq!(Pin::of_certificate(cert.cert.der()), Some(want));
        }
        assert_eq!(Pin::of_certificate(b"\x30\x03\x02\x01\x01"), None);
        assert_eq!(Pin::of_certificate(b""), None);
    }

    #[test]
    fn pins_read_from_base64() {
        let pin = Pin([7; 32]);
        assert_eq!(Pin::from_base64(&pin.to_string()), Ok(pin));
        assert_eq!(Pin::from_base64(&format!("sha256/{pin}")), Ok(pin));
        assert!(Pin::from_base64("AAAA").is_err());
        assert!(Pin::from_base64("not base64!").is_err());
    }
}
