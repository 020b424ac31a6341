//! Endpoint coverage, audited twice:
//!
//! * against OKX's catalog `../shared/okx-v5/endpoints.tsv` (and the four
//!   endpoints its doc pages add): every one has a request type, printed as
//!   `covered N/M` per group;
//! * against the 2026 docs `../shared/okx-v5/docs/zh-2026`: every endpoint
//!   they give a request line for has one too, so an endpoint OKX documents
//!   tomorrow fails here until it is generated.

use std::collections::{BTreeMap, HashSet};
use std::io::Write as _;

use okx_rest::Method;
use okx_rest::api::CATALOG;

/// Every group, with its endpoint count (the tsv's, plus what the 2026
/// docs add).
const COVERED: &[(&str, usize)] = &[
    ("Market data", 23),
    ("Public data", 26),
    ("Trading account", 55),
    ("Trade", 26),
    ("Algo orders", 6),
    ("Funding / asset", 35),
    ("Sub-account", 14),
    ("Trading statistics", 15),
    ("Trading bots", 64),
    ("Copy trading", 26),
    ("Spread trading", 16),
    ("Block trading / RFQ", 20),
    ("Financial products", 52),
    ("Affiliate / status / announcements", 9),
];

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/okx-v5");

fn method_name(m: Method) -> &'static str {
    m.as_str()
}

/// A file under `../shared/okx-v5`, or `None` (skipped outside CI).
fn shared_file(rel: &str) -> Option<String> {
    let path = format!("{SHARED}/{rel}");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{path} is missing; CI needs ../shared beside the checkout"
            );
            eprintln!("skipping: {path} not found");
            None
        }
    }
}

#[test]
fn covered_groups_keep_every_endpoint() {
    for (group, want) in COVERED {
        let have = CATALOG.iter().filter(|e| e.group == *group).count();
        assert_eq!(have, *want, "group {group:?} lost endpoints");
    }
    assert_eq!(CATALOG.len(), COVERED.iter().map(|(_, n)| n).sum::<usize>());
}

#[test]
fn catalog_has_no_duplicates_and_signs_private_endpoints() {
    let mut seen = HashSet::new();
    for e in CATALOG {
        assert!(
            seen.insert((method_name(e.method), e.path)),
            "{} listed twice",
            e.path
        );
        assert!(e.path.starts_with("/api/v5/"), "{}", e.path);
        let public_group = matches!(
            e.group,
            "Market data" | "Public data" | "Trading statistics"
        );
        if public_group {
            assert!(!e.signed, "{} is public", e.path);
        }
    }
    // Spot checks of the groups that mix public and private endpoints.
    let signed = |m: Method, p: &str| {
        CATALOG
            .iter()
            .find(|e| e.method == m && e.path == p)
            .map(|e| e.signed)
    };
    assert_eq!(
        signed(Method::Get, "/api/v5/copytrading/public-lead-traders"),
        Some(false)
    );
    assert_eq!(
        signed(Method::Get, "/api/v5/copytrading/current-subpositions"),
        Some(true)
    );
    assert_eq!(signed(Method::Get, "/api/v5/sprd/books"), Some(false));
    assert_eq!(signed(Method::Post, "/api/v5/sprd/order"), Some(true));
    assert_eq!(
        signed(Method::Get, "/api/v5/rfq/public-trades"),
        Some(false)
    );
    assert_eq!(signed(Method::Post, "/api/v5/rfq/create-rfq"), Some(true));
    assert_eq!(
        signed(Method::Get, "/api/v5/tradingBot/grid/ai-param"),
        Some(false)
    );
    assert_eq!(
        signed(Method::Post, "/api/v5/tradingBot/dca/create"),
        Some(true)
    );
    assert_eq!(
        signed(Method::Get, "/api/v5/finance/savings/lending-rate-summary"),
        Some(false)
    );
    assert_eq!(signed(Method::Get, "/api/v5/system/status"), Some(false));
    assert_eq!(
        signed(Method::Get, "/api/v5/affiliate/invitee/detail"),
        Some(true)
    );
}

#[test]
fn catalog_matches_okx_tsv() {
    let Some(text) = shared_file("endpoints.tsv") else {
        return;
    };
    let implemented: HashSet<(&str, &str)> = CATALOG
        .iter()
        .map(|e| (method_name(e.method), e.path))
        .collect();
    // group -> (covered, total, missing)
    let mut groups: BTreeMap<&str, (usize, usize, Vec<String>)> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [group, method, path, ..] = cols[..] else {
            continue;
        };
        let g = groups.entry(group).or_default();
        g.1 += 1;
        if implemented.contains(&(method, path)) {
            g.0 += 1;
        } else {
            g.2.push(format!("{method} {path}"));
        }
        let listed = CATALOG
            .iter()
            .find(|e| method_name(e.method) == method && e.path == path);
        if let Some(e) = listed {
            assert_eq!(
                e.group, group,
                "{method} {path} is listed under another group"
            );
        }
    }
    let (mut covered, mut total) = (0, 0);
    let mut report = String::new();
    for (group, (n, m, _)) in &groups {
        report.push_str(&format!("covered {n}/{m}  {group}\n"));
        covered += n;
        total += m;
    }
    report.push_str(&format!(
        "covered {covered}/{total}  all groups of the catalog\n"
    ));
    // Written to the stderr handle, not with `eprintln!`, so the report shows
    // under a plain `cargo test` (the harness captures only the macros).
    let _ = std::io::stderr().write_all(report.as_bytes());
    for (group, (n, m, missing)) in &groups {
        assert_eq!(
            n, m,
            "group {group:?} is not fully covered; missing: {missing:?}"
        );
    }
    assert_eq!(covered, total);
    assert!(total >= 323, "the catalog was misread: {total} endpoints");
}

/// The 2026 docs' request lines, `(method, path)`.
fn documented_2026() -> Option<Vec<(String, String)>> {
    let dir = format!("{SHARED}/docs/zh-2026");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{dir} is missing; CI needs ../shared beside the checkout"
        );
        eprintln!("skipping: {dir} not found");
        return None;
    };
    let mut out = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for line in text.lines() {
            let Some(inner) = line
                .trim()
                .strip_prefix('`')
                .and_then(|l| l.strip_suffix('`'))
            else {
                continue;
            };
            let Some((method, rest)) = inner.split_once(' ') else {
                continue;
            };
            if !matches!(method, "GET" | "POST") || !rest.starts_with("/api/v5/") {
                continue;
            }
            let path = rest.split('?').next().unwrap_or(rest).trim().to_owned();
            out.push((method.to_owned(), path));
        }
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// The second audit: the newest docs against the request types.
#[test]
fn every_endpoint_the_2026_docs_document_is_implemented() {
    let Some(documented) = documented_2026() else {
        return;
    };
    let implemented: HashSet<(&str, &str)> = CATALOG
        .iter()
        .map(|e| (method_name(e.method), e.path))
        .collect();
    let missing: Vec<String> = documented
        .iter()
        .filter(|(m, p)| !implemented.contains(&(m.as_str(), p.as_str())))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    let _ = std::io::stderr().write_all(
        format!(
            "covered {}/{}  endpoints of the 2026 docs\n",
            documented.len() - missing.len(),
            documented.len()
        )
        .as_bytes(),
    );
    assert!(
        missing.is_empty(),
        "documented in the 2026 docs but not implemented (run `cargo xtask codegen`): {missing:?}"
    );
    // The copy documents 379 endpoints; far fewer means the scan broke.
    assert!(documented.len() >= 379, "only {} found", documented.len());
}

/// Nothing in the catalog is made up: every request type is an endpoint
/// of the tsv, the 2025 doc pages (`endpoints.json`) or the 2026 docs.
#[test]
fn every_implemented_endpoint_is_documented() {
    let (Some(json), Some(documented)) = (shared_file("endpoints.json"), documented_2026()) else {
        return;
    };
    let doc_2025: Vec<serde_json::Value> = serde_json::from_str(&json).expect("endpoints.json");
    let known = |m: &str, p: &str| {
        doc_2025.iter().any(|e| e["method"] == m && e["path"] == p)
            || documented.iter().any(|(dm, dp)| dm == m && dp == p)
    };
    for e in CATALOG {
        assert!(
            known(method_name(e.method), e.path),
            "{} {} is in no OKX document",
            method_name(e.method),
            e.path
        );
    }
}

/// The parameter names of each 2026-only GET endpoint's request table:
/// the cells `<td ...>name</td>` between its request line and the next.
fn params_2026(path: &str) -> Option<HashSet<String>> {
    let dir = format!("{SHARED}/docs/zh-2026");
    let line = format!("`GET {path}");
    for entry in std::fs::read_dir(&dir).ok()?.filter_map(Result::ok) {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        let Some(at) = text.find(&line) else { continue };
        let section = &text[at + 1..];
        let end = ["\n`GET /api/v5/", "\n`POST /api/v5/"]
            .iter()
            .filter_map(|m| section.find(m))
            .min()
            .unwrap_or(section.len());
        let section = &section[..end];
        let table_end = section.find("</table>").unwrap_or(section.len());
        let names = section[..table_end]
            .split("<tr>")
            .filter_map(|row| {
                let cell = row.split("</td>").next()?;
                let name = cell.rsplit('>').next()?.trim();
                (!name.is_empty()).then(|| name.to_owned())
            })
            .collect();
        return Some(names);
    }
    None
}

/// Every covered list endpoint that OKX pages with `after` and `before`
/// (the catalog's parameter column, or for the 2026-only endpoints their
/// doc table) implements `Paginated`, so the streams can walk it; and
/// nothing else claims to.
#[test]
fn every_list_with_after_and_before_is_paginated() {
    let Some(text) = shared_file("endpoints.tsv") else {
        return;
    };
    let mut lists = HashSet::new();
    let mut in_tsv = HashSet::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [_, method, path, _, _, params, ..] = cols[..] else {
            continue;
        };
        in_tsv.insert((method, path));
        // A list OKX pages from its newest item: `after` and `before` both
        // optional (a required `after` cannot start a walk).
        let names: HashSet<&str> = params.split(',').map(str::trim).collect();
        if method == "GET" && names.contains("after") && names.contains("before") {
            lists.insert(path.to_owned());
        }
    }
    let mut from_2026 = 0;
    for e in CATALOG {
        if e.method != Method::Get || in_tsv.contains(&("GET", e.path)) {
            continue;
        }
        if let Some(names) = params_2026(e.path)
            && names.contains("after")
            && names.contains("before")
        {
            lists.insert(e.path.to_owned());
            from_2026 += 1;
        }
    }
    let mut missing = Vec::new();
    let mut checked = 0;
    for e in CATALOG {
        let list = e.method == Method::Get && lists.contains(e.path);
        if list {
            checked += 1;
            if !e.paginated {
                missing.push(e.path);
            }
        } else {
            assert!(
                !e.paginated,
                "{} is paginated but takes no after/before",
                e.path
            );
        }
    }
    assert!(
        missing.is_empty(),
        "list endpoints without Paginated: {missing:?}"
    );
    // The catalog holds 62 such lists and the 2026 docs add 6; fewer means
    // a column or table was misread, not that the check passed.
    assert!(
        checked >= 68 && from_2026 >= 6,
        "only {checked} ({from_2026}) lists found"
    );
}
