//! Signature checks the way OKX's gateway makes them.
//!
//! Deliberately written with the plain `hmac` crate and not with `okx-auth`:
//! a bug in the SDK's fast signer must not hide behind a test double that
//! shares its code.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// `base64(HMAC-SHA256(secret, timestamp + method + request_path + body))`.
pub fn okx_signature(
    secret: &str,
    timestamp: &str,
    method: &str,
    request_path: &str,
    body: &[u8],
) -> String {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable!("hmac takes keys of any length"),
    };
    mac.update(timestamp.as_bytes());
    mac.update(method.as_bytes());
    mac.update(request_path.as_bytes());
    mac.update(body);
    STANDARD.encode(mac.finalize().into_bytes())
}

/// True when `signature` is what OKX would compute for this request.
pub fn verify(
    secret: &str,
    timestamp: &str,
    method: &str,
    request_path: &str,
    body: &[u8],
    signature: &str,
) -> bool {
    let expected = okx_signature(secret, timestamp, method, request_path, body);
    // Constant-time enough for a test server; compare lengths first.
    expected.len() == signature.len()
        && expected
            .bytes()
            .zip(signature.bytes())
            .fold(0u8, |a, (x, y)| a | (x ^ y))
            == 0
}

/// The WS login signature: `timestamp + "GET" + "/users/self/verify"`.
pub fn ws_login_signature(secret: &str, unix_secs: &str) -> String {
    okx_signature(secret, unix_secs, "GET", "/users/self/verify", b"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_spec_vectors() {
        let secret = "22582BD0CFF14C41EDBF1AB98506286D";
        assert_eq!(
            okx_signature(
                secret,
                "2020-12-08T09:08:57.715Z",
                "GET",
                "/api/v5/account/balance?ccy=BTC",
                b""
            ),
            "HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY="
        );
        assert_eq!(
            ws_login_signature(secret, "1538054050"),
            "+LdIr8lkkvhr5hoA3g9TMC0+uQJ849ftAcocA/ouu4M="
        );
        assert!(verify(
            secret,
            "1538054050",
            "GET",
            "/users/self/verify",
            b"",
            "+LdIr8lkkvhr5hoA3g9TMC0+uQJ849ftAcocA/ouu4M="
        ));
        assert!(!verify(
            secret,
            "1538054051",
            "GET",
            "/users/self/verify",
            b"",
            "+LdIr8lkkvhr5hoA3g9TMC0+uQJ849ftAcocA/ouu4M="
        ));
    }
}
