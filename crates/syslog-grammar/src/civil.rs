//! Civil (proleptic Gregorian) dates without a date-time dependency: the day arithmetic
//! (Howard Hinnant's `days_from_civil` / `civil_from_days`), leap years, and the instant of a
//! timestamp as a log line writes it ([`DateTime`]), with the year inferred when it has none.
//! The one copy for the host's syslog adapter, the SDK's RFC 3339 formatting and its formats.

/// Seconds of one day.
pub const SECS_PER_DAY: i64 = 86_400;
/// 0000-01-01T00:00:00Z: the first instant RFC 3339 can write (four-digit years).
pub const MIN_RFC3339_SECONDS: i64 = -62_167_219_200;
/// 9999-12-31T23:59:59Z: the last whole second RFC 3339 can write.
pub const MAX_RFC3339_SECONDS: i64 = 253_402_300_799;

pub fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days of `month` (1..=12) in `year`; 0 for a month out of range.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Whether `year-month-day` exists.
pub fn valid_date(year: i64, month: u32, day: u32) -> bool {
    day >= 1 && day <= days_in_month(year, month)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (valid or not: no check).
///
/// Shift the year to start on 1 March so that the leap day is the last day of a year, split
/// into 400-year eras (146 097 days each), then count years of the era and days of the year
/// (months of 153/5 days on average).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 }; // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`]: days since 1970-01-01 to (year, month, day).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
                                  // In range by the comments above: the casts cannot truncate.
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32; // [1, 12]
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// An instant as seconds and nanoseconds since the epoch: what [`DateTime::to_timestamp`]
/// produces. The SDK implements it for the WIT `Timestamp`; [`Unix`] is the plain one.
pub trait UnixTime: Sized {
    fn unix_seconds(&self) -> i64;
    fn from_unix(seconds: i64, nanoseconds: u32) -> Self;
}

/// Seconds and nanoseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unix {
    pub seconds: i64,
    pub nanoseconds: u32,
}

impl UnixTime for Unix {
    fn unix_seconds(&self) -> i64 {
        self.seconds
    }

    fn from_unix(seconds: i64, nanoseconds: u32) -> Self {
        Unix { seconds, nanoseconds }
    }
}

/// A timestamp as written in the line: a civil date-time, with a year and an offset when the
/// line has them. Validated when parsed (a real date, `hh <= 23`, `mm <= 59`, `ss <= 60`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    /// `None` for an RFC 3164 timestamp without a year (the usual case).
    pub year: Option<i32>,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    /// 60 for a leap second (read as the next second, as POSIX does).
    pub second: u8,
    pub nanosecond: u32,
    /// East of UTC, in seconds; `None` when the line gives no zone (RFC 3164 always).
    pub offset_seconds: Option<i32>,
}

impl DateTime {
    /// The instant. A missing offset is `default_offset_seconds` (east of UTC; 0 for UTC). A
    /// missing year is inferred from `reference` (the reception time): the latest year that puts
    /// the instant no more than one day after `reference`, so a `Dec 31` line read on 1 January
    /// is last year's and a `Jan  1` line read on 31 December (clock skew) next year's; `Feb 29`
    /// goes back to the latest leap year. `None` if no year fits (a date that does not exist) or
    /// the instant is outside the years 0000-9999 in UTC, which RFC 3339 cannot write.
    pub fn to_timestamp<T: UnixTime>(&self, reference: T, default_offset_seconds: i32) -> Option<T> {
        let offset = i64::from(self.offset_seconds.unwrap_or(default_offset_seconds));
        let instant = |year: i64| -> Option<i64> {
            if !valid_date(year, u32::from(self.month), u32::from(self.day)) {
                return None;
            }
            let days = days_from_civil(year, u32::from(self.month), u32::from(self.day));
            let seconds = i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second) - offset;
            days.checked_mul(SECS_PER_DAY)?.checked_add(seconds)
        };
        let seconds = match self.year {
            Some(year) => instant(i64::from(year))?,
            None => {
                let now = reference.unix_seconds();
                let limit = now.saturating_add(SECS_PER_DAY);
                // The year of the wall clock where the line was written, so that a local New
                // Year is a New Year whatever the UTC date.
                let local_now = now.saturating_add(offset);
                let (year, _, _) = civil_from_days(local_now.div_euclid(SECS_PER_DAY));
                // Bounded: 10 candidate years, enough to reach a leap year for `Feb 29` even
                // across a skipped one (1900, 2100).
                (year.saturating_sub(8)..=year.saturating_add(1))
                    .rev()
                    .filter_map(instant)
                    .find(|&t| t <= limit)?
            }
        };
        (MIN_RFC3339_SECONDS..=MAX_RFC3339_SECONDS)
            .contains(&seconds)
            .then(|| T::from_unix(seconds, self.nanosecond))
    }
}

#[cfg(test)]
mod tests;
