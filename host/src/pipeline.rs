//! raw event → format component → UUIDv7 → durable store: the only module that sees all four.

use crate::registry::IntakeEntry;
use crate::runtime::{self, Event, LoadedFormat, Runtime, RuntimeError, WitProtocol};
use crate::store::{NewEvent, Protocol, Store, StoreError};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One event as a listener received it, already attributed to an intake.
#[derive(Debug)]
pub struct Incoming {
    pub intake: Arc<IntakeEntry>,
    pub raw: String,
    pub client_time: Option<DateTime<Utc>>,
    /// Envelope metadata as (ECS field name, value).
    pub metadata: Vec<(String, String)>,
}

pub struct Pipeline {
    runtime: Arc<Runtime>,
    store: Store,
}

impl Pipeline {
    pub fn new(runtime: Arc<Runtime>, store: Store) -> Pipeline {
        Pipeline { runtime, store }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Normalizes, identifies and stores `events`; returns their IDs in input order once they
    /// are durable. Every event gets an ID, rejected ones included (stored in error).
    /// All events of one call share one transaction: all are stored or none.
    pub async fn ingest(
        &self,
        protocol: Protocol,
        received_at: DateTime<Utc>,
        events: Vec<Incoming>,
    ) -> Result<Vec<Uuid>, PipelineError> {
        let n = events.len();
        let received = runtime::from_timestamp(received_at);
        let wit_protocol = wit_protocol(protocol);
        let mut intakes: Vec<Arc<IntakeEntry>> = Vec::with_capacity(n);
        // Batches per format, each event remembering its position in the request.
        let mut groups: Vec<(Arc<LoadedFormat>, Vec<usize>, Vec<Event>)> = Vec::new();
        for (pos, ev) in events.into_iter().enumerate() {
            let group = match groups
                .iter()
                .position(|(f, _, _)| f.id == ev.intake.format.id)
            {
                Some(g) => g,
                None => {
                    groups.push((ev.intake.format.clone(), Vec::new(), Vec::new()));
                    groups.len() - 1
                }
            };
            let (_, positions, batch) = &mut groups[group];
            positions.push(pos);
            batch.push(Event {
                raw: ev.raw,
                received_at: received,
                client_time: ev.client_time.map(runtime::from_timestamp),
                protocol: wit_protocol,
                metadata: ev.metadata,
            });
            intakes.push(ev.intake);
        }

        // Every chunk goes to the worker pool at once, so a big request uses every worker.
        let batch_size = self.runtime.batch_size();
        let mut calls = Vec::new();
        for (format, positions, mut batch) in groups {
            let mut start = 0;
            while !batch.is_empty() {
                let rest = batch.split_off(batch.len().min(batch_size));
                let chunk = std::mem::replace(&mut batch, rest);
                let chunk_positions = positions[start..start + chunk.len()].to_vec();
                start += chunk.len();
                let format = format.clone();
                calls.push(async move {
                    let out = self.runtime.normalize(format, chunk).await?;
                    Ok::<_, RuntimeError>((chunk_positions, out))
                });
            }
        }
        let results = futures_util::future::try_join_all(calls).await?;

        let received_us = received_at.timestamp_micros();
        let mut slots: Vec<Option<(String, runtime::Outcome)>> = (0..n).map(|_| None).collect();
        for (positions, batch) in results {
            for ((pos, event), outcome) in
                positions.into_iter().zip(batch.events).zip(batch.outcomes)
            {
                slots[pos] = Some((event.raw, outcome));
            }
        }
        let mut ids = Vec::with_capacity(n);
        let mut stored = Vec::with_capacity(n);
        for (slot, intake) in slots.into_iter().zip(intakes) {
            // Every position was filled: each chunk returns one outcome per event.
            let Some((raw, outcome)) = slot else {
                return Err(RuntimeError::Closed.into());
            };
            let id = Uuid::now_v7();
            ids.push(id);
            stored.push(NewEvent {
                id,
                intake: intake.name.clone(),
                entity: intake.entity.clone(),
                format: intake.format_name.clone(),
                protocol,
                received_at_us: received_us,
                event_time_us: outcome.event_time_us,
                raw,
                outcome: outcome.normalized,
            });
        }
        self.store.commit(stored).await?;
        Ok(ids)
    }
}

fn wit_protocol(p: Protocol) -> WitProtocol {
    match p {
        Protocol::Https => WitProtocol::Https,
        Protocol::Syslog => WitProtocol::Syslog,
        Protocol::Relp => WitProtocol::Relp,
        Protocol::Poll => WitProtocol::Poll,
    }
}
