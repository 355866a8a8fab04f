//! FortiOS times: `eventtime=` (epoch in seconds, micro- or nanoseconds by FortiOS version,
//! read by its digit count), else `date=` `time=` with `tz=` (`+0100`).

use edge_format_sdk::{format_rfc3339, Timestamp};

/// `eventtime` as RFC 3339 UTC.
pub(crate) fn epoch(value: &str) -> Option<String> {
    if value.is_empty() || value.len() > 19 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = value.parse().ok()?;
    // 10 digits: seconds (FortiOS 6.2); 13: milliseconds; 16: microseconds; 19: nanoseconds.
    let (seconds, nanos) = match value.len() {
        0..=11 => (n, 0),
        12..=14 => (n / 1_000, (n % 1_000) * 1_000_000),
        15..=17 => (n / 1_000_000, (n % 1_000_000) * 1_000),
        _ => (n / 1_000_000_000, n % 1_000_000_000),
    };
    let nanoseconds = u32::try_from(nanos).ok()?;
    Some(format_rfc3339(Timestamp { seconds, nanoseconds }))
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// `date=2026-11-22 time=22:44:57 tz="+0100"` as RFC 3339; no zone (or one not understood)
/// is UTC.
pub(crate) fn date_time(date: &str, time: &str, tz: Option<&str>) -> Option<String> {
    let date_ok = date.len() == 10
        && date.as_bytes()[4] == b'-'
        && date.as_bytes()[7] == b'-'
        && digits(&date[..4], 4)
        && digits(&date[5..7], 2)
        && digits(&date[8..], 2);
    let time_ok = time.len() == 8
        && time.as_bytes()[2] == b':'
        && time.as_bytes()[5] == b':'
        && [&time[..2], &time[3..5], &time[6..]].iter().all(|p| digits(p, 2));
    if !date_ok || !time_ok {
        return None;
    }
    Some(format!("{date}T{time}{}", offset(tz.unwrap_or_default())))
}

/// `+0100`, `+01:00`, `-05` → `+01:00`...; anything else `Z`.
fn offset(tz: &str) -> String {
    let tz = tz.trim().trim_start_matches("UTC").trim_start_matches("GMT");
    let Some(sign) = tz.chars().next().filter(|c| *c == '+' || *c == '-') else {
        return "Z".into();
    };
    let rest: String = tz[1..].chars().filter(|c| *c != ':').collect();
    match rest.len() {
        2 if digits(&rest, 2) => format!("{sign}{rest}:00"),
        4 if digits(&rest, 4) => format!("{sign}{}:{}", &rest[..2], &rest[2..]),
        _ => "Z".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(epoch("1795383897").as_deref(), Some("2026-11-22T21:44:57.000Z"));
        assert_eq!(
            epoch("1795383897123456789").as_deref(),
            Some("2026-11-22T21:44:57.123456789Z")
        );
        assert_eq!(
            epoch("1795383897123456").as_deref(),
            Some("2026-11-22T21:44:57.123456Z")
        );
        assert_eq!(epoch("1795383897123").as_deref(), Some("2026-11-22T21:44:57.123Z"));
        assert_eq!(epoch("17954700001234567890"), None);
        assert_eq!(epoch("x"), None);
        assert_eq!(
            date_time("2026-11-22", "22:44:57", Some("+0100")).as_deref(),
            Some("2026-11-22T22:44:57+01:00")
        );
        assert_eq!(
            date_time("2026-11-22", "22:44:57", None).as_deref(),
            Some("2026-11-22T22:44:57Z")
        );
        assert_eq!(
            date_time("2026-11-22", "22:44:57", Some("UTC-05:00")).as_deref(),
            Some("2026-11-22T22:44:57-05:00")
        );
        assert_eq!(date_time("22/11/2026", "22:44:57", None), None);
    }
}
