//! Helpers to read an [`Event`] and build [`Fields`].

use crate::{format_rfc3339, Event, Fields, Timestamp, Value};

/// The ECS key of the event time. The host rewrites whatever datetime is there to RFC 3339 UTC.
pub const TIMESTAMP: &str = "@timestamp";
/// The ECS key of the original text.
pub const MESSAGE: &str = "message";

/// The time of the event: the client-supplied time if any, else the time the edge received it.
pub fn event_time(event: &Event) -> Timestamp {
    event.client_time.unwrap_or(event.received_at)
}

/// [`event_time`] as an RFC 3339 JSON string, ready for `@timestamp`.
pub fn timestamp_value(event: &Event) -> Value {
    Value::String(format_rfc3339(event_time(event)))
}

/// The value of the first envelope metadata pair named `name` (an ECS name such as
/// `log.syslog.hostname`), if any.
pub fn metadata<'a>(event: &'a Event, name: &str) -> Option<&'a str> {
    event
        .metadata
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// Whether `name` is a dotted ECS field name: two or more non-empty segments separated by dots,
/// made of ASCII letters, digits, `_` and `-` (`log.syslog.hostname`, `source.ip`).
pub fn is_dotted_ecs_name(name: &str) -> bool {
    name.contains('.')
        && name.split('.').all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
}

/// Moves the envelope metadata whose names are dotted ECS names into `fields`, as flat dotted
/// keys. Other names are dropped, and a key already in `fields` is never overwritten (the first
/// pair with a given name wins).
pub fn insert_metadata(fields: &mut Fields, metadata: Vec<(String, String)>) {
    for (name, value) in metadata {
        if is_dotted_ecs_name(&name) {
            fields.entry(name).or_insert(Value::String(value));
        }
    }
}

/// The generic text-line normalization (what the builtin `plain` format does):
/// `{"message": raw, "@timestamp": client time or reception time}` plus the dotted ECS metadata.
/// Rejects an empty or whitespace-only event with "empty event".
pub fn message_event(event: Event) -> Result<Fields, String> {
    if event.raw.trim().is_empty() {
        return Err("empty event".into());
    }
    let mut fields = Fields::new();
    fields.insert(TIMESTAMP.into(), timestamp_value(&event));
    fields.insert(MESSAGE.into(), Value::String(event.raw));
    insert_metadata(&mut fields, event.metadata);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::event;
    use crate::{json, Timestamp};

    #[test]
    fn event_time_prefers_client_time() {
        let mut e = event("x");
        assert_eq!(event_time(&e).seconds, 1_714_564_800);
        e.client_time = Some(Timestamp {
            seconds: 7,
            nanoseconds: 8,
        });
        let t = event_time(&e);
        assert_eq!((t.seconds, t.nanoseconds), (7, 8));
    }

    #[test]
    fn metadata_lookup() {
        let mut e = event("x");
        e.metadata = vec![
            ("log.syslog.hostname".into(), "fw1".into()),
            ("log.syslog.hostname".into(), "fw2".into()),
        ];
        assert_eq!(metadata(&e, "log.syslog.hostname"), Some("fw1"));
        assert_eq!(metadata(&e, "source.ip"), None);
    }

    #[test]
    fn dotted_names() {
        for ok in [
            "log.syslog.hostname",
            "source.ip",
            "a.b",
            "x_y.z-1",
            "Custom.Field",
        ] {
            assert!(is_dotted_ecs_name(ok), "{ok}");
        }
        for bad in [
            "",
            "message",
            ".a",
            "a.",
            "a..b",
            "a.b c",
            "a.b/c",
            "@timestamp",
            "é.a",
        ] {
            assert!(!is_dotted_ecs_name(bad), "{bad}");
        }
    }

    #[test]
    fn message_event_builds_flat_fields() {
        let mut e = event("hello world");
        e.metadata = vec![
            ("log.syslog.hostname".into(), "fw1".into()),
            ("X-Forwarded-For".into(), "192.0.2.1".into()),
            ("message".into(), "not me".into()),
            ("log.syslog.hostname".into(), "fw2".into()),
        ];
        let fields = message_event(e).expect("normalized");
        assert_eq!(
            Value::Object(fields),
            json!({
                "message": "hello world",
                "@timestamp": "2024-05-01T12:00:00.000Z",
                "log.syslog.hostname": "fw1",
            })
        );
    }

    #[test]
    fn message_event_rejects_blank() {
        assert_eq!(message_event(event("")), Err("empty event".to_string()));
        assert_eq!(
            message_event(event(" \t\r\n")),
            Err("empty event".to_string())
        );
    }
}
