//! RFC 3164 lines, with and without PRI, and `<PRI>` + free text.

use super::*;

/// `<PRI>` then no timestamp this reads: the priority, and the rest as MSG (the host's "raw").
#[test]
fn pri_then_free_text() {
    check(
        &[
            Case {
                line: "<13>hello",
                pri: Some(13),
                msg: "hello",
                ..BARE
            },
            Case {
                line: "<13>  spaced",
                pri: Some(13),
                msg: "  spaced",
                ..BARE
            },
            Case {
                line: "<13>",
                pri: Some(13),
                ..BARE
            },
            Case {
                line: "<13>1",
                pri: Some(13),
                msg: "1",
                ..BARE
            },
            Case {
                line: "<13>1x",
                pri: Some(13),
                msg: "1x",
                ..BARE
            },
            Case {
                line: "<13>0 - - -",
                pri: Some(13),
                msg: "0 - - -",
                ..BARE
            },
            Case {
                line: "<13>01 - - -",
                pri: Some(13),
                msg: "01 - - -",
                ..BARE
            },
            Case {
                line: "<13>1234 x",
                pri: Some(13),
                msg: "1234 x",
                ..BARE
            },
            Case {
                line: "<13>November rain",
                pri: Some(13),
                msg: "November rain",
                ..BARE
            },
            Case {
                line: "<13>Nov 99 23:16:24 h a: x",
                pri: Some(13),
                msg: "Nov 99 23:16:24 h a: x",
                ..BARE
            },
            Case {
                line: "<13>Feb 30 23:16:24 h a: x",
                pri: Some(13),
                msg: "Feb 30 23:16:24 h a: x",
                ..BARE
            },
            Case {
                line: "<13>Nov 22 2316:24 h",
                pri: Some(13),
                msg: "Nov 22 2316:24 h",
                ..BARE
            },
            Case {
                line: "<13>Nov 22 23:16:24x h",
                pri: Some(13),
                msg: "Nov 22 23:16:24x h",
                ..BARE
            },
            Case {
                line: "<13>2026-13-01T00:00:00 h a: x",
                pri: Some(13),
                msg: "2026-13-01T00:00:00 h a: x",
                ..BARE
            },
        ],
        &opts(),
    );
}

/// Log files and relays: the same header without `<PRI>`; no timestamp at all is not syslog.
#[test]
fn lines_without_pri() {
    let l = ok("Oct  3 04:05:06 host sshd[123]: msg");
    assert_eq!((l.flavor, l.priority), (Flavor::Rfc3164, None));
    assert_eq!(ts(&l).as_deref(), Some("2026-10-03T04:05:06Z"));
    assert_eq!(
        (l.hostname, l.app_name, l.procid, l.msg),
        (Some("host"), Some("sshd"), Some("123"), "msg")
    );
    let l = ok("Nov 22 23:16:24 host app: no PRI\n");
    assert_eq!((l.hostname, l.app_name, l.msg), (Some("host"), Some("app"), "no PRI"));

    let l = ok("2024-05-01T12:00:00.123456+02:00 host app[1]: msg\n");
    assert_eq!(l.timestamp_raw, Some("2024-05-01T12:00:00.123456+02:00"));
    assert_eq!(ts(&l).as_deref(), Some("2024-05-01T10:00:00.123456Z"));
    assert_eq!(
        (l.hostname, l.app_name, l.procid, l.msg),
        (Some("host"), Some("app"), Some("1"), "msg")
    );

    for line in [
        "hello world",
        "2024-05-01 12:00:00 fw1 sshd[4242]: space instead of T",
        "1 2026-11-23T00:00:00Z h a - - - no PRI",
        "Nov 99 23:16:24 h a: x",
        "November rain",
        "ünïcode ✓",
        "   ",
    ] {
        assert_eq!(parse(line), Err(ParseError::NotSyslog), "{line:?}");
        assert_eq!(split_pri(line), Ok((None, line)), "{line:?}");
    }
}

/// A TAG is at most [`MAX_TAG`] bytes (RFC 5424's APP-NAME); a longer "TAG" stays in MSG.
#[test]
fn rfc3164_tag_length() {
    let tag32 = "a".repeat(32);
    let tag48 = "b".repeat(48);
    let tag49 = "c".repeat(49);
    let line = format!("<13>Nov 22 23:16:24 host {tag32}[1]: x");
    assert_eq!(ok(&line).app_name, Some(tag32.as_str()));
    let line = format!("<13>Nov 22 23:16:24 host {tag48}: x");
    assert_eq!(ok(&line).app_name, Some(tag48.as_str()));
    let line = format!("<13>Nov 22 23:16:24 host {tag49}: x");
    let l = ok(&line);
    assert_eq!((l.hostname, l.app_name), (Some("host"), None));
    assert_eq!(l.msg, format!("{tag49}: x"));
    let line = format!("<13>Nov 22 23:16:24 {tag49}[7]: x");
    let l = ok(&line);
    assert_eq!((l.hostname, l.app_name, l.procid), (None, None, None));
    assert_eq!(l.msg, format!("{tag49}[7]: x"));
}

/// The year of a year-less time against the reception time (the zone is UTC here; the zoned
/// cases are in `rfc3164_new_year_inference`).
#[test]
fn rfc3164_years() {
    let cases = [
        ("Dec 25 10:00:00", utc(2026, 11, 23, 23, 0, 0), "2025-12-25T10:00:00Z"),
        ("Nov 24 22:59:59", utc(2026, 11, 23, 23, 0, 0), "2026-11-24T22:59:59Z"),
        ("Nov 25 00:00:00", utc(2026, 11, 23, 23, 0, 0), "2025-11-25T00:00:00Z"),
        ("Oct 11 22:14:15", utc(2026, 1, 1, 0, 0, 0), "2025-10-11T22:14:15Z"),
        ("Feb 29 12:00:00", utc(2026, 11, 23, 12, 0, 0), "2024-02-29T12:00:00Z"),
        // 2100 is not a leap year: back to 2096.
        ("Feb 29 12:00:00", utc(2101, 3, 1, 0, 0, 0), "2096-02-29T12:00:00Z"),
        (
            "Nov 22 2024 23:16:24",
            utc(2026, 11, 23, 12, 0, 0),
            "2024-11-22T23:16:24Z",
        ),
        (
            "nov 22 23:16:24.250",
            utc(2026, 11, 23, 12, 0, 0),
            "2026-11-22T23:16:24.250Z",
        ),
        (
            "Oct 11 22:14:15.123456789012",
            utc(2026, 11, 23, 12, 0, 0),
            "2026-10-11T22:14:15.123456789Z",
        ),
    ];
    for (stamp, now, want) in cases {
        let l = ok(stamp);
        let at = ParseOptions { now, rfc3164_zone: 0 };
        assert_eq!(ts_at(&l, &at).as_deref(), Some(want), "{stamp} at {now}");
    }
    // A year that makes Feb 29 impossible is no timestamp.
    assert_eq!(ok("<13>Feb 29 2025 12:00:00 h a: x").timestamp, None);
}

const BSD: Case = Case {
    flavor: Flavor::Rfc3164,
    pri: Some(13),
    ..BARE
};

#[test]
fn rfc3164_variants() {
    check(
        &[
            Case {
                line: "<30>Nov  2 03:04:05 host sshd[1234]: Accepted publickey",
                pri: Some(30),
                ts: Some("2026-11-02T03:04:05Z"),
                host: Some("host"),
                app: Some("sshd"),
                procid: Some("1234"),
                msg: "Accepted publickey",
                ..BSD
            },
            Case {
                line: "<13>Nov 2 03:04:05 host app: unpadded day",
                ts: Some("2026-11-02T03:04:05Z"),
                host: Some("host"),
                app: Some("app"),
                msg: "unpadded day",
                ..BSD
            },
            // No HOSTNAME: the first token is the TAG.
            Case {
                line: "<13>Nov 22 23:16:24 sshd[99]: no host",
                ts: Some("2026-11-22T23:16:24Z"),
                app: Some("sshd"),
                procid: Some("99"),
                msg: "no host",
                ..BSD
            },
            Case {
                line: "<6>Nov 22 23:16:24 kernel: [  0.000000] Linux",
                pri: Some(6),
                ts: Some("2026-11-22T23:16:24Z"),
                app: Some("kernel"),
                msg: "[  0.000000] Linux",
                ..BSD
            },
            // No TAG: MSG starts after the hostname.
            Case {
                line: "<13>Nov 22 23:16:24 host just some text",
                ts: Some("2026-11-22T23:16:24Z"),
                host: Some("host"),
                msg: "just some text",
                ..BSD
            },
            // TAG without ':', empty pid, a '[' that is not a pid.
            Case {
                line: "<13>Nov 22 23:16:24 host app[12] text",
                ts: Some("2026-11-22T23:16:24Z"),
                host: Some("host"),
                app: Some("app"),
                procid: Some("12"),
                msg: "text",
                ..BSD
            },
            Case {
                line: "<13>Nov 22 23:16:24 host app[]: text",
                ts: Some("2026-11-22T23:16:24Z"),
                host: Some("host"),
                app: Some("app"),
                msg: "text",
                ..BSD
            },
            Case {
                line: "<13>Nov 22 23:16:24 [x text",
                ts: Some("2026-11-22T23:16:24Z"),
                msg: "[x text",
                ..BSD
            },
            // Cisco-style TAG; IP hostname; several spaces.
            Case {
                line: "<189>Nov 22 23:16:24 10.0.0.1 %LINK-3-UPDOWN: Interface up",
                pri: Some(189),
                ts: Some("2026-11-22T23:16:24Z"),
                host: Some("10.0.0.1"),
                app: Some("%LINK-3-UPDOWN"),
                msg: "Interface up",
                ..BSD
            },
            Case {
                line: "<13>Nov 22 23:16:24  host  app:   spaced",
                ts: Some("2026-11-22T23:16:24Z"),
                host: Some("host"),
                app: Some("app"),
                msg: "spaced",
                ..BSD
            },
            // Year, fraction, lowercase month.
            Case {
                line: "<13>Nov 22 2024 23:16:24 host app: with year",
                ts: Some("2024-11-22T23:16:24Z"),
                host: Some("host"),
                app: Some("app"),
                msg: "with year",
                ..BSD
            },
            Case {
                line: "<13>Nov 22 23:16:24.250 host app: fraction",
                ts: Some("2026-11-22T23:16:24.250Z"),
                host: Some("host"),
                app: Some("app"),
                msg: "fraction",
                ..BSD
            },
            Case {
                line: "<13>nov 22 23:16:24 host app: lowercase",
                ts: Some("2026-11-22T23:16:24Z"),
                host: Some("host"),
                app: Some("app"),
                msg: "lowercase",
                ..BSD
            },
            // Truncated lines.
            Case {
                line: "<13>Nov 22 23:16:24",
                ts: Some("2026-11-22T23:16:24Z"),
                ..BSD
            },
            Case {
                line: "<13>Nov 22 23:16:24 ",
                ts: Some("2026-11-22T23:16:24Z"),
                ..BSD
            },
            Case {
                line: "<13>Nov 22 23:16:24 host",
                ts: Some("2026-11-22T23:16:24Z"),
                host: Some("host"),
                ..BSD
            },
            Case {
                line: "<13>Nov 22 23:16:24 host app:",
                ts: Some("2026-11-22T23:16:24Z"),
                host: Some("host"),
                app: Some("app"),
                ..BSD
            },
            // Later in the year than now: last year (year inference).
            Case {
                line: "<13>Dec 25 10:00:00 h a: xmas",
                ts: Some("2025-12-25T10:00:00Z"),
                host: Some("h"),
                app: Some("a"),
                msg: "xmas",
                ..BSD
            },
            // RFC 3339 in a BSD header, with an offset (which wins over rfc3164_zone).
            Case {
                line: "<13>2026-11-23T01:00:00.5+01:00 h a[1]: x",
                ts: Some("2026-11-23T00:00:00.500Z"),
                host: Some("h"),
                app: Some("a"),
                procid: Some("1"),
                msg: "x",
                ..BSD
            },
            Case {
                line: "<13>2026-11-23T01:00:00",
                ts: Some("2026-11-23T01:00:00Z"),
                ..BSD
            },
            Case {
                line: "<13>Nov 22 23:16:24 héllo ünï: ✓",
                ts: Some("2026-11-22T23:16:24Z"),
                host: Some("héllo"),
                app: Some("ünï"),
                msg: "✓",
                ..BSD
            },
        ],
        &opts(),
    );
}

#[test]
fn rfc3164_new_year_inference() {
    let at = |now: i64, seconds: i32| ParseOptions {
        now,
        rfc3164_zone: zone(seconds),
    };
    // A December line read just after New Year belongs to the old year ...
    check(
        &[Case {
            line: "<13>Dec 31 23:59:00 h a: x",
            ts: Some("2026-12-31T23:59:00Z"),
            host: Some("h"),
            app: Some("a"),
            msg: "x",
            ..BSD
        }],
        &at(utc(2027, 1, 1, 0, 10, 0), 0),
    );
    // ... and a January line read just before it to the new one (clock skew).
    check(
        &[Case {
            line: "<13>Jan  1 00:05:00 h a: x",
            ts: Some("2027-01-01T00:05:00Z"),
            host: Some("h"),
            app: Some("a"),
            msg: "x",
            ..BSD
        }],
        &at(utc(2026, 12, 31, 23, 50, 0), 0),
    );
    // Local New Year in +02:00 while UTC is still in the old year.
    check(
        &[Case {
            line: "<13>Jan  1 01:00:00 h a: x",
            ts: Some("2026-12-31T23:00:00Z"),
            host: Some("h"),
            app: Some("a"),
            msg: "x",
            ..BSD
        }],
        &at(utc(2026, 12, 31, 23, 30, 0), 2 * 3600),
    );
    // Local old year in -05:00 while UTC is already in the new one.
    check(
        &[Case {
            line: "<13>Dec 31 19:00:00 h a: x",
            ts: Some("2027-01-01T00:00:00Z"),
            host: Some("h"),
            app: Some("a"),
            msg: "x",
            ..BSD
        }],
        &at(utc(2027, 1, 1, 0, 30, 0), -5 * 3600),
    );
}

#[test]
fn zone_applies_to_zoneless_timestamps_only() {
    let paris = ParseOptions {
        rfc3164_zone: zone(3600),
        ..opts()
    };
    let cases: &[(&str, &str)] = &[
        ("<13>Nov 22 23:16:24 h a: x", "2026-11-22T22:16:24Z"),
        ("<13>2026-11-23T00:34:13 h a: x", "2026-11-22T23:34:13Z"),
        ("<13>2026-11-23T00:34:13Z h a: x", "2026-11-23T00:34:13Z"),
        (
            "<134>1 2026-11-23T00:34:14 web00 nginx 4242 ACCESS - x",
            "2026-11-22T23:34:14Z",
        ),
        (
            "<134>1 2026-11-23T00:34:14+00:00 web00 nginx 4242 ACCESS - x",
            "2026-11-23T00:34:14Z",
        ),
    ];
    for (line, want) in cases {
        let m = ok(line);
        assert_eq!(ts_at(&m, &paris).as_deref(), Some(*want), "{line:?}");
    }
    let ny = ParseOptions {
        rfc3164_zone: zone(-5 * 3600),
        ..opts()
    };
    let m = ok("<13>Nov 22 23:16:24 h a: x");
    assert_eq!(ts_at(&m, &ny).as_deref(), Some("2026-11-23T04:16:24Z"));
}
