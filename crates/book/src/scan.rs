//! A tiny JSON scanner for the fixed shape of OKX book pushes.
//!
//! It reads bytes in place and never builds a tree: strings come back as
//! borrowed slices, numbers as integers, and anything the book does not need
//! is skipped without recursion (nesting is tracked with a counter, so deeply
//! nested input cannot overflow the stack).

use crate::error::ParseError;

/// Deepest nesting accepted when skipping an unknown value.
const MAX_SKIP_DEPTH: usize = 64;

/// A cursor over the frame bytes.
#[derive(Clone)]
pub(crate) struct Scanner<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    #[inline]
    pub(crate) fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// The next non-whitespace byte, without consuming it.
    #[inline]
    pub(crate) fn peek(&mut self) -> Option<u8> {
        // Compact JSON has no whitespace: check the next byte first.
        match self.bytes.get(self.pos) {
            Some(&b) if b > b' ' => Some(b),
            _ => {
                self.skip_ws();
                self.bytes.get(self.pos).copied()
            }
        }
    }

    pub(crate) fn err(&self, what: &'static str) -> ParseError {
        if self.pos >= self.bytes.len() {
            ParseError::Eof { expected: what }
        } else {
            ParseError::Unexpected {
                expected: what,
                at: self.pos,
            }
        }
    }

    #[inline]
    pub(crate) fn expect(&mut self, byte: u8, what: &'static str) -> Result<(), ParseError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(what))
        }
    }

    /// After an element of an object or array: `true` if another follows
    /// (a comma was eaten), `false` if the closing byte was eaten.
    #[inline]
    pub(crate) fn next_or_close(&mut self, close: u8) -> Result<bool, ParseError> {
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b) if b == close => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(self.err(if close == b'}' {
                "',' or '}'"
            } else {
                "',' or ']'"
            })),
        }
    }

    /// Opens an object or array; `true` if it is empty (and already closed).
    #[inline]
    pub(crate) fn open(&mut self, open: u8, close: u8) -> Result<bool, ParseError> {
        self.expect(open, if open == b'{' { "'{'" } else { "'['" })?;
        if self.peek() == Some(close) {
            self.pos += 1;
            return Ok(true);
        }
        Ok(false)
    }

    /// A string's raw content between the quotes. Escapes are kept as they
    /// are (`raw_escaped` tells whether there were any) because book fields
    /// never contain them and keys are compared as plain ASCII; they are
    /// checked to be JSON escapes, and the content to be UTF-8, as a JSON
    /// parser would, so no string a parser refuses is ever skipped.
    #[inline]
    pub(crate) fn string_raw(&mut self) -> Result<(&'a [u8], bool), ParseError> {
        self.expect(b'"', "a string")?;
        let start = self.pos;
        let mut escaped = false;
        // OR of every byte: one test at the end says whether any is non-ASCII.
        let mut high = 0u8;
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'"' => {
                    let s = &self.bytes[start..self.pos];
                    if high >= 0x80 && std::str::from_utf8(s).is_err() {
                        return Err(ParseError::Unexpected {
                            expected: "utf-8 text",
                            at: start,
                        });
                    }
                    self.pos += 1;
                    return Ok((s, escaped));
                }
                b'\\' => {
                    escaped = true;
                    self.escape()?;
                }
                0..=0x1f => return Err(self.err("a string character")),
                _ => {
                    high |= b;
                    self.pos += 1;
                }
            }
        }
        Err(ParseError::Eof {
            expected: "closing '\"'",
        })
    }

    /// Steps over one escape at the cursor (a backslash), refusing what
    /// JSON does not define.
    #[cold]
    fn escape(&mut self) -> Result<(), ParseError> {
        let at = self.pos;
        let bad = ParseError::Unexpected {
            expected: "a json escape",
            at,
        };
        match self.bytes.get(at + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.pos += 2,
            Some(b'u') => {
                let unit = self.code_unit(at)?;
                self.pos += 6;
                // UTF-16 surrogates come in pairs, high then low; a lone one
                // names no character, and JSON parsers refuse it.
                match unit {
                    0xD800..=0xDBFF => {
                        let low = match self.bytes.get(self.pos..self.pos + 2) {
                            Some(b"\\u") => self.code_unit(self.pos)?,
                            _ => return Err(bad),
                        };
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(bad);
                        }
                        self.pos += 6;
                    }
                    0xDC00..=0xDFFF => return Err(bad),
                    _ => {}
                }
            }
            Some(_) => return Err(bad),
            None => {
                return Err(ParseError::Eof {
                    expected: "closing '\"'",
                });
            }
        }
        Ok(())
    }

    /// The four hex digits of the `\\u` escape at `at`.
    fn code_unit(&self, at: usize) -> Result<u16, ParseError> {
        let hex = self.bytes.get(at + 2..at + 6).ok_or(ParseError::Eof {
            expected: "four hex digits",
        })?;
        std::str::from_utf8(hex)
            .ok()
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|h| u16::from_str_radix(h, 16).ok())
            .ok_or(ParseError::Unexpected {
                expected: "four hex digits",
                at,
            })
    }

    /// A string that must be plain text (no escapes): identifiers and numbers.
    #[inline]
    pub(crate) fn plain_str(&mut self) -> Result<&'a str, ParseError> {
        let at = self.pos;
        let raw = self.plain_bytes()?;
        std::str::from_utf8(raw).map_err(|_| ParseError::Unexpected {
            expected: "utf-8 text",
            at,
        })
    }

    /// What [`Scanner::plain_str`] accepts, as bytes, for a caller that only
    /// compares them: checked to be UTF-8, for short ASCII names without the
    /// cost of a `&str`.
    #[inline]
    pub(crate) fn plain_bytes(&mut self) -> Result<&'a [u8], ParseError> {
        let at = self.pos;
        let (raw, escaped) = self.string_raw()?;
        if escaped {
            return Err(ParseError::Unexpected {
                expected: "a string without escapes",
                at,
            });
        }
        // `string_raw` checked it to be UTF-8.
        Ok(raw)
    }

    /// A string holding a decimal number (`-`, digits and one `.`), returned
    /// as the exact bytes so checksums can be rebuilt from them. With
    /// `integer`, only up to 9 digits (a `u32` order count) are accepted.
    #[inline]
    pub(crate) fn number_bytes(&mut self, integer: bool) -> Result<&'a [u8], ParseError> {
        self.expect(b'"', "a quoted number")?;
        let start = self.pos;
        let rest = self.bytes.get(start..).unwrap_or_default();
        let mut dot = integer;
        let mut digits = 0usize;
        let mut len = usize::from(rest.first() == Some(&b'-') && !integer);
        for &b in &rest[len..] {
            match b {
                b'0'..=b'9' => digits += 1,
                b'.' if !dot => dot = true,
                b'"' => {
                    if digits == 0 || (integer && digits > 9) {
                        break;
                    }
                    self.pos = start + len + 1;
                    return Ok(&rest[..len]);
                }
                _ => break,
            }
            len += 1;
        }
        if start + len >= self.bytes.len() {
            return Err(ParseError::Eof {
                expected: "closing '\"'",
            });
        }
        Err(ParseError::BadNumber { at: start })
    }

    /// A JSON integer (optionally negative), as used by `seqId` and `checksum`.
    pub(crate) fn integer(&mut self) -> Result<i64, ParseError> {
        self.skip_ws();
        let start = self.pos;
        let neg = self.bytes.get(self.pos) == Some(&b'-');
        if neg {
            self.pos += 1;
        }
        let mut value: i64 = 0;
        let mut digits = 0;
        while let Some(&b) = self.bytes.get(self.pos) {
            if !b.is_ascii_digit() {
                break;
            }
            let d = i64::from(b - b'0');
            value = value
                .checked_mul(10)
                .and_then(|v| {
                    if neg {
                        v.checked_sub(d)
                    } else {
                        v.checked_add(d)
                    }
                })
                .ok_or(ParseError::BadNumber { at: start })?;
            digits += 1;
            self.pos += 1;
        }
        // JSON has no leading zeros: `04826378794` is no number.
        let leading_zero = digits > 1 && self.bytes.get(start + usize::from(neg)) == Some(&b'0');
        if digits == 0
            || leading_zero
            || matches!(self.bytes.get(self.pos), Some(b'.' | b'e' | b'E'))
        {
            return Err(ParseError::BadNumber { at: start });
        }
        Ok(value)
    }

    /// Skips any JSON value. Validation is structural: brackets must match
    /// and strings must close; literals and numbers are skipped by their
    /// character class.
    pub(crate) fn skip_value(&mut self) -> Result<(), ParseError> {
        let mut stack = [0u8; MAX_SKIP_DEPTH];
        let mut depth = 0usize;
        loop {
            // At the start of a value.
            match self.peek() {
                Some(b'"') => {
                    self.string_raw()?;
                }
                Some(open @ (b'{' | b'[')) => {
                    if depth == MAX_SKIP_DEPTH {
                        return Err(ParseError::TooDeep { at: self.pos });
                    }
                    self.pos += 1;
                    let close = if open == b'{' { b'}' } else { b']' };
                    if self.peek() == Some(close) {
                        self.pos += 1;
                    } else {
                        stack[depth] = close;
                        depth += 1;
                        if close == b'}' {
                            self.string_raw()?;
                            self.expect(b':', "':'")?;
                        }
                        continue;
                    }
                }
                Some(b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => {
                    let start = self.pos;
                    while let Some(&b) = self.bytes.get(self.pos) {
                        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.') {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                    let lit = &self.bytes[start..self.pos];
                    let valid = match lit[0] {
                        b't' | b'f' | b'n' => matches!(lit, b"true" | b"false" | b"null"),
                        _ => is_json_number(lit),
                    };
                    if !valid {
                        return Err(ParseError::Unexpected {
                            expected: "a json value",
                            at: start,
                        });
                    }
                }
                _ => return Err(self.err("a json value")),
            }
            // After a value: close containers or move to the next element.
            loop {
                if depth == 0 {
                    return Ok(());
                }
                let close = stack[depth - 1];
                if self.next_or_close(close)? {
                    if close == b'}' {
                        self.string_raw()?;
                        self.expect(b':', "':'")?;
                    }
                    break;
                }
                depth -= 1;
            }
        }
    }
}

/// Whether `text` is a JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(text: &[u8]) -> bool {
    fn digits(text: &[u8], mut i: usize) -> usize {
        while text.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    }
    let mut i = usize::from(text.first() == Some(&b'-'));
    match text.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits(text, i),
        _ => return false,
    }
    if text.get(i) == Some(&b'.') {
        let end = digits(text, i + 1);
        if end == i + 1 {
            return false;
        }
        i = end;
    }
    if matches!(text.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(text.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let end = digits(text, i);
        if end == i {
            return false;
        }
        i = end;
    }
    i == text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_numbers_follow_the_grammar() {
        for ok in [
            "0", "-0", "7", "-12", "0.5", "1.25e3", "1E-3", "1e+10", "-0.0e0",
        ] {
            assert!(is_json_number(ok.as_bytes()), "{ok}");
            assert!(serde_json::from_str::<f64>(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "-", "01", "-01", "1.", ".5", "1e", "1e+", "+1", "1.2.3", "1-2", "0x1",
        ] {
            assert!(!is_json_number(bad.as_bytes()), "{bad}");
        }
    }
}
