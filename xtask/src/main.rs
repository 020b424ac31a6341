//! Project automation. Run `cargo xtask help`.

use std::process::{Command, ExitCode};

mod codegen;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ci") => run_ci(),
        Some("bench") => run(&["cargo", "bench", "--workspace"]),
        Some("codegen") => codegen::run(args.get(1).map(String::as_str) == Some("--check")),
        _ => {
            eprintln!("usage: cargo xtask <ci|bench|codegen [--check]>");
            eprintln!("  ci     run what .ci/run runs (fmt, clippy, tests, bench build, docs)");
            eprintln!("  bench  run every criterion benchmark");
            eprintln!("  codegen  regenerate REST types, samples and tests from ../shared/okx-v5");
            eprintln!("           (--check: fail if the committed output is stale)");
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
