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
        Some("soak") => run_soak(&args[1..]),
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
            eprintln!("  soak   the soak_* tests of okx-client, long: --drops N private-socket");
            eprintln!("         drops each (default 2000; the test suite runs 200)");
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

/// `cargo xtask soak [--drops N]`: the soaks with more drops, optimised,
/// printing their counts.
fn run_soak(args: &[String]) -> ExitCode {
    let mut drops = "2000".to_owned();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match (arg.as_str(), it.next()) {
            ("--drops", Some(n)) if n.parse::<u32>().is_ok_and(|n| n > 0) => drops = n.clone(),
            _ => {
                eprintln!("usage: cargo xtask soak [--drops N]  (N a positive number)");
                return ExitCode::from(2);
            }
        }
    }
    let mut cmd = Command::new("cargo");
    cmd.args([
        "test",
        "--release",
        "-p",
        "okx-client",
        "--test",
        "tests",
        "soak_",
    ])
    .args(["--", "--nocapture", "--test-threads", "1"])
    .env("OKX_SOAK_DROPS", &drops);
    finish(cmd, "cargo")
}

fn run(cmd: &[&str]) -> ExitCode {
    let mut command = Command::new(cmd[0]);
    command.args(&cmd[1..]);
    finish(command, cmd[0])
}

/// Runs `cmd` to its end: success, failure, or why it could not start.
fn finish(mut cmd: Command, name: &str) -> ExitCode {
    match cmd.status() {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("xtask: cannot start {name}: {e}");
            ExitCode::FAILURE
        }
    }
}
