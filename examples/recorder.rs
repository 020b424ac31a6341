//! Books and trades of several instruments to CSV files, through
//! `okx::ws::WsClient`, which reconnects, resubscribes and rebuilds the
//! books by itself: a dropped connection is a line in the log, not a hole
//! in the data the recorder has to mend. (For raw frames with receive
//! times, `okx record` records the socket itself.)
//!
//! ```text
//! cargo run --example recorder -- [OUT_DIR] [SECONDS]
//! ```
//!
//! Offline, the simulated exchange drops every connection halfway through
//! to show the recorder carrying on.

#[path = "common/mod.rs"]
pub mod common;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use okx::book::Side as BookSide;
use okx::ws::{Arg, PushData, WsClient, WsEvent};

use common::{BoxError, Venue};

/// What a run recorded.
#[derive(Debug, Default)]
pub struct Report {
    /// Trades written, by instrument.
    pub trades: HashMap<String, usize>,
    /// Top-of-book rows written, by instrument.
    pub tops: HashMap<String, usize>,
    /// Reconnections the client made.
    pub reconnects: usize,
    /// Books rebuilt after losing sync.
    pub resyncs: usize,
}

struct Files {
    trades: std::io::BufWriter<std::fs::File>,
    top: std::io::BufWriter<std::fs::File>,
}

fn open(dir: &Path, inst: &str) -> Result<Files, BoxError> {
    let mut trades = std::io::BufWriter::new(std::fs::File::create(
        dir.join(format!("{inst}-trades.csv")),
    )?);
    writeln!(trades, "ts,tradeId,side,px,sz")?;
    let mut top =
        std::io::BufWriter::new(std::fs::File::create(dir.join(format!("{inst}-top.csv")))?);
    writeln!(top, "seqId,bid,bidSz,ask,askSz")?;
    Ok(Files { trades, top })
}

/// Records `insts` into `dir` for `run_for`.
pub async fn run(
    venue: &Venue,
    insts: &[&str],
    dir: &Path,
    run_for: Duration,
) -> Result<Report, BoxError> {
    std::fs::create_dir_all(dir)?;
    let mut files: HashMap<String, Files> = HashMap::new();
    for inst in insts {
        files.insert((*inst).to_owned(), open(dir, inst)?);
    }
    let (ws, mut events) = WsClient::new(venue.ws())?;
    let args = insts.iter().flat_map(|i| {
        [
            Arg::new("books").inst_id(*i),
            Arg::new("trades").inst_id(*i),
        ]
    });
    ws.subscribe(args).await?;
    let mut report = Report::default();
    let deadline = tokio::time::Instant::now() + run_for;
    let mut dropped = false;
    loop {
        // Offline: drop every connection halfway, as a network would.
        if !dropped && tokio::time::Instant::now() + run_for / 2 >= deadline {
            if let Some(sim) = venue.sim() {
                println!("(dropping every connection on the simulated exchange)");
                sim.ws().inject(okx_testkit::ws::Fault::Drop);
            }
            dropped = true;
        }
        let ev = tokio::select! {
            ev = events.recv() => ev,
            _ = tokio::time::sleep_until(deadline) => break,
            _ = tokio::time::sleep(Duration::from_millis(200)) => continue,
        };
        let Some(ev) = ev else { break };
        match ev {
            WsEvent::Push(push) => {
                if let PushData::Trades(rows) = &push.data {
                    for t in rows {
                        if let Some(f) = files.get_mut(t.inst_id.as_str()) {
                            writeln!(
                                f.trades,
                                "{},{},{},{},{}",
                                t.ts, t.trade_id, t.side, t.px, t.sz
                            )?;
                            *report.trades.entry(t.inst_id.to_string()).or_default() += 1;
                        }
                    }
                }
            }
            WsEvent::Book(u) => {
                let inst = u.inst_id.as_str();
                let top = ws.book(u.channel.name(), inst, |b| {
                    let l = |s| {
                        b.levels(s)
                            .next()
                            .map(|l| (l.px.to_owned(), l.sz.to_owned()))
                    };
                    (b.seq_id(), l(BookSide::Bid), l(BookSide::Ask))
                });
                if let (Some((seq, Some(bid), Some(ask))), Some(f)) = (top, files.get_mut(inst)) {
                    let seq = seq.map(|s| s.to_string()).unwrap_or_default();
                    writeln!(f.top, "{seq},{},{},{},{}", bid.0, bid.1, ask.0, ask.1)?;
                    *report.tops.entry(inst.to_owned()).or_default() += 1;
                }
            }
            WsEvent::Reconnected { endpoint, .. } => {
                println!("reconnected to {endpoint:?}; subscriptions restored");
                report.reconnects += 1;
            }
            WsEvent::Disconnected { reason, .. } => println!("disconnected: {reason:?}"),
            WsEvent::BookOutOfSync {
                inst_id, reason, ..
            } => {
                println!("{inst_id}: book out of sync ({reason}); rebuilding");
                report.resyncs += 1;
            }
            _ => {}
        }
    }
    ws.close().await;
    for f in files.values_mut() {
        f.trades.flush()?;
        f.top.flush()?;
    }
    Ok(report)
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let mut args = std::env::args().skip(1);
    let dir: PathBuf = args
        .next()
        .map_or_else(|| std::env::temp_dir().join("okx-recorder"), Into::into);
    let secs: u64 = args.next().map_or(Ok(6), |s| s.parse())?;
    let venue = Venue::from_env().await?;
    let report = run(
        &venue,
        &["BTC-USDT", "ETH-USDT"],
        &dir,
        Duration::from_secs(secs),
    )
    .await?;
    println!("recorded into {}: {report:?}", dir.display());
    Ok(())
}
