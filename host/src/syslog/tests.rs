//! Expected values are written out by hand (instants in UTC, offsets applied mentally). Captured
//! vectors are bytes that rsyslog (omfwd gtls/ossl), loggen and logger sent to a TCP sink.

use super::*;
use chrono::{NaiveDate, SecondsFormat};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(y, mo, d)
        .and_then(|date| date.and_hms_opt(h, mi, s))
        .map(|n| n.and_utc())
        .expect("valid test instant")
}

fn zone(seconds: i32) -> FixedOffset {
    FixedOffset::east_opt(seconds).expect("valid test zone")
}

/// Reference options: now is 2026-11-23T12:00:00Z, RFC 3164 times are UTC.
fn opts() -> ParseOptions {
    ParseOptions {
        now: utc(2026, 11, 23, 12, 0, 0),
        rfc3164_zone: zone(0),
    }
}

fn ok(line: &str) -> SyslogMessage<'_> {
    parse(line, &opts()).unwrap_or_else(|e| panic!("{line:?}: {e}"))
}

fn ts_string(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

type Sd = &'static [(&'static str, &'static [(&'static str, &'static str)])];

/// One expected parse; `..RAW` fills in "absent".
struct Case {
    line: &'static str,
    flavor: Flavor,
    pri: Option<u8>,
    version: Option<u16>,
    ts: Option<&'static str>,
    host: Option<&'static str>,
    app: Option<&'static str>,
    procid: Option<&'static str>,
    msgid: Option<&'static str>,
    sd: Sd,
    msg: &'static str,
}

const RAW: Case = Case {
    line: "",
    flavor: Flavor::Raw,
    pri: None,
    version: None,
    ts: None,
    host: None,
    app: None,
    procid: None,
    msgid: None,
    sd: &[],
    msg: "",
};

const KEY_SD: Sd = &[("SEKOIA@53288", &[("intake_key", "KEY")])];

fn check(cases: &[Case], opts: &ParseOptions) {
    for c in cases {
        let m = parse(c.line, opts).unwrap_or_else(|e| panic!("{:?}: {e}", c.line));
        let sd: Vec<(&str, Vec<(&str, &str)>)> = m
            .structured_data
            .iter()
            .map(|e| {
                let params = e.params.iter().map(|p| (p.name, p.value.as_ref())).collect();
                (e.id, params)
            })
            .collect();
        let want_sd: Vec<(&str, Vec<(&str, &str)>)> = c.sd.iter().map(|(id, ps)| (*id, ps.to_vec())).collect();
        let l = c.line;
        assert_eq!(m.flavor, c.flavor, "flavor of {l:?}");
        assert_eq!(m.priority.map(Priority::value), c.pri, "PRI of {l:?}");
        assert_eq!(m.version, c.version, "VERSION of {l:?}");
        assert_eq!(ts_string(m.timestamp).as_deref(), c.ts, "TIMESTAMP of {l:?}");
        assert_eq!(m.hostname, c.host, "HOSTNAME of {l:?}");
        assert_eq!(m.app_name, c.app, "APP-NAME of {l:?}");
        assert_eq!(m.procid, c.procid, "PROCID of {l:?}");
        assert_eq!(m.msgid, c.msgid, "MSGID of {l:?}");
        assert_eq!(sd, want_sd, "STRUCTURED-DATA of {l:?}");
        assert_eq!(m.msg, c.msg, "MSG of {l:?}");
    }
}

const V1: Case = Case {
    flavor: Flavor::Rfc5424,
    version: Some(1),
    ..RAW
};

#[test]
fn captured_rsyslog_sekoia_template() {
    check(
        &[
            // a_gtls_octet-counted: the octet count includes the template's trailing LF.
            Case {
                line: "<13>1 2026-11-23T00:33:57.654062+00:00 vm myapp - LOG [SEKOIA@53288 intake_key=\"KEY\"] hello \"quoted\" and ] bracket \\ backslash\n",
                pri: Some(13),
                ts: Some("2026-11-23T00:33:57.654062Z"),
                host: Some("vm"),
                app: Some("myapp"),
                msgid: Some("LOG"),
                sd: KEY_SD,
                msg: "hello \"quoted\" and ] bracket \\ backslash",
                ..V1
            },
            Case {
                line: "<13>1 2026-11-23T00:33:57.660345+00:00 vm myapp - LOG [SEKOIA@53288 intake_key=\"KEY\"] with client SD\n",
                pri: Some(13),
                ts: Some("2026-11-23T00:33:57.660345Z"),
                host: Some("vm"),
                app: Some("myapp"),
                msgid: Some("LOG"),
                sd: KEY_SD,
                msg: "with client SD",
                ..V1
            },
            // An RFC 3164 input through the template: two spaces before the text.
            Case {
                line: "<13>1 2026-11-23T00:33:57+00:00 vm legacy - LOG [SEKOIA@53288 intake_key=\"KEY\"]  a RFC3164 message\n",
                pri: Some(13),
                ts: Some("2026-11-23T00:33:57Z"),
                host: Some("vm"),
                app: Some("legacy"),
                msgid: Some("LOG"),
                sd: KEY_SD,
                msg: "a RFC3164 message",
                ..V1
            },
            // rsyslog escapes the embedded LF as #012 on input; it stays as sent.
            Case {
                line: "<14>1 2024-01-02T03:04:05.678Z host1 app 42 LOG [SEKOIA@53288 intake_key=\"KEY\"] first line#012second line",
                pri: Some(14),
                ts: Some("2024-01-02T03:04:05.678Z"),
                host: Some("host1"),
                app: Some("app"),
                procid: Some("42"),
                msgid: Some("LOG"),
                sd: KEY_SD,
                msg: "first line#012second line",
                ..V1
            },
        ],
        &opts(),
    );
}

#[test]
fn captured_loggen_and_logger() {
    check(
        &[
            // loggen -P --sdata: BOM after the SD, LF inside the octet count.
            Case {
                line: "<38>1 2026-11-23T00:34:11+00:00 localhost prg00000 1234 - [SEKOIA@53288 intake_key=\"KEY\"] \u{feff}seq: 0000000000, thread: 0000, runid: 1795394051, stamp: 2026-11-23T00:34:11 PADDPADDPADDPADDPADDPADDPADDP\n",
                pri: Some(38),
                ts: Some("2026-11-23T00:34:11Z"),
                host: Some("localhost"),
                app: Some("prg00000"),
                procid: Some("1234"),
                sd: KEY_SD,
                msg: "seq: 0000000000, thread: 0000, runid: 1795394051, stamp: 2026-11-23T00:34:11 PADDPADDPADDPADDPADDPADDPADDP",
                ..V1
            },
            // loggen -P -F: nil SD.
            Case {
                line: "<38>1 2026-11-23T00:34:12+00:00 localhost prg00000 1234 - - \u{feff}seq: 0000000001, thread: 0000, runid: 1795394052, stamp: 2026-11-23T00:34:12 PADDPADDPADDPADDPAD",
                pri: Some(38),
                ts: Some("2026-11-23T00:34:12Z"),
                host: Some("localhost"),
                app: Some("prg00000"),
                procid: Some("1234"),
                msg: "seq: 0000000001, thread: 0000, runid: 1795394052, stamp: 2026-11-23T00:34:12 PADDPADDPADDPADDPAD",
                ..V1
            },
            // loggen legacy (no -P): RFC 3339 time in a BSD header, no offset.
            Case {
                line: "<38>2026-11-23T00:34:13 localhost prg00000[1234]: seq: 0000000000, thread: 0000, runid: 1795394053, stamp: 2026-11-23T00:34:13 PADDPADDPADDPADDPADDPA",
                flavor: Flavor::Rfc3164,
                pri: Some(38),
                ts: Some("2026-11-23T00:34:13Z"),
                host: Some("localhost"),
                app: Some("prg00000"),
                procid: Some("1234"),
                msg: "seq: 0000000000, thread: 0000, runid: 1795394053, stamp: 2026-11-23T00:34:13 PADDPADDPADDPADDPADDPA",
                ..RAW
            },
            // loggen -R sample file: escaped SD value.
            Case {
                line: r#"<134>1 2024-01-01T00:00:00.000Z web00 nginx 4242 ACCESS [meta@32473 k="v\"q\]\\"] user=alice000 action=login src=10.0.0.0 status=ok"#,
                pri: Some(134),
                ts: Some("2024-01-01T00:00:00Z"),
                host: Some("web00"),
                app: Some("nginx"),
                procid: Some("4242"),
                msgid: Some("ACCESS"),
                sd: &[("meta@32473", &[("k", "v\"q]\\")])],
                msg: "user=alice000 action=login src=10.0.0.0 status=ok",
                ..V1
            },
            // loggen -R without -d: zone-less timestamp, BOM-only MSG.
            Case {
                line: "<134>1 2026-11-23T00:34:14 web00 nginx 4242 ACCESS - \u{feff}",
                pri: Some(134),
                ts: Some("2026-11-23T00:34:14Z"),
                host: Some("web00"),
                app: Some("nginx"),
                procid: Some("4242"),
                msgid: Some("ACCESS"),
                ..V1
            },
            // util-linux logger, default RFC 5424 output.
            Case {
                line: "<13>1 2026-11-22T23:16:24.123456+01:00 vm user - - [timeQuality tzKnown=\"1\" isSynced=\"1\" syncAccuracy=\"117000\"] hello",
                pri: Some(13),
                ts: Some("2026-11-22T22:16:24.123456Z"),
                host: Some("vm"),
                app: Some("user"),
                sd: &[("timeQuality", &[("tzKnown", "1"), ("isSynced", "1"), ("syncAccuracy", "117000")])],
                msg: "hello",
                ..V1
            },
            // logger --rfc3164 (PROTOCOLS.md section 3).
            Case {
                line: "<13>Nov 22 23:16:24 vm t1: rfc3164",
                flavor: Flavor::Rfc3164,
                pri: Some(13),
                ts: Some("2026-11-22T23:16:24Z"),
                host: Some("vm"),
                app: Some("t1"),
                msg: "rfc3164",
                ..RAW
            },
        ],
        &opts(),
    );
}

#[test]
fn rfc5424_examples_and_fields() {
    check(
        &[
            // RFC 5424 section 6.5 examples.
            Case {
                line: "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \u{feff}'su root' failed for lonvick on /dev/pts/8",
                pri: Some(34),
                ts: Some("2003-10-11T22:14:15.003Z"),
                host: Some("mymachine.example.com"),
                app: Some("su"),
                msgid: Some("ID47"),
                msg: "'su root' failed for lonvick on /dev/pts/8",
                ..V1
            },
            Case {
                line: "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
                pri: Some(165),
                ts: Some("2003-08-24T12:14:15.000003Z"),
                host: Some("192.0.2.1"),
                app: Some("myproc"),
                procid: Some("8710"),
                msg: "%% It's time to make the do-nuts.",
                ..V1
            },
            Case {
                line: "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]",
                pri: Some(165),
                ts: Some("2003-10-11T22:14:15.003Z"),
                host: Some("mymachine.example.com"),
                app: Some("evntslog"),
                msgid: Some("ID47"),
                sd: &[
                    ("exampleSDID@32473", &[("iut", "3"), ("eventSource", "Application"), ("eventID", "1011")]),
                    ("examplePriority@32473", &[("class", "high")]),
                ],
                ..V1
            },
            // All nil, with and without SD / trailing SP.
            Case { line: "<13>1 - - - - - -", pri: Some(13), ..V1 },
            Case { line: "<13>1 - - - - - - ", pri: Some(13), ..V1 },
            Case { line: "<13>1 - - - - -", pri: Some(13), ..V1 },
            Case { line: "<13>1 - - - - - ", pri: Some(13), ..V1 },
            Case { line: "<13>1 - - - - ID", pri: Some(13), msgid: Some("ID"), ..V1 },
            // VERSION other than 1 keeps the RFC 5424 grammar.
            Case { line: "<13>2 - - - - - - x", pri: Some(13), version: Some(2), msg: "x", ..V1 },
            Case { line: "<13>999 - - - - - - x", pri: Some(13), version: Some(999), msg: "x", ..V1 },
            // Fractions of 1 and 9 digits, lowercase t/z, a leap second, offsets across midnight.
            Case { line: "<13>1 2026-11-23T10:00:00.5Z - - - - -", pri: Some(13), ts: Some("2026-11-23T10:00:00.500Z"), ..V1 },
            Case { line: "<13>1 2026-11-23T10:00:00.123456789Z - - - - -", pri: Some(13), ts: Some("2026-11-23T10:00:00.123456789Z"), ..V1 },
            Case { line: "<13>1 2026-11-23t10:00:00z - - - - -", pri: Some(13), ts: Some("2026-11-23T10:00:00Z"), ..V1 },
            Case { line: "<13>1 2016-12-31T23:59:60Z - - - - -", pri: Some(13), ts: Some("2017-01-01T00:00:00Z"), ..V1 },
            Case { line: "<13>1 2026-01-01T00:30:00+01:00 - - - - -", pri: Some(13), ts: Some("2025-12-31T23:30:00Z"), ..V1 },
            Case { line: "<13>1 2026-12-31T22:00:00-05:30 - - - - -", pri: Some(13), ts: Some("2027-01-01T03:30:00Z"), ..V1 },
            // Printable ASCII of all kinds in the header fields.
            Case {
                line: "<13>1 - h.example-1 my_app/x:1 a-b.c_d ID[1] - m",
                pri: Some(13),
                host: Some("h.example-1"),
                app: Some("my_app/x:1"),
                procid: Some("a-b.c_d"),
                msgid: Some("ID[1]"),
                msg: "m",
                ..V1
            },
        ],
        &opts(),
    );
}

#[test]
fn structured_data_shapes() {
    check(
        &[
            // Several elements, the key element in the middle.
            Case {
                line: "<13>1 - - - - - [a@1 x=\"1\"][SEKOIA@53288 intake_key=\"KEY\"][b@2 y=\"2\" z=\"3\"] msg",
                pri: Some(13),
                sd: &[
                    ("a@1", &[("x", "1")]),
                    ("SEKOIA@53288", &[("intake_key", "KEY")]),
                    ("b@2", &[("y", "2"), ("z", "3")]),
                ],
                msg: "msg",
                ..V1
            },
            // No params; MSG containing brackets; MSG starting with '[' after the SP is MSG.
            Case {
                line: "<13>1 - - - - - [x@1] a]b[c",
                pri: Some(13),
                sd: &[("x@1", &[])],
                msg: "a]b[c",
                ..V1
            },
            Case {
                line: "<13>1 - - - - - - [INFO] started",
                pri: Some(13),
                msg: "[INFO] started",
                ..V1
            },
            // RFC: no SP between elements, so an element after an SP is MSG text.
            Case {
                line: "<13>1 - - - - - [a@1] [b@2]",
                pri: Some(13),
                sd: &[("a@1", &[])],
                msg: "[b@2]",
                ..V1
            },
            Case {
                line: "<13>1 - - - - - [x@1][y@2]",
                pri: Some(13),
                sd: &[("x@1", &[]), ("y@2", &[])],
                ..V1
            },
            // Escapes: \" \\ \] resolved, any other backslash kept; unescaped ']' inside quotes.
            Case {
                line: r#"<13>1 - - - - - [m@1 k="v\"q\]\\"]"#,
                pri: Some(13),
                sd: &[("m@1", &[("k", "v\"q]\\")])],
                ..V1
            },
            Case {
                line: r#"<13>1 - - - - - [m@1 k="a\nb\\\\c\x"]"#,
                pri: Some(13),
                sd: &[("m@1", &[("k", "a\\nb\\\\c\\x")])],
                ..V1
            },
            Case {
                line: r#"<13>1 - - - - - [m@1 k="1]2" e=""]"#,
                pri: Some(13),
                sd: &[("m@1", &[("k", "1]2"), ("e", "")])],
                ..V1
            },
            Case {
                line: r#"<13>1 - - - - - [m@1 k="héllo ✓ \"é\""] ünïcode"#,
                pri: Some(13),
                sd: &[("m@1", &[("k", "héllo ✓ \"é\"")])],
                msg: "ünïcode",
                ..V1
            },
            // Tolerated: several SPs between params and before ']'.
            Case {
                line: r#"<13>1 - - - - - [m@1  a="1"  b="2" ] x"#,
                pri: Some(13),
                sd: &[("m@1", &[("a", "1"), ("b", "2")])],
                msg: "x",
                ..V1
            },
            // 32-character SD-ID and PARAM-NAME are the maximum.
            Case {
                line: r#"<13>1 - - - - - [abcdefghijabcdefghijabcdefghij@1 abcdefghijabcdefghijabcdefghijkl="v"]"#,
                pri: Some(13),
                sd: &[(
                    "abcdefghijabcdefghijabcdefghij@1",
                    &[("abcdefghijabcdefghijabcdefghijkl", "v")],
                )],
                ..V1
            },
        ],
        &opts(),
    );
}

#[test]
fn param_values_borrow_unless_escaped() {
    let m = ok(r#"<13>1 - - - - - [m@1 plain="abc" lit="a\nb" esc="a\"b"]"#);
    let e = &m.structured_data[0];
    assert!(matches!(e.params[0].value, Cow::Borrowed("abc")));
    assert!(matches!(e.params[1].value, Cow::Borrowed("a\\nb")));
    assert!(matches!(&e.params[2].value, Cow::Owned(v) if v == "a\"b"));
    assert_eq!(e.param("esc"), Some("a\"b"));
    assert_eq!(e.param("missing"), None);
}

#[test]
fn param_returns_the_first_of_repeated_names() {
    let m = ok(r#"<13>1 - - - - - [m@1 k="1" k="2"]"#);
    assert_eq!(m.structured_data[0].param("k"), Some("1"));
    assert_eq!(m.structured_data[0].params.len(), 2);
}

#[test]
fn msg_bom_spaces_and_terminators() {
    let cases: &[(&str, &str)] = &[
        ("<13>1 - - - - - - \u{feff}hello", "hello"),
        ("<13>1 - - - - - -    three spaces", "three spaces"),
        ("<13>1 - - - - - -   \u{feff}spaces then BOM", "spaces then BOM"),
        ("<13>1 - - - - - - \u{feff} BOM then space", " BOM then space"),
        ("<13>1 - - - - - - a\u{feff}", "a\u{feff}"),
        ("<13>1 - - - - - - trailing  ", "trailing  "),
        ("<13>1 - - - - - - crlf\r\n", "crlf"),
        ("<13>1 - - - - - - nul\0", "nul"),
        ("<13>1 - - - - - - only one\n\n", "only one\n"),
        ("<13>1 - - - - - - cr alone\r", "cr alone\r"),
        ("<13>1 - - - - - - tab\tinside", "tab\tinside"),
        ("<13>1 - - - - - -\n", ""),
    ];
    for (line, msg) in cases {
        assert_eq!(ok(line).msg, *msg, "{line:?}");
    }
}

#[test]
fn header_field_length_limits() {
    for (name, index, max) in [
        ("HOSTNAME", 0, 255),
        ("APP-NAME", 1, 48),
        ("PROCID", 2, 128),
        ("MSGID", 3, 32),
    ] {
        let field = |len: usize| {
            let mut fields = ["-"; 4];
            let long = "x".repeat(len);
            fields[index] = &long;
            format!("<13>1 - {} - m", fields.join(" "))
        };
        let line = field(max);
        let m = ok(&line);
        let got = [m.hostname, m.app_name, m.procid, m.msgid][index];
        assert_eq!(got.map(str::len), Some(max), "{name}");
        assert_eq!(
            parse(&field(max + 1), &opts()),
            Err(SyslogError::Header(format!(
                "{name} is {} bytes long, the maximum is {max}",
                max + 1
            )))
        );
    }
}

#[test]
fn priority_values_and_names() {
    let cases: &[(&str, u8, &str, &str)] = &[
        ("<0>", 0, "kern", "emerg"),
        ("<13>", 13, "user", "notice"),
        ("<22>", 22, "mail", "info"),
        ("<30>", 30, "daemon", "info"),
        ("<38>", 38, "auth", "info"),
        ("<46>", 46, "syslog", "info"),
        ("<55>", 55, "lpr", "debug"),
        ("<56>", 56, "news", "emerg"),
        ("<65>", 65, "uucp", "alert"),
        ("<74>", 74, "cron", "crit"),
        ("<83>", 83, "authpriv", "err"),
        ("<92>", 92, "ftp", "warning"),
        ("<101>", 101, "ntp", "notice"),
        ("<110>", 110, "security", "info"),
        ("<119>", 119, "console", "debug"),
        ("<120>", 120, "solaris-cron", "emerg"),
        ("<134>", 134, "local0", "info"),
        ("<142>", 142, "local1", "info"),
        ("<150>", 150, "local2", "info"),
        ("<158>", 158, "local3", "info"),
        ("<166>", 166, "local4", "info"),
        ("<174>", 174, "local5", "info"),
        ("<182>", 182, "local6", "info"),
        ("<191>", 191, "local7", "debug"),
        // Leading zeros are accepted (1*3DIGIT): see parse_pri.
        ("<00>", 0, "kern", "emerg"),
        ("<013>", 13, "user", "notice"),
        ("<000>", 0, "kern", "emerg"),
    ];
    for &(prefix, value, facility, severity) in cases {
        let line = format!("{prefix}x");
        let p = ok(&line).priority.expect("a priority");
        assert_eq!(p.value(), value, "{prefix}");
        assert_eq!(p.facility, value / 8);
        assert_eq!(p.severity, value % 8);
        assert_eq!((p.facility_name(), p.severity_name()), (facility, severity), "{prefix}");
    }
    assert_eq!(Priority::from_value(192), None);
    let odd = Priority {
        facility: 40,
        severity: 9,
    };
    assert_eq!((odd.facility_name(), odd.severity_name()), ("unknown", "unknown"));
    let _ = odd.value(); // must not panic
}

#[test]
fn raw_lines() {
    check(
        &[
            Case {
                line: "hello world",
                msg: "hello world",
                ..RAW
            },
            Case {
                line: "Nov 22 23:16:24 host app: no PRI",
                msg: "Nov 22 23:16:24 host app: no PRI",
                ..RAW
            },
            Case {
                line: "1 2026-11-23T00:00:00Z h a - - - no PRI",
                msg: "1 2026-11-23T00:00:00Z h a - - - no PRI",
                ..RAW
            },
            Case {
                line: "<13>hello",
                pri: Some(13),
                msg: "hello",
                ..RAW
            },
            Case {
                line: "<13>  spaced",
                pri: Some(13),
                msg: "  spaced",
                ..RAW
            },
            Case {
                line: "<13>",
                pri: Some(13),
                ..RAW
            },
            Case {
                line: "<13>1",
                pri: Some(13),
                msg: "1",
                ..RAW
            },
            Case {
                line: "<13>1x",
                pri: Some(13),
                msg: "1x",
                ..RAW
            },
            Case {
                line: "<13>0 - - -",
                pri: Some(13),
                msg: "0 - - -",
                ..RAW
            },
            Case {
                line: "<13>01 - - -",
                pri: Some(13),
                msg: "01 - - -",
                ..RAW
            },
            Case {
                line: "<13>1234 x",
                pri: Some(13),
                msg: "1234 x",
                ..RAW
            },
            Case {
                line: "<13>November rain",
                pri: Some(13),
                msg: "November rain",
                ..RAW
            },
            Case {
                line: "<13>Nov 99 23:16:24 h a: x",
                pri: Some(13),
                msg: "Nov 99 23:16:24 h a: x",
                ..RAW
            },
            Case {
                line: "<13>Feb 30 23:16:24 h a: x",
                pri: Some(13),
                msg: "Feb 30 23:16:24 h a: x",
                ..RAW
            },
            Case {
                line: "<13>Nov 22 2316:24 h",
                pri: Some(13),
                msg: "Nov 22 2316:24 h",
                ..RAW
            },
            Case {
                line: "<13>Nov 22 23:16:24x h",
                pri: Some(13),
                msg: "Nov 22 23:16:24x h",
                ..RAW
            },
            Case {
                line: "<13>2026-13-01T00:00:00 h a: x",
                pri: Some(13),
                msg: "2026-13-01T00:00:00 h a: x",
                ..RAW
            },
            Case {
                line: "   ",
                msg: "   ",
                ..RAW
            },
            Case {
                line: "ünïcode ✓",
                msg: "ünïcode ✓",
                ..RAW
            },
        ],
        &opts(),
    );
}

const BSD: Case = Case {
    flavor: Flavor::Rfc3164,
    pri: Some(13),
    ..RAW
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
    let at = |now: DateTime<Utc>, seconds: i32| ParseOptions {
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
        let m = parse(line, &paris).expect("parses");
        assert_eq!(ts_string(m.timestamp).as_deref(), Some(*want), "{line:?}");
    }
    let ny = ParseOptions {
        rfc3164_zone: zone(-5 * 3600),
        ..opts()
    };
    let m = parse("<13>Nov 22 23:16:24 h a: x", &ny).expect("parses");
    assert_eq!(ts_string(m.timestamp).as_deref(), Some("2026-11-23T04:16:24Z"));
}

#[test]
fn invalid_inputs_give_exact_errors() {
    let header = |s: &str| SyslogError::Header(s.to_owned());
    let sd = |s: &str| SyslogError::StructuredData(s.to_owned());
    let pri = |s: &str| SyslogError::Pri(s.to_owned());
    let ts = |v: &str, r: &str| SyslogError::Timestamp {
        value: v.to_owned(),
        reason: r.to_owned(),
    };
    let cases: Vec<(&str, SyslogError)> = vec![
        ("", SyslogError::Empty),
        ("\n", SyslogError::Empty),
        ("\r\n", SyslogError::Empty),
        ("\0", SyslogError::Empty),
        // PRI
        ("<", pri("expected a digit after '<', found end of input")),
        ("<>x", pri("expected a digit after '<', found '>'")),
        ("<html>", pri("expected a digit after '<', found 'h'")),
        ("<é>", pri("expected a digit after '<', found 'é'")),
        ("<13", pri("expected '>' after \"<13\"")),
        ("<13 x", pri("expected '>' after \"<13\"")),
        ("<1000>1 - - - - - -", pri("\"<1000...\" has more than 3 digits")),
        ("<0013>x", pri("\"<0013...\" has more than 3 digits")),
        ("<192>1 - - - - - -", pri("<192> is above 191")),
        ("<999>x", pri("<999> is above 191")),
        // TIMESTAMP
        (
            "<13>1 2026-11-23 00:00:00Z h a - - -",
            ts("2026-11-23", "expected 'T' at byte 10"),
        ),
        (
            "<13>1 26-11-23T00:00:00Z h a - - -",
            ts("26-11-23T00:00:00Z", "expected 4-digit year at byte 0"),
        ),
        (
            "<13>1 2026-11-23T0:00:00Z - - - - -",
            ts("2026-11-23T0:00:00Z", "expected 2-digit hour at byte 11"),
        ),
        (
            "<13>1 2026-11-23T00:00:00.Z - - - - -",
            ts("2026-11-23T00:00:00.Z", "expected 1 to 9 fractional digits, found 0"),
        ),
        (
            "<13>1 2026-11-23T00:00:00.1234567890Z - - - - -",
            ts(
                "2026-11-23T00:00:00.1234567890Z",
                "expected 1 to 9 fractional digits, found 10",
            ),
        ),
        (
            "<13>1 2026-02-29T00:00:00Z - - - - -",
            ts("2026-02-29T00:00:00Z", "2026-02-29 is not a date"),
        ),
        (
            "<13>1 2026-11-23T24:00:00Z - - - - -",
            ts("2026-11-23T24:00:00Z", "time 24:00:00 is out of range"),
        ),
        (
            "<13>1 2026-11-23T00:00:61Z - - - - -",
            ts("2026-11-23T00:00:61Z", "time 00:00:61 is out of range"),
        ),
        (
            "<13>1 2026-11-23T00:00:00+0100 - - - - -",
            ts("2026-11-23T00:00:00+0100", "expected ':' in the offset at byte 22"),
        ),
        (
            "<13>1 2026-11-23T00:00:00+01:60 - - - - -",
            ts("2026-11-23T00:00:00+01:60", "offset 01:60 is out of range"),
        ),
        (
            "<13>1 2026-11-23T00:00:00Zjunk - - - - -",
            ts(
                "2026-11-23T00:00:00Zjunk",
                "unexpected text after the offset at byte 20",
            ),
        ),
        (
            "<13>1 2026-11-23T00:00:00GMT - - - - -",
            ts(
                "2026-11-23T00:00:00GMT",
                "expected 'Z', '+hh:mm' or '-hh:mm' at byte 19",
            ),
        ),
        ("<13>1 hello world", ts("hello", "expected 4-digit year at byte 0")),
        ("<13>1 ", ts("", "empty TIMESTAMP (two spaces in a row?)")),
        ("<13>1  - - - - -", ts("", "empty TIMESTAMP (two spaces in a row?)")),
        // Header fields
        ("<13>1 -", header("missing HOSTNAME: the header ends before it")),
        ("<13>1 - host", header("missing APP-NAME: the header ends before it")),
        (
            "<13>1 - host app pid",
            header("missing MSGID: the header ends before it"),
        ),
        (
            "<13>1 -  host app - - -",
            header("empty HOSTNAME (two spaces in a row?)"),
        ),
        ("<13>1 - host app  - - -", header("empty PROCID (two spaces in a row?)")),
        (
            "<13>1 - hé app - - -",
            header("HOSTNAME \"hé\" contains 'é', not printable US-ASCII"),
        ),
        (
            "<13>1 - h a\tb - - -",
            header("APP-NAME \"a\\tb\" contains '\\t', not printable US-ASCII"),
        ),
        // STRUCTURED-DATA
        ("<13>1 - - - - - x", sd("expected '-' or '[' after MSGID, found 'x'")),
        ("<13>1 - - - - -  x", sd("expected '-' or '[' after MSGID, found ' '")),
        (
            "<13>1 - - - - - -x",
            sd("expected SP or end of message after STRUCTURED-DATA, found 'x'"),
        ),
        (
            "<13>1 - - - - - [a@1]x",
            sd("expected SP or end of message after STRUCTURED-DATA, found 'x'"),
        ),
        (
            "<13>1 - - - - - [a@1",
            sd("unterminated SD element [a@1: missing ']' at the end of the message"),
        ),
        (
            "<13>1 - - - - - [a@1 x=\"1\"",
            sd("unterminated SD element [a@1: missing ']' at the end of the message"),
        ),
        (
            "<13>1 - - - - - [a@1 x=\"1] msg",
            sd("unterminated PARAM-VALUE of \"x\" in SD element [a@1: missing closing '\"'"),
        ),
        (
            "<13>1 - - - - - [a@1 x=\"1\\\"]",
            sd("unterminated PARAM-VALUE of \"x\" in SD element [a@1: missing closing '\"'"),
        ),
        (
            "<13>1 - - - - - [a@1 x=1]",
            sd("expected '\"' after \"x=\" in SD element [a@1, found '1'"),
        ),
        (
            "<13>1 - - - - - [a@1 x]",
            sd("expected '=' after PARAM-NAME \"x\" in SD element [a@1, found ']'"),
        ),
        (
            "<13>1 - - - - - [a@1 x",
            sd("expected '=' after PARAM-NAME \"x\" in SD element [a@1, found end of message"),
        ),
        (
            "<13>1 - - - - - [a@1 =\"1\"]",
            sd("expected PARAM-NAME in SD element [a@1, found '='"),
        ),
        (
            "<13>1 - - - - - [a@1 x=\"1\"y=\"2\"]",
            sd("expected SP or ']' in SD element [a@1, found 'y'"),
        ),
        (
            "<13>1 - - - - - [a\"b]",
            sd("expected SP or ']' in SD element [a, found '\"'"),
        ),
        ("<13>1 - - - - - []", sd("expected SD-ID after '[', found ']'")),
        ("<13>1 - - - - - [ a]", sd("expected SD-ID after '[', found ' '")),
        ("<13>1 - - - - - [é]", sd("expected SD-ID after '[', found 'é'")),
        (
            "<13>1 - - - - - [",
            sd("expected SD-ID after '[', found end of message"),
        ),
        (
            "<13>1 - - - - - [abcdefghijabcdefghijabcdefghij@12]",
            sd("SD-ID \"abcdefghijabcdefghijabcdefghij@12\" is longer than 32 characters"),
        ),
        (
            "<13>1 - - - - - [a@1 abcdefghijabcdefghijabcdefghijklm=\"v\"]",
            sd("PARAM-NAME \"abcdefghijabcdefghijabcdefghijklm\" is longer than 32 characters"),
        ),
    ];
    for (line, want) in cases {
        assert_eq!(parse(line, &opts()), Err(want), "{line:?}");
    }
}

#[test]
fn error_messages_display() {
    let cases: &[(&str, &str)] = &[
        ("", "empty message"),
        ("<192>x", "invalid PRI: <192> is above 191"),
        (
            "<13>1 - h",
            "invalid RFC 5424 header: missing APP-NAME: the header ends before it",
        ),
        (
            "<13>1 2026-11-23 - - - - -",
            "invalid RFC 5424 timestamp \"2026-11-23\": expected 'T' at byte 10",
        ),
        (
            "<13>1 - - - - - [a",
            "invalid structured data: unterminated SD element [a: missing ']' at the end of the message",
        ),
    ];
    for (line, want) in cases {
        let e = parse(line, &opts()).expect_err("invalid");
        assert_eq!(e.to_string(), *want);
    }
}

#[test]
fn format_structured_data_round_trips() {
    let canonical = [
        r#"[a@1 x="1" q="v\"q\]\\"][SEKOIA@53288 intake_key="KEY"][b@2][c@3 lit="a\\nb" u="é✓" e=""]"#,
        "[x@1]",
        r#"[meta@32473 k="v\"q\]\\"]"#,
    ];
    for sd in canonical {
        let line = format!("<13>1 - - - - - {sd} msg");
        let m = ok(&line);
        assert_eq!(format_structured_data(&m.structured_data), sd);
    }
    // A backslash before another character is kept on parse and escaped on output: the text
    // differs from the input, the data does not.
    let m = ok(r#"<13>1 - - - - - [a@1 k="a\nb]c"]"#);
    let formatted = format_structured_data(&m.structured_data);
    assert_eq!(formatted, r#"[a@1 k="a\\nb\]c"]"#);
    let again = format!("<13>1 - - - - - {formatted}");
    assert_eq!(ok(&again).structured_data, m.structured_data);

    // Removing the intake-key element leaves the rest for metadata; nothing left gives "".
    let m = ok(r#"<13>1 - - - - - [a@1 x="1"][SEKOIA@53288 intake_key="KEY"][b@2 y="2"] m"#);
    let key = m.structured_data.iter().find(|e| e.id == "SEKOIA@53288");
    assert_eq!(key.and_then(|e| e.param("intake_key")), Some("KEY"));
    let rest: Vec<_> = m
        .structured_data
        .iter()
        .filter(|e| e.id != "SEKOIA@53288")
        .cloned()
        .collect();
    assert_eq!(format_structured_data(&rest), r#"[a@1 x="1"][b@2 y="2"]"#);
    assert_eq!(format_structured_data(&[]), "");
}

/// A small deterministic PRNG (xorshift64*), so the fuzz tests need no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Parses and checks that everything borrowed points into `line` (so no slicing went astray).
fn parse_and_check_borrows(line: &str) {
    let Ok(m) = parse(line, &opts()) else {
        return;
    };
    let range = line.as_ptr() as usize..=line.as_ptr() as usize + line.len();
    let inside = |part: &str| {
        part.is_empty()
            || range.contains(&(part.as_ptr() as usize)) && range.contains(&(part.as_ptr() as usize + part.len()))
    };
    let fields = [m.hostname, m.app_name, m.procid, m.msgid];
    assert!(fields.iter().flatten().all(|f| inside(f)), "{line:?}");
    assert!(inside(m.msg), "{line:?}");
    for e in &m.structured_data {
        assert!(inside(e.id), "{line:?}");
        for p in &e.params {
            assert!(inside(p.name), "{line:?}");
            if let Cow::Borrowed(v) = p.value {
                assert!(inside(v), "{line:?}");
            }
        }
    }
}

const SEEDS: &[&str] = &[
    "<13>1 2026-11-23T00:33:57.654062+00:00 vm myapp - LOG [SEKOIA@53288 intake_key=\"KEY\"] hello \"quoted\" and ] bracket \\ backslash\n",
    "<38>1 2026-11-23T00:34:11+00:00 localhost prg00000 1234 - [SEKOIA@53288 intake_key=\"KEY\"] \u{feff}seq: 0000000000\n",
    r#"<134>1 2024-01-01T00:00:00.000Z web00 nginx 4242 ACCESS [meta@32473 k="v\"q\]\\"][b@2 u="é✓"] user=alice000"#,
    "<38>2026-11-23T00:34:13 localhost prg00000[1234]: seq: 0000000000",
    "<30>Nov  2 03:04:05 host sshd[1234]: Accepted ünïcode ✓",
    "<13>Dec 31 23:59:59.999 sshd[1]: x",
    "<13>1 - - - - - -",
];

#[test]
fn fuzz_random_bytes_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    const BIASED: &[u8] = b"<>[]\"\\= -:.T+Z0123456789NovJan\n\r\0";
    for _ in 0..20_000 {
        let len = rng.below(80);
        let mut bytes: Vec<u8> = Vec::with_capacity(len + 8);
        if rng.below(2) == 0 {
            bytes.extend_from_slice(b"<13>1 ");
        }
        for _ in 0..len {
            let byte = match rng.below(4) {
                0 => rng.next() as u8,
                _ => BIASED[rng.below(BIASED.len())],
            };
            bytes.push(byte);
        }
        parse_and_check_borrows(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn fuzz_mutated_valid_lines_never_panic() {
    const PIECES: &[&str] = &[
        "<",
        ">",
        "[",
        "]",
        "\"",
        "\\",
        " ",
        "  ",
        "=",
        "-",
        "é",
        "✓",
        "\u{feff}",
        "1",
        "0",
        ":",
        "T",
        "Z",
        "+",
        "\n",
        "\0",
        "191",
        "Nov ",
        "[a@1 x=\"",
        "\\\"",
        "𝄞",
    ];
    let mut rng = Rng(42);
    for _ in 0..20_000 {
        let seed = SEEDS[rng.below(SEEDS.len())];
        let mut chars: Vec<char> = seed.chars().collect();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(chars.len() + 1);
            match rng.below(4) {
                0 => {
                    let piece = PIECES[rng.below(PIECES.len())];
                    chars.splice(at..at, piece.chars());
                }
                1 if at < chars.len() => {
                    chars.remove(at);
                }
                2 if at < chars.len() => chars[at] = PIECES[rng.below(PIECES.len())].chars().next().unwrap_or('x'),
                _ => chars.truncate(at),
            }
        }
        parse_and_check_borrows(&chars.iter().collect::<String>());
    }
    // Every prefix and suffix of every seed, cut at char boundaries.
    for seed in SEEDS {
        for (i, _) in seed.char_indices() {
            parse_and_check_borrows(&seed[..i]);
            parse_and_check_borrows(&seed[i..]);
        }
    }
}
