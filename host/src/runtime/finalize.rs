//! Host-side checks on what a component returned, its nesting, and the canonical `@timestamp`.
//!
//! A component is untrusted: its output must be a JSON object within the format's size limit.
//! Components emit flat dotted ECS names (`"source.ip"`); what is stored is the nested document
//! (`{"source": {"ip": …}}`), as Elasticsearch stores it, and a conflict (`a` and `a.b`, one
//! field twice) rejects the event naming the field ([`edge_ecs::nest`]).
//! `@timestamp` may come in any datetime form the host understands; it is rewritten to RFC 3339
//! UTC, or set from the client time (else the reception time) when the component left it out.

use crate::event::{time, Event};
use crate::timeparse;
use chrono::{DateTime, Utc};
use edge_ecs::Document;

const TIMESTAMP: &str = "@timestamp";

/// Rejection reasons are bounded: they are stored with every event of a bad batch. The fixture
/// runners cut them the same way (`fixture_check::MAX_REASON_BYTES`; a test checks).
const MAX_REASON_BYTES: usize = 2048;

/// What the store keeps for one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The normalized JSON object, or the rejection reason.
    pub normalized: Result<String, String>,
    pub event_time_us: Option<i64>,
}

impl Outcome {
    pub fn rejected(reason: String) -> Outcome {
        Outcome {
            normalized: Err(truncate(reason)),
            event_time_us: None,
        }
    }
}

/// Turns a component's result for `event` into what is stored: a nested ECS document (dotted
/// keys expanded, see [`edge_ecs::nest`]) with a canonical `@timestamp`, or the rejection reason.
pub fn finalize(result: Result<String, String>, event: &Event, max_output_bytes: usize) -> Outcome {
    let json = match result {
        Ok(json) => json,
        Err(reason) => return Outcome::rejected(reason),
    };
    if json.len() > max_output_bytes {
        return Outcome::rejected(format!(
            "normalized event is {} bytes, over the format's limit of {max_output_bytes}",
            json.len()
        ));
    }
    // A JSON array would also read as a map of nothing; only an object is a normalized event.
    if !json.trim_start().starts_with('{') {
        return Outcome::rejected("component returned something other than a JSON object".into());
    }
    // What the SDK's components send: a document already nested, checked in one pass and kept
    // as the text it is, with at most the time rewritten in place.
    if let Some(raw_time) = edge_ecs::nest::already_nested(&json, TIMESTAMP) {
        let span = raw_time.map(|raw| span_of(&json, raw));
        return match canonical_time(raw_time, event) {
            Ok((canonical, event_time_us, already)) => Outcome {
                normalized: Ok(as_written(json, span, &canonical, already)),
                event_time_us: Some(event_time_us),
            },
            Err(rejected) => rejected,
        };
    }
    let mut document = match Document::parse(&json) {
        Ok(document) => document,
        Err(e) => return Outcome::rejected(format!("component returned invalid JSON: {e}")),
    };
    let raw_time = document.get(TIMESTAMP);
    let (canonical, event_time_us, already) = match canonical_time(raw_time, event) {
        Ok(time) => time,
        Err(rejected) => return rejected,
    };
    if document.is_nested() {
        // Nested, but more than the one pass looks at (an object of many unordered keys, a
        // `\u` escape): the text as it is.
        let span = raw_time.map(|raw| span_of(&json, raw));
        return readable(Outcome {
            normalized: Ok(as_written(json, span, &canonical, already)),
            event_time_us: Some(event_time_us),
        });
    }
    let quoted = format!("\"{canonical}\"");
    if !already {
        document.set(TIMESTAMP, &quoted);
    }
    match document.into_json() {
        Ok(nested) => readable(Outcome {
            normalized: Ok(nested),
            event_time_us: Some(event_time_us),
        }),
        Err(e) => Outcome::rejected(e.to_string()),
    }
}

/// The general paths copy values as written: a number out of serde_json's range would be
/// stored and then fail every reader (found by the `component_output` fuzz target).
fn readable(outcome: Outcome) -> Outcome {
    match &outcome.normalized {
        Ok(text) => match edge_ecs::nest::check_readable(text) {
            Ok(()) => outcome,
            Err(e) => Outcome::rejected(e.to_string()),
        },
        Err(_) => outcome,
    }
}

/// The component's text kept, with the canonical time put at `span` (where its `@timestamp` value
/// was) or inserted first, unless `already` there.
fn as_written(json: String, span: Option<std::ops::Range<usize>>, canonical: &str, already: bool) -> String {
    match span {
        _ if already => json,
        Some(span) => {
            let mut json = json;
            json.replace_range(span, &format!("\"{canonical}\""));
            json
        }
        None => with_timestamp_inserted(json, canonical),
    }
}

/// The canonical `@timestamp` of an event from the component's value (its JSON text, if any):
/// the RFC 3339 text, the instant in µs, and whether the component wrote exactly that text (the
/// text is then left empty: nothing is rewritten).
fn canonical_time(raw_time: Option<&str>, event: &Event) -> Result<(String, i64, bool), Outcome> {
    // What components usually write: the canonical form already (no rewrite, no formatting).
    if let Some(text) = raw_time.and_then(|raw| raw.strip_prefix('"')?.strip_suffix('"')) {
        if timeparse::is_canonical_rfc3339(text) {
            if let Ok(time) = timeparse::parse_datetime(text, event.received_at) {
                return Ok((String::new(), time::to_micros(time), true));
            }
        }
    }
    // `"@timestamp": null` means "not known": treat it as absent.
    let time = match raw_time.map(|raw| interpret(raw, event.received_at)).transpose() {
        Ok(time) => time.flatten().unwrap_or_else(|| fallback_time(event)),
        Err(reason) => return Err(Outcome::rejected(format!("@timestamp: {reason}"))),
    };
    let canonical = timeparse::format_rfc3339(time);
    let already = raw_time.is_some_and(|raw| raw.len() == canonical.len() + 2 && raw[1..raw.len() - 1] == canonical);
    Ok((canonical, time::to_micros(time), already))
}

/// The time of an event whose component gave none: the sender's, else the reception time.
fn fallback_time(event: &Event) -> DateTime<Utc> {
    event.client_time.unwrap_or(event.received_at)
}

/// Where `inner` (a slice borrowed from `outer`) sits in `outer`.
fn span_of(outer: &str, inner: &str) -> std::ops::Range<usize> {
    let start = inner.as_ptr() as usize - outer.as_ptr() as usize;
    start..start + inner.len()
}

/// A JSON `@timestamp` value as an instant; `Ok(None)` for `null`.
fn interpret(raw: &str, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, String> {
    let value: serde_json::Value = serde_json::from_str(raw).map_err(|e| e.to_string())?;
    match value {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(s) => timeparse::parse_datetime(&s, now).map(Some).map_err(|e| e.to_string()),
        serde_json::Value::Number(n) => {
            let parsed = match n.as_i64() {
                Some(i) => timeparse::parse_epoch_i64(i),
                None => timeparse::parse_epoch(n.as_f64().unwrap_or(f64::NAN)),
            };
            parsed.map(Some).map_err(|e| e.to_string())
        }
        other => Err(format!("expected a datetime string or an epoch number, got {other}")),
    }
}

/// Per event of most formats (those that leave the time to the host): one allocation and one
/// copy, not a formatted field inserted into a full-capacity string (two of each).
fn with_timestamp_inserted(json: String, canonical: &str) -> String {
    let open = json.len() - json.trim_start().len();
    let rest = &json[open + 1..];
    let mut out = String::with_capacity(json.len() + canonical.len() + 17);
    out.push_str(&json[..=open]);
    out.push_str("\"@timestamp\":\"");
    out.push_str(canonical);
    out.push('"');
    if !rest.trim_start().starts_with('}') {
        out.push(',');
    }
    out.push_str(rest);
    out
}

fn truncate(mut s: String) -> String {
    if s.len() > MAX_REASON_BYTES {
        let mut end = MAX_REASON_BYTES;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests;
