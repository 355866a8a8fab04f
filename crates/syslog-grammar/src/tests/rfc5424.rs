//! RFC 5424 lines: captured senders, the RFC's examples, STRUCTURED-DATA, MSG.

use super::*;

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
                ..BARE
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
                ..BARE
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
            parse(&field(max + 1)),
            Err(ParseError::Header(format!(
                "{name} is {} bytes long, the maximum is {max}",
                max + 1
            )))
        );
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

/// The raw slices beside the parsed values, and the intake-key element recognised.
#[test]
fn raw_timestamp_and_structured_data_and_intake_key() {
    let l = ok("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 \
                [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] \u{feff}An application event");
    assert_eq!(l.timestamp_raw, Some("2003-10-11T22:14:15.003Z"));
    assert_eq!(
        l.structured_data_raw,
        Some("[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]")
    );
    assert_eq!(
        l.sd_element("exampleSDID@32473").and_then(|e| e.param("eventID")),
        Some("1011")
    );
    assert_eq!(l.sd_element("missing@1"), None);
    let l = ok("<13>1 - - - - - - x");
    assert_eq!((l.timestamp_raw, l.structured_data_raw), (None, None));

    let l = ok(r#"<13>1 - - - - - [a@1 x="1"][SEKOIA@53288 intake_key="KEY"][b@2 intake_key="K2"] msg"#);
    let keys: Vec<bool> = l.structured_data.iter().map(SdElement::is_intake_key).collect();
    assert_eq!(keys, [false, true, true]);
}

#[test]
fn structured_data_on_its_own() {
    let elements = parse_structured_data(r#"[a@1 x="1"][b@2]"#).expect("valid");
    assert_eq!(elements.len(), 2);
    assert_eq!(elements[0].param("x"), Some("1"));
    assert_eq!(parse_structured_data("-"), Ok(Vec::new()));
    assert_eq!(parse_structured_data(""), Ok(Vec::new()));
    let err = |s: &str| parse_structured_data(s).expect_err(s).to_string();
    assert_eq!(err("x"), "invalid structured data: expected '-' or '[', found 'x'");
    assert_eq!(
        err("[a@1] tail"),
        "invalid structured data: unexpected ' ' after the last element"
    );
    assert!(err("[a@1 k=\"v]").contains("unterminated PARAM-VALUE"));
}

/// Instants RFC 3339 cannot write (outside the years 0000-9999 in UTC) have no timestamp.
#[test]
fn instants_outside_rfc3339_are_refused() {
    let cases = [
        ("<13>1 0000-01-01T00:00:00Z - - - - -", Some("0000-01-01T00:00:00Z")),
        ("<13>1 0000-01-01T00:00:00+00:01 - - - - -", None),
        (
            "<13>1 9999-12-31T23:59:59.999Z - - - - -",
            Some("9999-12-31T23:59:59.999Z"),
        ),
        ("<13>1 9999-12-31T23:59:59-00:01 - - - - -", None),
        ("<13>0000-01-01T00:00:00+01:00 h a: x", None),
    ];
    for (line, want) in cases {
        assert_eq!(ts(&ok(line)).as_deref(), want, "{line:?}");
    }
    // A zone-less time is in the caller's zone, which can push it out as well.
    let east = ParseOptions {
        rfc3164_zone: 60,
        ..opts()
    };
    assert_eq!(ts_at(&ok("<13>1 0000-01-01T00:00:00 - - - - -"), &east), None);
}
