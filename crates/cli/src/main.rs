//! The `okx` command: tools built on the OKX V5 SDK.
//!
//! Each subcommand lives in its own module with a clap `Args` struct and a
//! `run(self) -> ExitCode`; adding one means a `mod` line, a variant of
//! [`Command`] and its match arm.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod audit;
mod testkit;

use okx_cli::{replay, sign};

/// Tools for the OKX V5 API.
#[derive(Debug, Parser)]
#[command(name = "okx", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sign requests the way OKX checks them: JSON lines on stdin, or one request from flags.
    Sign(sign::SignArgs),
    /// Replay recorded WebSocket frames through the SDK: `okx replay book FILE [--json]`.
    Replay(replay::ReplayArgs),
    /// Audit logs: `okx audit summarize FILE [--json]`.
    Audit(audit::AuditArgs),
    /// The simulated OKX exchange: `okx testkit serve [--seed N] [--rest-port P] ...`.
    Testkit(testkit::TestkitArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Sign(args) => args.run(),
        Command::Replay(args) => args.run(),
        Command::Testkit(args) => args.run(),
        Command::Audit(args) => args.run(),
    }
}
