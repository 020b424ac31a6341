//! Endpoint coverage: the request types (listed in `okx_rest::api::CATALOG`)
//! against OKX's catalog `../shared/okx-v5/endpoints.tsv`. Prints
//! `covered N/M` per group and fails if a covered group loses an endpoint.

use std::collections::{BTreeMap, HashSet};
use std::io::Write as _;

use okx_rest::Method;
use okx_rest::api::CATALOG;

/// The groups this SDK covers completely, with their endpoint counts.
const COVERED: &[(&str, usize)] = &[
    ("Market data", 22),
    ("Public data", 21),
    ("Trading account", 47),
    ("Trade", 26),
    ("Algo orders", 6),
    ("Funding / asset", 35),
    ("Sub-account", 14),
    ("Trading statistics", 15),
];

const TSV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/okx-v5/endpoints.tsv"
);

fn method_name(m: Method) -> &'static str {
    m.as_str()
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
fn catalog_has_no_duplicates_and_signs_private_groups() {
    let mut seen = HashSet::new();
    for e in CATALOG {
        assert!(
            seen.insert((method_name(e.method), e.path)),
            "{} listed twice",
            e.path
        );
        assert!(e.path.starts_with("/api/v5/"), "{}", e.path);
        let public = matches!(
            e.group,
            "Market data" | "Public data" | "Trading statistics"
        );
        assert_eq!(e.signed, !public, "{} signed flag", e.path);
    }
}

#[test]
fn catalog_matches_okx_tsv() {
    let Ok(text) = std::fs::read_to_string(TSV) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{TSV} is missing; CI needs ../shared beside the checkout"
        );
        eprintln!("skipping: {TSV} not found");
        return;
    };
    let implemented: HashSet<(&str, &str)> = CATALOG
        .iter()
        .map(|e| (method_name(e.method), e.path))
        .collect();
    // group -> (covered, total, missing)
    let mut groups: BTreeMap<&str, (usize, usize, Vec<String>)> = BTreeMap::new();
    let mut tsv = HashSet::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [group, method, path, ..] = cols[..] else {
            continue;
        };
        tsv.insert((group, method, path));
        let g = groups.entry(group).or_default();
        g.1 += 1;
        if implemented.contains(&(method, path)) {
            g.0 += 1;
        } else {
            g.2.push(format!("{method} {path}"));
        }
    }
    let (mut covered, mut total) = (0, 0);
    let mut report = String::new();
    for (group, (n, m, _)) in &groups {
        report.push_str(&format!("covered {n}/{m}  {group}\n"));
        covered += n;
        total += m;
    }
    report.push_str(&format!("covered {covered}/{total}  all groups\n"));
    // Written to the stderr handle, not with `eprintln!`, so the report shows
    // under a plain `cargo test` (the harness captures only the macros).
    let _ = std::io::stderr().write_all(report.as_bytes());
    for (group, _) in COVERED {
        let (n, m, missing) = groups.get(group).cloned().unwrap_or_default();
        assert_eq!(
            n, m,
            "group {group:?} is not fully covered; missing: {missing:?}"
        );
    }
    for e in CATALOG {
        assert!(
            tsv.contains(&(e.group, method_name(e.method), e.path)),
            "{} {} is not in the catalog under {:?}",
            method_name(e.method),
            e.path,
            e.group
        );
    }
}

/// Every covered list endpoint that OKX pages with `after` and `before`
/// (the catalog's parameter column) implements `Paginated`, so the streams
/// can walk it; and nothing else claims to.
#[test]
fn every_list_with_after_and_before_is_paginated() {
    let Ok(text) = std::fs::read_to_string(TSV) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{TSV} is missing; CI needs ../shared beside the checkout"
        );
        eprintln!("skipping: {TSV} not found");
        return;
    };
    let mut lists = HashSet::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [_, method, path, _, _, params, ..] = cols[..] else {
            continue;
        };
        let names: HashSet<&str> = params
            .split(',')
            .map(|p| p.trim().trim_end_matches('*'))
            .collect();
        if method == "GET" && names.contains("after") && names.contains("before") {
            lists.insert(path);
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
    // The covered groups hold 38 such lists today; fewer means the catalog
    // column was misread, not that the check passed.
    assert!(checked >= 38, "only {checked} list endpoints found");
}
