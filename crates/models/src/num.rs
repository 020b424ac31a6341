//! Serde adapters for OKX's string-typed numbers.
//!
//! OKX sends almost every number as a JSON string (`"0.10"`, `"1597026383085"`)
//! and an absent number as `""`. A few places send plain JSON numbers instead.
//! Each submodule here is meant for `#[serde(with = "...")]`:
//!
//! ```
//! use rust_decimal::Decimal;
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Row {
//!     #[serde(with = "okx_models::num::decimal")]
//!     px: Decimal,
//!     #[serde(default, with = "okx_models::num::opt_decimal")]
//!     avg_px: Option<Decimal>,
//!     #[serde(default, with = "okx_models::num::opt_int")]
//!     ts: Option<i64>,
//! }
//!
//! let row: Row = serde_json::from_str(r#"{"px":"0.10","avg_px":"","ts":"1597026383085"}"#)?;
//! assert_eq!(row.px.to_string(), "0.10");
//! assert_eq!(row.avg_px, None);
//! assert_eq!(row.ts, Some(1_597_026_383_085));
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! Decimals keep the scale they were received with, so `"0.10"` serializes back
//! as `"0.10"`; book checksums depend on that exact text. [`Decimal`] holds 28
//! significant digits: longer text (OKX pads a few limits such as
//! `"99999999999999.0000000000000000"` with zeros, and prints some
//! float-derived values in full) is rounded to fit, but a non-zero amount is
//! never rounded to zero (see [`parse_decimal`]).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};

/// The longest number text [`parse_decimal`] reads, in bytes.
///
/// The longest number in OKX's recorded payloads is 31 bytes and the
/// float-derived values it prints in full stay under 60; a double printed in
/// full needs at most about 100 for any price or size that makes sense. Past
/// this the text is refused unread: rust_decimal's parser recurses once per
/// leading digit, so ten thousand padded zeros would overflow a 2 MiB worker
/// stack in a debug build.
pub const MAX_DECIMAL_LEN: usize = 128;

/// Parses a decimal from OKX text; accepts plain and scientific notation.
///
/// Text that fits [`Decimal`]'s 28 digits is kept exactly, scale included.
/// Longer text loses only zeros padded after the decimal point, or, for
/// float-derived values OKX prints in full, the digits past the 28th; a
/// non-zero amount that would round to zero is refused (`None`), as are digit
/// separators (`1_000`), which OKX never sends, and text longer than
/// [`MAX_DECIMAL_LEN`].
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    if let Some(d) = parse_plain(s.as_bytes()) {
        return Some(d);
    }
    if s.len() > MAX_DECIMAL_LEN {
        return None;
    }
    if s.bytes().any(|b| b == b'_') {
        return None;
    }
    if s.bytes().any(|b| b == b'e' || b == b'E') {
        return Decimal::from_scientific(s).ok();
    }
    if let Ok(d) = Decimal::from_str_exact(s) {
        return Some(d);
    }
    if !s.contains('.') {
        return None;
    }
    if let Ok(d) = Decimal::from_str_exact(s.trim_end_matches('0').trim_end_matches('.')) {
        return Some(d);
    }
    // More than 28 significant digits (OKX prints some float-derived values
    // in full, e.g. "-57693.044376796888536773622035980224609375"): round the
    // far fraction digits, but never turn a non-zero amount into zero.
    let rounded = Decimal::from_str(s).ok()?;
    let nonzero_text = s.bytes().any(|b| matches!(b, b'1'..=b'9'));
    (!rounded.is_zero() || !nonzero_text).then_some(rounded)
}

/// The fast path for what OKX nearly always sends: `-?digits(.digits)?` with
/// at most 28 digits. Anything else (`None`) goes to the general parser.
fn parse_plain(s: &[u8]) -> Option<Decimal> {
    match parse_plain_prefix(s) {
        Some((d, len)) if len == s.len() => Some(d),
        _ => None,
    }
}

/// The longest `-?digits(.digits)?` at the start of `s` and its length in
/// bytes, or `None` when that start is not a decimal [`parse_plain`] takes
/// (no digit, a trailing `.`, more than 28 digits). The caller checks what
/// follows: [`parse_plain`] wants nothing, the fast row reader a closing
/// quote, so both read exactly the same text the same way.
pub(crate) fn parse_plain_prefix(s: &[u8]) -> Option<(Decimal, usize)> {
    let (negative, start) = match s.first() {
        Some(b'-') => (true, 1),
        _ => (false, 0),
    };
    let mut narrow: u64 = 0;
    let int_end = scan_digits(s, start, &mut narrow);
    // "1." and ".5" are left to the general parser to judge.
    let (frac_start, end) = match s.get(int_end) {
        Some(b'.') if int_end > start => {
            let end = scan_digits(s, int_end + 1, &mut narrow);
            if end == int_end + 1 {
                return None;
            }
            (int_end + 1, end)
        }
        _ => (int_end, int_end),
    };
    let count = (int_end - start) + (end - frac_start);
    let mantissa = match count {
        0 => return None,
        // 19 digits always fit a u64, so `narrow` did not wrap
        1..=19 => i128::from(narrow),
        // At most 28 digits: below 2^96, so this cannot fail; stay total anyway.
        20..=28 => {
            let digits = s.get(start..int_end)?.iter().chain(s.get(frac_start..end)?);
            let wide = digits.fold(0u128, |acc, b| acc * 10 + u128::from(b - b'0'));
            i128::try_from(wide).ok()?
        }
        _ => return None,
    };
    let scale = u32::try_from(end - frac_start).ok()?;
    let mut d = Decimal::try_from_i128_with_scale(mantissa, scale).ok()?;
    d.set_sign_negative(negative);
    Some((d, end))
}

/// Folds the ASCII digits from `from` on into `acc` (wrapping: the caller
/// only trusts it for 19 digits), returning the index after the last one.
#[inline]
fn scan_digits(s: &[u8], from: usize, acc: &mut u64) -> usize {
    let mut i = from;
    while let Some(&b @ b'0'..=b'9') = s.get(i) {
        *acc = acc.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
        i += 1;
    }
    i
}

/// Why a number text was refused, quoting at most its first bytes: a
/// hostile peer's ten thousand digits do not belong in an error message.
struct NumberError<'a> {
    kind: &'static str,
    text: &'a str,
}

impl<'a> NumberError<'a> {
    fn new(kind: &'static str, text: &'a str) -> Self {
        Self { kind, text }
    }
}

impl fmt::Display for NumberError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 40;
        let (kind, text) = (self.kind, self.text);
        if text.len() <= MAX_DECIMAL_LEN {
            return write!(f, "invalid {kind} {text:?}");
        }
        let cut = (0..=SHOWN)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        write!(
            f,
            "invalid {kind}: number text too long ({} bytes, at most {MAX_DECIMAL_LEN}) starting {:?}",
            text.len(),
            &text[..cut]
        )
    }
}

struct DecimalVisitor;

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Option<Decimal>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number or a string holding one")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<Decimal>, E> {
        if v.is_empty() {
            return Ok(None);
        }
        parse_decimal(v)
            .map(Some)
            .ok_or_else(|| E::custom(NumberError::new("decimal", v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<Decimal>, E> {
        Ok(Some(Decimal::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<Decimal>, E> {
        Ok(Some(Decimal::from(v)))
    }

    // A JSON float is rendered to its shortest round-trip text and parsed from
    // there, so no binary float value ever reaches a model.
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<Decimal>, E> {
        let text = v.to_string();
        parse_decimal(&text)
            .map(Some)
            .ok_or_else(|| E::custom(format_args!("number {text} does not fit a decimal")))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<Decimal>, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<Decimal>, E> {
        Ok(None)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<Decimal>, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }
}

fn read<'de, D: de::Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    d.deserialize_any(DecimalVisitor)
}

struct IntVisitor;

impl<'de> Visitor<'de> for IntVisitor {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or a string holding one")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<i64>, E> {
        if v.is_empty() {
            return Ok(None);
        }
        // the same bound as decimals: "000…01" is as absurd as an integer
        if v.len() > MAX_DECIMAL_LEN {
            return Err(E::custom(NumberError::new("integer", v)));
        }
        if let Ok(i) = v.parse::<i64>() {
            return Ok(Some(i));
        }
        // "5.0" is still an integer; "5.5" is not
        match parse_decimal(v) {
            Some(d) if d.fract().is_zero() => i64::try_from(d)
                .map(Some)
                .map_err(|_| E::custom(format_args!("integer {v:?} out of range"))),
            _ => Err(E::custom(NumberError::new("integer", v))),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<i64>, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<i64>, E> {
        i64::try_from(v)
            .map(Some)
            .map_err(|_| E::custom(format_args!("integer {v} out of range")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<i64>, E> {
        self.visit_str(&v.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<i64>, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<i64>, E> {
        Ok(None)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<i64>, D::Error> {
        d.deserialize_any(IntVisitor)
    }
}

fn read_int<'de, D: de::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_any(IntVisitor)
}

/// A required [`Decimal`]: a JSON string (`"0.10"`) or number. `""` is an error.
pub mod decimal {
    use rust_decimal::Decimal;
    use serde::{Deserializer, Serializer, de::Error as _};

    /// Writes the decimal as a JSON string with its original scale.
    pub fn serialize<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    /// Reads a decimal from a string or number.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        super::read(d)?.ok_or_else(|| D::Error::custom("expected a decimal, got an empty value"))
    }
}

/// An optional [`Decimal`]: `""`, `null` or a missing field (with `#[serde(default)]`)
/// is `None`; `None` is written back as `""`.
pub mod opt_decimal {
    use rust_decimal::Decimal;
    use serde::{Deserializer, Serializer};

    /// Writes `Some` as a decimal string and `None` as `""`.
    pub fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.collect_str(d),
            None => s.serialize_str(""),
        }
    }

    /// Reads a decimal, mapping `""` and `null` to `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        super::read(d)
    }
}

/// A required `i64` (timestamps, counts, sequence ids): a string (`"1597026383085"`) or number.
pub mod int {
    use serde::{Deserializer, Serializer, de::Error as _};

    /// Writes the integer as a JSON string, the way OKX sends it.
    pub fn serialize<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    /// Reads an integer from a string or number.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        super::read_int(d)?
            .ok_or_else(|| D::Error::custom("expected an integer, got an empty value"))
    }
}

/// An optional `i64`: `""`, `null` or missing is `None`; `None` is written as `""`.
pub mod opt_int {
    use serde::{Deserializer, Serializer};

    /// Writes `Some` as an integer string and `None` as `""`.
    pub fn serialize<S: Serializer>(v: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(i) => s.collect_str(i),
            None => s.serialize_str(""),
        }
    }

    /// Reads an integer, mapping `""` and `null` to `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        super::read_int(d)
    }
}

struct BoolVisitor;

impl Visitor<'_> for BoolVisitor {
    type Value = Option<bool>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean, or \"true\"/\"false\"/\"1\"/\"0\"")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Option<bool>, E> {
        Ok(Some(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<bool>, E> {
        match v {
            "" => Ok(None),
            "true" | "1" => Ok(Some(true)),
            "false" | "0" => Ok(Some(false)),
            other => Err(E::custom(format_args!("invalid boolean {other:?}"))),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<bool>, E> {
        match v {
            0 => Ok(Some(false)),
            1 => Ok(Some(true)),
            other => Err(E::custom(format_args!("invalid boolean {other}"))),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<bool>, E> {
        match u64::try_from(v) {
            Ok(u) => self.visit_u64(u),
            Err(_) => Err(E::custom(format_args!("invalid boolean {v}"))),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<bool>, E> {
        Ok(None)
    }
}

fn read_bool<'de, D: de::Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_any(BoolVisitor)
}

/// An optional flag that OKX sends as a JSON bool. Reading also accepts the
/// string forms (`"true"`, `"false"`, `"1"`, `"0"`) because OKX mixes them
/// between endpoints; `""`/`null`/missing is `None`. Writes a JSON bool, or `""` for `None`.
pub mod opt_bool {
    use serde::{Deserializer, Serializer};

    /// Writes `Some` as a JSON bool and `None` as `""`.
    pub fn serialize<S: Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_bool(*b),
            None => s.serialize_str(""),
        }
    }

    /// Reads a bool from a JSON bool or its string forms.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        super::read_bool(d)
    }
}

/// An optional flag that OKX sends as a string (`"true"`/`"false"`). Reads every
/// form [`opt_bool`] reads; writes `"true"`/`"false"`, or `""` for `None`.
pub mod opt_bool_str {
    use serde::{Deserializer, Serializer};

    /// Writes `Some` as `"true"`/`"false"` and `None` as `""`.
    pub fn serialize<S: Serializer>(v: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match v {
            Some(true) => "true",
            Some(false) => "false",
            None => "",
        })
    }

    /// Reads a bool from a JSON bool or its string forms.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        super::read_bool(d)
    }
}

/// A required flag sent as `"1"`/`"0"` (candle `confirm`). Reads every bool form; writes `"1"`/`"0"`.
pub mod bool_01 {
    use serde::{Deserializer, Serializer, de::Error as _};

    /// Writes `"1"` for true and `"0"` for false.
    pub fn serialize<S: Serializer>(v: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if *v { "1" } else { "0" })
    }

    /// Reads a bool from `"1"`/`"0"`, a JSON bool or `"true"`/`"false"`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        super::read_bool(d)?.ok_or_else(|| D::Error::custom("expected a flag, got an empty value"))
    }
}

/// An optional `i64` that OKX sends as a JSON number (`seqId`, `checksum`,
/// `instIdCode`). Reads every form [`opt_int`] reads; writes a JSON number,
/// or `null` for `None`.
pub mod opt_int_number {
    use serde::{Deserializer, Serializer};

    /// Writes `Some` as a JSON number and `None` as `null`.
    pub fn serialize<S: Serializer>(v: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(i) => s.serialize_i64(*i),
            None => s.serialize_none(),
        }
    }

    /// Reads an integer from a number or string; `""`/`null` is `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        super::read_int(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path must agree with the general parser, scale included.
    #[test]
    fn plain_fast_path_matches_the_general_parser() {
        let cases = [
            "0",
            "0.10",
            "-0.5",
            "10",
            "10.0",
            "123456789.123456789",
            "00012.3400",
            "9999999999999999999999999999",
            "0.0000000000000000000000000001",
            "-42",
            "1.",
            ".5",
            "",
            "-",
            "1.2.3",
            "1e5",
            "+1",
            "1_0",
            "12a",
            "99999999999999999999999999999",
            "18446744073709551616.5",
            // past 19 digits the mantissa no longer fits a u64
            "1234567890123456789",
            "12345678901234567890",
            "-1234567890.123456789012345678",
            "0000000000000000000001.5",
            "79228162514264337593543950335",
            "7922816251426433759354395033.5",
        ];
        for text in cases {
            let fast = parse_plain(text.as_bytes());
            let general = Decimal::from_str_exact(text).ok();
            if let Some(fast) = fast {
                let general = general.unwrap_or_else(|| {
                    panic!("{text:?}: fast path accepted what the parser refuses")
                });
                assert_eq!(fast, general, "{text:?}");
                assert_eq!(
                    fast.to_string(),
                    general.to_string(),
                    "{text:?}: scale differs"
                );
            }
        }
        assert_eq!(
            parse_plain(b"0.10").map(|d| d.to_string()),
            Some("0.10".to_owned())
        );
        assert_eq!(parse_plain(b"-0.5"), Some(Decimal::new(-5, 1)));
        assert_eq!(parse_plain(b"1e5"), None);
        assert_eq!(parse_decimal("1e5"), Some(Decimal::from(100_000)));
        assert_eq!(parse_decimal("1_0"), None);
        // a negative zero keeps its sign, so it is written back as sent
        assert_eq!(
            parse_decimal("-0.00").map(|d| d.to_string()).as_deref(),
            Some("-0.00")
        );
        let wide = parse_plain(b"-1234567890.123456789012345678").unwrap();
        assert_eq!(wide.to_string(), "-1234567890.123456789012345678");
    }

    /// The prefix form stops at the first byte that is not part of the
    /// number and reports how far it read.
    #[test]
    fn plain_prefix_reports_its_length() {
        let at = |s: &str| parse_plain_prefix(s.as_bytes()).map(|(d, n)| (d.to_string(), n));
        assert_eq!(at("30236.1\","), Some(("30236.1".to_owned(), 7)));
        assert_eq!(at("-0.50\""), Some(("-0.50".to_owned(), 5)));
        assert_eq!(at("1.2.3"), Some(("1.2".to_owned(), 3)));
        assert_eq!(at("7e5"), Some(("7".to_owned(), 1)));
        assert_eq!(at("1.\""), None);
        assert_eq!(at(".5"), None);
        assert_eq!(at("-\""), None);
        assert_eq!(at("\""), None);
        assert_eq!(at(&"1".repeat(29)), None);
    }
}
