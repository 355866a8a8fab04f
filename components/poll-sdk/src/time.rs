//! Times as the cloud APIs write them: RFC 3339 (`2026-12-01T10:00:00.123Z`), the same without a
//! zone (Microsoft's `2026-12-01T10:00:00`, UTC), and HTTP dates (`Sun, 06 Nov 1994 08:49:37 GMT`).
//! All in seconds since the Unix epoch, UTC.

use syslog_grammar::civil::{
    civil_from_days, days_from_civil, valid_date, MAX_RFC3339_SECONDS, MIN_RFC3339_SECONDS, SECS_PER_DAY,
};

/// Seconds since the Unix epoch, now (wasi:clocks/wall-clock on wasm32). 0 if the clock reads
/// before 1970.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn clamp(secs: i64) -> i64 {
    secs.clamp(MIN_RFC3339_SECONDS, MAX_RFC3339_SECONDS)
}

fn civil(secs: i64) -> (i64, u32, u32, i64) {
    let secs = clamp(secs);
    let (year, month, day) = civil_from_days(secs.div_euclid(SECS_PER_DAY));
    (year, month, day, secs.rem_euclid(SECS_PER_DAY))
}

/// `2026-12-01T10:00:00Z`: epoch seconds as RFC 3339 UTC (clamped to years 0000–9999).
pub fn format_rfc3339(secs: i64) -> String {
    format!("{}Z", format_utc_naive(secs))
}

/// `2026-12-01T10:00:00`: epoch seconds as a date and time of day in UTC, without a zone (what
/// Microsoft's Management Activity API takes).
pub fn format_utc_naive(secs: i64) -> String {
    let (year, month, day, sod) = civil(secs);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
}

fn number(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Reads `2026-12-01T10:00:00Z`, `2026-12-01T10:00:00.123+01:00`, `2026-12-01 10:00:00` or
/// `2026-12-01T10:00:00.1234567` (no zone: UTC, as Microsoft writes it) and gives the epoch
/// seconds (the fraction dropped) and the nanoseconds. `None` for anything else.
pub fn parse_datetime_nanos(text: &str) -> Option<(i64, u32)> {
    let text = text.trim();
    if text.len() < 19 || !text.is_char_boundary(10) || !text.is_char_boundary(19) {
        return None;
    }
    let (date, rest) = text.split_at(10);
    let mut parts = date.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if year.len() != 4 || month.len() != 2 || day.len() != 2 || parts.next().is_some() {
        return None;
    }
    let (year, month, day) = (i64::from(number(year)?), number(month)?, number(day)?);
    if !valid_date(year, month, day) {
        return None;
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (clock, mut rest) = rest.split_at(8);
    let clock: Vec<&str> = clock.split(':').collect();
    let [h, m, s] = clock.as_slice() else { return None };
    if h.len() != 2 || m.len() != 2 || s.len() != 2 {
        return None;
    }
    let (h, m, s) = (number(h)?, number(m)?, number(s)?);
    // 60: a leap second, read as the last second of the minute.
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        for (i, b) in fraction.bytes().take(digits.min(9)).enumerate() {
            nanos += u32::from(b - b'0') * 10u32.pow(8 - i as u32);
        }
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        zone => {
            let sign = match zone.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            let (zh, zm) = zone[1..].split_once(':').unwrap_or((&zone[1..], ""));
            let (zh, zm) = if zm.is_empty() && zh.len() == 4 && zh.is_char_boundary(2) {
                zh.split_at(2)
            } else {
                (zh, zm)
            };
            if zh.len() != 2 || zm.len() != 2 {
                return None;
            }
            let (zh, zm) = (number(zh)?, number(zm)?);
            if zh > 23 || zm > 59 {
                return None;
            }
            sign * i64::from(zh * 3600 + zm * 60)
        }
    };
    let secs = days_from_civil(year, month, day) * SECS_PER_DAY + i64::from(h.min(23) * 3600 + m * 60 + s.min(59));
    Some((secs - offset, nanos))
}

/// [`parse_datetime_nanos`] without the fraction: epoch seconds.
pub fn parse_datetime(text: &str) -> Option<i64> {
    parse_datetime_nanos(text).map(|(secs, _)| secs)
}

/// Reads an HTTP date (RFC 9110 IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`) as epoch seconds.
pub fn parse_http_date(text: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let text = text.trim();
    let (_, rest) = text.split_once(", ")?;
    let fields: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, clock, "GMT"] = fields.as_slice() else {
        return None;
    };
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))? as u32 + 1;
    let (year, day) = (i64::from(number(year)?), number(day)?);
    if !valid_date(year, month, day) {
        return None;
    }
    let clock: Vec<&str> = clock.split(':').collect();
    let [h, m, s] = clock.as_slice() else { return None };
    let (h, m, s) = (number(h)?, number(m)?, number(s)?);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * SECS_PER_DAY + i64::from(h * 3600 + m * 60 + s.min(59)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(1_796_119_200), "2026-12-01T10:00:00Z");
        assert_eq!(format_rfc3339(951_782_400 + 86_399), "2000-02-29T23:59:59Z");
        assert_eq!(format_utc_naive(1_796_119_200), "2026-12-01T10:00:00");
        assert_eq!(format_rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(format_rfc3339(i64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(format_rfc3339(i64::MIN), "0000-01-01T00:00:00Z");
    }

    #[test]
    fn parses() {
        let t = 1_796_119_200;
        assert_eq!(parse_datetime("2026-12-01T10:00:00Z"), Some(t));
        assert_eq!(parse_datetime("2026-12-01T10:00:00"), Some(t));
        assert_eq!(parse_datetime("2026-12-01 10:00:00"), Some(t));
        assert_eq!(parse_datetime_nanos("2026-12-01T10:00:00.123Z"), Some((t, 123_000_000)));
        assert_eq!(
            parse_datetime_nanos("2026-12-01T10:00:00.1234567"),
            Some((t, 123_456_700))
        );
        assert_eq!(parse_datetime("2026-12-01T11:00:00+01:00"), Some(t));
        assert_eq!(parse_datetime("2026-12-01T09:30:00-0030"), Some(t));
        assert_eq!(parse_datetime("2026-12-01T10:00:60Z"), Some(t + 59));
        for bad in [
            "",
            "2026-12-01",
            "2026-13-01T10:00:00Z",
            "2026-02-30T10:00:00Z",
            "2026-12-01T24:00:00Z",
            "2026-12-01T10:00:00.Z",
            "2026-12-01T10:00:00+1",
            "2026-12-01T10:00:00 UTC",
            "2026-12-01X10:00:00Z",
            "2026-12-01T10:00:0é",
            "+026-12-01T10:00:00Z",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
        for secs in [0, 951_782_400, 1_796_119_200, 4_102_444_799] {
            assert_eq!(parse_datetime(&format_rfc3339(secs)), Some(secs));
        }
    }

    #[test]
    fn http_dates() {
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(parse_http_date("Tue, 01 Dec 2026 10:00:00 GMT"), Some(1_796_119_200));
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("120"), None);
    }
}
