use super::*;
use crate::event::Protocol;

fn event(client: Option<i64>) -> Event {
    let at = |s: i64| DateTime::from_timestamp(s, 0).expect("in range");
    Event {
        client_time: client.map(at),
        ..Event::new("x".into(), at(1_763_851_497), Protocol::Https)
    }
}

const RECEIVED: &str = "2025-11-22T22:44:57Z";

fn ok(json: &str, ev: &Event) -> (serde_json::Value, Option<i64>) {
    let out = finalize(Ok(json.to_string()), ev, 1 << 20);
    let normalized = out.normalized.expect("accepted");
    (
        serde_json::from_str(&normalized).expect("valid JSON"),
        out.event_time_us,
    )
}

#[test]
fn missing_timestamp_is_set_from_reception_time() {
    let (v, t) = ok(r#"{"message":"m"}"#, &event(None));
    assert_eq!(v["@timestamp"], RECEIVED);
    assert_eq!(v["message"], "m");
    assert_eq!(t, Some(1_763_851_497_000_000));
}

#[test]
fn missing_timestamp_prefers_client_time() {
    let (v, _) = ok("{}", &event(Some(0)));
    assert_eq!(v, serde_json::json!({"@timestamp": "1970-01-01T00:00:00Z"}));
}

#[test]
fn other_formats_are_rewritten_to_rfc3339_utc() {
    let (v, t) = ok(r#"{"@timestamp":"2026-11-22T23:44:57+01:00","a":1}"#, &event(None));
    assert_eq!(v["@timestamp"], "2026-11-22T22:44:57Z");
    assert_eq!(v["a"], 1);
    assert_eq!(t, Some(1_795_387_497_000_000));
    let (v, _) = ok(r#"{"@timestamp":1795387497000}"#, &event(None));
    assert_eq!(v["@timestamp"], "2026-11-22T22:44:57Z");
}

#[test]
fn canonical_timestamp_is_kept_byte_for_byte() {
    let json = r#"{"@timestamp":"2026-11-22T22:44:57Z","b":[1,2]}"#;
    let out = finalize(Ok(json.into()), &event(None), 1 << 20);
    assert_eq!(out.normalized.as_deref(), Ok(json));
}

#[test]
fn null_timestamp_means_unknown() {
    let (v, _) = ok(r#"{"@timestamp":null}"#, &event(Some(10)));
    assert_eq!(v["@timestamp"], "1970-01-01T00:00:10Z");
}

#[test]
fn bad_outputs_are_rejected_with_a_reason() {
    let ev = event(None);
    let reason = |json: &str| finalize(Ok(json.into()), &ev, 64).normalized.expect_err("rejected");
    assert_eq!(reason("[1,2]"), "component returned something other than a JSON object");
    assert!(reason("{\"a\":").starts_with("component returned invalid JSON"));
    assert!(reason(r#"{"@timestamp":"yesterday"}"#).starts_with("@timestamp: unrecognised datetime"));
    assert!(reason(r#"{"@timestamp":true}"#).starts_with("@timestamp: expected a datetime"));
    assert!(reason(&format!("{{\"m\":\"{}\"}}", "x".repeat(100))).contains("over the format's limit of 64"));
}

#[test]
fn component_rejections_pass_through_bounded() {
    let out = finalize(Err("bad line".into()), &event(None), 64);
    assert_eq!(
        out,
        Outcome {
            normalized: Err("bad line".into()),
            event_time_us: None
        }
    );
    let long = finalize(Err("é".repeat(5000)), &event(None), 64)
        .normalized
        .expect_err("rejected");
    assert!(long.len() <= MAX_REASON_BYTES + 3);
    // Both fixture runners read rejections as the host stores them.
    assert_eq!(MAX_REASON_BYTES, fixture_check::MAX_REASON_BYTES);
    assert_eq!(long, fixture_check::truncate_reason("é".repeat(5000)));
}

#[test]
fn dotted_keys_are_stored_nested() {
    let ev = event(None);
    let out = finalize(
        Ok(r#"{"@timestamp":"2026-11-22T23:44:57+01:00","source.ip":"192.0.2.1","source.port":22,"log":{"level":"info"},"log.syslog.hostname":"fw1"}"#.into()),
        &ev,
        1 << 20,
    );
    assert_eq!(
        out.normalized.as_deref(),
        Ok(
            r#"{"@timestamp":"2026-11-22T22:44:57Z","log":{"level":"info","syslog":{"hostname":"fw1"}},"source":{"ip":"192.0.2.1","port":22}}"#
        )
    );
    assert_eq!(out.event_time_us, Some(1_795_387_497_000_000));
    let (v, _) = ok(r#"{"event.kind":"event"}"#, &ev);
    assert_eq!(
        v,
        serde_json::json!({"@timestamp": RECEIVED, "event": {"kind": "event"}})
    );
    let (v, _) = ok(r#"{"@timestamp":null,"a.b":1}"#, &event(Some(10)));
    assert_eq!(
        v,
        serde_json::json!({"@timestamp": "1970-01-01T00:00:10Z", "a": {"b": 1}})
    );
}

#[test]
fn conflicting_fields_reject_the_event_naming_them() {
    let ev = event(None);
    let reason = |json: &str| {
        finalize(Ok(json.into()), &ev, 1 << 20)
            .normalized
            .expect_err("rejected")
    };
    assert_eq!(
        reason(r#"{"source":"x","source.ip":"192.0.2.1"}"#),
        r#"conflicting fields: "source" is a value, and "source.ip" makes it an object"#
    );
    assert_eq!(
        reason(r#"{"user.name":"a","user":{"name":"b"}}"#),
        r#"conflicting fields: "user.name" is given twice"#
    );
    assert_eq!(
        reason(r#"{"@timestamp":1,"@timestamp":2}"#),
        r#"conflicting fields: "@timestamp" is given twice"#
    );
    assert_eq!(
        reason(r#"{"@timestamp.x":1}"#),
        r#"conflicting fields: "@timestamp" is a value, and "@timestamp.x" makes it an object"#
    );
}

/// Found by the `component_output` fuzz target: the general paths copy values as written, and
/// a number serde_json cannot read (out of range) would have been stored.
#[test]
fn documents_that_would_not_read_back_are_rejected() {
    for json in [
        r#"{"a.b":-1.5e+1022}"#,
        r#"{"b":1e400,"a":1}"#,
        r#"{"a.b":1,"c":{"$serde_json::private::RawValue":"1"}}"#,
    ] {
        let out = finalize(Ok(json.to_string()), &event(None), 1 << 20);
        let reason = out.normalized.expect_err(json);
        assert!(
            reason.contains("read back") || reason.contains("reserved"),
            "{json}: {reason}"
        );
    }
    // In range, through the same paths.
    let (v, _) = ok(r#"{"a.b":-1.5e+102,"c":1}"#, &event(None));
    assert_eq!(v["a"]["b"], -1.5e102);
}
