//! The syslog message parser (RFC 5424 / RFC 3164 / raw) and the datetime parser.
//!
//! Invariants: no panic on any input; what the syslog parser returns borrows from the line it
//! was given, its structured data survives a round trip through
//! [`format_structured_data`](crate::syslog::format_structured_data), its flavors are
//! consistent, and `timeparse` reads its RFC 5424 TIMESTAMP as the same instant; every instant
//! `timeparse` returns in the years 0000-9999 is written by `format_rfc3339` in a form that
//! `timeparse` reads back to the same instant, and an integer epoch reads the same as a number
//! and as a string.

use super::{is_slice_of, Input};
use crate::syslog::{self, Flavor, ParseOptions, SyslogMessage};
use crate::timeparse::{self, TimeParseError};
use chrono::{DateTime, Datelike, FixedOffset, Offset, Utc};
use std::borrow::Cow;

/// 2400-01-01T00:00:00Z: `now` is drawn between the epoch and this, as a clock could read.
const LATEST_NOW_SECS: u64 = 13_569_465_600;

/// A clock reading from 5 bytes (the epoch to 2400).
fn now(input: &mut Input) -> DateTime<Utc> {
    let secs = input.number(5) % LATEST_NOW_SECS;
    // In range by construction: `secs` is below LATEST_NOW_SECS.
    DateTime::from_timestamp(secs as i64, 0).unwrap_or_default()
}

/// `[zone minutes: 2 bytes] [now: 5 bytes] line...`; the line is read as the listener reads it (lossy
/// UTF-8).
pub fn syslog_message(data: &[u8]) {
    let mut input = Input::new(data);
    // Any offset within ±23:59 in minutes, as `rfc3164_timezone` allows; zero bytes are UTC.
    let zone_secs = i32::from(input.number(2) as u16 as i16) % 1440 * 60;
    let opts = ParseOptions {
        rfc3164_zone: FixedOffset::east_opt(zone_secs).unwrap_or_else(|| Utc.fix()),
        now: now(&mut input),
    };
    let text = String::from_utf8_lossy(input.rest());
    let Ok(message) = syslog::parse(&text, &opts) else {
        return;
    };
    check_borrows(&text, &message);
    match message.flavor {
        Flavor::Rfc5424 => assert!(message.version.is_some() && message.priority.is_some()),
        // A line without PRI is RFC 3164 too when it starts with a timestamp (a relay's file line).
        Flavor::Rfc3164 => assert!(message.timestamp.is_some()),
        Flavor::Raw => assert!(message.timestamp.is_none() && message.structured_data.is_empty()),
    }
    if let Some(p) = message.priority {
        assert!(p.facility < 24 && p.severity < 8, "{p:?}");
    }
    if let Some(t) = message.timestamp {
        // Formatting any instant the parser returns must not panic.
        let _ = timeparse::format_rfc3339(t);
        if message.flavor == Flavor::Rfc5424 {
            assert_same_instant_as_timeparse(&text, t, &opts);
        }
    }
    // The other structured data is passed on in RFC 5424 syntax; it must read back the same.
    let sd = syslog::format_structured_data(&message.structured_data);
    if !sd.is_empty() {
        let line = format!("<13>1 - - - - - {sd}");
        let again = syslog::parse(&line, &opts).unwrap_or_else(|e| panic!("{sd:?} does not parse back: {e}"));
        assert_eq!(
            again.structured_data, message.structured_data,
            "SD round trip of {sd:?}"
        );
    }
}

/// The RFC 5424 TIMESTAMP has its own strict reader; `timeparse` (used for the same values over
/// HTTPS) must read it as the same instant, a zone-less one in the configured zone.
fn assert_same_instant_as_timeparse(line: &str, t: DateTime<Utc>, opts: &ParseOptions) {
    // `<PRI>VERSION SP TIMESTAMP SP`: the token after the first space following the PRI.
    let Some(token) = line
        .split_once('>')
        .and_then(|(_, rest)| rest.split_once(' '))
        .map(|(_, rest)| rest.split(' ').next().unwrap_or(rest))
    else {
        return;
    };
    let zoned = token.ends_with(['Z', 'z']) || token.len() > 19 && token[19..].contains(['+', '-']);
    let shift = if zoned { 0 } else { opts.rfc3164_zone.local_minus_utc() };
    let expected = timeparse::parse_datetime(token, opts.now)
        .ok()
        .and_then(|u| u.checked_sub_signed(chrono::TimeDelta::seconds(i64::from(shift))));
    assert_eq!(
        expected,
        Some(t),
        "TIMESTAMP {token:?}: timeparse disagrees with the syslog parser"
    );
}

fn check_borrows(line: &str, m: &SyslogMessage<'_>) {
    let fields = [m.hostname, m.app_name, m.procid, m.msgid, Some(m.msg)];
    for field in fields.into_iter().flatten() {
        assert!(is_slice_of(line, field), "{field:?} is not a slice of the line");
    }
    for element in &m.structured_data {
        assert!(
            is_slice_of(line, element.id),
            "SD-ID {:?} is not a slice of the line",
            element.id
        );
        for param in &element.params {
            assert!(is_slice_of(line, param.name), "PARAM-NAME {:?}", param.name);
            if let Cow::Borrowed(value) = &param.value {
                assert!(is_slice_of(line, value), "PARAM-VALUE {value:?}");
            }
        }
    }
}

/// `[now: 5 bytes] [epoch: 8 bytes] text...`
pub fn timeparse(data: &[u8]) {
    let mut input = Input::new(data);
    let now = now(&mut input);
    let bits = input.number(8);
    let text = String::from_utf8_lossy(input.rest());

    if let Ok(t) = timeparse::parse_datetime(&text, now) {
        assert_reads_back(t, now, &text);
    }
    if timeparse::is_canonical_rfc3339(&text) {
        let t = timeparse::parse_datetime(&text, now).unwrap_or_else(|e| panic!("canonical {text:?}: {e}"));
        assert_eq!(timeparse::format_rfc3339(t), text, "canonical form is not kept");
    }

    // The same 8 bytes as an integer epoch, a float epoch and a decimal string.
    let int = bits as i64;
    let from_int = timeparse::parse_epoch_i64(int);
    if let Ok(t) = from_int {
        assert_reads_back(t, now, &int.to_string());
    }
    assert_eq!(
        timeparse::parse_datetime(&int.to_string(), now).ok(),
        from_int.clone().ok(),
        "epoch {int} as a string"
    );
    // Integers up to 2^53 are exact in a double, so both readings must agree.
    if int.unsigned_abs() <= 1 << 53 {
        assert_eq!(
            timeparse::parse_epoch(int as f64).ok(),
            from_int.ok(),
            "epoch {int} as a double"
        );
    }
    if let Ok(t) = timeparse::parse_epoch(f64::from_bits(bits)) {
        assert_reads_back(t, now, &format!("{:e}", f64::from_bits(bits)));
    }
}

/// An instant the parser returned is stored as `format_rfc3339` writes it: that text must be
/// canonical and read back to the same instant. RFC 3339 has 4-digit years; instants outside
/// them are accepted on purpose (`timeparse/tests.rs`: "representable negatives are not
/// absurd") and only need to format without panicking.
fn assert_reads_back(t: DateTime<Utc>, now: DateTime<Utc>, from: &str) {
    let text = timeparse::format_rfc3339(t);
    if !(0..=9999).contains(&t.year()) {
        return;
    }
    assert!(
        timeparse::is_canonical_rfc3339(&text),
        "{from:?} gives {text:?} (year {}), which is not RFC 3339",
        t.year()
    );
    let again: Result<_, TimeParseError> = timeparse::parse_datetime(&text, now);
    assert_eq!(again, Ok(t), "{from:?} gives {text:?}, which reads back differently");
}
