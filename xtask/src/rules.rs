//! Repository rules that `cargo test` enforces.

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The modules of the crate named in `text` as `crate::module::`, in
    /// plain paths and in `use crate::{module::..., ...}` groups. Comments
    /// and the test module at the end of a file do not count.
    fn named_modules(text: &str) -> BTreeSet<String> {
        let code = match text.find("#[cfg(test)]\nmod ") {
            Some(at) => &text[..at],
            None => text,
        };
        let code: String = code
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let ident = |s: &str| -> Option<String> {
            let name: String = s
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            (!name.is_empty() && s[name.len()..].starts_with("::")).then_some(name)
        };
        let mut out = BTreeSet::new();
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                out.extend(group.split(',').filter_map(|part| ident(part.trim())));
            } else if let Some(name) = ident(rest) {
                out.insert(name);
            }
        }
        out
    }

    /// Groups of modules that depend on each other, in one crate's `src`.
    fn cycles(src: &Path) -> Vec<Vec<String>> {
        let mut files = Vec::new();
        rust_files(src, &mut files);
        let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in files {
            let rel = file.strip_prefix(src).unwrap_or(&file);
            let top = rel
                .components()
                .next()
                .map(|c| {
                    c.as_os_str()
                        .to_string_lossy()
                        .trim_end_matches(".rs")
                        .to_owned()
                })
                .unwrap_or_default();
            if matches!(top.as_str(), "lib" | "main") {
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            // a module naming its own submodules is no dependency
            let named: Vec<String> = named_modules(&text)
                .into_iter()
                .filter(|m| *m != top)
                .collect();
            deps.entry(top).or_default().extend(named);
        }
        let modules: BTreeSet<String> = deps.keys().cloned().collect();
        // A module's reach: every module it depends on, directly or not.
        let reach = |from: &str| -> BTreeSet<String> {
            let mut seen = BTreeSet::new();
            let mut todo = vec![from.to_owned()];
            while let Some(m) = todo.pop() {
                for d in deps.get(&m).into_iter().flatten() {
                    if modules.contains(d) && seen.insert(d.clone()) {
                        todo.push(d.clone());
                    }
                }
            }
            seen
        };
        let reaches: BTreeMap<&String, BTreeSet<String>> =
            modules.iter().map(|m| (m, reach(m))).collect();
        let mut groups: Vec<Vec<String>> = Vec::new();
        for m in &modules {
            if !reaches[m].contains(m) || groups.iter().any(|g| g.contains(m)) {
                continue;
            }
            let group: Vec<String> = modules
                .iter()
                .filter(|o| reaches[m].contains(*o) && reaches[*o].contains(m))
                .cloned()
                .collect();
            groups.push(group);
        }
        groups
    }

    /// Modules of a crate form a hierarchy: shared types and errors sit in
    /// modules of their own, below everything that names them.
    #[test]
    fn no_module_depends_on_a_module_that_depends_back_on_it() {
        let mut crates: Vec<PathBuf> = std::fs::read_dir(root().join("crates"))
            .expect("crates/")
            .flatten()
            .map(|e| e.path().join("src"))
            .filter(|p| p.is_dir())
            .collect();
        crates.push(root().join("src"));
        crates.sort();
        let found: Vec<String> = crates
            .iter()
            .flat_map(|src| {
                cycles(src)
                    .into_iter()
                    .map(move |g| format!("{}: {}", src.display(), g.join(" <-> ")))
            })
            .collect();
        assert!(found.is_empty(), "module cycles:\n{}", found.join("\n"));
    }

    #[test]
    fn the_cycle_check_sees_grouped_uses_and_ignores_tests() {
        let text = "use crate::{frame::ParseError, Side};\nuse crate::scan::Scanner;\n\
                    // crate::commented::X\nfn f() { crate::num::decimal(\"1\"); }\n\
                    #[cfg(test)]\nmod tests { use crate::book::OrderBook; }\n";
        let names: Vec<String> = named_modules(text).into_iter().collect();
        assert_eq!(names, ["frame", "num", "scan"]);
    }

    #[test]
    fn a_cycle_through_three_modules_is_found() {
        let dir = std::env::temp_dir().join(format!("xtask-cycles-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("conn")).expect("temp dir");
        for (file, text) in [
            ("lib.rs", "mod arg; mod config; mod conn; mod error;"),
            ("arg.rs", "use crate::config::Endpoint;"),
            ("config.rs", "use crate::error::WsError;"),
            ("error.rs", "pub struct WsError(crate::arg::Arg);"),
            ("conn/handle.rs", "use crate::{arg::Arg, error::WsError};"),
        ] {
            std::fs::write(dir.join(file), text).expect("write");
        }
        let found = cycles(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(found, [["arg", "config", "error"]]);
    }
}
