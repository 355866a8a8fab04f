//! Expected instants below are worked out by hand (offsets applied mentally, epochs from known
//! anchors), never by calling the parser under test.

use super::*;

/// A UTC instant from hand-computed fields.
fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, nanos: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(y, mo, d)
        .and_then(|date| date.and_hms_nano_opt(h, mi, s, nanos))
        .map(|n| n.and_utc())
        .expect("valid test instant")
}

/// The reference "now" for year inference: 2026-11-23T12:00:00Z.
fn now() -> DateTime<Utc> {
    utc(2026, 11, 23, 12, 0, 0, 0)
}

fn parse(value: &str) -> Result<DateTime<Utc>, TimeParseError> {
    parse_datetime(value, now())
}

fn reason(value: &str) -> String {
    match parse(value) {
        Err(TimeParseError::Unrecognised { value: v, reason }) => {
            assert_eq!(v, value.trim(), "error must name the value");
            reason
        }
        other => panic!("{value:?}: expected Unrecognised, got {other:?}"),
    }
}

#[test]
fn accepts_every_listed_format() {
    // 2026-11-22 is a Sunday; 1763851497 s is 2025-11-22T22:44:57Z (20414 days + 81897 s).
    let cases: &[(&str, DateTime<Utc>)] = &[
        // RFC 3339 with Z and offsets.
        ("2026-11-22T22:44:57Z", utc(2026, 11, 22, 22, 44, 57, 0)),
        ("2026-11-22T22:44:57+01:00", utc(2026, 11, 22, 21, 44, 57, 0)),
        ("2026-11-22T22:44:57-05:30", utc(2026, 11, 23, 4, 14, 57, 0)),
        ("2026-11-22T22:44:57+0100", utc(2026, 11, 22, 21, 44, 57, 0)),
        ("2026-11-22T22:44:57-0800", utc(2026, 11, 23, 6, 44, 57, 0)),
        ("2026-11-22T22:44:57+01", utc(2026, 11, 22, 21, 44, 57, 0)),
        ("2026-11-22T00:30:00+01:00", utc(2026, 11, 21, 23, 30, 0, 0)),
        ("2026-01-01T00:30:00+01:00", utc(2025, 12, 31, 23, 30, 0, 0)),
        ("2026-11-22t22:44:57z", utc(2026, 11, 22, 22, 44, 57, 0)),
        ("2026-11-22 22:44:57Z", utc(2026, 11, 22, 22, 44, 57, 0)),
        ("2026-11-22 22:44:57 +01:00", utc(2026, 11, 22, 21, 44, 57, 0)),
        ("2026-11-22 22:44:57 UTC", utc(2026, 11, 22, 22, 44, 57, 0)),
        ("2026-11-22 22:44:57 GMT", utc(2026, 11, 22, 22, 44, 57, 0)),
        ("  2026-11-22T22:44:57Z\r\n", utc(2026, 11, 22, 22, 44, 57, 0)),
        // Fractional seconds, 1 to 9 digits (and more, truncated), '.' or ','.
        ("2026-11-22T22:44:57.1Z", utc(2026, 11, 22, 22, 44, 57, 100_000_000)),
        ("2026-11-22T22:44:57.12Z", utc(2026, 11, 22, 22, 44, 57, 120_000_000)),
        ("2026-11-22T22:44:57.123Z", utc(2026, 11, 22, 22, 44, 57, 123_000_000)),
        ("2026-11-22T22:44:57.1234Z", utc(2026, 11, 22, 22, 44, 57, 123_400_000)),
        ("2026-11-22T22:44:57.12345Z", utc(2026, 11, 22, 22, 44, 57, 123_450_000)),
        (
            "2026-11-22T22:44:57.123456Z",
            utc(2026, 11, 22, 22, 44, 57, 123_456_000),
        ),
        (
            "2026-11-22T22:44:57.1234567Z",
            utc(2026, 11, 22, 22, 44, 57, 123_456_700),
        ),
        (
            "2026-11-22T22:44:57.12345678Z",
            utc(2026, 11, 22, 22, 44, 57, 123_456_780),
        ),
        (
            "2026-11-22T22:44:57.123456789Z",
            utc(2026, 11, 22, 22, 44, 57, 123_456_789),
        ),
        (
            "2026-11-22T22:44:57.123456789123Z",
            utc(2026, 11, 22, 22, 44, 57, 123_456_789),
        ),
        ("2026-11-22T22:44:57,5Z", utc(2026, 11, 22, 22, 44, 57, 500_000_000)),
        (
            "2026-11-22T22:44:57.123+0100",
            utc(2026, 11, 22, 21, 44, 57, 123_000_000),
        ),
        // ISO 8601 without zone means UTC; date only means midnight UTC.
        ("2026-11-22T22:44:57", utc(2026, 11, 22, 22, 44, 57, 0)),
        ("2026-11-22T22:44:57.250", utc(2026, 11, 22, 22, 44, 57, 250_000_000)),
        ("2026-11-22 22:44:57", utc(2026, 11, 22, 22, 44, 57, 0)),
        ("2026-11-22T22:44", utc(2026, 11, 22, 22, 44, 0, 0)),
        ("2026-11-22", utc(2026, 11, 22, 0, 0, 0, 0)),
        ("2026/11/22 22:44:57", utc(2026, 11, 22, 22, 44, 57, 0)),
        ("2024-02-29T12:00:00Z", utc(2024, 2, 29, 12, 0, 0, 0)),
        // A leap second reads as the next second, as in POSIX time.
        ("2016-12-31T23:59:60Z", utc(2017, 1, 1, 0, 0, 0, 0)),
        // ISO 8601 basic format.
        ("20261122T224457Z", utc(2026, 11, 22, 22, 44, 57, 0)),
        ("20261122T224457.5+0100", utc(2026, 11, 22, 21, 44, 57, 500_000_000)),
        ("20261122T224457", utc(2026, 11, 22, 22, 44, 57, 0)),
        // RFC 2822.
        ("Sun, 22 Nov 2026 22:44:57 +0100", utc(2026, 11, 22, 21, 44, 57, 0)),
        ("22 Nov 2026 22:44:57 GMT", utc(2026, 11, 22, 22, 44, 57, 0)),
        ("Sun, 22 Nov 2026 22:44:57 -0000", utc(2026, 11, 22, 22, 44, 57, 0)),
        ("Sun, 22 Nov 2026 22:44:57 EST", utc(2026, 11, 23, 3, 44, 57, 0)),
        ("Sunday, 22 November 2026 22:44:57 UT", utc(2026, 11, 22, 22, 44, 57, 0)),
        ("22 Nov 26 22:44:57 GMT", utc(2026, 11, 22, 22, 44, 57, 0)),
        (
            "Sun, 22 Nov 2026 22:44:57 +0000 (Coordinated Universal Time, ü)",
            utc(2026, 11, 22, 22, 44, 57, 0),
        ),
        ("22 Nov 2026 22:44 +0100", utc(2026, 11, 22, 21, 44, 0, 0)),
        // Apache / nginx common log format.
        ("22/Nov/2026:22:44:57 +0100", utc(2026, 11, 22, 21, 44, 57, 0)),
        ("[22/Nov/2026:22:44:57 -0700]", utc(2026, 11, 23, 5, 44, 57, 0)),
        ("22-Nov-2026 22:44:57", utc(2026, 11, 22, 22, 44, 57, 0)),
        // Syslog / RFC 3164, year inferred from now = 2026-11-23T12:00:00Z.
        ("Nov 22 22:44:57", utc(2026, 11, 22, 22, 44, 57, 0)),
        ("Nov  2 22:44:57", utc(2026, 11, 2, 22, 44, 57, 0)),
        ("nov 22 22:44:57", utc(2026, 11, 22, 22, 44, 57, 0)),
        ("Nov 22 22:44:57.123", utc(2026, 11, 22, 22, 44, 57, 123_000_000)),
        ("Nov 24 11:00:00", utc(2026, 11, 24, 11, 0, 0, 0)), // 23 h ahead: clock skew
        ("Nov 25 12:00:00", utc(2025, 11, 25, 12, 0, 0, 0)), // 2 days ahead: last year
        ("Dec 25 10:00:00", utc(2025, 12, 25, 10, 0, 0, 0)),
        ("Feb 29 12:00:00", utc(2024, 2, 29, 12, 0, 0, 0)), // latest leap year
        // Other C-format strings.
        ("Nov 22 2026 22:44:57", utc(2026, 11, 22, 22, 44, 57, 0)),
        ("Sun Nov 22 22:44:57 2026", utc(2026, 11, 22, 22, 44, 57, 0)),
        ("Mon Nov  2 22:44:57 2026", utc(2026, 11, 2, 22, 44, 57, 0)),
        // Epoch strings: s, ms, µs, ns, fractions, signs, exponents.
        ("1763851497", utc(2025, 11, 22, 22, 44, 57, 0)),
        ("+1763851497", utc(2025, 11, 22, 22, 44, 57, 0)),
        ("1763851497.5", utc(2025, 11, 22, 22, 44, 57, 500_000_000)),
        ("1763851497.123456789", utc(2025, 11, 22, 22, 44, 57, 123_456_789)),
        ("1763851497123", utc(2025, 11, 22, 22, 44, 57, 123_000_000)),
        ("1763851497123.456", utc(2025, 11, 22, 22, 44, 57, 123_456_000)),
        ("1763851497123456", utc(2025, 11, 22, 22, 44, 57, 123_456_000)),
        ("1763851497123456789", utc(2025, 11, 22, 22, 44, 57, 123_456_789)),
        ("1.7638514975e9", utc(2025, 11, 22, 22, 44, 57, 500_000_000)),
        ("0", utc(1970, 1, 1, 0, 0, 0, 0)),
        ("-1", utc(1969, 12, 31, 23, 59, 59, 0)),
        ("-1.5", utc(1969, 12, 31, 23, 59, 58, 500_000_000)),
        // -1e9 s is 1938-04-24T22:13:20Z, in seconds and (past 1e11) in milliseconds.
        ("-1000000000", utc(1938, 4, 24, 22, 13, 20, 0)),
        ("-1000000000000", utc(1938, 4, 24, 22, 13, 20, 0)),
    ];
    for (input, expected) in cases {
        assert_eq!(parse(input), Ok(*expected), "input {input:?}");
    }
}

#[test]
fn new_year_rollover_picks_the_nearest_year() {
    let new_years_morning = utc(2027, 1, 1, 0, 0, 30, 0);
    assert_eq!(
        parse_datetime("Dec 31 23:59:59", new_years_morning),
        Ok(utc(2026, 12, 31, 23, 59, 59, 0))
    );
    let new_years_eve = utc(2026, 12, 31, 23, 59, 50, 0);
    assert_eq!(
        parse_datetime("Jan  1 00:00:10", new_years_eve),
        Ok(utc(2027, 1, 1, 0, 0, 10, 0))
    );
    // With an offset the comparison is made on the UTC instant: 00:30+01:00 is 23:30Z, 20 s
    // after now, so it belongs to the next year's 1 January.
    let eve_2310 = utc(2026, 12, 31, 23, 29, 40, 0);
    assert_eq!(
        parse_datetime("Jan 1 00:30:00 +0100", eve_2310),
        Ok(utc(2026, 12, 31, 23, 30, 0, 0))
    );
}

#[test]
fn numeric_epochs_guess_the_unit() {
    // 1e8 s is 1973-03-03T09:46:40Z; each unit boundary lands on it.
    let e8 = utc(1973, 3, 3, 9, 46, 40, 0);
    assert_eq!(parse_epoch(1e8), Ok(e8));
    assert_eq!(parse_epoch(1e11), Ok(e8)); // ms
    assert_eq!(parse_epoch(1e14), Ok(e8)); // µs
    assert_eq!(parse_epoch(1e17), Ok(e8)); // ns
    assert_eq!(parse_epoch_i64(100_000_000_000), Ok(e8));
    assert_eq!(parse_epoch_i64(100_000_000_000_000), Ok(e8));
    assert_eq!(parse_epoch_i64(100_000_000_000_000_000), Ok(e8));
    // Just below 1e11 is still seconds: 1e11 s would be 5138-11-16T09:46:40Z.
    assert_eq!(parse_epoch(99_999_999_999.0), Ok(utc(5138, 11, 16, 9, 46, 39, 0)));
    assert_eq!(parse_epoch_i64(99_999_999_999), Ok(utc(5138, 11, 16, 9, 46, 39, 0)));
    assert_eq!(parse_epoch(1_763_851_497.0), Ok(utc(2025, 11, 22, 22, 44, 57, 0)));
    assert_eq!(
        parse_epoch(1_763_851_497.5),
        Ok(utc(2025, 11, 22, 22, 44, 57, 500_000_000))
    );
    assert_eq!(
        parse_epoch(1_763_851_497_123.0),
        Ok(utc(2025, 11, 22, 22, 44, 57, 123_000_000))
    );
    // Below 2^53, so exact in f64.
    assert_eq!(
        parse_epoch(1_763_851_497_123_456.0),
        Ok(utc(2025, 11, 22, 22, 44, 57, 123_456_000))
    );
    assert_eq!(parse_epoch(-1.5), Ok(utc(1969, 12, 31, 23, 59, 58, 500_000_000)));
    assert_eq!(parse_epoch(-0.0), Ok(utc(1970, 1, 1, 0, 0, 0, 0)));
    assert_eq!(parse_epoch_i64(1_763_851_497), Ok(utc(2025, 11, 22, 22, 44, 57, 0)));
    assert_eq!(
        parse_epoch_i64(1_763_851_497_123_456_789),
        Ok(utc(2025, 11, 22, 22, 44, 57, 123_456_789))
    );
    assert_eq!(parse_epoch_i64(-1), Ok(utc(1969, 12, 31, 23, 59, 59, 0)));
    // The i64 extremes are nanoseconds: 2262-04-11T23:47:16.854775807Z and its mirror.
    assert_eq!(parse_epoch_i64(i64::MAX), Ok(utc(2262, 4, 11, 23, 47, 16, 854_775_807)));
    assert_eq!(parse_epoch_i64(i64::MIN), Ok(utc(1677, 9, 21, 0, 12, 43, 145_224_192)));
}

#[test]
fn f64_nanosecond_epochs_are_close() {
    // f64 cannot hold every nanosecond near 1.7e18; only closeness can be asked of it.
    let expected = utc(2025, 11, 22, 22, 44, 57, 123_456_789);
    let got = parse_epoch(1.763_851_497_123_456_8e18).expect("in range");
    assert!(
        (got - expected).num_microseconds().is_some_and(|us| us.abs() <= 1),
        "{got}"
    );
    let got = parse_epoch(1_763_851_497_123.456).expect("in range");
    let expected = utc(2025, 11, 22, 22, 44, 57, 123_456_000);
    assert!(
        (got - expected).num_microseconds().is_some_and(|us| us.abs() <= 1),
        "{got}"
    );
}

#[test]
fn absurd_epochs_are_out_of_range() {
    for v in [1e30, -1e30, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 9.3e18] {
        assert!(matches!(parse_epoch(v), Err(TimeParseError::OutOfRange { .. })), "{v}");
    }
    for s in [
        "1e30",
        "-1e30",
        "123456789012345678901234567890",
        "99999999999999999999.5",
    ] {
        assert_eq!(parse(s), Err(TimeParseError::OutOfRange { value: s.to_owned() }), "{s}");
    }
    // Instants outside the years 0000-9999 (UTC) cannot be written as RFC 3339: refused too.
    assert!(matches!(
        parse_epoch_i64(-99_999_999_999),
        Err(TimeParseError::OutOfRange { .. })
    ));
    for s in ["9999-12-31T23:59:59-01:00", "-62167219201"] {
        assert!(matches!(parse(s), Err(TimeParseError::OutOfRange { .. })), "{s}");
    }
    assert_eq!(parse("9999-12-31T23:59:59Z").map(|t| t.year()), Ok(9999));
    assert_eq!(parse("0000-01-01T00:00:00Z").map(|t| t.year()), Ok(0));
}

#[test]
fn rejects_with_a_reason_naming_the_problem() {
    assert_eq!(parse(""), Err(TimeParseError::Empty));
    assert_eq!(parse(" \t\n"), Err(TimeParseError::Empty));
    let cases: &[(&str, &str)] = &[
        ("yesterday", "unknown word \"yesterday\""),
        ("2026-13-01T00:00:00Z", "month 13 is out of range"),
        ("2026-00-10", "month 0 is out of range"),
        ("Nov 31 10:00:00", "day 31 does not exist in November"),
        ("31 Nov 2026 10:00:00", "day 31 does not exist in November 2026"),
        ("2026-02-29T00:00:00Z", "day 29 does not exist in February 2026"),
        ("2026-11-22T25:00:00Z", "hour 25 is out of range"),
        ("2026-11-22T22:60:00Z", "minute 60 is out of range"),
        ("2026-11-22T22:44:61Z", "second 61 is out of range"),
        ("2026-11-22T22:44:57+25:00", "zone offset 25:00 is out of range"),
        (
            "2026-11-22T22:44:57Zjunk",
            "unknown word \"Zjunk\" at byte 19: expected a zone",
        ),
        (
            "2026-11-22T22:44:57Z junk",
            "expected end of input at byte 21, found 'j'",
        ),
        ("2026-11-22T22:44:57 Mars", "unknown word \"Mars\" at byte 20"),
        (
            "2026-11-22T22:44:57.Z",
            "expected fractional seconds at byte 20, found 'Z'",
        ),
        (
            "2026-11-22X22:44:57Z",
            "expected 'T' or a space between date and time at byte 10",
        ),
        (
            "2026-11/22",
            "expected the same separator after the month at byte 7, found '/'",
        ),
        ("22 Nov 2026 22:44:57 +0100 +0200", "zone appears twice"),
        ("22 2026", "no month name"),
        ("Nov 2026", "no day of the month"),
        (
            "Nov 22 123 10:00:00",
            "expected a day, year or time at byte 7, found '1'",
        ),
        ("日本 2026-11-22", "expected a date or time at byte 0, found '日'"),
        ("2026-11-22T22:44:57Z🦀", "found '🦀'"),
        ("Nov 22 22:44:57 ü", "found 'ü'"),
        (
            "Nov 22 22:44:57 (UTC",
            "expected a comment closed by ')' at byte 16, found '('",
        ),
        ("2026-11-22T22:4é:57Z", "expected 2-digit minute at byte 14, found '4'"),
        ("NaN", "unknown word \"NaN\""),
        ("inf", "unknown word \"inf\""),
        ("tomorrow at noon", "unknown word \"tomorrow\""),
    ];
    for (input, want) in cases {
        let why = reason(input);
        assert!(why.contains(want), "{input:?}: reason {why:?} lacks {want:?}");
    }
}

#[test]
fn error_messages_name_the_value_and_the_reason() {
    let err = parse("2026-13-01T00:00:00Z").expect_err("invalid month");
    assert_eq!(
        err.to_string(),
        "unrecognised datetime \"2026-13-01T00:00:00Z\": month 13 is out of range (01-12)"
    );
    assert_eq!(TimeParseError::Empty.to_string(), "empty datetime");
    assert_eq!(
        parse("1e30").expect_err("absurd").to_string(),
        "datetime \"1e30\" is out of range"
    );
}

#[test]
fn formats_the_canonical_form() {
    let cases: &[(DateTime<Utc>, &str)] = &[
        (utc(2026, 11, 22, 22, 44, 57, 0), "2026-11-22T22:44:57Z"),
        (
            utc(2026, 11, 22, 22, 44, 57, 123_000_000),
            "2026-11-22T22:44:57.123000Z",
        ),
        (
            utc(2026, 11, 22, 22, 44, 57, 123_456_000),
            "2026-11-22T22:44:57.123456Z",
        ),
        (utc(2026, 11, 22, 22, 44, 57, 1_000), "2026-11-22T22:44:57.000001Z"),
        (
            utc(2026, 11, 22, 22, 44, 57, 123_456_789),
            "2026-11-22T22:44:57.123456789Z",
        ),
        (utc(2026, 11, 22, 22, 44, 57, 1), "2026-11-22T22:44:57.000000001Z"),
        (utc(1970, 1, 1, 0, 0, 0, 0), "1970-01-01T00:00:00Z"),
    ];
    for (t, want) in cases {
        assert_eq!(format_rfc3339(*t), *want);
        assert!(is_canonical_rfc3339(want), "{want}");
        assert_eq!(parse(want), Ok(*t), "round trip of {want}");
    }
}

#[test]
fn recognises_only_the_exact_canonical_form() {
    for s in [
        "2026-11-22T22:44:57Z",
        "2026-11-22T22:44:57.100000Z",
        "2026-11-22T22:44:57.000000001Z",
        "2024-02-29T23:59:59Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z",
    ] {
        assert!(is_canonical_rfc3339(s), "{s}");
    }
    for s in [
        "",
        "2026-11-22T22:44:57",
        "2026-11-22T22:44:57+00:00",
        "2026-11-22T22:44:57z",
        "2026-11-22t22:44:57Z",
        "2026-11-22 22:44:57Z",
        "2026-11-22T22:44:57.123Z",
        "2026-11-22T22:44:57.000000Z",
        "2026-11-22T22:44:57.123456000Z",
        "2026-11-22T22:44:57.1234567Z",
        "2026-13-01T00:00:00Z",
        "2026-02-29T00:00:00Z",
        "2026-11-22T24:00:00Z",
        "2026-11-22T22:60:00Z",
        "2026-11-22T22:44:60Z",
        "2026-11-22T22:44:5éZ",
        "2026-11-22T22:44:57Z ",
        "2026-11-22T22:44:57,123456Z",
    ] {
        assert!(!is_canonical_rfc3339(s), "{s}");
    }
}

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// The no-panic and consistency properties every input must satisfy.
fn check_properties(input: &str) {
    let parsed = parse(input);
    if let Ok(t) = parsed {
        // Anything accepted must survive a canonical round trip (within the 4-digit years RFC 3339 has).
        if (0..=9999).contains(&t.year()) {
            let canonical = format_rfc3339(t);
            assert!(is_canonical_rfc3339(&canonical), "{input:?} -> {canonical}");
            assert_eq!(parse(&canonical), Ok(t), "{input:?} -> {canonical}");
        }
    }
    // The cheap check must agree exactly with "parsing and formatting changes nothing".
    let agrees = parsed.map(format_rfc3339).is_ok_and(|f| f == input);
    assert_eq!(is_canonical_rfc3339(input), agrees, "{input:?}");
}

#[test]
fn fuzz_random_token_soup_never_panics() {
    #[rustfmt::skip]
    const TOKENS: &[&str] = &[
        "0", "1", "2", "9", "12", "31", "60", "2026", "-", ":", "+", ".", ",", "/", " ", "  ", "T",
        "t", "Z", "z", "e", "E", "Nov", "Sun", "GMT", "EST", "UTC", "[", "]", "(", ")", "\t", "é",
        "日", "🦀", "\u{301}", "22:44:57", "2026-11-22", "T22:44:57", ".123456789", "+01:00", "-0800",
        "1763851497",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..200_000 {
        let len = rng.below(10);
        let input: String = (0..len).map(|_| rng.pick(TOKENS)).collect();
        check_properties(&input);
    }
}

#[test]
fn fuzz_mutated_valid_inputs_never_panic() {
    const SEEDS: &[&str] = &[
        "2026-11-22T22:44:57.123456789+01:00",
        "2026-11-22T22:44:57.123456Z",
        "20261122T224457.5+0100",
        "Sun, 22 Nov 2026 22:44:57 +0100",
        "22/Nov/2026:22:44:57 +0100",
        "Nov  2 22:44:57",
        "Sun Nov 22 22:44:57 2026",
        "1763851497123.456",
        "-1.5e3",
    ];
    #[rustfmt::skip]
    const INSERTS: &[&str] = &[
        "é", "日", "🦀", "\u{301}", "0", "9", ":", "-", "+", ".", " ", "Z", "(", "\0", "\u{ffff}",
    ];
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    for _ in 0..100_000 {
        let seed = rng.pick(SEEDS);
        let boundaries: Vec<usize> = seed.char_indices().map(|(i, _)| i).chain([seed.len()]).collect();
        let at = boundaries[rng.below(boundaries.len())];
        let (head, tail) = seed.split_at(at);
        let mutated = match rng.below(4) {
            0 => format!("{head}{}{tail}", rng.pick(INSERTS)),
            1 => head.to_owned(),
            2 => format!("{head}{}", tail.get(1..).unwrap_or("")),
            _ => format!("{head}{}{}", rng.pick(INSERTS), tail.get(1..).unwrap_or("")),
        };
        check_properties(&mutated);
    }
}

#[test]
fn canonical_round_trip_over_many_instants() {
    let mut rng = Rng(42);
    for _ in 0..20_000 {
        // Any second from 0000 to 9999, with sub-second parts of each precision.
        let secs = (rng.next() % 315_537_897_600) as i64 - 62_167_219_200;
        let nanos = match rng.below(4) {
            0 => 0,
            1 => (rng.next() % 1_000_000) as u32 * 1_000,
            _ => (rng.next() % 1_000_000_000) as u32,
        };
        let t = DateTime::from_timestamp(secs, nanos).expect("in range");
        let s = format_rfc3339(t);
        assert!(is_canonical_rfc3339(&s), "{s}");
        assert_eq!(parse(&s), Ok(t), "{s}");
    }
}
