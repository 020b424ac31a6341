//! Identifier newtypes.
//!
//! [`InstId`] and [`OrdId`] are plain wrappers: OKX is the authority on what
//! they look like. Every id keeps text of up to 24 bytes inline (all of
//! OKX's instrument and order ids fit), so decoding one allocates nothing;
//! longer text goes to the heap. An id compares, orders and hashes exactly
//! as its text does, and borrows as `str`, so a `HashMap<InstId, _>` can be
//! looked up with a `&str`. [`ClOrdId`] is chosen by the caller, so [`ClOrdId::new`]
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

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};

use compact_str::CompactString;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::wire::WireStr;

macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        // `CompactString` compares and orders as its `str`; `Hash` is
        // written out below so that it provably matches `str`'s, which
        // `Borrow<str>` requires.
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
        pub struct $name(CompactString);

        impl $name {
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The owned text.
            pub fn into_string(self) -> String {
                self.0.into_string()
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

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.as_str().hash(state);
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
                Self(s.into())
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
                d.deserialize_string(IdVisitor).map(Self)
            }
        }
    };
}

/// Reads an id from what `String`'s `Deserialize` accepts, straight into
/// the inline form.
struct IdVisitor;

impl Visitor<'_> for IdVisitor {
    type Value = CompactString;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<CompactString, E> {
        Ok(v.into())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<CompactString, E> {
        Ok(v.into())
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<CompactString, E> {
        std::str::from_utf8(v)
            .map(CompactString::from)
            .map_err(|_| E::invalid_value(de::Unexpected::Bytes(v), &self))
    }
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
        Self(s.into().into())
    }
}

impl From<&str> for InstId {
    fn from(s: &str) -> Self {
        Self(s.into())
    }
}

impl From<String> for InstId {
    fn from(s: String) -> Self {
        Self(s.into())
    }
}

impl OrdId {
    /// Wraps an order id.
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into().into())
    }
}

impl From<&str> for OrdId {
    fn from(s: &str) -> Self {
        Self(s.into())
    }
}

impl From<String> for OrdId {
    fn from(s: String) -> Self {
        Self(s.into())
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
        let s: String = s.into();
        Self::validate(&s)?;
        Ok(Self(s.into()))
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

    /// Ids behave as the `String` they replaced: same text, `Debug`,
    /// order, equality and hash, whether stored inline or on the heap.
    #[test]
    fn ids_behave_like_their_text() {
        use std::collections::{BTreeSet, HashMap};
        use std::hash::BuildHasher;

        let long = "BTC-USD-251226-1000000-C-and-then-some-more-text";
        let texts = [
            "",
            "BTC-USDT",
            "BTC-USD-200927-9000-C",
            // 24 bytes: the longest inline id; 25: the shortest on the heap
            "ABCDEFGHIJKLMNOPQRSTUVWX",
            "ABCDEFGHIJKLMNOPQRSTUVWXY",
            long,
            "ÉTH-ÜSDT-永续-🚀",
            "a\"quoted\"\\id\n",
        ];
        let hasher = std::collections::hash_map::RandomState::new();
        for text in texts {
            let id = InstId::new(text);
            assert_eq!(id.as_str(), text);
            assert_eq!(id.to_string(), text);
            assert_eq!(format!("{id:?}"), format!("InstId({text:?})"));
            assert_eq!(id.clone().into_string(), text);
            assert_eq!(id, text);
            assert_eq!(id, InstId::from(text.to_owned()));
            assert_eq!(hasher.hash_one(&id), hasher.hash_one(text));
            assert_eq!(hasher.hash_one(&id), hasher.hash_one(text.to_owned()));
            let json = serde_json::to_string(&id).unwrap();
            assert_eq!(json, serde_json::to_string(text).unwrap());
            assert_eq!(serde_json::from_str::<InstId>(&json).unwrap(), id);
            let ord: OrdId = serde_json::from_str(&json).unwrap();
            assert_eq!(ord.as_str(), text);
            assert_eq!(<OrdId as WireStr>::from_wire(text).wire_str(), text);
        }
        // ordering is the text's
        let ids: BTreeSet<InstId> = texts.iter().map(|t| InstId::from(*t)).collect();
        let strs: BTreeSet<&str> = texts.iter().copied().collect();
        assert!(ids.iter().map(InstId::as_str).eq(strs.iter().copied()));
        // `Borrow<str>`: look up by text
        let mut map = HashMap::new();
        map.insert(InstId::from("BTC-USDT"), 1);
        map.insert(InstId::from(long), 2);
        assert_eq!(map.get("BTC-USDT"), Some(&1));
        assert_eq!(map.get(long), Some(&2));
        assert_eq!(map.get("ETH-USDT"), None);
        // what is not a string is still refused
        assert!(serde_json::from_str::<InstId>("12").is_err());
        assert!(serde_json::from_str::<ClOrdId>("null").is_err());
    }

    #[test]
    fn wire_id_keeps_text() {
        let id: ClOrdId = serde_json::from_str("\"e847386590ce4dBC\"").unwrap();
        assert_eq!(id, "e847386590ce4dBC");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"e847386590ce4dBC\"");
    }
}
