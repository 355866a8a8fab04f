//! RFC 3164 (BSD syslog): `Mmm dd hh:mm:ss HOSTNAME TAG: MSG` after the PRI.
//!
//! RFC 3164 only describes what was seen in the wild, so this is best effort and never an error:
//! when the timestamp cannot be read, [`parse`] returns `None` and the caller keeps the line raw.
//! Accepted beyond the classic form, because devices send them:
//! - a day without its padding space (`Nov 2`), a year (`Nov 22 2026 23:16:24`), a fraction;
//! - an RFC 3339 timestamp instead (loggen's legacy mode: `<38>2026-11-22T23:16:36 localhost ...`);
//! - no HOSTNAME: if the token after the timestamp ends with `:` or contains `[`, it is the TAG;
//! - no TAG: MSG then starts where the TAG would have.
//!
//! Zone-less times are in [`ParseOptions::rfc3164_zone`]; the year comes from `timeparse`'s
//! inference relative to [`ParseOptions::now`].

use super::rfc5424::parse_rfc3339;
use super::{split_token, Flavor, ParseOptions, Priority, SyslogMessage};
use crate::timeparse::parse_datetime;
use chrono::{DateTime, TimeDelta, Utc};

const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// Parses what follows the PRI; `None` if it does not start with a readable timestamp.
pub(super) fn parse<'a>(priority: Priority, s: &'a str, opts: &ParseOptions) -> Option<SyslogMessage<'a>> {
    let b = s.as_bytes();
    let (timestamp, rest) = if b.len() > 4 && b[3] == b' ' && is_month(&b[..3]) {
        bsd_timestamp(s, opts)?
    } else if b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' {
        let (token, rest) = split_token(s);
        (parse_rfc3339(token, opts.rfc3164_zone).ok()?, rest)
    } else {
        return None;
    };
    let mut message = SyslogMessage::bare(Flavor::Rfc3164, Some(priority), "");
    message.timestamp = Some(timestamp);
    let Some(rest) = rest.map(|r| r.trim_start_matches(' ')) else {
        return Some(message);
    };
    let (first, after_first) = split_token(rest);
    // Devices that omit HOSTNAME start with the TAG, which ends in ':' or has a '[pid]';
    // a hostname never does (an IPv6 address does not end with ':').
    let tag_part = if first.ends_with(':') || first.contains('[') {
        Some(rest)
    } else {
        message.hostname = (!first.is_empty()).then_some(first);
        after_first.map(|r| r.trim_start_matches(' '))
    };
    let Some(tag_part) = tag_part else {
        return Some(message);
    };
    let (token, after_tag) = split_token(tag_part);
    message.msg = match tag(token) {
        Some((app, pid)) => {
            message.app_name = Some(app);
            message.procid = pid;
            after_tag.map_or("", |m| m.trim_start_matches(' '))
        }
        None => tag_part,
    };
    Some(message)
}

fn is_month(word: &[u8]) -> bool {
    MONTHS.iter().any(|m| m.eq_ignore_ascii_case(word))
}

/// `Mmm[ ]d[d] [yyyy ]hh:mm:ss[.f]`, validated by shape here (so that `timeparse`, which accepts
/// far more, only ever sees this form) and converted by `timeparse`, which infers the year.
/// Returns the instant and what follows the SP after it (`None` at the end of the line).
fn bsd_timestamp<'a>(s: &'a str, opts: &ParseOptions) -> Option<(DateTime<Utc>, Option<&'a str>)> {
    let b = s.as_bytes();
    let digits_at = |at: usize| b[at.min(b.len())..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut pos = 4 + usize::from(b.get(4) == Some(&b' '));
    let day = digits_at(pos);
    if !(1..=2).contains(&day) || b.get(pos + day) != Some(&b' ') {
        return None;
    }
    pos += day + 1;
    if digits_at(pos) == 4 && b.get(pos + 4) == Some(&b' ') {
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
    pos += 8;
    if b.get(pos) == Some(&b'.') {
        pos += 1 + digits_at(pos + 1);
    }
    // The timestamp ends at an ASCII byte (or the end), so slicing there is safe.
    let (text, rest) = s.split_at(pos);
    let rest = match rest.strip_prefix(' ') {
        Some(r) => Some(r),
        None if rest.is_empty() => None,
        None => return None,
    };
    // The wall-clock time is in `rfc3164_zone`: infer the year against the local "now" (so a
    // 23:30 Dec 31 line read at 00:10 Jan 1 local time is last year's), then shift to UTC.
    let offset = TimeDelta::seconds(i64::from(opts.rfc3164_zone.local_minus_utc()));
    let local_now = opts.now.checked_add_signed(offset)?;
    let local = parse_datetime(text, local_now).ok()?;
    Some((local.checked_sub_signed(offset)?, rest))
}

/// `app[pid]:`, `app[pid]` or `app:` into the app name and pid (`None` if empty).
fn tag(token: &str) -> Option<(&str, Option<&str>)> {
    let body = token.strip_suffix(':').unwrap_or(token);
    match body.find('[') {
        Some(open) => {
            let app = &body[..open];
            let pid = body[open + 1..].strip_suffix(']')?;
            if app.is_empty() || pid.contains(['[', ']']) {
                return None;
            }
            Some((app, (!pid.is_empty()).then_some(pid)))
        }
        None if body.len() < token.len() && !body.is_empty() => Some((body, None)),
        None => None,
    }
}
