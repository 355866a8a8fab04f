//! The native fixture runner: a format crate's `cargo test` runs its `tests/fixtures/*.json`
//! through `normalize_one` without building wasm ([`check_fixtures`], [`crate::fixtures_test!`]).
//!
//! The fixture files, their parsing, the comparison (dotted and nested keys are the same field)
//! and the report are the `fixture-check` crate's, which `intake-edge formats test` uses too
//! (see its documentation, re-exported here, for the keys of `input` and `expected`).
//!
//! The host's own step is applied as far as it can be without the host ([`outcome_value`]):
//! the document is nested as the host nests it (a conflict is a rejection), rejection reasons
//! are cut to [`MAX_REASON_BYTES`]; a missing or `null` `@timestamp` becomes the client time,
//! else the reception time, and an RFC 3339 `@timestamp` is rewritten to the host's canonical
//! form (`…T12:00:00Z`, `…T12:00:00.250000Z`). Other datetime forms (epoch numbers, other
//! layouts) are compared as the component wrote them, and only the host rejects an unreadable
//! one: expect `"*"` there, or run `intake-edge formats test`.

use crate::{format_rfc3339, Event, Fields, Protocol, SyslogHeader, Timestamp, Value, TIMESTAMP};
pub use fixture_check::{diff, Case, Difference, Input, ANY, DEFAULT_RECEIVED_AT, MAX_REASON_BYTES, SYSLOG_KEYS};

/// An event as a test builds it: `raw` sent over HTTPS at `received_at` (seconds since the Unix
/// epoch), with no client time and no envelope. Unit tests of format crates start from this.
pub fn https_event(raw: &str, received_at: i64) -> Event {
    Event {
        raw: raw.into(),
        received_at: Timestamp {
            seconds: received_at,
            nanoseconds: 0,
        },
        client_time: None,
        protocol: Protocol::Https,
        source_address: None,
        syslog: None,
        metadata: Vec::new(),
    }
}

/// Parses a fixture: one case object or an array of them. `file` names it in labels and errors.
pub fn parse_cases(text: &str, file: &str) -> Result<Vec<Case>, String> {
    fixture_check::parse_cases(text, file).map_err(|e| e.to_string())
}

/// The event the host would hand the component for a fixture's `input` (see
/// [`fixture_check`] for the keys).
pub fn event_from_input(input: &Fields) -> Result<Event, String> {
    fixture_check::parse_input(input.clone()).map(|input| event_of(&input))
}

/// Parses an RFC 3339 date-time as the host does (chrono's `parse_from_rfc3339`; see
/// [`fixture_check::parse_rfc3339`]).
pub fn parse_rfc3339(text: &str) -> Result<Timestamp, &'static str> {
    fixture_check::parse_rfc3339(text).map(|t| Timestamp {
        seconds: t.seconds,
        nanoseconds: t.nanoseconds,
    })
}

/// The SDK's event for a parsed input.
pub fn event_of(input: &Input) -> Event {
    let time = |t: fixture_check::Time| Timestamp {
        seconds: t.seconds,
        nanoseconds: t.nanoseconds,
    };
    Event {
        raw: input.raw.clone(),
        received_at: time(input.received_at),
        client_time: input.client_time.map(time),
        protocol: match input.protocol {
            fixture_check::Protocol::Https => Protocol::Https,
            fixture_check::Protocol::Syslog => Protocol::Syslog,
            fixture_check::Protocol::Relp => Protocol::Relp,
            fixture_check::Protocol::Poll => Protocol::Poll,
        },
        source_address: input.source_address.clone(),
        syslog: input.syslog.clone().map(|h| SyslogHeader {
            facility: h.facility,
            severity: h.severity,
            version: h.version,
            hostname: h.hostname,
            app_name: h.app_name,
            procid: h.procid,
            msgid: h.msgid,
            structured_data: h.structured_data,
        }),
        metadata: input.metadata.clone(),
    }
}

/// The host's canonical `@timestamp`: RFC 3339 UTC with `Z`, no fraction for a whole second,
/// 6 digits for whole microseconds, else 9 (`2026-11-22T22:44:57Z`, `…57.123456Z`).
pub fn canonical_rfc3339(ts: Timestamp) -> String {
    let text = format_rfc3339(ts);
    // format_rfc3339 writes 3, 6 or 9 digits: only the 3-digit (millisecond) form differs.
    match text.rsplit_once('.') {
        Some((head, "000Z")) => format!("{head}Z"),
        Some((head, fraction)) if fraction.len() == 4 => format!("{head}.{}000Z", &fraction[..3]),
        _ => text,
    }
}

/// What a case compares against `expected`, after what the host does to every result (as far
/// as it can be done natively): `{"error": REASON}` with the reason cut to [`MAX_REASON_BYTES`],
/// or the object nested, with `@timestamp` set from `fallback` (the client time, else the reception
/// time) when missing or `null`, and rewritten to [`canonical_rfc3339`] when it is RFC 3339.
pub fn outcome_value(result: Result<Fields, String>, fallback: Timestamp) -> Value {
    let mut fields = match result {
        Ok(fields) => fields,
        Err(reason) => return fixture_check::outcome_value(Err(reason)),
    };
    let canonical = match fields.get(TIMESTAMP) {
        None | Some(Value::Null) => Some(canonical_rfc3339(fallback)),
        Some(Value::String(text)) => parse_rfc3339(text).ok().map(canonical_rfc3339),
        Some(_) => None,
    };
    if let Some(canonical) = canonical {
        fields.insert(TIMESTAMP.into(), Value::String(canonical));
    }
    fixture_check::outcome_value(Ok(Value::Object(fields)))
}

/// Runs one case through `normalize` and returns the differences (empty when it passed) and
/// what it produced.
pub fn run_case(case: Case, normalize: fn(Event) -> Result<Fields, String>) -> (Vec<Difference>, Value) {
    let actual = run_input(&case.input, normalize);
    (diff(&case.expected, &actual), actual)
}

fn run_input(input: &Input, normalize: fn(Event) -> Result<Fields, String>) -> Value {
    let fallback = event_of(input);
    let fallback = fallback.client_time.unwrap_or(fallback.received_at);
    outcome_value(normalize(event_of(input)), fallback)
}

/// Runs a format over the fixture files of `dir` (every `*.json`, sorted; see
/// [`fixture_check::check_dir`]) and returns the number of cases, or one message per failing
/// case or unreadable file. Used by the formats' native tests ([`crate::fixtures_test!`]);
/// reading files needs a native target.
///
/// With `EDGE_FIXTURES_BLESS=1` in the environment, each case's `expected` is rewritten to what
/// the format produced, with dotted names (review the diff!). `@timestamp` is kept when it
/// matched, else written as `"*"`: this runner does not interpret every datetime form the host
/// does.
pub fn check_fixtures(dir: &str, normalize: fn(Event) -> Result<Fields, String>) -> Result<usize, Vec<String>> {
    check_fixtures_of(dir, "", normalize)
}

/// [`check_fixtures`] for the format named `namespace`: its own fields (`openssh.*`) are not
/// reported as outside ECS. A categorization value ECS does not allow fails the case; other
/// names outside ECS are warnings on stderr (`cargo test -- --nocapture` shows them).
pub fn check_fixtures_of(
    dir: &str,
    namespace: &str,
    normalize: fn(Event) -> Result<Fields, String>,
) -> Result<usize, Vec<String>> {
    fixture_check::check_dir(dir, namespace, |input| run_input(input, normalize))
}

/// `T::normalize_one`, after checking that `T::normalize` sends the same text for the same
/// event: a format with a batch path of its own (a direct writer, a [`crate::FlatEvent`]) is
/// held to its map path on every fixture. Panics when they differ.
pub fn normalize_one_checked<T: crate::Format>(event: Event) -> Result<Fields, String> {
    let batch = T::normalize(vec![event.clone()]);
    let one = T::normalize_one(event.clone());
    let expected = one.clone().and_then(|fields| crate::to_json_string(&fields, 0));
    // A batch path may keep values as written (`1e2`, `"\u00e9"`) or nest what the host would
    // nest: documents are compared as the host stores them, read as JSON values; rejections
    // as text.
    let as_values = |r: &Result<String, String>| {
        r.as_ref()
            .map(|json| {
                let nested = edge_ecs::Document::parse(json)
                    .map_err(|e| e.to_string())?
                    .into_json()
                    .map_err(|e| e.to_string())?;
                serde_json::from_str::<serde_json::Value>(&nested).map_err(|e| e.to_string())
            })
            .map_err(Clone::clone)
    };
    assert_eq!(batch.len(), 1, "`normalize` gave {} results for one event", batch.len());
    assert_eq!(
        as_values(&batch[0]),
        as_values(&expected),
        "`normalize` and `normalize_one` disagree on {:?}",
        event.raw
    );
    one
}

/// A builtin's catalog entry as `tests/catalog.json` holds it (see `catalog_test!`).
pub fn catalog_entry(name: &str, description: &str, categories: &[String], sample: &str) -> String {
    let entry = serde_json::json!({
        "name": name,
        "description": description,
        "categories": categories,
        "sample": sample,
    });
    let mut text = serde_json::to_string_pretty(&entry).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn one(text: &str) -> Case {
        let mut cases = parse_cases(text, "f.json").expect("valid fixture");
        assert_eq!(cases.len(), 1);
        cases.remove(0)
    }

    fn event(text: &str) -> Event {
        event_of(&one(text).input)
    }

    fn pair(t: Timestamp) -> (i64, u32) {
        (t.seconds, t.nanoseconds)
    }

    fn ts(seconds: i64, nanoseconds: u32) -> Timestamp {
        Timestamp { seconds, nanoseconds }
    }

    /// The reading of `input` is `fixture_check`'s (tested there); this is the mapping to the
    /// SDK's types.
    #[test]
    fn builds_the_event_the_host_would() {
        let syslog = event(
            r#"{"input": {"message": "m", "client_time": "2024-05-01T11:59:59Z", "source_address": "192.0.2.1:514",
                "log.syslog.facility.code": 4, "log.syslog.severity.code": 6, "log.syslog.version": 1,
                "log.syslog.hostname": "fw1", "log.syslog.appname": "sshd", "log.syslog.procid": "42",
                "log.syslog.msgid": "ID1", "log.syslog.structured_data": "[a@1]", "k": "v"}, "expected": {}}"#,
        );
        assert_eq!(syslog.protocol, Protocol::Syslog);
        assert_eq!(
            (pair(syslog.received_at), syslog.client_time.map(pair)),
            ((1_767_225_600, 0), Some((1_714_564_799, 0)))
        );
        assert_eq!(syslog.source_address.as_deref(), Some("192.0.2.1:514"));
        assert_eq!(syslog.metadata, [("k".to_string(), "v".to_string())]);
        let h = syslog.syslog.expect("a syslog header");
        assert_eq!((h.facility, h.severity, h.version), (Some(4), Some(6), Some(1)));
        let names = [h.hostname, h.app_name, h.procid, h.msgid, h.structured_data];
        assert_eq!(
            names.map(Option::unwrap_or_default),
            ["fw1", "sshd", "42", "ID1", "[a@1]"]
        );
        assert_eq!(
            event(r#"{"input": {"message": "m", "protocol": "relp"}, "expected": {}}"#).protocol,
            Protocol::Relp
        );
        assert_eq!(
            event(r#"{"input": {"message": "m", "protocol": "poll"}, "expected": {}}"#).protocol,
            Protocol::Poll
        );
    }

    #[test]
    fn applies_the_hosts_timestamp_and_reason_steps() {
        let at = ts(1_714_564_800, 0);
        let ok = |v: Value| match v {
            Value::Object(fields) => Ok(fields),
            _ => unreachable!(),
        };
        assert_eq!(
            outcome_value(ok(json!({"m": 1})), at),
            json!({"m": 1, "@timestamp": "2024-05-01T12:00:00Z"})
        );
        assert_eq!(
            outcome_value(ok(json!({"@timestamp": null})), ts(1_714_564_800, 250_000_000)),
            json!({"@timestamp": "2024-05-01T12:00:00.250000Z"})
        );
        assert_eq!(
            outcome_value(ok(json!({"@timestamp": "2024-05-01T14:00:00.000+02:00"})), at),
            json!({"@timestamp": "2024-05-01T12:00:00Z"})
        );
        assert_eq!(
            outcome_value(ok(json!({"@timestamp": "2024-05-01T12:00:00.000000001Z"})), at),
            json!({"@timestamp": "2024-05-01T12:00:00.000000001Z"})
        );
        // What only the host interprets is left as the component wrote it.
        assert_eq!(
            outcome_value(ok(json!({"@timestamp": 1714564800})), at),
            json!({"@timestamp": 1714564800})
        );
        assert_eq!(
            outcome_value(ok(json!({"@timestamp": "May  1 12:00:00"})), at),
            json!({"@timestamp": "May  1 12:00:00"})
        );
        assert_eq!(outcome_value(Err("bad".into()), at), json!({"error": "bad"}));
        let long = "é".repeat(MAX_REASON_BYTES);
        let Value::String(cut) = outcome_value(Err(long), at)["error"].take() else {
            unreachable!()
        };
        assert_eq!(cut, "é".repeat(MAX_REASON_BYTES / 2) + "…");
    }

    #[test]
    fn an_error_wildcard_accepts_any_rejection_and_only_rejections() {
        let run = |text: &str| {
            let case = one(text);
            run_case(case, crate::message_event).0
        };
        assert!(run(r#"{"input": {"message": " "}, "expected": {"error": "*"}}"#).is_empty());
        assert!(run(r#"{"input": {"message": " "}, "expected": {"error": "empty event"}}"#).is_empty());
        let wrong = run(r#"{"input": {"message": " "}, "expected": {"error": "other"}}"#);
        assert_eq!(
            wrong[0].to_string(),
            "different value at error: expected \"other\", got \"empty event\""
        );
        let accepted = run(r#"{"input": {"message": "x"}, "expected": {"error": "*"}}"#);
        assert_eq!(accepted.len(), 3, "{accepted:?}");
    }

    #[test]
    fn honours_received_at_and_client_time() {
        let run = |text: &str| run_case(one(text), crate::message_event);
        let (differences, actual) =
            run(r#"{"input": {"message": "x"}, "expected": {"message": "x", "@timestamp": "*"}}"#);
        assert!(differences.is_empty());
        assert_eq!(actual["@timestamp"], json!("2026-01-01T00:00:00Z"));
        let (differences, _) = run(
            r#"{"input": {"message": "x", "received_at": "2024-05-01T12:00:01.250Z"},
                "expected": {"message": "x", "@timestamp": "2024-05-01T12:00:01.250000Z"}}"#,
        );
        assert!(differences.is_empty(), "{differences:?}");
        let (differences, _) = run(
            r#"{"input": {"message": "x", "received_at": "2024-05-01T12:00:01Z", "client_time": "2024-05-01T14:00:00+02:00"},
                "expected": {"message": "x", "@timestamp": "2024-05-01T12:00:00Z"}}"#,
        );
        assert!(differences.is_empty(), "{differences:?}");
    }

    /// `plain` is `message_event`: its fixtures (arrays of cases, `received_at`, `client_time`,
    /// `source_address`, `protocol`, metadata, a rejection) pass here as in the host's runner.
    #[test]
    fn the_plain_fixtures_pass_natively() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../plain/tests/fixtures");
        assert_eq!(check_fixtures(dir, crate::message_event), Ok(5));
    }

    #[test]
    fn nests_as_the_host_does() {
        let fields = |v: Value| match v {
            Value::Object(fields) => fields,
            _ => unreachable!(),
        };
        let at = ts(0, 0);
        assert_eq!(
            outcome_value(Ok(fields(json!({"source.ip": "x", "source": {"port": 1}}))), at),
            json!({"@timestamp": "1970-01-01T00:00:00Z", "source": {"ip": "x", "port": 1}})
        );
        assert_eq!(
            outcome_value(Ok(fields(json!({"a": 1, "a.b": 2}))), at),
            json!({"error": "conflicting fields: \"a\" is a value, and \"a.b\" makes it an object"})
        );
    }
}
