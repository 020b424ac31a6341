//! # okx-auth: signing for the OKX V5 API
//!
//! What it is for: turning an API key, secret and passphrase into the headers
//! of a signed OKX REST request and the arguments of a WebSocket login. It is
//! synchronous and has no async runtime, HTTP client or serde in its
//! dependency tree, so any tool that only needs signatures can use it.
//!
//! What it is not for: sending requests, measuring the server clock or
//! retrying. `okx-rest` and `okx-ws` do that and feed the measured clock
//! offset into [`ClockOffset`].
//!
//! The signature is `base64(HMAC-SHA256(secret, timestamp + METHOD +
//! requestPath + body))`, where the key is the secret's UTF-8 text and
//! `requestPath` includes the query string. [`Signer`] is keyed once and
//! then signs with only the SHA-256 compressions HMAC strictly needs, with no
//! heap allocation.
//!
//! ```
//! use okx_auth::{ClockOffset, Credentials, RestAuth};
//!
//! let creds = Credentials::new("api-key", "22582BD0CFF14C41EDBF1AB98506286D", "passphrase");
//! let auth = RestAuth::new(creds, ClockOffset::new(), false);
//!
//! let headers = auth.headers_at(1_607_418_537_715, "GET", "/api/v5/account/balance", b"");
//! let sign = headers.iter().find(|(name, _)| *name == "OK-ACCESS-SIGN");
//! assert_eq!(sign, Some(("OK-ACCESS-SIGN", "AkD5YszBhggtIyjDlmTy/9PpNVntel+1Lff8wh0qpQw=")));
//!
//! let login = auth.ws_login_at(1_538_054_050);
//! assert_eq!(login.sign.as_str(), "+LdIr8lkkvhr5hoA3g9TMC0+uQJ849ftAcocA/ouu4M=");
//! ```

mod credentials;
mod rest;
mod signer;
mod time;

pub use credentials::{Credentials, CredentialsError, ENV_API_KEY, ENV_PASSPHRASE, ENV_SECRET_KEY};
pub use rest::{
    HEADER_KEY, HEADER_PASSPHRASE, HEADER_SIGN, HEADER_SIMULATED, HEADER_TIMESTAMP, RestAuth,
    RestHeaders, WsLoginArgs,
};
pub use signer::{Signature, Signer, WS_LOGIN_PATH};
pub use time::{ClockOffset, IsoTimestamp, TimestampError};

// Signers and credentials are shared by clients across threads: checked
// when the crate compiles.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Credentials>();
    send_sync::<Signer>();
    send_sync::<RestAuth>();
    send_sync::<ClockOffset>();
    send_sync::<CredentialsError>();
    send_sync::<TimestampError>();
};
