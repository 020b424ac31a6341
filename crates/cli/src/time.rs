//! Dates on the command line (ISO 8601 or Unix milliseconds) and UTC times
//! in output, without a date library: parsing needs the civil-calendar
//! arithmetic of `days_from_civil`; output uses the signer's ISO 8601
//! formatter.

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn num(s: &str, what: &str, lo: i64, hi: i64) -> Result<i64, String> {
    let v: i64 = s
        .parse()
        .ok()
        .filter(|_| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| format!("bad {what} {s:?}"))?;
    if !(lo..=hi).contains(&v) {
        return Err(format!("{what} {v} out of range"));
    }
    Ok(v)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    days_from_civil(
        if m == 12 { y + 1 } else { y },
        if m == 12 { 1 } else { m + 1 },
        1,
    ) - days_from_civil(y, m, 1)
}

/// Parses a date: Unix milliseconds (digits only), or ISO 8601
/// `YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM]` (a space may replace `T`;
/// without a zone it is UTC).
pub fn parse_date(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse().map_err(|_| format!("{t:?} is too large"));
    }
    let err = |why: String| format!("{text:?} is not a date (ISO 8601 or Unix ms): {why}");
    let (date, rest) = t.split_at(t.len().min(10));
    let parts: Vec<&str> = date.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(err("expected YYYY-MM-DD".into()));
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(err("expected YYYY-MM-DD".into()));
    }
    let y = num(y, "year", 1970, 9999).map_err(err)?;
    let m = num(m, "month", 1, 12).map_err(err)?;
    let d = num(d, "day", 1, days_in_month(y, m)).map_err(err)?;
    let mut ms = days_from_civil(y, m, d) * 86_400_000;
    let mut rest = rest;
    if let Some(r) = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' ')) {
        let end = r.find(['Z', '+', '-']).unwrap_or(r.len());
        let (clock, zone) = r.split_at(end);
        let (hms, frac) = clock.split_once('.').unwrap_or((clock, ""));
        let f: Vec<&str> = hms.split(':').collect();
        if !(2..=3).contains(&f.len()) {
            return Err(err("expected HH:MM[:SS]".into()));
        }
        ms += num(f[0], "hour", 0, 23).map_err(err)? * 3_600_000;
        ms += num(f[1], "minute", 0, 59).map_err(err)? * 60_000;
        if let Some(s) = f.get(2) {
            ms += num(s, "second", 0, 60).map_err(err)? * 1000;
        }
        if !frac.is_empty() {
            let digits: String = frac.chars().chain("000".chars()).take(3).collect();
            ms += num(&digits, "fraction", 0, 999).map_err(err)?;
        }
        rest = zone;
    }
    match rest {
        "" | "Z" => Ok(ms),
        zone => {
            let sign = if zone.starts_with('-') { 1 } else { -1 };
            let hm = zone
                .get(1..)
                .ok_or_else(|| err(format!("bad zone {zone:?}")))?;
            let (h, m) = hm
                .split_once(':')
                .unwrap_or((hm.get(..2).unwrap_or(""), hm.get(2..).unwrap_or("")));
            if !zone.starts_with(['+', '-']) {
                return Err(err(format!("bad zone {zone:?}")));
            }
            let off = num(h, "zone hours", 0, 23).map_err(err)? * 3_600_000
                + num(m, "zone minutes", 0, 59).map_err(err)? * 60_000;
            Ok(ms + sign * off)
        }
    }
}

/// A UTC time as ISO 8601 with milliseconds (`2020-12-08T09:08:57.715Z`),
/// as OKX writes and signs it.
pub fn iso(ms: i64) -> String {
    okx::auth::IsoTimestamp::from_unix_millis(ms)
        .as_str()
        .to_owned()
}

/// `HH:MM:SS.sss` of a time of day, UTC.
pub fn clock(ms: i64) -> String {
    iso(ms)[11..23].to_owned()
}

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_and_ms() {
        assert_eq!(parse_date("1700000000000"), Ok(1_700_000_000_000));
        assert_eq!(parse_date("1970-01-01"), Ok(0));
        assert_eq!(parse_date("2023-11-14T22:13:20Z"), Ok(1_700_000_000_000));
        assert_eq!(parse_date("2023-11-14T22:13:20.5Z"), Ok(1_700_000_000_500));
        assert_eq!(parse_date("2023-11-14 22:13"), Ok(1_699_999_980_000));
        assert_eq!(
            parse_date("2023-11-15T06:13:20+08:00"),
            Ok(1_700_000_000_000)
        );
        assert_eq!(
            parse_date("2023-11-14T17:13:20-05:00"),
            Ok(1_700_000_000_000)
        );
        assert_eq!(parse_date("2024-02-29"), Ok(1_709_164_800_000));
    }

    #[test]
    fn refuses_nonsense() {
        for bad in [
            "",
            "2023-13-01",
            "2023-02-30",
            "yesterday",
            "2023-1-1",
            "2023-01-01T25:00",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_round_trip() {
        assert_eq!(iso(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(parse_date(&iso(1_709_164_800_001)), Ok(1_709_164_800_001));
        assert_eq!(clock(1_700_000_000_123), "22:13:20.123");
    }
}
