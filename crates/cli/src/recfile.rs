//! The file format of `okx record` (see [`crate::record`]): reading it
//! back (gzip or not), and playing it at its recorded pace.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::time::Duration;

use flate2::read::MultiGzDecoder;

use crate::fail::{CliError, io};

/// One recorded frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// Receive time, Unix ms.
    pub recv_ms: i64,
    /// Endpoint name.
    pub endpoint: String,
    /// The frame text.
    pub frame: String,
}

/// Reads a file's bytes, gunzipped when it is gzip.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, CliError> {
    let mut raw = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut raw))
        .map_err(|e| io("read", path, &e))?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|e| CliError::other(format!("{}: bad gzip: {e}", path.display())))?;
        return Ok(out);
    }
    Ok(raw)
}

/// Whether text is in the recorded format (its first line starts with
/// digits and a tab).
pub fn is_recorded(bytes: &[u8]) -> bool {
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && bytes.get(digits) == Some(&b'\t')
}

/// The frames of a recorded file's text; a line that is not a record is
/// an error naming its number (1-based).
pub fn parse(bytes: &[u8]) -> Result<Vec<Recorded>, String> {
    let mut out = Vec::new();
    for (i, line) in BufReader::new(bytes).lines().enumerate() {
        let line = line.map_err(|e| format!("line {}: {e}", i + 1))?;
        if line.is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, '\t');
        let (Some(t), Some(ep), Some(frame)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(format!(
                "line {}: not RECV_MS<TAB>ENDPOINT<TAB>FRAME",
                i + 1
            ));
        };
        let recv_ms = t
            .parse()
            .map_err(|_| format!("line {}: bad receive time {t:?}", i + 1))?;
        out.push(Recorded {
            recv_ms,
            endpoint: ep.to_owned(),
            frame: frame.to_owned(),
        });
    }
    Ok(out)
}

/// Plays frames back to `w` at `speed` times the recorded pace (`None`:
/// as fast as possible); with `json` each line is
/// `{"t":RECV_MS,"endpoint":..,"frame":FRAME}`, else the frame alone.
pub fn play(
    frames: &[Recorded],
    speed: Option<f64>,
    json: bool,
    w: &mut dyn Write,
) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let first = frames.first().map_or(0, |f| f.recv_ms);
    for f in frames {
        if let Some(speed) = speed {
            let due = Duration::from_secs_f64((f.recv_ms - first).max(0) as f64 / 1000.0 / speed);
            if let Some(wait) = due.checked_sub(started.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        let line = if json {
            let ep = serde_json::to_string(&f.endpoint).unwrap_or_default();
            format!(
                "{{\"t\":{},\"endpoint\":{ep},\"frame\":{}}}\n",
                f.recv_ms, f.frame
            )
        } else {
            format!("{}\n", f.frame)
        };
        crate::out::print(w, &line)?;
    }
    Ok(())
}

/// A pace for [`play`]: times the recorded pace, or `None` for no waiting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Speed(pub Option<f64>);

/// `--speed` for clap.
pub fn speed_arg(text: &str) -> Result<Speed, String> {
    parse_speed(text).map(Speed)
}

/// Parses `--speed`: `2x`, `0.5`, `max`.
pub fn parse_speed(text: &str) -> Result<Option<f64>, String> {
    if text == "max" || text == "0" {
        return Ok(None);
    }
    let n: f64 = text
        .trim_end_matches(['x', 'X'])
        .parse()
        .map_err(|_| format!("{text:?} is not a speed (2x, 0.5x, max)"))?;
    if !(n.is_finite() && n > 0.0) {
        return Err(format!("{text:?} is not a speed above zero"));
    }
    Ok(Some(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds() {
        assert_eq!(parse_speed("2x"), Ok(Some(2.0)));
        assert_eq!(parse_speed("0.5"), Ok(Some(0.5)));
        assert_eq!(parse_speed("max"), Ok(None));
        assert!(parse_speed("-1x").is_err());
    }

    #[test]
    fn play_paces_and_wraps() {
        let frames = vec![
            Recorded {
                recv_ms: 0,
                endpoint: "public".into(),
                frame: "{\"a\":1}".into(),
            },
            Recorded {
                recv_ms: 200,
                endpoint: "public".into(),
                frame: "{\"a\":2}".into(),
            },
        ];
        let mut out = Vec::new();
        let t = std::time::Instant::now();
        play(&frames, Some(2.0), true, &mut out).expect("played");
        assert!(t.elapsed() >= Duration::from_millis(100));
        let text = String::from_utf8(out).expect("utf-8");
        let v: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
        assert_eq!(v["t"], 200);
        assert_eq!(v["frame"]["a"], 2);
    }
}
