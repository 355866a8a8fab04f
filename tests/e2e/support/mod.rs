//! What every end-to-end test needs: the binary under test, a test PKI, a running host with its
//! collected log, the real HTTPS clients (curl, Python `requests`) and a few assertions.

mod client;
mod host;
mod pki;

pub use client::python;
pub use host::{bin, component_dir, Host, Log};
pub use pki::Pki;

use serde_json::Value;
use std::time::{Duration, Instant};

/// Keys of the intakes of [`basic_config`] (at least 16 printable characters each).
pub const PLAIN_KEY: &str = "e2e-plain-key-aaaaaaaaaaaaaaaa";
pub const JSON_KEY: &str = "e2e-json-key-bbbbbbbbbbbbbbbbbb";
pub const OTHER_KEY: &str = "e2e-other-key-cccccccccccccccc";

/// Formats `plain` and `json`, and three intakes: `plain-a` (entity `ent-a`, plain),
/// `json-b` (entity `ent-b`, json) and `other-c` (entity `ent-c`, plain).
pub fn basic_config() -> String {
    format!(
        r#"
[formats.plain]
component = "builtin:plain"

[formats.json]
component = "builtin:json"

{}
{}
{}
"#,
        intake("plain-a", "plain", "ent-a", PLAIN_KEY),
        intake("json-b", "json", "ent-b", JSON_KEY),
        intake("other-c", "plain", "ent-c", OTHER_KEY),
    )
}

/// One `[[intake]]` table.
pub fn intake(name: &str, format: &str, entity: &str, key: &str) -> String {
    format!("[[intake]]\nname = \"{name}\"\nformat = \"{format}\"\nentity = \"{entity}\"\nkey = \"{key}\"\n")
}

/// Polls `probe` until it returns `Some`, or panics with `what` after `timeout`.
pub fn poll<T>(what: &str, timeout: Duration, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = probe() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Asserts that `id` is a UUIDv7 in canonical lowercase form.
pub fn assert_uuid_v7(id: &str) {
    let b = id.as_bytes();
    assert_eq!(b.len(), 36, "not a UUID: {id:?}");
    for (i, c) in b.iter().enumerate() {
        if [8, 13, 18, 23].contains(&i) {
            assert_eq!(*c, b'-', "not a UUID: {id:?}");
        } else {
            assert!(
                c.is_ascii_digit() || (b'a'..=b'f').contains(c),
                "not a lowercase UUID: {id:?}"
            );
        }
    }
    assert_eq!(b[14], b'7', "not a version 7 UUID: {id:?}");
    assert!(b"89ab".contains(&b[19]), "not an RFC 4122 variant: {id:?}");
}

/// Asserts that every ID is a UUIDv7 and that they strictly increase (time-ordered, in the order
/// of the events in the request). Canonical lowercase UUIDs sort as their 128-bit values.
pub fn assert_v7_increasing(ids: &[String]) {
    for id in ids {
        assert_uuid_v7(id);
    }
    for pair in ids.windows(2) {
        assert!(
            pair[0] < pair[1],
            "IDs not strictly increasing: {} then {}",
            pair[0],
            pair[1]
        );
    }
}

/// The stored event's fields that every HTTPS event has, checked against expectations.
pub fn assert_event(ev: &Value, id: &str, intake: &str, entity: &str, format: &str, raw: &str) {
    assert_eq!(ev["id"], id, "{ev}");
    assert_eq!(ev["intake"], intake, "{ev}");
    assert_eq!(ev["entity"], entity, "{ev}");
    assert_eq!(ev["format"], format, "{ev}");
    assert_eq!(ev["protocol"], "https", "{ev}");
    assert_eq!(ev["raw"], raw, "{ev}");
    assert!(ev["received_at"].as_str().is_some_and(is_utc_rfc3339), "{ev}");
    // HTTPS envelope metadata, if the host records any: the client's address.
    if let Some(addr) = metadata(ev).get("log.source.address") {
        assert!(addr.as_str().is_some_and(|a| a.starts_with("127.0.0.1:")), "{ev}");
    }
}

/// The stored event's envelope metadata (ECS name → value); empty if none.
pub fn metadata(ev: &Value) -> serde_json::Map<String, Value> {
    match &ev["metadata"] {
        Value::Object(m) => m.clone(),
        Value::Null => serde_json::Map::new(),
        other => panic!("metadata is not an object: {other}"),
    }
}

/// A stored event normalized by `plain`: status ok, `{"message": raw, "@timestamp": event_time}`.
pub fn assert_plain_ok(ev: &Value, raw: &str) {
    assert_eq!(ev["status"], "ok", "{ev}");
    assert_eq!(ev["error"], Value::Null, "{ev}");
    let n = ev["normalized"]
        .as_object()
        .unwrap_or_else(|| panic!("no normalized object: {ev}"));
    // `message`, `@timestamp` and the envelope metadata (dotted ECS names), nothing else.
    let metadata = metadata(ev);
    assert_eq!(n.len(), 2 + metadata.len(), "unexpected fields: {ev}");
    for (k, v) in &metadata {
        assert_eq!(n.get(k), Some(v), "metadata {k} not in the normalized event: {ev}");
    }
    assert_eq!(n["message"], raw, "{ev}");
    assert_same_instant(&n["@timestamp"], &ev["event_time"]);
}

/// A stored event that its component rejected, with a reason containing `reason`.
pub fn assert_rejected(ev: &Value, reason: &str) {
    assert_eq!(ev["status"], "error", "{ev}");
    assert_eq!(ev["normalized"], Value::Null, "{ev}");
    let error = ev["error"].as_str().unwrap_or("");
    assert!(
        error.contains(reason),
        "the reason {error:?} does not mention {reason:?}: {ev}"
    );
}

/// Whether `s` is RFC 3339 in UTC with a `Z`, the host's canonical form (no fraction, 6 or 9 digits).
pub fn is_utc_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let shape = |i: usize, c: u8| match i {
        4 | 7 => c == b'-',
        10 => c == b'T',
        13 | 16 => c == b':',
        19 if b.len() > 20 => c == b'.',
        _ if i == b.len() - 1 => c == b'Z',
        _ => c.is_ascii_digit(),
    };
    matches!(b.len(), 20 | 27 | 30) && b.iter().enumerate().all(|(i, &c)| shape(i, c))
}

/// Asserts that two canonical UTC timestamps are the same instant to the microsecond (the store
/// keeps `event_time` in microseconds; the normalized `@timestamp` may carry nanoseconds).
pub fn assert_same_instant(a: &Value, b: &Value) {
    let (Some(x), Some(y)) = (a.as_str(), b.as_str()) else {
        panic!("not timestamps: {a} and {b}");
    };
    assert!(is_utc_rfc3339(x), "not canonical RFC 3339 UTC: {x:?}");
    assert!(is_utc_rfc3339(y), "not canonical RFC 3339 UTC: {y:?}");
    assert_eq!(micros(x), micros(y), "{x} and {y} are different instants");
}

/// `YYYY-MM-DDTHH:MM:SS.ffffff` for a canonical timestamp (fraction padded/truncated to µs).
fn micros(ts: &str) -> String {
    let (secs, frac) = ts
        .trim_end_matches('Z')
        .split_once('.')
        .unwrap_or((ts.trim_end_matches('Z'), ""));
    format!("{secs}.{:0<6.6}", frac)
}

/// The string array at `v[field]`.
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap_or_else(|| panic!("not a string: {s}")).to_string())
        .collect()
}
