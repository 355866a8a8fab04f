//! The event as the node knows it, in one place: how it came in ([`Protocol`]), its times
//! ([`time`]), its [`Envelope`] (sender address, [`SyslogHeader`], metadata), and the only
//! conversions to what a format component sees ([`wit`]) and what the store keeps ([`row`], and
//! the envelope's JSON). Listeners build [`Incoming`] events; the pipeline turns them into
//! [`Event`]s, which the runtime normalizes and the store keeps.
//!
//! The types here depend on nothing else of the crate (but [`Incoming`] on the intake it names);
//! `wit.rs` uses the generated bindings and `row.rs` the store's row types, which themselves
//! use only [`Protocol`].

mod envelope;
mod incoming;
mod protocol;
pub mod row;
pub mod time;
pub(crate) mod wit;

pub use envelope::{Envelope, EnvelopeError, SyslogHeader};
pub use incoming::Incoming;
pub use protocol::{Protocol, UnknownProtocol};

use chrono::{DateTime, Utc};

/// One event as its format component sees it, and as it is stored with the component's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The event as the sender sent it: one line, one JSON document, one syslog MSG.
    pub raw: String,
    /// When the node received it.
    pub received_at: DateTime<Utc>,
    /// The time the sender gave (HTTP header or body field, syslog TIMESTAMP), if any.
    pub client_time: Option<DateTime<Utc>>,
    pub protocol: Protocol,
    pub envelope: Envelope,
}

impl Event {
    /// An event with no client time and an empty envelope.
    pub fn new(raw: String, received_at: DateTime<Utc>, protocol: Protocol) -> Event {
        Event {
            raw,
            received_at,
            client_time: None,
            protocol,
            envelope: Envelope::default(),
        }
    }
}

/// A header with every field set, as a message `<34>1 - fw1 sshd 42 ID1 [a@1 b="c"]` gives it.
#[cfg(test)]
pub(crate) fn full_header() -> SyslogHeader {
    SyslogHeader {
        facility: Some(4),
        severity: Some(2),
        version: Some(1),
        hostname: Some("fw1".into()),
        app_name: Some("sshd".into()),
        procid: Some("42".into()),
        msgid: Some("ID1".into()),
        structured_data: Some(r#"[a@1 b="c"]"#.into()),
    }
}

#[cfg(test)]
mod tests;
