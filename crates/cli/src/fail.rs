//! How a command fails: one error type, one line on stderr, and an exit
//! code a script can act on.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | done |
//! | 1 | failed for another reason (a file could not be read or written, bad data) |
//! | 2 | usage: unknown flag, missing or malformed argument |
//! | 3 | configuration: credentials missing, profile file unreadable or readable by others |
//! | 4 | refused, nothing happened: OKX answered with an error code, or a local check (instrument rules, risk guard) stopped the request before it was sent |
//! | 5 | OKX could not be reached or answered something that is not OKX (network, TLS, HTTP error page) |
//! | 6 | an order write whose outcome is unknown: look the order up before sending it again |
//! | 7 | not confirmed: an order on live trading was not confirmed at the prompt |

use std::fmt;
use std::process::ExitCode;

use okx::client::{ClientError, Outcome};
use okx::models::OkxCode;

/// Exit code: done.
pub const OK: u8 = 0;
/// Exit code: failed for another reason.
pub const OTHER: u8 = 1;
/// Exit code: bad usage.
pub const USAGE: u8 = 2;
/// Exit code: configuration or credentials.
pub const CONFIG: u8 = 3;
/// Exit code: refused (by OKX or a local check); nothing happened.
pub const REFUSED: u8 = 4;
/// Exit code: OKX unreachable.
pub const NETWORK: u8 = 5;
/// Exit code: a write whose outcome is unknown.
pub const UNKNOWN: u8 = 6;
/// Exit code: not confirmed at the prompt.
pub const NOT_CONFIRMED: u8 = 7;

/// The exit codes as `okx --help` lists them.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  done
  1  failed for another reason (file I/O, bad data)
  2  usage: unknown flag, missing or malformed argument
  3  configuration: credentials missing, profile file unreadable or readable by others
  4  refused, nothing happened: OKX's error code, or a local check before sending
  5  OKX unreachable: network, TLS, or an answer that is not OKX's
  6  an order write whose outcome is unknown: look the order up before resending
  7  not confirmed: a live order was not confirmed at the prompt";

/// A command's failure: what to print and which exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    /// The exit code (one of the constants of this module).
    pub code: u8,
    /// OKX's code, when OKX answered.
    pub okx: Option<u32>,
    /// What happened, one line.
    pub msg: String,
    /// What to do about it, when there is something to say.
    pub hint: Option<String>,
}

impl CliError {
    /// A failure with an exit code and a message.
    pub fn new(code: u8, msg: impl Into<String>) -> Self {
        CliError {
            code,
            okx: None,
            msg: one_line(&msg.into()),
            hint: None,
        }
    }

    /// Failed for another reason (exit code 1).
    pub fn other(msg: impl Into<String>) -> Self {
        Self::new(OTHER, msg)
    }

    /// Bad usage (exit code 2).
    pub fn usage(msg: impl Into<String>) -> Self {
        Self::new(USAGE, msg)
    }

    /// Configuration (exit code 3).
    pub fn config(msg: impl Into<String>) -> Self {
        Self::new(CONFIG, msg)
    }

    /// Adds a hint.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Prints the error as one line on stderr and returns the exit code.
    pub fn report(&self, command: &str) -> ExitCode {
        eprintln!("okx {command}: {self}");
        ExitCode::from(self.code)
    }

    fn okx_refusal(code: OkxCode, msg: &str) -> Self {
        CliError {
            code: REFUSED,
            okx: Some(code.0),
            msg: one_line(msg),
            hint: hint_for(code).map(str::to_owned),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(code) = self.okx {
            write!(f, "OKX error {code}: ")?;
        }
        f.write_str(&self.msg)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for CliError {}

/// Newlines and runs of blanks become one space: the error is one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What to do about the OKX codes people meet most.
pub fn hint_for(code: OkxCode) -> Option<&'static str> {
    Some(match code.0 {
        50001 | 50013 | 50026 => "OKX is busy or under maintenance; try again, see `okx status`",
        50004 => "the endpoint timed out; for an order, check `okx orders` before resending",
        50011 | 50040 | 50061 => "rate limit reached; slow down or wait a few seconds",
        50014 | 51000 => "a parameter is missing or malformed; see `okx <command> --help`",
        50030 | 50120 => "the API key lacks the permission (read or trade) this needs",
        50100 => "the API key is frozen; contact OKX support",
        50101 => "the key belongs to the other environment: add or remove --demo",
        50102 | 50112 => "the local clock is off; sync it (e.g. with NTP) and retry",
        50105 => "wrong passphrase: check OKX_PASSPHRASE or the profile's passphrase",
        50110 => "your IP is not in the key's allow-list",
        50111 | 50119 => "unknown API key: check OKX_API_KEY, --region and --demo",
        50113 | 50114 => "signature refused: check OKX_SECRET_KEY and OKX_PASSPHRASE",
        51001 => "no such instrument: list them with `okx instruments --type SPOT` (or SWAP, ...)",
        51008 => "not enough balance or margin; see `okx balance`",
        51016 => "that clOrdId is already in use; pick another",
        51020 => "below the instrument's minimum size; see `okx instruments`",
        51121 => "size must be a multiple of the lot size; see `okx instruments`",
        51400 | 51503 | 51603 => {
            "the order is gone (filled, cancelled or unknown); see `okx orders --history`"
        }
        _ => return None,
    })
}

impl From<okx::rest::Error> for CliError {
    fn from(e: okx::rest::Error) -> Self {
        use okx::rest::Error as E;
        if let Some(api) = e.api() {
            let code = api.effective_code();
            let msg = api
                .items
                .iter()
                .find(|i| i.code == code && !i.msg.is_empty())
                .map_or(api.msg.as_str(), |i| i.msg.as_str());
            let msg = if msg.is_empty() { "(no message)" } else { msg };
            return Self::okx_refusal(code, msg);
        }
        match &e {
            E::MissingCredentials(_) => CliError::config(e.to_string()).hint(CREDENTIALS_HINT),
            E::Invalid(_) | E::RateLimited { .. } => CliError::new(REFUSED, e.to_string()),
            E::OutcomeUnknown { .. } => CliError::new(UNKNOWN, e.to_string())
                .hint("look the order up with `okx orders` before resending"),
            E::Decode { .. } => CliError::other(e.to_string()),
            _ => CliError::new(NETWORK, e.to_string())
                .hint("check the network, --base-url and --region"),
        }
    }
}

impl From<ClientError> for CliError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Rest(e) => e.into(),
            ClientError::Rejected { code, msg, .. } => Self::okx_refusal(code, &msg),
            ClientError::Config(msg) => CliError::config(msg).hint(CREDENTIALS_HINT),
            ClientError::Check(_) | ClientError::Risk(_) => CliError::new(REFUSED, e.to_string())
                .hint("nothing was sent; see `okx instruments` for the instrument's rules"),
            other => {
                let code = match other.outcome() {
                    Outcome::Unknown => UNKNOWN,
                    Outcome::Rejected => REFUSED,
                    Outcome::NotSent => NETWORK,
                };
                let mut err = CliError::new(code, other.to_string());
                if let Some(c) = other.okx_code() {
                    err.okx = Some(c.0);
                    err.hint = hint_for(c).map(str::to_owned);
                }
                if code == UNKNOWN {
                    err.hint = Some("look the order up with `okx orders` before resending".into());
                }
                err
            }
        }
    }
}

impl From<okx::ws::WsError> for CliError {
    fn from(e: okx::ws::WsError) -> Self {
        ClientError::Ws(e).into()
    }
}

/// Where credentials come from, for hints.
pub const CREDENTIALS_HINT: &str = "set OKX_API_KEY, OKX_SECRET_KEY and OKX_PASSPHRASE, or a profile in $XDG_CONFIG_HOME/okx/config.toml (see `okx --help`)";

/// An I/O error on a named file.
pub fn io(what: &str, path: &std::path::Path, e: &std::io::Error) -> CliError {
    CliError::other(format!("cannot {what} {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_with_code_and_hint() {
        let e = CliError::okx_refusal(OkxCode(51001), "Instrument ID doesn't\nexist.");
        let text = e.to_string();
        assert!(!text.contains('\n'));
        assert!(text.starts_with("OKX error 51001: Instrument ID doesn't exist."));
        assert!(text.contains("hint: no such instrument"));
        assert_eq!(e.code, REFUSED);
    }

    #[test]
    fn unknown_code_has_no_hint() {
        let e = CliError::okx_refusal(OkxCode(59999), "odd");
        assert_eq!(e.to_string(), "OKX error 59999: odd");
    }
}
