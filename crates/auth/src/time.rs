//! ISO-8601 request timestamps and the server clock offset.

use core::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

const TIMESTAMP_LEN: usize = 24;
const MILLIS_PER_DAY: i64 = 86_400_000;
/// 0000-01-01T00:00:00.000Z, the first instant with a four-digit year.
pub(crate) const MIN_MILLIS: i64 = -62_167_219_200_000;
/// 9999-12-31T23:59:59.999Z, the last instant with a four-digit year.
pub(crate) const MAX_MILLIS: i64 = 253_402_300_799_999;

/// A Unix time that cannot be written as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unix time {millis} ms is outside years 0000 to 9999")]
pub struct TimestampError {
    /// The rejected Unix time in milliseconds.
    pub millis: i64,
}

/// A UTC timestamp with milliseconds in the form OKX signs and sends in
/// `OK-ACCESS-TIMESTAMP`, e.g. `2020-12-08T09:08:57.715Z`.
///
/// The 24 ASCII bytes live inline; formatting allocates nothing.
///
/// ```
/// use okx_auth::IsoTimestamp;
///
/// let ts = IsoTimestamp::from_unix_millis(1_607_418_537_715);
/// assert_eq!(ts.as_str(), "2020-12-08T09:08:57.715Z");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IsoTimestamp {
    text: [u8; TIMESTAMP_LEN],
}

impl IsoTimestamp {
    /// Formats a Unix time in milliseconds.
    ///
    /// Times before 1970 are formatted correctly on the proleptic Gregorian
    /// calendar. Times outside years 0000..=9999 cannot be written with a
    /// four-digit year and are clamped to that range; use
    /// [`IsoTimestamp::try_from_unix_millis`] to reject them instead.
    pub fn from_unix_millis(ms: i64) -> Self {
        Self::format(ms.clamp(MIN_MILLIS, MAX_MILLIS))
    }

    /// Formats a Unix time in milliseconds, or reports that it has no
    /// four-digit year.
    pub fn try_from_unix_millis(ms: i64) -> Result<Self, TimestampError> {
        if (MIN_MILLIS..=MAX_MILLIS).contains(&ms) {
            Ok(Self::format(ms))
        } else {
            Err(TimestampError { millis: ms })
        }
    }

    fn format(ms: i64) -> Self {
        let days = ms.div_euclid(MILLIS_PER_DAY);
        let of_day = ms.rem_euclid(MILLIS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let milli = of_day % 1000;
        let secs = of_day / 1000;
        let mut text = *b"0000-00-00T00:00:00.000Z";
        put_digits(&mut text[0..4], year);
        put_digits(&mut text[5..7], month);
        put_digits(&mut text[8..10], day);
        put_digits(&mut text[11..13], secs / 3600);
        put_digits(&mut text[14..16], secs / 60 % 60);
        put_digits(&mut text[17..19], secs % 60);
        put_digits(&mut text[20..23], milli);
        IsoTimestamp { text }
    }

    /// The timestamp text.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits and separators are ever written.
        core::str::from_utf8(&self.text).unwrap_or_default()
    }
}

fn put_digits(out: &mut [u8], mut value: i64) {
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// Days since 1970-01-01 to (year, month, day) on the proleptic Gregorian
/// calendar. This is Howard Hinnant's `civil_from_days`: shift the year to
/// start in March so the leap day is last, then split into 400-year eras.
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

impl AsRef<str> for IsoTimestamp {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for IsoTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for IsoTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IsoTimestamp({:?})", self.as_str())
    }
}

/// Server time minus local time, in milliseconds, shared between threads.
///
/// OKX rejects requests whose timestamp is more than 30 s away from its own
/// clock (code 50102). The REST client measures the offset against
/// `GET /api/v5/public/time` and stores it here; every clone sees the update,
/// and signing adds it to the local clock.
///
/// ```
/// use okx_auth::ClockOffset;
///
/// let clock = ClockOffset::new();
/// let shared = clock.clone();
/// std::thread::spawn(move || shared.set_millis(-250)).join().unwrap();
/// assert_eq!(clock.millis(), -250);
/// ```
#[derive(Clone, Default)]
pub struct ClockOffset {
    offset: Arc<AtomicI64>,
}

impl ClockOffset {
    /// A zero offset: trust the local clock until told otherwise.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores a new offset (server minus local, in ms).
    pub fn set_millis(&self, ms: i64) {
        // The offset is a lone value with no data published alongside it.
        self.offset.store(ms, Ordering::Relaxed);
    }

    /// The current offset (server minus local, in ms).
    pub fn millis(&self) -> i64 {
        self.offset.load(Ordering::Relaxed)
    }

    /// The local system time in Unix milliseconds plus the offset: the best
    /// estimate of the server's clock.
    pub fn now_millis(&self) -> i64 {
        system_millis().saturating_add(self.millis())
    }
}

impl fmt::Debug for ClockOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClockOffset({} ms)", self.millis())
    }
}

/// Local system time in Unix milliseconds; negative before 1970.
pub(crate) fn system_millis() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
    }
}

#[cfg(test)]
#[path = "time_tests.rs"]
mod tests;
