//! OKX error codes and the API error.
//!
//! [`OkxCode`] is a small `Copy` newtype with named constants for the codes the
//! SDK acts on, not an enum of every code OKX has. [`ApiError`] is what a
//! non-zero `code` turns into; on order-type endpoints it also carries one
//! [`ItemResult`] per order, because the per-item `sCode`/`sMsg` are the
//! authoritative outcome there.
//!
//! ```
//! use okx_models::OkxCode;
//!
//! assert!(OkxCode::RATE_LIMIT.is_rate_limit());
//! assert!(OkxCode(50113).is_auth());
//! assert!(OkxCode::SYSTEM_BUSY.is_retryable());
//! assert!(!OkxCode::INSUFFICIENT_BALANCE.is_retryable());
//! ```

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An OKX response code (`code`, `sCode`). `0` is success.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct OkxCode(pub u32);

impl OkxCode {
    /// Success.
    pub const OK: Self = Self(0);
    /// Operation failed: every item failed (see each `sCode`).
    pub const ALL_FAILED: Self = Self(1);
    /// Bulk operation partially succeeded (see each `sCode`).
    pub const PARTIAL: Self = Self(2);
    /// Service temporarily unavailable (HTTP 503).
    pub const SERVICE_UNAVAILABLE: Self = Self(50001);
    /// Endpoint request timeout: the outcome is unknown, check the state.
    pub const ENDPOINT_TIMEOUT: Self = Self(50004);
    /// Rate limit reached (also sent with HTTP 429).
    pub const RATE_LIMIT: Self = Self(50011);
    /// Systems are busy (HTTP 429).
    pub const SYSTEM_BUSY: Self = Self(50013);
    /// A required parameter is empty.
    pub const PARAM_EMPTY: Self = Self(50014);
    /// System error (HTTP 500).
    pub const SYSTEM_ERROR: Self = Self(50026);
    /// No permission to use this endpoint.
    pub const NO_PERMISSION: Self = Self(50030);
    /// Too frequent operations.
    pub const TOO_FREQUENT: Self = Self(50040);
    /// Sub-account order rate limit reached.
    pub const ORDER_RATE_LIMIT: Self = Self(50061);
    /// `{param}` already exists (e.g. a duplicate clOrdId).
    pub const ALREADY_EXISTS: Self = Self(50071);
    /// API key frozen.
    pub const API_FROZEN: Self = Self(50100);
    /// API key does not match the environment (live vs demo).
    pub const WRONG_ENVIRONMENT: Self = Self(50101);
    /// Request timestamp expired.
    pub const TIMESTAMP_EXPIRED: Self = Self(50102);
    /// Invalid OK-ACCESS-KEY.
    pub const INVALID_KEY: Self = Self(50111);
    /// Invalid OK-ACCESS-TIMESTAMP.
    pub const INVALID_TIMESTAMP: Self = Self(50112);
    /// Invalid signature.
    pub const INVALID_SIGNATURE: Self = Self(50113);
    /// Invalid authorization.
    pub const INVALID_AUTHORIZATION: Self = Self(50114);
    /// API key doesn't exist.
    pub const KEY_NOT_FOUND: Self = Self(50119);
    /// API key lacks permission for this function.
    pub const KEY_NO_PERMISSION: Self = Self(50120);
    /// Parameter error.
    pub const PARAM_ERROR: Self = Self(51000);
    /// Instrument doesn't exist.
    pub const INSTRUMENT_NOT_FOUND: Self = Self(51001);
    /// Insufficient balance or margin.
    pub const INSUFFICIENT_BALANCE: Self = Self(51008);
    /// Duplicate clOrdId among pending orders.
    pub const DUPLICATE_CL_ORD_ID: Self = Self(51016);
    /// Order amount below the minimum.
    pub const BELOW_MIN_SIZE: Self = Self(51020);
    /// Market-close too frequent (HTTP 429).
    pub const CLOSE_TOO_FREQUENT: Self = Self(51113);
    /// Quantity is not a multiple of the lot size.
    pub const NOT_LOT_MULTIPLE: Self = Self(51121);
    /// Order timed out (HTTP 500): outcome unknown.
    pub const ORDER_TIMEOUT: Self = Self(51149);
    /// Cancel failed: already filled, canceled or not found.
    pub const CANCEL_FAILED: Self = Self(51400);
    /// Amend failed: already filled or canceled.
    pub const AMEND_FAILED: Self = Self(51503);
    /// Order does not exist.
    pub const ORDER_NOT_FOUND: Self = Self(51603);
    /// No market data.
    pub const NO_MARKET_DATA: Self = Self(52000);
    /// WS login failed.
    pub const WS_LOGIN_FAILED: Self = Self(60009);
    /// WS: please log in.
    pub const WS_NOT_LOGGED_IN: Self = Self(60011);
    /// WS: illegal request.
    pub const WS_ILLEGAL_REQUEST: Self = Self(60012);
    /// WS: wrong URL or channel doesn't exist.
    pub const WS_NO_CHANNEL: Self = Self(60018);
    /// WS: this channel is only on another URL (e.g. business).
    pub const WS_WRONG_URL: Self = Self(64001);
    /// WS: connection will close for a service upgrade.
    pub const WS_SERVICE_UPGRADE: Self = Self(64008);
    /// WS: the account's trading fee tier may not access this channel
    /// (books-l2-tbt, books50-l2-tbt, fills need VIP4 since 2026-04-07).
    pub const WS_ACCESS_TIER: Self = Self(64003);
    /// WS: VIP6 needed (retired 2026-04-07, replaced by 64003).
    pub const WS_LEGACY_TIER_VIP6: Self = Self(60029);
    /// WS: VIP5 needed (retired 2026-04-07, replaced by 64003).
    pub const WS_LEGACY_TIER_VIP5: Self = Self(60030);
    /// WS: API key doesn't exist (a key of another site's host, e.g. EEA on global).
    pub const WS_KEY_NOT_FOUND: Self = Self(60032);
    /// Orders need KYC level 2 or above (live trading, since 2026-04-07);
    /// also "margin trading is not available in your region".
    pub const KYC_REQUIRED: Self = Self(59113);
    /// This feature needs KYC level 2.
    pub const KYC2_FEATURE: Self = Self(59550);
    /// The platform's open interest limit of the instrument is reached:
    /// only closing is allowed for now.
    pub const PLATFORM_OI_LIMIT: Self = Self(54031);
    /// The instrument is in its cool-off period: non-reduce-only SWAP and
    /// FUTURES orders are refused until it ends (since 2026-07-07).
    pub const COOL_OFF: Self = Self(54094);
    /// Only limit orders during the pre-open (pre-quote) phase.
    pub const PRE_OPEN_LIMIT_ONLY: Self = Self(51196);
    /// Limit orders only once the pre-open phase has started.
    pub const PRE_OPEN_NOT_STARTED: Self = Self(51197);
    /// One-click repay failed: enable auto-borrow or repay another way.
    pub const ONE_CLICK_REPAY_FAILED: Self = Self(51625);
    /// The contract can be viewed but not traded.
    pub const VIEW_ONLY_CONTRACT: Self = Self(54072);
    /// TradFi perpetuals need the disclaimer accepted in the app first.
    pub const TRADFI_DISCLAIMER: Self = Self(54092);

    /// Whether this is success (`0`).
    pub fn is_ok(self) -> bool {
        self.0 == 0
    }

    /// Whether the credentials, key permissions, timestamp or signature were refused.
    pub fn is_auth(self) -> bool {
        matches!(
            self.0,
            50100..=50114 | 50119 | 50120 | 50030 | 50035 | 60009
        )
    }

    /// Whether a rate limit was hit; back off before retrying.
    pub fn is_rate_limit(self) -> bool {
        matches!(self.0, 50011 | 50013 | 50040 | 50061 | 51113)
    }

    /// Whether sending the same request again later may succeed and cannot
    /// duplicate an effect. 50004 and 51149 are excluded: the first attempt
    /// may have gone through (see [`OkxCode::is_outcome_unknown`]).
    pub fn is_retryable(self) -> bool {
        self.class() == CodeClass::Transient
    }

    /// Whether the request timed out inside OKX, so it may or may not have taken effect.
    pub fn is_outcome_unknown(self) -> bool {
        self.class() == CodeClass::OutcomeUnknown
    }

    /// What the code says about trying again, and whether a write happened.
    ///
    /// ```
    /// use okx_models::{CodeClass, OkxCode};
    ///
    /// assert_eq!(OkxCode::RATE_LIMIT.class(), CodeClass::Transient);
    /// assert_eq!(OkxCode::COOL_OFF.class(), CodeClass::RetryLater);
    /// assert_eq!(OkxCode::KYC_REQUIRED.class(), CodeClass::AccountAction);
    /// assert_eq!(OkxCode::ORDER_TIMEOUT.class(), CodeClass::OutcomeUnknown);
    /// assert_eq!(OkxCode::PARAM_ERROR.class(), CodeClass::Rejected);
    /// ```
    pub fn class(self) -> CodeClass {
        match self.0 {
            0 => CodeClass::Ok,
            50004 | 51149 => CodeClass::OutcomeUnknown,
            // Rate limits, busy or unavailable service, the 64008 upgrade
            // notice: back off and send the same request again.
            50001 | 50011 | 50013 | 50026 | 50040 | 50061 | 51113 | 64008 => CodeClass::Transient,
            // Refused now by a condition that passes without the caller
            // doing anything: cool-off (54094), platform open-interest
            // limit (54031, "try again later"), pre-open not started
            // (51197), temporary quotas and maintenance (51759, 51767,
            // 51774), an earlier order still delayed (54047, 54048), ELP
            // taking busy (54049).
            54094 | 54031 | 51197 | 51759 | 51767 | 51774 | 54047 | 54048 | 54049 => {
                CodeClass::RetryLater
            }
            // The account must change first: KYC (59113, 59550), fee tier
            // (64003 and the retired 60029/60030), a disclaimer to accept
            // (54092), a key that belongs to another site's host (50119,
            // 60032), frozen or wrong-environment keys, missing permissions.
            59113 | 59550 | 64003 | 60029 | 60030 | 54092 | 50119 | 60032 | 50100 | 50101
            | 50030 | 50120 | 51773 | 51763 => CodeClass::AccountAction,
            _ => CodeClass::Rejected,
        }
    }
}

/// What an OKX code means for the caller: try again now, later, after
/// changing the account, never; and whether a write took effect.
///
/// Every class but [`CodeClass::OutcomeUnknown`] means OKX refused the
/// request and nothing changed (for a write: rejected, safe to resend as
/// far as duplicates go).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CodeClass {
    /// Success.
    Ok,
    /// A passing overload (rate limit, busy, service upgrade): resend the
    /// same request after a backoff.
    Transient,
    /// Refused for a condition that ends by itself (a cool-off period, the
    /// platform's open-interest limit, a maintenance window): resending at
    /// once fails the same way, later it may pass. Not for automatic retry
    /// loops.
    RetryLater,
    /// Refused until the account changes (KYC level, fee tier, an accepted
    /// disclaimer, a key of the right site): no retry helps.
    AccountAction,
    /// OKX timed out internally: a write may or may not have happened;
    /// check its state before resending.
    OutcomeUnknown,
    /// The request itself was refused (parameters, balance, state); resend
    /// only after changing it.
    Rejected,
}

impl fmt::Display for OkxCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<u32> for OkxCode {
    fn from(v: u32) -> Self {
        Self(v)
    }
}

impl Serialize for OkxCode {
    /// Written as a string, as OKX does (`"0"`).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for OkxCode {
    /// Reads `"0"` or `0`; `""` reads as `0` because OKX sends an empty
    /// `sCode`/`code` on some successful items.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let v = crate::num::opt_int::deserialize(d)?.unwrap_or(0);
        u32::try_from(v)
            .map(Self)
            .map_err(|_| D::Error::custom(format_args!("code {v} out of range")))
    }
}

/// Reads a top-level `code`. Use with `#[serde(deserialize_with = "...")]`.
///
/// What OKX sends, and so what this takes:
///
/// - a JSON string of digits: `"0"` is success, anything else an error code.
///   OKX's docs and every recorded answer write the code this way;
/// - a non-zero JSON number (`{"code":404,"msg":"Not Found"}`): what the
///   gateway in front of OKX writes for its own errors, read as that code;
/// - **never** a numeric `0`: no OKX answer says success that way, so such
///   a body did not come from OKX's API and cannot be trusted to mean that
///   anything happened (or did not). It is refused as malformed, which makes
///   a read fail to decode and leaves a write's outcome unknown;
/// - an empty or missing code is malformed too: only per-item `sCode`s may
///   be `""` on success.
pub fn strict_code<'de, D: Deserializer<'de>>(d: D) -> Result<OkxCode, D::Error> {
    use serde::de::Error as _;
    match d.deserialize_any(TopCodeVisitor)? {
        TopCode::Text(v) => u32::try_from(v)
            .map(OkxCode)
            .map_err(|_| D::Error::custom(format_args!("code {v} out of range"))),
        TopCode::Number(0) => Err(D::Error::custom(
            "code 0 as a JSON number is not an OKX answer (OKX writes \"0\")",
        )),
        TopCode::Number(v) => u32::try_from(v)
            .map(OkxCode)
            .map_err(|_| D::Error::custom(format_args!("code {v} out of range"))),
    }
}

/// A top-level code as it was written, for [`strict_code`].
enum TopCode {
    Text(i64),
    Number(i64),
}

struct TopCodeVisitor;

impl<'de> serde::de::Visitor<'de> for TopCodeVisitor {
    type Value = TopCode;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an OKX code: a string of digits")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<TopCode, E> {
        if v.is_empty() {
            return Err(E::custom("empty top-level code"));
        }
        if v.len() > 10 || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(E::custom(format_args!(
                "code {:?} is not a number",
                v.get(..v.len().min(16)).unwrap_or("")
            )));
        }
        v.parse()
            .map(TopCode::Text)
            .map_err(|_| E::custom(format_args!("code {v:?} is not a number")))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<TopCode, E> {
        i64::try_from(v)
            .map(TopCode::Number)
            .map_err(|_| E::custom(format_args!("code {v} out of range")))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<TopCode, E> {
        Ok(TopCode::Number(v))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<TopCode, E> {
        Err(E::custom("empty top-level code"))
    }
}

/// Per-item outcome on order-type endpoints (`sCode`/`sMsg` with the ids that
/// say which order it is about).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ItemResult {
    /// Position of the item in the request/response.
    #[serde(skip)]
    pub index: usize,
    /// `sCode`: `0` for success.
    #[serde(rename = "sCode", default)]
    pub code: OkxCode,
    /// `sMsg`.
    #[serde(rename = "sMsg", default)]
    pub msg: String,
    /// `subCode`: a finer reason under `sCode` on place and amend results
    /// (since 2026-03-10); `None` when OKX sent `""` or nothing.
    #[serde(
        rename = "subCode",
        default,
        with = "crate::wire::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub sub_code: Option<String>,
    /// `ordId`, when present and non-empty.
    #[serde(
        rename = "ordId",
        default,
        with = "crate::wire::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub ord_id: Option<crate::OrdId>,
    /// `clOrdId`, when present and non-empty.
    #[serde(
        rename = "clOrdId",
        default,
        with = "crate::wire::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub cl_ord_id: Option<crate::ClOrdId>,
    /// `algoId` (algo-order endpoints), when present and non-empty.
    #[serde(
        rename = "algoId",
        default,
        with = "crate::wire::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub algo_id: Option<String>,
    /// `algoClOrdId` (algo-order endpoints), when present and non-empty.
    #[serde(
        rename = "algoClOrdId",
        default,
        with = "crate::wire::opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub algo_cl_ord_id: Option<String>,
    /// `ts`: when OKX processed the item, Unix ms.
    #[serde(
        default,
        with = "crate::num::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub ts: Option<i64>,
}

impl ItemResult {
    /// The outcome of item `index` with this code and message, for code
    /// that reports an item itself (a client with no answer for it, a test
    /// double); set the ids on the result as needed.
    pub fn new(index: usize, code: OkxCode, msg: impl Into<String>) -> Self {
        Self {
            index,
            code,
            msg: msg.into(),
            ..Self::default()
        }
    }

    /// Whether this item succeeded.
    pub fn is_ok(&self) -> bool {
        self.code.is_ok()
    }
}

/// A response item that carries a per-item `sCode`/`sMsg`.
///
/// Implement it on the data type of order-type endpoints (place, amend,
/// cancel, batch and algo variants) so [`crate::Envelope::into_checked`] can apply
/// OKX's rule that the per-item code is authoritative.
pub trait ItemStatus {
    /// The item's outcome, or `None` when the item carries no `sCode`.
    fn item_result(&self) -> Option<ItemResult>;
}

impl ItemStatus for ItemResult {
    fn item_result(&self) -> Option<ItemResult> {
        Some(self.clone())
    }
}

/// A non-zero OKX code: the top-level `code`/`msg`, and on order-type
/// endpoints the outcome of each item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("okx error {code}: {msg}{}", ItemSummary(items))]
pub struct ApiError {
    /// Top-level `code` (or the first failed item's `sCode` when the top level said success).
    pub code: OkxCode,
    /// Top-level `msg` (or the failed item's `sMsg`).
    pub msg: String,
    /// Per-item outcomes, successes included, in response order. Empty when
    /// the endpoint does not report per-item results.
    pub items: Vec<ItemResult>,
    /// HTTP status, when the error came over REST and the client recorded it.
    pub http_status: Option<u16>,
}

struct ItemSummary<'a>(&'a [ItemResult]);

impl fmt::Display for ItemSummary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut failed = self.0.iter().filter(|i| !i.is_ok());
        let Some(first) = failed.next() else {
            return Ok(());
        };
        write!(f, " (item {}: {} {}", first.index, first.code, first.msg)?;
        let more = failed.count();
        if more > 0 {
            write!(f, "; {more} more failed")?;
        }
        f.write_str(")")
    }
}

impl ApiError {
    /// An error from a top-level code and message.
    pub fn new(code: OkxCode, msg: impl Into<String>) -> Self {
        Self {
            code,
            msg: msg.into(),
            items: Vec::new(),
            http_status: None,
        }
    }

    /// Records the HTTP status the error arrived with.
    pub fn with_http_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    /// The most specific code: the first failed item's `sCode` if there is one,
    /// else the top-level code. Top-level `1`/`2` only say "see the items".
    pub fn effective_code(&self) -> OkxCode {
        self.items
            .iter()
            .find(|i| !i.is_ok())
            .map_or(self.code, |i| i.code)
    }

    /// Whether some items of a batch succeeded. Such an error must never be
    /// retried as a whole: the successful items would be placed again.
    pub fn is_partial(&self) -> bool {
        self.items.iter().any(ItemResult::is_ok)
    }

    /// Whether resending the same request may help (by [`OkxCode::is_retryable`]
    /// on the effective code, or HTTP 429/503). Never true for a partly
    /// successful batch.
    pub fn is_retryable(&self) -> bool {
        !self.is_partial()
            && (self.effective_code().is_retryable() || matches!(self.http_status, Some(429 | 503)))
    }

    /// Whether a rate limit was hit (by code or HTTP 429) and nothing of the
    /// request went through.
    pub fn is_rate_limit(&self) -> bool {
        !self.is_partial()
            && (self.effective_code().is_rate_limit() || self.http_status == Some(429))
    }

    /// The class of the effective code (see [`OkxCode::class`]).
    pub fn class(&self) -> CodeClass {
        self.effective_code().class()
    }

    /// Whether authentication was refused (by code or HTTP 401).
    pub fn is_auth(&self) -> bool {
        self.effective_code().is_auth() || self.http_status == Some(401)
    }

    /// The failed items only.
    pub fn failed_items(&self) -> impl Iterator<Item = &ItemResult> {
        self.items.iter().filter(|i| !i.is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes OKX added in 2025-26 that change what a caller should do.
    #[test]
    fn new_codes_are_classified() {
        for (code, class) in [
            (59113, CodeClass::AccountAction),
            (59550, CodeClass::AccountAction),
            (64003, CodeClass::AccountAction),
            (60029, CodeClass::AccountAction),
            (60030, CodeClass::AccountAction),
            (54092, CodeClass::AccountAction),
            (50119, CodeClass::AccountAction),
            (60032, CodeClass::AccountAction),
            (54094, CodeClass::RetryLater),
            (54031, CodeClass::RetryLater),
            (51197, CodeClass::RetryLater),
            (54047, CodeClass::RetryLater),
            (54048, CodeClass::RetryLater),
            (51196, CodeClass::Rejected),
            (51625, CodeClass::Rejected),
            (54044, CodeClass::Rejected),
            (54045, CodeClass::Rejected),
            (54072, CodeClass::Rejected),
            (51149, CodeClass::OutcomeUnknown),
            (64008, CodeClass::Transient),
        ] {
            assert_eq!(OkxCode(code).class(), class, "{code}");
        }
        // None of them is retried automatically except the upgrade notice.
        assert!(!OkxCode::COOL_OFF.is_retryable());
        assert!(!OkxCode::KYC_REQUIRED.is_retryable());
        assert!(!OkxCode::PLATFORM_OI_LIMIT.is_retryable());
        assert!(!OkxCode::WS_ACCESS_TIER.is_retryable());
    }

    #[test]
    fn retryable_and_outcome_unknown_follow_the_class() {
        for code in [50001, 50011, 50013, 50026, 50040, 50061, 51113, 64008] {
            assert!(OkxCode(code).is_retryable(), "{code}");
        }
        for code in [50004, 51149] {
            assert!(OkxCode(code).is_outcome_unknown() && !OkxCode(code).is_retryable());
        }
        assert_eq!(OkxCode::OK.class(), CodeClass::Ok);
    }

    #[test]
    fn an_api_error_takes_the_class_of_its_failed_item() {
        let mut e = ApiError::new(OkxCode::ALL_FAILED, "");
        e.items.push(ItemResult {
            code: OkxCode::COOL_OFF,
            ..Default::default()
        });
        assert_eq!(e.class(), CodeClass::RetryLater);
        assert!(!e.is_retryable());
    }

    #[test]
    fn sub_code_is_read_and_empty_is_none() {
        let r: ItemResult = serde_json::from_str(
            r#"{"sCode":"51008","sMsg":"Insufficient balance","subCode":"1","ordId":""}"#,
        )
        .unwrap();
        assert_eq!((r.code, r.sub_code.as_deref()), (OkxCode(51008), Some("1")));
        let r: ItemResult = serde_json::from_str(r#"{"sCode":"0","subCode":""}"#).unwrap();
        assert_eq!(r.sub_code, None);
        let r: ItemResult = serde_json::from_str(r#"{"sCode":"0"}"#).unwrap();
        assert_eq!(r.sub_code, None);
    }
}
