//! RFC 3339 formatting without a date-time dependency (the day arithmetic is
//! `syslog_grammar::civil`, shared with the syslog grammar and the host).

use crate::Timestamp;
use syslog_grammar::civil::{civil_from_days, SECS_PER_DAY};

const NANOS_PER_SEC: u32 = 1_000_000_000;

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
}
