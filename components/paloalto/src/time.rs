//! PAN-OS times: `2026/11/22 22:44:57` in the CSV (the device's local time, no zone), the
//! 10.0+ high-resolution timestamp `2026-11-22T22:44:57.123+01:00` (with its zone), and LEEF's
//! `devTime=Nov 22 2026 22:44:57 GMT`.

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `s` is `YYYY/MM/DD HH:MM:SS`.
pub(crate) fn is_pan_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 19
        && b[4] == b'/'
        && b[7] == b'/'
        && b[10] == b' '
        && b[13] == b':'
        && b[16] == b':'
        && [&s[..4], &s[5..7], &s[8..10], &s[11..13], &s[14..16], &s[17..19]]
            .iter()
            .all(|p| digits(p))
}

/// `YYYY/MM/DD HH:MM:SS` as RFC 3339 with `offset` (`Z`, `+01:00`): the CSV carries no zone,
/// so the offset is the high-resolution timestamp's when the line has one, else UTC.
pub(crate) fn pan_time(s: &str, offset: &str) -> Option<String> {
    if !is_pan_time(s) {
        return None;
    }
    Some(format!("{}-{}-{}T{}{offset}", &s[..4], &s[5..7], &s[8..10], &s[11..19]))
}

/// The zone of an RFC 3339 time (`Z`, `+01:00`), when `s` is one:
/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
pub(crate) fn rfc3339_offset(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    let shape = b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && [&s[..4], &s[5..7], &s[8..10], &s[11..13], &s[14..16], &s[17..19]]
            .iter()
            .all(|p| digits(p));
    if !shape {
        return None;
    }
    let rest = &s[19..];
    let rest = match rest.strip_prefix('.') {
        Some(fraction) => fraction.trim_start_matches(|c: char| c.is_ascii_digit()),
        None => rest,
    };
    let zone_ok = rest == "Z"
        || rest.len() == 6
            && rest.starts_with(['+', '-'])
            && rest.as_bytes()[3] == b':'
            && digits(&rest[1..3])
            && digits(&rest[4..6]);
    zone_ok.then_some(rest)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// LEEF's `devTime` (`MMM dd yyyy HH:mm:ss[ GMT|UTC|Z]`, PAN-OS's `$cef-formatted-time-generated`)
/// as RFC 3339 UTC; also the CSV form.
pub(crate) fn leef_time(s: &str) -> Option<String> {
    if let Some(time) = pan_time(s, "Z") {
        return Some(time);
    }
    if rfc3339_offset(s).is_some() {
        return Some(s.to_owned());
    }
    let mut parts = s.split_ascii_whitespace();
    let (month, day, year, clock) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if !matches!(parts.next(), None | Some("GMT" | "UTC" | "Z")) {
        return None;
    }
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))? + 1;
    let clock_ok = clock.len() == 8
        && clock.as_bytes()[2] == b':'
        && clock.as_bytes()[5] == b':'
        && [&clock[..2], &clock[3..5], &clock[6..8]].iter().all(|p| digits(p));
    if !digits(day) || day.len() > 2 || !digits(year) || year.len() != 4 || !clock_ok {
        return None;
    }
    Some(format!("{year}-{month:02}-{day:0>2}T{clock}Z"))
}

/// Whole seconds as nanoseconds (`event.duration`).
pub(crate) fn seconds_to_nanos(s: &str) -> Option<u64> {
    s.parse::<u64>().ok()?.checked_mul(1_000_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(
            pan_time("2026/11/22 22:44:57", "Z").as_deref(),
            Some("2026-11-22T22:44:57Z")
        );
        assert_eq!(pan_time("2026/11/22 22:44", "Z"), None);
        assert_eq!(rfc3339_offset("2026-11-22T22:44:57.123+01:00"), Some("+01:00"));
        assert_eq!(rfc3339_offset("2026-11-22T22:44:57Z"), Some("Z"));
        assert_eq!(rfc3339_offset("2026-11-22 22:44:57"), None);
        assert_eq!(
            leef_time("Nov 2 2026 22:44:57 GMT").as_deref(),
            Some("2026-11-02T22:44:57Z")
        );
        assert_eq!(leef_time("Foo 2 2026 22:44:57"), None);
        assert_eq!(seconds_to_nanos("17"), Some(17_000_000_000));
    }
}
