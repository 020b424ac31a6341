//! Candles for any past range, synthesized from the seed, and the live
//! minute bars recorded since the exchange started.
//!
//! Before the start, a minute's price is a closed-form function of the seed,
//! the instrument and the minute (a slow triangle wave through hourly anchors
//! plus hashed noise, ending exactly at the start price), so any bar of any
//! size can be computed without replaying what came before it, and the same
//! seed always gives the same history.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::rng::hash;

pub(crate) const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// One bar: open, high, low, close in ticks, volume in lots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bar {
    pub(crate) o: i64,
    pub(crate) h: i64,
    pub(crate) l: i64,
    pub(crate) c: i64,
    pub(crate) vol: i64,
}

impl Bar {
    pub(crate) fn flat(px: i64) -> Self {
        Bar {
            o: px,
            h: px,
            l: px,
            c: px,
            vol: 0,
        }
    }

    pub(crate) fn trade(&mut self, px: i64, lots: i64) {
        self.h = self.h.max(px);
        self.l = self.l.min(px);
        self.c = px;
        self.vol += lots;
    }

    fn merge(&mut self, next: &Bar) {
        self.h = self.h.max(next.h);
        self.l = self.l.min(next.l);
        self.c = next.c;
        self.vol += next.vol;
    }
}

/// The price history of one instrument.
#[derive(Debug, Clone)]
pub(crate) struct History {
    key: u64,
    /// Start price in ticks.
    start_px: i64,
    /// First minute of live trading (exchange start, floored to a minute).
    start_min: i64,
    /// Nothing before this (listing time).
    pub(crate) first_ms: i64,
    /// Live minute bars by minute start.
    pub(crate) live: BTreeMap<i64, Bar>,
}

/// Basis points of a triangle wave of `period` with value 0 at 0.
fn tri_bp(j: i64, period: i64, amp_bp: i64) -> i64 {
    let t = j.rem_euclid(period);
    let quarter = period / 4;
    let v = if t < quarter {
        t
    } else if t < 3 * quarter {
        2 * quarter - t
    } else {
        t - period
    };
    v * amp_bp / quarter.max(1)
}

impl History {
    pub(crate) fn new(key: u64, start_px: i64, start_ms: i64, first_ms: i64) -> Self {
        History {
            key,
            start_px,
            start_min: start_ms - start_ms.rem_euclid(MINUTE),
            first_ms,
            live: BTreeMap::new(),
        }
    }

    fn noise(&self, salt: u64, at: i64, spread_bp: i64) -> i64 {
        let h = hash(&[self.key, salt, at as u64]);
        let span = u64::try_from(2 * spread_bp + 1).unwrap_or(1);
        i64::try_from(h % span).unwrap_or(0) - spread_bp
    }

    fn anchor(&self, hour: i64) -> i64 {
        if hour == 0 {
            return self.start_px;
        }
        let bp = tri_bp(hour, 24 * 40, 600) + tri_bp(hour, 24 * 3, 150) + self.noise(1, hour, 40);
        (self.start_px + self.start_px * bp / 10_000).max(1)
    }

    /// Synthetic price (ticks) at the start of a minute before the start.
    fn synth_px(&self, minute: i64) -> i64 {
        let rel = (minute - self.start_min) / MINUTE; // <= 0
        let hour = rel.div_euclid(60);
        let into = rel.rem_euclid(60);
        let (a, b) = (self.anchor(hour), self.anchor(hour + 1));
        let base = a + (b - a) * into / 60;
        if rel == 0 {
            return self.start_px;
        }
        (base + base * self.noise(2, rel, 8) / 10_000).max(1)
    }

    fn synth_bar(&self, minute: i64) -> Bar {
        let o = self.synth_px(minute);
        let c = self.synth_px(minute + MINUTE);
        let wiggle = (o / 5_000).max(1);
        let up = i64::try_from(hash(&[self.key, 3, minute as u64]) % 3).unwrap_or(0) * wiggle;
        let down = i64::try_from(hash(&[self.key, 4, minute as u64]) % 3).unwrap_or(0) * wiggle;
        let vol = 1 + i64::try_from(hash(&[self.key, 5, minute as u64]) % 200).unwrap_or(0);
        Bar {
            o,
            h: o.max(c) + up,
            l: (o.min(c) - down).max(1),
            c,
            vol,
        }
    }

    /// Records a live trade.
    pub(crate) fn trade(&mut self, at_ms: i64, px: i64, lots: i64) {
        let minute = at_ms - at_ms.rem_euclid(MINUTE);
        let prev = self.close_before(minute);
        self.live
            .entry(minute)
            .or_insert_with(|| Bar::flat(prev))
            .trade(px, lots);
    }

    /// The last close before `minute` (the start price if none).
    fn close_before(&self, minute: i64) -> i64 {
        if minute <= self.start_min {
            return self.synth_px(minute);
        }
        self.live
            .range(..minute)
            .next_back()
            .map_or(self.start_px, |(_, b)| b.c)
    }

    /// The bar of one minute, synthetic before the start, live after.
    pub(crate) fn minute_bar(&self, minute: i64) -> Bar {
        if minute < self.start_min {
            return self.synth_bar(minute);
        }
        match self.live.get(&minute) {
            Some(bar) => *bar,
            None => Bar::flat(self.close_before(minute)),
        }
    }

    /// The bar covering `[from, to)` (whole minutes), up to `now`.
    pub(crate) fn bar(&self, from: i64, to: i64, now: i64) -> Bar {
        let mut minute = from;
        let mut out = self.minute_bar(minute);
        minute += MINUTE;
        while minute < to && minute <= now {
            out.merge(&self.minute_bar(minute));
            minute += MINUTE;
        }
        out
    }

    /// The 24 h open, high, low and volume ending at `now`, sampled hourly
    /// before the last hour so a ticker stays cheap.
    pub(crate) fn day_stats(&self, now: i64) -> (i64, i64, i64, i64) {
        let now_min = now - now.rem_euclid(MINUTE);
        let from = now_min - DAY;
        let open = self.minute_bar(from).o;
        let (mut high, mut low, mut vol) = (open, open, 0);
        let mut t = from;
        while t <= now_min {
            let b = self.minute_bar(t);
            high = high.max(b.h);
            low = low.min(b.l);
            vol += b.vol;
            t += if now_min - t > HOUR {
                15 * MINUTE
            } else {
                MINUTE
            };
        }
        (open, high, low, vol)
    }
}

/// A candle bar size: its length and how its boundaries are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BarSize {
    /// A fixed length, boundaries at `offset` modulo the length.
    Fixed { len: i64, offset: i64 },
    /// Calendar months (1M or 3M), aligned to `offset` (UTC or UTC+8).
    Months { n: i64, offset: i64 },
}

/// Parses OKX's bar names (`1m` … `1W`, `1M`, `3M`, and the `utc` forms).
pub(crate) fn bar_size(bar: &str) -> Option<BarSize> {
    let (name, utc) = match bar.strip_suffix("utc") {
        Some(name) => (name, true),
        None => (bar, false),
    };
    // Bars of 6 hours and longer follow Hong Kong time (UTC+8) unless `utc`.
    let hk = -8 * HOUR;
    let len = match name {
        "1m" => MINUTE,
        "3m" => 3 * MINUTE,
        "5m" => 5 * MINUTE,
        "15m" => 15 * MINUTE,
        "30m" => 30 * MINUTE,
        "1H" => HOUR,
        "2H" => 2 * HOUR,
        "4H" => 4 * HOUR,
        "6H" => 6 * HOUR,
        "12H" => 12 * HOUR,
        "1D" => DAY,
        "2D" => 2 * DAY,
        "3D" => 3 * DAY,
        "5D" => 5 * DAY,
        "1W" => 7 * DAY,
        "1M" | "3M" => {
            let n = if name == "1M" { 1 } else { 3 };
            return Some(BarSize::Months {
                n,
                offset: if utc { 0 } else { hk },
            });
        }
        _ => return None,
    };
    if utc && len < 6 * HOUR {
        return None;
    }
    // Weeks start on Monday: 1970-01-05 was one.
    let week = if len == 7 * DAY { 4 * DAY } else { 0 };
    let offset = if len >= 6 * HOUR && !utc { hk } else { 0 } + week;
    Some(BarSize::Fixed { len, offset })
}

fn days_from_civil(y: i64, m: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

impl BarSize {
    /// Start of the bar containing `t`.
    pub(crate) fn floor(self, t: i64) -> i64 {
        match self {
            BarSize::Fixed { len, offset } => t - (t - offset).rem_euclid(len),
            BarSize::Months { n, offset } => {
                let local = t - offset;
                let (y, m, _) = super::instrument::civil_from_days(local.div_euclid(DAY));
                let months = y * 12 + i64::from(m) - 1;
                let start = months - months.rem_euclid(n);
                days_from_civil(start.div_euclid(12), start.rem_euclid(12) + 1) * DAY + offset
            }
        }
    }

    /// Start of the bar after the one starting at `start`.
    pub(crate) fn next(self, start: i64) -> i64 {
        match self {
            BarSize::Fixed { len, .. } => start + len,
            BarSize::Months { n, offset } => {
                let local = start - offset;
                let (y, m, _) = super::instrument::civil_from_days(local.div_euclid(DAY));
                let months = y * 12 + i64::from(m) - 1 + n;
                days_from_civil(months.div_euclid(12), months.rem_euclid(12) + 1) * DAY + offset
            }
        }
    }

    /// Start of the bar before the one starting at `start`.
    pub(crate) fn prev(self, start: i64) -> i64 {
        match self {
            BarSize::Fixed { len, .. } => start - len,
            BarSize::Months { .. } => self.floor(start - 1),
        }
    }
}

/// Renders a bar as OKX's candle array.
pub(crate) fn candle_json(
    ts: i64,
    bar: &Bar,
    tick: Decimal,
    lot_value: Decimal,
    confirmed: bool,
) -> Value {
    let px = |t: i64| (Decimal::from(t) * tick).normalize().to_string();
    let vol = Decimal::from(bar.vol) * lot_value;
    let close = Decimal::from(bar.c) * tick;
    let quote = (vol * close).round_dp(8).normalize().to_string();
    json!([
        ts.to_string(),
        px(bar.o),
        px(bar.h),
        px(bar.l),
        px(bar.c),
        vol.normalize().to_string(),
        quote,
        quote,
        if confirmed { "1" } else { "0" }
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_is_deterministic_and_ends_at_the_start_price() {
        let start = 1_700_000_000_000;
        let a = History::new(42, 300_000, start, 0);
        let b = History::new(42, 300_000, start, 0);
        let c = History::new(43, 300_000, start, 0);
        let start_min = start - start % MINUTE;
        assert_eq!(a.minute_bar(start_min - MINUTE).c, 300_000);
        let day_ago = start_min - DAY;
        assert_eq!(
            a.bar(day_ago, day_ago + HOUR, start),
            b.bar(day_ago, day_ago + HOUR, start)
        );
        assert_ne!(
            a.bar(day_ago, day_ago + HOUR, start),
            c.bar(day_ago, day_ago + HOUR, start)
        );
        let bar = a.bar(day_ago, day_ago + DAY, start);
        assert!(bar.l <= bar.o && bar.o <= bar.h && bar.l <= bar.c && bar.c <= bar.h);
        // Within the ±8% band of the synthetic walk.
        assert!(bar.h < 330_000 && bar.l > 270_000, "{bar:?}");
    }

    #[test]
    fn bar_alignment() {
        let t = 1_607_418_537_715; // 2020-12-08T09:08:57.715Z, a Tuesday
        let Some(m1) = bar_size("1m") else {
            panic!("1m")
        };
        assert_eq!(m1.floor(t), 1_607_418_480_000);
        let Some(d_utc) = bar_size("1Dutc") else {
            panic!("1Dutc")
        };
        assert_eq!(d_utc.floor(t), 1_607_385_600_000); // 2020-12-08T00:00Z
        let Some(d_hk) = bar_size("1D") else {
            panic!("1D")
        };
        assert_eq!(d_hk.floor(t), 1_607_356_800_000); // 2020-12-07T16:00Z
        let Some(w) = bar_size("1Wutc") else {
            panic!("1Wutc")
        };
        assert_eq!(w.floor(t), 1_607_299_200_000); // Monday 2020-12-07
        let Some(mo) = bar_size("1Mutc") else {
            panic!("1Mutc")
        };
        assert_eq!(mo.floor(t), 1_606_780_800_000); // 2020-12-01
        assert_eq!(mo.next(mo.floor(t)), 1_609_459_200_000); // 2021-01-01
        assert_eq!(mo.prev(mo.floor(t)), 1_604_188_800_000); // 2020-11-01
        assert!(bar_size("1mutc").is_none());
        assert!(bar_size("7m").is_none());
    }
}
