//! CEF times and zones: every time format the CEF spec allows (epoch milliseconds, `MMM dd[
//! yyyy] HH:mm:ss[.SSS][ zone]`) plus what senders write instead (epoch seconds, ISO 8601), and
//! `dtz` zones (fixed offsets, abbreviations, common IANA names with their DST rules).

// The SDK's one copy of the day arithmetic (`days_in_month` is 0 for a month out of range).
pub(crate) use edge_format_sdk::civil::{days_from_civil, days_in_month};
use edge_format_sdk::{format_rfc3339, Timestamp};

mod zones;

pub(crate) use zones::Zone;

const MIN_SECONDS: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
const MAX_SECONDS: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z

/// The UTC year of `seconds` since the epoch (the inverse of [`days_from_civil`], year only).
pub(crate) fn year_of(seconds: i64) -> i64 {
    let z = seconds.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    yoe + era * 400 + i64::from(mp >= 10)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn number<T: std::str::FromStr>(s: &str) -> Option<T> {
    all_digits(s).then(|| s.parse().ok()).flatten()
}

fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    if name.len() != 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(name))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// `HH:mm:ss[.f+]` → (seconds of the day, nanoseconds; digits past the ninth are dropped).
fn clock(token: &str) -> Option<(i64, u32)> {
    let (hms, fraction) = match token.split_once(['.', ',']) {
        Some((hms, fraction)) => (hms, Some(fraction)),
        None => (token, None),
    };
    let mut parts = hms.split(':');
    let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || h.len() > 2 || m.len() != 2 || s.len() != 2 {
        return None;
    }
    let (h, m, s): (i64, i64, i64) = (number(h)?, number(m)?, number(s)?);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let nanos = match fraction {
        None => 0,
        Some(f) if all_digits(f) => {
            let f = &f[..f.len().min(9)];
            number::<u32>(f)? * 10u32.pow(9 - f.len() as u32)
        }
        Some(_) => return None,
    };
    Some((h * 3600 + m * 60 + s.min(59), nanos))
}

/// A local date and time of day, before its zone is applied.
struct Local {
    year: Option<i64>,
    month: u32,
    day: u32,
    second_of_day: i64,
    nanos: u32,
}

impl Local {
    /// Seconds since the epoch of this wall time read as UTC in `year`; `None` for a bad date.
    fn utc_seconds(&self, year: i64) -> Option<i64> {
        (self.day >= 1 && self.day <= days_in_month(year, self.month))
            .then(|| days_from_civil(year, self.month, self.day) * 86_400 + self.second_of_day)
    }
}

/// A CEF time. `now` (seconds since the epoch) completes a time without a year: the latest year
/// that puts it no more than a day after `now`. `default_zone` (the event's `dtz`) applies to a
/// time that names no zone; without one, such a time is UTC.
pub(crate) fn parse_time(value: &str, now: i64, default_zone: Option<&Zone>) -> Option<Timestamp> {
    let v = value.trim();
    let (seconds, nanoseconds) = if all_digits(v) {
        epoch(v)?
    } else {
        let (local, zone) = if v.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            iso(v)?
        } else {
            syslog_style(v)?
        };
        let zone = zone.as_ref().or(default_zone);
        let wall = match local.year {
            Some(year) => local.utc_seconds(year)?,
            None => {
                let y = year_of(now);
                [y + 1, y, y - 1]
                    .into_iter()
                    .filter_map(|year| local.utc_seconds(year))
                    .find(|&t| t <= now.saturating_add(86_400))?
            }
        };
        let offset = zone.map_or(0, |z| z.offset_at_local(wall));
        (wall - offset, local.nanos)
    };
    (MIN_SECONDS..=MAX_SECONDS)
        .contains(&seconds)
        .then_some(Timestamp { seconds, nanoseconds })
}

/// Epoch digits: the spec's milliseconds, but also seconds (≤ 10 digits: milliseconds would
/// be January 1970), microseconds (14–16) and nanoseconds (17–19) as some senders write them.
fn epoch(v: &str) -> Option<(i64, u32)> {
    let n: i64 = v.parse().ok()?;
    let (per_second, nanos_per_unit) = match v.trim_start_matches('0').len() {
        0..=10 => (1, 1_000_000_000),
        11..=13 => (1_000, 1_000_000),
        14..=16 => (1_000_000, 1_000),
        _ => (1_000_000_000, 1),
    };
    let nanos = u32::try_from(n.rem_euclid(per_second) * nanos_per_unit).ok()?;
    Some((n.div_euclid(per_second), nanos))
}

/// `MMM dd[ yyyy] HH:mm:ss[.SSS][ zone]`, the spec's forms.
fn syslog_style(v: &str) -> Option<(Local, Option<Zone>)> {
    let mut tokens = v.split_ascii_whitespace();
    let month = month_number(tokens.next()?)?;
    let day = tokens.next()?;
    let day: u32 = if day.len() <= 2 { number(day)? } else { return None };
    let mut token = tokens.next()?;
    let year = if token.len() == 4 && all_digits(token) {
        let year = number(token)?;
        token = tokens.next()?;
        Some(year)
    } else {
        None
    };
    let (second_of_day, nanos) = clock(token)?;
    let zone = match tokens.next() {
        Some(zone) => Some(Zone::parse(zone)?),
        None => None,
    };
    if tokens.next().is_some() {
        return None;
    }
    let local = Local {
        year,
        month,
        day,
        second_of_day,
        nanos,
    };
    Some((local, zone))
}

/// ISO 8601 as senders write it: `yyyy-MM-dd[T ]HH:mm:ss[.f+][Z|±hh:mm|±hhmm]` (also with `/` in
/// the date, and a zone after a space).
fn iso(v: &str) -> Option<(Local, Option<Zone>)> {
    let b = v.as_bytes();
    if b.len() < 19 || !matches!(b[4], b'-' | b'/') || b[7] != b[4] || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let year: i64 = number(v.get(..4)?)?;
    let month: u32 = number(v.get(5..7)?)?;
    let day: u32 = number(v.get(8..10)?)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let rest = v.get(11..)?;
    // The clock runs to the zone: `Z`, a sign, or a space.
    let end = rest.find(['Z', 'z', '+', '-', ' ']).unwrap_or(rest.len());
    let (second_of_day, nanos) = clock(&rest[..end])?;
    let zone = match rest[end..].trim_start() {
        "" => None,
        zone => Some(Zone::parse(zone)?),
    };
    let local = Local {
        year: Some(year),
        month,
        day,
        second_of_day,
        nanos,
    };
    Some((local, zone))
}

/// RFC 3339 UTC in the host's canonical form: no fraction when it is zero, else 6 or 9 digits.
pub(crate) fn canonical_time(ts: Timestamp) -> String {
    let s = format_rfc3339(ts);
    if let Some(whole) = s.strip_suffix(".000Z") {
        return format!("{whole}Z");
    }
    match s.rfind('.') {
        Some(dot) if s.len() - dot == 5 => format!("{}000Z", &s[..s.len() - 1]),
        _ => s,
    }
}
