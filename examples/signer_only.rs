//! Signing OKX requests with `okx-auth` alone: no async runtime, no HTTP
//! client. A tool that sends its own requests (or signs for another
//! language) needs only this; `cargo tree -p okx-auth` shows how little
//! that pulls in (hmac, sha2, base64).
//!
//! ```text
//! cargo run --example signer_only
//! ```

use okx::auth::{ClockOffset, Credentials, RestAuth, Signer};

/// Signs one GET the way OKX checks it, at a fixed time; returns the
/// headers (name, value) with the passphrase left out of what is shown.
pub fn signed_headers(credentials: Credentials, unix_ms: i64) -> Vec<(&'static str, String)> {
    let auth = RestAuth::new(credentials, ClockOffset::new(), true);
    let headers = auth.headers_at(unix_ms, "GET", "/api/v5/account/balance?ccy=BTC", b"");
    headers
        .iter()
        .map(|(name, value)| {
            let shown = if name == "OK-ACCESS-PASSPHRASE" {
                "<not shown>".to_owned()
            } else {
                value.to_owned()
            };
            (name, shown)
        })
        .collect()
}

/// The bare signature of OKX's prehash string, with a signer keyed once.
pub fn signature(secret: &str, timestamp: &str, method: &str, path: &str, body: &str) -> String {
    Signer::new(secret.as_bytes())
        .sign(timestamp, method, path, body.as_bytes())
        .as_str()
        .to_owned()
}

fn main() {
    // Example keys, not real ones.
    let credentials = Credentials::new(
        "37c541a1-4c36-4f13-9b12-2ba35bd2a1cb",
        "EXAMPLESECRET0123456789ABCDEF",
        "example-passphrase",
    );
    println!("headers for GET /api/v5/account/balance?ccy=BTC (demo trading):");
    for (name, value) in signed_headers(credentials, 1_700_000_000_000) {
        println!("  {name}: {value}");
    }
    let sig = signature(
        "EXAMPLESECRET0123456789ABCDEF",
        "2023-11-14T22:13:20.000Z",
        "POST",
        "/api/v5/trade/order",
        r#"{"instId":"BTC-USDT","tdMode":"cash","side":"buy","ordType":"limit","px":"30000","sz":"0.01"}"#,
    );
    println!("signature of a POST /api/v5/trade/order: {sig}");
}
