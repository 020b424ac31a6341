//! Secrets and passphrases never reach `Debug` output.

use okx_auth::{ClockOffset, Credentials, RestAuth};

const SECRET: &str = "S3CRET-9f8e7d6c5b4a";
const PASSPHRASE: &str = "Pa55-phrase-xyz";

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "{what} leaks the secret: {text}");
    assert!(
        !text.contains(PASSPHRASE),
        "{what} leaks the passphrase: {text}"
    );
    assert!(
        text.contains("<redacted>"),
        "{what} does not say it redacted: {text}"
    );
}

#[test]
fn debug_output_never_contains_secret_or_passphrase() {
    let creds = Credentials::new("key-123", SECRET, PASSPHRASE);
    let auth = RestAuth::new(creds.clone(), ClockOffset::new(), true);
    let headers = auth.headers_at(0, "POST", "/api/v5/trade/order", b"{}");
    let login = auth.ws_login_at(1_538_054_050);

    for (what, text) in [
        ("Credentials", format!("{creds:?}")),
        ("Credentials pretty", format!("{creds:#?}")),
        ("Signer", format!("{:?}", creds.signer())),
        ("RestAuth", format!("{auth:?}")),
        ("RestAuth pretty", format!("{auth:#?}")),
        ("RestHeaders", format!("{headers:?}")),
        ("WsLoginArgs", format!("{login:?}")),
    ] {
        assert_clean(what, &text);
    }
    // The key is not a secret, and showing it tells accounts apart in logs.
    assert!(format!("{creds:?}").contains("key-123"));
}

#[test]
fn error_messages_name_the_variable_not_a_value() {
    let err = okx_auth::CredentialsError::Missing(okx_auth::ENV_SECRET_KEY);
    assert_eq!(
        err.to_string(),
        "environment variable OKX_SECRET_KEY is not set"
    );
}
