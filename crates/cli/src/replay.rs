//! `okx replay book FILE [--json]`: runs recorded WebSocket frames through
//! the order book engine and reports what it found; `okx replay FILE
//! --speed Nx` plays a file written by `okx record` back on stdout at N
//! times its recorded pace.
//!
//! Both read JSON Lines or a JSON array of frames, and `okx record`'s
//! files (gzip or not).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use okx::book::replay::{BookStats, ReplayReport, replay};
use okx::book::{LevelRef, OrderBook};
use serde_json::{Map, Value, json};

/// `okx replay ...`: what to replay.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReplayArgs {
    #[command(subcommand)]
    what: Option<ReplayCmd>,
    /// A file written by `okx record`: its frames are printed at the recorded pace
    file: Option<PathBuf>,
    /// Pace: 1x as recorded, 10x ten times faster, max without waiting
    #[arg(long, default_value = "1x", value_parser = crate::recfile::speed_arg)]
    speed: crate::recfile::Speed,
}

#[derive(Debug, clap::Subcommand)]
enum ReplayCmd {
    /// Replay order book pushes (JSON Lines, or a JSON array of frames) through the book engine
    ///
    /// Each (channel, instId) gets its own book. In the --json output,
    /// `books.<instId>` is the instrument's incremental book (books,
    /// books-l2-tbt, books50-l2-tbt; or its first full-replace channel if it
    /// has none), and books of its other channels (e.g. bbo-tbt, books5) are
    /// under `books.<instId>.channels.<channel>`, with the same fields. A
    /// message that cannot be read is listed in `malformed` with its index
    /// and, if its arg could be read, puts that book out of sync there.
    #[command(verbatim_doc_comment)]
    Book {
        /// File of recorded frames; `-` reads them from stdin
        file: PathBuf,
    },
}

impl ReplayArgs {
    /// Runs the replay; exit code 1 if the file cannot be read or split, or
    /// if it holds no message that could be read.
    pub fn run(self, json: bool) -> ExitCode {
        let result = match (&self.what, &self.file) {
            (Some(ReplayCmd::Book { file }), _) => book(file, json),
            (None, Some(file)) => {
                return match play(file, self.speed.0, json) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => e.report("replay"),
                };
            }
            (None, None) => Err(Failed::from(
                "give a recorded FILE, or `book FILE`; see `okx replay --help`".to_owned(),
            )),
        };
        match result {
            Ok(text) => {
                println!("{}", text.trim_end());
                ExitCode::SUCCESS
            }
            Err(Failed { report, why }) => {
                if let Some(text) = report {
                    println!("{}", text.trim_end());
                }
                eprintln!("okx replay: {why}");
                ExitCode::FAILURE
            }
        }
    }
}

/// A replay that failed: why, and the report if there is one to show.
struct Failed {
    report: Option<String>,
    why: String,
}

impl From<String> for Failed {
    fn from(why: String) -> Self {
        Self { report: None, why }
    }
}

/// `okx replay FILE --speed Nx`.
fn play(file: &Path, speed: Option<f64>, json: bool) -> Result<(), crate::fail::CliError> {
    let bytes = crate::recfile::read_bytes(file)?;
    if !crate::recfile::is_recorded(&bytes) {
        return Err(crate::fail::CliError::other(format!(
            "{} is not a file written by `okx record`",
            file.display()
        ))
        .hint("for JSON Lines of book frames use `okx replay book FILE`"));
    }
    let frames = crate::recfile::parse(&bytes)
        .map_err(|e| crate::fail::CliError::other(format!("{}: {e}", file.display())))?;
    crate::recfile::play(&frames, speed, json, &mut std::io::stdout().lock())
}

/// Reads the recording: the file, or stdin for `-`. A file of `okx
/// record` (gzip or not) becomes JSON Lines of its frames.
fn read_input(file: &Path) -> Result<(Vec<u8>, String), String> {
    if file.as_os_str() == "-" {
        let mut input = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut input)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        return Ok((input, "stdin".to_owned()));
    }
    let input = crate::recfile::read_bytes(file).map_err(|e| e.msg)?;
    let name = file.display().to_string();
    if crate::recfile::is_recorded(&input) {
        let frames = crate::recfile::parse(&input).map_err(|e| format!("{name}: {e}"))?;
        let mut lines = Vec::with_capacity(input.len());
        let mut skipped = 0usize;
        for f in frames {
            // A recording mixes channels; only book frames go to the book
            // engine (its parser reads a candle's array rows as a broken
            // book rather than as another channel).
            if !is_book_frame(&f.frame) {
                skipped += 1;
                continue;
            }
            lines.extend_from_slice(f.frame.as_bytes());
            lines.push(b'\n');
        }
        if skipped > 0 {
            eprintln!("okx replay: {name}: {skipped} frames of other channels or events skipped");
        }
        return Ok((lines, name));
    }
    Ok((input, name))
}

/// Whether a frame is a push on an order book channel.
fn is_book_frame(frame: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Peek {
        arg: Option<PeekArg>,
        data: Option<serde::de::IgnoredAny>,
    }
    #[derive(serde::Deserialize)]
    struct PeekArg {
        channel: String,
    }
    serde_json::from_str::<Peek>(frame).is_ok_and(|p| {
        p.data.is_some()
            && p.arg
                .is_some_and(|a| okx::book::Channel::from_name(&a.channel).is_some())
    })
}

fn book(file: &Path, json: bool) -> Result<String, Failed> {
    let (input, name) = read_input(file)?;
    let report = replay(&input).map_err(|e| format!("{name}: {e}"))?;
    let text = if json {
        to_json(&report).to_string()
    } else {
        summary(&report)
    };
    // A replay that read nothing found nothing: a wrong file, not a clean book.
    let why = match (report.messages, report.malformed.len()) {
        (0, _) => format!("{name}: no messages"),
        (all, bad) if bad == all => format!("{name}: all {all} messages are malformed"),
        _ => return Ok(text),
    };
    Err(Failed {
        report: Some(text),
        why,
    })
}

fn pair(level: Option<LevelRef<'_>>) -> Value {
    level.map_or(Value::Null, |l| json!([l.px, l.sz]))
}

/// The report as the JSON object scripts rely on.
fn to_json(report: &ReplayReport) -> Value {
    let books: Map<String, Value> = report
        .books
        .iter()
        .map(|(inst_id, s)| {
            let mut value = stats_json(s);
            let channels: Map<String, Value> = s
                .channels
                .values()
                .map(|c| (c.channel.name().to_owned(), stats_json(c)))
                .collect();
            value["channels"] = Value::Object(channels);
            (inst_id.clone(), value)
        })
        .collect();
    let malformed: Vec<Value> = report
        .malformed
        .iter()
        .map(|m| json!({"index": m.index, "error": m.error.to_string()}))
        .collect();
    json!({
        "messages": report.messages,
        "ignored": report.ignored,
        "malformed": malformed,
        "books": books,
    })
}

/// One book's fields in the JSON report.
fn stats_json(s: &BookStats) -> Value {
    let book: &OrderBook = &s.book;
    json!({
                "channel": s.channel.name(),
                "applied": s.applied,
                "checksums_verified": s.checksums_verified,
                "checksum_mismatches": s.checksum_mismatches,
                "seq_gaps": s.seq_gaps,
                "out_of_sync_at": s.out_of_sync_at,
                "resyncs": s.resyncs,
                "refused": s.refused,
                "bad_levels": s.bad_levels,
                "malformed": s.malformed,
                "in_sync": book.is_synced(),
                "seq_id": book.seq_id(),
                "best_bid": pair(book.best_bid()),
                "best_ask": pair(book.best_ask()),
    })
}

/// A human-readable summary.
fn summary(report: &ReplayReport) -> String {
    let mut out = format!(
        "{} messages: {} instrument(s), {} ignored, {} malformed\n",
        report.messages,
        report.books.len(),
        report.ignored,
        report.malformed.len()
    );
    for m in &report.malformed {
        out += &format!("  malformed message {}: {}\n", m.index, m.error);
    }
    let all = report.books.iter().flat_map(|(inst_id, s)| {
        std::iter::once((inst_id, s)).chain(s.channels.values().map(move |c| (inst_id, c)))
    });
    for (inst_id, s) in all {
        let state = match s.book.sync_state() {
            Ok(()) => "in sync".to_owned(),
            Err(reason) => format!("OUT OF SYNC ({reason})"),
        };
        out += &format!(
            "{inst_id} [{}]: {state}\n  applied {}, checksums verified {}, mismatches {}, \
             seq gaps {}, resyncs {}, refused {}\n",
            s.channel.name(),
            s.applied,
            s.checksums_verified,
            s.checksum_mismatches,
            s.seq_gaps,
            s.resyncs,
            s.refused,
        );
        if !s.out_of_sync_at.is_empty() {
            out += &format!("  out of sync at messages {:?}\n", s.out_of_sync_at);
        }
        let show =
            |l: Option<LevelRef<'_>>| l.map_or("-".to_owned(), |l| format!("{} x {}", l.px, l.sz));
        out += &format!(
            "  best bid {}, best ask {}\n",
            show(s.book.best_bid()),
            show(s.book.best_ask())
        );
    }
    out
}
