//! The signed REST header set and the WebSocket login arguments.

use core::fmt;
use std::sync::Arc;

use crate::{ClockOffset, Credentials, IsoTimestamp, Signature, Signer};

/// Header carrying the API key.
pub const HEADER_KEY: &str = "OK-ACCESS-KEY";
/// Header carrying the base64 signature.
pub const HEADER_SIGN: &str = "OK-ACCESS-SIGN";
/// Header carrying the ISO-8601 timestamp that was signed.
pub const HEADER_TIMESTAMP: &str = "OK-ACCESS-TIMESTAMP";
/// Header carrying the passphrase.
pub const HEADER_PASSPHRASE: &str = "OK-ACCESS-PASSPHRASE";
/// Header that routes a request to demo trading when set to `1`.
pub const HEADER_SIMULATED: &str = "x-simulated-trading";

/// Everything needed to sign private requests: credentials, a signer keyed
/// with their secret, the shared clock offset, and the demo-trading flag.
///
/// Cheap to clone (reference counts and 64 bytes of signer state). `Debug`
/// hides the secret and passphrase.
///
/// ```
/// use okx_auth::{ClockOffset, Credentials, RestAuth};
///
/// let auth = RestAuth::new(Credentials::new("key", "secret", "pass"), ClockOffset::new(), true);
/// let headers = auth.headers_at(1_607_418_537_715, "GET", "/api/v5/account/balance", b"");
/// for (name, value) in headers.iter() {
///     // request = request.header(name, value);
///     # let _ = (name, value);
/// }
/// assert_eq!(headers.timestamp().as_str(), "2020-12-08T09:08:57.715Z");
/// ```
#[derive(Clone)]
pub struct RestAuth {
    credentials: Credentials,
    signer: Signer,
    clock: ClockOffset,
    demo: bool,
}

impl RestAuth {
    /// Keys the signer once; `demo` adds `x-simulated-trading: 1` to every
    /// header set.
    pub fn new(credentials: Credentials, clock: ClockOffset, demo: bool) -> Self {
        let signer = credentials.signer();
        RestAuth {
            credentials,
            signer,
            clock,
            demo,
        }
    }

    /// The credentials this was built from.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The keyed signer.
    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// The shared clock offset applied to every timestamp.
    pub fn clock(&self) -> &ClockOffset {
        &self.clock
    }

    /// Whether requests go to demo trading.
    pub fn is_demo(&self) -> bool {
        self.demo
    }

    /// Signs a request at the current server time estimate
    /// ([`ClockOffset::now_millis`]).
    ///
    /// `request_path` is the path with its query string exactly as sent
    /// (`/api/v5/account/balance?ccy=BTC`); `body` is the exact body bytes.
    pub fn headers(&self, method: &str, request_path: &str, body: &[u8]) -> RestHeaders {
        self.headers_at(self.clock.now_millis(), method, request_path, body)
    }

    /// Signs a request at a given Unix time in milliseconds.
    pub fn headers_at(
        &self,
        unix_millis: i64,
        method: &str,
        request_path: &str,
        body: &[u8],
    ) -> RestHeaders {
        let timestamp = IsoTimestamp::from_unix_millis(unix_millis);
        // OKX signs the method in upper case; `get` would be answered with
        // 50113. Normalise on the stack so a lower-case caller still works.
        let mut upper = [0u8; 16];
        let method = upper_ascii(method, &mut upper);
        let sign = self
            .signer
            .sign(timestamp.as_str(), method, request_path, body);
        RestHeaders {
            api_key: self.credentials.api_key_shared(),
            passphrase: self.credentials.passphrase_shared(),
            sign,
            timestamp,
            demo: self.demo,
        }
    }

    /// Login arguments at the current server time estimate, in whole Unix
    /// seconds as the WebSocket login requires.
    pub fn ws_login(&self) -> WsLoginArgs {
        self.ws_login_at(self.clock.now_millis().div_euclid(1000))
    }

    /// Login arguments for a given Unix time in seconds.
    pub fn ws_login_at(&self, unix_secs: i64) -> WsLoginArgs {
        let timestamp = unix_secs.to_string();
        let sign = self.signer.sign_ws_login(&timestamp);
        WsLoginArgs {
            api_key: self.credentials.api_key().to_owned(),
            passphrase: self.credentials.passphrase().to_owned(),
            timestamp,
            sign,
        }
    }
}

impl fmt::Debug for RestAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestAuth")
            .field("credentials", &self.credentials)
            .field("clock", &self.clock)
            .field("demo", &self.demo)
            .finish_non_exhaustive()
    }
}

/// The authentication headers of one signed REST request.
///
/// `Debug` hides the passphrase.
#[derive(Clone)]
pub struct RestHeaders {
    api_key: Arc<str>,
    passphrase: Arc<str>,
    sign: Signature,
    timestamp: IsoTimestamp,
    demo: bool,
}

impl RestHeaders {
    /// Header names and values to add to the request: the four
    /// `OK-ACCESS-*` headers, plus `x-simulated-trading: 1` in demo mode.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            Some((HEADER_KEY, &*self.api_key)),
            Some((HEADER_SIGN, self.sign.as_str())),
            Some((HEADER_TIMESTAMP, self.timestamp.as_str())),
            Some((HEADER_PASSPHRASE, &*self.passphrase)),
            self.demo.then_some((HEADER_SIMULATED, "1")),
        ]
        .into_iter()
        .flatten()
    }

    /// The signature (`OK-ACCESS-SIGN`).
    pub fn sign(&self) -> &Signature {
        &self.sign
    }

    /// The signed timestamp (`OK-ACCESS-TIMESTAMP`).
    pub fn timestamp(&self) -> &IsoTimestamp {
        &self.timestamp
    }

    /// Whether `x-simulated-trading: 1` is included.
    pub fn is_demo(&self) -> bool {
        self.demo
    }
}

impl fmt::Debug for RestHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RestHeaders")
            .field("api_key", &self.api_key)
            .field("sign", &self.sign)
            .field("timestamp", &self.timestamp)
            .field("passphrase", &format_args!("<redacted>"))
            .field("demo", &self.demo)
            .finish()
    }
}

/// The `args[0]` object of an OKX WebSocket `login` request.
///
/// The field names are Rust's; on the wire they are `apiKey`, `passphrase`,
/// `timestamp` (Unix seconds as text) and `sign`. `Debug` hides the
/// passphrase.
#[derive(Clone, PartialEq, Eq)]
pub struct WsLoginArgs {
    /// The API key (`apiKey`).
    pub api_key: String,
    /// The passphrase (`passphrase`).
    pub passphrase: String,
    /// Unix time in whole seconds, as decimal text (`timestamp`).
    pub timestamp: String,
    /// Signature of `timestamp + "GET" + "/users/self/verify"` (`sign`).
    pub sign: Signature,
}

impl fmt::Debug for WsLoginArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsLoginArgs")
            .field("api_key", &self.api_key)
            .field("passphrase", &format_args!("<redacted>"))
            .field("timestamp", &self.timestamp)
            .field("sign", &self.sign)
            .finish()
    }
}

/// `method` in ASCII upper case, borrowed when it already is, copied into
/// `buf` otherwise. Longer text than `buf` is returned as is (no HTTP method
/// is that long).
fn upper_ascii<'a>(method: &'a str, buf: &'a mut [u8; 16]) -> &'a str {
    if !method.bytes().any(|b| b.is_ascii_lowercase()) || method.len() > buf.len() {
        return method;
    }
    let out = &mut buf[..method.len()];
    out.copy_from_slice(method.as_bytes());
    out.make_ascii_uppercase();
    // Upper-casing ASCII bytes keeps UTF-8 valid.
    std::str::from_utf8(out).unwrap_or(method)
}
