//! API key, secret and passphrase.

use core::fmt;
use std::sync::Arc;

use crate::Signer;

/// Environment variable read by [`Credentials::from_env`] for the API key.
pub const ENV_API_KEY: &str = "OKX_API_KEY";
/// Environment variable read by [`Credentials::from_env`] for the secret.
pub const ENV_SECRET_KEY: &str = "OKX_SECRET_KEY";
/// Environment variable read by [`Credentials::from_env`] for the passphrase.
pub const ENV_PASSPHRASE: &str = "OKX_PASSPHRASE";

/// Credentials could not be read from the environment.
///
/// The message names the variable, never its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialsError {
    /// The variable is not set, or is empty.
    #[error("environment variable {0} is not set")]
    Missing(&'static str),
    /// The variable is set but is not valid Unicode.
    #[error("environment variable {0} is not valid unicode")]
    NotUnicode(&'static str),
}

/// An OKX API key with its secret and passphrase.
///
/// `Debug` shows the API key only; the secret and passphrase are redacted,
/// and there is deliberately no `Serialize`. The key and passphrase sit
/// behind `Arc` so each request's header set shares them instead of copying.
///
/// ```
/// use okx_auth::Credentials;
///
/// let creds = Credentials::new("my-key", "my-secret", "my-passphrase");
/// assert!(!format!("{creds:?}").contains("my-secret"));
/// ```
#[derive(Clone)]
pub struct Credentials {
    api_key: Arc<str>,
    secret: Arc<str>,
    passphrase: Arc<str>,
}

impl Credentials {
    /// Bundles the three values OKX issues for an API key.
    pub fn new(
        api_key: impl Into<String>,
        secret: impl Into<String>,
        passphrase: impl Into<String>,
    ) -> Self {
        Credentials {
            api_key: Arc::from(api_key.into()),
            secret: Arc::from(secret.into()),
            passphrase: Arc::from(passphrase.into()),
        }
    }

    /// Reads `OKX_API_KEY`, `OKX_SECRET_KEY` and `OKX_PASSPHRASE`.
    pub fn from_env() -> Result<Self, CredentialsError> {
        Ok(Credentials::new(
            env_var(ENV_API_KEY)?,
            env_var(ENV_SECRET_KEY)?,
            env_var(ENV_PASSPHRASE)?,
        ))
    }

    /// The API key, sent in clear as `OK-ACCESS-KEY`.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The passphrase chosen when the key was created. It is sent in clear
    /// as `OK-ACCESS-PASSPHRASE`, but still never shown by `Debug`.
    pub fn passphrase(&self) -> &str {
        &self.passphrase
    }

    /// A signer keyed with this secret.
    pub fn signer(&self) -> Signer {
        Signer::new(self.secret.as_bytes())
    }

    pub(crate) fn api_key_shared(&self) -> Arc<str> {
        Arc::clone(&self.api_key)
    }

    pub(crate) fn passphrase_shared(&self) -> Arc<str> {
        Arc::clone(&self.passphrase)
    }
}

fn env_var(name: &'static str) -> Result<String, CredentialsError> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Ok(v),
        Ok(_) | Err(std::env::VarError::NotPresent) => Err(CredentialsError::Missing(name)),
        Err(std::env::VarError::NotUnicode(_)) => Err(CredentialsError::NotUnicode(name)),
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &self.api_key)
            .field("secret", &format_args!("<redacted>"))
            .field("passphrase", &format_args!("<redacted>"))
            .finish()
    }
}
