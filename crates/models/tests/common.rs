//! Fixture loading and the generic "decode, re-encode, compare" check.

use std::path::PathBuf;

use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The shared fixtures folder, or `None` (after printing why) when it is
/// missing outside CI. In CI (`CI=true`) a missing folder fails the test.
pub fn fixtures() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures/okx"
    ));
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("fixtures folder {} is missing (CI=true)", dir.display());
    }
    eprintln!("skipping: fixtures folder {} is missing", dir.display());
    None
}

/// Reads a fixture file as JSON.
pub fn load(dir: &std::path::Path, rel: &str) -> Value {
    let path = dir.join(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}

/// A file holds one frame (an object) or an array of frames.
pub fn frames(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    }
}

/// The `data` items of a frame (REST envelope or WS push).
pub fn data(frame: &Value) -> &[Value] {
    frame
        .get("data")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The WS channel of a push, if it is one.
pub fn channel(frame: &Value) -> Option<&str> {
    frame.get("arg")?.get("channel")?.as_str()
}

/// Decodes `src` into `T`, serializes it back and checks every key the model
/// writes against the source: a key the source fills must come back with the
/// exact same text (nothing lost, nothing rewritten), and a key the source
/// lacks or leaves empty must come back empty (nothing invented).
/// Returns the decoded value and how many keys were compared with a value.
pub fn round_trip<T: DeserializeOwned + Serialize>(src: &Value, what: &str) -> (T, usize) {
    let model: T = serde_json::from_value(src.clone())
        .unwrap_or_else(|e| panic!("{what}: does not decode: {e}\n{src}"));
    let back =
        serde_json::to_value(&model).unwrap_or_else(|e| panic!("{what}: does not serialize: {e}"));
    let mut checked = 0;
    compare(&back, Some(src), what, &mut checked);
    (model, checked)
}

fn beyond_decimal(s: &str) -> bool {
    s.chars().filter(char::is_ascii_digit).count() > 28
}

fn is_empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(_) => false,
    }
}

fn compare(model: &Value, src: Option<&Value>, path: &str, checked: &mut usize) {
    if is_empty(src) {
        // nested empties: `linkedAlgoOrd: {"algoId": ""}` re-encodes as the same
        let nothing = match model {
            Value::Object(m) => m.values().all(|v| is_empty(Some(v))),
            other => is_empty(Some(other)),
        };
        assert!(
            nothing,
            "{path}: model invented {model} where the source has {src:?}"
        );
        return;
    }
    let Some(src) = src else { return };
    match (model, src) {
        (Value::Object(m), Value::Object(s)) => {
            for (k, mv) in m {
                compare(mv, s.get(k), &format!("{path}.{k}"), checked);
            }
        }
        (Value::Array(m), Value::Array(s)) => {
            assert_eq!(m.len(), s.len(), "{path}: array length differs");
            for (i, (mv, sv)) in m.iter().zip(s).enumerate() {
                compare(mv, Some(sv), &format!("{path}[{i}]"), checked);
            }
        }
        (Value::String(m), Value::String(s)) if m != s && beyond_decimal(s) => {
            // Decimal holds 28 significant digits; OKX pads some limits past that
            // with zeros (`"99999999999999.0000000000000000"`). The value must
            // still be equal; only the padding may shrink.
            let (mv, sv) = (m.parse::<Decimal>(), s.parse::<Decimal>());
            assert!(
                matches!((&mv, &sv), (Ok(a), Ok(b)) if a == b),
                "{path}: {s} came back as {m}"
            );
            *checked += 1;
        }
        (m, s) => {
            assert_eq!(m, s, "{path}: value changed in the round trip");
            *checked += 1;
        }
    }
}
