//! Seeds: OKX's recorded payloads from `../shared/fixtures/okx`, split into
//! single frames with their bytes as recorded, plus a compact copy of each
//! (OKX sends compact JSON; the fixtures are partly pretty-printed).

use std::path::{Path, PathBuf};

use serde_json::value::RawValue;

/// The shared fixtures folder beside the checkout, if present.
pub fn fixtures_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/fixtures/okx"
    ));
    dir.is_dir().then_some(dir)
}

/// Removes the whitespace between JSON tokens, keeping every other byte
/// (key order, number text) as it was.
pub fn compact(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for &b in text {
        if in_string {
            out.push(b);
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
            if b == b'"' {
                in_string = true;
            }
            out.push(b);
        }
    }
    out
}

/// The frames of one fixture file: its array's elements, the file itself,
/// or its lines (JSON Lines), each as recorded.
pub fn frames(text: &str) -> Vec<String> {
    if let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(text) {
        return items.iter().map(|r| r.get().to_owned()).collect();
    }
    if serde_json::from_str::<&RawValue>(text).is_ok() {
        return vec![text.trim().to_owned()];
    }
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// Every `*.json` file of `dir`, sorted, with its name.
pub fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().into_owned();
            Some((name, std::fs::read_to_string(&p).ok()?))
        })
        .collect();
    out.sort();
    out
}

/// Each frame of each WS fixture whose name passes `keep`, as recorded and
/// compact.
pub fn ws_frames(keep: impl Fn(&str) -> bool) -> Vec<Vec<u8>> {
    let Some(dir) = fixtures_dir() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, text) in files(&dir.join("ws")) {
        if keep(&name) {
            for frame in frames(&text) {
                let compact = compact(frame.as_bytes());
                if compact != frame.as_bytes() {
                    out.push(frame.into_bytes());
                }
                out.push(compact);
            }
        }
    }
    out
}

/// Each REST fixture body, compact.
pub fn rest_bodies() -> Vec<Vec<u8>> {
    let Some(dir) = fixtures_dir() else {
        return Vec::new();
    };
    files(&dir.join("rest"))
        .into_iter()
        .flat_map(|(_, text)| frames(&text))
        .map(|f| compact(f.as_bytes()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacting_keeps_strings_and_order() {
        let text = b"{ \"b\" : [ \"a b\\\" c\" , 1 ],\n \"a\":2 }";
        assert_eq!(compact(text), b"{\"b\":[\"a b\\\" c\",1],\"a\":2}");
    }

    #[test]
    fn files_split_into_frames() {
        assert_eq!(frames("[{\"a\":1}, {\"b\":2}]"), ["{\"a\":1}", "{\"b\":2}"]);
        assert_eq!(frames("{\"a\":1}\n"), ["{\"a\":1}"]);
        assert_eq!(frames("{\"a\":1}\n{\"b\":2}\n"), ["{\"a\":1}", "{\"b\":2}"]);
    }
}
