//! The one error type of `okx-rest`.
//!
//! Every failure answers three questions a caller acts on: what OKX said
//! (code, message, HTTP status, per-item results), whether trying again can
//! help ([`Error::is_retryable`]), and for a write, whether it reached OKX
//! ([`Error::write_outcome`]).

use std::time::Duration;

/// OKX codes the client acts on. OKX sends codes as strings; they are all
/// small non-negative integers.
pub mod codes {
    /// Success.
    pub const OK: i64 = 0;
    /// Batch/order operation: all items failed (see the per-item `sCode`).
    pub const ALL_FAILED: i64 = 1;
    /// Batch operation: some items failed (see the per-item `sCode`).
    pub const PARTIAL: i64 = 2;
    /// Service temporarily unavailable.
    pub const SERVICE_UNAVAILABLE: i64 = 50001;
    /// Endpoint request timed out; the request may or may not have been processed.
    pub const ENDPOINT_TIMEOUT: i64 = 50004;
    /// Per-endpoint rate limit reached.
    pub const RATE_LIMIT: i64 = 50011;
    /// Systems are busy.
    pub const SYSTEM_BUSY: i64 = 50013;
    /// Internal system error.
    pub const SYSTEM_ERROR: i64 = 50026;
    /// `expTime` is earlier than the server time.
    pub const EXP_TIME_PASSED: i64 = 50036;
    /// Order expired (`expTime` passed before the order was processed).
    pub const ORDER_EXPIRED: i64 = 50037;
    /// Sub-account order-rate limit (1,000 new+amend orders per 2 s).
    pub const SUB_ACCOUNT_RATE_LIMIT: i64 = 50061;
    /// First of the authentication codes.
    pub const AUTH_FIRST: i64 = 50101;
    /// Timestamp request expired: the local clock is off by more than 30 s.
    pub const TIMESTAMP_EXPIRED: i64 = 50102;
    /// Invalid signature.
    pub const INVALID_SIGN: i64 = 50113;
    /// Last of the authentication codes.
    pub const AUTH_LAST: i64 = 50113;
    /// The order timed out inside OKX; its outcome is unknown.
    pub const ORDER_TIMED_OUT: i64 = 51149;
    /// Order does not exist.
    pub const ORDER_NOT_FOUND: i64 = 51603;
}

/// A per-item result of an order operation (`sCode`/`sMsg` in `data[i]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError {
    /// Position of the item in the request.
    pub index: usize,
    /// OKX `sCode`.
    pub code: i64,
    /// OKX `sMsg`.
    pub msg: String,
    /// `ordId` if OKX echoed one.
    pub ord_id: Option<String>,
    /// `clOrdId` if OKX echoed one.
    pub cl_ord_id: Option<String>,
}

impl std::fmt::Display for ItemError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "item {}: okx code {}: {}",
            self.index, self.code, self.msg
        )
    }
}

impl std::error::Error for ItemError {}

/// OKX answered and said no.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status of the answer.
    pub status: u16,
    /// OKX `code`; for a single order operation the item's `sCode`, which the
    /// docs make authoritative over the envelope's `"1"`.
    pub code: i64,
    /// OKX `msg` (or the item's `sMsg`).
    pub msg: String,
    /// Every per-item result the answer carried, failed ones with their
    /// `sCode`, in request order (empty for non-order endpoints).
    pub items: Vec<ItemError>,
}

impl ApiError {
    /// True for the authentication codes 50101–50113.
    pub fn is_auth(&self) -> bool {
        (codes::AUTH_FIRST..=codes::AUTH_LAST).contains(&self.code)
    }

    /// True when OKX turned the call away for its rate.
    pub fn is_rate_limit(&self) -> bool {
        self.status == 429
            || matches!(
                self.code,
                codes::RATE_LIMIT | codes::SYSTEM_BUSY | codes::SUB_ACCOUNT_RATE_LIMIT
            )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "okx code {} (http {}): {}",
            self.code, self.status, self.msg
        )
    }
}

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
    /// The request could not be turned into a query string or body.
    #[error("cannot encode request: {0}")]
    Encode(String),
}

/// Where a write stands after an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    /// OKX received the request and rejected it; nothing changed.
    Rejected,
    /// The request never left this process (or never reached OKX).
    NotSent,
    /// The request may or may not have been executed.
    Unknown,
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
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// OKX answered `code` 0 but the data did not match the response type.
    #[error("cannot decode the answer of {path}: {source}")]
    Decode {
        /// Endpoint path.
        path: &'static str,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
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

    /// The OKX code, if OKX answered.
    pub fn okx_code(&self) -> Option<i64> {
        self.api().map(|e| e.code)
    }

    /// True for OKX's authentication errors (50101–50113).
    pub fn is_auth(&self) -> bool {
        self.api().is_some_and(ApiError::is_auth)
    }

    /// True when trying the same call again later can succeed: rate limits,
    /// busy or unavailable service, timeouts, dropped connections, 5xx.
    /// For writes, pair it with [`Error::write_outcome`].
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => {
                e.is_rate_limit()
                    || e.status >= 500
                    || matches!(
                        e.code,
                        codes::SERVICE_UNAVAILABLE
                            | codes::ENDPOINT_TIMEOUT
                            | codes::SYSTEM_ERROR
                            | codes::TIMESTAMP_EXPIRED
                            | codes::ORDER_TIMED_OUT
                    )
            }
            Error::Http { status, .. } => *status >= 500 || *status == 429,
            Error::Transport { .. } | Error::RateLimited { .. } | Error::OutcomeUnknown { .. } => {
                true
            }
            Error::Decode { .. } | Error::MissingCredentials(_) | Error::Invalid(_) => false,
        }
    }

    /// For a write (place, amend, cancel, transfer, ...): did it happen?
    pub fn write_outcome(&self) -> WriteOutcome {
        match self {
            Error::Api(e) => match e.code {
                codes::ENDPOINT_TIMEOUT | codes::ORDER_TIMED_OUT => WriteOutcome::Unknown,
                _ => WriteOutcome::Rejected,
            },
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
            Error::Decode { .. } | Error::OutcomeUnknown { .. } => WriteOutcome::Unknown,
            Error::MissingCredentials(_) | Error::Invalid(_) | Error::RateLimited { .. } => {
                WriteOutcome::NotSent
            }
        }
    }
}
