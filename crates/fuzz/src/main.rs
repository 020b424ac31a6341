//! `okx-fuzz run --seconds N [--target NAME] [--seed S]`: fuzz each target
//! (or one) for N seconds and report cases per second and findings.
//! `okx-fuzz worker ...` is the child process the runner supervises.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use okx_fuzz::run::{Work, supervise, worker};
use okx_fuzz::targets::{TARGETS, Target, by_name};

fn usage() -> ExitCode {
    eprintln!("usage: okx-fuzz run --seconds N [--target NAME] [--seed S]");
    eprintln!("targets:");
    for t in TARGETS {
        eprintln!("  {:<9} {}", t.name, t.about);
    }
    ExitCode::from(2)
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn number(args: &[String], name: &str, default: u64) -> Option<u64> {
    match flag(args, name) {
        Some(v) => v.parse().ok(),
        None => Some(default),
    }
}

fn targets(args: &[String]) -> Option<Vec<&'static Target>> {
    match flag(args, "--target") {
        Some(name) => by_name(name).map(|t| vec![t]),
        None => Some(TARGETS.iter().collect()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("worker") => {
            let (Some(target), Some(seed), Some(from), Some(count), Some(millis)) = (
                flag(&args, "--target").and_then(by_name),
                number(&args, "--seed", 1),
                number(&args, "--from", 0),
                number(&args, "--count", u64::MAX),
                number(&args, "--millis", 1000),
            ) else {
                return usage();
            };
            let write_each = flag(&args, "--write-each").map(PathBuf::from);
            let work = Work {
                seed,
                from,
                count,
                time: Duration::from_millis(millis),
                write_each,
            };
            worker(target, work);
            ExitCode::SUCCESS
        }
        Some("run") => {
            let (Some(seconds), Some(seed), Some(targets)) = (
                number(&args, "--seconds", 10),
                number(&args, "--seed", seed_from_clock()),
                targets(&args),
            ) else {
                return usage();
            };
            let Ok(exe) = std::env::current_exe() else {
                eprintln!("okx-fuzz: cannot find its own executable");
                return ExitCode::FAILURE;
            };
            println!("seed {seed}, {seconds} s per target");
            let mut found = 0;
            for target in targets {
                let report = supervise(&exe, target, seed, Duration::from_secs(seconds));
                let secs = report.elapsed.as_secs_f64().max(1e-9);
                println!(
                    "{:<9} {:>10} cases in {:>6.1} s = {:>9.0} cases/s, {} finding(s)",
                    target.name,
                    report.cases,
                    secs,
                    report.cases as f64 / secs,
                    report.findings.len()
                );
                for f in &report.findings {
                    println!("  {f}");
                }
                found += report.findings.len();
            }
            if found == 0 {
                ExitCode::SUCCESS
            } else {
                println!(
                    "{found} finding(s) saved as reproducers; `cargo test -p okx-fuzz` replays them"
                );
                ExitCode::FAILURE
            }
        }
        _ => usage(),
    }
}

fn seed_from_clock() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
}
