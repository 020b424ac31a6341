//! `okx audit summarize FILE`: counts, refusals and latency percentiles of
//! an audit log written by `okx::client::safety::AuditLog`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use okx::client::safety::summarize;
use serde_json::json;

/// Audit logs.
#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Counts, refusals and latency percentiles (send to answer, OKX's gateway).
    Summarize {
        /// The audit file (`audit-YYYY-MM-DD.jsonl`).
        file: PathBuf,
    },
}

impl AuditArgs {
    pub fn run(self, json: bool) -> ExitCode {
        let AuditCommand::Summarize { file } = self.command;
        let s = match summarize(&file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("okx audit summarize: cannot read {}: {e}", file.display());
                return ExitCode::from(2);
            }
        };
        if json {
            let v = json!({
                "kinds": s.kinds, "outcomes": s.outcomes, "rejects": s.rejects,
                "ack_ms": s.ack_ms, "gateway_us": s.gateway_us, "bad_lines": s.bad_lines,
            });
            println!("{v}");
        } else {
            println!("lines by kind:");
            for (k, n) in &s.kinds {
                println!("  {k:<14} {n:>8}");
            }
            println!("answers by outcome:");
            for (k, n) in &s.outcomes {
                println!("  {k:<14} {n:>8}");
            }
            if !s.rejects.is_empty() {
                println!("refusals by code or rule:");
                for (k, n) in &s.rejects {
                    println!("  {k:<14} {n:>8}");
                }
            }
            let show = |name: &str, unit: &str, p: Option<[i64; 4]>| match p {
                Some([p50, p90, p99, max]) => {
                    println!(
                        "{name}: p50 {p50}{unit}  p90 {p90}{unit}  p99 {p99}{unit}  max {max}{unit}"
                    )
                }
                None => println!("{name}: no data"),
            };
            show("send to answer", " ms", s.ack_ms);
            show("okx gateway   ", " us", s.gateway_us);
            if s.bad_lines > 0 {
                println!("{} lines were not JSON objects", s.bad_lines);
            }
        }
        if s.bad_lines > 0 {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    }
}
