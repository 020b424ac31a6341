//! The fast reader of `okx_models` for the answers whose rows have one.

use std::any::Any;

use okx_models::fast::{FastRow, read_envelope};
use okx_models::{Order, Ticker, Trade};

/// The rows of a successful answer read by `okx_models`' fast reader, for
/// the row types that have one (tickers, trades, orders): it reads them in
/// about half the time serde-derive takes (`benches/decode.rs`). `None`
/// for other types, and for any answer the reader leaves to serde, which
/// then gives the result or error it always gave.
pub(crate) fn fast_rows<T: 'static>(bytes: &[u8]) -> Option<Vec<T>> {
    fn read<R: FastRow>(bytes: &[u8]) -> Option<Vec<R>> {
        read_envelope(std::str::from_utf8(bytes).ok()?).ok()
    }
    let mut rows: Option<Vec<T>> = None;
    // `T` is one of the fast types exactly when its slot downcasts to it.
    let slot: &mut dyn Any = &mut rows;
    if let Some(slot) = slot.downcast_mut::<Option<Vec<Ticker>>>() {
        *slot = read(bytes);
    } else if let Some(slot) = slot.downcast_mut::<Option<Vec<Trade>>>() {
        *slot = read(bytes);
    } else if let Some(slot) = slot.downcast_mut::<Option<Vec<Order>>>() {
        *slot = read(bytes);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use okx_models::Balance;
    use serde::Deserialize;
    use serde::de::DeserializeOwned;

    /// What the serde path makes of a successful answer.
    fn serde_rows<T: DeserializeOwned>(bytes: &[u8]) -> Option<Vec<T>> {
        #[derive(Deserialize)]
        struct Envelope<T> {
            code: String,
            data: Vec<T>,
        }
        let env: Envelope<T> = serde_json::from_slice(bytes).ok()?;
        (env.code == "0").then_some(env.data)
    }

    /// The fast rows, checked against serde's: `None` when the fast path
    /// left the answer to serde.
    fn agrees<T: DeserializeOwned + std::fmt::Debug + 'static>(bytes: &[u8]) -> Option<usize> {
        let fast = fast_rows::<T>(bytes)?;
        let serde = serde_rows::<T>(bytes).expect("the fast path took what serde refuses");
        // `Debug` shows the scale of every `Decimal`, which `==` ignores.
        assert_eq!(format!("{fast:?}"), format!("{serde:?}"));
        Some(fast.len())
    }

    #[test]
    fn recorded_answers_read_as_serde_reads_them() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/fixtures/okx/rest");
        if !dir.is_dir() {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "fixtures missing"
            );
            eprintln!("skipping: no fixtures at {}", dir.display());
            return;
        }
        let (mut taken, mut rows) = (0, 0);
        for entry in std::fs::read_dir(&dir).expect("fixture dir") {
            let path = entry.expect("entry").path();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            // As recorded (often pretty-printed), and compact as OKX sends it.
            let compact = serde_json::from_str::<serde_json::Value>(&text)
                .map(|v| v.to_string())
                .unwrap_or_default();
            for body in [text.as_bytes(), compact.as_bytes()] {
                for n in [
                    agrees::<Ticker>(body),
                    agrees::<Trade>(body),
                    agrees::<Order>(body),
                ]
                .into_iter()
                .flatten()
                {
                    taken += 1;
                    rows += n;
                }
            }
        }
        assert!(taken >= 30, "only {taken} answers took the fast path");
        assert!(rows >= 25, "only {rows} rows");
    }

    #[test]
    fn other_answers_and_types_are_left_to_serde() {
        let ticker = r#"{"instType":"SPOT","instId":"BTC-USDT","last":"1.50","ts":"1"}"#;
        let ok = format!(r#"{{"code":"0","msg":"","data":[{ticker}]}}"#);
        let rows = fast_rows::<Ticker>(ok.as_bytes()).expect("a plain answer is read");
        assert_eq!(rows[0].last.map(|d| d.to_string()).as_deref(), Some("1.50"));
        // Members OKX adds are skipped.
        let more = format!(r#"{{"code":"0","data":[{ticker}],"msg":"","inTime":"1"}}"#);
        assert_eq!(agrees::<Ticker>(more.as_bytes()), Some(1));
        for body in [
            // an error, a numeric code, no data, data twice, an escaped key
            r#"{"code":"50011","msg":"Too Many Requests","data":[]}"#.to_owned(),
            format!(r#"{{"code":0,"msg":"","data":[{ticker}]}}"#),
            r#"{"code":"0","msg":""}"#.to_owned(),
            format!(r#"{{"code":"0","data":[],"data":[{ticker}]}}"#),
            format!(r#"{{"c\u006fde":"0","data":[{ticker}]}}"#),
            // not JSON, or not UTF-8
            "<html>".to_owned(),
            String::from_utf8_lossy(b"{\"code\":\"0\",\"data\":[\xff]}").into_owned(),
        ] {
            assert!(fast_rows::<Ticker>(body.as_bytes()).is_none(), "{body}");
        }
        assert!(fast_rows::<Ticker>(b"{\"code\":\"0\",\"data\":[\xff]}").is_none());
        // A type without a fast reader.
        let balance = r#"{"code":"0","msg":"","data":[{"totalEq":"1"}]}"#;
        assert!(fast_rows::<Balance>(balance.as_bytes()).is_none());
    }
}
