//! Lists every REST response type for the `envelope` target, read from the
//! catalog okx-rest's generated `api/mod.rs` holds, so a new endpoint is
//! fuzzed without anyone adding it here.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let catalog = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../rest/src/api/mod.rs");
    println!("cargo::rerun-if-changed={}", catalog.display());
    let text = std::fs::read_to_string(&catalog).expect("okx-rest's api/mod.rs is readable");
    let mut names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("type_name: \""))
        .filter_map(|l| l.strip_suffix("\","))
        .collect();
    names.sort_unstable();
    names.dedup();
    assert!(
        names.len() > 100,
        "only {} endpoints found in the catalog",
        names.len()
    );
    let mut out = String::from(
        "/// Every REST response type: (`module::Request`, decode check).\n\
         pub(crate) const RESPONSES: &[Decoder] = &[\n",
    );
    for name in names {
        let _ = writeln!(
            out,
            "    ({name:?}, |b| decode_only::<<okx_rest::api::{name} as okx_rest::Request>::Response>(b)),"
        );
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("responses.rs");
    std::fs::write(dest, out).expect("write responses.rs");
}
