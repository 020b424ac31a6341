//! The audit log: one JSON line per order request, per response, per order
//! and fill push, per risk refusal and per kill-switch trip, with local
//! send and receive times in ms and OKX's gateway times (`inTime`,
//! `outTime`, µs) where the answer carries them.
//!
//! Files are daily (`audit-YYYY-MM-DD.jsonl`, UTC) and roll over to
//! `audit-YYYY-MM-DD.N.jsonl` past a size cap.
//!
//! Durability: every line is written and flushed to the operating system
//! before [`AuditLog::record`] returns, so a crash of the process loses
//! nothing that was recorded; the file is also `fsync`ed at most a second
//! later, so a power loss can lose up to the last second.
//!
//! It never holds the API key's secret, passphrase or a signature: entries
//! are built from order fields and answers, never from request headers.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

/// Local wall-clock time, Unix ms.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `YYYY-MM-DD` of a Unix ms instant, UTC.
pub(crate) fn utc_day(ms: i64) -> String {
    // `YYYY-MM-DD` of the ISO 8601 time the signer writes.
    okx_auth::IsoTimestamp::from_unix_millis(ms).as_str()[..10].to_owned()
}

#[derive(Debug)]
struct Writer {
    dir: PathBuf,
    max_bytes: u64,
    day: String,
    part: u32,
    file: Option<File>,
    bytes: u64,
    dirty: bool,
}

impl Writer {
    fn path(&self) -> PathBuf {
        if self.part == 0 {
            self.dir.join(format!("audit-{}.jsonl", self.day))
        } else {
            self.dir
                .join(format!("audit-{}.{}.jsonl", self.day, self.part))
        }
    }

    fn open(&mut self) -> std::io::Result<()> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.path())?;
        self.bytes = file.metadata()?.len();
        self.file = Some(file);
        Ok(())
    }

    fn write(&mut self, line: &[u8], at_ms: i64) -> std::io::Result<()> {
        let day = utc_day(at_ms);
        if day != self.day {
            self.day = day;
            self.part = 0;
            self.file = None;
        }
        if self.file.is_none() {
            self.open()?;
        }
        while self.bytes > 0 && self.bytes + line.len() as u64 > self.max_bytes {
            self.part += 1;
            self.open()?;
        }
        if let Some(f) = self.file.as_mut() {
            f.write_all(line)?;
            f.flush()?;
        }
        self.bytes += line.len() as u64;
        self.dirty = true;
        Ok(())
    }

    fn sync(&mut self) {
        if self.dirty
            && let Some(f) = self.file.as_mut()
        {
            let _ = f.sync_data();
            self.dirty = false;
        }
    }
}

/// The audit log. Cloning shares it.
#[derive(Debug, Clone)]
pub struct AuditLog {
    writer: Arc<Mutex<Writer>>,
}

impl AuditLog {
    /// Opens (or continues) the log in `dir`, created if missing, with
    /// files capped at 256 MiB.
    pub fn open(dir: impl Into<PathBuf>) -> std::io::Result<Self> {
        Self::open_with_cap(dir, 256 << 20)
    }

    /// Opens the log with files capped at `max_bytes`.
    pub fn open_with_cap(dir: impl Into<PathBuf>, max_bytes: u64) -> std::io::Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)?;
        let mut writer = Writer {
            dir,
            max_bytes: max_bytes.max(1024),
            day: utc_day(now_ms()),
            part: 0,
            file: None,
            bytes: 0,
            dirty: false,
        };
        writer.open()?;
        let log = AuditLog {
            writer: Arc::new(Mutex::new(writer)),
        };
        if tokio::runtime::Handle::try_current().is_ok() {
            let weak = Arc::downgrade(&log.writer);
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    let Some(w) = weak.upgrade() else { return };
                    w.lock().unwrap_or_else(|e| e.into_inner()).sync();
                }
            });
        }
        Ok(log)
    }

    /// The file being written now.
    pub fn path(&self) -> PathBuf {
        self.writer.lock().unwrap_or_else(|e| e.into_inner()).path()
    }

    /// Writes one entry of `kind` with these fields, stamped with the local
    /// time (`ts`, ms).
    pub fn record(&self, kind: &str, fields: Map<String, Value>) -> std::io::Result<()> {
        let at = now_ms();
        let mut entry = Map::new();
        entry.insert("ts".into(), json!(at));
        entry.insert("kind".into(), json!(kind));
        entry.extend(fields);
        let mut line = serde_json::to_vec(&Value::Object(entry)).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.writer
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .write(&line, at)
    }
}

/// Counts and latencies of an audit log.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Lines per `kind`.
    pub kinds: Vec<(String, usize)>,
    /// Responses per outcome (`ok`, `rejected`, `unknown`, `not_sent`).
    pub outcomes: Vec<(String, usize)>,
    /// Refusals per OKX code or risk rule.
    pub rejects: Vec<(String, usize)>,
    /// Send-to-answer latency percentiles (p50, p90, p99, max), ms.
    pub ack_ms: Option<[i64; 4]>,
    /// OKX gateway latency (`outTime` - `inTime`) percentiles, µs.
    pub gateway_us: Option<[i64; 4]>,
    /// Lines that were not JSON objects.
    pub bad_lines: usize,
}

fn percentiles(mut v: Vec<i64>) -> Option<[i64; 4]> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let at = |p: usize| v[(v.len() * p / 100).min(v.len() - 1)];
    Some([at(50), at(90), at(99), v[v.len() - 1]])
}

fn bump(list: &mut Vec<(String, usize)>, key: String) {
    match list.iter_mut().find(|(k, _)| *k == key) {
        Some((_, n)) => *n += 1,
        None => list.push((key, 1)),
    }
}

/// Reads an audit log file and summarizes it.
pub fn summarize(path: &Path) -> std::io::Result<Summary> {
    let file = File::open(path)?;
    let mut s = Summary::default();
    let (mut ack, mut gw) = (Vec::new(), Vec::new());
    for line in BufReader::new(file).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let Ok(Value::Object(v)) = serde_json::from_str::<Value>(&line) else {
            s.bad_lines += 1;
            continue;
        };
        let kind = v
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned();
        if kind == "response" {
            let outcome = v
                .get("outcome")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned();
            if outcome != "ok" {
                let code = v
                    .get("code")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_owned();
                bump(&mut s.rejects, code);
            }
            bump(&mut s.outcomes, outcome);
            if let Some(ms) = v.get("latencyMs").and_then(Value::as_i64) {
                ack.push(ms);
            }
            if let (Some(i), Some(o)) = (
                v.get("inTime").and_then(Value::as_i64),
                v.get("outTime").and_then(Value::as_i64),
            ) {
                gw.push(o - i);
            }
        }
        if kind == "risk_reject" {
            let rule = v.get("rule").and_then(Value::as_str).unwrap_or("?");
            bump(&mut s.rejects, format!("risk:{rule}"));
        }
        bump(&mut s.kinds, kind);
    }
    s.ack_ms = percentiles(ack);
    s.gateway_us = percentiles(gw);
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_lines_roll_over_by_size_and_summarize() {
        let dir =
            std::env::temp_dir().join(format!("okx-audit-{}-{}", std::process::id(), now_ms()));
        let log = AuditLog::open_with_cap(&dir, 2048).unwrap_or_else(|e| panic!("{e}"));
        for i in 0..40 {
            let mut f = Map::new();
            f.insert(
                "outcome".into(),
                json!(if i % 4 == 0 { "rejected" } else { "ok" }),
            );
            f.insert("code".into(), json!("51008"));
            f.insert("latencyMs".into(), json!(i));
            f.insert("inTime".into(), json!(1000));
            f.insert("outTime".into(), json!(1000 + i));
            log.record("response", f).unwrap_or_else(|e| panic!("{e}"));
        }
        let files: Vec<_> = std::fs::read_dir(&dir)
            .map(|r| r.flatten().collect())
            .unwrap_or_default();
        assert!(files.len() > 1, "rolled over at 2 KiB: {files:?}");
        let first = dir.join(format!("audit-{}.jsonl", utc_day(now_ms())));
        let s = summarize(&first).unwrap_or_else(|e| panic!("{e}"));
        assert!(s.kinds[0].1 > 0 && s.bad_lines == 0);
        assert!(s.rejects.iter().any(|(c, _)| c == "51008"));
        assert_eq!(utc_day(1_607_418_537_715), "2020-12-08");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
