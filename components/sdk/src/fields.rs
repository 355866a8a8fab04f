//! Helpers to read an [`Event`] and build [`Fields`].

use crate::{format_rfc3339, Event, Fields, Sink, Timestamp, Value};

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

/// Writes the envelope metadata whose names are dotted ECS names, as flat dotted keys. Other
/// names are dropped, and a key already set is never overwritten (the first pair with a given
/// name wins).
pub fn insert_metadata<'a>(sink: &mut impl Sink<'a>, metadata: &'a [(String, String)]) {
    for (name, value) in metadata {
        if is_dotted_ecs_name(name) {
            sink.set_default(name.as_str(), value.as_str());
        }
    }
}

/// The generic text-line normalization (what the builtin `plain` format does):
/// `{"message": raw}` plus the envelope ([`insert_envelope`]) and the dotted ECS metadata.
/// `@timestamp` is left to the host, which sets it to the client time or the reception time.
/// Rejects an empty or whitespace-only event with "empty event".
pub fn message_event(event: Event) -> Result<Fields, String> {
    if event.raw.trim().is_empty() {
        return Err("empty event".into());
    }
    let mut fields = Fields::new();
    insert_envelope(&mut fields, &event);
    fields.insert(MESSAGE.into(), Value::String(event.raw));
    insert_metadata(&mut fields, &event.metadata);
    Ok(fields)
}

/// Writes the envelope as ECS fields: the syslog header as `log.syslog.*` (codes as numbers,
/// names as strings; the hostname also as `log.hostname`) and the sender's address as
/// `log.source.address`.
pub fn insert_envelope<'a>(sink: &mut impl Sink<'a>, event: &'a Event) {
    if let Some(address) = &event.source_address {
        sink.set("log.source.address", address.as_str());
    }
    let Some(header) = &event.syslog else {
        return;
    };
    if let (Some(facility), Some(severity)) = (header.facility, header.severity) {
        sink.set("log.syslog.priority", u16::from(facility) * 8 + u16::from(severity));
    }
    if let Some(facility) = header.facility {
        sink.set("log.syslog.facility.code", facility);
        sink.set("log.syslog.facility.name", facility_name(facility));
    }
    if let Some(severity) = header.severity {
        sink.set("log.syslog.severity.code", severity);
        sink.set("log.syslog.severity.name", severity_name(severity));
    }
    if let Some(version) = header.version {
        sink.set("log.syslog.version", version);
    }
    if let Some(hostname) = &header.hostname {
        sink.set("log.hostname", hostname.as_str());
        sink.set("log.syslog.hostname", hostname.as_str());
    }
    for (key, value) in [
        ("log.syslog.appname", &header.app_name),
        ("log.syslog.procid", &header.procid),
        ("log.syslog.msgid", &header.msgid),
        ("log.syslog.structured_data", &header.structured_data),
    ] {
        if let Some(value) = value {
            sink.set(key, value.as_str());
        }
    }
}

/// The RFC 5424 facility keyword (`kern` .. `local7`, `unknown` above 23).
pub fn facility_name(code: u8) -> &'static str {
    syslog_grammar::facility_name(code)
}

/// The RFC 5424 severity keyword (`emerg` .. `debug`, `unknown` above 7).
pub fn severity_name(code: u8) -> &'static str {
    syslog_grammar::severity_name(code)
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
        for ok in ["log.syslog.hostname", "source.ip", "a.b", "x_y.z-1", "Custom.Field"] {
            assert!(is_dotted_ecs_name(ok), "{ok}");
        }
        for bad in ["", "message", ".a", "a.", "a..b", "a.b c", "a.b/c", "@timestamp", "é.a"] {
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
                "log.syslog.hostname": "fw1",
            })
        );
    }

    #[test]
    fn syslog_envelope_becomes_ecs_fields_with_numbers() {
        let mut e = event("m");
        e.source_address = Some("192.0.2.1:514".into());
        e.syslog = Some(crate::SyslogHeader {
            facility: Some(4),
            severity: Some(6),
            version: Some(1),
            hostname: Some("fw1".into()),
            app_name: Some("sshd".into()),
            procid: Some("42".into()),
            msgid: None,
            structured_data: Some("[x@1 a=\"b\"]".into()),
        });
        let fields = message_event(e).expect("normalized");
        assert_eq!(
            Value::Object(fields),
            json!({
                "message": "m",
                "log.source.address": "192.0.2.1:514",
                "log.syslog.priority": 38,
                "log.syslog.facility.code": 4,
                "log.syslog.facility.name": "auth",
                "log.syslog.severity.code": 6,
                "log.syslog.severity.name": "info",
                "log.syslog.version": 1,
                "log.hostname": "fw1",
                "log.syslog.hostname": "fw1",
                "log.syslog.appname": "sshd",
                "log.syslog.procid": "42",
                "log.syslog.structured_data": "[x@1 a=\"b\"]",
            })
        );
        assert_eq!(facility_name(23), "local7");
        assert_eq!(facility_name(24), "unknown");
        assert_eq!(severity_name(0), "emerg");
    }

    #[test]
    fn message_event_rejects_blank() {
        assert_eq!(message_event(event("")), Err("empty event".to_string()));
        assert_eq!(message_event(event(" \t\r\n")), Err("empty event".to_string()));
    }
}
