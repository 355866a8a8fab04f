//! Time zones as CEF senders name them in `dtz` and after a time: fixed offsets (`+01:00`,
//! `GMT-05:00`, `Etc/GMT+5`), common abbreviations (`CEST`, `EST`), and common IANA names with
//! the daylight-saving rule of their region (EU, North America, south-east Australia, New
//! Zealand). There is no tz database in the sandbox: a name outside the table is unknown, and a
//! rule is today's (historic rule changes are not known).

use super::{days_from_civil, days_in_month, number, year_of};

/// When a region's daylight-saving time starts and ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dst {
    /// Last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC.
    Eu,
    /// Second Sunday of March 02:00 local to first Sunday of November 02:00 local.
    Us,
    /// First Sunday of October 02:00 standard to first Sunday of April 03:00 daylight.
    Au,
    /// Last Sunday of September 02:00 standard to first Sunday of April 03:00 daylight.
    Nz,
}

/// A zone: its standard offset east of UTC (seconds) and its daylight-saving rule, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Zone {
    standard: i64,
    dst: Option<Dst>,
}

/// IANA names (compared without case) → standard offset in minutes and DST rule.
const IANA: &[(&str, i64, Option<Dst>)] = &[
    ("Europe/London", 0, Some(Dst::Eu)),
    ("Europe/Dublin", 0, Some(Dst::Eu)),
    ("Europe/Lisbon", 0, Some(Dst::Eu)),
    ("Atlantic/Canary", 0, Some(Dst::Eu)),
    ("Europe/Paris", 60, Some(Dst::Eu)),
    ("Europe/Berlin", 60, Some(Dst::Eu)),
    ("Europe/Madrid", 60, Some(Dst::Eu)),
    ("Europe/Rome", 60, Some(Dst::Eu)),
    ("Europe/Amsterdam", 60, Some(Dst::Eu)),
    ("Europe/Brussels", 60, Some(Dst::Eu)),
    ("Europe/Luxembourg", 60, Some(Dst::Eu)),
    ("Europe/Vienna", 60, Some(Dst::Eu)),
    ("Europe/Zurich", 60, Some(Dst::Eu)),
    ("Europe/Stockholm", 60, Some(Dst::Eu)),
    ("Europe/Oslo", 60, Some(Dst::Eu)),
    ("Europe/Copenhagen", 60, Some(Dst::Eu)),
    ("Europe/Prague", 60, Some(Dst::Eu)),
    ("Europe/Warsaw", 60, Some(Dst::Eu)),
    ("Europe/Budapest", 60, Some(Dst::Eu)),
    ("Europe/Belgrade", 60, Some(Dst::Eu)),
    ("Europe/Monaco", 60, Some(Dst::Eu)),
    ("Europe/Malta", 60, Some(Dst::Eu)),
    ("Africa/Ceuta", 60, Some(Dst::Eu)),
    ("Europe/Athens", 120, Some(Dst::Eu)),
    ("Europe/Helsinki", 120, Some(Dst::Eu)),
    ("Europe/Kiev", 120, Some(Dst::Eu)),
    ("Europe/Kyiv", 120, Some(Dst::Eu)),
    ("Europe/Bucharest", 120, Some(Dst::Eu)),
    ("Europe/Sofia", 120, Some(Dst::Eu)),
    ("Europe/Riga", 120, Some(Dst::Eu)),
    ("Europe/Tallinn", 120, Some(Dst::Eu)),
    ("Europe/Vilnius", 120, Some(Dst::Eu)),
    ("Asia/Nicosia", 120, Some(Dst::Eu)),
    ("Europe/Istanbul", 180, None),
    ("Europe/Moscow", 180, None),
    ("Europe/Minsk", 180, None),
    ("America/New_York", -300, Some(Dst::Us)),
    ("America/Detroit", -300, Some(Dst::Us)),
    ("America/Toronto", -300, Some(Dst::Us)),
    ("America/Montreal", -300, Some(Dst::Us)),
    ("America/Indiana/Indianapolis", -300, Some(Dst::Us)),
    ("US/Eastern", -300, Some(Dst::Us)),
    ("America/Chicago", -360, Some(Dst::Us)),
    ("America/Winnipeg", -360, Some(Dst::Us)),
    ("US/Central", -360, Some(Dst::Us)),
    ("America/Denver", -420, Some(Dst::Us)),
    ("America/Edmonton", -420, Some(Dst::Us)),
    ("US/Mountain", -420, Some(Dst::Us)),
    ("America/Phoenix", -420, None),
    ("America/Los_Angeles", -480, Some(Dst::Us)),
    ("America/Vancouver", -480, Some(Dst::Us)),
    ("US/Pacific", -480, Some(Dst::Us)),
    ("America/Anchorage", -540, Some(Dst::Us)),
    ("America/Halifax", -240, Some(Dst::Us)),
    ("America/St_Johns", -210, Some(Dst::Us)),
    ("Pacific/Honolulu", -600, None),
    ("America/Mexico_City", -360, None),
    ("America/Bogota", -300, None),
    ("America/Lima", -300, None),
    ("America/Caracas", -240, None),
    ("America/Sao_Paulo", -180, None),
    ("America/Argentina/Buenos_Aires", -180, None),
    ("America/Buenos_Aires", -180, None),
    ("Africa/Casablanca", 60, None),
    ("Africa/Lagos", 60, None),
    ("Africa/Johannesburg", 120, None),
    ("Africa/Cairo", 120, None),
    ("Africa/Nairobi", 180, None),
    ("Asia/Jerusalem", 120, None),
    ("Asia/Riyadh", 180, None),
    ("Asia/Qatar", 180, None),
    ("Asia/Tehran", 210, None),
    ("Asia/Dubai", 240, None),
    ("Asia/Karachi", 300, None),
    ("Asia/Kolkata", 330, None),
    ("Asia/Calcutta", 330, None),
    ("Asia/Kathmandu", 345, None),
    ("Asia/Dhaka", 360, None),
    ("Asia/Bangkok", 420, None),
    ("Asia/Jakarta", 420, None),
    ("Asia/Ho_Chi_Minh", 420, None),
    ("Asia/Shanghai", 480, None),
    ("Asia/Hong_Kong", 480, None),
    ("Asia/Singapore", 480, None),
    ("Asia/Taipei", 480, None),
    ("Asia/Manila", 480, None),
    ("Australia/Perth", 480, None),
    ("Asia/Tokyo", 540, None),
    ("Asia/Seoul", 540, None),
    ("Australia/Darwin", 570, None),
    ("Australia/Adelaide", 570, Some(Dst::Au)),
    ("Australia/Brisbane", 600, None),
    ("Australia/Sydney", 600, Some(Dst::Au)),
    ("Australia/Melbourne", 600, Some(Dst::Au)),
    ("Australia/Canberra", 600, Some(Dst::Au)),
    ("Australia/Hobart", 600, Some(Dst::Au)),
    ("Pacific/Auckland", 720, Some(Dst::Nz)),
];

impl Zone {
    const UTC: Zone = Zone::fixed(0);

    const fn fixed(seconds: i64) -> Zone {
        Zone {
            standard: seconds,
            dst: None,
        }
    }

    /// A zone by name; `None` when it is not one this table knows.
    pub(crate) fn parse(name: &str) -> Option<Zone> {
        let name = name.trim();
        if let Some(hours) = abbreviation(name) {
            return Some(Zone::fixed(hours * 3600));
        }
        if let Some(zone) =
            IANA.iter()
                .find(|(iana, _, _)| iana.eq_ignore_ascii_case(name))
                .map(|&(_, minutes, dst)| Zone {
                    standard: minutes * 60,
                    dst,
                })
        {
            return Some(zone);
        }
        // `Etc/GMT+5` is five hours WEST of Greenwich (POSIX signs).
        let etc = ["Etc/GMT", "Etc/UTC", "Etc/UCT"].iter().find_map(|p| {
            name.get(..p.len())
                .filter(|h| h.eq_ignore_ascii_case(p))
                .map(|_| &name[p.len()..])
        });
        if let Some(rest) = etc {
            return if rest.is_empty() {
                Some(Zone::UTC)
            } else {
                offset(rest).map(|s| Zone::fixed(-s))
            };
        }
        let rest = ["UTC", "GMT"]
            .iter()
            .find_map(|p| name.get(..3).filter(|h| h.eq_ignore_ascii_case(p)).map(|_| &name[3..]))
            .unwrap_or(name);
        offset(rest).map(Zone::fixed)
    }

    /// The offset east of UTC (seconds) in force at a wall time, given as seconds since the
    /// epoch as if that wall time were UTC.
    pub(crate) fn offset_at_local(&self, wall: i64) -> i64 {
        let Some(dst) = self.dst else {
            return self.standard;
        };
        // The instant if standard time applies; the rules below are all in UTC instants.
        let instant = wall - self.standard;
        let year = year_of(instant);
        let (std, daylight) = (self.standard, self.standard + 3600);
        let in_dst = match dst {
            Dst::Eu => {
                let start = last_sunday(year, 3) * 86_400 + 3600;
                let end = last_sunday(year, 10) * 86_400 + 3600;
                (start..end).contains(&instant)
            }
            Dst::Us => {
                let start = nth_sunday(year, 3, 2) * 86_400 + 7200 - std;
                let end = nth_sunday(year, 11, 1) * 86_400 + 7200 - daylight;
                (start..end).contains(&instant)
            }
            Dst::Au | Dst::Nz => {
                let start_day = if dst == Dst::Au {
                    nth_sunday(year, 10, 1)
                } else {
                    last_sunday(year, 9)
                };
                let start = start_day * 86_400 + 7200 - std;
                let end = nth_sunday(year, 4, 1) * 86_400 + 10_800 - daylight;
                instant >= start || instant < end
            }
        };
        if in_dst {
            daylight
        } else {
            std
        }
    }
}

/// Hours east of UTC of a common abbreviation. `CST` is the US one.
fn abbreviation(name: &str) -> Option<i64> {
    const TABLE: [(&str, i64); 23] = [
        ("Z", 0),
        ("UT", 0),
        ("UTC", 0),
        ("GMT", 0),
        ("WET", 0),
        ("EST", -5),
        ("CDT", -5),
        ("EDT", -4),
        ("CST", -6),
        ("MDT", -6),
        ("MST", -7),
        ("PDT", -7),
        ("PST", -8),
        ("AKDT", -8),
        ("AKST", -9),
        ("HST", -10),
        ("CET", 1),
        ("WEST", 1),
        ("BST", 1),
        ("CEST", 2),
        ("EET", 2),
        ("EEST", 3),
        ("JST", 9),
    ];
    TABLE
        .iter()
        .find(|(abbr, _)| abbr.eq_ignore_ascii_case(name))
        .map(|&(_, hours)| hours)
}

/// `+01:00`, `-0500`, `+1`: seconds east of UTC.
fn offset(s: &str) -> Option<i64> {
    let (sign, digits) = if let Some(d) = s.strip_prefix('+') {
        (1, d)
    } else if let Some(d) = s.strip_prefix('-') {
        (-1, d)
    } else {
        return None;
    };
    if !digits.bytes().all(|b| b.is_ascii_digit() || b == b':') {
        return None;
    }
    let (h, m) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() == 4 => digits.split_at(2),
        None => (digits, "00"),
    };
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i64, i64) = (number(h)?, number(m)?);
    (h <= 18 && m <= 59).then_some(sign * (h * 3600 + m * 60))
}

/// Days since the epoch of the `n`th Sunday of a month.
fn nth_sunday(year: i64, month: u32, n: i64) -> i64 {
    let first = days_from_civil(year, month, 1);
    // 1970-01-01 was a Thursday: (days + 4) mod 7 is 0 on Sundays.
    first + (7 - (first + 4).rem_euclid(7)) % 7 + 7 * (n - 1)
}

/// Days since the epoch of the last Sunday of a month.
fn last_sunday(year: i64, month: u32) -> i64 {
    let last = days_from_civil(year, month, days_in_month(year, month));
    last - (last + 4).rem_euclid(7)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(zone: &str, y: i64, m: u32, d: u32, hour: i64) -> i64 {
        let z = Zone::parse(zone).expect(zone);
        z.offset_at_local(days_from_civil(y, m, d) * 86_400 + hour * 3600) / 3600
    }

    #[test]
    fn daylight_saving_rules() {
        assert_eq!(at("Europe/Paris", 2024, 1, 15, 12), 1);
        assert_eq!(at("europe/paris", 2024, 7, 15, 12), 2);
        // 2024: EU from 31 March 01:00 UTC to 27 October 01:00 UTC.
        assert_eq!(at("Europe/Berlin", 2024, 3, 31, 1), 1);
        assert_eq!(at("Europe/Berlin", 2024, 3, 31, 4), 2);
        assert_eq!(at("Europe/Berlin", 2024, 10, 27, 4), 1);
        assert_eq!(at("Europe/London", 2024, 6, 1, 12), 1);
        // 2024: US from 10 March to 3 November.
        assert_eq!(at("America/New_York", 2024, 3, 9, 12), -5);
        assert_eq!(at("America/New_York", 2024, 3, 11, 12), -4);
        assert_eq!(at("America/Los_Angeles", 2024, 11, 4, 12), -8);
        assert_eq!(at("America/Phoenix", 2024, 7, 1, 12), -7);
        // Southern hemisphere: daylight time over the new year.
        assert_eq!(at("Australia/Sydney", 2024, 1, 15, 12), 11);
        assert_eq!(at("Australia/Sydney", 2024, 7, 15, 12), 10);
        assert_eq!(at("Pacific/Auckland", 2024, 12, 15, 12), 13);
    }

    #[test]
    fn fixed_zones() {
        for (name, seconds) in [
            ("UTC", 0),
            ("Z", 0),
            ("GMT+01:00", 3600),
            ("GMT-0530", -19_800),
            ("+02:00", 7200),
            ("-5", -18_000),
            ("Etc/GMT+5", -18_000),
            ("Etc/GMT-2", 7200),
            ("Etc/UTC", 0),
            ("CEST", 7200),
        ] {
            assert_eq!(Zone::parse(name).map(|z| z.offset_at_local(0)), Some(seconds), "{name}");
        }
        for bad in ["", "Mars/Olympus", "+25:00", "GMT+1:5", "+aé1", "XYZ"] {
            assert_eq!(Zone::parse(bad), None, "{bad}");
        }
    }
}
