//! Pieces of an outgoing request made without the text work a general
//! builder does on every call.

use reqwest::Url;
use reqwest::header::HeaderName;

/// The URL of a request: `base` (parsed once, when the client was built)
/// with the request's path, after the base's own path if it has one, and
/// its query. `None` without a parsed base: the caller joins the text.
///
/// Setting the path and query runs the same parser on them that parsing
/// the joined text would, so the URL sent is the one signed; only the
/// scheme and host, the costly part, are not parsed again.
pub(crate) fn request_url(base: Option<&Url>, path_and_query: &str) -> Option<Url> {
    let mut url = base?.clone();
    let (path, query) = match path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path_and_query, None),
    };
    match url.path().trim_end_matches('/') {
        "" => url.set_path(path),
        prefix => {
            let full = format!("{prefix}{path}");
            url.set_path(&full);
        }
    }
    url.set_query(query);
    Some(url)
}

/// The name of a header `okx-auth` signs with, made without parsing and
/// lower-casing its text on every request; `None` for another name.
pub(crate) fn known_header(name: &str) -> Option<HeaderName> {
    use okx_auth::{
        HEADER_KEY, HEADER_PASSPHRASE, HEADER_SIGN, HEADER_SIMULATED, HEADER_TIMESTAMP,
    };
    let known = [
        (HEADER_KEY, "ok-access-key"),
        (HEADER_SIGN, "ok-access-sign"),
        (HEADER_TIMESTAMP, "ok-access-timestamp"),
        (HEADER_PASSPHRASE, "ok-access-passphrase"),
        (HEADER_SIMULATED, "x-simulated-trading"),
    ];
    for (text, lower) in known {
        // Compared inline: a handful of short texts, where a call to
        // `memcmp` for each costs more than the comparison.
        if text.len() == name.len() && text.bytes().zip(name.bytes()).all(|(a, b)| a == b) {
            return Some(HeaderName::from_static(lower));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What joining the text and parsing it gives.
    fn joined(base: &str, path_and_query: &str) -> String {
        let base = base.trim_end_matches('/');
        Url::parse(&format!("{base}{path_and_query}"))
            .expect("parses")
            .to_string()
    }

    #[test]
    fn urls_are_those_the_joined_text_gives() {
        for base in [
            "https://www.okx.com",
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/",
            "https://proxy.local/okx",
            "https://proxy.local/okx/",
        ] {
            for path_and_query in [
                "/api/v5/public/time",
                "/api/v5/market/candles?instId=BTC-USDT&bar=1m&limit=5",
                "/api/v5/market/tickers?instType=SPOT&weird=a%20b%26c,d",
                "/api/v5/trade/order",
            ] {
                let parsed = Url::parse(base).expect("base parses");
                let url = request_url(Some(&parsed), path_and_query).expect("a url");
                assert_eq!(
                    url.to_string(),
                    joined(base, path_and_query),
                    "{base} {path_and_query}"
                );
            }
        }
        assert_eq!(request_url(None, "/api/v5/public/time"), None);
    }

    #[test]
    fn the_signed_header_names_are_known_and_others_are_not() {
        use okx_auth::{
            HEADER_KEY, HEADER_PASSPHRASE, HEADER_SIGN, HEADER_SIMULATED, HEADER_TIMESTAMP,
        };
        for name in [
            HEADER_KEY,
            HEADER_SIGN,
            HEADER_TIMESTAMP,
            HEADER_PASSPHRASE,
            HEADER_SIMULATED,
        ] {
            let parsed = HeaderName::from_bytes(name.as_bytes()).expect("a header name");
            assert_eq!(known_header(name), Some(parsed), "{name}");
        }
        for name in ["OK-ACCESS-KEX", "ok-access-key", "expTime", ""] {
            assert_eq!(known_header(name), None, "{name}");
        }
    }
}
