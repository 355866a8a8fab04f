//! What every end-to-end test needs: the binary under test, a test PKI, a running host with its
//! collected log, the real clients (curl, Python `requests`, rsyslog, loggen, logger, a
//! byte-level TLS client) and a few assertions.

mod client;
pub mod fakes;
mod host;
pub mod old_store;
mod pki;
pub mod senders;
pub mod tls;

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

/// The value at a dotted ECS path (`"log.syslog.hostname"`) of a stored document, which the
/// host nests (`{"log": {"syslog": {"hostname": …}}}`); `Null` when absent.
pub fn field<'a>(doc: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(doc, |v, k| &v[k])
}

/// Fields written with dotted ECS names, nested as the host stores them.
pub fn nested(flat: serde_json::Map<String, Value>) -> Value {
    edge_ecs::nest_value(Value::Object(flat)).unwrap_or_else(|e| panic!("expectation: {e}"))
}

/// A stored event normalized by `plain`: status ok, `{"message": raw, "@timestamp": event_time}`.
pub fn assert_plain_ok(ev: &Value, raw: &str) {
    assert_eq!(ev["status"], "ok", "{ev}");
    assert_eq!(ev["error"], Value::Null, "{ev}");
    let n = ev["normalized"]
        .as_object()
        .unwrap_or_else(|| panic!("no normalized object: {ev}"));
    // `message`, `@timestamp` and the envelope metadata (dotted ECS names, stored nested), nothing else.
    let mut expected = metadata(ev);
    expected.insert("message".into(), raw.into());
    expected.insert("@timestamp".into(), n.get("@timestamp").cloned().unwrap_or(Value::Null));
    assert_eq!(Value::Object(n.clone()), nested(expected), "{ev}");
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

/// Asserts that none of `keys` appears anywhere in the log (intake keys are credentials).
pub fn assert_no_key_in_log(log: &Log, keys: &[&str]) {
    let lines = log.lines();
    assert!(!lines.is_empty(), "empty log");
    for key in keys {
        for line in &lines {
            assert!(!line.contains(key), "the key {key:?} is in the log: {line}");
        }
    }
}

/// The `[SEKOIA@53288 intake_key="KEY"]` element.
pub fn sd_key(key: &str) -> String {
    format!("[SEKOIA@53288 intake_key=\"{key}\"]")
}

/// The `counts` of a "Listener totals." line, all zero but `nonzero`.
pub fn totals(nonzero: &[(&str, u64)]) -> std::collections::BTreeMap<String, u64> {
    let mut all: std::collections::BTreeMap<String, u64> = [
        "connections",
        "received",
        "stored",
        "rejected_no_key",
        "rejected_unknown_key",
        "rejected_malformed",
        "rejected_oversized",
        "framing_errors",
        "broken",
        "write_timeouts",
        "store_failures",
    ]
    .iter()
    .map(|k| (k.to_string(), 0))
    .collect();
    for (k, v) in nonzero {
        assert!(all.contains_key(*k), "no counter {k}");
        all.insert(k.to_string(), *v);
    }
    all
}

/// The raw texts of `events`, sorted (a multiset, to compare with what was sent).
pub fn sorted_raws(events: &[Value]) -> Vec<String> {
    let mut raws: Vec<String> = events
        .iter()
        .map(|e| e["raw"].as_str().unwrap_or_else(|| panic!("no raw in {e}")).to_string())
        .collect();
    raws.sort();
    raws
}

/// The syslog header a stored syslog/RELP event should carry (`None`: absent or `-`).
#[derive(Debug, Clone, Default)]
pub struct Header<'a> {
    pub facility: Option<u8>,
    pub severity: Option<u8>,
    pub version: Option<u16>,
    pub hostname: Option<&'a str>,
    pub appname: Option<&'a str>,
    pub procid: Option<&'a str>,
    pub msgid: Option<&'a str>,
    /// The structured data without the key element, as the host re-serialises it.
    pub structured_data: Option<&'a str>,
}

const FACILITY_NAMES: [&str; 24] = [
    "kern",
    "user",
    "mail",
    "daemon",
    "auth",
    "syslog",
    "lpr",
    "news",
    "uucp",
    "cron",
    "authpriv",
    "ftp",
    "ntp",
    "security",
    "console",
    "solaris-cron",
    "local0",
    "local1",
    "local2",
    "local3",
    "local4",
    "local5",
    "local6",
    "local7",
];
const SEVERITY_NAMES: [&str; 8] = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

/// A stored syslog/RELP event of a `plain` intake: envelope (`metadata`) and normalized fields
/// exactly as `h` says, `raw` as the message, `@timestamp` the same instant as `timestamp` (when
/// given; else the event time).
pub fn assert_syslog_event(ev: &Value, protocol: &str, intake: &str, raw: &str, h: &Header, timestamp: Option<&str>) {
    assert_eq!(ev["protocol"], protocol, "{ev}");
    assert_eq!(ev["intake"], intake, "{ev}");
    assert_eq!(ev["raw"], raw, "{ev}");
    assert_eq!(ev["status"], "ok", "{ev}");
    assert_eq!(ev["error"], Value::Null, "{ev}");
    let source = ev["metadata"]["log.source.address"].as_str().unwrap_or("");
    assert!(source.starts_with("127.0.0.1:"), "log.source.address {source:?}: {ev}");

    let mut envelope = serde_json::Map::new();
    envelope.insert("log.source.address".into(), source.into());
    let mut expected = serde_json::Map::new();
    if let (Some(f), Some(s)) = (h.facility, h.severity) {
        expected.insert("log.syslog.priority".into(), (u16::from(f) * 8 + u16::from(s)).into());
    }
    if let Some(f) = h.facility {
        envelope.insert("log.syslog.facility.code".into(), f.into());
        expected.insert("log.syslog.facility.name".into(), FACILITY_NAMES[usize::from(f)].into());
    }
    if let Some(s) = h.severity {
        envelope.insert("log.syslog.severity.code".into(), s.into());
        expected.insert("log.syslog.severity.name".into(), SEVERITY_NAMES[usize::from(s)].into());
    }
    if let Some(v) = h.version {
        envelope.insert("log.syslog.version".into(), v.into());
    }
    for (key, value) in [
        ("log.syslog.hostname", h.hostname),
        ("log.syslog.appname", h.appname),
        ("log.syslog.procid", h.procid),
        ("log.syslog.msgid", h.msgid),
        ("log.syslog.structured_data", h.structured_data),
    ] {
        if let Some(v) = value {
            envelope.insert(key.into(), v.into());
        }
    }
    assert_eq!(
        Value::Object(metadata(ev)),
        Value::Object(envelope.clone()),
        "envelope of {ev}"
    );

    if let Some(hostname) = h.hostname {
        expected.insert("log.hostname".into(), hostname.into());
    }
    expected.extend(envelope);
    expected.insert("message".into(), raw.into());
    let mut normalized = ev["normalized"]
        .as_object()
        .unwrap_or_else(|| panic!("no normalized object: {ev}"))
        .clone();
    let at = normalized.remove("@timestamp").unwrap_or(Value::Null);
    assert_eq!(Value::Object(normalized), nested(expected), "normalized fields of {ev}");
    if let Some(ts) = timestamp {
        assert_same_instant(&at, &Value::String(ts.to_string()));
    }
    assert_same_instant(&at, &ev["event_time"]);
}
