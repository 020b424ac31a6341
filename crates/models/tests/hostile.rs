//! Hostile input: text a broken or malicious peer may send must end in a
//! clear decode error, never in a crash.

use okx_models::ws::BookPush;
use okx_models::{Envelope, Ticker, num::parse_decimal};

/// tokio's default worker stack: decoding runs there in a real client.
const WORKER_STACK: usize = 2 * 1024 * 1024;

/// Runs `f` on a thread with a worker-sized stack; a stack overflow aborts
/// the whole test binary, which fails the run.
fn on_worker_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(WORKER_STACK)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("decoder panicked")
}

fn zero_padded(n: usize, tail: &str) -> String {
    format!("{}{tail}", "0".repeat(n))
}

#[test]
fn a_number_padded_with_ten_thousand_zeros_is_refused_not_a_crash() {
    let padded = zero_padded(10_000, "30331.6");
    let minus = format!("-{padded}");
    let fraction = format!("1.{}", "0".repeat(10_000));
    let sci = format!("{padded}e2");
    let texts = [padded, minus, fraction, sci];
    let parsed =
        on_worker_stack(move || texts.iter().map(|t| parse_decimal(t)).collect::<Vec<_>>());
    assert_eq!(parsed, vec![None, None, None, None]);
}

#[test]
fn absurd_numbers_in_rest_and_ws_rows_are_decode_errors() {
    let padded = zero_padded(10_000, "30331.6");
    let errors = on_worker_stack(move || {
        let ticker = format!(
            r#"{{"code":"0","msg":"","data":[{{"instId":"BTC-USDT","last":"{padded}","ts":"1"}}]}}"#
        );
        let book = format!(r#"[{{"asks":[["{padded}","1","0","1"]],"bids":[],"ts":"1"}}]"#);
        let ts = format!(
            r#"{{"code":"0","msg":"","data":[{{"instId":"BTC-USDT","ts":"{}1"}}]}}"#,
            "0".repeat(10_000)
        );
        [
            Envelope::<Ticker>::from_slice(ticker.as_bytes())
                .map(drop)
                .err(),
            serde_json::from_str::<Vec<BookPush>>(&book).map(drop).err(),
            Envelope::<Ticker>::from_slice(ts.as_bytes())
                .map(drop)
                .err(),
        ]
        .map(|e| e.map(|e| e.to_string()))
    });
    for e in errors {
        let e = e.expect("an absurd number must not decode");
        assert!(e.contains("too long") || e.contains("invalid"), "{e}");
    }
}

#[test]
fn numbers_of_ordinary_length_still_decode() {
    // OKX prints some float-derived values in full; those stay readable
    let long = "-57693.044376796888536773622035980224609375";
    assert!(parse_decimal(long).is_some());
    assert_eq!(
        parse_decimal("0.1000000000000000055511151231257827021181583404541015625")
            .map(|d| d.to_string()),
        Some("0.1000000000000000055511151231".to_owned())
    );
    assert_eq!(
        parse_decimal("00012.3400").map(|d| d.to_string()),
        Some("12.3400".into())
    );
}
