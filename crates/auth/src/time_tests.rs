use super::*;

fn iso(ms: i64) -> String {
    IsoTimestamp::from_unix_millis(ms).as_str().to_owned()
}

/// Unix ms of a UTC civil time, computed the slow way for cross-checking.
fn days_from_civil_slow(year: i64, month: i64, day: i64) -> i64 {
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_len = |y: i64, m: i64| match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let mut days = 0;
    if year >= 1970 {
        days += (1970..year)
            .map(|y| if leap(y) { 366 } else { 365 })
            .sum::<i64>();
    } else {
        days -= (year..1970)
            .map(|y| if leap(y) { 366 } else { 365 })
            .sum::<i64>();
    }
    days += (1..month).map(|m| month_len(year, m)).sum::<i64>();
    days + day - 1
}

#[test]
fn okx_docs_example() {
    assert_eq!(iso(1_607_418_537_715), "2020-12-08T09:08:57.715Z");
}

#[test]
fn epoch_and_known_dates() {
    assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
    assert_eq!(iso(951_782_400_000), "2000-02-29T00:00:00.000Z");
    assert_eq!(iso(1_709_164_800_000), "2024-02-29T00:00:00.000Z");
    assert_eq!(iso(4_107_542_400_000), "2100-03-01T00:00:00.000Z");
    // 2100 is not a leap year: the day before March 1 is February 28.
    assert_eq!(iso(4_107_542_400_000 - 1), "2100-02-28T23:59:59.999Z");
    assert_eq!(iso(1_538_054_050_000), "2018-09-27T13:14:10.000Z");
    assert_eq!(iso(MAX_MILLIS), "9999-12-31T23:59:59.999Z");
}

#[test]
fn before_1970_is_formatted_not_wrapped() {
    assert_eq!(iso(-1), "1969-12-31T23:59:59.999Z");
    assert_eq!(iso(-86_400_000), "1969-12-31T00:00:00.000Z");
    assert_eq!(iso(-2_208_988_800_000), "1900-01-01T00:00:00.000Z");
    assert_eq!(iso(MIN_MILLIS), "0000-01-01T00:00:00.000Z");
}

#[test]
fn out_of_range_is_rejected_or_clamped() {
    assert_eq!(
        IsoTimestamp::try_from_unix_millis(MAX_MILLIS + 1),
        Err(TimestampError {
            millis: MAX_MILLIS + 1
        })
    );
    assert!(IsoTimestamp::try_from_unix_millis(MIN_MILLIS - 1).is_err());
    assert!(IsoTimestamp::try_from_unix_millis(i64::MIN).is_err());
    assert_eq!(iso(i64::MAX), "9999-12-31T23:59:59.999Z");
    assert_eq!(iso(i64::MIN), "0000-01-01T00:00:00.000Z");
    assert_eq!(
        TimestampError { millis: 1 }.to_string(),
        "unix time 1 ms is outside years 0000 to 9999"
    );
}

#[test]
fn civil_from_days_matches_slow_count_every_day() {
    // Every first, last and leap day of every month from 1600 to 2500.
    for year in 1600..=2500 {
        for month in 1..=12 {
            for day in [1, 28, 29, 30, 31] {
                let days = days_from_civil_slow(year, month, day);
                let (y, m, d) = civil_from_days(days);
                if (y, m) == (year, month) {
                    assert_eq!(d, day);
                } else {
                    // `day` overflowed into the next month.
                    assert!(day >= 29, "{year}-{month}-{day}");
                }
            }
        }
    }
}

#[test]
fn time_of_day_fields() {
    let base = days_from_civil_slow(2023, 7, 4) * MILLIS_PER_DAY;
    let ms = base + ((23 * 60 + 5) * 60 + 9) * 1000 + 7;
    assert_eq!(iso(ms), "2023-07-04T23:05:09.007Z");
}

#[test]
fn clock_offset_is_shared_and_applied() {
    let clock = ClockOffset::new();
    assert_eq!(clock.millis(), 0);
    let other = clock.clone();
    std::thread::spawn(move || other.set_millis(3_600_000))
        .join()
        .expect("thread ran");
    assert_eq!(clock.millis(), 3_600_000);
    let local = system_millis();
    let now = clock.now_millis();
    // The local clock moved a little between the two reads, never backwards by an hour.
    assert!(
        (now - local - 3_600_000).abs() < 60_000,
        "now={now} local={local}"
    );
    assert_eq!(format!("{clock:?}"), "ClockOffset(3600000 ms)");
}
