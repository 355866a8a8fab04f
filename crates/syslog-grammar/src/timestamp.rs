//! The two timestamp shapes of syslog lines, read into a [`DateTime`] (no instant yet): RFC 3339
//! (RFC 5424's TIMESTAMP, and what loggen and rsyslog's file format put in a BSD header) and the
//! BSD `Mmm dd hh:mm:ss` of RFC 3164.

use crate::civil::{valid_date, DateTime};
use alloc::format;
use alloc::string::String;

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// Strict RFC 3339 `YYYY-MM-DD"T"HH:MM:SS[.1*9DIGIT][Z|+HH:MM|-HH:MM]`, without allocating on
/// success. `t` and `z` may be lowercase, as RFC 3339 allows; a missing offset is left `None`
/// (loggen sends `2026-11-23T00:34:14` even in RFC 5424 mode), up to 9 fraction digits (RFC
/// 5424: 6), and a leap second `:60` is accepted.
pub(crate) fn parse_rfc3339(s: &str) -> Result<DateTime, String> {
    let b = s.as_bytes();
    let num = |at: usize, len: usize, what: &str| {
        number(b, at, len).ok_or_else(|| format!("expected {len}-digit {what} at byte {at}"))
    };
    let sep = |at: usize, set: &[u8], what: &str| match b.get(at) {
        Some(c) if set.contains(c) => Ok(()),
        _ => Err(format!("expected {what} at byte {at}")),
    };
    if s.is_empty() {
        return Err(String::from("empty TIMESTAMP (two spaces in a row?)"));
    }
    let year = num(0, 4, "year")?;
    sep(4, b"-", "'-'")?;
    let month = num(5, 2, "month")?;
    sep(7, b"-", "'-'")?;
    let day = num(8, 2, "day")?;
    sep(10, b"Tt", "'T'")?;
    let hour = num(11, 2, "hour")?;
    sep(13, b":", "':'")?;
    let minute = num(14, 2, "minute")?;
    sep(16, b":", "':'")?;
    let second = num(17, 2, "second")?;
    let mut pos = 19;
    let mut nanosecond = 0;
    if b.get(pos) == Some(&b'.') {
        let digits = digits_at(b, pos + 1);
        if !(1..=9).contains(&digits) {
            return Err(format!("expected 1 to 9 fractional digits, found {digits}"));
        }
        nanosecond = fraction(b, pos + 1, digits).unwrap_or(0);
        pos += 1 + digits;
    }
    let offset_seconds = match b.get(pos) {
        None => None,
        Some(b'Z' | b'z') => {
            pos += 1;
            Some(0)
        }
        Some(&sign @ (b'+' | b'-')) => {
            let hours = num(pos + 1, 2, "offset hour")?;
            sep(pos + 3, b":", "':' in the offset")?;
            let minutes = num(pos + 4, 2, "offset minute")?;
            if hours > 23 || minutes > 59 {
                return Err(format!("offset {hours:02}:{minutes:02} is out of range"));
            }
            pos += 6;
            // At most 23 * 3600 + 59 * 60: fits an i32.
            let seconds = (hours * 3600 + minutes * 60) as i32;
            Some(if sign == b'-' { -seconds } else { seconds })
        }
        Some(_) => return Err(format!("expected 'Z', '+hh:mm' or '-hh:mm' at byte {pos}")),
    };
    if pos != b.len() {
        return Err(format!("unexpected text after the offset at byte {pos}"));
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err(format!("time {hour:02}:{minute:02}:{second:02} is out of range"));
    }
    if !valid_date(i64::from(year), month, day) {
        return Err(format!("{year:04}-{month:02}-{day:02} is not a date"));
    }
    // All below 10_000 (at most 4 digits) and checked above: the casts cannot truncate.
    Ok(DateTime {
        year: Some(year as i32),
        month: month as u8,
        day: day as u8,
        hour: hour as u8,
        minute: minute as u8,
        second: second as u8,
        nanosecond,
        offset_seconds,
    })
}

/// Whether `s` starts like an RFC 3339 date (`dddd-`): the RFC 3164 reader then takes its first
/// token as one.
pub(crate) fn starts_with_year(b: &[u8]) -> bool {
    b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

/// Whether `s` starts with a month name and a space.
pub(crate) fn starts_with_month(b: &[u8]) -> bool {
    b.len() > 4 && b[3] == b' ' && month_number(&b[..3]).is_some()
}

fn month_number(word: &[u8]) -> Option<u8> {
    let index = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(word))?;
    u8::try_from(index + 1).ok()
}

/// `Mmm[ ]d[d] [yyyy ]hh:mm:ss[.f]`: the date-time, its text, and what follows the SP after it
/// (`None` at the end of the line). `None` if `s` does not start with one.
pub(crate) fn bsd_timestamp(s: &str) -> Option<(DateTime, &str, Option<&str>)> {
    let b = s.as_bytes();
    let month = month_number(b.get(..3)?)?;
    let mut pos = 4 + usize::from(b.get(4) == Some(&b' '));
    let day_len = digits_at(b, pos);
    if !(1..=2).contains(&day_len) || b.get(pos + day_len) != Some(&b' ') {
        return None;
    }
    let day = number(b, pos, day_len)?;
    pos += day_len + 1;
    let mut year = None;
    if digits_at(b, pos) == 4 && b.get(pos + 4) == Some(&b' ') {
        year = Some(number(b, pos, 4)?);
        pos += 5;
    }
    let time_ok = (0..8).all(|i| match b.get(pos + i) {
        Some(b':') => i == 2 || i == 5,
        Some(c) => c.is_ascii_digit() && i != 2 && i != 5,
        None => false,
    });
    if !time_ok {
        return None;
    }
    let (hour, minute, second) = (number(b, pos, 2)?, number(b, pos + 3, 2)?, number(b, pos + 6, 2)?);
    pos += 8;
    let mut nanosecond = 0;
    if b.get(pos) == Some(&b'.') {
        let len = digits_at(b, pos + 1);
        if len == 0 {
            return None;
        }
        nanosecond = fraction(b, pos + 1, len)?;
        pos += 1 + len;
    }
    // The timestamp ends at an ASCII byte (or the end), so slicing there is safe.
    let (text, rest) = s.split_at(pos);
    let rest = match rest.strip_prefix(' ') {
        Some(r) => Some(r),
        None if rest.is_empty() => None,
        None => return None,
    };
    // Without a year, Feb 29 is possible (in some year).
    let date_ok = valid_date(year.map_or(2000, i64::from), u32::from(month), day);
    if !(date_ok && hour <= 23 && minute <= 59 && second <= 60) {
        return None;
    }
    // Checked above (at most 4 digits for the year, 2 for the rest): the casts cannot truncate.
    let datetime = DateTime {
        year: year.map(|y| y as i32),
        month,
        day: day as u8,
        hour: hour as u8,
        minute: minute as u8,
        second: second as u8,
        nanosecond,
        offset_seconds: None,
    };
    Some((datetime, text, rest))
}

/// How many ASCII digits start at `at`.
fn digits_at(b: &[u8], at: usize) -> usize {
    b.get(at..)
        .map_or(0, |t| t.iter().take_while(|c| c.is_ascii_digit()).count())
}

/// `len` ASCII digits at `at` as a number (`len` <= 9).
fn number(b: &[u8], at: usize, len: usize) -> Option<u32> {
    let digits = b.get(at..at.checked_add(len)?)?;
    digits.iter().all(u8::is_ascii_digit).then(|| {
        digits
            .iter()
            .fold(0u32, |n, &d| n.wrapping_mul(10).wrapping_add(u32::from(d - b'0')))
    })
}

/// A fraction of `len` >= 1 digits at `at` as nanoseconds (digits past the 9th are ignored).
fn fraction(b: &[u8], at: usize, len: usize) -> Option<u32> {
    let used = len.min(9);
    let value = number(b, at, used)?;
    // `used` is 1..=9.
    Some(value * 10u32.pow(9 - used as u32))
}
