use super::*;
use serde_json::json;

fn one(text: &str) -> Case {
    let mut cases = parse_cases(text, "f.json").expect("valid fixture");
    assert_eq!(cases.len(), 1);
    cases.remove(0)
}

fn pair(t: Time) -> (i64, u32) {
    (t.seconds, t.nanoseconds)
}

#[test]
fn parses_one_case_or_an_array() {
    let case = one(r#"{"input": {"message": "hi"}, "expected": {"message": "hi"}}"#);
    assert_eq!(case.label, "f.json");
    assert_eq!(case.input.raw, "hi");
    assert_eq!(case.expected, json!({"message": "hi"}));
    let cases = parse_cases(
        r#"[{"input": {"message": "a"}, "expected": {}}, {"name": "b", "input": {"message": "b"}, "expected": {}}]"#,
        "f.json",
    )
    .expect("valid fixture");
    let labels: Vec<_> = cases.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["f.json[0]", "f.json[1] (b)"]);
    assert_eq!(cases[1].input.raw, "b");
}

#[test]
fn expected_dotted_keys_are_nested() {
    let case = one(r#"{"input": {"message": "x"}, "expected": {"source.ip": "*", "source": {"port": 22}}}"#);
    assert_eq!(case.expected, json!({"source": {"ip": "*", "port": 22}}));
    let err = parse_cases(
        r#"{"input": {"message": "x"}, "expected": {"a": 1, "a.b": 2}}"#,
        "f.json",
    )
    .expect_err("conflict")
    .to_string();
    assert_eq!(
        err,
        r#"f.json: expected: conflicting fields: "a" is a value, and "a.b" makes it an object"#
    );
}

#[test]
fn refuses_malformed_fixtures() {
    let err = |text: &str| parse_cases(text, "f.json").expect_err("invalid").to_string();
    assert!(err("{").contains("not valid JSON"));
    assert!(err("[]").contains("no cases"));
    assert!(err("3").contains("expected a case object"));
    assert!(err(r#"{"expected": {}}"#).contains("no \"input\""));
    assert!(err(r#"{"input": {"message": "x"}}"#).contains("no \"expected\""));
    assert!(err(r#"{"input": {}, "expected": {}}"#).contains("no \"message\""));
    assert!(err(r#"{"input": {"message": "x"}, "expect": {}}"#).contains("no \"expected\""));
    assert!(err(r#"{"input": {"message": "x"}, "expected": {}, "x": 1}"#).contains("unknown key \"x\""));
    assert!(err(r#"{"input": {"message": "x", "protocol": "ftp"}, "expected": {}}"#).contains("ftp"));
    assert!(err(r#"{"input": {"message": "x", "received_at": "yesterday"}, "expected": {}}"#).contains("RFC 3339"));
    assert!(
        err(r#"{"input": {"message": "x", "log.syslog.facility.code": 300}, "expected": {}}"#).contains("facility")
    );
    assert!(err(r#"{"input": {"message": "x", "k": {"a": 1}}, "expected": {}}"#).contains("\"k\""));
    assert!(err(r#"[{"input": {"message": "x"}, "expected": []}]"#).starts_with("f.json[0]: "));
}

#[test]
fn reads_the_envelope() {
    let plain = one(r#"{"input": {"message": "m", "X-Forwarded-For": "1.2.3.4", "n": 5}, "expected": {}}"#).input;
    assert_eq!(plain.protocol, Protocol::Https);
    assert!(plain.syslog.is_none() && plain.client_time.is_none() && plain.source_address.is_none());
    assert_eq!(pair(plain.received_at), (1_767_225_600, 0));
    assert_eq!(
        plain.metadata,
        [
            ("X-Forwarded-For".to_string(), "1.2.3.4".to_string()),
            ("n".into(), "5".into())
        ]
    );
    let syslog = one(
        r#"{"input": {"message": "m", "received_at": "2024-05-01T14:00:00.5+02:00",
            "client_time": "2024-05-01T11:59:59Z", "source_address": "192.0.2.1:514",
            "log.syslog.facility.code": 4, "log.syslog.severity.code": "6", "log.syslog.version": 1,
            "log.syslog.hostname": "fw1", "log.syslog.appname": "sshd", "log.syslog.procid": "42",
            "log.syslog.msgid": "ID1", "log.syslog.structured_data": "[a@1 b=\"c\"]"}, "expected": {}}"#,
    )
    .input;
    assert_eq!(syslog.protocol, Protocol::Syslog);
    assert_eq!(pair(syslog.received_at), (1_714_564_800, 500_000_000));
    assert_eq!(
        syslog.fallback_time(),
        Time {
            seconds: 1_714_564_799,
            nanoseconds: 0
        }
    );
    assert_eq!(syslog.source_address.as_deref(), Some("192.0.2.1:514"));
    assert!(syslog.metadata.is_empty());
    let h = syslog.syslog.expect("a syslog header");
    assert_eq!((h.facility, h.severity, h.version), (Some(4), Some(6), Some(1)));
    assert_eq!(
        (
            h.hostname.as_deref(),
            h.app_name.as_deref(),
            h.procid.as_deref(),
            h.msgid.as_deref()
        ),
        (Some("fw1"), Some("sshd"), Some("42"), Some("ID1"))
    );
    assert_eq!(h.structured_data.as_deref(), Some("[a@1 b=\"c\"]"));
    let relp = one(r#"{"input": {"message": "m", "protocol": "relp"}, "expected": {}}"#).input;
    assert_eq!(relp.protocol, Protocol::Relp);
    assert!(relp.syslog.is_some());
    // `log.source.address` is not the envelope's address but a metadata pair.
    let ecs = one(r#"{"input": {"message": "m", "log.source.address": "192.0.2.1:514"}, "expected": {}}"#).input;
    assert!(ecs.source_address.is_none());
    assert_eq!(
        ecs.metadata,
        [("log.source.address".to_string(), "192.0.2.1:514".to_string())]
    );
}

#[test]
fn parses_rfc3339_as_chrono_does() {
    assert_eq!(parse_rfc3339(DEFAULT_RECEIVED_AT).map(pair), Ok((1_767_225_600, 0)));
    assert_eq!(parse_rfc3339("1970-01-01t00:00:00z").map(pair), Ok((0, 0)));
    assert_eq!(
        parse_rfc3339("1969-12-31 23:59:59.123456789123-00:00").map(pair),
        Ok((-1, 123_456_789))
    );
    assert_eq!(
        parse_rfc3339("2024-02-29T14:00:00.25+02:30").map(pair),
        Ok((1_709_206_200, 250_000_000))
    );
    assert_eq!(
        parse_rfc3339("2024-05-01T14:00:00\u{2212}01:00").map(pair),
        Ok((1_714_575_600, 0))
    );
    assert_eq!(
        parse_rfc3339("2016-12-31T23:59:60Z").map(pair),
        Ok((1_483_228_799, 1_000_000_000))
    );
    for bad in [
        "2024-05-01",
        "2024-05-01T12:00:00",
        "2024-05-01T12:00:00.Z",
        "2023-02-29T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "2024-05-01T24:00:00Z",
        "2024-05-01T12:00:00+24:00",
        "2024-05-01T12:00:00+0200",
        "2024-05-01T12:00:00Z ",
        "yesterday at noon",
    ] {
        assert!(parse_rfc3339(bad).is_err(), "{bad}");
    }
}

#[test]
fn diffs_field_by_field_dotted_or_nested() {
    let expected = edge_ecs::nest_value(json!({"a": 1, "b": "x", "c": "*", "d": {"e": [1, 2], "f.g": true}, "h": 1.0}))
        .expect("no conflict");
    let same = outcome_value(Ok(
        json!({"a": 1, "b": "x", "c": null, "d.e": [1, 2], "d": {"f": {"g": true}}, "h": 1}),
    ));
    assert!(diff(&expected, &same).is_empty());
    let found = diff(
        &expected,
        &outcome_value(Ok(
            json!({"a": 2, "d": {"e": [1, 3, 4], "f.g": true, "z": 0}, "h": 1, "x.y": {"z": "y"}}),
        )),
    );
    let text: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        [
            "different value at a: expected 1, got 2",
            "missing field b: expected \"x\"",
            "missing field c: expected \"*\"",
            "different value at d.e[1]: expected 2, got 3",
            "unexpected field d.e[2]: 4",
            "unexpected field d.z: 0",
            "unexpected field x.y.z: \"y\"",
        ]
    );
    let odd = diff(&json!({"d": {"k e y": 1}}), &json!({"d": {"k e y": 2}}));
    assert_eq!(odd[0].to_string(), "different value at d[\"k e y\"]: expected 1, got 2");
    assert_eq!(
        diff(&json!({"n": 9007199254740993_u64}), &json!({"n": 9007199254740992_u64})).len(),
        1
    );
}

#[test]
fn outcomes_are_nested_or_rejections_cut_as_the_host_cuts() {
    assert_eq!(outcome_value(Err("bad".into())), json!({"error": "bad"}));
    assert_eq!(
        outcome_value(Ok(json!({"a": 1, "a.b": 2}))),
        json!({"error": "conflicting fields: \"a\" is a value, and \"a.b\" makes it an object"})
    );
    let long = "é".repeat(MAX_REASON_BYTES);
    assert_eq!(
        outcome_value(Err(long))["error"],
        json!("é".repeat(MAX_REASON_BYTES / 2) + "…")
    );
    let any = json!({"error": "*"});
    assert!(diff(&any, &json!({"error": "a very long reason…"})).is_empty());
    let normalized = diff(&any, &json!({"message": "x", "@timestamp": "2026-01-01T00:00:00Z"}));
    assert_eq!(normalized.len(), 3, "{normalized:?}");
    assert_eq!(normalized[0].to_string(), "missing field error: expected \"*\"");
}

#[test]
fn blessing_writes_dotted_names_and_keeps_matching_timestamps() {
    let actual = json!({"m": {"n": 1, "o": {}}, "@timestamp": "1970-01-01T00:00:00Z"});
    let kept = bless_expected(&json!({"@timestamp": "1970-01-01T00:00:00Z"}), actual.clone(), &[]);
    assert_eq!(kept, json!({"m.n": 1, "m.o": {}, "@timestamp": "1970-01-01T00:00:00Z"}));
    let differences = diff(&json!({"@timestamp": "2000-01-01T00:00:00Z"}), &actual);
    assert_eq!(
        bless_expected(&json!({}), actual, &differences),
        json!({"m.n": 1, "m.o": {}, "@timestamp": "*"})
    );
    let document = json!([
        {"name": "n", "input": {"message": "x"}, "expected": {}},
        {"input": {"message": "y"}, "expected": {}}
    ]);
    assert_eq!(
        fixture_text(&document),
        "[\n  {\n    \"name\": \"n\",\n    \"input\": {\n      \"message\": \"x\"\n    },\n    \"expected\": {}\n  },\n  {\n    \"input\": {\n      \"message\": \"y\"\n    },\n    \"expected\": {}\n  }\n]\n"
    );
}

#[test]
fn checks_a_directory_reporting_every_failing_case() {
    let dir = std::env::temp_dir().join(format!("fixture-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("valid test input");
    std::fs::write(
        dir.join("a.json"),
        r#"[{"name": "ok", "input": {"message": "x"}, "expected": {"message": "x", "log.level": "*", "event.outcome": "success", "t.x": 1}},
            {"name": "ko", "input": {"message": "y"}, "expected": {"message": "x"}}]"#,
    )
    .expect("valid test input");
    std::fs::write(dir.join("b.json"), r#"{"input": {"message": 1}, "expected": {}}"#).expect("valid test input");
    std::fs::write(dir.join("ignored.txt"), "not a fixture").expect("valid test input");
    std::fs::write(
        dir.join("c.json"),
        r#"{"input": {"message": "z"}, "expected": {"message": "z", "log.level": "info"}}"#,
    )
    .expect("valid test input");
    let run = |input: &Input| {
        let outcome = if input.raw == "z" { "success?" } else { "success" };
        outcome_value(Ok(
            json!({"message": input.raw, "log.level": "info", "event.outcome": outcome, "t.x": 1}),
        ))
    };
    let failures = check_dir(dir.to_str().expect("valid test input"), "t", run).expect_err("failures");
    std::fs::remove_dir_all(&dir).expect("valid test input");
    assert_eq!(failures.len(), 3, "{failures:?}");
    assert!(
        failures[0].ends_with("a.json[1] (ko):\n  different value at message: expected \"x\", got \"y\"\n  unexpected field event.outcome: \"success\"\n  unexpected field log.level: \"info\"\n  unexpected field t.x: 1\n  got {\"event\":{\"outcome\":\"success\"},\"log\":{\"level\":\"info\"},\"message\":\"y\",\"t\":{\"x\":1}}"),
        "{}",
        failures[0]
    );
    assert!(
        failures[1].ends_with("b.json: input: \"message\" must be a string"),
        "{}",
        failures[1]
    );
}
