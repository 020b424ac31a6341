//! `cargo xtask codegen`: writes the REST request types (okx-rest), their
//! response types (okx-models), the testkit's sample bodies and the
//! per-endpoint test from `../shared/okx-v5/endpoints.json`.
//!
//! `--check` regenerates in memory and fails if the committed files differ;
//! the `generated_code_is_fresh` test does the same under `cargo test`.

mod requests;
mod responses;
mod rules;
mod samples;
mod spec;
mod testgen;
mod ws;
mod zh2026;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use spec::Endpoint;

/// The workspace root (xtask lives one level below it).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `../shared` beside the checkout.
pub fn shared_dir(root: &Path) -> PathBuf {
    root.join("../shared")
}

pub fn run(check: bool) -> ExitCode {
    let root = workspace_root();
    let files = match generate(&root, &shared_dir(&root)) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("codegen: {e}");
            return ExitCode::FAILURE;
        }
    };
    let docs = shared_dir(&root).join("okx-v5/docs/en-2025");
    if let Ok(eps) = spec::load(&shared_dir(&root)) {
        println!(
            "codegen: {} endpoints, {} samples from the docs' examples, the rest synthesized",
            eps.len(),
            samples::from_docs(&docs, &eps)
        );
    }
    if let Ok(documented) = zh2026::documented(&shared_dir(&root).join("okx-v5/docs/zh-2026")) {
        println!(
            "codegen: the 2026 docs document {} endpoints",
            documented.len()
        );
    }
    if check {
        let stale = stale_files(&root, &files);
        if stale.is_empty() {
            println!("codegen: {} files up to date", files.len());
            return ExitCode::SUCCESS;
        }
        for p in &stale {
            eprintln!("codegen: {} is out of date", p.display());
        }
        eprintln!("codegen: run `cargo xtask codegen` and commit the result");
        return ExitCode::FAILURE;
    }
    for (rel, text) in &files {
        let path = root.join(rel);
        if let Some(dir) = path.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            eprintln!("codegen: cannot create {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
        if std::fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("codegen: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("codegen: wrote {}", rel.display());
    }
    ExitCode::SUCCESS
}

/// Generated files whose committed text differs from what the generator makes.
pub fn stale_files(root: &Path, files: &[(PathBuf, String)]) -> Vec<PathBuf> {
    files
        .iter()
        .filter(|(rel, text)| std::fs::read_to_string(root.join(rel)).ok().as_deref() != Some(text))
        .map(|(rel, _)| rel.clone())
        .collect()
}

/// Every generated file, relative to the workspace root, formatted.
pub fn generate(root: &Path, shared: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let eps = spec::load(shared)?;
    let docs = shared.join("okx-v5/docs/en-2025");
    check_names(&eps)?;
    let mut files = Vec::new();
    for (group, module, _) in rules::MODULES {
        let group_eps: Vec<&Endpoint> = eps
            .iter()
            .filter(|e| rules::module_of(e) == Some(*module))
            .collect();
        files.push((
            PathBuf::from(format!("crates/rest/src/api/{module}.rs")),
            requests::module_file(group, module, &group_eps)?,
        ));
        files.push((
            PathBuf::from(format!("crates/models/src/api/{module}.rs")),
            responses::module_file(group, &group_eps),
        ));
    }
    files.push((
        PathBuf::from("crates/rest/src/api/mod.rs"),
        requests::mod_file(&eps),
    ));
    files.push((PathBuf::from("crates/models/src/api/mod.rs"), models_mod()));
    let with_samples: Vec<(&Endpoint, serde_json::Value)> =
        eps.iter().map(|e| (e, samples::sample(&docs, e))).collect();
    files.push((
        PathBuf::from("crates/testkit/src/rest/samples/table.rs"),
        samples::table_file(&with_samples),
    ));
    files.push((
        PathBuf::from("crates/rest/tests/endpoints.rs"),
        testgen::test_file(&with_samples),
    ));
    let channels = ws::load(shared)?;
    files.push((
        PathBuf::from("crates/models/src/ws/channels.rs"),
        ws::models_file(&channels),
    ));
    files.push((
        PathBuf::from("crates/ws/tests/channels.rs"),
        ws::test_file(&docs, &channels),
    ));
    let config = root.join("rustfmt.toml");
    files
        .into_iter()
        .map(|(p, t)| rustfmt(&config, &t).map(|t| (p, t)))
        .collect()
}

/// Type names must be unique within a module.
fn check_names(eps: &[Endpoint]) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for ep in eps {
        let key = (rules::module_of(ep), rules::type_name(ep));
        if !seen.insert(key.clone()) {
            return Err(format!("two endpoints are named {} ({})", key.1, ep.path));
        }
    }
    Ok(())
}

fn models_mod() -> String {
    let mut out = String::from(
        "//! Response types of the REST endpoints, one per endpoint, grouped by\n\
         //! OKX's own sections (the same modules as `okx_rest::api`).\n//!\n\
         //! Generated by `cargo xtask codegen` from `../shared/okx-v5/endpoints.json`;\n\
         //! do not edit by hand. Numbers are `Decimal` or `i64`, `\"\"` is `None`,\n\
         //! enums keep unknown values, unknown fields are ignored.\n\n",
    );
    for (_, module, _) in rules::MODULES {
        out.push_str(&format!("pub mod {module};\n"));
    }
    out.push_str(
        r#"
// Positional rows (candles, trading statistics) arrive as arrays of strings.

fn row_cell(row: &[String], i: usize) -> &str {
    row.get(i).map_or("", String::as_str)
}

#[allow(dead_code)]
fn row_string(row: &[String], i: usize) -> Result<String, String> {
    Ok(row_cell(row, i).to_owned())
}

fn row_decimal(row: &[String], i: usize) -> Result<Option<rust_decimal::Decimal>, String> {
    let s = row_cell(row, i);
    if s.is_empty() {
        return Ok(None);
    }
    crate::num::parse_decimal(s)
        .map(Some)
        .ok_or_else(|| format!("invalid decimal {s:?} at position {i}"))
}

fn row_int(row: &[String], i: usize) -> Result<Option<i64>, String> {
    let s = row_cell(row, i);
    if s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| format!("invalid integer {s:?} at position {i}"))
}

#[allow(dead_code)]
fn row_bool(row: &[String], i: usize) -> Result<Option<bool>, String> {
    match row_cell(row, i) {
        "" => Ok(None),
        "1" | "true" => Ok(Some(true)),
        "0" | "false" => Ok(Some(false)),
        s => Err(format!("invalid flag {s:?} at position {i}")),
    }
}
"#,
    );
    out
}

/// Formats with the workspace's rustfmt settings.
fn rustfmt(config: &Path, text: &str) -> Result<String, String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--config-path"])
        .arg(config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("rustfmt has no stdin")?;
    let input = text.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt failed: {e}"))?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(format!(
            "rustfmt rejected generated code: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("rustfmt output is not utf-8: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed generated files match what the generator makes now.
    #[test]
    fn generated_code_is_fresh() {
        let root = workspace_root();
        let shared = shared_dir(&root);
        if !shared.join("okx-v5/endpoints.json").exists() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "../shared/okx-v5 is missing; CI needs it to check generated code"
            );
            eprintln!("skipping: ../shared/okx-v5 not found beside the checkout");
            return;
        }
        let files = generate(&root, &shared).unwrap();
        let stale = stale_files(&root, &files);
        assert!(
            stale.is_empty(),
            "generated files are stale, run `cargo xtask codegen`: {stale:?}"
        );
    }

    /// The extraction from the 2026 docs finds every endpoint they give a
    /// request line for that `endpoints.json` lacks, with its tables read.
    #[test]
    fn the_2026_docs_extraction_is_complete() {
        let shared = shared_dir(&workspace_root());
        let zh = shared.join("okx-v5/docs/zh-2026");
        if !zh.exists() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{} missing",
                zh.display()
            );
            eprintln!("skipping: {} not found", zh.display());
            return;
        }
        let json: Vec<Endpoint> = serde_json::from_str(
            &std::fs::read_to_string(shared.join("okx-v5/endpoints.json")).unwrap(),
        )
        .unwrap();
        let known: std::collections::HashSet<(String, String)> = json
            .iter()
            .map(|e| (e.method.clone(), e.path.clone()))
            .collect();
        let extra = zh2026::extra_endpoints(&zh, &known).unwrap();
        for (m, p) in zh2026::documented(&zh).unwrap() {
            assert!(
                known.contains(&(m.clone(), p.clone()))
                    || extra.iter().any(|e| e.method == m && e.path == p),
                "{m} {p} documented but not extracted"
            );
        }
        assert!(extra.len() >= 60, "{} extracted", extra.len());
        for ep in &extra {
            assert!(rules::module_of(ep).is_some(), "{} has no module", ep.path);
            assert!(ep.rate_limit.is_some(), "{} has no rate limit", ep.path);
        }
        let with_fields = extra.iter().filter(|e| !e.response.is_empty()).count();
        assert!(
            with_fields * 10 >= extra.len() * 9,
            "response tables missed: {with_fields}"
        );
        let dca = extra
            .iter()
            .find(|e| e.path == "/api/v5/tradingBot/dca/ongoing-list")
            .unwrap();
        let trigger = dca
            .response
            .iter()
            .find(|f| f.name == "triggerParams")
            .unwrap();
        assert!(trigger.children.iter().any(|c| c.name == "triggerStrategy"));
        assert!(
            dca.request
                .iter()
                .any(|f| f.name == "algoOrdType" && f.required)
        );
        // Fields the 2026 docs add to endpoints the 2025 catalog has.
        let eps = spec::load(&shared).unwrap();
        let find = |m: &str, p: &str| eps.iter().find(|e| e.method == m && e.path == p).unwrap();
        let place = find("POST", "/api/v5/trade/order");
        assert!(place.data_fields().iter().any(|f| f.name == "subCode"));
        assert!(
            place
                .request_fields()
                .iter()
                .any(|f| f.name == "isElpTakerAccess" && !f.required)
        );
        let fees = find("GET", "/api/v5/account/trade-fee");
        let group = fees
            .data_fields()
            .iter()
            .find(|f| f.name == "feeGroup")
            .unwrap();
        assert!(group.children.iter().any(|c| c.name == "elpMaker"));
    }

    #[test]
    fn names_are_readable() {
        assert_eq!(rules::snake("instId"), "inst_id");
        assert_eq!(rules::snake("makerUSDC"), "maker_usdc");
        assert_eq!(rules::snake("callOI"), "call_oi");
        assert_eq!(rules::snake("volCcy24h"), "vol_ccy24h");
        assert_eq!(rules::snake("type"), "r#type");
        assert_eq!(rules::pascal("one-click-repay"), "OneClickRepay");
    }

    #[test]
    fn every_rate_limit_rule_is_mapped() {
        let scope = rules::scope_of(
            "User ID + Instrument ID (except Options); User ID + Instrument Family (Options only)",
        );
        assert_eq!(scope, Ok(("UidInstIdOrFamily", Some("instId"))));
        assert!(rules::scope_of("per planet").is_err());
    }
}
