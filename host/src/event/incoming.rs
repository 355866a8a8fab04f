//! An event as a listener received it, already attributed to its intake: what the pipeline
//! takes. Apart from the event types because it names a registry entry.

use super::{Envelope, Event, Protocol};
use crate::registry::IntakeEntry;
use chrono::{DateTime, Utc};
use std::sync::Arc;

#[derive(Debug)]
pub struct Incoming {
    pub intake: Arc<IntakeEntry>,
    pub raw: String,
    pub client_time: Option<DateTime<Utc>>,
    pub envelope: Envelope,
    /// The sender's own ID of the event, if it gave one: stored once per intake (`store/dedupe.rs`).
    pub source_id: Option<String>,
}

impl Incoming {
    /// The event, received at `received_at` over `protocol` (the same for a whole request or
    /// batch), and its intake.
    pub fn into_event(self, received_at: DateTime<Utc>, protocol: Protocol) -> (Arc<IntakeEntry>, Event) {
        let event = Event {
            raw: self.raw,
            received_at,
            client_time: self.client_time,
            protocol,
            envelope: self.envelope,
        };
        (self.intake, event)
    }
}
