//! OKX's error bodies and envelopes, shaped after recorded answers.

use serde_json::{Value, json};

/// OKX's answer to a bad signature (HTTP 401).
pub const INVALID_SIGN: &str = r#"{"msg":"Invalid Sign","code":"50113"}"#;
/// OKX's answer to a timestamp more than 30 s off (HTTP 401).
pub const TIMESTAMP_EXPIRED: &str = r#"{"msg":"Timestamp request expired","code":"50102"}"#;
/// OKX's answer to an unknown API key (HTTP 401).
pub const INVALID_KEY: &str = r#"{"msg":"Invalid OK-ACCESS-KEY","code":"50111"}"#;
/// OKX's answer to a missing API key on a private endpoint (HTTP 401).
pub const KEY_EMPTY: &str =
    r#"{"msg":"Request header OK-ACCESS-KEY can not be empty.","code":"50103"}"#;
/// OKX's answer to a wrong passphrase (HTTP 401).
pub const WRONG_PASSPHRASE: &str = r#"{"msg":"OK-ACCESS-PASSPHRASE incorrect.","code":"50105"}"#;
/// OKX's answer to a missing passphrase (HTTP 401).
pub const PASSPHRASE_EMPTY: &str =
    r#"{"msg":"OK-ACCESS-PASSPHRASE header can not be empty.","code":"50104"}"#;
/// OKX's answer to a demo key used live or a live key used in demo (HTTP 401).
pub const WRONG_ENVIRONMENT: &str =
    r#"{"msg":"APIKey does not match current environment.","code":"50101"}"#;
/// OKX's answer to a key without the permission an endpoint needs.
pub const NO_PERMISSION: &str =
    r#"{"msg":"API key doesn't have permission to use this function","code":"50120","data":[]}"#;
/// OKX's answer to a malformed timestamp (HTTP 401).
pub const BAD_TIMESTAMP: &str = r#"{"msg":"Invalid OK-ACCESS-TIMESTAMP","code":"50112"}"#;
/// OKX's per-endpoint rate-limit answer (HTTP 429).
pub const TOO_MANY_REQUESTS: &str = r#"{"msg":"Too Many Requests","code":"50011"}"#;
/// The gateway's answer to an unknown path (HTTP 404).
pub const NOT_FOUND: &str = r#"{"code":404,"data":{},"detailMsg":"","error_code":"404","error_message":"Not Found","msg":"Not Found"}"#;
/// OKX's answer when the service is unavailable (HTTP 503).
pub const SERVICE_UNAVAILABLE: &str =
    r#"{"msg":"Service temporarily unavailable, please try again later.","code":"50001"}"#;

/// The envelope of a successful answer.
pub fn ok(data: Value) -> String {
    json!({"code": "0", "msg": "", "data": data}).to_string()
}

/// An envelope with a top-level error code and no data.
pub fn error(code: &str, msg: &str) -> String {
    json!({"code": code, "msg": msg, "data": []}).to_string()
}
