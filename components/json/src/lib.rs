//! The `json` format: the raw event must be one JSON object.
//!
//! The object is kept as the sender wrote it (top-level keys kept, nested objects kept nested;
//! no field is invented) except `@timestamp`: kept if present, otherwise copied from
//! `timestamp` if present, otherwise left to the host (client time, else reception time). A
//! `null` counts as absent. The host rewrites `@timestamp` to RFC 3339 UTC whatever its datetime
//! format.
//!
//! The batch path keeps the sender's text when it needs nothing (no dotted key, no key twice:
//! one pass, `already_nested`), with at most `@timestamp` put in; dotted keys are nested with
//! the values as written ([`Document`]). What it cannot take (not an object, invalid JSON, a
//! key given twice or conflicting) goes through `normalize_one`, whose `Value` tree (keys
//! sorted) and error words are the reference the tests hold the batch path to.

use edge_format_sdk::serde_json;
use edge_format_sdk::{
    already_nested_picking, describe, to_json_string, Description, Document, Event, Fields, Format, Value, TIMESTAMP,
};

pub struct Json;

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn present(fields: &Fields, key: &str) -> bool {
    fields.get(key).is_some_and(|v| !v.is_null())
}

impl Format for Json {
    fn describe() -> Description {
        describe!(
            "json",
            "One JSON object per event, kept as it is; `@timestamp` from `@timestamp`, `timestamp`, or the client/reception time",
            ["generic"],
            r#"{"timestamp":"2024-05-01T12:00:00Z","message":"user login","event":{"action":"login","outcome":"success"},"user":{"name":"alice"},"source.ip":"192.0.2.10"}"#,
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        let mut fields = match serde_json::from_str::<Value>(&event.raw) {
            Ok(Value::Object(fields)) => fields,
            Ok(other) => return Err(format!("expected a JSON object, got {}", kind(&other))),
            Err(e) => return Err(format!("invalid JSON: {e}")),
        };
        // Without a time of its own, `@timestamp` is left to the host (client or reception time).
        if !present(&fields, TIMESTAMP) {
            if let Some(value) = fields.get("timestamp").filter(|v| !v.is_null()).cloned() {
                fields.insert(TIMESTAMP.into(), value);
            }
        }
        Ok(fields)
    }

    fn normalize(events: Vec<Event>) -> Vec<Result<String, String>> {
        events
            .into_iter()
            .map(|event| match kept_as_written(event.raw) {
                Ok(json) => Ok(json),
                Err(raw) => {
                    let event = Event { raw, ..event };
                    let hint = event.raw.len() + 64;
                    Self::normalize_one(event).and_then(|fields| to_json_string(&fields, hint))
                }
            })
            .collect()
    }
}

/// The object as written, `@timestamp` as `normalize_one` sets it, nested where a key has dots;
/// the raw text back for what only `normalize_one` can explain.
fn kept_as_written(raw: String) -> Result<String, String> {
    // The usual object needs nothing (no dotted key, none twice): the sender's text itself.
    if let Some([time, copied]) = already_nested_picking(&raw, [TIMESTAMP, "timestamp"]) {
        return match copied {
            Some(copied) if time.is_none_or(|t| t == "null") && copied != "null" => {
                Ok(with_timestamp(&raw, time, copied))
            }
            _ => Ok(raw),
        };
    }
    nested(&raw).ok_or(raw)
}

/// `raw` with `copied` as its `@timestamp`: in place of `time` (a `null` inside `raw`), or
/// first.
fn with_timestamp(raw: &str, time: Option<&str>, copied: &str) -> String {
    let mut out = String::with_capacity(raw.len() + copied.len() + 16);
    match time {
        Some(null) => {
            // `null` is a slice of `raw`: its offset is the distance between their starts.
            let at = null.as_ptr() as usize - raw.as_ptr() as usize;
            out.push_str(&raw[..at]);
            out.push_str(copied);
            out.push_str(&raw[at + null.len()..]);
        }
        None => {
            let open = raw.find('{').unwrap_or_default() + 1;
            out.push_str(&raw[..open]);
            out.push_str("\"@timestamp\":");
            out.push_str(copied);
            if !raw[open..].trim_start().starts_with('}') {
                out.push(',');
            }
            out.push_str(&raw[open..]);
        }
    }
    out
}

/// Keys with dots nested ([`Document`]: values as written, objects read again only where they
/// need it); `None` when it is not a valid object or its keys conflict.
fn nested(raw: &str) -> Option<String> {
    let mut doc = Document::parse(raw).ok()?;
    if doc.get(TIMESTAMP).is_none_or(|v| v == "null") {
        if let Some(time) = doc.get("timestamp").filter(|v| *v != "null") {
            doc.set(TIMESTAMP, time);
        }
    }
    let json = doc.into_json().ok()?;
    // Values are kept as written, read for their syntax only: a number beyond f64 (`1e400`) or
    // a lone surrogate (`"\ud800"`) is `normalize_one`'s "invalid JSON" too, not a document
    // the host would refuse to store.
    if may_not_read_back(raw) && edge_format_sdk::check_readable(&json).is_err() {
        return None;
    }
    Some(json)
}

/// Whether the text may hold a number out of f64's range (one with an exponent, or 309 digits
/// and more) or a `\uD8xx`…`\uDFxx` escape, which must come in valid pairs: one pass that
/// tells strings from numbers.
fn may_not_read_back(raw: &str) -> bool {
    let mut bytes = raw.bytes();
    let mut digits = 0usize;
    while let Some(b) = bytes.next() {
        match b {
            b'"' => {
                digits = 0;
                while let Some(b) = bytes.next() {
                    match b {
                        b'"' => break,
                        b'\\' if bytes.next() == Some(b'u') && bytes.next().is_some_and(|d| d | 0x20 == b'd') => {
                            return true;
                        }
                        _ => {}
                    }
                }
            }
            b'0'..=b'9' => {
                digits += 1;
                if digits > 308 {
                    return true;
                }
            }
            b'e' | b'E' if digits > 0 => return true,
            b'.' => {}
            _ => digits = 0,
        }
    }
    false
}

edge_format_sdk::export_format!(Json);

#[cfg(test)]
mod tests {
    use super::*;
    use edge_format_sdk::{json, Timestamp};

    edge_format_sdk::catalog_test!(Json);

    fn event(raw: &str) -> Event {
        Event {
            client_time: Some(Timestamp {
                seconds: 1_714_564_801,
                nanoseconds: 0,
            }),
            metadata: vec![("log.syslog.hostname".into(), "fw1".into())],
            ..edge_format_sdk::fixtures::https_event(raw, 1_714_564_800)
        }
    }

    fn normalize(raw: &str) -> Result<Value, String> {
        Json::normalize_one(event(raw)).map(Value::Object)
    }

    #[test]
    fn keeps_the_object_and_its_timestamp() {
        let raw = r#"{"@timestamp":"2024-01-01T00:00:00+02:00","a":{"b":[1,2.5,true,null]},"c.d":"e"}"#;
        assert_eq!(
            normalize(raw),
            Ok(json!({"@timestamp":"2024-01-01T00:00:00+02:00","a":{"b":[1,2.5,true,null]},"c.d":"e"}))
        );
    }

    #[test]
    fn copies_timestamp_else_leaves_it_to_the_host() {
        assert_eq!(
            normalize(r#"{"timestamp":1714564800123,"x":1}"#),
            Ok(json!({"timestamp":1714564800123_u64,"@timestamp":1714564800123_u64,"x":1}))
        );
        assert_eq!(normalize(r#"{"x":1}"#), Ok(json!({"x":1})));
        assert_eq!(
            normalize(r#"{"@timestamp":null,"timestamp":null}"#),
            Ok(json!({"timestamp":null,"@timestamp":null}))
        );
    }

    #[test]
    fn rejects_non_objects_and_invalid_json() {
        assert_eq!(normalize("[1]"), Err("expected a JSON object, got an array".into()));
        assert_eq!(normalize(r#""s""#), Err("expected a JSON object, got a string".into()));
        assert_eq!(normalize("42"), Err("expected a JSON object, got a number".into()));
        assert_eq!(normalize("null"), Err("expected a JSON object, got null".into()));
        assert_eq!(
            normalize("not json"),
            Err("invalid JSON: expected ident at line 1 column 2".into())
        );
        assert_eq!(
            normalize(""),
            Err("invalid JSON: EOF while parsing a value at line 1 column 0".into())
        );
        assert_eq!(
            normalize(r#"{"a":1} trailing"#),
            Err("invalid JSON: trailing characters at line 1 column 9".into())
        );
    }

    #[test]
    fn batch_path_agrees_with_normalize_one() {
        for raw in [
            r#" { "b" : [1, 2e3, {"z.y": -0.5, "a": "\u00e9\n"}], "a.c": {"d": null}, "a.b": true } "#,
            r#"{"timestamp":"2024-05-01T12:00:00Z","@timestamp":null,"x":{"y":{"z":1}}}"#,
            r#"{"@timestamp":"t","timestamp":"u"}"#,
            r#"  { "b" : {"y": 1, "x": [2]}, "timestamp" : 1714564800 }  "#,
            r#"{ "timestamp":"2024-05-01T12:00:00Z","@timestamp" : null ,"a":1}"#,
            r#"{"timestamp":null}"#,
            "{ }",
            r#"{"k":1,"k":2}"#,
            r#"{"a":1,"a.b":2}"#,
            r#"{"a":{"b":1},"a.b":2}"#,
            r#"{"":1}"#,
            r#"{"a..b":1}"#,
            r#"{"n":1e400}"#,
            r#"{"big":18446744073709551616,"neg":-9223372036854775809}"#,
            r#"{"s":"\ud800"}"#,
            r#"{"s":"\ud83d\ude00 \uDBFF\uDFFF","t":"\x"}"#,
            r#"{"s":"\ud83d\ude00 \uDBFF\uDFFF"}"#,
            "{\"s\":\"tab\tin\"}",
            r#"{"n":1.5E+3,"m":-0,"o":12345678901234567890123}"#,
            "[1]",
            "{",
            "",
        ] {
            let _ = edge_format_sdk::fixtures::normalize_one_checked::<Json>(event(raw));
        }
    }

    #[test]
    fn batch_serializes_each_result() {
        let out = Json::normalize(vec![event(r#"{"@timestamp":"t","m":"x"}"#), event("{")]);
        assert_eq!(out[0], Ok(r#"{"@timestamp":"t","m":"x"}"#.to_string()));
        assert!(out[1].as_ref().is_err_and(|e| e.starts_with("invalid JSON: ")));
    }

    #[test]
    fn describes_itself() {
        let d = Json::describe();
        assert_eq!(d.name, "json");
        assert_eq!(d.categories, ["generic"]);
        assert!(Json::normalize_one(event(&d.sample)).is_ok());
    }
}
