//! Format test fixtures, one implementation for both runners: `intake-edge formats test` (the
//! host runs the component in its sandbox) and the components' native `cargo test`
//! (`edge_format_sdk::fixtures_test!`). A file holds one case
//! `{"input": {"message": RAW, ...envelope}, "expected": {...}}` or an array of them:
//!
//! - `input`: `message` (the raw event, required); `received_at`, `client_time` (RFC 3339;
//!   `received_at` defaults to [`DEFAULT_RECEIVED_AT`] so that results are reproducible);
//!   `protocol` (`https`, `syslog`, `relp`, `poll`; default `syslog` if a `log.syslog.*` key is
//!   given, else `https`); `source_address`; the syslog header under its ECS names
//!   ([`SYSLOG_KEYS`]); any other key is a metadata pair.
//! - `expected`: the normalized object; a rejected event reads as `{"error": REASON}`. The value
//!   [`ANY`] (`"*"`) means "present, any value", at any depth: `{"error": "*"}` accepts any
//!   rejection. Dotted and nested keys are the same field (`{"source.ip": x}` is
//!   `{"source": {"ip": x}}`), in `expected` and in what the format produced ([`diff`]).
//! - optional `name`: shown in the report.
//!
//! Each runner turns an [`Input`] into its own event type and what the format returned into a
//! JSON value; parsing, comparison, report and `EDGE_FIXTURES_BLESS` rewriting are here.

mod bless;
mod diff;
mod time;

pub use bless::{bless_expected, check_dir, fixture_text};
pub use diff::{diff, report, Difference};
pub use time::{parse_rfc3339, Time};

use serde_json::{Map, Value};
use std::fmt;

/// The reception time of a case that gives none.
pub const DEFAULT_RECEIVED_AT: &str = "2026-01-01T00:00:00Z";
/// In `expected`: any value, as long as the field is present.
pub const ANY: &str = "*";
/// The host cuts rejection reasons to this many bytes (at a character boundary) and appends `…`
/// (`finalize` in the host checks that it uses the same bound).
pub const MAX_REASON_BYTES: usize = 2048;
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

/// A fixture that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixtureError {
    /// The file as a whole: not JSON, not a case or an array of them, no cases.
    Invalid { path: String, reason: String },
    /// One case of it.
    Case { case: String, reason: String },
}

impl fmt::Display for FixtureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid { path, reason } => write!(f, "{path}: invalid fixture: {reason}"),
            Self::Case { case, reason } => write!(f, "{case}: {reason}"),
        }
    }
}

impl std::error::Error for FixtureError {}

/// The transport an input says the event came by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Https,
    Syslog,
    Relp,
    Poll,
}

/// The syslog header of an input (RFC 5424 fields; RFC 3164 has fewer).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    pub facility: Option<u8>,
    pub severity: Option<u8>,
    pub version: Option<u16>,
    pub hostname: Option<String>,
    pub app_name: Option<String>,
    pub procid: Option<String>,
    pub msgid: Option<String>,
    pub structured_data: Option<String>,
}

/// What the host would hand the component for a case's `input`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub raw: String,
    pub received_at: Time,
    pub client_time: Option<Time>,
    pub protocol: Protocol,
    pub source_address: Option<String>,
    pub syslog: Option<Header>,
    /// Envelope pairs other than the header, in the order written.
    pub metadata: Vec<(String, String)>,
}

impl Input {
    /// The time the host gives an event whose format sets none: the client's, else reception.
    pub fn fallback_time(&self) -> Time {
        self.client_time.unwrap_or(self.received_at)
    }
}

/// One case, ready to run.
#[derive(Debug, Clone)]
pub struct Case {
    /// `FILE[i]` (`FILE` alone for a file of one case), then the case's `name` if it has one.
    pub label: String,
    pub input: Input,
    /// Nested as the host stores documents.
    pub expected: Value,
}

/// Parses a fixture: one case object or an array of them. `file` names it in labels and errors.
pub fn parse_cases(text: &str, file: &str) -> Result<Vec<Case>, FixtureError> {
    let value: Value = serde_json::from_str(text).map_err(|e| FixtureError::Invalid {
        path: file.to_string(),
        reason: format!("not valid JSON: {e}"),
    })?;
    cases_of(value, file)
}

/// The cases of a parsed fixture file.
pub fn cases_of(value: Value, file: &str) -> Result<Vec<Case>, FixtureError> {
    let invalid = |reason: &str| FixtureError::Invalid {
        path: file.to_string(),
        reason: reason.to_string(),
    };
    let (items, single) = match value {
        Value::Array(items) => (items, false),
        object @ Value::Object(_) => (vec![object], true),
        _ => return Err(invalid("expected a case object or an array of them")),
    };
    if items.is_empty() {
        return Err(invalid("no cases"));
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
    let expected = edge_ecs::nest_value(expected).map_err(|e| fail(&label, format!("expected: {e}")))?;
    let input = parse_input(input).map_err(|reason| fail(&label, format!("input: {reason}")))?;
    Ok(Case { label, input, expected })
}

/// Reads a case's `input` (see the crate documentation for the keys).
pub fn parse_input(mut input: Map<String, Value>) -> Result<Input, String> {
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
        None if any_syslog => Protocol::Syslog,
        None => Protocol::Https,
        Some(Value::String(p)) => match p.as_str() {
            "https" => Protocol::Https,
            "syslog" => Protocol::Syslog,
            "relp" => Protocol::Relp,
            "poll" => Protocol::Poll,
            other => return Err(format!("protocol {other:?}: expected https, syslog, relp or poll")),
        },
        Some(_) => return Err("\"protocol\" must be a string".into()),
    };
    let mut header = Header::default();
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
    Ok(Input {
        raw,
        received_at,
        client_time,
        protocol,
        source_address,
        syslog: has_header.then_some(header),
        metadata,
    })
}

fn datetime(value: &Value, key: &str) -> Result<Time, String> {
    let Value::String(text) = value else {
        return Err(format!("{key:?} must be an RFC 3339 string"));
    };
    parse_rfc3339(text).map_err(|e| format!("{key:?}: {text:?} is not RFC 3339: {e}"))
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

/// A rejection reason as the host stores it: cut to [`MAX_REASON_BYTES`] at a character
/// boundary, then `…`.
pub fn truncate_reason(mut reason: String) -> String {
    if reason.len() > MAX_REASON_BYTES {
        let mut end = MAX_REASON_BYTES;
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        reason.truncate(end);
        reason.push('…');
    }
    reason
}

/// What a case compares against `expected`: the format's object nested as the host nests it
/// (a conflict is the host's rejection), or `{"error": REASON}`.
pub fn outcome_value(result: Result<Value, String>) -> Value {
    let reason = match result.map(edge_ecs::nest_value) {
        Ok(Ok(nested)) => return nested,
        Ok(Err(conflict)) => conflict.to_string(),
        Err(reason) => reason,
    };
    serde_json::json!({ "error": truncate_reason(reason) })
}

/// The ECS checks of a produced value ([`edge_ecs::check`]); nothing for a rejection.
pub fn ecs_findings(actual: &Value, namespace: &str) -> edge_ecs::Findings {
    match actual.as_object() {
        Some(fields) if fields.len() == 1 && fields.get("error").is_some_and(Value::is_string) => {
            edge_ecs::Findings::default()
        }
        _ => edge_ecs::check(actual, namespace),
    }
}

#[cfg(test)]
mod tests;
