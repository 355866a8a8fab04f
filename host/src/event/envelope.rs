//! The envelope of an event: what the node knows of it besides its text (the sender's address,
//! the syslog header, other metadata), and its stored form, one JSON object of ECS names written
//! once per event and read back when stored events are normalized again.

use serde_json::Value;
use std::fmt::Write as _;

const SOURCE_ADDRESS: &str = "log.source.address";
const FACILITY: &str = "log.syslog.facility.code";
const SEVERITY: &str = "log.syslog.severity.code";
const VERSION: &str = "log.syslog.version";
const HOSTNAME: &str = "log.syslog.hostname";
const APP_NAME: &str = "log.syslog.appname";
const PROCID: &str = "log.syslog.procid";
const MSGID: &str = "log.syslog.msgid";
const STRUCTURED_DATA: &str = "log.syslog.structured_data";

/// The header of an event that came as syslog (RFC 5424 or RFC 3164).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyslogHeader {
    /// From PRI; absent when the message had none.
    pub facility: Option<u8>,
    pub severity: Option<u8>,
    /// RFC 5424 VERSION; absent for RFC 3164 messages.
    pub version: Option<u16>,
    pub hostname: Option<String>,
    pub app_name: Option<String>,
    pub procid: Option<String>,
    pub msgid: Option<String>,
    /// Structured data other than the intake-key element, in RFC 5424 form.
    pub structured_data: Option<String>,
}

/// Everything about an event but its text and times. Never holds the intake key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Envelope {
    /// The sender's `ip:port`.
    pub source_address: Option<String>,
    /// The syslog header, for events that came as syslog.
    pub syslog: Option<SyslogHeader>,
    /// Other envelope metadata as (ECS field name, value).
    pub metadata: Vec<(String, String)>,
}

/// A stored envelope that is not what [`Envelope::to_json`] writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("stored envelope is not JSON: {reason}")]
    Json { reason: String },
    #[error("stored envelope is not a JSON object")]
    NotAnObject,
    #[error("stored envelope field {key:?} is not {expected}")]
    Field { key: String, expected: &'static str },
}

impl Envelope {
    /// The stored form: a JSON object of ECS names, or `None` for an empty envelope. Written
    /// directly into one buffer sized up front: this runs for every event.
    pub fn to_json(&self) -> Option<String> {
        let header = self.syslog.as_ref();
        let texts = [
            (SOURCE_ADDRESS, self.source_address.as_deref()),
            (HOSTNAME, header.and_then(|h| h.hostname.as_deref())),
            (APP_NAME, header.and_then(|h| h.app_name.as_deref())),
            (PROCID, header.and_then(|h| h.procid.as_deref())),
            (MSGID, header.and_then(|h| h.msgid.as_deref())),
            (STRUCTURED_DATA, header.and_then(|h| h.structured_data.as_deref())),
        ];
        let numbers = [
            (FACILITY, header.and_then(|h| h.facility).map(u64::from)),
            (SEVERITY, header.and_then(|h| h.severity).map(u64::from)),
            (VERSION, header.and_then(|h| h.version).map(u64::from)),
        ];
        // Keys, values, quotes and separators; escapes may still grow it.
        let size = texts
            .iter()
            .filter_map(|(k, v)| v.map(|v| k.len() + v.len() + 6))
            .sum::<usize>()
            + numbers
                .iter()
                .filter(|(_, v)| v.is_some())
                .map(|(k, _)| k.len() + 9)
                .sum::<usize>()
            + self.metadata.iter().map(|(k, v)| k.len() + v.len() + 6).sum::<usize>();
        if size == 0 {
            return None;
        }
        let mut out = JsonObject(String::with_capacity(size + 2));
        // The order is that of the fields before this writer moved here; readers do not depend on it.
        out.string(SOURCE_ADDRESS, texts[0].1);
        for (key, value) in numbers {
            out.number(key, value);
        }
        for (key, value) in &texts[1..] {
            out.string(key, *value);
        }
        for (key, value) in &self.metadata {
            out.string(key, Some(value));
        }
        Some(out.finish())
    }

    /// Reads back what [`Envelope::to_json`] wrote. Anything else is an error naming the field:
    /// a row that cannot be read back must not be normalized as if it had no envelope.
    pub fn from_json(stored: &str) -> Result<Envelope, EnvelopeError> {
        let value: Value = serde_json::from_str(stored).map_err(|e| EnvelopeError::Json { reason: e.to_string() })?;
        let Value::Object(map) = value else {
            return Err(EnvelopeError::NotAnObject);
        };
        let mut envelope = Envelope::default();
        let mut header = SyslogHeader::default();
        let mut has_header = false;
        for (key, value) in map {
            has_header |= key.starts_with("log.syslog.");
            match key.as_str() {
                SOURCE_ADDRESS => envelope.source_address = Some(text(&key, value)?),
                FACILITY => header.facility = Some(number(&key, &value)?),
                SEVERITY => header.severity = Some(number(&key, &value)?),
                VERSION => header.version = Some(number(&key, &value)?),
                HOSTNAME => header.hostname = Some(text(&key, value)?),
                APP_NAME => header.app_name = Some(text(&key, value)?),
                PROCID => header.procid = Some(text(&key, value)?),
                MSGID => header.msgid = Some(text(&key, value)?),
                STRUCTURED_DATA => header.structured_data = Some(text(&key, value)?),
                _ => {
                    let value = text(&key, value)?;
                    envelope.metadata.push((key, value));
                }
            }
        }
        if has_header {
            envelope.syslog = Some(header);
        }
        Ok(envelope)
    }
}

fn text(key: &str, value: Value) -> Result<String, EnvelopeError> {
    match value {
        Value::String(s) => Ok(s),
        _ => Err(EnvelopeError::Field {
            key: key.to_string(),
            expected: "a string",
        }),
    }
}

fn number<T: TryFrom<u64>>(key: &str, value: &Value) -> Result<T, EnvelopeError> {
    value
        .as_u64()
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| EnvelopeError::Field {
            key: key.to_string(),
            expected: "an integer in the header field's range",
        })
}

/// A JSON object written field by field into a `String`: nothing to convert or check at the end.
struct JsonObject(String);

impl JsonObject {
    fn key(&mut self, key: &str) {
        self.0.push(if self.0.is_empty() { '{' } else { ',' });
        edge_ecs::write_json_string(key, &mut self.0);
        self.0.push(':');
    }

    fn string(&mut self, key: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.key(key);
            edge_ecs::write_json_string(value, &mut self.0);
        }
    }

    fn number(&mut self, key: &str, value: Option<u64>) {
        if let Some(value) = value {
            self.key(key);
            // Formatting into a `String` cannot fail.
            let _ = write!(self.0, "{value}");
        }
    }

    fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

#[cfg(test)]
mod tests;
