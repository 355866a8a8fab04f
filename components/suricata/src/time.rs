//! Suricata's times: `2026-11-22T22:44:57.123456+0000` (EVE `timestamp`, `flow.start`),
//! certificate dates without a zone (`2026-01-01T00:00:00`) and the log file's
//! `2026-11-22 22:44:57`. Read into an instant so that `@timestamp`, `event.start`/`end` are
//! written in RFC 3339 UTC and a flow's duration can be computed.

use edge_format_sdk::civil::{days_from_civil, valid_date, SECS_PER_DAY};
use edge_format_sdk::{format_rfc3339, Timestamp};

fn number(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|±HHMM|±HH:MM|±HH]`; no zone is UTC (Suricata writes the
/// offset; certificate dates are UTC).
pub(crate) fn parse(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if text.len() < 19 || !text.is_char_boundary(10) || !text.is_char_boundary(19) {
        return None;
    }
    let (date, rest) = text.split_at(10);
    let mut date_parts = date.split('-');
    let year = i64::from(number(date_parts.next()?)?);
    let month = number(date_parts.next()?)?;
    let day = number(date_parts.next()?)?;
    if !valid_date(year, month, day) || !rest.starts_with(['T', ' ']) {
        return None;
    }
    let (clock, mut rest) = rest[1..].split_at(8);
    let mut clock_parts = clock.split(':');
    let hour = number(clock_parts.next()?)?;
    let minute = number(clock_parts.next()?)?;
    let second = number(clock_parts.next()?)?;
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix('.') {
        let end = fraction.find(|c: char| !c.is_ascii_digit()).unwrap_or(fraction.len());
        if end == 0 {
            return None;
        }
        for (i, digit) in fraction.bytes().take(end.min(9)).enumerate() {
            nanos += u32::from(digit - b'0') * 10u32.pow(8 - i as u32);
        }
        rest = &fraction[end..];
    }
    let offset = zone_offset(rest)?;
    let days = days_from_civil(year, month, day);
    let seconds = days * SECS_PER_DAY + i64::from(hour * 3600 + minute * 60 + second) - offset;
    Some(Timestamp {
        seconds,
        nanoseconds: nanos,
    })
}

/// Seconds east of UTC.
fn zone_offset(zone: &str) -> Option<i64> {
    if zone.is_empty() || zone == "Z" || zone == "z" {
        return Some(0);
    }
    let sign = match zone.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
    let (hours, minutes) = match digits.len() {
        2 => (number(&digits)?, 0),
        4 => (number(&digits[..2])?, number(&digits[2..])?),
        _ => return None,
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * i64::from(hours * 3600 + minutes * 60))
}

/// The time in RFC 3339 UTC, or `None` when it is not one of Suricata's forms.
pub(crate) fn rfc3339(text: &str) -> Option<String> {
    parse(text).map(format_rfc3339)
}

/// Nanoseconds from `start` to `end`; `None` when either does not read or `end` is earlier.
pub(crate) fn duration_nanos(start: &str, end: &str) -> Option<u64> {
    let (start, end) = (parse(start)?, parse(end)?);
    let nanos = (i128::from(end.seconds) - i128::from(start.seconds)) * 1_000_000_000 + i128::from(end.nanoseconds)
        - i128::from(start.nanoseconds);
    u64::try_from(nanos).ok()
}
