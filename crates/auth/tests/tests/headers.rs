//! The REST header set and the WebSocket login arguments.

use okx_auth::{ClockOffset, Credentials, RestAuth};

const SECRET: &str = "22582BD0CFF14C41EDBF1AB98506286D";

fn auth(demo: bool) -> RestAuth {
    RestAuth::new(
        Credentials::new("my-key", SECRET, "my-pass"),
        ClockOffset::new(),
        demo,
    )
}

#[test]
fn live_headers_are_the_four_ok_access_headers() {
    let headers = auth(false).headers_at(
        1_607_418_537_715,
        "GET",
        "/api/v5/account/balance?ccy=BTC",
        b"",
    );
    let all: Vec<_> = headers.iter().collect();
    assert_eq!(
        all,
        [
            ("OK-ACCESS-KEY", "my-key"),
            (
                "OK-ACCESS-SIGN",
                "HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY="
            ),
            ("OK-ACCESS-TIMESTAMP", "2020-12-08T09:08:57.715Z"),
            ("OK-ACCESS-PASSPHRASE", "my-pass"),
        ]
    );
    assert!(!headers.is_demo());
}

#[test]
fn demo_adds_simulated_trading_header() {
    let body = br#"{"instId":"BTC-USDT","lever":"5","mgnMode":"isolated"}"#;
    let headers = auth(true).headers_at(
        1_607_418_537_715,
        "POST",
        "/api/v5/account/set-leverage",
        body,
    );
    assert_eq!(headers.iter().count(), 5);
    assert_eq!(headers.iter().last(), Some(("x-simulated-trading", "1")));
    assert_eq!(
        headers.sign().as_str(),
        "eCnnCgWLjlQ9XnpUkrcny3qNq3WW/81KNrDr/XR6Xv8="
    );
}

#[test]
fn headers_use_the_clock_offset() {
    let a = auth(false);
    // An hour ahead: the signed timestamp must follow the server estimate.
    a.clock().set_millis(3_600_000);
    let before = a.clock().now_millis();
    let headers = a.headers("GET", "/api/v5/account/balance", b"");
    let after = a.clock().now_millis();
    let stamp = headers.timestamp().as_str();
    let lo = okx_auth::IsoTimestamp::from_unix_millis(before);
    let hi = okx_auth::IsoTimestamp::from_unix_millis(after);
    assert!(
        lo.as_str() <= stamp && stamp <= hi.as_str(),
        "{lo} <= {stamp} <= {hi}"
    );
    let expected = a
        .signer()
        .sign(stamp, "GET", "/api/v5/account/balance", b"");
    assert_eq!(*headers.sign(), expected);
}

#[test]
fn ws_login_signs_unix_seconds() {
    let login = auth(false).ws_login_at(1_538_054_050);
    assert_eq!(login.api_key, "my-key");
    assert_eq!(login.passphrase, "my-pass");
    assert_eq!(login.timestamp, "1538054050");
    assert_eq!(login.sign, "+LdIr8lkkvhr5hoA3g9TMC0+uQJ849ftAcocA/ouu4M=");
}

#[test]
fn ws_login_now_uses_seconds_from_the_clock() {
    let a = auth(false);
    a.clock().set_millis(-5_000);
    let before = a.clock().now_millis() / 1000;
    let login = a.ws_login();
    let after = a.clock().now_millis() / 1000;
    let secs: i64 = login.timestamp.parse().expect("decimal seconds");
    assert!(
        (before..=after).contains(&secs),
        "{before} <= {secs} <= {after}"
    );
    assert_eq!(login.sign, a.signer().sign_ws_login(&login.timestamp));
}

#[test]
fn cloned_auth_shares_the_clock() {
    let a = auth(false);
    let b = a.clone();
    a.clock().set_millis(42);
    assert_eq!(b.clock().millis(), 42);
}

#[test]
fn lower_case_method_is_signed_upper_case() {
    let lower = auth(false).headers_at(1_607_418_537_715, "get", "/api/v5/account/balance", b"");
    let upper = auth(false).headers_at(1_607_418_537_715, "GET", "/api/v5/account/balance", b"");
    assert_eq!(
        lower.sign().as_str(),
        "AkD5YszBhggtIyjDlmTy/9PpNVntel+1Lff8wh0qpQw="
    );
    assert_eq!(lower.sign(), upper.sign());
}
