//! A fast path for the compact JSON rows OKX pushes, with serde_json as the
//! judge of everything it does not take on.
//!
//! A push is a small, flat, machine-written object: keys without escapes,
//! almost every value a short string. serde-derive reads such a row through
//! several generic layers and builds every field through a string visitor;
//! this module reads the same bytes directly: a [`Cursor`] walks the object,
//! matches each key against the row's field table (OKX sends the keys in a
//! stable order, so the next expected key is tried first), and hands each
//! value to the very `Deserialize` code or `with` adapter the derived impl
//! uses, through [`FieldValue`], a one-value serde `Deserializer`.
//!
//! The result is the same value serde_json would build, by construction:
//!
//! - a plain string (no escapes) reaches the field's visitor as
//!   `visit_borrowed_str`, a small non-negative integer as `visit_u64` and
//!   `null` as `visit_unit`/`visit_none`, exactly as serde_json calls them;
//! - any other value (escaped strings, floats, nested arrays and objects, or
//!   a scalar asked for in a way this reader does not mirror) is handed to
//!   serde_json itself, on just that value's text;
//! - anything this reader cannot match exactly (a key with escapes, a
//!   duplicate or missing required field, an error of any kind) is a
//!   [`Fallback`]: the caller decodes the whole input with serde_json, which
//!   then gives the result or the error it always gave.
//!
//! ```
//! use okx_models::Trade;
//! use okx_models::fast::{Cursor, read_rows};
//!
//! let text = r#"[{"instId":"BTC-USDT","tradeId":"1","px":"30236.10","sz":"0.0002","side":"buy","ts":"1652459224818"}]"#;
//! let mut c = Cursor::new(text);
//! let rows: Vec<Trade> = read_rows(&mut c).expect("plain rows take the fast path");
//! c.end().unwrap();
//! assert_eq!(rows[0].px.to_string(), "30236.10");
//! assert_eq!(rows, serde_json::from_str::<Vec<Trade>>(text).unwrap());
//! ```

use std::fmt;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, IgnoredAny};

use crate::num::parse_plain_prefix;

mod table;
mod value;

pub(crate) use table::fast_row;
pub use value::FieldValue;
use value::Kind;

/// The fast path does not take this input on; decode it with serde_json.
///
/// Not an error about the data: the input may be perfectly valid (a key
/// with escapes, a pretty-printed frame with an unusual shape). It only says
/// that serde_json must decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fallback;

impl fmt::Display for Fallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("input left to the general decoder")
    }
}

impl std::error::Error for Fallback {}

impl de::Error for Fallback {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Fallback
    }
}

/// A row type the fast path can read from a JSON object.
///
/// Implementations must build exactly the value the type's `Deserialize`
/// impl builds from the same object, or return [`Fallback`].
pub trait FastRow: Sized {
    /// Reads one row object at the cursor.
    fn read_row(c: &mut Cursor<'_>) -> Result<Self, Fallback>;

    /// Reads one row object at the cursor into `row`, reusing the heap
    /// buffers it holds where the row's table allows (its `String`
    /// fields). After a [`Fallback`], `row` holds a mix of old and new
    /// values and is to be decoded again.
    fn read_row_into(c: &mut Cursor<'_>, row: &mut Self) -> Result<(), Fallback> {
        *row = Self::read_row(c)?;
        Ok(())
    }
}

/// Reads a JSON array of rows at the cursor.
pub fn read_rows<T: FastRow>(c: &mut Cursor<'_>) -> Result<Vec<T>, Fallback> {
    let mut rows = Vec::new();
    c.eat(b'[')?;
    if c.try_eat(b']') {
        return Ok(rows);
    }
    loop {
        rows.push(T::read_row(c)?);
        if c.try_eat(b',') {
            continue;
        }
        c.eat(b']')?;
        return Ok(rows);
    }
}

/// The rows of a successful OKX REST answer, `{"code":"0","msg":"",
/// "data":[...]}`, read like a serde-derived envelope that has a required
/// `code` and a `data` list and ignores other members: `code` must be the
/// string `"0"`, `data` must be there, and `msg` or any member OKX adds is
/// skipped. Anything else (an error code, a numeric code, a missing or
/// repeated member, a row that does not fit) is a [`Fallback`], for the
/// general decoder and its error reporting.
///
/// ```
/// use okx_models::Ticker;
/// use okx_models::fast::read_envelope;
///
/// let text = r#"{"code":"0","msg":"","data":[{"instType":"SPOT","instId":"BTC-USDT","last":"73384.8","ts":"1710328243709"}]}"#;
/// let rows: Vec<Ticker> = read_envelope(text).expect("a plain answer takes the fast path");
/// assert_eq!(rows[0].inst_id, "BTC-USDT");
/// assert!(read_envelope::<Ticker>(r#"{"code":"50011","msg":"Too Many Requests","data":[]}"#).is_err());
/// ```
pub fn read_envelope<T: FastRow>(text: &str) -> Result<Vec<T>, Fallback> {
    let mut c = Cursor::new(text);
    let (mut code, mut rows) = (false, None);
    let mut open = c.begin_object()?;
    while open {
        match c.key()? {
            "code" if !code => match c.value()?.kind {
                Kind::Str("0") => code = true,
                _ => return Err(Fallback),
            },
            "data" if rows.is_none() => rows = Some(read_rows(&mut c)?),
            // A repeated field, which serde's derive refuses.
            "code" | "data" => return Err(Fallback),
            _ => c.skip_value()?,
        }
        open = c.next_member()?;
    }
    c.end()?;
    match (code, rows) {
        (true, Some(rows)) => Ok(rows),
        _ => Err(Fallback),
    }
}

/// [`read_rows`] into `rows`, reusing the vector and, row by row, what the
/// rows it already holds have on the heap: after the first few pushes of a
/// channel, reading another allocates nothing. After a [`Fallback`], `rows`
/// holds a mix of old and new rows and is to be decoded again.
pub fn read_rows_into<T: FastRow>(c: &mut Cursor<'_>, rows: &mut Vec<T>) -> Result<(), Fallback> {
    c.eat(b'[')?;
    let mut n = 0;
    if !c.try_eat(b']') {
        loop {
            match rows.get_mut(n) {
                Some(row) => T::read_row_into(c, row)?,
                None => rows.push(T::read_row(c)?),
            }
            n += 1;
            if c.try_eat(b',') {
                continue;
            }
            c.eat(b']')?;
            break;
        }
    }
    rows.truncate(n);
    Ok(())
}

/// Nesting deeper than this inside one value is left to serde_json, whose
/// recursion limit counts from the top of the whole input.
const MAX_DEPTH: usize = 64;

/// A position in a JSON text, read forwards.
#[derive(Debug, Clone)]
pub struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    #[inline]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Consumes `byte` (after any whitespace), or falls back.
    #[inline]
    pub fn eat(&mut self, byte: u8) -> Result<(), Fallback> {
        if self.try_eat(byte) {
            Ok(())
        } else {
            Err(Fallback)
        }
    }

    /// Consumes `byte` (after any whitespace) if it is next.
    #[inline]
    pub fn try_eat(&mut self, byte: u8) -> bool {
        self.skip_ws();
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Checks that only whitespace is left.
    pub fn end(&mut self) -> Result<(), Fallback> {
        self.skip_ws();
        if self.pos == self.text.len() {
            Ok(())
        } else {
            Err(Fallback)
        }
    }

    /// Opens an object: consumes `{`; `false` when it is empty (`{}`
    /// consumed whole).
    #[inline]
    pub fn begin_object(&mut self) -> Result<bool, Fallback> {
        self.eat(b'{')?;
        Ok(!self.try_eat(b'}'))
    }

    /// After a member's value: `true` when another member follows (`,`
    /// consumed), `false` at the closing `}`.
    #[inline]
    pub fn next_member(&mut self) -> Result<bool, Fallback> {
        if self.try_eat(b',') {
            return Ok(true);
        }
        self.eat(b'}')?;
        Ok(false)
    }

    /// Reads a member's key and its `:`. Keys with escapes fall back: the
    /// field they name is only known once unescaped.
    pub fn key(&mut self) -> Result<&'a str, Fallback> {
        self.skip_ws();
        if self.peek() != Some(b'"') {
            return Err(Fallback);
        }
        let key = self.plain_string().ok_or(Fallback)?;
        self.eat(b':')?;
        Ok(key)
    }

    /// At an opening quote: the string's text if it holds no escape and no
    /// control character, with the cursor moved past it; else `None` and the
    /// cursor unmoved.
    fn plain_string(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let start = self.pos + 1;
        let end = start + string_len(bytes.get(start..)?)?;
        let s = self.text.get(start..end)?;
        self.pos = end + 1;
        Some(s)
    }

    /// A JSON integer `0` or `[1-9][0-9]{0,18}` that ends there (no
    /// fraction or exponent), which serde_json reads as a `u64`.
    fn small_uint(&mut self) -> Option<u64> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut i = start;
        let mut n: u64 = 0;
        while let Some(&b @ b'0'..=b'9') = bytes.get(i) {
            // a 20th digit may not fit: serde_json reads such a number as
            // a float, so leave it to serde_json
            if i - start == 19 {
                return None;
            }
            n = n * 10 + u64::from(b - b'0');
            i += 1;
        }
        let len = i - start;
        if len == 0 || (len > 1 && bytes.get(start) == Some(&b'0')) {
            return None;
        }
        if matches!(bytes.get(i), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        self.pos = i;
        Some(n)
    }

    /// Moves past one value of any kind without judging it. Where it stops
    /// is only a candidate end: serde_json checks the text it passed over
    /// wherever that text is used, and a wrong cut of invalid JSON fails
    /// there or at the next structural byte.
    fn skip_raw(&mut self) -> Result<(), Fallback> {
        self.skip_ws();
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut i = start;
        match bytes.get(i) {
            Some(b'"') => i = skip_string(bytes, i)?,
            Some(b'{' | b'[') => {
                let mut depth = 0usize;
                loop {
                    match bytes.get(i) {
                        Some(b'"') => {
                            i = skip_string(bytes, i)?;
                            continue;
                        }
                        Some(b'{' | b'[') => {
                            depth += 1;
                            if depth > MAX_DEPTH {
                                return Err(Fallback);
                            }
                        }
                        Some(b'}' | b']') => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        Some(_) => {}
                        None => return Err(Fallback),
                    }
                    i += 1;
                }
            }
            Some(_) => {
                while let Some(b) = bytes.get(i) {
                    if matches!(
                        b,
                        b',' | b'}'
                            | b']'
                            | b':'
                            | b'"'
                            | b'{'
                            | b'['
                            | b' '
                            | b'\n'
                            | b'\t'
                            | b'\r'
                    ) {
                        break;
                    }
                    i += 1;
                }
                if i == start {
                    return Err(Fallback);
                }
            }
            None => return Err(Fallback),
        }
        self.pos = i;
        Ok(())
    }

    /// Reads a member's key and its `:`, and names the field it is in
    /// `keys` (`None` for a key the row does not know). The key after the
    /// previous match (`hint`) is compared in place first, without scanning
    /// the key for escapes: text equal to a table key (which holds none)
    /// followed by a quote is that key.
    pub(crate) fn field<F: Copy>(
        &mut self,
        keys: &[(&str, F)],
        hint: &mut usize,
    ) -> Result<Option<F>, Fallback> {
        let start = (*hint).min(keys.len());
        let (head, tail) = keys.split_at(start);
        let mut found = None;
        for (i, (k, f)) in tail.iter().enumerate() {
            if self.key_is(k) {
                found = Some((start + i, *k, *f));
                break;
            }
        }
        if found.is_none() {
            for (i, (k, f)) in head.iter().enumerate() {
                if self.key_is(k) {
                    found = Some((i, *k, *f));
                    break;
                }
            }
        }
        match found {
            Some((i, k, f)) => {
                self.take_key(k)?;
                *hint = i + 1;
                Ok(Some(f))
            }
            None => {
                // a key the row does not know; scanning it checks it
                self.key()?;
                Ok(None)
            }
        }
    }

    /// Whether the string at the cursor (after any whitespace) is exactly
    /// `key`, a table key without quotes or escapes in it; the byte after it
    /// is checked first as the cheapest filter on length. Always inlined:
    /// with a literal key the comparison folds into a few constant loads.
    #[inline(always)]
    pub(crate) fn key_is(&mut self, key: &str) -> bool {
        self.skip_ws();
        let bytes = self.text.as_bytes();
        let k = key.as_bytes();
        let open = self.pos;
        let close = open + 1 + k.len();
        bytes.get(close) == Some(&b'"')
            && bytes.get(open) == Some(&b'"')
            && bytes
                .get(open + 1..close)
                .is_some_and(|text| short_eq(text, k))
    }

    /// Consumes a key [`Cursor::key_is`] matched, and its `:`.
    #[inline(always)]
    pub(crate) fn take_key(&mut self, key: &str) -> Result<(), Fallback> {
        self.pos += key.len() + 2;
        self.eat(b':')
    }

    /// A quoted plain decimal (see [`parse_plain_prefix`]) parsed in place:
    /// `Some(None)` for `""`, `None` (cursor unmoved) for anything else.
    fn quoted_decimal(&mut self) -> Option<Option<Decimal>> {
        self.skip_ws();
        let rest = self.text.as_bytes().get(self.pos..)?;
        if rest.first() != Some(&b'"') {
            return None;
        }
        if rest.get(1) == Some(&b'"') {
            self.pos += 2;
            return Some(None);
        }
        let (d, len) = parse_plain_prefix(rest.get(1..)?)?;
        if rest.get(1 + len) != Some(&b'"') {
            return None;
        }
        self.pos += len + 2;
        Some(Some(d))
    }

    /// A quoted integer of at most 18 digits, which cannot overflow, parsed
    /// in place: `Some(None)` for `""`, `None` (cursor unmoved) for anything
    /// else.
    fn quoted_int(&mut self) -> Option<Option<i64>> {
        self.skip_ws();
        let rest = self.text.as_bytes().get(self.pos..)?;
        if rest.first() != Some(&b'"') {
            return None;
        }
        let (negative, start) = match rest.get(1) {
            Some(b'"') => {
                self.pos += 2;
                return Some(None);
            }
            Some(b'-') => (true, 2),
            _ => (false, 1),
        };
        let mut n: i64 = 0;
        let mut i = start;
        while let Some(&b @ b'0'..=b'9') = rest.get(i) {
            if i - start == 18 {
                return None;
            }
            n = n * 10 + i64::from(b - b'0');
            i += 1;
        }
        if i == start || rest.get(i) != Some(&b'"') {
            return None;
        }
        self.pos += i + 1;
        Some(Some(if negative { -n } else { n }))
    }

    /// A value read as [`crate::num::decimal`] reads it.
    pub(crate) fn decimal(&mut self) -> Result<Decimal, Fallback> {
        match self.quoted_decimal() {
            Some(Some(d)) => Ok(d),
            Some(None) => Err(Fallback),
            None => crate::num::decimal::deserialize(self.value()?),
        }
    }

    /// A value read as [`crate::num::opt_decimal`] reads it.
    pub(crate) fn opt_decimal(&mut self) -> Result<Option<Decimal>, Fallback> {
        match self.quoted_decimal() {
            Some(d) => Ok(d),
            None => crate::num::opt_decimal::deserialize(self.value()?),
        }
    }

    /// A value read as [`crate::num::int`] reads it.
    pub(crate) fn int(&mut self) -> Result<i64, Fallback> {
        match self.quoted_int() {
            Some(Some(n)) => Ok(n),
            Some(None) => Err(Fallback),
            None => crate::num::int::deserialize(self.value()?),
        }
    }

    /// A value read as [`crate::num::opt_int`] reads it.
    pub(crate) fn opt_int(&mut self) -> Result<Option<i64>, Fallback> {
        match self.quoted_int() {
            Some(n) => Ok(n),
            None => crate::num::opt_int::deserialize(self.value()?),
        }
    }

    /// A value read as `String`'s `Deserialize` reads it.
    pub(crate) fn string(&mut self) -> Result<String, Fallback> {
        String::deserialize(self.value()?)
    }

    /// A value read as `String`'s `Deserialize` reads it, into `out`,
    /// reusing its buffer for a plain string.
    pub fn string_into(&mut self, out: &mut String) -> Result<(), Fallback> {
        let v = self.value()?;
        match v.kind {
            Kind::Str(s) => {
                out.clear();
                out.push_str(s);
            }
            _ => *out = String::deserialize(v)?,
        }
        Ok(())
    }

    /// A value read as `Option<String>`'s `Deserialize` reads it, into
    /// `out`, reusing the buffer it holds for a plain string.
    pub fn opt_string_into(&mut self, out: &mut Option<String>) -> Result<(), Fallback> {
        let v = self.value()?;
        match (v.kind, out.as_mut()) {
            (Kind::Str(s), Some(old)) => {
                old.clear();
                old.push_str(s);
            }
            (Kind::Null, _) => *out = None,
            _ => *out = Option::<String>::deserialize(v)?,
        }
        Ok(())
    }

    /// Reads the value of a member as a one-value `Deserializer`.
    pub fn value(&mut self) -> Result<FieldValue<'a>, Fallback> {
        self.skip_ws();
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'"') => match self.plain_string() {
                Some(s) => Kind::Str(s),
                None => {
                    self.skip_raw()?;
                    Kind::Other
                }
            },
            Some(b'0'..=b'9') => match self.small_uint() {
                Some(n) => Kind::U64(n),
                None => {
                    self.skip_raw()?;
                    Kind::Other
                }
            },
            Some(b'n') if self.text.as_bytes().get(start..start + 4) == Some(&b"null"[..]) => {
                self.pos += 4;
                Kind::Null
            }
            _ => {
                self.skip_raw()?;
                Kind::Other
            }
        };
        Ok(FieldValue {
            text: self.text,
            span: (start, self.pos),
            kind,
        })
    }

    /// Skips a member's value, checking it the way serde_json checks an
    /// ignored field.
    pub fn skip_value(&mut self) -> Result<(), Fallback> {
        let v = self.value()?;
        match v.kind {
            Kind::Other => de::Deserialize::deserialize(v).map(|IgnoredAny| ()),
            Kind::Str(_) | Kind::U64(_) | Kind::Null => Ok(()),
        }
    }
}

/// Byte equality for short keys, inline: a call to `memcmp` costs more than
/// comparing a dozen bytes.
#[inline(always)]
fn short_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut a8 = a.chunks_exact(8);
    let mut b8 = b.chunks_exact(8);
    for (x, y) in (&mut a8).zip(&mut b8) {
        if u64::from_ne_bytes(x.try_into().unwrap_or_default())
            != u64::from_ne_bytes(y.try_into().unwrap_or_default())
        {
            return false;
        }
    }
    a8.remainder()
        .iter()
        .zip(b8.remainder())
        .all(|(x, y)| x == y)
}

/// The length of a string's text up to its closing quote, or `None` when an
/// escape or a control character comes first (or no quote does).
#[inline]
fn string_len(bytes: &[u8]) -> Option<usize> {
    let len = bytes
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    (bytes.get(len) == Some(&b'"')).then_some(len)
}

/// At an opening quote: the index just past the closing quote, stepping over
/// escapes without judging them.
fn skip_string(bytes: &[u8], open: usize) -> Result<usize, Fallback> {
    let mut i = open + 1;
    loop {
        match bytes.get(i) {
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => i += 2,
            Some(_) => i += 1,
            None => return Err(Fallback),
        }
    }
}
