//! Parses the datetimes that log senders and formats emit into UTC instants.
//!
//! Accepted forms (surrounding whitespace is ignored, a missing zone means UTC):
//! - RFC 3339 / ISO 8601: `2026-11-22T22:44:57Z`, `t`/`z` in lowercase, a space instead of `T`,
//!   offsets `+01:00`/`+0100`/`+01` or a zone name, 1–9 fractional digits after `.` or `,` (more are
//!   truncated), no zone, `2026/11/22 22:44:57`, basic `20261122T224457Z`, and date-only
//!   `2026-11-22` (midnight UTC). Second 60 (a leap second) is read as the next second, as POSIX does.
//! - Month-name forms, read token by token so the usual orders all work: RFC 2822
//!   (`Sun, 22 Nov 2026 22:44:57 +0100`, `22 Nov 2026 22:44:57 GMT`), Apache/nginx
//!   (`22/Nov/2026:22:44:57 +0100`), syslog/RFC 3164 (`Nov 22 22:44:57`, `Nov  2 22:44:57`),
//!   `Nov 22 2026 22:44:57` and ctime (`Sun Nov 22 22:44:57 2026`); RFC 2822 comments such as
//!   `(UTC)` are skipped. Weekday names are ignored: they are redundant, and senders get them
//!   wrong more often than the date. Without a year, the year is inferred from `now` (see
//!   [`parse_datetime`]).
//! - Numeric epochs, as numbers or strings, with the unit guessed from the magnitude (see
//!   [`parse_epoch`]).
//!
//! The canonical output form ([`format_rfc3339`]) is RFC 3339 in UTC with a `Z`: no fraction when
//! the sub-second part is zero, 6 digits when it is whole microseconds, 9 digits otherwise.
//!
//! Parsing works on bytes and only ever steps over ASCII, so multi-byte UTF-8 input cannot make it
//! slice inside a character; nothing here panics on any input.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, SecondsFormat, TimeDelta, Utc};

#[cfg(test)]
mod tests;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeParseError {
    #[error("empty datetime")]
    Empty,
    #[error("unrecognised datetime {value:?}: {reason}")]
    Unrecognised { value: String, reason: String },
    #[error("datetime {value:?} is out of range")]
    OutOfRange { value: String },
}

/// Why a string did not parse; turned into [`TimeParseError::Unrecognised`] at the top.
type Reason = String;

#[rustfmt::skip]
const MONTHS: [&str; 12] = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
];
#[rustfmt::skip]
const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const NANOS_PER_SEC: i128 = 1_000_000_000;

/// Parses a datetime string. `now` is used only to infer a missing year (syslog/C formats such as
/// `Nov 22 22:44:57`): the result is the latest year that puts the instant no more than one day
/// after `now` (the day allows for clock skew), so a December line read on 1 January resolves to
/// the previous year and a 1 January line read on 31 December to the next one.
pub fn parse_datetime(value: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, TimeParseError> {
    let t = parse_any(value, now)?;
    within_range(t, value.trim())
}

/// Whether `t` can be written as RFC 3339 (a four-digit year, in UTC): events are stored and
/// answered with such times only.
pub fn in_rfc3339_range(t: DateTime<Utc>) -> bool {
    (0..=9999).contains(&t.year())
}

fn within_range(t: DateTime<Utc>, value: impl std::fmt::Display) -> Result<DateTime<Utc>, TimeParseError> {
    if in_rfc3339_range(t) {
        Ok(t)
    } else {
        Err(out_of_range(value))
    }
}

fn parse_any(value: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, TimeParseError> {
    let s = value.trim();
    let b = s.as_bytes();
    if b.is_empty() {
        return Err(TimeParseError::Empty);
    }
    let year_first = b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit);
    // RFC 3339 is by far the most common input, so it goes straight to the (allocation-free)
    // ISO parser; all-digit strings are epochs, except basic ISO such as `20261122T224457Z`.
    if !(year_first && matches!(b[4], b'-' | b'/')) {
        if let Some(result) = parse_numeric(s) {
            return result;
        }
    }
    let mut c = Cursor { s, pos: 0 };
    let parsed = if year_first {
        parse_iso(&mut c)
    } else {
        parse_textual(&mut c, now)
    };
    parsed.map_err(|reason| TimeParseError::Unrecognised {
        value: s.to_owned(),
        reason,
    })
}

/// Interprets a numeric epoch, guessing the unit from magnitude: seconds (|v| < 1e11, fractional
/// allowed), milliseconds (< 1e14), microseconds (< 1e17), nanoseconds otherwise. Fractions of
/// any unit are kept down to the nanosecond.
pub fn parse_epoch(value: f64) -> Result<DateTime<Utc>, TimeParseError> {
    // Beyond ±2^63 the integer part does not fit the i64 it is converted through (and no unit
    // would give a representable instant anyway).
    if !value.is_finite() || value.abs() >= -(i64::MIN as f64) {
        return Err(out_of_range(value));
    }
    // The saturating cast truncates the fraction, so 99999999999.5 still counts as seconds.
    let unit = unit_nanos(value.abs() as u64);
    let whole = value.trunc();
    // Integer part exactly, fraction rounded to the nanosecond: avoids f64 error on big ms/ns.
    let nanos = i128::from(whole as i64) * unit + ((value - whole) * unit as f64).round() as i128;
    from_nanos(nanos)
        .ok_or_else(|| out_of_range(value))
        .and_then(|t| within_range(t, value))
}

/// Like [`parse_epoch`] but exact for integers (no f64 precision loss for nanoseconds).
pub fn parse_epoch_i64(value: i64) -> Result<DateTime<Utc>, TimeParseError> {
    let nanos = i128::from(value) * unit_nanos(value.unsigned_abs());
    from_nanos(nanos)
        .ok_or_else(|| out_of_range(value))
        .and_then(|t| within_range(t, value))
}

/// Formats as RFC 3339 in UTC with a `Z`, the canonical form: `2026-11-22T22:44:57Z` without
/// sub-seconds, `2026-11-22T22:44:57.123456Z` for whole microseconds, and
/// `2026-11-22T22:44:57.123456789Z` when there is sub-microsecond precision.
pub fn format_rfc3339(t: DateTime<Utc>) -> String {
    let form = match t.timestamp_subsec_nanos() {
        0 => SecondsFormat::Secs,
        n if n % 1000 == 0 => SecondsFormat::Micros,
        _ => SecondsFormat::Nanos,
    };
    t.to_rfc3339_opts(form, true)
}

/// True if `value` is exactly what [`format_rfc3339`] produces for some instant (a valid date and
/// time, shortest fraction form), so the host can skip re-parsing and rewriting it. No allocation.
pub fn is_canonical_rfc3339(value: &str) -> bool {
    let b = value.as_bytes();
    let fraction = match b.len() {
        20 => &b[19..19],
        27 | 30 => &b[20..b.len() - 1],
        _ => return false,
    };
    let shape_ok = b.iter().enumerate().all(|(i, &c)| match i {
        4 | 7 => c == b'-',
        10 => c == b'T',
        13 | 16 => c == b':',
        19 if b.len() > 20 => c == b'.',
        _ if i == b.len() - 1 => c == b'Z',
        _ => c.is_ascii_digit(),
    });
    // A fraction that a shorter form could express is not what format_rfc3339 would write.
    let shortest = match fraction.len() {
        6 => fraction != b"000000",
        9 => &fraction[6..] != b"000",
        _ => true,
    };
    let num = |r: std::ops::Range<usize>| b[r].iter().fold(0, |n, &d| n * 10 + u32::from(d - b'0'));
    shape_ok
        && shortest
        && NaiveDate::from_ymd_opt(num(0..4) as i32, num(5..7), num(8..10)).is_some()
        && NaiveTime::from_hms_opt(num(11..13), num(14..16), num(17..19)).is_some()
}

/// Nanoseconds per unit of an epoch of this magnitude (see [`parse_epoch`]).
fn unit_nanos(magnitude: u64) -> i128 {
    match magnitude {
        0..100_000_000_000 => 1_000_000_000,
        100_000_000_000..100_000_000_000_000 => 1_000_000,
        100_000_000_000_000..100_000_000_000_000_000 => 1_000,
        _ => 1,
    }
}

fn out_of_range(value: impl std::fmt::Display) -> TimeParseError {
    TimeParseError::OutOfRange {
        value: value.to_string(),
    }
}

fn from_nanos(nanos: i128) -> Option<DateTime<Utc>> {
    let secs = i64::try_from(nanos.div_euclid(NANOS_PER_SEC)).ok()?;
    let sub = u32::try_from(nanos.rem_euclid(NANOS_PER_SEC)).ok()?;
    DateTime::from_timestamp(secs, sub)
}

/// Reads `s` as an epoch if it is a number. Plain decimals are converted exactly (strings may
/// carry more precision than f64); exponent forms go through f64. `None` means "not a number".
fn parse_numeric(s: &str) -> Option<Result<DateTime<Utc>, TimeParseError>> {
    let (negative, body) = match s.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        rest => (false, rest),
    };
    let (int, frac) = match body.iter().position(|&c| c == b'.') {
        Some(dot) => (&body[..dot], &body[dot + 1..]),
        None => (body, &body[..0]),
    };
    let all_digits = |d: &[u8]| d.iter().all(u8::is_ascii_digit);
    if !int.is_empty() && all_digits(int) && all_digits(frac) {
        // Only ASCII digits here, so the conversion cannot fail; overflow means absurdly large.
        let Some(whole) = std::str::from_utf8(int).ok().and_then(|i| i.parse::<u64>().ok()) else {
            return Some(Err(out_of_range(s)));
        };
        let unit = unit_nanos(whole);
        // Digits past the 18th are far below a nanosecond for every unit.
        let frac = &frac[..frac.len().min(18)];
        let frac_value = frac.iter().fold(0i128, |n, &d| n * 10 + i128::from(d - b'0'));
        let frac_nanos = frac_value * unit / 10i128.pow(frac.len() as u32);
        let nanos = i128::from(whole) * unit + frac_nanos;
        let nanos = if negative { -nanos } else { nanos };
        return Some(from_nanos(nanos).ok_or_else(|| out_of_range(s)));
    }
    // `f64::from_str` also takes "inf" and "NaN": only numbers that start with a digit qualify.
    let numeric =
        body.first().is_some_and(|c| c.is_ascii_digit() || *c == b'.') && body.iter().any(|c| matches!(c, b'e' | b'E'));
    let value = s.parse::<f64>().ok().filter(|_| numeric)?;
    Some(parse_epoch(value).map_err(|_| out_of_range(s)))
}

/// Hour, minute, second (60 allowed for leap seconds) and nanoseconds, as read; default midnight.
#[derive(Clone, Copy, Default)]
struct Hms {
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
}

/// A position in the input. It only ever advances over ASCII bytes, so every position it
/// holds is a char boundary of the `&str` it came from.
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    fn peek_digit(&self) -> bool {
        self.peek().is_some_and(|c| c.is_ascii_digit())
    }

    fn eat(&mut self, set: &[u8]) -> bool {
        let hit = self.peek().is_some_and(|c| set.contains(&c));
        self.pos += usize::from(hit);
        hit
    }

    fn expect(&mut self, set: &[u8], what: &str) -> Result<(), Reason> {
        if self.eat(set) {
            Ok(())
        } else {
            Err(self.unexpected(what))
        }
    }

    /// Reads `min..=max` ASCII digits as a number.
    fn digits(&mut self, min: usize, max: usize, what: &str) -> Result<u32, Reason> {
        let start = self.pos;
        let mut n: u32 = 0;
        while self.pos - start < max && self.peek_digit() {
            // Saturating: a long digit run must not overflow; callers range-check the value.
            n = n
                .saturating_mul(10)
                .saturating_add(u32::from(self.s.as_bytes()[self.pos] - b'0'));
            self.pos += 1;
        }
        if self.pos - start < min {
            self.pos = start;
            return Err(self.unexpected(what));
        }
        Ok(n)
    }

    /// Reads a run of ASCII letters.
    fn word(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.pos += 1;
        }
        &self.s.as_bytes()[start..self.pos]
    }

    fn skip_spaces(&mut self) {
        while self.eat(b" \t") {}
    }

    /// "expected X at byte N, found Y", naming the character (which may be multi-byte).
    fn unexpected(&self, what: &str) -> Reason {
        self.unexpected_at(self.pos, what)
    }

    /// For a word (just read from `start`) that is not one of the expected names.
    fn unknown_word(&self, start: usize, what: &str) -> Reason {
        match self.s.get(start..self.pos) {
            Some(word) if !word.is_empty() => {
                format!("unknown word {word:?} at byte {start}: expected {what}")
            }
            _ => self.unexpected_at(start, what),
        }
    }

    fn unexpected_at(&self, pos: usize, what: &str) -> Reason {
        match self.s.get(pos..).and_then(|rest| rest.chars().next()) {
            Some(c) => format!("expected {what} at byte {pos}, found {c:?}"),
            None => format!("expected {what} at byte {pos}, found end of input"),
        }
    }
}

/// `YYYY-MM-DD` or `YYYY/MM/DD` or `YYYYMMDD`, optionally followed by `T`/`t`/space, a time
/// (`HH:MM[:SS][.f]`, or `HHMM[SS][.f]` after a basic date) and a zone.
fn parse_iso(c: &mut Cursor) -> Result<DateTime<Utc>, Reason> {
    let year = c.digits(4, 4, "4-digit year")? as i32;
    let basic = c.peek_digit();
    let sep: &[u8] = match c.peek() {
        Some(b'/') => b"/",
        _ => b"-",
    };
    if !basic {
        c.expect(sep, "'-' or '/' after the year")?;
    }
    let month = c.digits(2, 2, "2-digit month")?;
    if !basic {
        c.expect(sep, "the same separator after the month")?;
    }
    let day = c.digits(2, 2, "2-digit day")?;
    let date = make_date(year, month, day)?;
    if c.peek().is_none() {
        return assemble(date, Hms::default(), 0);
    }
    c.expect(b"Tt ", "'T' or a space between date and time")?;
    let time = if basic { basic_time(c)? } else { extended_time(c)? };
    c.skip_spaces();
    let offset = match c.peek() {
        None => 0,
        Some(b'+' | b'-') => numeric_offset(c)?,
        Some(_) => {
            let start = c.pos;
            let name = c.word();
            zone_name(name).ok_or_else(|| c.unknown_word(start, "a zone"))?
        }
    };
    c.skip_spaces();
    if c.peek().is_some() {
        return Err(c.unexpected("end of input"));
    }
    assemble(date, time, offset)
}

/// `H:MM[:SS][.f]` or `HH:MM[:SS][.f]`.
fn extended_time(c: &mut Cursor) -> Result<Hms, Reason> {
    let hour = c.digits(1, 2, "hour")?;
    c.expect(b":", "':' after the hour")?;
    let minute = c.digits(2, 2, "2-digit minute")?;
    let second = if c.eat(b":") {
        c.digits(2, 2, "2-digit second")?
    } else {
        0
    };
    checked_time(hour, minute, second, fraction(c)?)
}

/// `HHMM[SS][.f]`, the ISO 8601 basic format.
fn basic_time(c: &mut Cursor) -> Result<Hms, Reason> {
    let hour = c.digits(2, 2, "2-digit hour")?;
    let minute = c.digits(2, 2, "2-digit minute")?;
    let second = if c.peek_digit() {
        c.digits(2, 2, "2-digit second")?
    } else {
        0
    };
    checked_time(hour, minute, second, fraction(c)?)
}

/// Optional `.digits` or `,digits` (ISO 8601 allows the comma) as nanoseconds; digits past the
/// ninth are below a nanosecond and dropped.
fn fraction(c: &mut Cursor) -> Result<u32, Reason> {
    if !c.eat(b".,") {
        return Ok(0);
    }
    let start = c.pos;
    let mut nanos = c.digits(1, 9, "fractional seconds")?;
    for _ in c.pos - start..9 {
        nanos *= 10;
    }
    while c.peek_digit() {
        c.pos += 1;
    }
    Ok(nanos)
}

fn checked_time(hour: u32, minute: u32, second: u32, nanos: u32) -> Result<Hms, Reason> {
    for (what, value, max) in [("hour", hour, 23), ("minute", minute, 59), ("second", second, 60)] {
        if value > max {
            return Err(format!("{what} {value} is out of range (00-{max})"));
        }
    }
    Ok(Hms {
        hour,
        minute,
        second,
        nanos,
    })
}

/// `+HH:MM`, `+HHMM` or `+HH` (or `-`), as seconds east of UTC.
fn numeric_offset(c: &mut Cursor) -> Result<i32, Reason> {
    let sign = if c.eat(b"-") {
        -1
    } else {
        c.expect(b"+", "'+' or '-'").map(|()| 1)?
    };
    let hours = c.digits(2, 2, "2-digit zone hours")?;
    c.eat(b":");
    let minutes = if c.peek_digit() {
        c.digits(2, 2, "2-digit zone minutes")?
    } else {
        0
    };
    if hours > 23 || minutes > 59 {
        return Err(format!("zone offset {hours:02}:{minutes:02} is out of range"));
    }
    Ok(sign * (hours * 3600 + minutes * 60) as i32)
}

/// Offsets of the zone names RFC 2822 allows (and `UTC`), in seconds east of UTC.
fn zone_name(word: &[u8]) -> Option<i32> {
    #[rustfmt::skip]
    const ZONES: [(&str, i32); 12] = [
        ("Z", 0), ("UT", 0), ("UTC", 0), ("GMT", 0), ("EST", -5), ("EDT", -4),
        ("CST", -6), ("CDT", -5), ("MST", -7), ("MDT", -6), ("PST", -8), ("PDT", -7),
    ];
    let (_, hours) = ZONES
        .iter()
        .find(|(name, _)| name.as_bytes().eq_ignore_ascii_case(word))?;
    Some(hours * 3600)
}

/// Index of the name in `names` of which `word` is a prefix of at least 3 letters
/// (`Nov`, `Sept`, `November`), ignoring case.
fn name_index(names: &[&str], word: &[u8]) -> Option<usize> {
    if word.len() < 3 {
        return None;
    }
    names.iter().position(|n| {
        n.as_bytes()
            .get(..word.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(word))
    })
}

/// What the month-name forms have been found to contain so far.
#[derive(Default)]
struct Fields {
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    time: Option<Hms>,
    offset: Option<i32>,
}

fn set<T>(slot: &mut Option<T>, value: T, what: &str) -> Result<(), Reason> {
    if slot.is_some() {
        return Err(format!("{what} appears twice"));
    }
    *slot = Some(value);
    Ok(())
}

/// The month-name forms (RFC 2822, Apache, syslog, ctime, ...). Rather than one pattern per
/// form, each token is recognised by its shape (a time has colons, a year 4 digits, a month is a
/// name), which accepts all of those orders with one small piece of code.
fn parse_textual(c: &mut Cursor, now: DateTime<Utc>) -> Result<DateTime<Utc>, Reason> {
    let mut f = Fields::default();
    while let Some(byte) = c.peek() {
        match byte {
            b' ' | b'\t' | b',' | b'/' | b'[' | b']' => c.pos += 1,
            // Before the time a '-' separates (`22-Nov-2026`); after it, it starts an offset.
            b'-' if f.time.is_none() => c.pos += 1,
            b'+' | b'-' => set(&mut f.offset, numeric_offset(c)?, "zone")?,
            // An RFC 2822 comment, as in `+0000 (UTC)`: skipped whole, whatever it contains.
            b'(' => match c.s.as_bytes()[c.pos..].iter().position(|&b| b == b')') {
                Some(len) => c.pos += len + 1,
                None => return Err(c.unexpected("a comment closed by ')'")),
            },
            b'0'..=b'9' => number(c, &mut f)?,
            _ if byte.is_ascii_alphabetic() => {
                let start = c.pos;
                let word = c.word();
                if let Some(m) = name_index(&MONTHS, word) {
                    set(&mut f.month, m as u32 + 1, "month")?;
                } else if let Some(offset) = zone_name(word) {
                    set(&mut f.offset, offset, "zone")?;
                } else if name_index(&WEEKDAYS, word).is_none() {
                    return Err(c.unknown_word(start, "a month, weekday or zone name"));
                }
            }
            _ => return Err(c.unexpected("a date or time")),
        }
    }
    let month = f.month.ok_or("no month name")?;
    let day = f.day.ok_or("no day of the month")?;
    let time = f.time.unwrap_or_default();
    let offset = f.offset.unwrap_or(0);
    match f.year {
        Some(year) => assemble(make_date(year, month, day)?, time, offset),
        None => infer_year(month, day, time, offset, now),
    }
}

/// One numeric token of a month-name form: a time if a ':' follows 1–2 digits, a year if it has
/// 4 digits (then a ':' may follow, as in Apache's `2026:22:44:57`), else the day, else a
/// 2-digit year (RFC 2822's obsolete `22 Nov 26`).
fn number(c: &mut Cursor, f: &mut Fields) -> Result<(), Reason> {
    let start = c.pos;
    let n = c.digits(1, usize::MAX, "a number")?;
    let len = c.pos - start;
    if len <= 2 && c.peek() == Some(b':') {
        c.pos = start;
        return set(&mut f.time, extended_time(c)?, "time");
    }
    match len {
        4 => {
            c.eat(b":");
            set(&mut f.year, n as i32, "year")
        }
        1 | 2 if f.day.is_none() => set(&mut f.day, n, "day"),
        2 if f.year.is_none() => set(&mut f.year, if n < 50 { 2000 } else { 1900 } + n as i32, "year"),
        _ => Err(c.unexpected_at(start, "a day, year or time")),
    }
}

fn make_date(year: i32, month: u32, day: u32) -> Result<NaiveDate, Reason> {
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} is out of range (01-12)"));
    }
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| format!("day {day} does not exist in {} {year}", MONTHS[month as usize - 1]))
}

/// The latest year in which the date exists and the instant is at most one day after `now`.
/// Going back up to 8 years finds a 29 February even across a skipped leap year (1900, 2100).
fn infer_year(month: u32, day: u32, time: Hms, offset: i32, now: DateTime<Utc>) -> Result<DateTime<Utc>, Reason> {
    let latest = now
        .checked_add_signed(TimeDelta::days(1))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    (now.year() - 8..=now.year() + 1)
        .rev()
        .filter_map(|year| NaiveDate::from_ymd_opt(year, month, day))
        .filter_map(|date| assemble(date, time, offset).ok())
        .find(|t| *t <= latest)
        .ok_or_else(|| format!("day {day} does not exist in {}", MONTHS[month as usize - 1]))
}

/// Combines a date, a time and an offset (seconds east of UTC) into a UTC instant.
fn assemble(date: NaiveDate, t: Hms, offset: i32) -> Result<DateTime<Utc>, Reason> {
    // Second 60 is a leap second; like POSIX time, read it as the first second of the next minute.
    let time = NaiveTime::from_hms_nano_opt(t.hour, t.minute, t.second.min(59), t.nanos)
        .ok_or_else(|| format!("invalid time {:02}:{:02}:{:02}", t.hour, t.minute, t.second))?;
    let shift = i64::from(t.second == 60) - i64::from(offset);
    date.and_time(time)
        .checked_add_signed(TimeDelta::seconds(shift))
        .map(|n| n.and_utc())
        .ok_or_else(|| "the instant is out of range".to_owned())
}
