//! Format test fixtures (`intake-edge formats test`): the files, their parsing and the
//! field-by-field comparison are the [`fixture_check`] crate's, shared with the components'
//! native runner (`edge_format_sdk::fixtures_test!`); here the cases run through a format's
//! component exactly as the host runs events (same runtime, same `finalize`: nested documents,
//! canonical RFC 3339 UTC `@timestamp`).

use crate::config::{ComponentSource, Config, FormatSpec};
use crate::event::{Envelope, Event, Protocol, SyslogHeader};
use crate::runtime::{LoadedFormat, Outcome, Runtime, RuntimeError};
use chrono::{DateTime, Utc};
pub use fixture_check::{diff, Case, Difference, ANY, DEFAULT_RECEIVED_AT, SYSLOG_KEYS};
use fixture_check::{Input, Time};
use serde_json::{Map, Value};
use std::path::Path;
use std::sync::Arc;

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

/// What one case produced.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    pub label: String,
    /// The normalized object, or `{"error": REASON}`.
    pub actual: Value,
    /// Empty when the case passed.
    pub differences: Vec<Difference>,
    /// ECS checks of `actual` ([`edge_ecs::check`]): its errors fail the case, its warnings do not.
    pub ecs: edge_ecs::Findings,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.differences.is_empty() && self.ecs.errors.is_empty()
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
    fixture_check::parse_cases(text, file).map_err(|e| match e {
        fixture_check::FixtureError::Invalid { path, reason } => FixtureError::Invalid { path, reason },
        fixture_check::FixtureError::Case { case, reason } => FixtureError::Case { case, reason },
    })
}

/// The event the host would hand the component for a fixture's `input` object.
pub fn build_event(input: Map<String, Value>) -> Result<Event, String> {
    event_of(fixture_check::parse_input(input)?)
}

/// The host's event for a parsed input.
pub fn event_of(input: Input) -> Result<Event, String> {
    let header = input.syslog.map(|h| SyslogHeader {
        facility: h.facility,
        severity: h.severity,
        version: h.version,
        hostname: h.hostname,
        app_name: h.app_name,
        procid: h.procid,
        msgid: h.msgid,
        structured_data: h.structured_data,
    });
    Ok(Event {
        raw: input.raw,
        received_at: instant(input.received_at)?,
        client_time: input.client_time.map(instant).transpose()?,
        protocol: match input.protocol {
            fixture_check::Protocol::Https => Protocol::Https,
            fixture_check::Protocol::Syslog => Protocol::Syslog,
            fixture_check::Protocol::Relp => Protocol::Relp,
            fixture_check::Protocol::Poll => Protocol::Poll,
        },
        envelope: Envelope {
            source_address: input.source_address,
            syslog: header,
            metadata: input.metadata,
        },
    })
}

fn instant(t: Time) -> Result<DateTime<Utc>, String> {
    DateTime::from_timestamp(t.seconds, t.nanoseconds).ok_or_else(|| format!("time {t:?} is out of range"))
}

/// What a case compares against `expected`: the object, or `{"error": REASON}`.
pub fn outcome_value(outcome: &Outcome) -> Value {
    match &outcome.normalized {
        Ok(json) => serde_json::from_str(json)
            .unwrap_or_else(|e| serde_json::json!({ "error": format!("the host stored invalid JSON: {e}") })),
        Err(reason) => serde_json::json!({ "error": reason }),
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
            events.push(event_of(case.input).map_err(|reason| FixtureError::Case {
                case: labels.last().map(|(l, _)| l.clone()).unwrap_or_default(),
                reason,
            })?);
        }
        let batch = runtime.normalize_blocking(format.clone(), events)?;
        for ((label, expected), outcome) in labels.into_iter().zip(&batch.outcomes) {
            let actual = outcome_value(outcome);
            let differences = diff(&expected, &actual);
            // The format's own namespace is its name (`openssh.*`), as `describe()` gives it.
            let ecs = fixture_check::ecs_findings(&actual, &format.description.name);
            results.push(CaseResult {
                label,
                actual,
                differences,
                ecs,
            });
        }
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(text: &str) -> Event {
        let mut cases = parse_cases(text, "f.json").expect("valid fixture");
        assert_eq!(cases.len(), 1);
        event_of(cases.remove(0).input).expect("in range")
    }

    #[test]
    fn builds_the_event_the_host_would() {
        let plain = one(r#"{"input": {"message": "m", "X-Forwarded-For": "1.2.3.4", "n": 5}, "expected": {}}"#);
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
        );
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

        let relp = one(r#"{"input": {"message": "m", "protocol": "relp"}, "expected": {}}"#);
        assert_eq!(relp.protocol, Protocol::Relp);
        assert!(relp.envelope.syslog.is_some());
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
        assert_eq!(cases[0].input.source_address.as_deref(), Some("192.0.2.1:51514"));
        assert_eq!(cases[1].input.protocol, fixture_check::Protocol::Relp);
        assert!(matches!(
            load_file(Path::new("/nonexistent.json")),
            Err(FixtureError::Read { .. })
        ));
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
