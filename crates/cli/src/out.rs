//! Output for people (aligned tables, UTC times) and for scripts (JSON).

use std::fmt::Display;
use std::io::Write;

use rust_decimal::Decimal;

use crate::fail::CliError;

/// Columns aligned on their widest cell; columns of numbers are
/// right-aligned so decimals line up by magnitude.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let numeric = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | '%' | 'e'))
            && s.chars().any(|c| c.is_ascii_digit())
    };
    // A column whose cells are all numbers (or `-`) is right-aligned,
    // header included.
    let right: Vec<bool> = (0..widths.len())
        .map(|i| {
            !rows.is_empty()
                && rows
                    .iter()
                    .all(|r| r.get(i).is_none_or(|c| c == "-" || numeric(c)))
        })
        .collect();
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut text = String::new();
        for (i, cell) in cells.enumerate() {
            let w = widths.get(i).copied().unwrap_or(0);
            if i > 0 {
                text.push_str("  ");
            }
            if right.get(i).copied().unwrap_or(false) {
                text.push_str(&format!("{cell:>w$}"));
            } else {
                text.push_str(&format!("{cell:<w$}"));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&mut headers.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

/// A decimal, or `-` when OKX sent none.
pub fn dec(v: Option<Decimal>) -> String {
    v.map_or_else(|| "-".to_owned(), |d| d.normalize().to_string())
}

/// Any displayable value, or `-`.
pub fn opt<T: Display>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_owned(), |d| d.to_string())
}

/// Text, or `-` when empty.
pub fn text(s: &str) -> String {
    if s.is_empty() { "-".into() } else { s.into() }
}

/// Writes text to stdout; a closed pipe (`| head`) is not an error worth a
/// message, so it ends the command quietly.
pub fn print(w: &mut dyn Write, text: &str) -> Result<(), CliError> {
    match w.write_all(text.as_bytes()).and_then(|()| w.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::other(format!("cannot write output: {e}"))),
    }
}

/// One JSON value per line.
pub fn json_line<T: serde::Serialize>(w: &mut dyn Write, v: &T) -> Result<(), CliError> {
    let mut text =
        serde_json::to_string(v).map_err(|e| CliError::other(format!("cannot write JSON: {e}")))?;
    text.push('\n');
    print(w, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_columns() {
        let t = table(
            &["inst", "last"],
            &[
                vec!["BTC-USDT".into(), "30000.1".into()],
                vec!["SOL-USDT".into(), "99.5".into()],
            ],
        );
        assert_eq!(
            t,
            "inst         last\nBTC-USDT  30000.1\nSOL-USDT     99.5\n"
        );
    }
}
