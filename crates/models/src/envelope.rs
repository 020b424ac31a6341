//! The REST response envelope `{"code":"0","msg":"","data":[...]}`.
//!
//! ```
//! use okx_models::{Envelope, OkxCode};
//!
//! #[derive(Debug, serde::Deserialize)]
//! struct Time {
//!     #[serde(with = "okx_models::num::int")]
//!     ts: i64,
//! }
//!
//! let env: Envelope<Time> =
//!     serde_json::from_str(r#"{"code":"0","msg":"","data":[{"ts":"1597026383085"}]}"#)?;
//! let rows = env.into_result()?;
//! assert_eq!(rows[0].ts, 1_597_026_383_085);
//!
//! let err = Envelope::<Time>::from_slice(br#"{"code":"50011","msg":"Too Many Requests"}"#)?
//!     .into_result()
//!     .unwrap_err();
//! assert_eq!(err.code, OkxCode::RATE_LIMIT);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ItemResult, ItemStatus, OkxCode};

/// An OKX REST response. `code` is a string on the wire (`"0"` = success);
/// `data` is always an array, even for one object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// Top-level code. An empty code is malformed, not success.
    #[serde(deserialize_with = "crate::error::strict_code")]
    pub code: OkxCode,
    /// Top-level message; empty on success.
    #[serde(default)]
    pub msg: String,
    /// Response items. Missing, `null` or `{}` on some errors, which reads as
    /// empty; a lone object reads as one item.
    #[serde(
        default = "Vec::new",
        deserialize_with = "data_items",
        bound(deserialize = "T: Deserialize<'de>")
    )]
    pub data: Vec<T>,
    /// Gateway receive time, Unix microseconds (some trade endpoints).
    #[serde(
        rename = "inTime",
        default,
        with = "crate::num::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub in_time: Option<i64>,
    /// Gateway send time, Unix microseconds (some trade endpoints).
    #[serde(
        rename = "outTime",
        default,
        with = "crate::num::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub out_time: Option<i64>,
}

impl<T: DeserializeOwned> Envelope<T> {
    /// Decodes a response body.
    ///
    /// The error is serde_json's, deliberately: this crate is serde types
    /// and nothing else, and a caller who decodes with it already depends on
    /// serde_json. The clients above (`okx-rest`, `okx-ws`) wrap it in their
    /// own error types.
    pub fn from_slice(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }
}

impl<T> Envelope<T> {
    /// Whether `code` is `"0"`.
    pub fn is_ok(&self) -> bool {
        self.code.is_ok()
    }

    /// `data` on success; otherwise an [`ApiError`] with the top-level code and message.
    pub fn into_result(self) -> Result<Vec<T>, ApiError> {
        if self.code.is_ok() {
            Ok(self.data)
        } else {
            Err(ApiError::new(self.code, self.msg))
        }
    }
}

impl<T: ItemStatus> Envelope<T> {
    /// Like [`Envelope::into_result`], applying OKX's rule for order-type
    /// endpoints: when items carry `sCode`, those are authoritative. Any failed
    /// item (or a non-zero top-level code) gives an [`ApiError`] holding every
    /// item's outcome, so a partial batch (`code` `"2"`) still says which
    /// orders went through.
    pub fn into_checked(self) -> Result<Vec<T>, ApiError> {
        let items = item_results(&self.data);
        let any_failed = items.iter().any(|i| !i.is_ok());
        if self.code.is_ok() && !any_failed {
            return Ok(self.data);
        }
        let (code, msg) = match (self.code.is_ok(), items.iter().find(|i| !i.is_ok())) {
            // top level said success but an item failed: report the item
            (true, Some(first)) => (first.code, first.msg.clone()),
            _ => (self.code, self.msg),
        };
        Err(ApiError {
            code,
            msg,
            items,
            http_status: None,
        })
    }
}

fn data_items<'de, T, D>(d: D) -> Result<Vec<T>, D::Error>
where
    T: Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    struct V<T>(std::marker::PhantomData<T>);

    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an array of items")
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
            while let Some(item) = seq.next_element()? {
                out.push(item);
            }
            Ok(out)
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
            // a non-empty object is kept as one item; `{}` (seen on HTTP 404) as none
            let value =
                serde_json::Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map_err(serde::de::Error::custom)?;
            if value.as_object().is_some_and(serde_json::Map::is_empty) {
                return Ok(Vec::new());
            }
            T::deserialize(value)
                .map(|t| vec![t])
                .map_err(serde::de::Error::custom)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
    }

    d.deserialize_any(V(std::marker::PhantomData))
}

fn item_results<T: ItemStatus>(data: &[T]) -> Vec<ItemResult> {
    data.iter()
        .enumerate()
        .filter_map(|(index, item)| item.item_result().map(|r| ItemResult { index, ..r }))
        .collect()
}

/// Reads the error out of any OKX response body whose `code` is not `"0"`,
/// whatever its `data` holds; `None` if the body is a success or is not an
/// OKX envelope (e.g. an HTML error page). The HTTP status is not set.
pub fn api_error_from_body(body: &[u8]) -> Option<ApiError> {
    let env: Envelope<LooseItem> = serde_json::from_slice(body).ok()?;
    env.into_checked().err()
}

/// A `data` item of unknown shape: keeps the `sCode` outcome when it has one.
struct LooseItem(Option<ItemResult>);

impl<'de> Deserialize<'de> for LooseItem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let has_code = v.get("sCode").is_some();
        Ok(Self(if has_code {
            serde_json::from_value(v).ok()
        } else {
            None
        }))
    }
}

impl ItemStatus for LooseItem {
    fn item_result(&self) -> Option<ItemResult> {
        self.0.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_failed_keeps_items() {
        let body = br#"{"code":"1","msg":"All operations failed","data":[
            {"clOrdId":"a1","ordId":"","sCode":"51008","sMsg":"Insufficient balance","tag":""}]}"#;
        let err = api_error_from_body(body).unwrap();
        assert_eq!(err.code, OkxCode::ALL_FAILED);
        assert_eq!(err.effective_code(), OkxCode::INSUFFICIENT_BALANCE);
        assert_eq!(err.items.len(), 1);
        assert_eq!(err.items[0].cl_ord_id.as_ref().unwrap(), "a1");
        assert_eq!(err.items[0].ord_id, None);
        assert!(err.to_string().contains("51008"), "{err}");
    }

    #[test]
    fn partial_success_reports_both() {
        let body = br#"{"code":"2","msg":"","data":[
            {"clOrdId":"a1","ordId":"1","sCode":"0","sMsg":""},
            {"clOrdId":"a2","ordId":"","sCode":"51121","sMsg":"lot"}]}"#;
        let env: Envelope<ItemResult> = Envelope::from_slice(body).unwrap();
        let err = env.into_checked().unwrap_err();
        assert_eq!(err.items.len(), 2);
        assert!(err.items[0].is_ok());
        assert_eq!(err.items[1].index, 1);
        assert_eq!(err.effective_code(), OkxCode::NOT_LOT_MULTIPLE);
    }

    #[test]
    fn success_is_not_an_error() {
        assert!(api_error_from_body(br#"{"code":"0","msg":"","data":[{"x":1}]}"#).is_none());
        assert!(api_error_from_body(b"<html>").is_none());
    }

    #[test]
    fn numeric_code_and_missing_data() {
        let err = api_error_from_body(br#"{"code":404,"data":{},"msg":"Not Found"}"#).unwrap();
        assert_eq!(err.code, OkxCode(404));
        assert!(err.items.is_empty());
    }
}
