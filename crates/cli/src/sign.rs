//! `okx sign`: the signer as a command, for tools in any language.
//!
//! With `--timestamp --method --path` it signs one request and prints the
//! signature. Otherwise it reads JSON lines
//! `{"secret","timestamp","method","path","body"}` on stdin and prints
//! `{"line":N,"signature":"..."}` for each. A bad line is reported on stderr
//! with its number, the rest are still signed, and the exit code is 1.

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
}

impl std::fmt::Debug for SignArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignArgs")
            .field("timestamp", &self.timestamp)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body", &self.body)
            .field("secret", &self.secret.as_ref().map(|_| "<redacted>"))
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
                let body = self.body.as_deref().unwrap_or("");
                let method = method.to_ascii_uppercase();
                let sig =
                    Signer::new(secret.as_bytes()).sign(timestamp, &method, path, body.as_bytes());
                println!("{sig}");
                ExitCode::SUCCESS
            }
            _ => sign_lines(
                io::stdin().lock(),
                &mut io::stdout().lock(),
                self.secret.as_deref(),
            ),
        }
    }
}

/// Signs each JSON line of `input`; returns failure if any line was bad or
/// output could not be written.
fn sign_lines(
    mut input: impl BufRead,
    out: &mut impl Write,
    default_secret: Option<&str>,
) -> ExitCode {
    // Re-keying costs two compressions; remember the last key since a stream
    // usually signs many requests with one secret.
    let mut keyed: Option<(String, Signer)> = None;
    let mut failed = false;
    let mut raw = Vec::new();
    let mut number = 0;
    loop {
        raw.clear();
        match input.read_until(b'\n', &mut raw) {
            Ok(0) => break,
            Ok(_) => number += 1,
            Err(e) => {
                eprintln!("okx sign: line {}: cannot read input: {e}", number + 1);
                return ExitCode::FAILURE;
            }
        }
        // One line that is not UTF-8 must not stop the lines after it.
        let Ok(line) = std::str::from_utf8(&raw) else {
            eprintln!("okx sign: line {number}: not utf-8");
            failed = true;
            continue;
        };
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            continue;
        }
        match sign_line(line, default_secret, &mut keyed) {
            Ok(sig) => {
                let reply = serde_json::json!({ "line": number, "signature": sig });
                if let Err(e) = writeln!(out, "{reply}") {
                    eprintln!("okx sign: cannot write output: {e}");
                    return ExitCode::FAILURE;
                }
            }
            Err(msg) => {
                eprintln!("okx sign: line {number}: {msg}");
                failed = true;
            }
        }
    }
    if out.flush().is_err() || failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Signs one request line. Error messages never quote field values, since
/// one of them is the secret.
fn sign_line(
    line: &str,
    default_secret: Option<&str>,
    keyed: &mut Option<(String, Signer)>,
) -> Result<String, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("invalid json: {e}"))?;
    let Value::Object(fields) = value else {
        return Err("expected a json object".to_owned());
    };
    let timestamp = required(&fields, "timestamp")?;
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

    fn run(input: &str, default_secret: Option<&str>) -> (String, ExitCode) {
        let mut out = Vec::new();
        let code = sign_lines(input.as_bytes(), &mut out, default_secret);
        (String::from_utf8(out).expect("utf-8 output"), code)
    }

    #[test]
    fn blank_lines_are_skipped_but_counted() {
        let line = r#"{"secret":"22582BD0CFF14C41EDBF1AB98506286D","timestamp":"1538054050","method":"get","path":"/users/self/verify"}"#;
        let (out, code) = run(&format!("\n{line}\n"), None);
        assert_eq!(
            out,
            "{\"line\":2,\"signature\":\"+LdIr8lkkvhr5hoA3g9TMC0+uQJ849ftAcocA/ouu4M=\"}\n"
        );
        assert_eq!(code, ExitCode::SUCCESS);
    }

    #[test]
    fn non_string_secret_is_rejected_without_echoing_it() {
        let mut keyed = None;
        let err = sign_line(
            r#"{"secret":918273645,"timestamp":"1","method":"GET","path":"/"}"#,
            None,
            &mut keyed,
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
        );
        let b = sign_line(
            r#"{"secret":"two","timestamp":"1","method":"GET","path":"/"}"#,
            Some("one"),
            &mut keyed,
        );
        let c = sign_line(
            r#"{"secret":"one","timestamp":"1","method":"GET","path":"/"}"#,
            None,
            &mut keyed,
        );
        assert_ne!(a, b);
        assert_eq!(a, c);
    }
}
