//! The contract every endpoint type implements.
//!
//! One struct per OKX endpoint. The struct's fields are the request
//! parameters (query string for `GET`, JSON body for `POST`); the trait's
//! constants say where it goes, whether it is signed and which rate-limit
//! bucket it draws from. The client has a single generic `send`.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// HTTP method of an endpoint. OKX V5 uses only these two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Parameters go in the query string.
    Get,
    /// Parameters go in a JSON body.
    Post,
}

impl Method {
    /// The upper-case method name, as signed and sent.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// What OKX counts a rate limit by (the docs' "rate limit rule").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LimitScope {
    /// Per source IP.
    Ip,
    /// Per IP and instrument ID.
    IpInstId,
    /// Per IP and instrument type.
    IpInstType,
    /// Per IP and instrument family.
    IpInstFamily,
    /// Per IP, instrument type and instrument family.
    IpInstTypeFamily,
    /// Per user ID (sub-accounts have their own).
    Uid,
    /// Per user ID of the master account.
    MasterUid,
    /// Per user ID and instrument ID.
    UidInstId,
    /// Per user ID and instrument type.
    UidInstType,
    /// Per user ID and currency.
    UidCcy,
    /// Per user ID and order tag.
    UidTag,
    /// Trading endpoints: per user ID and instrument ID, except options,
    /// which are counted per user ID and instrument family.
    UidInstIdOrFamily,
}

/// What one unit of a rate limit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitUnit {
    /// Each HTTP request counts one.
    Requests,
    /// Each order in the request counts one (batch endpoints).
    Orders,
}

/// Which of OKX's independent trading counters an order endpoint feeds.
/// REST and WebSocket share these counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderOp {
    /// Not an order endpoint.
    None,
    /// Place (new orders; also counted by the sub-account order-rate limit).
    Place,
    /// Amend (also counted by the sub-account order-rate limit).
    Amend,
    /// Cancel.
    Cancel,
}

/// One endpoint's rate limit: `count` units per `window_ms` milliseconds,
/// counted by `scope`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Units allowed per window.
    pub count: u32,
    /// Window length in milliseconds.
    pub window_ms: u32,
    /// What one unit is.
    pub unit: LimitUnit,
    /// What the bucket is keyed by.
    pub scope: LimitScope,
}

/// Whom a secondary rate limit applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Applies {
    /// Every caller.
    Everyone,
    /// Copy-trading lead traders, on their lead instruments only (see
    /// [`crate::LeadTrader`]).
    LeadTrader,
}

/// A secondary rate limit OKX documents for an endpoint, counted beside
/// its main [`Request::RATE_LIMIT`]: a call must fit both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtraLimit {
    /// The limit and what it is keyed by.
    pub limit: RateLimit,
    /// Whom it applies to.
    pub applies: Applies,
}

/// An OKX V5 REST endpoint.
///
/// `Response` is the type of one item of the envelope's `data` array.
pub trait Request: Serialize {
    /// HTTP method.
    const METHOD: Method;
    /// Path starting with `/api/v5/`, without query.
    const PATH: &'static str;
    /// Whether the request must be signed (private endpoint).
    const SIGNED: bool;
    /// The endpoint's rate limit from the catalog.
    const RATE_LIMIT: RateLimit;
    /// Which trading counter this endpoint feeds.
    const ORDER_OP: OrderOp = OrderOp::None;
    /// Secondary limits from the docs (lead traders' order limits, the
    /// per-pair limit of convert quotes); none for most endpoints.
    const EXTRA_LIMITS: &'static [ExtraLimit] = &[];
    /// One item of `data` (owned: `'static`, which lets the client pick the
    /// fast reader for the row types that have one).
    type Response: DeserializeOwned + 'static;

    /// The value that keys a per-instrument / per-currency / per-tag bucket,
    /// when the scope needs one.
    fn limit_key(&self) -> Option<&str> {
        None
    }

    /// For batch endpoints, each item's bucket key in item order: OKX
    /// counts every order against its own instrument, so a batch naming
    /// several draws from several buckets. Empty (the default) means the
    /// request has the one key of [`Request::limit_key`].
    fn item_keys(&self) -> Vec<&str> {
        Vec::new()
    }

    /// The key of secondary limits that are keyed by something the main
    /// limit is not (the currency pair of a convert quote); `None` keys
    /// them like the main limit.
    fn extra_key(&self) -> Option<String> {
        None
    }

    /// How many units this request costs (orders in a batch; 1 otherwise).
    fn cost(&self) -> u32 {
        1
    }

    /// Runs on the decoded `data` before the client returns it. Candle
    /// endpoints override it to sort oldest-first, whatever order OKX sent.
    fn finish(_data: &mut Vec<Self::Response>) {}
}

/// One key for a currency pair, whichever way round it is named (a buy
/// and a sell quote of the same pair share OKX's per-pair limit).
pub fn currency_pair(a: &str, b: &str) -> String {
    if a <= b {
        format!("{a}-{b}")
    } else {
        format!("{b}-{a}")
    }
}

/// Sorts items oldest-first by a timestamp (for [`Request::finish`] of
/// candle endpoints). Stable, so equal timestamps keep OKX's order.
pub fn oldest_first<T>(data: &mut [T], ts: impl Fn(&T) -> i64) {
    data.sort_by_key(|item| ts(item));
}
