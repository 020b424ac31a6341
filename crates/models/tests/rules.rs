//! Repository rules for okx-models that `cargo test` enforces.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Money is `Decimal`: no model field, in any file of the crate, is a float.
#[test]
fn no_float_fields() {
    let mut files = Vec::new();
    rust_files(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut files,
    );
    assert!(!files.is_empty());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for float in ["f32", "f64"] {
                let field = format!(": {float}");
                let opt = format!("Option<{float}>");
                let vec = format!("Vec<{float}>");
                // `visit_f64(self, v: f64)` in a serde visitor is the one allowed use:
                // it turns a JSON float into text before parsing a Decimal
                if code.contains(&format!("fn visit_{float}")) {
                    continue;
                }
                assert!(
                    !(code.contains(&field) || code.contains(&opt) || code.contains(&vec)),
                    "{}:{}: float type in okx-models: {line}",
                    file.display(),
                    n + 1
                );
            }
        }
    }
}
