//! [`FieldValue`]: one member value as a serde `Deserializer` that calls the
//! visitor the way serde_json does for the same text, and hands serde_json
//! the text of anything it does not mirror.

use serde::de::{Deserializer, Visitor};

use super::Fallback;

#[derive(Debug, Clone, Copy)]
pub(super) enum Kind<'a> {
    /// A string without escapes or control characters.
    Str(&'a str),
    /// A non-negative integer literal that fits a `u64`.
    U64(u64),
    /// `null`.
    Null,
    /// Anything else: serde_json reads the value's text.
    Other,
}

/// One member value, as a serde `Deserializer` that calls the visitor the
/// way serde_json would for the same text.
#[derive(Debug, Clone, Copy)]
pub struct FieldValue<'a> {
    /// The whole input and where the value is in it: the value's own text
    /// is only cut out when serde_json needs it.
    pub(super) text: &'a str,
    pub(super) span: (usize, usize),
    pub(super) kind: Kind<'a>,
}

impl<'a> FieldValue<'a> {
    /// The JSON text of the value.
    fn raw(&self) -> &'a str {
        self.text.get(self.span.0..self.span.1).unwrap_or_default()
    }

    /// Hands the value's text to serde_json, which must consume all of it.
    fn json<T>(
        self,
        f: impl FnOnce(
            &mut serde_json::Deserializer<serde_json::de::StrRead<'a>>,
        ) -> serde_json::Result<T>,
    ) -> Result<T, Fallback> {
        let mut de = serde_json::Deserializer::from_str(self.raw());
        let value = f(&mut de).map_err(|_| Fallback)?;
        de.end().map_err(|_| Fallback)?;
        Ok(value)
    }
}

/// Methods whose serde_json behaviour this reader does not mirror go to
/// serde_json with the value's text.
macro_rules! to_json {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fallback> {
            self.json(|de| de.$method(visitor))
        }
    )*};
}

/// serde_json reads a non-negative integer literal as `visit_u64` for every
/// integer and float request up to 64 bits.
macro_rules! number {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fallback> {
            match self.kind {
                Kind::U64(n) => visitor.visit_u64(n),
                _ => self.json(|de| de.$method(visitor)),
            }
        }
    )*};
}

impl<'de> Deserializer<'de> for FieldValue<'de> {
    type Error = Fallback;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fallback> {
        match self.kind {
            Kind::Str(s) => visitor.visit_borrowed_str(s),
            Kind::U64(n) => visitor.visit_u64(n),
            Kind::Null => visitor.visit_unit(),
            Kind::Other => self.json(|de| de.deserialize_any(visitor)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fallback> {
        match self.kind {
            Kind::Str(s) => visitor.visit_borrowed_str(s),
            _ => self.json(|de| de.deserialize_str(visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fallback> {
        match self.kind {
            Kind::Str(s) => visitor.visit_borrowed_str(s),
            _ => self.json(|de| de.deserialize_string(visitor)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fallback> {
        match self.kind {
            Kind::Str(s) => visitor.visit_borrowed_str(s),
            _ => self.json(|de| de.deserialize_identifier(visitor)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fallback> {
        match self.kind {
            Kind::Null => visitor.visit_none(),
            Kind::Str(_) | Kind::U64(_) => visitor.visit_some(self),
            Kind::Other => self.json(|de| de.deserialize_option(visitor)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Fallback> {
        match self.kind {
            Kind::Str(_) | Kind::U64(_) | Kind::Null => visitor.visit_unit(),
            Kind::Other => self.json(|de| de.deserialize_ignored_any(visitor)),
        }
    }

    number! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_f32 deserialize_f64
    }

    to_json! {
        deserialize_bool deserialize_i128 deserialize_u128 deserialize_char
        deserialize_bytes deserialize_byte_buf deserialize_unit deserialize_seq
        deserialize_map
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Fallback> {
        self.json(|de| de.deserialize_unit_struct(name, visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Fallback> {
        self.json(|de| de.deserialize_newtype_struct(name, visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Fallback> {
        self.json(|de| de.deserialize_tuple(len, visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Fallback> {
        self.json(|de| de.deserialize_tuple_struct(name, len, visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Fallback> {
        self.json(|de| de.deserialize_struct(name, fields, visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Fallback> {
        self.json(|de| de.deserialize_enum(name, variants, visitor))
    }
}
