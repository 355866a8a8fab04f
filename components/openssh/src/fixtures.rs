//! Runs the fixtures in `tests/fixtures/*.json` natively (what `intake-edge formats test` does
//! in the host): `{"input": {"message": raw, "log.syslog.*": header fields,
//! "log.source.address": address, other dotted names: metadata}, "expected": {...}}`.
//! `"@timestamp": "*"` in `expected` means "present": the host always sets it (from the client
//! or reception time when the format leaves it out), so natively it may be absent.

use edge_format_sdk::{serde_json, Event, Fields, Format, Protocol, SyslogHeader, Timestamp, Value};
use std::path::Path;

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn event_from_input(input: &Fields) -> Event {
    let mut header = SyslogHeader {
        facility: None,
        severity: None,
        version: None,
        hostname: None,
        app_name: None,
        procid: None,
        msgid: None,
        structured_data: None,
    };
    let mut has_header = false;
    let mut event = Event {
        raw: String::new(),
        received_at: Timestamp {
            seconds: 1_714_564_800,
            nanoseconds: 0,
        },
        client_time: None,
        protocol: Protocol::Https,
        source_address: None,
        syslog: None,
        metadata: Vec::new(),
    };
    for (key, value) in input {
        let v = text(value);
        let mut header_field = true;
        match key.as_str() {
            "message" => {
                event.raw = v;
                header_field = false;
            }
            "log.source.address" => {
                event.source_address = Some(v);
                header_field = false;
            }
            "log.syslog.hostname" => header.hostname = Some(v),
            "log.syslog.appname" => header.app_name = Some(v),
            "log.syslog.procid" => header.procid = Some(v),
            "log.syslog.msgid" => header.msgid = Some(v),
            "log.syslog.structured_data" => header.structured_data = Some(v),
            "log.syslog.facility.code" => header.facility = v.parse().ok(),
            "log.syslog.severity.code" => header.severity = v.parse().ok(),
            "log.syslog.version" => header.version = v.parse().ok(),
            _ => {
                event.metadata.push((key.clone(), v));
                header_field = false;
            }
        }
        has_header |= header_field;
    }
    if has_header {
        event.syslog = Some(header);
        event.protocol = Protocol::Syslog;
    }
    event
}

/// Runs every fixture of the crate through `F::normalize`; panics listing the failures.
pub fn run<F: Format>() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 8, "at least 8 fixtures, found {}", paths.len());
    let mut failures = Vec::new();
    for path in &paths {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON");
        let input = doc["input"].as_object().expect("input object");
        let mut expected = doc["expected"].as_object().expect("expected object").clone();
        let out = F::normalize(vec![event_from_input(input)]);
        let mut actual: Fields = match &out[0] {
            Ok(text) => serde_json::from_str(text).expect("the format wrote JSON"),
            Err(reason) => {
                failures.push(format!("{}: rejected: {reason}", path.display()));
                continue;
            }
        };
        if expected.get("@timestamp") == Some(&Value::String("*".into())) {
            expected.remove("@timestamp");
            actual.remove("@timestamp");
        }
        if actual != expected {
            failures.push(format!(
                "{}:\n  expected {}\n  actual   {}",
                path.display(),
                Value::Object(expected),
                Value::Object(actual)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
