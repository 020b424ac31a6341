//! Numbers from the exact text OKX sent.
//!
//! A price is ordered by a fixed-point integer (value × 10^18 in an `i128`)
//! parsed once when the level is stored, so that sorting never touches text
//! and `"0.10"` and `"0.1"` land on the same level.

use rust_decimal::Decimal;

/// Fraction digits kept by the ordering key.
pub(crate) const KEY_SCALE: u32 = 18;
/// 10^0 ..= 10^18.
const POW10: [u64; 19] = {
    let mut table = [1u64; 19];
    let mut i = 1;
    while i < 19 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};
/// Significant digits a `Decimal` can hold exactly.
const MAX_DIGITS: u32 = 28;
/// The longest number text a level may hold, as okx-models' decoders
/// allow (`okx_models::num::MAX_DECIMAL_LEN`): thousands of padded zeros
/// are refused on both paths alike.
const MAX_TEXT: usize = 128;

/// What [`Fixed::parse_prefix`] read: the shape and digits of a number, not
/// yet checked to be one the book can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Prefix {
    /// Bytes that looked like a number.
    pub(crate) len: usize,
    /// Digits among them.
    pub(crate) digits: usize,
    /// It starts with `-`.
    pub(crate) neg: bool,
    /// The digits as an integer, if there are at most 19 of them.
    pub(crate) small: u64,
    /// Digits after the dot.
    pub(crate) scale: usize,
}

/// What [`Fixed::parse_size_prefix`] read: a [`Prefix`] without the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct SizePrefix {
    /// Bytes that looked like a number.
    pub(crate) len: usize,
    /// Digits among them.
    pub(crate) digits: usize,
    /// It starts with `-`.
    pub(crate) neg: bool,
    /// Some digit is not `0`.
    pub(crate) nonzero: bool,
    /// Digits after the dot.
    pub(crate) scale: usize,
}

impl SizePrefix {
    /// `true` if the number has at most 19 digits and at most 18 of them
    /// after the dot, like [`Prefix::is_short`].
    #[inline(always)]
    pub(crate) fn is_short(&self) -> bool {
        self.digits > 0 && self.digits <= 19 && self.scale <= KEY_SCALE as usize
    }
}

impl Prefix {
    /// `true` if the number has at most 19 digits and at most 18 of them
    /// after the dot: `small` and `scale` then say it all.
    #[inline(always)]
    pub(crate) fn is_short(&self) -> bool {
        self.digits > 0 && self.digits <= 19 && self.scale <= KEY_SCALE as usize
    }

    /// The number, if the book can hold it; `text` starts with what was read.
    pub(crate) fn fixed(&self, text: &[u8]) -> Option<Fixed> {
        if self.digits == 0 || self.scale > KEY_SCALE as usize {
            return None;
        }
        let mantissa = if self.digits <= 19 {
            i128::from(self.small)
        } else {
            Fixed::wide(text.get(usize::from(self.neg)..self.len)?)?
        };
        Some(Fixed {
            mantissa: if self.neg { -mantissa } else { mantissa },
            scale: u32::try_from(self.scale).ok()?,
        })
    }

    /// The ordering key of the number, as `fixed(text)` then
    /// [`Fixed::key`] give it, computed directly for a short number.
    #[inline(always)]
    pub(crate) fn key(&self, text: &[u8]) -> Option<i128> {
        if !self.is_short() {
            return self.fixed(text).and_then(Fixed::key);
        }
        let factor = *POW10.get(KEY_SCALE as usize - self.scale)?;
        // Below 10^19 times at most 10^18: under 2^124, so it always fits.
        let magnitude = i128::try_from(u128::from(self.small) * u128::from(factor)).ok()?;
        Some(if self.neg { -magnitude } else { magnitude })
    }
}

/// A decimal text split into an integer mantissa and its scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fixed {
    pub(crate) mantissa: i128,
    pub(crate) scale: u32,
}

impl Fixed {
    /// Parses `-?digits(.digits)?`; `None` if the text is not such a number,
    /// has more than 18 fraction digits or more than 28 significant digits.
    #[inline]
    pub(crate) fn parse(text: &[u8]) -> Option<Self> {
        let prefix = Self::parse_prefix(text);
        if prefix.len == text.len() {
            prefix.fixed(text)
        } else {
            None
        }
    }

    /// Reads the longest prefix of `text` that looks like a number
    /// (`-?[digits and at most one dot]`): how many bytes and digits that
    /// is, and what [`Prefix::fixed`] needs to make the number of it. The
    /// caller decides what may follow (the end of the text, or a quote).
    #[inline(always)]
    pub(crate) fn parse_prefix(text: &[u8]) -> Prefix {
        let neg = text.first() == Some(&b'-');
        let start = usize::from(neg);
        // Nearly every OKX number has at most 19 digits, which a u64 holds;
        // a longer one is read again by `wide`.
        let (whole_end, mut small) = digits_from(text, start, 0);
        let (mut end, mut scale) = (whole_end, 0);
        if text.get(whole_end) == Some(&b'.') {
            let (fraction_end, value) = digits_from(text, whole_end + 1, small);
            small = value;
            scale = fraction_end - whole_end - 1;
            end = fraction_end;
        }
        Prefix {
            len: end,
            digits: whole_end - start + scale,
            neg,
            small,
            scale,
        }
    }

    /// [`Fixed::parse_prefix`] for a size, of which the book needs only
    /// whether it is zero: the digits are looked at, not valued.
    #[inline(always)]
    pub(crate) fn parse_size_prefix(text: &[u8]) -> SizePrefix {
        let neg = text.first() == Some(&b'-');
        let start = usize::from(neg);
        let (whole_end, mut nonzero) = nonzero_digits_from(text, start, false);
        let (mut end, mut scale) = (whole_end, 0);
        if text.get(whole_end) == Some(&b'.') {
            let (fraction_end, any) = nonzero_digits_from(text, whole_end + 1, nonzero);
            nonzero = any;
            scale = fraction_end - whole_end - 1;
            end = fraction_end;
        }
        SizePrefix {
            len: end,
            digits: whole_end - start + scale,
            neg,
            nonzero,
            scale,
        }
    }

    /// The mantissa of a long number (already checked to be digits and at
    /// most one dot), if it has at most 28 significant digits and is no
    /// longer than [`MAX_TEXT`] bytes.
    fn wide(digits: &[u8]) -> Option<i128> {
        if digits.len() > MAX_TEXT {
            return None;
        }
        let mut mantissa: u128 = 0;
        let mut significant = 0u32;
        for &b in digits.iter().filter(|b| b.is_ascii_digit()) {
            if mantissa != 0 || b != b'0' {
                significant += 1;
            }
            if significant > MAX_DIGITS {
                return None;
            }
            mantissa = mantissa * 10 + u128::from(b - b'0');
        }
        // At most 28 significant digits fit an i128 with room to spare.
        i128::try_from(mantissa).ok()
    }

    /// The ordering key: the value scaled to 18 fraction digits.
    #[inline]
    pub(crate) fn key(self) -> Option<i128> {
        let factor = *POW10.get((KEY_SCALE - self.scale) as usize)?;
        let magnitude = self.mantissa.unsigned_abs();
        let scaled = match u64::try_from(magnitude) {
            // Two 64-bit factors: one widening multiply that cannot overflow.
            Ok(small) => u128::from(small) * u128::from(factor),
            Err(_) => magnitude.checked_mul(u128::from(factor))?,
        };
        let key = i128::try_from(scaled).ok()?;
        Some(if self.mantissa < 0 { -key } else { key })
    }

    pub(crate) fn to_decimal(self) -> Decimal {
        // The limits in `parse` (28 significant digits, scale <= 18) are
        // exactly what Decimal holds, so this conversion cannot fail for a
        // stored level; ZERO is only a guard for the type system.
        Decimal::try_from_i128_with_scale(self.mantissa, self.scale).unwrap_or(Decimal::ZERO)
    }
}

/// Where the run of ASCII digits in `text` from `at` on ends, and `value`
/// with them appended (wrapping past 19 digits, where the caller no longer
/// uses it).
#[inline(always)]
pub(crate) fn digits_from(text: &[u8], mut at: usize, mut value: u64) -> (usize, u64) {
    while let Some(&b) = text.get(at) {
        let d = b.wrapping_sub(b'0');
        if d >= 10 {
            break;
        }
        value = value.wrapping_mul(10).wrapping_add(u64::from(d));
        at += 1;
    }
    (at, value)
}

/// Where the run of ASCII digits in `text` from `at` on ends, and whether
/// any of them (or `nonzero` already) is not `0`.
#[inline(always)]
fn nonzero_digits_from(text: &[u8], mut at: usize, mut nonzero: bool) -> (usize, bool) {
    while let Some(&b) = text.get(at) {
        let d = b.wrapping_sub(b'0');
        if d >= 10 {
            break;
        }
        nonzero |= d != 0;
        at += 1;
    }
    (at, nonzero)
}

/// Parses a text already accepted into the book as a `Decimal`.
pub(crate) fn decimal(text: &str) -> Decimal {
    Fixed::parse(text.as_bytes()).map_or(Decimal::ZERO, Fixed::to_decimal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_trailing_zeros() {
        let a = Fixed::parse(b"0.10").and_then(Fixed::key);
        let b = Fixed::parse(b"0.1").and_then(Fixed::key);
        assert_eq!(a, b);
        assert_eq!(a, Some(100_000_000_000_000_000));
    }

    #[test]
    fn keys_order_like_values() {
        let texts = [
            "-1.5",
            "0",
            "0.0000007465",
            "0.07",
            "3366",
            "3366.1",
            "13643522",
        ];
        let keys: Vec<i128> = texts
            .iter()
            .map(|t| {
                Fixed::parse(t.as_bytes())
                    .and_then(Fixed::key)
                    .expect("valid")
            })
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
    }

    #[test]
    fn zero_forms() {
        for t in ["0", "0.0", "0.000", "-0", "00"] {
            assert!(
                Fixed::parse(t.as_bytes()).expect("number").mantissa == 0,
                "{t}"
            );
        }
        assert_ne!(Fixed::parse(b"0.001").expect("number").mantissa, 0);
    }

    #[test]
    fn rejects_what_it_cannot_hold() {
        for t in ["", "-", ".", "1e5", "1.2.3", "abc", "0.0000000000000000001"] {
            assert!(Fixed::parse(t.as_bytes()).is_none(), "{t}");
        }
        assert!(Fixed::parse(b"12345678901234567890123456789").is_none());
        // 22 integer digits parse but do not fit the key.
        let big = Fixed::parse(b"1234567890123456789012").expect("28 digits or fewer");
        assert_eq!(big.key(), None);
    }

    #[test]
    fn prefixes_stop_at_the_first_other_byte() {
        let read = |t: &[u8]| {
            let p = Fixed::parse_prefix(t);
            (p.fixed(t), p.len, p.digits)
        };
        let (fixed, len, digits) = read(b"-12.50\",");
        assert_eq!((len, digits), (6, 4));
        assert_eq!(
            fixed.map(Fixed::to_decimal).map(|d| d.to_string()),
            Some("-12.50".into())
        );
        assert_eq!(read(b"1.2.3"), (Fixed::parse(b"1.2"), 3, 2));
        assert_eq!(read(b"\""), (None, 0, 0));
        assert_eq!(read(b"-\""), (None, 1, 0));
        assert_eq!(read(b"."), (None, 1, 0));
        // Too many fraction digits: the length is still known.
        assert_eq!(read(b"0.0000000000000000001\""), (None, 21, 20));
        assert_eq!(read(b"12345678901234567890123456789\""), (None, 29, 29));
    }

    #[test]
    fn direct_keys_match_the_fixed_path() {
        for text in [
            "0",
            "-0",
            "0.10",
            "0.1",
            ".5",
            "5.",
            "-1.5",
            "3366.1",
            "13643522",
            "9999999999999999999",
            "99999999999.99999999",
            "0.000000000000000001",
            "-9999999999999999999",
            "1.9999999999999999999",
            "10000000000000000000",
            "0.0000000000000000001",
            "123456789012345678901234567.8",
            "",
        ] {
            let t = text.as_bytes();
            let prefix = Fixed::parse_prefix(t);
            assert_eq!(prefix.len, t.len(), "{text}");
            assert_eq!(
                prefix.key(t),
                Fixed::parse(t).and_then(Fixed::key),
                "{text}"
            );
        }
    }

    proptest::proptest! {
        /// A size's shape and zeroness read like its full prefix.
        #[test]
        fn size_prefixes_read_like_prefixes(text in "-?[0-9]{0,22}(\\.[0-9]{0,22})?[\"x.]?") {
            let t = text.as_bytes();
            let full = Fixed::parse_prefix(t);
            let size = Fixed::parse_size_prefix(t);
            proptest::prop_assert_eq!(
                (size.len, size.digits, size.neg, size.scale, size.is_short()),
                (full.len, full.digits, full.neg, full.scale, full.is_short())
            );
            let zero = t.get(..full.len).unwrap_or_default().iter().all(|&b| !(b'1'..=b'9').contains(&b));
            proptest::prop_assert_eq!(size.nonzero, !zero);
            if full.is_short() {
                proptest::prop_assert_eq!(full.small == 0, zero);
            }
        }
    }

    #[test]
    fn decimals_keep_scale() {
        assert_eq!(decimal("0.5000").to_string(), "0.5000");
        assert_eq!(decimal("-12.3").to_string(), "-12.3");
    }
}
