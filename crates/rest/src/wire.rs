//! Turning a request into bytes and an answer back into data.

use bytes::Bytes;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ApiError, DecodeError, Error, Invalid, ItemResult, OkxCode};
use crate::fast::fast_rows;
use crate::request::{Method, Request};

/// The path with its query string (exactly what is signed and sent) and the
/// body.
#[derive(Debug, Clone)]
pub(crate) struct Encoded {
    pub(crate) path_and_query: String,
    /// Shared, so that each send hands the body over without copying it.
    pub(crate) body: Bytes,
}

/// GET: fields become the query string, skipping `None` and `""` (as OKX's
/// own SDK does) so the signed path is byte-identical to the sent one.
/// POST: the JSON body (an array for batch endpoints, whose types serialize
/// as one).
pub(crate) fn encode<R: Request>(req: &R) -> Result<Encoded, Error> {
    match R::METHOD {
        Method::Get => {
            let value = serde_json::to_value(req).map_err(|e| Invalid::Encode(e.to_string()))?;
            let mut out = String::with_capacity(R::PATH.len() + 64);
            out.push_str(R::PATH);
            let mut first = true;
            match value {
                Value::Object(map) => {
                    for (k, v) in map {
                        let text = match v {
                            Value::Null => continue,
                            Value::String(s) if s.is_empty() => continue,
                            Value::String(s) => s,
                            Value::Bool(b) => b.to_string(),
                            Value::Number(n) => n.to_string(),
                            Value::Array(items) => join_array(&k, items)?,
                            Value::Object(_) => {
                                return Err(Invalid::Encode(format!(
                                    "query parameter {k} is an object"
                                ))
                                .into());
                            }
                        };
                        out.push(if first { '?' } else { '&' });
                        first = false;
                        push_encoded(&mut out, &k);
                        out.push('=');
                        push_encoded(&mut out, &text);
                    }
                }
                Value::Null => {}
                _ => {
                    return Err(Invalid::Encode("a GET request must be a struct".into()).into());
                }
            }
            Ok(Encoded {
                path_and_query: out,
                body: Bytes::new(),
            })
        }
        Method::Post => {
            let body = serde_json::to_vec(req).map_err(|e| Invalid::Encode(e.to_string()))?;
            Ok(Encoded {
                path_and_query: R::PATH.to_owned(),
                body: body.into(),
            })
        }
    }
}

/// OKX takes lists in a query as comma-separated text (`instId=A,B`).
fn join_array(key: &str, items: Vec<Value>) -> Result<String, Error> {
    let mut parts = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Value::String(s) => parts.push(s),
            Value::Number(n) => parts.push(n.to_string()),
            _ => {
                return Err(Invalid::Encode(format!("query list {key} holds a non-scalar")).into());
            }
        }
    }
    Ok(parts.join(","))
}

/// Percent-encodes everything but unreserved characters and `,`, which OKX
/// takes raw in lists. The URL parser leaves such text unchanged, so what
/// is signed is what is sent.
fn push_encoded(out: &mut String, s: &str) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b',') {
            out.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
}

#[derive(Deserialize)]
struct Envelope<T> {
    #[serde(deserialize_with = "okx_models::error::strict_code")]
    code: OkxCode,
    #[serde(default = "Vec::new")]
    data: Vec<T>,
}

/// The error path: `data` may be an array, an object or missing.
#[derive(Deserialize)]
struct Loose {
    // What counts as a code (a string; a non-zero number from the gateway;
    // never a numeric 0) is decided once, in okx-models.
    #[serde(deserialize_with = "okx_models::error::strict_code")]
    code: OkxCode,
    #[serde(default)]
    msg: String,
    #[serde(default)]
    data: Value,
}

fn snippet(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]);
    text.into_owned()
}

/// The per-item results of an order-type answer (items with an `sCode`).
fn item_results(data: &Value) -> Vec<ItemResult> {
    let Value::Array(items) = data else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(index, item)| {
            let s_code = item.get("sCode")?;
            let mut result = ItemResult::deserialize(item).unwrap_or_else(|_| {
                // An id OKX echoed in an unexpected shape must not hide the code.
                let code = match s_code {
                    Value::String(s) => s.parse().unwrap_or(u32::MAX),
                    _ => u32::MAX,
                };
                ItemResult::new(
                    index,
                    OkxCode(code),
                    item["sMsg"].as_str().unwrap_or_default(),
                )
            });
            result.index = index;
            Some(result)
        })
        .collect()
}

/// Builds the error for an answer that is not a plain success.
fn failure(status: u16, path: &'static str, bytes: &[u8]) -> Error {
    let loose: Loose = match serde_json::from_slice(bytes) {
        Ok(l) => l,
        Err(_) => {
            return Error::Http {
                status,
                path,
                body: snippet(bytes),
            };
        }
    };
    // A bare `{"code":404,...}` is the gateway's, not an OKX code.
    if status == 404 || (loose.code.0 == u32::from(status) && status >= 400) {
        return Error::Http {
            status,
            path,
            body: snippet(bytes),
        };
    }
    let mut code = loose.code;
    let items = item_results(&loose.data);
    // Failed items under a top-level "0" still mean the operation failed.
    if code.is_ok() && items.iter().any(|i| !i.is_ok()) {
        code = OkxCode::ALL_FAILED;
    }
    Error::Api(ApiError {
        code,
        msg: loose.msg,
        items,
        http_status: Some(status),
    })
}

/// Decodes a whole answer into `data`, or the error it carries.
pub(crate) fn decode<T: DeserializeOwned + 'static>(
    status: u16,
    path: &'static str,
    bytes: &[u8],
) -> Result<Vec<T>, Error> {
    if (200..300).contains(&status) {
        if let Some(rows) = fast_rows(bytes) {
            return Ok(rows);
        }
        let source = match serde_json::from_slice::<Envelope<T>>(bytes) {
            Ok(env) if env.code.is_ok() => return Ok(env.data),
            Ok(_) => return Err(failure(status, path, bytes)),
            Err(source) => source,
        };
        // Only an answer that reads as an OKX error with a non-zero code is
        // one: a success whose data has another shape, an unreadable code
        // or a body that is no envelope at all leave what happened unknown.
        let said_error = serde_json::from_slice::<Loose>(bytes).is_ok_and(|l| !l.code.is_ok());
        if !said_error {
            return Err(Error::Decode {
                path,
                source: DecodeError::json(source),
            });
        }
    }
    Err(failure(status, path, bytes))
}

/// Decodes an order-type answer into one result per item, so a partly
/// failed batch keeps its successes.
/// The body of a success that is not OKX's JSON envelope (the SBE book
/// snapshot); an answer that is the JSON envelope with a non-zero code, or
/// not a success, is the usual error.
pub(crate) fn decode_raw(status: u16, path: &'static str, bytes: &[u8]) -> Result<Vec<u8>, Error> {
    if (200..300).contains(&status) {
        match serde_json::from_slice::<Loose>(bytes) {
            Ok(loose) if loose.code.0 != 0 => {}
            _ => return Ok(bytes.to_vec()),
        }
    }
    Err(failure(status, path, bytes))
}

pub(crate) fn decode_items<T: DeserializeOwned + 'static>(
    status: u16,
    path: &'static str,
    bytes: &[u8],
) -> Result<Vec<Result<T, ItemResult>>, Error> {
    let loose: Loose = match serde_json::from_slice(bytes) {
        Ok(l) if (200..300).contains(&status) => l,
        _ => return decode::<T>(status, path, bytes).map(|v| v.into_iter().map(Ok).collect()),
    };
    let Value::Array(values) = loose.data else {
        return decode::<T>(status, path, bytes).map(|v| v.into_iter().map(Ok).collect());
    };
    let all_items = matches!(loose.code.0, 0..=2);
    if !all_items || (!loose.code.is_ok() && values.is_empty()) {
        return Err(failure(status, path, bytes));
    }
    if values.is_empty() {
        // "0" and nothing to say what was done: not a rejection.
        return Err(Error::Decode {
            path,
            source: DecodeError::shape("success answer with no item"),
        });
    }
    let results = item_results(&Value::Array(values.clone()));
    values
        .into_iter()
        .enumerate()
        .map(|(index, value)| {
            if let Some(item) = results.iter().find(|r| r.index == index && !r.is_ok()) {
                return Ok(Err(item.clone()));
            }
            serde_json::from_value(value)
                .map(Ok)
                .map_err(|source| Error::Decode {
                    path,
                    source: DecodeError::json(source),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{LimitScope, LimitUnit, RateLimit};
    use serde::Serialize;

    #[derive(Serialize)]
    struct Q {
        #[serde(rename = "instId")]
        inst_id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        after: Option<String>,
        bar: Option<String>,
        empty: String,
        limit: u32,
        weird: String,
    }
    impl Request for Q {
        const METHOD: Method = Method::Get;
        const PATH: &'static str = "/api/v5/market/candles";
        const SIGNED: bool = false;
        const RATE_LIMIT: RateLimit = RateLimit {
            count: 40,
            window_ms: 2000,
            unit: LimitUnit::Requests,
            scope: LimitScope::Ip,
        };
        type Response = Value;
    }

    #[test]
    fn query_skips_none_and_empty_and_encodes() {
        let q = Q {
            inst_id: "BTC-USDT".into(),
            after: None,
            bar: None,
            empty: String::new(),
            limit: 5,
            weird: "a b&c,d".into(),
        };
        let e = encode(&q).expect("encodes");
        assert!(e.path_and_query.starts_with("/api/v5/market/candles?"));
        assert!(e.path_and_query.contains("instId=BTC-USDT"));
        assert!(e.path_and_query.contains("limit=5"));
        assert!(e.path_and_query.contains("weird=a%20b%26c,d"));
        assert!(!e.path_and_query.contains("bar"));
        assert!(!e.path_and_query.contains("empty"));
        assert!(e.body.is_empty());
    }

    #[test]
    fn partial_batch_keeps_every_item() {
        let body = br#"{"code":"2","msg":"","data":[
            {"ordId":"1","clOrdId":"a","sCode":"0","sMsg":""},
            {"ordId":"","clOrdId":"b","sCode":"51008","sMsg":"insufficient"}]}"#;
        let out = decode_items::<Value>(200, "/p", body).expect("items");
        assert!(out[0].is_ok());
        let err = out[1].as_ref().expect_err("second failed");
        assert_eq!((err.index, err.code), (1, OkxCode(51008)));
        assert_eq!(err.cl_ord_id.as_ref().map(|c| c.as_str()), Some("b"));
        let whole = decode::<Value>(200, "/p", body).expect_err("send reports the batch");
        let api = whole.api().expect("api error");
        assert_eq!((api.code, api.items.len()), (OkxCode::PARTIAL, 2));
        assert_eq!(api.items[1].code, OkxCode(51008));
        assert_eq!(whole.okx_code(), Some(OkxCode(51008)));
    }

    #[test]
    fn single_order_failure_uses_the_item_code() {
        let body = br#"{"code":"1","msg":"All operations failed","data":[
            {"clOrdId":"x","ordId":"","sCode":"51155","sMsg":"compliance","tag":"","ts":"1"}],
            "inTime":"1","outTime":"2"}"#;
        let err = decode::<Value>(200, "/p", body).expect_err("failed");
        assert_eq!(err.okx_code(), Some(OkxCode(51155)));
        assert_eq!(err.api().map(|e| e.code), Some(OkxCode::ALL_FAILED));
    }

    #[test]
    fn auth_errors_and_gateway_pages() {
        let err = decode::<Value>(401, "/p", br#"{"msg":"Invalid Sign","code":"50113"}"#)
            .expect_err("401");
        assert!(err.is_auth());
        let err = decode::<Value>(404, "/p", br#"{"code":404,"data":{},"msg":"Not Found"}"#)
            .expect_err("404");
        assert!(matches!(err, Error::Http { status: 404, .. }));
        let err = decode::<Value>(502, "/p", b"<html>bad gateway</html>").expect_err("502");
        assert!(err.is_retryable());
        let err =
            decode::<u32>(200, "/p", br#"{"code":"0","msg":"","data":["x"]}"#).expect_err("shape");
        assert!(matches!(err, Error::Decode { .. }));
    }
}
