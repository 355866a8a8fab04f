use super::*;

/// Cross-checks every day of years 1600–2400 against a naive day-by-day walk, both ways.
#[test]
fn civil_days_match_a_calendar_walk() {
    // 1600-01-01 is day -135_140 from the epoch.
    let (mut y, mut m, mut d) = (1600i64, 1u32, 1u32);
    for days in -135_140..(-135_140 + 292_194) {
        assert_eq!(civil_from_days(days), (y, m, d), "day {days}");
        assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        d += 1;
        if d > days_in_month(y, m) {
            d = 1;
            m += 1;
            if m > 12 {
                m = 1;
                y += 1;
            }
        }
    }
    assert_eq!((y, m, d), (2400, 1, 1));
}

#[test]
fn known_days_and_leap_years() {
    assert_eq!(days_from_civil(1970, 1, 1), 0);
    assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    assert_eq!(days_from_civil(0, 1, 1) * SECS_PER_DAY, MIN_RFC3339_SECONDS);
    assert_eq!(days_from_civil(10_000, 1, 1) * SECS_PER_DAY - 1, MAX_RFC3339_SECONDS);
    assert_eq!(civil_from_days(-1), (1969, 12, 31));
    assert!(is_leap(2000) && is_leap(2024) && !is_leap(1900) && !is_leap(2100) && !is_leap(2026));
    assert!(valid_date(2024, 2, 29) && !valid_date(2026, 2, 29) && !valid_date(2026, 13, 1));
    assert!(!valid_date(2026, 4, 31) && !valid_date(2026, 1, 0) && valid_date(2026, 12, 31));
}

fn bsd(month: u8, day: u8) -> DateTime {
    DateTime {
        year: None,
        month,
        day,
        hour: 12,
        minute: 0,
        second: 0,
        nanosecond: 0,
        offset_seconds: None,
    }
}

/// A reference far outside the calendar must not overflow: the answer is simply none.
#[test]
fn extreme_references_give_no_instant() {
    for now in [i64::MIN, i64::MIN / 2, i64::MAX / 2, i64::MAX] {
        let reference = Unix {
            seconds: now,
            nanoseconds: 0,
        };
        assert_eq!(bsd(2, 29).to_timestamp(reference, 0), None, "{now}");
        assert_eq!(bsd(6, 1).to_timestamp(reference, i32::MAX), None, "{now}");
    }
    let reference = Unix {
        seconds: 0,
        nanoseconds: 0,
    };
    // 31 February exists in no year.
    assert_eq!(bsd(2, 31).to_timestamp(reference, 0), None);
}
