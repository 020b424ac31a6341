//! Shared plumbing for string-valued wire types (enums and ids).
//!
//! OKX writes `""` where a string-valued field has no value (`posSide` on a spot
//! order, `clOrdId` on an order placed without one). Models hold such fields as
//! `Option<T>` and use [`opt`]:
//!
//! ```
//! use okx_models::{ClOrdId, PosSide};
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Row {
//!     #[serde(default, rename = "posSide", with = "okx_models::wire::opt")]
//!     pos_side: Option<PosSide>,
//!     #[serde(default, rename = "clOrdId", with = "okx_models::wire::opt")]
//!     cl_ord_id: Option<ClOrdId>,
//! }
//!
//! let row: Row = serde_json::from_str(r#"{"posSide":"","clOrdId":"abc123"}"#)?;
//! assert_eq!(row.pos_side, None);
//! assert_eq!(row.cl_ord_id.map(|c| c.to_string()).as_deref(), Some("abc123"));
//! # Ok::<(), serde_json::Error>(())
//! ```

/// A type that round-trips through a non-empty wire string without loss.
pub trait WireStr: Sized {
    /// Builds the value from wire text. Never fails: unknown text is kept.
    fn from_wire(s: &str) -> Self;
    /// The exact wire text.
    fn wire_str(&self) -> &str;
}

impl WireStr for String {
    fn from_wire(s: &str) -> Self {
        s.to_owned()
    }

    fn wire_str(&self) -> &str {
        self
    }
}

/// `Option<T: WireStr>` where `""`, `null` or a missing field is `None`, and
/// `None` is written as `""`.
pub mod opt {
    use std::fmt;
    use std::marker::PhantomData;

    use serde::de::{self, Visitor};
    use serde::{Deserializer, Serializer};

    use super::WireStr;

    /// Writes `Some` as its wire text and `None` as `""`.
    pub fn serialize<T: WireStr, S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.as_ref().map_or("", WireStr::wire_str))
    }

    /// Reads a string, mapping `""` and `null` to `None`.
    pub fn deserialize<'de, T: WireStr, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(OptVisitor(PhantomData))
    }

    struct OptVisitor<T>(PhantomData<T>);

    impl<'de, T: WireStr> Visitor<'de> for OptVisitor<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<T>, E> {
            Ok((!v.is_empty()).then(|| T::from_wire(v)))
        }

        // some ids (algoId, tradeId) occasionally arrive as JSON numbers
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<T>, E> {
            Ok(Some(T::from_wire(&v.to_string())))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<T>, E> {
            Ok(Some(T::from_wire(&v.to_string())))
        }

        fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
            d.deserialize_any(self)
        }
    }
}

/// Defines a wire enum: known variants with their wire text, plus `Other(String)`
/// that keeps any value this version does not know.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the SDK does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// The exact wire text of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Other(s) => s,
                }
            }

            /// Whether this is a value the SDK does not know.
            pub fn is_other(&self) -> bool {
                matches!(self, Self::Other(_))
            }
        }

        impl $crate::wire::WireStr for $name {
            fn from_wire(s: &str) -> Self {
                match s {
                    $( $text => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }

            fn wire_str(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(<Self as $crate::wire::WireStr>::from_wire(s))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl ::serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " string"))
                    }
                    fn visit_str<E: ::serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok(<$name as $crate::wire::WireStr>::from_wire(v))
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}

pub(crate) use wire_enum;
