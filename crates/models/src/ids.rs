//! Identifier newtypes.
//!
//! [`InstId`] and [`OrdId`] are plain wrappers: OKX is the authority on what
//! they look like. [`ClOrdId`] is chosen by the caller, so [`ClOrdId::new`]
//! checks OKX's rule (1–32 ASCII letters and digits) before a request is sent.
//!
//! ```
//! use okx_models::{ClOrdId, ClOrdIdError};
//!
//! let id = ClOrdId::new("bot1order42")?;
//! assert_eq!(id.as_str(), "bot1order42");
//! assert!(matches!(ClOrdId::new("has-dash"), Err(ClOrdIdError::InvalidChar { .. })));
//! # Ok::<(), ClOrdIdError>(())
//! ```
//!
//! Decoding from the wire does not re-check the rule: an id OKX sends back is
//! kept as sent rather than failing the whole response. OKX sends `""` when an
//! order has no client id; models hold it as `Option<ClOrdId>` via
//! [`crate::wire::opt`].

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::wire::WireStr;

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The owned text.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl WireStr for $name {
            fn from_wire(s: &str) -> Self {
                Self(s.to_owned())
            }

            fn wire_str(&self) -> &str {
                &self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d).map(Self)
            }
        }
    };
}

string_id! {
    /// Instrument id, e.g. `BTC-USDT`, `BTC-USDT-SWAP`, `BTC-USD-200927-9000-C`.
    InstId
}

string_id! {
    /// Order id assigned by OKX.
    OrdId
}

string_id! {
    /// Client order id (`clOrdId`): 1–32 ASCII letters and digits, chosen by the caller.
    ClOrdId
}

impl InstId {
    /// Wraps an instrument id. No format check: OKX adds new id shapes.
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
}

impl From<&str> for InstId {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl From<String> for InstId {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl OrdId {
    /// Wraps an order id.
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
}

impl From<&str> for OrdId {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl From<String> for OrdId {
    fn from(s: String) -> Self {
        Self(s)
    }
}

/// The longest client order id OKX accepts.
pub const CL_ORD_ID_MAX_LEN: usize = 32;

/// Why a client order id was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClOrdIdError {
    /// The id is empty.
    #[error("client order id is empty")]
    Empty,
    /// The id is longer than 32 characters.
    #[error("client order id has {len} characters, the limit is 32")]
    TooLong {
        /// Length in bytes.
        len: usize,
    },
    /// The id holds a character other than an ASCII letter or digit.
    #[error(
        "client order id has invalid character {ch:?} at {index}; only ascii letters and digits are allowed"
    )]
    InvalidChar {
        /// The offending character.
        ch: char,
        /// Its byte index.
        index: usize,
    },
}

impl ClOrdId {
    /// Checks OKX's rule (1–32 ASCII alphanumerics) and wraps the id.
    pub fn new(s: impl Into<String>) -> Result<Self, ClOrdIdError> {
        let s = s.into();
        Self::validate(&s)?;
        Ok(Self(s))
    }

    /// Checks OKX's rule without building an id.
    pub fn validate(s: &str) -> Result<(), ClOrdIdError> {
        if s.is_empty() {
            return Err(ClOrdIdError::Empty);
        }
        if let Some((index, ch)) = s.char_indices().find(|(_, c)| !c.is_ascii_alphanumeric()) {
            return Err(ClOrdIdError::InvalidChar { ch, index });
        }
        if s.len() > CL_ORD_ID_MAX_LEN {
            return Err(ClOrdIdError::TooLong { len: s.len() });
        }
        Ok(())
    }
}

impl std::str::FromStr for ClOrdId {
    type Err = ClOrdIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<&str> for ClOrdId {
    type Error = ClOrdIdError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl TryFrom<String> for ClOrdId {
    type Error = ClOrdIdError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cl_ord_id_rule() {
        assert!(ClOrdId::new("a").is_ok());
        assert!(ClOrdId::new("A1b2C3").is_ok());
        assert!(ClOrdId::new("x".repeat(32)).is_ok());
        assert_eq!(ClOrdId::new(""), Err(ClOrdIdError::Empty));
        assert_eq!(
            ClOrdId::new("x".repeat(33)),
            Err(ClOrdIdError::TooLong { len: 33 })
        );
        assert_eq!(
            ClOrdId::new("ab_c"),
            Err(ClOrdIdError::InvalidChar { ch: '_', index: 2 })
        );
        assert_eq!(
            ClOrdId::new("é"),
            Err(ClOrdIdError::InvalidChar { ch: 'é', index: 0 })
        );
    }

    #[test]
    fn wire_id_keeps_text() {
        let id: ClOrdId = serde_json::from_str("\"e847386590ce4dBC\"").unwrap();
        assert_eq!(id, "e847386590ce4dBC");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"e847386590ce4dBC\"");
    }
}
