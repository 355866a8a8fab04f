//! The envelope of an event (sender address, syslog header, other metadata) as the store keeps
//! it: one JSON object of ECS names, written once per event and read back when stored events are
//! normalized again.

use crate::runtime::{Event, SyslogHeader};
use serde_json::Value;

const SOURCE_ADDRESS: &str = "log.source.address";

/// The envelope as stored: a JSON object of ECS names, written directly (this runs per event).
pub fn to_json(event: &Event) -> Option<String> {
    if event.source_address.is_none() && event.syslog.is_none() && event.metadata.is_empty() {
        return None;
    }
    let mut out = JsonObject::default();
    if let Some(a) = &event.source_address {
        out.string(SOURCE_ADDRESS, a);
    }
    if let Some(h) = &event.syslog {
        if let Some(f) = h.facility {
            out.number("log.syslog.facility.code", u64::from(f));
        }
        if let Some(s) = h.severity {
            out.number("log.syslog.severity.code", u64::from(s));
        }
        if let Some(v) = h.version {
            out.number("log.syslog.version", u64::from(v));
        }
        for (key, value) in [
            ("log.syslog.hostname", &h.hostname),
            ("log.syslog.appname", &h.app_name),
            ("log.syslog.procid", &h.procid),
            ("log.syslog.msgid", &h.msgid),
            ("log.syslog.structured_data", &h.structured_data),
        ] {
            if let Some(v) = value {
                out.string(key, v);
            }
        }
    }
    for (k, v) in &event.metadata {
        out.string(k, v);
    }
    out.finish()
}

/// A JSON object written field by field.
#[derive(Default)]
struct JsonObject {
    buf: Vec<u8>,
}

impl JsonObject {
    fn key(&mut self, key: &str) {
        self.buf.push(if self.buf.is_empty() { b'{' } else { b',' });
        // Writing a &str into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.buf, key);
        self.buf.push(b':');
    }

    fn string(&mut self, key: &str, value: &str) {
        self.key(key);
        let _ = serde_json::to_writer(&mut self.buf, value);
    }

    fn number(&mut self, key: &str, value: u64) {
        self.key(key);
        self.buf.extend_from_slice(value.to_string().as_bytes());
    }

    fn finish(mut self) -> Option<String> {
        if self.buf.is_empty() {
            return None;
        }
        self.buf.push(b'}');
        String::from_utf8(self.buf).ok()
    }
}

/// A syslog header with nothing in it, to fill field by field.
pub fn empty_header() -> SyslogHeader {
    SyslogHeader {
        facility: None,
        severity: None,
        version: None,
        hostname: None,
        app_name: None,
        procid: None,
        msgid: None,
        structured_data: None,
    }
}

/// The envelope parts of a stored `metadata` object: what [`to_json`] wrote, back as the event's
/// `source_address`, `syslog` header and other metadata pairs.
pub struct Restored {
    pub source_address: Option<String>,
    pub syslog: Option<SyslogHeader>,
    pub metadata: Vec<(String, String)>,
}

/// Reads back what [`to_json`] wrote; `None` or an unreadable column gives an empty envelope.
pub fn restore(stored: Option<&str>) -> Restored {
    let mut restored = Restored {
        source_address: None,
        syslog: None,
        metadata: Vec::new(),
    };
    let Some(Ok(Value::Object(map))) = stored.map(serde_json::from_str::<Value>) else {
        return restored;
    };
    let mut header = empty_header();
    let mut has_header = false;
    let text = |v: &Value| v.as_str().map(str::to_string);
    let number = |v: &Value| v.as_u64();
    for (key, value) in map {
        let is_header = key.starts_with("log.syslog.");
        match key.as_str() {
            SOURCE_ADDRESS => restored.source_address = text(&value),
            "log.syslog.facility.code" => header.facility = number(&value).and_then(|n| u8::try_from(n).ok()),
            "log.syslog.severity.code" => header.severity = number(&value).and_then(|n| u8::try_from(n).ok()),
            "log.syslog.version" => header.version = number(&value).and_then(|n| u16::try_from(n).ok()),
            "log.syslog.hostname" => header.hostname = text(&value),
            "log.syslog.appname" => header.app_name = text(&value),
            "log.syslog.procid" => header.procid = text(&value),
            "log.syslog.msgid" => header.msgid = text(&value),
            "log.syslog.structured_data" => header.structured_data = text(&value),
            _ => {
                if let Some(v) = text(&value) {
                    restored.metadata.push((key, v));
                }
                continue;
            }
        }
        has_header |= is_header;
    }
    if has_header {
        restored.syslog = Some(header);
    }
    restored
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{Timestamp, WitProtocol};

    fn event(syslog: Option<SyslogHeader>, metadata: Vec<(String, String)>) -> Event {
        Event {
            raw: "x".into(),
            received_at: Timestamp {
                seconds: 0,
                nanoseconds: 0,
            },
            client_time: None,
            protocol: WitProtocol::Syslog,
            source_address: Some("192.0.2.1:514".into()),
            syslog,
            metadata,
        }
    }

    #[test]
    fn round_trips_header_and_metadata() {
        let header = SyslogHeader {
            facility: Some(4),
            severity: Some(2),
            version: Some(1),
            hostname: Some("fw1".into()),
            app_name: Some("sshd".into()),
            procid: Some("42".into()),
            msgid: None,
            structured_data: Some(r#"[a@1 b="c"]"#.into()),
        };
        let ev = event(Some(header.clone()), vec![("http.request.id".into(), "r1".into())]);
        let json = to_json(&ev).expect("an envelope");
        let back = restore(Some(&json));
        assert_eq!(back.source_address.as_deref(), Some("192.0.2.1:514"));
        assert_eq!(format!("{:?}", back.syslog), format!("{:?}", Some(header)));
        assert_eq!(back.metadata, vec![("http.request.id".to_string(), "r1".to_string())]);
    }

    #[test]
    fn no_header_stays_none() {
        let ev = event(None, Vec::new());
        let back = restore(to_json(&ev).as_deref());
        assert!(back.syslog.is_none());
        assert_eq!(back.source_address.as_deref(), Some("192.0.2.1:514"));
        let empty = restore(None);
        assert!(empty.source_address.is_none() && empty.syslog.is_none() && empty.metadata.is_empty());
        assert!(restore(Some("not json")).metadata.is_empty());
    }
}
