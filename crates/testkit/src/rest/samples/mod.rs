//! Realistic response bodies for every REST endpoint the SDK covers.
//!
//! Each body is a full OKX envelope (`{"code":"0","msg":"","data":[...]}`),
//! taken from the response example in OKX's documentation where it matches the
//! endpoint's field table, otherwise built from that table with plausible
//! values. They are compiled in: nothing is read from disk at runtime.
//!
//! ```
//! let body = okx_testkit::rest::samples::sample("GET", "/api/v5/market/ticker").unwrap();
//! assert!(body.contains("\"code\":\"0\""));
//! assert!(okx_testkit::rest::samples::sample("GET", "/api/v5/nope").is_none());
//! ```

mod table;

/// The sample envelope for `method` (`"GET"`/`"POST"`) and `path`
/// (`/api/v5/...`, without query), or `None` for an endpoint not covered.
pub fn sample(method: &str, path: &str) -> Option<&'static str> {
    table::lookup(method, path)
}

pub(crate) use table::unsigned;
