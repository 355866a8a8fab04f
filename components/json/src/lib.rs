//! The `json` format: the raw event must be one JSON object.
//!
//! The object is kept as the sender wrote it (top-level keys kept, nested objects kept nested;
//! no field is invented) except `@timestamp`: kept if present, otherwise copied from
//! `timestamp` if present, otherwise left to the host (client time, else reception time). A
//! `null` counts as absent. The host rewrites `@timestamp` to RFC 3339 UTC whatever its datetime
//! format. Keys come out sorted (serde_json's default map), which JSON does not care about.

use edge_format_sdk::serde_json;
use edge_format_sdk::{describe, Description, Event, Fields, Format, Value, TIMESTAMP};

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
}

edge_format_sdk::export_format!(Json);

#[cfg(test)]
mod tests {
    use super::*;
    use edge_format_sdk::{json, Timestamp};

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
