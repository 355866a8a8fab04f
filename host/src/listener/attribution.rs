//! Turns one syslog message (from syslog/TLS or a RELP `syslog` frame) into an event of its
//! intake: parse it, find the intake by the key in its structured data (or the listener's bound
//! intake), and keep the header as the envelope. Shared by both stream listeners.

use crate::event::{Envelope, Incoming, SyslogHeader};
use crate::registry::RegistryHandle;
use crate::syslog::{self, ParseOptions, SyslogError, SyslogMessage};
use crate::telemetry::Rejection;
use chrono::Utc;
use std::sync::Arc;

pub struct Attributor {
    pub registry: Arc<RegistryHandle>,
    /// The SD-ID of the element carrying `intake_key`.
    pub sd_id: String,
    pub rfc3164_zone: chrono::FixedOffset,
    /// Set for a listener bound to one intake.
    pub bound_intake: Option<String>,
}

/// Why a message goes to no intake. Its kind is the listener's counter
/// ([`AttributionError::rejection`]); its text the detail of the log line and the RELP answer.
/// Never holds the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttributionError {
    #[error(transparent)]
    Malformed(#[from] SyslogError),
    #[error("no {sd_id} intake_key element")]
    NoKey { sd_id: String },
    #[error("unknown intake key")]
    UnknownKey,
    /// The listener's intake was removed by a reload (the listener itself needs a restart).
    #[error("bound intake {name:?} is no longer configured")]
    BoundIntakeGone { name: String },
}

impl AttributionError {
    /// The counter this rejection goes to.
    pub fn rejection(&self) -> Rejection {
        match self {
            Self::Malformed(_) => Rejection::Malformed,
            Self::NoKey { .. } => Rejection::NoKey,
            Self::UnknownKey | Self::BoundIntakeGone { .. } => Rejection::UnknownKey,
        }
    }
}

impl Attributor {
    /// The event, or why the message is rejected.
    pub fn attribute(&self, bytes: &[u8], peer: &str) -> Result<Incoming, AttributionError> {
        // `from_utf8` checks ASCII a word at a time; the lossy decoder goes byte by byte, and
        // is kept for what is not UTF-8 (invalid bytes become U+FFFD).
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(bytes),
        };
        let options = ParseOptions {
            now: Utc::now(),
            rfc3164_zone: self.rfc3164_zone,
        };
        let message = syslog::parse(&text, &options)?;
        let key_element = message.structured_data.iter().position(|e| e.id == self.sd_id);
        let registry = self.registry.current();
        let intake = match &self.bound_intake {
            Some(name) => registry
                .intake_by_name(name)
                .ok_or_else(|| AttributionError::BoundIntakeGone { name: name.clone() })?,
            None => {
                let key = key_element
                    .and_then(|i| message.structured_data[i].param("intake_key"))
                    .ok_or_else(|| AttributionError::NoKey {
                        sd_id: self.sd_id.clone(),
                    })?;
                registry.intake_for_key(key).ok_or(AttributionError::UnknownKey)?
            }
        }
        .clone();
        Ok(Incoming {
            intake,
            raw: message.msg.to_string(),
            client_time: message.timestamp,
            envelope: Envelope {
                source_address: Some(peer.to_string()),
                syslog: Some(header(&message, key_element)),
                metadata: Vec::new(),
            },
            source_id: None,
        })
    }
}

/// The header a component sees. The intake-key element is left out of the structured data.
fn header(m: &SyslogMessage<'_>, key_element: Option<usize>) -> SyslogHeader {
    let others: Vec<_> = m
        .structured_data
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != key_element)
        .map(|(_, e)| e.clone())
        .collect();
    SyslogHeader {
        facility: m.priority.map(|p| p.facility),
        severity: m.priority.map(|p| p.severity),
        version: m.version,
        hostname: m.hostname.map(str::to_string),
        app_name: m.app_name.map(str::to_string),
        procid: m.procid.map(str::to_string),
        msgid: m.msgid.map(str::to_string),
        structured_data: (!others.is_empty()).then(|| syslog::format_structured_data(&others)),
    }
}

#[cfg(test)]
mod tests;
