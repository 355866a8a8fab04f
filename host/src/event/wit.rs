//! The event as a format component sees it (`wit/format.wit`, bindings in `runtime::bindings`).
//! The runtime lends the events' strings to the bindings for the length of one call and takes
//! them back after it: a call copies no string, and the events stay the domain's (their times
//! and protocol never go through the WIT types and back).

use super::{Event, Protocol, SyslogHeader};
use crate::runtime::bindings as wit;
use chrono::{DateTime, Utc};

/// The events as `normalize` takes them. Their strings move out of `events`, which hold empty
/// ones until [`give_back`].
pub(crate) fn lend(events: &mut [Event]) -> Vec<wit::Event> {
    events
        .iter_mut()
        .map(|e| wit::Event {
            raw: std::mem::take(&mut e.raw),
            received_at: timestamp(e.received_at),
            client_time: e.client_time.map(timestamp),
            protocol: protocol(e.protocol),
            source_address: e.envelope.source_address.take(),
            syslog: e.envelope.syslog.take().map(header),
            metadata: std::mem::take(&mut e.envelope.metadata),
        })
        .collect()
}

/// Moves the strings that [`lend`] took back into `events` (the same events, in order).
pub(crate) fn give_back(events: &mut [Event], lent: Vec<wit::Event>) {
    for (e, w) in events.iter_mut().zip(lent) {
        e.raw = w.raw;
        e.envelope.source_address = w.source_address;
        e.envelope.syslog = w.syslog.map(|h| SyslogHeader {
            facility: h.facility,
            severity: h.severity,
            version: h.version,
            hostname: h.hostname,
            app_name: h.app_name,
            procid: h.procid,
            msgid: h.msgid,
            structured_data: h.structured_data,
        });
        e.envelope.metadata = w.metadata;
    }
}

fn header(h: SyslogHeader) -> wit::SyslogHeader {
    wit::SyslogHeader {
        facility: h.facility,
        severity: h.severity,
        version: h.version,
        hostname: h.hostname,
        app_name: h.app_name,
        procid: h.procid,
        msgid: h.msgid,
        structured_data: h.structured_data,
    }
}

/// Cannot fail: chrono's range (±262,000 years) fits in `s64` seconds. A leap second keeps
/// chrono's form (nanoseconds from 1e9), as it always did.
fn timestamp(t: DateTime<Utc>) -> wit::Timestamp {
    wit::Timestamp {
        seconds: t.timestamp(),
        nanoseconds: t.timestamp_subsec_nanos(),
    }
}

fn protocol(p: Protocol) -> wit::Protocol {
    match p {
        Protocol::Https => wit::Protocol::Https,
        Protocol::Syslog => wit::Protocol::Syslog,
        Protocol::Relp => wit::Protocol::Relp,
        Protocol::Poll => wit::Protocol::Poll,
    }
}
