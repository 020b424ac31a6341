//! The options every command shares, credentials (environment or profile
//! file), and the clients built from them.
//!
//! Credentials come from `OKX_API_KEY`, `OKX_SECRET_KEY` and
//! `OKX_PASSPHRASE` when `OKX_API_KEY` is set, else from a profile of
//! `$XDG_CONFIG_HOME/okx/config.toml` (`~/.config/okx/config.toml` without
//! it): the table named by `--profile` (default `default`):
//!
//! ```toml
//! [default]
//! api_key = "..."
//! secret_key = "..."
//! passphrase = "..."
//! demo = true          # optional
//! region = "eea"       # optional: global, eea, us
//! ```
//!
//! On Unix a profile file that its group or others may read is refused.
//! The file is read only by commands that need keys, or when `--profile`
//! is given.

use std::path::{Path, PathBuf};

use okx::auth::Credentials;
use okx::client::{ClientBuilder, Region as ClientRegion};
use okx::rest::{Host, RestClient};
use okx::ws::{Endpoint, WsConfig};
use serde::Deserialize;

use crate::fail::{CREDENTIALS_HINT, CliError};

/// OKX's sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Region {
    /// www.okx.com accounts.
    #[default]
    Global,
    /// my.okx.com (EEA) accounts.
    Eea,
    /// app.okx.com (US) accounts.
    Us,
}

/// Options of every command (they may come before or after the subcommand).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct GlobalOpts {
    /// Print JSON for scripts (one object per line for streams) instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// Demo trading (OKX's simulated trading environment).
    #[arg(long, global = true)]
    pub demo: bool,
    /// The site the account is registered on.
    #[arg(long, global = true, value_enum)]
    pub region: Option<Region>,
    /// Profile of the config file to take credentials and settings from.
    #[arg(long, global = true, env = "OKX_PROFILE")]
    pub profile: Option<String>,
    /// Another REST base URL (e.g. `okx testkit serve`'s).
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Another WebSocket base URL (`/ws/v5/...` is appended).
    #[arg(long, global = true, value_name = "URL")]
    pub ws_url: Option<String>,
    /// Say on stderr where settings and credentials came from (secrets are never printed).
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
}

/// One profile of the config file. `Debug` is written by hand: the secret
/// and passphrase never print.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Profile {
    api_key: Option<String>,
    secret_key: Option<String>,
    passphrase: Option<String>,
    demo: Option<bool>,
    region: Option<Region>,
    base_url: Option<String>,
    ws_url: Option<String>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("api_key", &self.api_key.as_deref().map(mask))
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "passphrase",
                &self.passphrase.as_ref().map(|_| "<redacted>"),
            )
            .field("demo", &self.demo)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// The first four characters of an API key: enough to tell keys apart.
pub fn mask(key: &str) -> String {
    let head: String = key.chars().take(4).collect();
    format!("{head}…")
}

/// What a command runs with, resolved from flags, environment and profile.
pub struct Settings {
    /// `--json`.
    pub json: bool,
    /// Demo trading.
    pub demo: bool,
    /// Site.
    pub region: Region,
    /// REST base URL override.
    pub rest_url: Option<String>,
    /// WS base URL override.
    pub ws_url: Option<String>,
    /// `--verbose`.
    pub verbose: bool,
    /// Credentials, when the command needs them.
    pub credentials: Option<Credentials>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("json", &self.json)
            .field("demo", &self.demo)
            .field("region", &self.region)
            .field("rest_url", &self.rest_url)
            .field("ws_url", &self.ws_url)
            .field("credentials", &self.credentials.as_ref().map(|_| "<set>"))
            .finish()
    }
}

/// The profile file: `$XDG_CONFIG_HOME/okx/config.toml`, else
/// `$HOME/.config/okx/config.toml`.
pub fn config_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("okx").join("config.toml"))
}

/// Refuses a file its group or others may read: it holds a secret.
#[cfg(unix)]
fn check_private(path: &Path, meta: &std::fs::Metadata) -> Result<(), CliError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(CliError::config(format!(
            "profile file {} is readable by others (mode {mode:o}); it holds your API secret",
            path.display()
        ))
        .hint(format!("run `chmod 600 {}`", path.display())));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path, _: &std::fs::Metadata) -> Result<(), CliError> {
    Ok(())
}

/// Reads one profile; `Ok(None)` when the file does not exist.
fn read_profile(path: &Path, name: &str) -> Result<Option<Profile>, CliError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(CliError::config(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    check_private(path, &meta)?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::config(format!("cannot read {}: {e}", path.display())))?;
    let mut all: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        // toml's message can quote the offending line, which may hold a secret.
        let at = e
            .span()
            .map(|s| format!(" at byte {}", s.start))
            .unwrap_or_default();
        CliError::config(format!("{} is not valid TOML{at}", path.display()))
    })?;
    let Some(table) = all.remove(name) else {
        return Err(CliError::config(format!(
            "no profile [{name}] in {}",
            path.display()
        )));
    };
    let profile = Profile::deserialize(table).map_err(|e| {
        CliError::config(format!(
            "profile [{name}] of {}: {}",
            path.display(),
            e.message()
        ))
    })?;
    Ok(Some(profile))
}

impl Settings {
    /// Resolves the settings. With `need_keys`, credentials must be found
    /// (environment first, then the profile file).
    pub fn resolve(opts: &GlobalOpts, need_keys: bool) -> Result<Settings, CliError> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let from_env = env(okx::auth::ENV_API_KEY).is_some();
        let mut profile = Profile::default();
        let mut source = String::new();
        if (need_keys && !from_env) || opts.profile.is_some() {
            let name = opts.profile.as_deref().unwrap_or("default");
            let path = config_path().ok_or_else(|| {
                CliError::config("neither XDG_CONFIG_HOME nor HOME is set").hint(CREDENTIALS_HINT)
            })?;
            match read_profile(&path, name)? {
                Some(p) => {
                    profile = p;
                    source = format!("profile [{name}] of {}", path.display());
                }
                None if opts.profile.is_some() => {
                    return Err(CliError::config(format!(
                        "--profile {name}: {} does not exist",
                        path.display()
                    )));
                }
                None => {}
            }
        }
        let credentials = if from_env {
            let get = |name: &str| {
                env(name).ok_or_else(|| {
                    CliError::config(format!("OKX_API_KEY is set but {name} is not"))
                        .hint(CREDENTIALS_HINT)
                })
            };
            source = "environment".to_owned();
            let keys = (|| {
                Ok::<_, CliError>(Credentials::new(
                    get(okx::auth::ENV_API_KEY)?,
                    get(okx::auth::ENV_SECRET_KEY)?,
                    get(okx::auth::ENV_PASSPHRASE)?,
                ))
            })();
            match keys {
                Ok(c) => Some(c),
                Err(e) if need_keys => return Err(e),
                // Public data does not need keys that are half set.
                Err(_) => None,
            }
        } else {
            match (
                profile.api_key.take(),
                profile.secret_key.take(),
                profile.passphrase.take(),
            ) {
                (Some(k), Some(s), Some(p)) => Some(Credentials::new(k, s, p)),
                (None, None, None) => None,
                _ => {
                    return Err(CliError::config(format!(
                        "{source}: api_key, secret_key and passphrase go together"
                    )));
                }
            }
        };
        if need_keys && credentials.is_none() {
            return Err(CliError::config("this command needs API keys").hint(CREDENTIALS_HINT));
        }
        let settings = Settings {
            json: opts.json,
            demo: opts.demo || profile.demo.unwrap_or(false),
            region: opts.region.or(profile.region).unwrap_or_default(),
            rest_url: opts.base_url.clone().or(profile.base_url),
            ws_url: opts.ws_url.clone().or(profile.ws_url),
            verbose: opts.verbose,
            credentials,
        };
        if settings.verbose {
            eprintln!(
                "okx: rest {}, ws {}, {}, region {:?}",
                settings.rest_base(),
                settings.ws_config().url(Endpoint::Public),
                if settings.demo {
                    "demo trading"
                } else {
                    "live"
                },
                settings.region,
            );
            match &settings.credentials {
                Some(c) => eprintln!(
                    "okx: api key {} from {source}; secret and passphrase not shown",
                    mask(c.api_key())
                ),
                None => eprintln!("okx: no credentials (public data only)"),
            }
        }
        Ok(settings)
    }

    fn host(&self) -> Host {
        match self.region {
            Region::Global => Host::Global,
            Region::Eea => Host::Eea,
            Region::Us => Host::Us,
        }
    }

    /// The REST base URL in use.
    pub fn rest_base(&self) -> String {
        self.rest_url
            .clone()
            .unwrap_or_else(|| self.host().base_url().to_owned())
    }

    /// Whether orders go to OKX's live trading: not demo, and not a
    /// `--base-url` that is not OKX's (a proxy to okx.com still counts).
    pub fn is_live(&self) -> bool {
        if self.demo {
            return false;
        }
        let Some(url) = &self.rest_url else {
            return true;
        };
        let host = url
            .split("://")
            .nth(1)
            .unwrap_or(url)
            .split(['/', ':'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        host == "okx.com" || host.ends_with(".okx.com")
    }

    /// A REST client with these settings.
    pub fn rest(&self) -> Result<RestClient, CliError> {
        let mut b = RestClient::builder().host(self.host()).demo(self.demo);
        if let Some(url) = &self.rest_url {
            b = b.base_url(url.clone());
        }
        if let Some(c) = &self.credentials {
            b = b.credentials(c.clone());
        }
        Ok(b.build()?)
    }

    /// The WS configuration with these settings.
    pub fn ws_config(&self) -> WsConfig {
        let mut cfg = if self.demo {
            WsConfig::demo()
        } else {
            WsConfig::live()
        };
        cfg = cfg.host(match self.region {
            Region::Global => okx::ws::Host::Global,
            Region::Eea => okx::ws::Host::Eea,
            Region::Us => okx::ws::Host::Us,
        });
        if let Some(url) = &self.ws_url {
            cfg = cfg.base_url(url.clone());
        }
        if let Some(c) = &self.credentials {
            cfg = cfg.credentials(c.clone());
        }
        cfg
    }

    /// A client builder with these settings.
    pub fn client(&self) -> ClientBuilder {
        let mut b = okx::Client::builder()
            .demo(self.demo)
            .region(match self.region {
                Region::Global => ClientRegion::Global,
                Region::Eea => ClientRegion::Eea,
                Region::Us => ClientRegion::Us,
            });
        if let Some(url) = &self.rest_url {
            b = b.rest_url(url.clone());
        }
        if let Some(url) = &self.ws_url {
            b = b.ws_url(url.clone());
        }
        if let Some(c) = &self.credentials {
            b = b.credentials(c.clone());
        }
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(demo: bool, url: Option<&str>) -> Settings {
        Settings {
            json: false,
            demo,
            region: Region::Global,
            rest_url: url.map(str::to_owned),
            ws_url: None,
            verbose: false,
            credentials: None,
        }
    }

    #[test]
    fn live_only_on_okx_hosts_without_demo() {
        assert!(settings(false, None).is_live());
        assert!(settings(false, Some("https://www.okx.com")).is_live());
        assert!(settings(false, Some("https://eea.okx.com/")).is_live());
        assert!(!settings(true, None).is_live());
        assert!(!settings(false, Some("http://127.0.0.1:8080")).is_live());
        assert!(!settings(false, Some("https://okx.com.example.net")).is_live());
    }

    #[test]
    fn profile_debug_hides_secrets() {
        let p = Profile {
            api_key: Some("abcdef123".into()),
            secret_key: Some("SECRETVALUE".into()),
            passphrase: Some("PASSPHRASEVALUE".into()),
            ..Profile::default()
        };
        let text = format!("{p:?}");
        assert!(!text.contains("SECRETVALUE") && !text.contains("PASSPHRASEVALUE"));
        assert!(!text.contains("abcdef123"));
    }
}
