//! What the adapter adds to the grammar (whose own cases are in `crates/syslog-grammar`): chrono
//! instants in the configured zone, the Raw reading, the range of RFC 3339 and the errors.

use super::*;
use chrono::{NaiveDate, SecondsFormat};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(y, mo, d)
        .and_then(|date| date.and_hms_opt(h, mi, s))
        .map(|n| n.and_utc())
        .expect("valid test instant")
}

/// Now is 2026-11-23T12:00:00Z; zone-less times are `zone_seconds` east of UTC.
fn opts(zone_seconds: i32) -> ParseOptions {
    ParseOptions {
        now: utc(2026, 11, 23, 12, 0, 0),
        rfc3164_zone: FixedOffset::east_opt(zone_seconds).expect("valid test zone"),
    }
}

fn ok(line: &str) -> SyslogMessage<'_> {
    parse(line, &opts(0)).unwrap_or_else(|e| panic!("{line:?}: {e}"))
}

fn ts(m: &SyslogMessage<'_>) -> Option<String> {
    m.timestamp.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

#[test]
fn flavors_and_fields() {
    let m = ok("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - [a@1 x=\"1\"] %% It's time\n");
    assert_eq!(
        (m.flavor, m.version, m.priority.map(Priority::value)),
        (Flavor::Rfc5424, Some(1), Some(165))
    );
    assert_eq!(ts(&m).as_deref(), Some("2003-08-24T12:14:15.000003Z"));
    assert_eq!(
        (m.hostname, m.app_name, m.procid, m.msgid),
        (Some("192.0.2.1"), Some("myproc"), Some("8710"), None)
    );
    assert_eq!((m.structured_data[0].param("x"), m.msg), (Some("1"), "%% It's time"));

    let m = ok("<30>Nov  2 03:04:05 host sshd[1234]: Accepted");
    assert_eq!(
        (m.flavor, ts(&m).as_deref()),
        (Flavor::Rfc3164, Some("2026-11-02T03:04:05Z"))
    );
    assert_eq!(
        (m.hostname, m.app_name, m.procid, m.msg),
        (Some("host"), Some("sshd"), Some("1234"), "Accepted")
    );

    // A relay's file line without PRI keeps its header (as rsyslog reads it), with no priority.
    let m = ok("Nov 22 23:16:24 host app[7]: no PRI\n");
    assert_eq!(
        (m.flavor, m.priority, ts(&m).as_deref()),
        (Flavor::Rfc3164, None, Some("2026-11-22T23:16:24Z"))
    );
    assert_eq!(
        (m.hostname, m.app_name, m.procid, m.msg),
        (Some("host"), Some("app"), Some("7"), "no PRI")
    );
}

/// Not syslog beyond the PRI: the rest of the line, as is, is the MSG.
#[test]
fn raw_lines() {
    let cases: &[(&str, Option<u8>, &str)] = &[
        ("hello world", None, "hello world"),
        ("   ", None, "   "),
        ("ünïcode ✓\r\n", None, "ünïcode ✓"),
        (
            "1 2026-11-23T00:00:00Z h a - - - no PRI",
            None,
            "1 2026-11-23T00:00:00Z h a - - - no PRI",
        ),
        ("<13>hello", Some(13), "hello"),
        ("<13>  spaced", Some(13), "  spaced"),
        ("<13>", Some(13), ""),
        ("<13>0 - - -", Some(13), "0 - - -"),
        ("<13>Feb 30 23:16:24 h a: x\n", Some(13), "Feb 30 23:16:24 h a: x"),
        ("<13>2026-13-01T00:00:00 h a: x", Some(13), "2026-13-01T00:00:00 h a: x"),
        // An RFC 3164 time RFC 3339 cannot write (year -0001 in UTC) is no time: Raw, as an
        // unreadable one.
        (
            "<13>0000-01-01T00:00:00+01:00 h a: x",
            Some(13),
            "0000-01-01T00:00:00+01:00 h a: x",
        ),
    ];
    for &(line, pri, msg) in cases {
        let m = ok(line);
        assert_eq!(
            (m.flavor, m.priority.map(Priority::value), m.msg),
            (Flavor::Raw, pri, msg),
            "{line:?}"
        );
        assert_eq!((m.timestamp, m.hostname, m.app_name), (None, None, None), "{line:?}");
    }
}

#[test]
fn zone_applies_to_zoneless_timestamps_only() {
    let cases: &[(&str, i32, &str)] = &[
        ("<13>Nov 22 23:16:24 h a: x", 3600, "2026-11-22T22:16:24Z"),
        ("<13>Nov 22 23:16:24 h a: x", -5 * 3600, "2026-11-23T04:16:24Z"),
        ("<13>2026-11-23T00:34:13 h a: x", 3600, "2026-11-22T23:34:13Z"),
        ("<13>2026-11-23T00:34:13Z h a: x", 3600, "2026-11-23T00:34:13Z"),
        (
            "<134>1 2026-11-23T00:34:14 web00 nginx 4242 ACCESS - x",
            3600,
            "2026-11-22T23:34:14Z",
        ),
        (
            "<134>1 2026-11-23T00:34:14+00:00 web00 nginx 4242 ACCESS - x",
            3600,
            "2026-11-23T00:34:14Z",
        ),
        // Local New Year in +02:00 while UTC is still in the old year.
        ("<13>Nov 24 01:00:00 h a: x", 2 * 3600, "2026-11-23T23:00:00Z"),
    ];
    for &(line, zone, want) in cases {
        let m = parse(line, &opts(zone)).expect("parses");
        assert_eq!(ts(&m).as_deref(), Some(want), "{line:?} in {zone}");
    }
    let new_year = ParseOptions {
        now: utc(2026, 12, 31, 23, 30, 0),
        ..opts(2 * 3600)
    };
    let m = parse("<13>Jan  1 01:00:00 h a: x", &new_year).expect("parses");
    assert_eq!(ts(&m).as_deref(), Some("2026-12-31T23:00:00Z"));
}

#[test]
fn errors() {
    let err = |line: &str, zone: i32| parse(line, &opts(zone)).expect_err(line);
    assert_eq!(err("", 0), SyslogError::Empty);
    assert_eq!(err("\r\n", 0).to_string(), "empty message");
    assert_eq!(err("<192>x", 0).to_string(), "invalid PRI: <192> is above 191");
    assert_eq!(
        err("<13>1 - h", 0).to_string(),
        "invalid RFC 5424 header: missing APP-NAME: the header ends before it"
    );
    let out_of_range = |value: &str| SyslogError::Timestamp {
        value: value.to_owned(),
        reason: "the instant is out of range (outside the years 0000-9999 in UTC)".to_owned(),
    };
    assert_eq!(
        err("<13>1 9999-12-31T23:59:59-00:01 - - - - -", 0),
        out_of_range("9999-12-31T23:59:59-00:01")
    );
    assert_eq!(
        err("<13>1 0000-01-01T00:00:00 - - - - -", 60),
        out_of_range("0000-01-01T00:00:00")
    );
    assert!(parse("<13>1 0000-01-01T00:00:00 - - - - -", &opts(0)).is_ok());
}
