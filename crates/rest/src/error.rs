//! The one error type of `okx-rest`.
//!
//! Every failure answers three questions a caller acts on: what OKX said
//! (code, message, HTTP status, per-item results, as the shared
//! [`okx_models::ApiError`]), whether trying again can help
//! ([`Error::is_retryable`]), and for a write, whether it reached OKX
//! ([`Error::write_outcome`]).

use std::time::Duration;

pub use okx_models::{ApiError, ItemResult, OkxCode};

/// A local check failed; nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Invalid {
    /// `clOrdId` must be 1–32 ASCII letters or digits.
    #[error("clOrdId {0:?} must be 1-32 ascii letters or digits")]
    ClOrdId(String),
    /// A limit-style order needs a price.
    #[error("a {0} order needs a price")]
    MissingPrice(String),
    /// A batch holds more than 20 orders, or none.
    #[error("a batch holds 1-20 orders, not {0}")]
    BatchSize(usize),
    /// The size is not a whole number of lots.
    #[error("size {sz} is not a multiple of the lot size {lot_sz}")]
    LotSize {
        /// Requested size.
        sz: String,
        /// The instrument's `lotSz`.
        lot_sz: String,
    },
    /// The size is zero or negative.
    #[error("size {0} must be positive")]
    Size(String),
    /// The order names a different instrument than the one passed for checks.
    #[error("order is for {order} but the instrument given is {instrument}")]
    Instrument {
        /// `instId` of the order.
        order: String,
        /// `instId` of the instrument.
        instrument: String,
    },
    /// Amend or cancel needs `ordId` or `clOrdId`.
    #[error("an ordId or a clOrdId is required")]
    MissingId,
    /// The request cannot page this way (e.g. `before` on `history-trades`
    /// paged by timestamp, which OKX refuses with 50039).
    #[error("cannot page with `before`: {0}")]
    Pagination(&'static str),
    /// A batch needs more units of one rate-limit bucket than the bucket
    /// allows in a whole window (e.g. 5 orders on one lead instrument,
    /// where a lead trader may place 4 per 2 s): OKX would refuse it however
    /// long the client waited.
    #[error("{path} needs {cost} units of a rate limit that allows {limit} per window")]
    OverRateLimit {
        /// The endpoint.
        path: &'static str,
        /// Units the request needs from the bucket.
        cost: u32,
        /// The bucket's limit per window.
        limit: u32,
    },
    /// The TLS settings (pins, roots) cannot be used.
    #[error("tls settings: {0}")]
    Tls(String),
    /// The request could not be turned into a query string or body.
    #[error("cannot encode request: {0}")]
    Encode(String),
}

/// Where a write stands after an error.
///
/// Only [`WriteOutcome::Rejected`] and [`WriteOutcome::NotSent`] make
/// sending the same write again safe; anything that leaves room for doubt
/// (an answer that says success but not what happened, a server error, an
/// item whose own code says "timed out") is [`WriteOutcome::Unknown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    /// OKX received the request and rejected it; nothing changed.
    Rejected,
    /// The request never left this process (or never reached OKX).
    NotSent,
    /// The request may or may not have been executed.
    Unknown,
    /// A batch in which some items took effect and others did not;
    /// [`ApiError::items`] says which, where OKX listed them.
    Partial,
}

/// Why an answer could not be read: its JSON did not fit the response type,
/// or it said success without the result the request calls for.
///
/// Displays the underlying reason; [`std::error::Error::source`] is that
/// reason's own source. The JSON parser's error type is not part of this
/// crate's API.
#[derive(Debug)]
pub struct DecodeError(DecodeKind);

#[derive(Debug)]
enum DecodeKind {
    Json(serde_json::Error),
    Shape(&'static str),
}

impl DecodeError {
    pub(crate) fn json(e: serde_json::Error) -> Self {
        Self(DecodeKind::Json(e))
    }

    pub(crate) fn shape(why: &'static str) -> Self {
        Self(DecodeKind::Shape(why))
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            DecodeKind::Json(e) => std::fmt::Display::fmt(e, f),
            DecodeKind::Shape(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0 {
            DecodeKind::Json(e) => e.source(),
            DecodeKind::Shape(_) => None,
        }
    }
}

/// Why a request did not complete over the network: connecting, TLS, a
/// timeout, a dropped connection.
///
/// Displays the HTTP client's message; [`std::error::Error::source`] walks on
/// into that error's own sources (the socket or TLS error). The HTTP
/// client's error type is not part of this crate's API, so a change of
/// client does not change it.
#[derive(Debug)]
pub struct TransportError(reqwest::Error);

impl TransportError {
    pub(crate) fn new(e: reqwest::Error) -> Self {
        Self(e)
    }

    /// The request or a read of the answer timed out.
    pub fn is_timeout(&self) -> bool {
        self.0.is_timeout()
    }

    /// No connection could be made (refused, unreachable, TLS handshake,
    /// proxy): the request never left.
    pub fn is_connect(&self) -> bool {
        self.0.is_connect()
    }
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// The error of every `okx-rest` call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// OKX answered with a non-zero code.
    #[error("{0}")]
    Api(ApiError),
    /// A non-OKX HTTP answer (a gateway page, a bare 404, an empty 5xx).
    #[error("http {status} from {path}: {body}")]
    Http {
        /// HTTP status.
        status: u16,
        /// Endpoint path.
        path: &'static str,
        /// Start of the body, for diagnosis.
        body: String,
    },
    /// The request could not be completed over the network.
    #[error("transport error on {path}: {source}")]
    Transport {
        /// Endpoint path.
        path: &'static str,
        /// Whether the request can have reached OKX.
        maybe_sent: bool,
        /// What went wrong on the way.
        #[source]
        source: TransportError,
    },
    /// An answer that claims success (or does not say) could not be read:
    /// the data did not match the response type, the code was not one OKX
    /// writes (a numeric `0`, an empty code), or an order answer said
    /// success with no item. For a write the outcome is unknown.
    #[error("cannot decode the answer of {path}: {source}")]
    Decode {
        /// Endpoint path.
        path: &'static str,
        /// What did not fit.
        #[source]
        source: DecodeError,
    },
    /// The answer's body was longer than the client reads
    /// ([`RestClientBuilder::max_body_bytes`](crate::RestClientBuilder::max_body_bytes)).
    /// For a write the outcome is unknown: the answer was not read.
    #[error("answer of {path} (http {status}) is longer than {limit} bytes; not read")]
    BodyTooLarge {
        /// Endpoint path.
        path: &'static str,
        /// HTTP status of the answer.
        status: u16,
        /// The cap in bytes.
        limit: usize,
    },
    /// A private endpoint was called on a client without credentials.
    #[error("{0} is a private endpoint and the client has no credentials")]
    MissingCredentials(&'static str),
    /// A local check failed; nothing was sent.
    #[error("invalid request: {0}")]
    Invalid(#[from] Invalid),
    /// The rate limiter is set to fail instead of waiting, and the bucket is full.
    #[error("rate limit of {path} reached locally; free again in {retry_after:?}")]
    RateLimited {
        /// Endpoint path.
        path: &'static str,
        /// How long until the call would fit.
        retry_after: Duration,
    },
    /// A place/amend whose outcome could not be established, even after
    /// asking OKX for the order by `clOrdId`.
    #[error("outcome of order {cl_ord_id} unknown: {source}")]
    OutcomeUnknown {
        /// The order's `clOrdId`, to look it up later.
        cl_ord_id: String,
        /// What went wrong last.
        #[source]
        source: Box<Error>,
    },
}

impl Error {
    /// The OKX error, if OKX answered.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The most specific OKX code, if OKX answered: a failed item's
    /// `sCode` where there is one, else the top-level `code`.
    pub fn okx_code(&self) -> Option<OkxCode> {
        self.api().map(ApiError::effective_code)
    }

    /// The HTTP status of the answer, if one arrived.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => e.http_status,
            Error::Http { status, .. } | Error::BodyTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// True for OKX's authentication errors (50100–50114, key permissions,
    /// HTTP 401), as distinct from business errors.
    pub fn is_auth(&self) -> bool {
        self.api().is_some_and(ApiError::is_auth)
    }

    /// True when trying the same call again later can succeed: rate limits,
    /// busy or unavailable service, timeouts, dropped connections, 5xx.
    /// For writes, pair it with [`Error::write_outcome`].
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => {
                let code = e.effective_code();
                e.is_retryable()
                    || e.http_status.is_some_and(|s| s >= 500)
                    || code.is_outcome_unknown()
                    || code == OkxCode::TIMESTAMP_EXPIRED
            }
            Error::Http { status, .. } => *status >= 500 || *status == 429,
            Error::Transport { .. } | Error::RateLimited { .. } | Error::OutcomeUnknown { .. } => {
                true
            }
            Error::Decode { .. }
            | Error::BodyTooLarge { .. }
            | Error::MissingCredentials(_)
            | Error::Invalid(_) => false,
        }
    }

    /// For a write (place, amend, cancel, transfer, ...): did it happen?
    pub fn write_outcome(&self) -> WriteOutcome {
        match self {
            Error::Api(e) => api_write_outcome(e),
            // A bare gateway 5xx can come after the backend acted.
            Error::Http { status, .. } if *status >= 500 => WriteOutcome::Unknown,
            Error::Http { .. } => WriteOutcome::Rejected,
            Error::Transport { maybe_sent, .. } => {
                if *maybe_sent {
                    WriteOutcome::Unknown
                } else {
                    WriteOutcome::NotSent
                }
            }
            // OKX said "0" but we could not read what it did.
            Error::Decode { .. } | Error::OutcomeUnknown { .. } | Error::BodyTooLarge { .. } => {
                WriteOutcome::Unknown
            }
            Error::MissingCredentials(_) | Error::Invalid(_) | Error::RateLimited { .. } => {
                WriteOutcome::NotSent
            }
        }
    }
}

/// Where a write stands after OKX answered with an error code. "Rejected"
/// is claimed only when nothing in the answer leaves room for doubt.
fn api_write_outcome(e: &ApiError) -> WriteOutcome {
    let timed_out =
        e.code.is_outcome_unknown() || e.items.iter().any(|i| i.code.is_outcome_unknown());
    if timed_out {
        return WriteOutcome::Unknown;
    }
    // "2" says some items went through even when none are listed.
    if e.is_partial() || e.code == OkxCode::PARTIAL {
        return WriteOutcome::Partial;
    }
    // A server error can come after the backend acted, as with a bare 5xx;
    // an "error" whose code says success is no rejection either.
    if e.http_status.is_some_and(|s| s >= 500) || e.effective_code().is_ok() {
        return WriteOutcome::Unknown;
    }
    WriteOutcome::Rejected
}
