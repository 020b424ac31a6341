//! `okx candles INST --bar 1m --from DATE --to DATE --out FILE`: confirmed
//! candles from `history-candles`, oldest first, into CSV or NDJSON,
//! resumable.
//!
//! The walk goes forward in windows of 100 bars: `before = cursor - 1`
//! and `after = cursor + 100 bars` together select the candles with
//! `cursor <= ts < cursor + 100 bars`, at most one page, so every page is
//! complete and is written as soon as it arrives. A window with no candle
//! (before the listing, or a trading halt) is skipped with a binary search
//! for the next candle, a few requests instead of one per empty window.
//! The REST client's limiter keeps to OKX's 20 requests per 2 s.
//!
//! Resuming: when FILE already holds candles, the last complete line says
//! where it stopped; the download continues after it, so nothing is
//! written twice. A torn last line (a run killed mid-write) is cut off
//! first.

use std::fs::OpenOptions;
use std::io::{IsTerminal, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::Instant;

use okx::models::{Bar, Candle};
use okx::rest::RestClient;
use okx::rest::api::market::GetHistoryCandles;

use crate::conn::Settings;
use crate::fail::{CliError, io};
use crate::time::{iso, now_ms};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated, with a header line.
    Csv,
    /// One JSON object per line.
    Ndjson,
}

/// The CSV header.
pub const CSV_HEADER: &str = "ts,time,open,high,low,close,vol,volCcy,volCcyQuote";

/// A page is at most this many candles (OKX's limit for history-candles).
const PAGE: i64 = 100;

/// What to download.
#[derive(Debug, Clone)]
pub struct Job {
    /// Instrument.
    pub inst: String,
    /// Bar.
    pub bar: Bar,
    /// First candle's open time, inclusive (ms).
    pub from: i64,
    /// End, exclusive (ms); now when not given.
    pub to: Option<i64>,
    /// Output file.
    pub out: std::path::PathBuf,
    /// Format.
    pub format: Format,
}

/// One candle as a line of `format` (with its newline).
pub fn line(c: &Candle, format: Format) -> String {
    let d = |v: Option<rust_decimal::Decimal>| v.map(|d| d.to_string()).unwrap_or_default();
    match format {
        Format::Csv => format!(
            "{},{},{},{},{},{},{},{},{}\n",
            c.ts,
            iso(c.ts),
            c.o,
            c.h,
            c.l,
            c.c,
            d(c.vol),
            d(c.vol_ccy),
            d(c.vol_ccy_quote)
        ),
        Format::Ndjson => {
            let v = serde_json::json!({
                "ts": c.ts, "o": c.o.to_string(), "h": c.h.to_string(),
                "l": c.l.to_string(), "c": c.c.to_string(), "vol": d(c.vol),
                "volCcy": d(c.vol_ccy), "volCcyQuote": d(c.vol_ccy_quote),
            });
            format!("{v}\n")
        }
    }
}

/// The open time of the last complete line of a candle file, cutting off
/// a torn last line. `Ok(None)` for a file with no candle yet (missing,
/// empty, or a CSV header only).
pub fn resume_point(path: &Path, format: Format) -> Result<Option<i64>, CliError> {
    let mut f = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io("open", path, &e)),
    };
    let len = f.metadata().map_err(|e| io("read", path, &e))?.len();
    // The last line of either format is far below 4 KiB.
    let start = len.saturating_sub(4096);
    f.seek(SeekFrom::Start(start))
        .map_err(|e| io("read", path, &e))?;
    let mut tail = Vec::new();
    f.read_to_end(&mut tail).map_err(|e| io("read", path, &e))?;
    let complete = match tail.iter().rposition(|&b| b == b'\n') {
        Some(i) => i + 1,
        None if start == 0 => 0,
        None => {
            return Err(CliError::other(format!(
                "{}: last line too long",
                path.display()
            )));
        }
    };
    if complete < tail.len() {
        f.set_len(start + complete as u64)
            .map_err(|e| io("truncate", path, &e))?;
        eprintln!(
            "okx candles: cut a torn last line ({} bytes) off {}",
            tail.len() - complete,
            path.display()
        );
    }
    let text = String::from_utf8_lossy(&tail[..complete]);
    let Some(last) = text.lines().rev().find(|l| !l.trim().is_empty()) else {
        return Ok(None);
    };
    let bad = || {
        CliError::other(format!(
            "{} does not end with a {} candle line: {last:?}",
            path.display(),
            match format {
                Format::Csv => "CSV",
                Format::Ndjson => "NDJSON",
            }
        ))
        .hint("use another --out, or the --format the file was written with")
    };
    let ts = match format {
        Format::Csv if last == CSV_HEADER => return Ok(None),
        Format::Csv => last.split(',').next().and_then(|t| t.parse().ok()),
        Format::Ndjson => serde_json::from_str::<serde_json::Value>(last)
            .ok()
            .and_then(|v| v["ts"].as_i64()),
    };
    ts.map(Some).ok_or_else(bad)
}

/// Candles with `lo <= ts < hi`, oldest first (at most one page: callers
/// keep `hi - lo` within 100 bars, or only ask whether any exists).
async fn window(
    rest: &RestClient,
    inst: &str,
    bar: &Bar,
    lo: i64,
    hi: i64,
) -> Result<Vec<Candle>, CliError> {
    let req = GetHistoryCandles::new(inst)
        .bar(bar.clone())
        .before((lo - 1).to_string())
        .after(hi.to_string())
        .limit(PAGE.to_string());
    // The client's limiter keeps this process within the limit; another
    // process on the same IP can still use it up, so 50011 is waited out.
    let mut tries = 0;
    let mut page = loop {
        match rest.send(&req).await {
            Err(e) if tries < 5 && e.okx_code() == Some(okx::models::OkxCode::RATE_LIMIT) => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            }
            other => break other?,
        }
    };
    page.retain(|c| c.ts >= lo && c.ts < hi);
    page.sort_by_key(|c| c.ts);
    Ok(page)
}

/// The open time of the first candle in `[lo, hi)`, if any, by binary
/// search on "is there a candle in `[lo, x)`".
async fn next_candle(
    rest: &RestClient,
    inst: &str,
    bar: &Bar,
    lo: i64,
    hi: i64,
) -> Result<Option<i64>, CliError> {
    if window(rest, inst, bar, lo, hi).await?.is_empty() {
        return Ok(None);
    }
    // Invariant: none in [lo, a), some in [lo, b).
    let (mut a, mut b) = (lo, hi);
    while b - a > 1 {
        let mid = a + (b - a) / 2;
        if window(rest, inst, bar, lo, mid).await?.is_empty() {
            a = mid;
        } else {
            b = mid;
        }
    }
    Ok(Some(b - 1))
}

fn eta(elapsed: f64, done: f64) -> String {
    if done <= 0.0 {
        return "?".into();
    }
    let secs = (elapsed / done * (1.0 - done)).max(0.0) as u64;
    if secs >= 3600 {
        format!("{}h{:02}m", secs / 3600, secs / 60 % 60)
    } else {
        format!("{}m{:02}s", secs / 60, secs % 60)
    }
}

/// Runs the download; the summary goes to stderr, progress too.
pub async fn download(s: &Settings, job: &Job) -> Result<(), CliError> {
    let Some(bar_ms) = job.bar.duration_ms() else {
        return Err(CliError::usage(format!(
            "--bar {} has no fixed length; use 1s..1W",
            job.bar
        )));
    };
    let end = job.to.unwrap_or_else(now_ms).min(now_ms());
    if job.from >= end {
        return Err(CliError::usage(
            "--from must be before --to (and before now)",
        ));
    }
    let resumed = resume_point(&job.out, job.format)?;
    let start = match resumed {
        // The next candle opens one bar after the last one written.
        Some(ts) => (ts + bar_ms).max(job.from),
        None => job.from,
    };
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&job.out)
        .map_err(|e| io("open", &job.out, &e))?;
    let empty = file.metadata().map(|m| m.len() == 0).unwrap_or(true);
    if empty && job.format == Format::Csv {
        file.write_all(format!("{CSV_HEADER}\n").as_bytes())
            .map_err(|e| io("write", &job.out, &e))?;
    }
    if let Some(ts) = resumed {
        eprintln!("okx candles: resuming after {} ({ts})", iso(ts));
    }
    if start >= end {
        eprintln!("okx candles: {} is up to date", job.out.display());
        return Ok(());
    }
    let rest = s.rest()?;
    let progress = Progress::new(start, end);
    let mut cursor = start;
    let mut written = 0u64;
    let mut last_ts = resumed;
    while cursor < end {
        let hi = (cursor + PAGE * bar_ms).min(end);
        let page = window(&rest, &job.inst, &job.bar, cursor, hi).await?;
        if page.is_empty() {
            match next_candle(&rest, &job.inst, &job.bar, hi, end).await? {
                Some(ts) => cursor = ts,
                None => break,
            }
            continue;
        }
        let mut text = String::new();
        let mut forming = false;
        for c in &page {
            // A candle still forming is the present: stop before it.
            if !c.confirm {
                forming = true;
                break;
            }
            if last_ts.is_some_and(|t| c.ts <= t) {
                continue;
            }
            text.push_str(&line(c, job.format));
            last_ts = Some(c.ts);
            written += 1;
        }
        file.write_all(text.as_bytes())
            .and_then(|()| file.flush())
            .map_err(|e| io("write", &job.out, &e))?;
        if forming {
            break;
        }
        cursor = hi;
        progress.show(cursor, written);
    }
    file.sync_all().map_err(|e| io("sync", &job.out, &e))?;
    progress.done();
    let last = last_ts.map_or_else(|| "-".to_owned(), iso);
    eprintln!(
        "okx candles: wrote {written} candles to {} (last {last})",
        job.out.display()
    );
    Ok(())
}

/// Progress on stderr: redrawn on one line on a terminal, a line every few
/// seconds otherwise.
struct Progress {
    start: i64,
    end: i64,
    began: Instant,
    tty: bool,
    last: std::cell::Cell<Option<Instant>>,
}

impl Progress {
    fn new(start: i64, end: i64) -> Self {
        Progress {
            start,
            end,
            began: Instant::now(),
            tty: std::io::stderr().is_terminal(),
            last: std::cell::Cell::new(None),
        }
    }

    fn show(&self, cursor: i64, written: u64) {
        let every = if self.tty { 0.2 } else { 5.0 };
        let now = Instant::now();
        if self
            .last
            .get()
            .is_some_and(|t| now.duration_since(t).as_secs_f64() < every)
        {
            return;
        }
        self.last.set(Some(now));
        let done = (cursor - self.start) as f64 / (self.end - self.start).max(1) as f64;
        let done = done.clamp(0.0, 1.0);
        let text = format!(
            "okx candles: {written} candles, {:.1}% (at {}), ETA {}",
            done * 100.0,
            iso(cursor.min(self.end)),
            eta(self.began.elapsed().as_secs_f64(), done)
        );
        if self.tty {
            eprint!("\r{text}\x1b[K");
        } else {
            eprintln!("{text}");
        }
    }

    fn done(&self) {
        if self.tty && self.last.get().is_some() {
            eprintln!();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str, text: &str) -> std::path::PathBuf {
        let p = std::env::temp_dir().join(format!("okx-candles-{}-{name}", std::process::id()));
        std::fs::write(&p, text).expect("written");
        p
    }

    #[test]
    fn resume_point_reads_the_last_complete_line() {
        let p = tmp(
            "csv",
            &format!("{CSV_HEADER}\n1000,x,1,1,1,1,,,\n2000,x,1,1,1,1,,,\n30"),
        );
        assert_eq!(resume_point(&p, Format::Csv), Ok(Some(2000)));
        // The torn line was cut off.
        let text = std::fs::read_to_string(&p).expect("read");
        assert!(text.ends_with("2000,x,1,1,1,1,,,\n"), "{text}");
        let p = tmp("hdr", &format!("{CSV_HEADER}\n"));
        assert_eq!(resume_point(&p, Format::Csv), Ok(None));
        let p = tmp("nd", "{\"ts\":5}\n{\"ts\":7}\n");
        assert_eq!(resume_point(&p, Format::Ndjson), Ok(Some(7)));
        assert!(resume_point(&p, Format::Csv).is_err());
        let missing = std::env::temp_dir().join("okx-candles-does-not-exist");
        assert_eq!(resume_point(&missing, Format::Csv), Ok(None));
    }

    #[test]
    fn eta_reads_well() {
        assert_eq!(eta(10.0, 0.5), "0m10s");
        assert_eq!(eta(3600.0, 0.25), "3h00m");
        assert_eq!(eta(1.0, 0.0), "?");
    }
}
