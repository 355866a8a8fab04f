//! RFC 5424: `VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP
//! STRUCTURED-DATA [SP MSG]` (the PRI already read by the caller).
//!
//! Strict where the grammar is unambiguous (field charset and lengths, timestamp shape), tolerant
//! of what real senders are seen to emit:
//! - MSG: the RFC separates it from STRUCTURED-DATA by exactly one SP. The Sekoia/rsyslog template
//!   `... LOG [SEKOIA@53288 intake_key="KEY"] %msg%` puts a second one before the text when the
//!   input was RFC 3164 (rsyslog's `%msg%` keeps the space after `TAG:`), so after the separator
//!   every further leading SP is stripped too, then a UTF-8 BOM. Leading spaces are never
//!   meaningful in a log line, and keeping them would make one sender's events differ by format.
//! - No STRUCTURED-DATA at all after MSGID (`<13>1 - - - - -`), or nothing after it: MSG is "".
//! - A timestamp without an offset (loggen: `2026-11-23T00:34:14`) is read in the configured
//!   [`ParseOptions::rfc3164_zone`], as RFC 3164 times are; up to 9 fractional digits (RFC: 6).
//! - A leap second `:60` is read as the next second (as POSIX and `timeparse` do) rather than
//!   dropping the message.

use super::{split_token, structured_data, Flavor, ParseOptions, Priority, SyslogError};
use super::{SdElement, SyslogMessage};
use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta, Utc};

const BOM: char = '\u{FEFF}';

/// Reads `VERSION SP` (1–3 digits, nonzero first); `None` means "not RFC 5424".
pub(super) fn version(s: &str) -> Option<(u16, &str)> {
    let b = s.as_bytes();
    let digits = b.iter().take(4).take_while(|c| c.is_ascii_digit()).count();
    if !(1..=3).contains(&digits) || b[0] == b'0' || b.get(digits) != Some(&b' ') {
        return None;
    }
    let version = b[..digits].iter().fold(0u16, |n, &d| n * 10 + u16::from(d - b'0'));
    Some((version, &s[digits + 1..]))
}

/// Parses what follows `VERSION SP`.
pub(super) fn parse<'a>(
    priority: Priority,
    version: u16,
    header: &'a str,
    opts: &ParseOptions,
) -> Result<SyslogMessage<'a>, SyslogError> {
    let (ts, after) = split_token(header);
    let timestamp = match ts {
        "-" => None,
        _ => Some(
            parse_rfc3339(ts, opts.rfc3164_zone).map_err(|reason| SyslogError::Timestamp {
                value: ts.to_owned(),
                reason,
            })?,
        ),
    };
    let mut rest = after;
    let hostname = field(&mut rest, "HOSTNAME", 255)?;
    let app_name = field(&mut rest, "APP-NAME", 48)?;
    let procid = field(&mut rest, "PROCID", 128)?;
    let msgid = field(&mut rest, "MSGID", 32)?;
    let (structured_data, msg) = match rest {
        None => (Vec::new(), ""),
        Some(sd) => sd_and_msg(sd)?,
    };
    Ok(SyslogMessage {
        flavor: Flavor::Rfc5424,
        priority: Some(priority),
        version: Some(version),
        timestamp,
        hostname,
        app_name,
        procid,
        msgid,
        structured_data,
        msg,
    })
}

/// One `1*max PRINTUSASCII` header field, `-` meaning nil; advances `rest` past it and its SP.
fn field<'a>(rest: &mut Option<&'a str>, name: &str, max: usize) -> Result<Option<&'a str>, SyslogError> {
    let error = |reason: String| Err(SyslogError::Header(reason));
    let Some(s) = *rest else {
        return error(format!("missing {name}: the header ends before it"));
    };
    let (token, after) = split_token(s);
    *rest = after;
    if token.is_empty() {
        return error(format!("empty {name} (two spaces in a row?)"));
    }
    if token.len() > max {
        return error(format!("{name} is {} bytes long, the maximum is {max}", token.len()));
    }
    if let Some(c) = token.chars().find(|c| !matches!(c, '!'..='~')) {
        return error(format!("{name} {token:?} contains {c:?}, not printable US-ASCII"));
    }
    Ok((token != "-").then_some(token))
}

/// STRUCTURED-DATA (`-` or elements) and the optional `SP MSG` after it.
fn sd_and_msg(s: &str) -> Result<(Vec<SdElement<'_>>, &str), SyslogError> {
    let (elements, rest) = match s.as_bytes().first() {
        // A trailing SP after MSGID and nothing else: tolerated like a missing SD.
        None => return Ok((Vec::new(), "")),
        Some(b'-') => (Vec::new(), &s[1..]),
        Some(b'[') => structured_data::parse(s)?,
        Some(_) => {
            let found = s.chars().next().unwrap_or(' ');
            return Err(SyslogError::StructuredData(format!(
                "expected '-' or '[' after MSGID, found {found:?}"
            )));
        }
    };
    let msg = match rest.strip_prefix(' ') {
        Some(msg) => msg.trim_start_matches(' '),
        None if rest.is_empty() => "",
        None => {
            let found = rest.chars().next().unwrap_or(' ');
            return Err(SyslogError::StructuredData(format!(
                "expected SP or end of message after STRUCTURED-DATA, found {found:?}"
            )));
        }
    };
    Ok((elements, msg.strip_prefix(BOM).unwrap_or(msg)))
}

/// Strict RFC 3339 `YYYY-MM-DD"T"HH:MM:SS[.1*9DIGIT](Z|+HH:MM|-HH:MM)` into UTC, without
/// allocating on success. A missing offset means `default_zone` (see the module docs); `t` and
/// `z` may be lowercase, as RFC 3339 allows.
pub(super) fn parse_rfc3339(s: &str, default_zone: FixedOffset) -> Result<DateTime<Utc>, String> {
    let b = s.as_bytes();
    let num = |at: usize, len: usize, what: &str| -> Result<u32, String> {
        match b.get(at..at + len) {
            Some(d) if d.iter().all(u8::is_ascii_digit) => Ok(d.iter().fold(0, |n, &c| n * 10 + u32::from(c - b'0'))),
            _ => Err(format!("expected {len}-digit {what} at byte {at}")),
        }
    };
    let sep = |at: usize, set: &[u8], what: &str| match b.get(at) {
        Some(c) if set.contains(c) => Ok(()),
        _ => Err(format!("expected {what} at byte {at}")),
    };
    if s.is_empty() {
        return Err("empty TIMESTAMP (two spaces in a row?)".to_owned());
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
    let mut nanos = 0;
    if b.get(pos) == Some(&b'.') {
        let digits = b[pos + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=9).contains(&digits) {
            return Err(format!("expected 1 to 9 fractional digits, found {digits}"));
        }
        nanos = num(pos + 1, digits, "fraction")? * 10u32.pow(9 - digits as u32);
        pos += 1 + digits;
    }
    let offset = match b.get(pos) {
        None => default_zone.local_minus_utc(),
        Some(b'Z' | b'z') => {
            pos += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            let hours = num(pos + 1, 2, "offset hour")?;
            sep(pos + 3, b":", "':' in the offset")?;
            let minutes = num(pos + 4, 2, "offset minute")?;
            if hours > 23 || minutes > 59 {
                return Err(format!("offset {hours:02}:{minutes:02} is out of range"));
            }
            pos += 6;
            let seconds = (hours * 3600 + minutes * 60) as i32;
            if sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        Some(_) => return Err(format!("expected 'Z', '+hh:mm' or '-hh:mm' at byte {pos}")),
    };
    if pos != b.len() {
        return Err(format!("unexpected text after the offset at byte {pos}"));
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err(format!("time {hour:02}:{minute:02}:{second:02} is out of range"));
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)
        .ok_or_else(|| format!("{year:04}-{month:02}-{day:02} is not a date"))?;
    let leap = i64::from(second == 60);
    date.and_hms_nano_opt(hour, minute, second.min(59), nanos)
        .map(|t| t.and_utc())
        .and_then(|t| t.checked_add_signed(TimeDelta::seconds(leap - i64::from(offset))))
        .filter(|t| crate::timeparse::in_rfc3339_range(*t))
        .ok_or_else(|| "the instant is out of range (outside the years 0000-9999 in UTC)".to_owned())
}
