//! `okx record CHANNEL:INST... --out FILE`: raw WebSocket frames with
//! their receive times, gzip-compressed, rotated by size or hour.
//!
//! The frames are kept exactly as OKX sent them (a book's checksum depends
//! on the text of each price), so the recorder reads the socket itself
//! rather than the SDK's decoded events. One connection per endpoint
//! (public, business); a dropped one is reconnected with backoff and
//! resubscribed, and the gap shows as a jump in receive times.
//!
//! The file format, one line per frame, gzip as a whole:
//!
//! ```text
//! RECV_MS<TAB>ENDPOINT<TAB>FRAME
//! ```
//!
//! `RECV_MS` is the local receive time in Unix milliseconds, `ENDPOINT`
//! `public` or `business`, `FRAME` the text frame unchanged (OKX's frames
//! are one line; a line break inside one would be replaced by a space).
//! gzip because recorded JSON shrinks about tenfold, every platform reads
//! it (`zcat`), and a sync flush every second keeps all but the last
//! second readable if the recorder is killed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use flate2::Compression;
use flate2::write::GzEncoder;
use futures_util::{SinkExt as _, StreamExt as _};
use okx::ws::Endpoint;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message;

use crate::conn::Settings;
use crate::fail::{CliError, NETWORK, io};
use crate::time::now_ms;

/// One subscription: `channel:instId` (or a bare channel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sub {
    /// Channel name.
    pub channel: String,
    /// Instrument id, when the channel takes one.
    pub inst: Option<String>,
}

impl std::str::FromStr for Sub {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (channel, inst) = match s.split_once(':') {
            Some((c, i)) => (c, Some(i.to_owned())),
            None => (s, None),
        };
        if channel.is_empty() || inst.as_deref() == Some("") {
            return Err(format!("{s:?}: expected CHANNEL:INST, e.g. books:BTC-USDT"));
        }
        if okx::ws::needs_login(channel) {
            return Err(format!(
                "{channel} needs a login; only public data is recorded"
            ));
        }
        Ok(Sub {
            channel: channel.to_owned(),
            inst,
        })
    }
}

impl Sub {
    fn arg(&self) -> serde_json::Value {
        let mut v = serde_json::json!({ "channel": self.channel });
        if let Some(i) = &self.inst {
            v["instId"] = serde_json::json!(i);
        }
        v
    }
}

/// When to start a new file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rotation {
    /// After this many uncompressed bytes.
    pub bytes: Option<u64>,
    /// At the top of each UTC hour.
    pub hourly: bool,
}

impl Rotation {
    fn on(&self) -> bool {
        self.bytes.is_some() || self.hourly
    }
}

/// The name of a rotated file: `<stem>-<YYYYMMDDTHHMMSSZ>-<n><ext>`, where
/// `<ext>` is everything from the first dot of `out`'s name.
pub fn rotated_name(out: &Path, start_ms: i64, n: u32) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (stem, ext) = match name.find('.') {
        Some(i) if i > 0 => name.split_at(i),
        _ => (name.as_str(), ""),
    };
    let t = crate::time::iso(start_ms);
    let stamp: String = t[..19].chars().filter(|c| *c != '-' && *c != ':').collect();
    out.with_file_name(format!("{stem}-{stamp}Z-{n}{ext}"))
}

/// Writes frames into gzip files, rotating as asked.
struct Sink {
    out: PathBuf,
    rotation: Rotation,
    enc: Option<GzEncoder<std::fs::File>>,
    path: PathBuf,
    bytes: u64,
    hour: i64,
    files: u32,
    written: Vec<PathBuf>,
}

impl Sink {
    fn new(out: PathBuf, rotation: Rotation) -> Sink {
        Sink {
            out,
            rotation,
            enc: None,
            path: PathBuf::new(),
            bytes: 0,
            hour: 0,
            files: 0,
            written: Vec::new(),
        }
    }

    fn open(&mut self, now: i64) -> Result<(), CliError> {
        self.close()?;
        let path = if self.rotation.on() {
            rotated_name(&self.out, now, self.files)
        } else {
            self.out.clone()
        };
        let file = std::fs::File::create(&path).map_err(|e| io("create", &path, &e))?;
        self.enc = Some(GzEncoder::new(file, Compression::default()));
        self.path = path.clone();
        self.written.push(path);
        self.files += 1;
        self.bytes = 0;
        self.hour = now.div_euclid(3_600_000);
        Ok(())
    }

    fn write(&mut self, recv_ms: i64, endpoint: &str, frame: &str) -> Result<(), CliError> {
        let rotate = self.enc.is_none()
            || self.rotation.bytes.is_some_and(|b| self.bytes >= b)
            || (self.rotation.hourly && recv_ms.div_euclid(3_600_000) != self.hour);
        if rotate {
            self.open(recv_ms)?;
        }
        let frame = frame.replace(['\n', '\r'], " ");
        let line = format!("{recv_ms}\t{endpoint}\t{frame}\n");
        self.bytes += line.len() as u64;
        let path = self.path.clone();
        if let Some(enc) = &mut self.enc {
            enc.write_all(line.as_bytes())
                .map_err(|e| io("write", &path, &e))?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), CliError> {
        let path = self.path.clone();
        if let Some(enc) = &mut self.enc {
            enc.flush().map_err(|e| io("write", &path, &e))?;
        }
        Ok(())
    }

    fn close(&mut self) -> Result<(), CliError> {
        if let Some(enc) = self.enc.take() {
            let file = enc.finish().map_err(|e| io("finish", &self.path, &e))?;
            file.sync_all().map_err(|e| io("sync", &self.path, &e))?;
        }
        Ok(())
    }
}

/// A frame on its way to the file.
struct Frame {
    recv_ms: i64,
    endpoint: &'static str,
    text: String,
}

/// Quiet time after which the recorder pings (OKX closes at 30 s).
const PING_AFTER: Duration = Duration::from_secs(20);

async fn connection(
    url: String,
    endpoint: &'static str,
    subs: Vec<Sub>,
    tx: mpsc::Sender<Frame>,
    mut stop: watch::Receiver<bool>,
) -> Result<(), CliError> {
    let mut backoff = Duration::from_secs(1);
    let mut ever_up = false;
    loop {
        let connected = tokio::select! {
            c = tokio_tungstenite::connect_async(url.as_str()) => c,
            _ = stop.changed() => return Ok(()),
        };
        match connected {
            Ok((ws, _)) => {
                ever_up = true;
                backoff = Duration::from_secs(1);
                let (mut write, mut read) = ws.split();
                let op = serde_json::json!({
                    "op": "subscribe",
                    "args": subs.iter().map(Sub::arg).collect::<Vec<_>>(),
                });
                if write.send(Message::Text(op.to_string())).await.is_err() {
                    continue;
                }
                eprintln!(
                    "okx record: {endpoint} connected, {} subscription(s)",
                    subs.len()
                );
                loop {
                    let msg = tokio::select! {
                        m = tokio::time::timeout(PING_AFTER, read.next()) => m,
                        _ = stop.changed() => {
                            let _ = write.send(Message::Close(None)).await;
                            return Ok(());
                        }
                    };
                    match msg {
                        Err(_) => {
                            if write.send(Message::Text("ping".into())).await.is_err() {
                                break;
                            }
                        }
                        Ok(Some(Ok(Message::Text(text)))) => {
                            if text == "pong" {
                                continue;
                            }
                            let frame = Frame {
                                recv_ms: now_ms(),
                                endpoint,
                                text,
                            };
                            if tx.send(frame).await.is_err() {
                                return Ok(());
                            }
                        }
                        Ok(Some(Ok(Message::Ping(p)))) => {
                            let _ = write.send(Message::Pong(p)).await;
                        }
                        Ok(Some(Ok(Message::Close(_)) | Err(_)) | None) => break,
                        Ok(Some(Ok(_))) => {}
                    }
                }
                eprintln!("okx record: {endpoint} disconnected; reconnecting");
            }
            Err(e) if !ever_up => {
                return Err(
                    CliError::new(NETWORK, format!("cannot connect to {url}: {e}"))
                        .hint("check the network, --ws-url and --region"),
                );
            }
            Err(e) => eprintln!("okx record: {endpoint}: {e}; retrying in {backoff:?}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = stop.changed() => return Ok(()),
        }
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
}

/// What to record and for how long.
#[derive(Debug, Clone)]
pub struct RecordJob {
    /// Subscriptions.
    pub subs: Vec<Sub>,
    /// Output file (or name pattern, with rotation).
    pub out: PathBuf,
    /// Rotation.
    pub rotation: Rotation,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Stop after this many frames.
    pub count: Option<u64>,
}

/// Records until Ctrl-C, `duration` or `count`; returns the files written.
pub async fn record(s: &Settings, job: &RecordJob) -> Result<Vec<PathBuf>, CliError> {
    let cfg = s.ws_config();
    let (tx, mut rx) = mpsc::channel::<Frame>(4096);
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks = Vec::new();
    for (endpoint, name) in [
        (Endpoint::Public, "public"),
        (Endpoint::Business, "business"),
    ] {
        let subs: Vec<Sub> = job
            .subs
            .iter()
            .filter(|s| okx::ws::channel_endpoint(&s.channel) == endpoint)
            .cloned()
            .collect();
        if subs.is_empty() {
            continue;
        }
        tasks.push(tokio::spawn(connection(
            cfg.url(endpoint),
            name,
            subs,
            tx.clone(),
            stop_rx.clone(),
        )));
    }
    drop(tx);
    let mut sink = Sink::new(job.out.clone(), job.rotation);
    let mut frames = 0u64;
    let deadline = async {
        match job.duration {
            Some(d) => tokio::time::sleep(d).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(deadline);
    let mut flush = tokio::time::interval(Duration::from_secs(1));
    let result = loop {
        tokio::select! {
            f = rx.recv() => match f {
                Some(f) => {
                    if let Err(e) = sink.write(f.recv_ms, f.endpoint, &f.text) {
                        break Err(e);
                    }
                    frames += 1;
                    if job.count.is_some_and(|n| frames >= n) {
                        break Ok(());
                    }
                }
                // Every connection ended: the first failed to connect.
                None => break Ok(()),
            },
            _ = flush.tick() => {
                if let Err(e) = sink.flush() {
                    break Err(e);
                }
            }
            _ = &mut deadline => break Ok(()),
            _ = crate::market::stop_signal() => break Ok(()),
        }
    };
    let _ = stop_tx.send(true);
    let mut first_error = None;
    for t in tasks {
        if let Ok(Err(e)) = t.await {
            first_error.get_or_insert(e);
        }
    }
    sink.close()?;
    result?;
    if let Some(e) = first_error {
        return Err(e);
    }
    eprintln!(
        "okx record: {frames} frames in {} file(s)",
        sink.written.len()
    );
    Ok(sink.written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recfile::{is_recorded, parse, read_bytes};

    #[test]
    fn subs_parse() {
        assert_eq!(
            "books:BTC-USDT".parse::<Sub>(),
            Ok(Sub {
                channel: "books".into(),
                inst: Some("BTC-USDT".into())
            })
        );
        assert!("books:".parse::<Sub>().is_err());
        assert!("orders:BTC-USDT".parse::<Sub>().is_err());
    }

    #[test]
    fn rotated_names_keep_the_extension() {
        let p = rotated_name(Path::new("/d/btc.rec.gz"), 1_700_000_000_000, 3);
        assert_eq!(p, Path::new("/d/btc-20231114T221320Z-3.rec.gz"));
    }

    #[test]
    fn sink_rotates_by_size_and_files_read_back() {
        let dir = std::env::temp_dir().join(format!("okx-rec-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let mut sink = Sink::new(
            dir.join("x.rec.gz"),
            Rotation {
                bytes: Some(100),
                hourly: false,
            },
        );
        for i in 0..10 {
            let frame = format!("{{\"n\":{i},\"pad\":\"{}\"}}", "a".repeat(40));
            sink.write(1_000 + i, "public", &frame).expect("written");
        }
        sink.close().expect("closed");
        assert_eq!(sink.written.len(), 5, "two 60-byte lines per file");
        let mut all = Vec::new();
        for p in &sink.written {
            let bytes = read_bytes(p).expect("gunzip");
            assert!(is_recorded(&bytes));
            all.extend(parse(&bytes).expect("records"));
        }
        assert_eq!(all.len(), 10);
        assert_eq!(all[3].recv_ms, 1003);
        assert!(all[3].frame.starts_with("{\"n\":3,"));
    }
}
