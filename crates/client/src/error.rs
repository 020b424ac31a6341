//! The client's errors: one for everything, and for writes the one outcome
//! type both routes share.

use okx_models::OkxCode;

use crate::instruments::CheckError;

/// Where a write stands after an error, whichever route it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing reached OKX: safe to send again.
    NotSent,
    /// OKX refused it; nothing changed.
    Rejected,
    /// It may or may not have happened: look the order up (by its
    /// `clOrdId`) before sending it again.
    Unknown,
}

/// The error of every client call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The order does not fit its instrument; nothing was sent.
    #[error("order refused locally: {0}")]
    Check(#[from] CheckError),
    /// The risk guard refused the order; nothing was sent.
    #[error(transparent)]
    Risk(#[from] crate::guard::RiskRejection),
    /// OKX refused the request (`sCode`/`code` and message).
    #[error("okx refused it (code {code}): {msg}")]
    Rejected {
        /// OKX's code.
        code: OkxCode,
        /// OKX's message.
        msg: String,
        /// OKX's finer reason under `code` (`subCode`, since 2026-03),
        /// when it sent one.
        sub_code: Option<String>,
    },
    /// A REST call failed.
    #[error(transparent)]
    Rest(#[from] okx_rest::Error),
    /// A WebSocket call failed.
    #[error(transparent)]
    Ws(#[from] okx_ws::WsError),
    /// A write whose outcome could not be established, even after asking
    /// OKX for the order by its `clOrdId`.
    #[error("outcome of order {cl_ord_id} unknown: {detail}")]
    OutcomeUnknown {
        /// The order's client id, to look it up later.
        cl_ord_id: String,
        /// What went wrong last.
        detail: String,
    },
    /// The configuration cannot work (e.g. credentials missing for a
    /// private call).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The client was closed.
    #[error("client closed")]
    Closed,
}

impl ClientError {
    /// OKX's refusal, with an empty `subCode` read as none.
    pub(crate) fn rejected(code: OkxCode, msg: String, sub_code: String) -> Self {
        ClientError::Rejected {
            code,
            msg,
            sub_code: (!sub_code.is_empty()).then_some(sub_code),
        }
    }

    /// For a write: did it happen?
    pub fn outcome(&self) -> Outcome {
        match self {
            ClientError::Check(_)
            | ClientError::Risk(_)
            | ClientError::Config(_)
            | ClientError::Closed => Outcome::NotSent,
            ClientError::Rejected { .. } => Outcome::Rejected,
            ClientError::OutcomeUnknown { .. } => Outcome::Unknown,
            ClientError::Rest(e) => match e.write_outcome() {
                okx_rest::WriteOutcome::NotSent => Outcome::NotSent,
                okx_rest::WriteOutcome::Rejected => Outcome::Rejected,
                _ => Outcome::Unknown,
            },
            ClientError::Ws(e) => ws_outcome(e),
        }
    }

    /// OKX's code, when OKX answered.
    pub fn okx_code(&self) -> Option<OkxCode> {
        match self {
            ClientError::Rejected { code, .. } => Some(*code),
            ClientError::Rest(e) => e.okx_code(),
            ClientError::Ws(
                okx_ws::WsError::Rejected { code, .. } | okx_ws::WsError::Api { code, .. },
            ) => Some(*code),
            _ => None,
        }
    }
}

/// Where a WS trading call stands after its error.
pub(crate) fn ws_outcome(e: &okx_ws::WsError) -> Outcome {
    use okx_ws::WsError as E;
    match e {
        E::Rejected { .. } | E::Api { .. } => Outcome::Rejected,
        E::Config(_)
        | E::NotConnected
        | E::Closed
        | E::MissingInstIdCode(_)
        | E::Invalid(_)
        | E::LoginRejected { .. } => Outcome::NotSent,
        _ => Outcome::Unknown,
    }
}
