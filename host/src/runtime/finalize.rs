//! Host-side checks on what a component returned, and the canonical `@timestamp`.
//!
//! A component is untrusted: its output must be a JSON object within the format's size limit.
//! `@timestamp` may come in any datetime form the host understands; it is rewritten to RFC 3339
//! UTC, or set from the client time (else the reception time) when the component left it out.

use crate::event::{time, Event};
use crate::timeparse;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;

/// Rejection reasons are bounded: they are stored with every event of a bad batch.
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

#[derive(Deserialize)]
struct Peek<'a> {
    // Not a plain `Option`: serde would read `null` as absent, and a second `@timestamp` key
    // would then be inserted.
    #[serde(rename = "@timestamp", borrow, default, deserialize_with = "present")]
    timestamp: Option<&'a RawValue>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

/// Turns a component's result for `event` into what is stored.
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
    // serde would also accept a JSON array as a struct; only an object is a normalized event.
    if !json.trim_start().starts_with('{') {
        return Outcome::rejected("component returned something other than a JSON object".into());
    }
    let peek: Peek<'_> = match serde_json::from_str(&json) {
        Ok(p) => p,
        Err(e) => return Outcome::rejected(format!("component returned invalid JSON: {e}")),
    };
    match peek.timestamp.map(|raw| (raw, span_of(&json, raw.get()))) {
        None => with_timestamp_inserted(json, fallback_time(event)),
        Some((raw, span)) => match interpret(raw.get(), event.received_at) {
            Ok(Some(t)) => {
                let canonical = timeparse::format_rfc3339(t);
                let already = raw.get().len() == canonical.len() + 2 && raw.get()[1..raw.get().len() - 1] == canonical;
                let mut json = json;
                if !already {
                    json.replace_range(span, &format!("\"{canonical}\""));
                }
                Outcome {
                    normalized: Ok(json),
                    event_time_us: Some(time::to_micros(t)),
                }
            }
            // `"@timestamp": null` means "not known": treat it as absent.
            Ok(None) => {
                let t = fallback_time(event);
                let mut json = json;
                json.replace_range(span, &format!("\"{}\"", timeparse::format_rfc3339(t)));
                Outcome {
                    normalized: Ok(json),
                    event_time_us: Some(time::to_micros(t)),
                }
            }
            Err(reason) => Outcome::rejected(format!("@timestamp: {reason}")),
        },
    }
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

fn with_timestamp_inserted(mut json: String, t: DateTime<Utc>) -> Outcome {
    let open = json.len() - json.trim_start().len();
    let rest_empty = json[open + 1..].trim_start().starts_with('}');
    let field = format!(
        "\"@timestamp\":\"{}\"{}",
        timeparse::format_rfc3339(t),
        if rest_empty { "" } else { "," }
    );
    json.insert_str(open + 1, &field);
    Outcome {
        normalized: Ok(json),
        event_time_us: Some(time::to_micros(t)),
    }
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
