//! The one error type of okx-ws, and [`Cause`], the error beneath it.

use crate::arg::Arg;
use okx_models::OkxCode;
use std::sync::Arc;

/// An error from beneath okx-ws (the socket, TLS, the JSON parser), kept
/// whole rather than flattened into a string: it displays as the original,
/// and [`std::error::Error::source`] walks on into the original's own
/// sources. The types beneath are not part of this crate's API;
/// [`Cause::get_ref`] hands the original out for a caller who wants to
/// look closer anyway.
///
/// Cheap to clone; two causes are equal when their messages are.
#[derive(Clone)]
pub struct Cause(Arc<dyn std::error::Error + Send + Sync + 'static>);

impl Cause {
    pub(crate) fn new(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Arc::new(e))
    }

    /// The original error.
    pub fn get_ref(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

impl std::fmt::Debug for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl PartialEq for Cause {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.to_string() == other.0.to_string()
    }
}

impl Eq for Cause {}

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
    /// A response could not be decoded: what did not fit, and the parser's
    /// error when there was one.
    #[error("undecodable response: {what}{}", source.as_ref().map(|s| format!(": {s}")).unwrap_or_default())]
    Decode {
        /// What could not be read.
        what: String,
        /// The parser's error, if a parser refused it.
        #[source]
        source: Option<Cause>,
    },
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
            WsError::Timeout | WsError::Disconnected | WsError::Decode { .. } => true,
            WsError::Api { code, .. } | WsError::Rejected { code, .. } => {
                code.is_outcome_unknown() || *code == OkxCode::PARTIAL
            }
            _ => false,
        }
    }
}

impl WsError {
    /// A response that does not fit, with no parser error behind it.
    pub(crate) fn decode(what: impl Into<String>) -> Self {
        WsError::Decode {
            what: what.into(),
            source: None,
        }
    }

    /// A response a parser refused.
    pub(crate) fn decode_with(
        what: impl Into<String>,
        e: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        WsError::Decode {
            what: what.into(),
            source: Some(Cause::new(e)),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    /// An error with a source of its own, as a TLS or socket error has.
    #[derive(Debug, thiserror::Error)]
    #[error("handshake failed")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn a_cause_keeps_the_original_and_its_sources() {
        let cause = Cause::new(Outer(std::io::Error::other("peer reset")));
        assert_eq!(cause.to_string(), "handshake failed");
        assert_eq!(
            cause.source().map(ToString::to_string).as_deref(),
            Some("peer reset")
        );
        assert!(cause.get_ref().downcast_ref::<Outer>().is_some());
        assert_eq!(cause.clone(), cause);
    }

    #[test]
    fn a_decode_error_keeps_the_parser_error_as_its_source() {
        let parser = serde_json::from_str::<Vec<u8>>("[1,").expect_err("cut short");
        let shown = parser.to_string();
        let err = WsError::decode_with("order items", parser);
        let source = err.source().expect("the parser's error");
        assert_eq!(source.to_string(), shown);
        assert!(source.downcast_ref::<Cause>().is_some());
        assert!(
            err.to_string()
                .starts_with("undecodable response: order items: ")
        );
        assert!(WsError::decode("no items").source().is_none());
    }
}
