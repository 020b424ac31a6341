//! The one error type of okx-ws.

use crate::arg::Arg;
use okx_models::OkxCode;

/// Everything that can go wrong in okx-ws.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WsError {
    /// The configuration cannot work.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// OKX answered the request with an error code.
    #[error("okx error {code}: {msg}")]
    Api {
        /// OKX's `code`.
        code: OkxCode,
        /// OKX's `msg`.
        msg: String,
    },
    /// OKX acked some args of a (un)subscribe request, then refused the
    /// rest; only `failed` did not take effect.
    #[error("okx error {code} for {} of the args: {msg}", failed.len())]
    PartlyRefused {
        /// OKX's `code`.
        code: OkxCode,
        /// OKX's `msg`.
        msg: String,
        /// The args that were not acked.
        failed: Vec<Arg>,
    },
    /// Login was rejected for a reason retrying cannot fix (bad key,
    /// passphrase or signature, deleted key); the connection stopped.
    #[error("login rejected for good (code {code}): {msg}")]
    LoginRejected {
        /// OKX's `code`.
        code: OkxCode,
        /// OKX's `msg`.
        msg: String,
    },
    /// No answer in time. For trading operations the outcome is unknown:
    /// check the order state before retrying.
    #[error("no response within the timeout")]
    Timeout,
    /// The connection dropped before the answer came. For trading
    /// operations the outcome is unknown.
    #[error("connection lost before the response")]
    Disconnected,
    /// The request was not sent because the connection is down.
    #[error("not connected")]
    NotConnected,
    /// The client was closed.
    #[error("client closed")]
    Closed,
    /// A WS order names an instrument with no `instIdCode` in the map; nothing was sent.
    #[error("no instIdCode known for {0}: load instruments first")]
    MissingInstIdCode(String),
    /// A request breaks a local rule (size, item count, per-connection op budget).
    #[error("request rejected locally: {0}")]
    Invalid(String),
    /// The single order of a non-batch operation was rejected (`sCode`/`sMsg`).
    #[error("order rejected (sCode {code}): {msg}")]
    Rejected {
        /// `sCode`.
        code: OkxCode,
        /// `sMsg`.
        msg: String,
    },
    /// A response could not be decoded.
    #[error("undecodable response: {0}")]
    Decode(String),
}

impl WsError {
    /// Whether an order operation that failed this way may still have been
    /// executed by OKX: the request went out but no answer came back, the
    /// answer could not be read (a success without the items it owes, an
    /// unreadable code), OKX said it timed out internally (50004, 51149),
    /// or a batch partly succeeded (`code` 2). Only when this is `false`
    /// is sending the same order again free of the risk of a duplicate.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            WsError::Timeout | WsError::Disconnected | WsError::Decode(_) => true,
            WsError::Api { code, .. } | WsError::Rejected { code, .. } => {
                code.is_outcome_unknown() || *code == OkxCode::PARTIAL
            }
            _ => false,
        }
    }
}

/// Login codes for which retrying cannot help.
pub(crate) fn permanent_login_failure(code: OkxCode) -> bool {
    // 60005 invalid key, 60007 invalid sign, 60024 wrong passphrase,
    // 60032 key does not exist, 50111/50119 key errors from the REST family.
    matches!(
        code.0,
        60005 | 60007 | 60024 | 60032 | 50111 | 50119 | 50100
    )
}
