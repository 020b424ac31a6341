//! Tour part: signing a private request and a WebSocket login.
//!
//! Uses the example secret from OKX's docs, so the signatures below can be
//! checked against `../shared/okx-v5/SPEC.md` §8.

use okx::auth::{ClockOffset, Credentials, HEADER_PASSPHRASE, RestAuth};

pub fn run() -> crate::TourResult {
    let creds = Credentials::new(
        "demo-api-key",
        "22582BD0CFF14C41EDBF1AB98506286D",
        "demo-passphrase",
    );
    println!("credentials: {creds:?}");

    // In a client the REST crate keeps this offset in step with OKX's clock;
    // here a fixed time keeps the output reproducible.
    let auth = RestAuth::new(creds, ClockOffset::new(), true);
    let at = 1_607_418_537_715; // 2020-12-08T09:08:57.715Z
    let path = "/api/v5/account/balance?ccy=BTC";
    let headers = auth.headers_at(at, "GET", path, b"");
    println!("GET {path} (demo trading):");
    for (name, value) in headers.iter() {
        let shown = if name == HEADER_PASSPHRASE {
            "<redacted>"
        } else {
            value
        };
        println!("  {name}: {shown}");
    }

    let login = auth.ws_login_at(1_538_054_050);
    println!(
        "ws login args: apiKey={} timestamp={} sign={} passphrase=<redacted>",
        login.api_key, login.timestamp, login.sign
    );
    Ok(())
}
