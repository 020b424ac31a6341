//! `okx testkit serve`: the simulated OKX exchange as a standalone server.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use okx::testkit::serve::{ServeOptions, serve};
use rust_decimal::Decimal;

/// The simulated exchange.
#[derive(Debug, Args)]
pub struct TestkitArgs {
    #[command(subcommand)]
    command: TestkitCommand,
}

#[derive(Debug, Subcommand)]
enum TestkitCommand {
    /// Run the simulated OKX exchange (REST and WS) on 127.0.0.1 until Ctrl-C;
    /// prints one JSON line with its URLs and test credentials.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// REST port (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    rest_port: u16,
    /// WebSocket port (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    ws_port: u16,
    /// Seed of the simulated market: the same seed gives the same market.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Only these instruments of the default set (repeat or comma-separate).
    #[arg(long = "instrument", value_delimiter = ',')]
    instruments: Vec<String>,
    /// Starting balance of the default account, CCY=AMOUNT (repeatable).
    #[arg(long = "balance", value_parser = parse_balance)]
    balances: Vec<(String, Decimal)>,
    /// Book pushes carry checksum 0, as OKX's do since 2026-06-23.
    #[arg(long)]
    checksum_zero: bool,
    /// Book subscriptions send no snapshot (OKX's announced behaviour).
    #[arg(long)]
    no_book_snapshot: bool,
    /// Latency added to every REST answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// How often the market moves, in milliseconds (0: it holds still).
    #[arg(long, default_value_t = 200)]
    step_ms: u64,
    /// Answer endpoints the exchange does not simulate with OKX's documented
    /// example (by default they answer 50005, "not simulated").
    #[arg(long)]
    samples: bool,
}

fn parse_balance(text: &str) -> Result<(String, Decimal), String> {
    let (ccy, amount) = text
        .split_once('=')
        .ok_or_else(|| format!("expected CCY=AMOUNT, got {text:?}"))?;
    let amount: Decimal = amount
        .parse()
        .map_err(|_| format!("{amount:?} is not a decimal amount"))?;
    if ccy.is_empty() || !ccy.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!("{ccy:?} is not a currency code"));
    }
    Ok((ccy.to_ascii_uppercase(), amount))
}

impl TestkitArgs {
    pub fn run(self) -> ExitCode {
        match self.command {
            TestkitCommand::Serve(args) => args.run(),
        }
    }
}

impl ServeArgs {
    fn run(self) -> ExitCode {
        let opts = ServeOptions {
            rest_port: self.rest_port,
            ws_port: self.ws_port,
            seed: self.seed,
            instruments: self.instruments,
            balances: self.balances,
            checksum_zero: self.checksum_zero,
            no_book_snapshot: self.no_book_snapshot,
            latency: Duration::from_millis(self.latency_ms),
            motion: (self.step_ms > 0).then(|| Duration::from_millis(self.step_ms)),
            samples: self.samples,
        };
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("okx testkit serve: cannot start the runtime: {e}");
                return ExitCode::FAILURE;
            }
        };
        runtime.block_on(async move {
            let (okx, line) = match serve(&opts).await {
                Ok(started) => started,
                Err(e) => {
                    eprintln!("okx testkit serve: {e}");
                    return ExitCode::from(2);
                }
            };
            println!("{line}");
            match stop_signal().await {
                Ok(()) => {
                    drop(okx);
                    eprintln!("okx testkit serve: stopped");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("okx testkit serve: cannot wait for Ctrl-C: {e}");
                    ExitCode::FAILURE
                }
            }
        })
    }
}

/// Ctrl-C, or (on Unix) the SIGTERM a supervisor sends.
async fn stop_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
