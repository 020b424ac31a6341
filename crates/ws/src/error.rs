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
    /// The instrument was listed again (its `instIdCode` changed) or OKX
    /// refused its code, and no fresh code could be had; nothing was sent.
    /// Load the instruments again or set an
    /// [`InstrumentSource`](crate::InstrumentSource).
    #[error("the instIdCode of {0} is stale (relisted or refused): refresh the instrument")]
    StaleInstIdCode(String),
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
        /// `subCode`, a finer reason under `sCode` (empty when none).
        sub_code: String,
    },
    /// OKX refused to subscribe because the account's trading fee tier may
    /// not use the channel (64003; 60029/60030 before 2026-04-07):
    /// `books-l2-tbt`, `books50-l2-tbt` and `fills` need VIP4. Nothing of
    /// `args` is subscribed and the client does not ask again.
    #[error("the fee tier may not use this channel (code {code}): {msg}")]
    AccessTier {
        /// OKX's `code`.
        code: OkxCode,
        /// OKX's `msg`.
        msg: String,
        /// The args that were refused.
        args: Vec<Arg>,
    },
    /// A response could not be decoded.
    #[error("undecodable response: {0}")]
    Decode(String),
}

impl WsError {
    /// Whether an order operation that failed this way may still have been
    /// executed by OKX (the request went out but no answer came back).
    pub fn outcome_unknown(&self) -> bool {
        matches!(self, WsError::Timeout | WsError::Disconnected)
    }

    /// OKX's code, when OKX answered.
    pub fn okx_code(&self) -> Option<OkxCode> {
        match self {
            WsError::Api { code, .. }
            | WsError::PartlyRefused { code, .. }
            | WsError::LoginRejected { code, .. }
            | WsError::Rejected { code, .. }
            | WsError::AccessTier { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The error for a (un)subscribe request OKX refused with `code`:
    /// the fee-tier codes get their own variant.
    pub(crate) fn refused(code: OkxCode, msg: String, failed: Vec<Arg>, acked: usize) -> Self {
        if is_access_tier(code) {
            return WsError::AccessTier {
                code,
                msg,
                args: failed,
            };
        }
        if acked > 0 {
            WsError::PartlyRefused { code, msg, failed }
        } else {
            WsError::Api { code, msg }
        }
    }
}

/// The codes that say the account's fee tier may not use a channel.
pub(crate) fn is_access_tier(code: OkxCode) -> bool {
    matches!(
        code,
        OkxCode::WS_ACCESS_TIER | OkxCode::WS_LEGACY_TIER_VIP6 | OkxCode::WS_LEGACY_TIER_VIP5
    )
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
