//! Format test fixtures (`intake-edge formats test`): JSON files of cases
//! `{"input": {"message": RAW, ...envelope}, "expected": {...normalized fields...}}` (or an array
//! of them), run through a format's component exactly as the host runs events (same runtime,
//! same `finalize`, so `@timestamp` is canonical RFC 3339 UTC), and compared field by field.
//!
//! - `input`: `message` (the raw event, required); `received_at`, `client_time` (RFC 3339;
//!   `received_at` defaults to [`DEFAULT_RECEIVED_AT`] so that results are reproducible);
//!   `protocol` (`https`, `syslog`, `relp`, `poll`; default `syslog` if a `log.syslog.*` key is
//!   given, else `https`); `source_address`; the syslog header under its ECS names
//!   ([`SYSLOG_KEYS`]); any other key is a metadata pair.
//! - `expected`: the normalized object; a rejected event reads as `{"error": REASON}`. The value
//!   `"*"` means "present, any value", at any depth: `{"error": "*"}` accepts any rejection.
//! - optional `name`: shown in the report.
//!
//! The SDK has a native twin of this runner for the components' `cargo test`
//! (`components/sdk/src/fixtures.rs`, `fixtures_test!`): same keys, same default reception time,
//! same comparison, same report. Change both together (a test here checks the shared constants).

use crate::config::{ComponentSource, Config, FormatSpec};
use crate::event::{Envelope, Event, Protocol, SyslogHeader};
use crate::runtime::{LoadedFormat, Outcome, Runtime, RuntimeError};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// The reception time of a case that gives none.
pub const DEFAULT_RECEIVED_AT: &str = "2026-01-01T00:00:00Z";
/// In `expected`: any value, as long as the field is present.
pub const ANY: &str = "*";
/// The syslog header fields of `input`, under their ECS names.
pub const SYSLOG_KEYS: [&str; 8] = [
    "log.syslog.facility.code",
    "log.syslog.severity.code",
    "log.syslog.version",
    "log.syslog.hostname",
    "log.syslog.appname",
    "log.syslog.procid",
    "log.syslog.msgid",
    "log.syslog.structured_data",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixtureError {
    #[error("{path}: cannot read: {reason}")]
    Read { path: String, reason: String },
    #[error("{path}: invalid fixture: {reason}")]
    Invalid { path: String, reason: String },
    #[error("{case}: {reason}")]
    Case { case: String, reason: String },
    #[error("no format {name:?} in the configuration, and it is neither builtin:NAME nor a .wasm file")]
    UnknownFormat { name: String },
    #[error("no builtin component {name:?} (builtins: {builtins})")]
    UnknownBuiltin { name: String, builtins: String },
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
}

/// One case, ready to run.
#[derive(Debug, Clone)]
pub struct Case {
    /// `FILE[i]` (`FILE` alone for a file of one case), then the case's `name` if it has one.
    pub label: String,
    pub event: Event,
    pub expected: Value,
}

/// One way `actual` differs from `expected`, at a path such as `log.syslog.hostname`,
/// `user.name` (nested) or `tags[1]`.
#[derive(Debug, Clone, PartialEq)]
pub enum Difference {
    Missing {
        path: String,
        expected: Value,
    },
    Unexpected {
        path: String,
        actual: Value,
    },
    Different {
        path: String,
        expected: Value,
        actual: Value,
    },
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { path, expected } => write!(f, "missing field {path}: expected {expected}"),
            Self::Unexpected { path, actual } => write!(f, "unexpected field {path}: {actual}"),
            Self::Different { path, expected, actual } => {
                write!(f, "different value at {path}: expected {expected}, got {actual}")
            }
        }
    }
}

/// What one case produced.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    pub label: String,
    /// The normalized object, or `{"error": REASON}`.
    pub actual: Value,
    /// Empty when the case passed.
    pub differences: Vec<Difference>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.differences.is_empty()
    }
}

/// The format to test: `name` from the configuration if it has one, else `builtin:NAME`, else a
/// component file. Limits come from the configuration (its defaults for a non-configured format).
pub fn resolve_format(name: &str, config: &Config) -> Result<FormatSpec, FixtureError> {
    if let Some(spec) = config.formats.get(name) {
        return Ok(spec.clone());
    }
    let source = if let Some(builtin) = name.strip_prefix("builtin:") {
        let builtins = crate::builtins::names();
        if !builtins.contains(&builtin) {
            return Err(FixtureError::UnknownBuiltin {
                name: builtin.to_string(),
                builtins: builtins.join(", "),
            });
        }
        ComponentSource::Builtin(builtin.to_string())
    } else if Path::new(name).is_file() {
        ComponentSource::File(name.into())
    } else {
        return Err(FixtureError::UnknownFormat { name: name.to_string() });
    };
    Ok(FormatSpec {
        name: name.to_string(),
        source,
        limits: config.runtime.default_limits,
    })
}

/// A configuration with every default and no format or intake, for when there is no file.
pub fn default_config() -> Result<Config, FixtureError> {
    Config::parse("", Path::new("intakes.toml")).map_err(|e| FixtureError::Invalid {
        path: "(defaults)".into(),
        reason: e.to_string(),
    })
}

/// Reads a fixture file.
pub fn load_file(path: &Path) -> Result<Vec<Case>, FixtureError> {
    let text = std::fs::read_to_string(path).map_err(|e| FixtureError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    parse_cases(&text, &path.display().to_string())
}

/// Parses a fixture: one case object or an array of them. `file` names it in labels and errors.
pub fn parse_cases(text: &str, file: &str) -> Result<Vec<Case>, FixtureError> {
    let invalid = |reason: String| FixtureError::Invalid {
        path: file.to_string(),
        reason,
    };
    let value: Value = serde_json::from_str(text).map_err(|e| invalid(format!("not valid JSON: {e}")))?;
    let (items, single) = match value {
        Value::Array(items) => (items, false),
        object @ Value::Object(_) => (vec![object], true),
        _ => return Err(invalid("expected a case object or an array of them".into())),
    };
    if items.is_empty() {
        return Err(invalid("no cases".into()));
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let label = if single {
                file.to_string()
            } else {
                format!("{file}[{i}]")
            };
            parse_case(item, label)
        })
        .collect()
}

fn parse_case(item: Value, mut label: String) -> Result<Case, FixtureError> {
    let fail = |label: &str, reason: String| FixtureError::Case {
        case: label.to_string(),
        reason,
    };
    let Value::Object(mut case) = item else {
        return Err(fail(&label, "a case is a JSON object".into()));
    };
    if let Some(name) = case.remove("name") {
        match name {
            Value::String(name) => label = format!("{label} ({name})"),
            _ => return Err(fail(&label, "\"name\" must be a string".into())),
        }
    }
    let input = match case.remove("input") {
        Some(Value::Object(input)) => input,
        Some(_) => return Err(fail(&label, "\"input\" must be an object".into())),
        None => return Err(fail(&label, "no \"input\"".into())),
    };
    let expected = match case.remove("expected") {
        Some(expected @ Value::Object(_)) => expected,
        Some(_) => return Err(fail(&label, "\"expected\" must be an object".into())),
        None => return Err(fail(&label, "no \"expected\"".into())),
    };
    if let Some(key) = case.keys().next() {
        return Err(fail(
            &label,
            format!("unknown key {key:?} (a case has \"input\", \"expected\" and \"name\")"),
        ));
    }
    let event = build_event(input).map_err(|reason| fail(&label, format!("input: {reason}")))?;
    Ok(Case { label, event, expected })
}

/// The event the host would hand the component for this `input`.
pub fn build_event(mut input: Map<String, Value>) -> Result<Event, String> {
    let raw = match input.remove("message") {
        Some(Value::String(raw)) => raw,
        Some(_) => return Err("\"message\" must be a string".into()),
        None => return Err("no \"message\" (the raw event)".into()),
    };
    let received_at = match input.remove("received_at") {
        Some(v) => datetime(&v, "received_at")?,
        None => datetime(&Value::String(DEFAULT_RECEIVED_AT.into()), "received_at")?,
    };
    let client_time = match input.remove("client_time") {
        None | Some(Value::Null) => None,
        Some(v) => Some(datetime(&v, "client_time")?),
    };
    let source_address = match input.remove("source_address") {
        None | Some(Value::Null) => None,
        Some(v) => Some(scalar(&v, "source_address")?),
    };
    let any_syslog = input.keys().any(|k| k.starts_with("log.syslog."));
    let protocol = match input.remove("protocol") {
        None => {
            if any_syslog {
                Protocol::Syslog
            } else {
                Protocol::Https
            }
        }
        Some(Value::String(p)) => p.parse::<Protocol>().map_err(|e| e.to_string())?,
        Some(_) => return Err("\"protocol\" must be a string".into()),
    };
    let mut header = SyslogHeader::default();
    let mut has_header = matches!(protocol, Protocol::Syslog | Protocol::Relp);
    for key in SYSLOG_KEYS {
        let Some(value) = input.remove(key) else {
            continue;
        };
        if value.is_null() {
            continue;
        }
        has_header = true;
        match key {
            "log.syslog.facility.code" => header.facility = Some(number(&value, key)?),
            "log.syslog.severity.code" => header.severity = Some(number(&value, key)?),
            "log.syslog.version" => header.version = Some(number(&value, key)?),
            "log.syslog.hostname" => header.hostname = Some(scalar(&value, key)?),
            "log.syslog.appname" => header.app_name = Some(scalar(&value, key)?),
            "log.syslog.procid" => header.procid = Some(scalar(&value, key)?),
            "log.syslog.msgid" => header.msgid = Some(scalar(&value, key)?),
            _ => header.structured_data = Some(scalar(&value, key)?),
        }
    }
    let metadata = input
        .into_iter()
        .map(|(k, v)| scalar(&v, &k).map(|v| (k, v)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Event {
        raw,
        received_at,
        client_time,
        protocol,
        envelope: Envelope {
            source_address,
            syslog: has_header.then_some(header),
            metadata,
        },
    })
}

fn datetime(value: &Value, key: &str) -> Result<DateTime<Utc>, String> {
    let Value::String(text) = value else {
        return Err(format!("{key:?} must be an RFC 3339 string"));
    };
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{key:?}: {text:?} is not RFC 3339: {e}"))
}

/// A metadata value: strings as they are, numbers and booleans as their JSON text.
fn scalar(value: &Value, key: &str) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(_) | Value::Bool(_) => Ok(value.to_string()),
        _ => Err(format!("{key:?} must be a string, a number or a boolean")),
    }
}

/// A header code: a JSON number or a string of digits, within the type's range.
fn number<T: TryFrom<u64>>(value: &Value, key: &str) -> Result<T, String> {
    let n = match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    n.and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| format!("{key:?} must be a small non-negative integer, got {value}"))
}

/// What a case compares against `expected`: the object, or `{"error": REASON}`.
pub fn outcome_value(outcome: &Outcome) -> Value {
    match &outcome.normalized {
        Ok(json) => serde_json::from_str(json)
            .unwrap_or_else(|e| serde_json::json!({ "error": format!("the host stored invalid JSON: {e}") })),
        Err(reason) => serde_json::json!({ "error": reason }),
    }
}

/// Every difference between `expected` and `actual`; `"*"` in `expected` matches any value.
pub fn diff(expected: &Value, actual: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    diff_at("", expected, actual, &mut out);
    out
}

fn diff_at(path: &str, expected: &Value, actual: &Value, out: &mut Vec<Difference>) {
    match (expected, actual) {
        (Value::String(any), _) if any == ANY => {}
        (Value::Object(e), Value::Object(a)) => {
            for (key, ev) in e {
                let p = key_path(path, key);
                match a.get(key) {
                    Some(av) => diff_at(&p, ev, av, out),
                    None => out.push(Difference::Missing {
                        path: p,
                        expected: ev.clone(),
                    }),
                }
            }
            for (key, av) in a {
                if !e.contains_key(key) {
                    out.push(Difference::Unexpected {
                        path: key_path(path, key),
                        actual: av.clone(),
                    });
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            for (i, ev) in e.iter().enumerate() {
                let p = format!("{}[{i}]", root(path));
                match a.get(i) {
                    Some(av) => diff_at(&p, ev, av, out),
                    None => out.push(Difference::Missing {
                        path: p,
                        expected: ev.clone(),
                    }),
                }
            }
            for (i, av) in a.iter().enumerate().skip(e.len()) {
                out.push(Difference::Unexpected {
                    path: format!("{}[{i}]", root(path)),
                    actual: av.clone(),
                });
            }
        }
        (Value::Number(e), Value::Number(a)) if e == a || e.as_f64() == a.as_f64() && !both_integers(e, a) => {}
        _ if expected == actual => {}
        _ => out.push(Difference::Different {
            path: root(path).to_string(),
            expected: expected.clone(),
            actual: actual.clone(),
        }),
    }
}

/// `1` and `1.0` are equal; two different integers are never (even beyond f64 precision).
fn both_integers(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    !a.is_f64() && !b.is_f64()
}

fn root(path: &str) -> &str {
    if path.is_empty() {
        "(the event)"
    } else {
        path
    }
}

/// Top-level keys as they are (flat dotted ECS names); nested ones as `.key`, or `["k.e.y"]` when
/// the key is not a plain identifier.
fn key_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        return key.to_string();
    }
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '@');
    if plain {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", Value::String(key.to_string()))
    }
}

/// Runs `cases` through `format` on `runtime`, in batches of the runtime's size, and compares
/// each outcome with its expectation. Blocks: call it outside any async task.
pub fn run_cases(
    runtime: &Runtime,
    format: &Arc<LoadedFormat>,
    cases: Vec<Case>,
) -> Result<Vec<CaseResult>, FixtureError> {
    let batch_size = runtime.batch_size().max(1);
    let mut results = Vec::with_capacity(cases.len());
    let mut cases = cases.into_iter().peekable();
    while cases.peek().is_some() {
        let chunk: Vec<Case> = cases.by_ref().take(batch_size).collect();
        let mut labels = Vec::with_capacity(chunk.len());
        let mut events = Vec::with_capacity(chunk.len());
        for case in chunk {
            labels.push((case.label, case.expected));
            events.push(case.event);
        }
        let batch = runtime.normalize_blocking(format.clone(), events)?;
        for ((label, expected), outcome) in labels.into_iter().zip(&batch.outcomes) {
            let actual = outcome_value(outcome);
            let differences = diff(&expected, &actual);
            results.push(CaseResult {
                label,
                actual,
                differences,
            });
        }
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(text: &str) -> Case {
        let mut cases = parse_cases(text, "f.json").expect("valid fixture");
        assert_eq!(cases.len(), 1);
        cases.remove(0)
    }

    #[test]
    fn parses_one_case_or_an_array() {
        let case = one(r#"{"input": {"message": "hi"}, "expected": {"message": "hi"}}"#);
        assert_eq!(case.label, "f.json");
        assert_eq!(case.event.raw, "hi");
        assert_eq!(case.expected, json!({"message": "hi"}));
        let cases = parse_cases(
            r#"[{"input": {"message": "a"}, "expected": {}}, {"name": "b", "input": {"message": "b"}, "expected": {}}]"#,
            "f.json",
        )
        .expect("valid fixture");
        let labels: Vec<_> = cases.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["f.json[0]", "f.json[1] (b)"]);
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
    }

    #[test]
    fn builds_the_event_the_host_would() {
        let plain = one(r#"{"input": {"message": "m", "X-Forwarded-For": "1.2.3.4", "n": 5}, "expected": {}}"#).event;
        assert_eq!(plain.protocol, Protocol::Https);
        assert!(plain.envelope.syslog.is_none() && plain.client_time.is_none());
        assert!(plain.envelope.source_address.is_none());
        assert_eq!(plain.received_at.timestamp(), 1_767_225_600);
        assert_eq!(plain.received_at.timestamp_subsec_nanos(), 0);
        assert_eq!(
            plain.envelope.metadata,
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
        .event;
        assert_eq!(syslog.protocol, Protocol::Syslog);
        assert_eq!(syslog.received_at.timestamp(), 1_714_564_800);
        assert_eq!(syslog.received_at.timestamp_subsec_nanos(), 500_000_000);
        assert_eq!(syslog.client_time.map(|t| t.timestamp()), Some(1_714_564_799));
        assert_eq!(syslog.envelope.source_address.as_deref(), Some("192.0.2.1:514"));
        assert!(syslog.envelope.metadata.is_empty());
        let h = syslog.envelope.syslog.expect("a syslog header");
        assert_eq!((h.facility, h.severity, h.version), (Some(4), Some(6), Some(1)));
        assert_eq!(h.hostname.as_deref(), Some("fw1"));
        assert_eq!(h.app_name.as_deref(), Some("sshd"));
        assert_eq!(h.procid.as_deref(), Some("42"));
        assert_eq!(h.msgid.as_deref(), Some("ID1"));
        assert_eq!(h.structured_data.as_deref(), Some("[a@1 b=\"c\"]"));

        let relp = one(r#"{"input": {"message": "m", "protocol": "relp"}, "expected": {}}"#).event;
        assert_eq!(relp.protocol, Protocol::Relp);
        assert!(relp.envelope.syslog.is_some());
    }

    #[test]
    fn diffs_field_by_field() {
        let expected = json!({"a": 1, "b": "x", "c": "*", "d": {"e": [1, 2], "f.g": true}, "h": 1.0});
        assert!(diff(
            &expected,
            &json!({"a": 1, "b": "x", "c": null, "d": {"e": [1, 2], "f.g": true}, "h": 1})
        )
        .is_empty());
        let found = diff(
            &expected,
            &json!({"a": 2, "d": {"e": [1, 3, 4], "f.g": true, "z": 0}, "h": 1, "extra": "y"}),
        );
        assert_eq!(
            found,
            [
                Difference::Different {
                    path: "a".into(),
                    expected: json!(1),
                    actual: json!(2)
                },
                Difference::Missing {
                    path: "b".into(),
                    expected: json!("x")
                },
                Difference::Missing {
                    path: "c".into(),
                    expected: json!("*")
                },
                Difference::Different {
                    path: "d.e[1]".into(),
                    expected: json!(2),
                    actual: json!(3)
                },
                Difference::Unexpected {
                    path: "d.e[2]".into(),
                    actual: json!(4)
                },
                Difference::Unexpected {
                    path: "d.z".into(),
                    actual: json!(0)
                },
                Difference::Unexpected {
                    path: "extra".into(),
                    actual: json!("y")
                },
            ]
        );
        assert_eq!(found[0].to_string(), "different value at a: expected 1, got 2");
        assert_eq!(found[1].to_string(), "missing field b: expected \"x\"");
        assert_eq!(found[6].to_string(), "unexpected field extra: \"y\"");
        let nested = diff(&json!({"d": {"f.g": 1}}), &json!({"d": {"f.g": 2}}));
        assert_eq!(
            nested[0].to_string(),
            "different value at d[\"f.g\"]: expected 1, got 2"
        );
        let whole = diff(&json!({"d": {"x": 1}}), &json!({"d": "s"}));
        assert_eq!(
            whole[0].to_string(),
            "different value at d: expected {\"x\":1}, got \"s\""
        );
        assert_eq!(
            diff(&json!({"n": 9007199254740993_u64}), &json!({"n": 9007199254740992_u64})).len(),
            1
        );
    }

    #[test]
    fn an_error_wildcard_accepts_any_rejection_and_only_rejections() {
        let any = json!({"error": "*"});
        assert!(diff(&any, &json!({"error": "a very long reason…"})).is_empty());
        assert!(diff(&json!({"error": "empty event"}), &json!({"error": "empty event"})).is_empty());
        assert_eq!(
            diff(&json!({"error": "other"}), &json!({"error": "empty event"}))[0].to_string(),
            "different value at error: expected \"other\", got \"empty event\""
        );
        let normalized = diff(&any, &json!({"message": "x", "@timestamp": "2026-01-01T00:00:00Z"}));
        assert_eq!(normalized.len(), 3, "{normalized:?}");
        assert_eq!(normalized[0].to_string(), "missing field error: expected \"*\"");
    }

    #[test]
    fn reads_array_files() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../components/plain/tests/fixtures/syslog.json"
        );
        let cases = load_file(Path::new(path)).expect("valid fixture");
        assert_eq!(cases.len(), 2);
        assert!(cases[0].label.ends_with(
            "syslog.json[0] (an RFC 5424 message: the header becomes log.syslog.*, the client time @timestamp)"
        ));
        assert_eq!(
            cases[0].event.envelope.source_address.as_deref(),
            Some("192.0.2.1:51514")
        );
        assert_eq!(cases[1].event.protocol, Protocol::Relp);
        assert!(matches!(
            load_file(Path::new("/nonexistent.json")),
            Err(FixtureError::Read { .. })
        ));
    }

    /// The SDK's native runner (`components/sdk/src/fixtures.rs`) must read and compare fixtures
    /// as this one does: same default reception time (also documented in components/README.md),
    /// same wildcard, same cut of long reasons as `finalize`.
    #[test]
    fn the_sdk_runner_shares_the_constants() {
        let sdk = include_str!("../../components/sdk/src/fixtures.rs");
        let readme = include_str!("../../components/README.md");
        let finalize = include_str!("runtime/finalize.rs");
        let value = |source: &'static str, name: &str| -> &'static str {
            let start = source
                .find(&format!("const {name}: "))
                .unwrap_or_else(|| panic!("no const {name}"));
            let rest = &source[start..];
            let rest = &rest[rest.find(" = ").expect("a value") + 3..];
            rest[..rest.find(";\n").expect("a ;")].trim()
        };
        assert_eq!(value(sdk, "DEFAULT_RECEIVED_AT"), format!("{DEFAULT_RECEIVED_AT:?}"));
        assert_eq!(value(sdk, "ANY"), format!("{ANY:?}"));
        assert_eq!(value(sdk, "SYSLOG_KEYS").split_whitespace().collect::<String>(), {
            let keys: Vec<String> = SYSLOG_KEYS.iter().map(|k| format!("{k:?},")).collect();
            format!("[{}]", keys.concat())
        });
        assert_eq!(value(sdk, "MAX_REASON_BYTES"), value(finalize, "MAX_REASON_BYTES"));
        assert!(readme.contains(&format!("`received_at` defaults to `{DEFAULT_RECEIVED_AT}`")));
        assert!(readme.contains(&format!("cut to {} bytes", value(finalize, "MAX_REASON_BYTES"))));
    }

    #[test]
    fn resolves_configured_builtin_and_file_formats() {
        let config = default_config().expect("defaults");
        let spec = resolve_format("builtin:plain", &config).expect("builtin");
        assert_eq!(spec.source, ComponentSource::Builtin("plain".into()));
        assert_eq!(spec.limits, config.runtime.default_limits);
        let err = resolve_format("builtin:nope", &config)
            .expect_err("unknown builtin")
            .to_string();
        assert!(err.contains("builtins: ") && err.contains("plain"), "{err}");
        assert!(matches!(
            resolve_format("nope", &config),
            Err(FixtureError::UnknownFormat { .. })
        ));
        let text = "[formats.text]\ncomponent = \"builtin:json\"\n";
        let config = Config::parse(text, Path::new("intakes.toml")).expect("valid config");
        let spec = resolve_format("text", &config).expect("configured");
        assert_eq!(spec.source, ComponentSource::Builtin("json".into()));
    }

    #[test]
    fn runs_cases_through_the_component_and_finalize() {
        let config = default_config().expect("defaults");
        let settings = crate::config::RuntimeSettings {
            workers: 1,
            ..config.runtime.clone()
        };
        let runtime = Runtime::start(&settings, config.store.enqueue_timeout).expect("runtime");
        let spec = resolve_format("builtin:plain", &config).expect("builtin");
        let format = runtime.load_format(&spec, None).expect("loads");
        let cases = parse_cases(
            r#"[
              {"input": {"message": "hello", "client_time": "2024-05-01T14:00:00+02:00"},
               "expected": {"message": "hello", "@timestamp": "2024-05-01T12:00:00Z"}},
              {"input": {"message": "   "}, "expected": {"error": "empty event"}},
              {"input": {"message": "x", "log.syslog.hostname": "fw1"},
               "expected": {"message": "y", "@timestamp": "*"}},
              {"input": {"message": "late", "received_at": "2024-05-01T12:00:01.250+00:00"},
               "expected": {"message": "late", "@timestamp": "2024-05-01T12:00:01.250000Z"}},
              {"input": {"message": ""}, "expected": {"error": "*"}},
              {"input": {"message": "not rejected"}, "expected": {"error": "*"}}
            ]"#,
            "plain.json",
        )
        .expect("valid fixture");
        let results = run_cases(&runtime, &format, cases).expect("runs");
        assert_eq!(results.len(), 6);
        assert!(results[0].passed(), "{:?}", results[0]);
        assert!(results[1].passed(), "{:?}", results[1]);
        assert!(results[3].passed(), "received_at is honoured: {:?}", results[3]);
        assert!(results[4].passed(), "any rejection: {:?}", results[4]);
        assert!(!results[5].passed(), "not a rejection: {:?}", results[5]);
        let paths: Vec<String> = results[2]
            .differences
            .iter()
            .map(|d| match d {
                Difference::Missing { path, .. }
                | Difference::Unexpected { path, .. }
                | Difference::Different { path, .. } => path.clone(),
            })
            .collect();
        assert_eq!(paths, ["message", "log.hostname", "log.syslog.hostname"]);
        assert_eq!(results[2].actual["@timestamp"], json!("2026-01-01T00:00:00Z"));
        runtime.shutdown();
    }
}
