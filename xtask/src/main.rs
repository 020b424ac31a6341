//! Project automation. Run `cargo xtask help`.

use std::process::{Command, ExitCode};

mod codegen;
mod rules;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ci") => run_ci(),
        Some("bench") => run(&["cargo", "bench", "--workspace"]),
        Some("codegen") => codegen::run(args.get(1).map(String::as_str) == Some("--check")),
        Some("fuzz") => run_fuzz(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <ci|bench|codegen [--check]|fuzz --seconds N [--target NAME]>"
            );
            eprintln!("  ci     run what .ci/run runs (fmt, clippy, tests, bench build, docs)");
            eprintln!("  bench  run every criterion benchmark");
            eprintln!("  codegen  regenerate REST types, samples and tests from ../shared/okx-v5");
            eprintln!("           (--check: fail if the committed output is stale)");
            eprintln!("  fuzz   mutate recorded payloads through each fuzz target for N seconds");
            eprintln!(
                "         (--target NAME: one target; --seed S; --release: optimised build);"
            );
            eprintln!("         findings are saved as reproducers in crates/fuzz/regressions/");
            ExitCode::from(2)
        }
    }
}

fn run_ci() -> ExitCode {
    let status = Command::new("bash").arg(".ci/run").status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("xtask: cannot start bash .ci/run: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask fuzz`: builds the harness (debug unless `--release`, so CI
/// reuses what the tests built) and runs it; its other flags pass through.
fn run_fuzz(args: &[String]) -> ExitCode {
    let mut cmd = vec!["cargo", "run", "--quiet", "--package", "okx-fuzz"];
    if args.iter().any(|a| a == "--release") {
        cmd.push("--release");
    }
    cmd.extend(["--", "run"]);
    cmd.extend(
        args.iter()
            .map(String::as_str)
            .filter(|a| *a != "--release"),
    );
    run(&cmd)
}

fn run(cmd: &[&str]) -> ExitCode {
    let status = Command::new(cmd[0]).args(&cmd[1..]).status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("xtask: cannot start {}: {e}", cmd[0]);
            ExitCode::FAILURE
        }
    }
}
