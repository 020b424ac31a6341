//! `okx sign`: the signer as a command, for tools in any language.
//!
//! With `--timestamp --method --path` it signs one request and prints the
//! signature. Otherwise it reads JSON lines
//! `{"secret","timestamp","method","path","body"}` on stdin and prints
//! `{"line":N,"signature":"..."}` for each. A bad line is reported on stderr
//! with its number, the rest are still signed, and the exit code is 1.
//!
//! A timestamp must be in one of the two forms OKX signs (ISO-8601 UTC with
//! milliseconds for REST, Unix seconds for a WS login) unless
//! `--any-timestamp` says otherwise, and a line longer than
//! `--max-line-bytes` is refused unread, so a runaway input cannot take the
//! memory of the machine.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use clap::Args;
use okx::auth::{ENV_SECRET_KEY, Signer};
use serde_json::{Map, Value};

/// Arguments of `okx sign`. `Debug` is written by hand so the secret never prints.
#[derive(Args)]
#[command(after_help = "\
Without --timestamp/--method/--path, reads JSON lines from stdin:
  {\"secret\":\"...\",\"timestamp\":\"2020-12-08T09:08:57.715Z\",\"method\":\"GET\",\"path\":\"/api/v5/account/balance\",\"body\":\"\"}
and prints {\"line\":1,\"signature\":\"...\"} for each. \"secret\" may be left out when
--secret or OKX_SECRET_KEY is given; \"body\" may be left out for an empty body.")]
pub struct SignArgs {
    /// Timestamp to sign: ISO-8601 with milliseconds for REST, Unix seconds for a WS login.
    #[arg(long, requires_all = ["method", "path"])]
    timestamp: Option<String>,
    /// HTTP method; OKX signs it in upper case, so it is upper-cased.
    #[arg(long, requires = "timestamp")]
    method: Option<String>,
    /// Request path with its query string exactly as sent, e.g. /api/v5/account/balance?ccy=BTC.
    #[arg(long, requires = "timestamp")]
    path: Option<String>,
    /// Exact request body; empty for GET.
    #[arg(long, requires = "timestamp")]
    body: Option<String>,
    /// API secret. Prefer the environment variable: flags show up in process lists.
    #[arg(long, env = ENV_SECRET_KEY, hide_env_values = true)]
    secret: Option<String>,
    /// Sign a timestamp in any form, not only ISO-8601 with milliseconds or Unix seconds.
    #[arg(long)]
    any_timestamp: bool,
    /// Longest stdin line read, in bytes; a longer one is refused and skipped.
    #[arg(long, default_value_t = DEFAULT_MAX_LINE_BYTES)]
    max_line_bytes: usize,
}

/// The default bound on one stdin line: far above any OKX request (a batch
/// of 20 orders is a few KiB), far below what would strain memory.
pub const DEFAULT_MAX_LINE_BYTES: usize = 1024 * 1024;

/// How [`sign_lines`] treats its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRules {
    /// Longest line read, in bytes (without its line break).
    pub max_line_bytes: usize,
    /// Sign a timestamp in any form.
    pub any_timestamp: bool,
}

impl Default for LineRules {
    fn default() -> Self {
        Self {
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            any_timestamp: false,
        }
    }
}

impl std::fmt::Debug for SignArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignArgs")
            .field("timestamp", &self.timestamp)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body", &self.body)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("any_timestamp", &self.any_timestamp)
            .field("max_line_bytes", &self.max_line_bytes)
            .finish()
    }
}

impl SignArgs {
    /// Runs the subcommand.
    pub fn run(self) -> ExitCode {
        match (&self.timestamp, &self.method, &self.path) {
            (Some(timestamp), Some(method), Some(path)) => {
                let Some(secret) = &self.secret else {
                    eprintln!("okx sign: no secret: pass --secret or set {ENV_SECRET_KEY}");
                    return ExitCode::FAILURE;
                };
                if !self.any_timestamp
                    && let Err(msg) = check_timestamp(timestamp)
                {
                    eprintln!("okx sign: {msg}");
                    return ExitCode::FAILURE;
                }
                let body = self.body.as_deref().unwrap_or("");
                let method = method.to_ascii_uppercase();
                let sig =
                    Signer::new(secret.as_bytes()).sign(timestamp, &method, path, body.as_bytes());
                println!("{sig}");
                ExitCode::SUCCESS
            }
            _ => {
                let rules = LineRules {
                    max_line_bytes: self.max_line_bytes,
                    any_timestamp: self.any_timestamp,
                };
                let ok = sign_lines(
                    io::stdin().lock(),
                    &mut io::stdout().lock(),
                    self.secret.as_deref(),
                    rules,
                    &mut |msg| eprintln!("okx sign: {msg}"),
                );
                if ok {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// What [`read_line`] found.
enum Line {
    End,
    Read,
    TooLong,
}

/// Reads one line into `buf` (line break included), keeping at most `max`
/// bytes of it: the rest of a longer line is read and dropped.
fn read_line(input: &mut impl BufRead, buf: &mut Vec<u8>, max: usize) -> io::Result<Line> {
    buf.clear();
    let mut seen = 0usize;
    loop {
        let chunk = match input.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(match seen {
                0 => Line::End,
                _ if seen > max => Line::TooLong,
                _ => Line::Read,
            });
        }
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        // The line break does not count against the bound.
        let content = take - usize::from(done);
        if seen + content <= max {
            buf.extend_from_slice(&chunk[..take]);
        }
        seen += content;
        input.consume(take);
        if done {
            return Ok(if seen > max {
                Line::TooLong
            } else {
                Line::Read
            });
        }
    }
}

/// Signs each JSON line of `input` into `out`, telling `report` about each
/// bad line (by number, never quoting a field value); `false` if any line
/// was bad or the input could not be read or the output written.
pub fn sign_lines(
    mut input: impl BufRead,
    out: &mut impl Write,
    default_secret: Option<&str>,
    rules: LineRules,
    report: &mut dyn FnMut(String),
) -> bool {
    // Re-keying costs two compressions; remember the last key since a stream
    // usually signs many requests with one secret.
    let mut keyed: Option<(String, Signer)> = None;
    let mut failed = false;
    let mut raw = Vec::new();
    let mut number = 0;
    loop {
        match read_line(&mut input, &mut raw, rules.max_line_bytes) {
            Ok(Line::End) => break,
            Ok(Line::Read) => number += 1,
            Ok(Line::TooLong) => {
                number += 1;
                report(format!(
                    "line {number}: longer than {} bytes; not signed",
                    rules.max_line_bytes
                ));
                failed = true;
                continue;
            }
            Err(e) => {
                report(format!("line {}: cannot read input: {e}", number + 1));
                return false;
            }
        }
        // One line that is not UTF-8 must not stop the lines after it.
        let Ok(line) = std::str::from_utf8(&raw) else {
            report(format!("line {number}: not utf-8"));
            failed = true;
            continue;
        };
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            continue;
        }
        match sign_line(line, default_secret, &mut keyed, rules) {
            Ok(sig) => {
                let reply = serde_json::json!({ "line": number, "signature": sig });
                if let Err(e) = writeln!(out, "{reply}") {
                    report(format!("cannot write output: {e}"));
                    return false;
                }
            }
            Err(msg) => {
                report(format!("line {number}: {msg}"));
                failed = true;
            }
        }
    }
    out.flush().is_ok() && !failed
}

/// Checks that `ts` is in one of the forms OKX signs: ISO-8601 UTC with
/// milliseconds (`2020-12-08T09:08:57.715Z`, REST) or Unix seconds
/// (`1538054050`, WS login). The message never quotes the text.
pub fn check_timestamp(ts: &str) -> Result<(), String> {
    const FORMS: &str = "timestamp must be ISO-8601 UTC with milliseconds \
        (2020-12-08T09:08:57.715Z) or Unix seconds (1538054050); \
        --any-timestamp signs it anyway";
    let b = ts.as_bytes();
    if !b.is_empty() && b.iter().all(u8::is_ascii_digit) {
        return match b.len() {
            1..=10 => Ok(()),
            13 => Err(format!(
                "{FORMS}; this looks like Unix milliseconds, and OKX signs seconds"
            )),
            _ => Err(FORMS.to_owned()),
        };
    }
    if iso_millis(b) {
        Ok(())
    } else {
        Err(FORMS.to_owned())
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` naming a real instant (no 30 February).
fn iso_millis(b: &[u8]) -> bool {
    let Ok(b) = <&[u8; 24]>::try_from(b) else {
        return false;
    };
    let shape = b"dddd-dd-ddTdd:dd:dd.dddZ";
    let fits = b.iter().zip(shape).all(|(&c, &s)| match s {
        b'd' => c.is_ascii_digit(),
        _ => c == s,
    });
    if !fits {
        return false;
    }
    let num =
        |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, &c| n * 10 + u32::from(c - b'0'));
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day) && num(11..13) < 24 && num(14..16) < 60 && num(17..19) < 60
}

/// Signs one request line. Error messages never quote field values, since
/// one of them is the secret.
fn sign_line(
    line: &str,
    default_secret: Option<&str>,
    keyed: &mut Option<(String, Signer)>,
    rules: LineRules,
) -> Result<String, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("invalid json: {e}"))?;
    let Value::Object(fields) = value else {
        return Err("expected a json object".to_owned());
    };
    let timestamp = required(&fields, "timestamp")?;
    if !rules.any_timestamp {
        check_timestamp(timestamp)?;
    }
    let method = required(&fields, "method")?.to_ascii_uppercase();
    let path = required(&fields, "path")?;
    let body = optional(&fields, "body")?.unwrap_or("");
    let secret = match optional(&fields, "secret")? {
        Some(secret) => secret,
        None => default_secret.ok_or_else(|| {
            format!("no secret: add a \"secret\" field, pass --secret or set {ENV_SECRET_KEY}")
        })?,
    };
    let signer = match keyed {
        Some((key, signer)) if key.as_str() == secret => signer,
        _ => {
            &mut keyed
                .insert((secret.to_owned(), Signer::new(secret.as_bytes())))
                .1
        }
    };
    Ok(signer
        .sign(timestamp, &method, path, body.as_bytes())
        .to_string())
}

fn required<'a>(fields: &'a Map<String, Value>, name: &str) -> Result<&'a str, String> {
    optional(fields, name)?.ok_or_else(|| format!("missing field \"{name}\""))
}

fn optional<'a>(fields: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, String> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("field \"{name}\" must be a string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(input: &str, default_secret: Option<&str>) -> (String, bool) {
        let mut out = Vec::new();
        let ok = sign_lines(
            input.as_bytes(),
            &mut out,
            default_secret,
            LineRules::default(),
            &mut |_| {},
        );
        (String::from_utf8(out).expect("utf-8 output"), ok)
    }

    #[test]
    fn blank_lines_are_skipped_but_counted() {
        let line = r#"{"secret":"22582BD0CFF14C41EDBF1AB98506286D","timestamp":"1538054050","method":"get","path":"/users/self/verify"}"#;
        let (out, code) = run(&format!("\n{line}\n"), None);
        assert_eq!(
            out,
            "{\"line\":2,\"signature\":\"+LdIr8lkkvhr5hoA3g9TMC0+uQJ849ftAcocA/ouu4M=\"}\n"
        );
        assert!(code);
    }

    #[test]
    fn non_string_secret_is_rejected_without_echoing_it() {
        let mut keyed = None;
        let err = sign_line(
            r#"{"secret":918273645,"timestamp":"1","method":"GET","path":"/"}"#,
            None,
            &mut keyed,
            LineRules::default(),
        )
        .expect_err("numeric secret");
        assert_eq!(err, "field \"secret\" must be a string");
        assert!(!err.contains("918273645"));
    }

    #[test]
    fn line_secret_wins_over_default_and_rekeys() {
        let mut keyed = None;
        let a = sign_line(
            r#"{"timestamp":"1","method":"GET","path":"/"}"#,
            Some("one"),
            &mut keyed,
            LineRules::default(),
        );
        let b = sign_line(
            r#"{"secret":"two","timestamp":"1","method":"GET","path":"/"}"#,
            Some("one"),
            &mut keyed,
            LineRules::default(),
        );
        let c = sign_line(
            r#"{"secret":"one","timestamp":"1","method":"GET","path":"/"}"#,
            None,
            &mut keyed,
            LineRules::default(),
        );
        assert_ne!(a, b);
        assert_eq!(a, c);
    }

    #[test]
    fn lines_are_read_up_to_the_bound_and_the_rest_dropped() {
        let input = b"abcd\nabcde\r\nabc\n0123456789abcdef\nlast";
        // a tiny buffer makes lines span several reads
        let mut reader = io::BufReader::with_capacity(3, &input[..]);
        let mut buf = Vec::new();
        let mut got = Vec::new();
        loop {
            match read_line(&mut reader, &mut buf, 5).expect("reads") {
                Line::End => break,
                Line::Read => got.push(String::from_utf8(buf.clone()).expect("utf-8")),
                Line::TooLong => got.push("<too long>".to_owned()),
            }
        }
        assert_eq!(
            got,
            ["abcd\n", "<too long>", "abc\n", "<too long>", "last"],
            "the bound counts the line without its break, \\r included"
        );
    }

    #[test]
    fn timestamps_in_the_two_signed_forms() {
        for ok in [
            "2020-12-08T09:08:57.715Z",
            "2000-02-29T00:00:00.000Z",
            "1538054050",
            "7",
        ] {
            assert_eq!(check_timestamp(ok), Ok(()), "{ok}");
        }
        for bad in [
            "1900-02-29T00:00:00.000Z",
            "2020-04-31T00:00:00.000Z",
            "2020-12-08T09:60:57.715Z",
            "2020-12-08T09:08:57.715",
            "2020-12-08T09:08:57.715+00:00",
            "12345678901",
            "1.5",
        ] {
            assert!(check_timestamp(bad).is_err(), "{bad}");
        }
        assert!(
            check_timestamp("1538054050000")
                .is_err_and(|e| e.contains("milliseconds, and OKX signs seconds"))
        );
    }
}
