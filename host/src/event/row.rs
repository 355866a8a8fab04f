//! The event as the store keeps it: the row of a new event with its component's outcome, and an
//! event rebuilt from a stored row (`events renormalize`), which fails naming what is wrong when
//! a row cannot be read back; nothing defaults.

use super::time::{self, TimeOutOfRange};
use super::{Envelope, EnvelopeError, Event, Protocol, SyslogHeader, UnknownProtocol};
use crate::registry::IntakeEntry;
use crate::runtime::Outcome;
use crate::store::{NewEvent, StoredRaw};
use uuid::Uuid;

/// Why a stored row cannot be turned back into the event its component saw.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    #[error(transparent)]
    Protocol(#[from] UnknownProtocol),
    #[error("received_at: {0}")]
    ReceivedAt(TimeOutOfRange),
    #[error("client_time: {0}")]
    ClientTime(TimeOutOfRange),
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
}

/// The row of `event`, identified by `id` and normalized (or rejected) as `outcome` says.
pub fn new_row(id: Uuid, intake: &IntakeEntry, event: Event, outcome: Outcome) -> NewEvent {
    NewEvent {
        id,
        intake: intake.name.clone(),
        entity: intake.entity.clone(),
        format: intake.format_name.clone(),
        protocol: event.protocol,
        received_at_us: time::to_micros(event.received_at),
        event_time_us: outcome.event_time_us,
        client_time_us: event.client_time.map(time::to_micros),
        metadata: event.envelope.to_json(),
        raw: event.raw,
        outcome: outcome.normalized,
        source_id: None,
    }
}

/// The event as its component first saw it, rebuilt from the stored row.
pub fn event_of(stored: &StoredRaw) -> Result<Event, RowError> {
    let protocol: Protocol = stored.protocol.parse()?;
    let received_at = time::from_micros(stored.received_at_us).map_err(RowError::ReceivedAt)?;
    let client_time = stored
        .client_time_us
        .map(time::from_micros)
        .transpose()
        .map_err(RowError::ClientTime)?;
    let mut envelope = match stored.metadata.as_deref() {
        Some(json) => Envelope::from_json(json)?,
        None => Envelope::default(),
    };
    // The listeners give every syslog and RELP event a header, and a header without a single
    // field leaves nothing in the stored JSON: the component saw an empty header, not none.
    if matches!(protocol, Protocol::Syslog | Protocol::Relp) && envelope.syslog.is_none() {
        envelope.syslog = Some(SyslogHeader::default());
    }
    Ok(Event {
        raw: stored.raw.clone(),
        received_at,
        client_time,
        protocol,
        envelope,
    })
}
