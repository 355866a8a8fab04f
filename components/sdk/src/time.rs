//! RFC 3339 formatting without a date-time dependency.

use crate::Timestamp;

const NANOS_PER_SEC: u32 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;

/// Formats a timestamp as RFC 3339 UTC: `YYYY-MM-DDTHH:MM:SS.fffZ`.
///
/// The fraction has 3, 6 or 9 digits: the shortest of those that is exact
/// (`.000` for a whole second, `.123456` for microseconds, `.123456789` otherwise).
/// `nanoseconds` of one second or more carry into the seconds. Years outside 0000–9999 cannot be
/// written in RFC 3339; they are written with as many digits as they need (and a `-` sign before
/// year 0), which the host will reject.
pub fn format_rfc3339(ts: Timestamp) -> String {
    let mut seconds = ts.seconds;
    let mut nanos = ts.nanoseconds;
    if nanos >= NANOS_PER_SEC {
        seconds = seconds.saturating_add(i64::from(nanos / NANOS_PER_SEC));
        nanos %= NANOS_PER_SEC;
    }
    let days = seconds.div_euclid(SECS_PER_DAY);
    // In 0..86_400: the casts below cannot truncate.
    let second_of_day = seconds.rem_euclid(SECS_PER_DAY) as u32;
    let (year, month, day) = civil_from_days(days);

    let mut out = String::with_capacity(32);
    if (0..=9999).contains(&year) {
        push_digits(&mut out, year as u32, 4);
    } else {
        out.push_str(&format!("{year:04}"));
    }
    out.push('-');
    push_digits(&mut out, month, 2);
    out.push('-');
    push_digits(&mut out, day, 2);
    out.push('T');
    push_digits(&mut out, second_of_day / 3600, 2);
    out.push(':');
    push_digits(&mut out, second_of_day / 60 % 60, 2);
    out.push(':');
    push_digits(&mut out, second_of_day % 60, 2);
    out.push('.');
    if nanos.is_multiple_of(1_000_000) {
        push_digits(&mut out, nanos / 1_000_000, 3);
    } else if nanos.is_multiple_of(1_000) {
        push_digits(&mut out, nanos / 1_000, 6);
    } else {
        push_digits(&mut out, nanos, 9);
    }
    out.push('Z');
    out
}

/// Appends `value` as exactly `width` decimal digits, zero-padded (`value < 10^width`).
fn push_digits(out: &mut String, value: u32, width: u32) {
    let mut divisor = 10u32.pow(width - 1);
    while divisor > 0 {
        out.push(char::from(b'0' + (value / divisor % 10) as u8));
        divisor /= 10;
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day).
///
/// Howard Hinnant's `civil_from_days`: shift the epoch to 0000-03-01 so that leap days fall at
/// the end of a year, split into 400-year eras (146 097 days each), then years of the era,
/// then days of the (March-based) year, then months of 153/5 days on average.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(seconds: i64, nanoseconds: u32) -> Timestamp {
        Timestamp { seconds, nanoseconds }
    }

    #[test]
    fn epoch_and_known_dates() {
        assert_eq!(format_rfc3339(ts(0, 0)), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_rfc3339(ts(1_714_564_800, 0)), "2024-05-01T12:00:00.000Z");
        assert_eq!(format_rfc3339(ts(951_782_400, 0)), "2000-02-29T00:00:00.000Z");
        assert_eq!(format_rfc3339(ts(4_107_542_399, 0)), "2100-02-28T23:59:59.000Z");
        assert_eq!(format_rfc3339(ts(4_107_542_400, 0)), "2100-03-01T00:00:00.000Z");
        assert_eq!(format_rfc3339(ts(253_402_300_799, 0)), "9999-12-31T23:59:59.000Z");
    }

    #[test]
    fn before_the_epoch() {
        assert_eq!(format_rfc3339(ts(-1, 0)), "1969-12-31T23:59:59.000Z");
        assert_eq!(format_rfc3339(ts(-86_400, 500_000_000)), "1969-12-31T00:00:00.500Z");
        assert_eq!(format_rfc3339(ts(-62_167_219_200, 0)), "0000-01-01T00:00:00.000Z");
        assert_eq!(format_rfc3339(ts(-62_167_219_201, 0)), "-001-12-31T23:59:59.000Z");
    }

    #[test]
    fn fractions() {
        assert_eq!(format_rfc3339(ts(0, 1)), "1970-01-01T00:00:00.000000001Z");
        assert_eq!(format_rfc3339(ts(0, 123_000_000)), "1970-01-01T00:00:00.123Z");
        assert_eq!(format_rfc3339(ts(0, 123_456_000)), "1970-01-01T00:00:00.123456Z");
        assert_eq!(format_rfc3339(ts(0, 999_999_999)), "1970-01-01T00:00:00.999999999Z");
        // Out-of-range nanoseconds carry into the seconds.
        assert_eq!(format_rfc3339(ts(59, 2_250_000_000)), "1970-01-01T00:01:01.250Z");
        assert!(format_rfc3339(ts(i64::MAX, u32::MAX)).len() > 20);
    }

    /// Cross-checks every day of years 1600–2400 against a naive day-by-day walk.
    #[test]
    fn civil_from_days_matches_a_calendar_walk() {
        fn leap(y: i64) -> bool {
            (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        }
        let month_len = |y: i64, m: u32| match m {
            2 if leap(y) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        // 1600-01-01 is day -135_140 from the epoch.
        let (mut y, mut m, mut d) = (1600i64, 1u32, 1u32);
        for days in -135_140..(-135_140 + 292_194) {
            assert_eq!(civil_from_days(days), (y, m, d), "day {days}");
            d += 1;
            if d > month_len(y, m) {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
        assert_eq!((y, m, d), (2400, 1, 1));
    }
}
