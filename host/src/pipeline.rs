//! raw event → format component → UUIDv7 → durable store: the only module that sees all four.

use crate::event::{row, Event, Incoming, Protocol};
use crate::registry::IntakeEntry;
use crate::runtime::{LoadedFormat, Runtime, RuntimeError};
use crate::store::{Duplicate, NewEvent, Store, StoreError};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PipelineError {
    /// The store can take no more writes in this process: nothing read from now on can be stored.
    pub fn is_fatal(&self) -> bool {
        matches!(self, Self::Store(e) if e.is_fatal())
    }
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
    /// are durable. Every event gets an ID, rejected ones included (stored in error). All events
    /// of one call share one transaction: all are stored or none. Fails fast when the node is
    /// saturated, so that an HTTP client gets a 503 and retries.
    pub async fn ingest(
        &self,
        protocol: Protocol,
        received_at: DateTime<Utc>,
        events: Vec<Incoming>,
    ) -> Result<Vec<Uuid>, PipelineError> {
        let wait = Some(self.runtime.enqueue_wait());
        let prepared = self.prepare(protocol, received_at, events, wait).await?;
        let (mut ids, mut counts) = (ids_of(&prepared), tally(&prepared));
        let duplicates = self.store.commit(prepared).await.map_err(|e| e.error)?;
        answer_duplicates(&mut ids, &mut counts, &duplicates);
        record(&counts, protocol);
        Ok(ids.into_iter().map(|(id, _, _)| id).collect())
    }

    /// Like [`Pipeline::ingest`] but for stream protocols, which have no way to say "retry":
    /// it waits for room instead of failing (the sender is slowed down through TCP), and a
    /// commit that failed for a retryable reason (disk full, I/O error, lock) is retried with
    /// the same IDs until it succeeds or `shutdown` has fired and the retries ran out
    /// ([`Store::commit_patiently`]). `Ok` only when every event is on disk.
    pub async fn ingest_patiently(
        &self,
        protocol: Protocol,
        received_at: DateTime<Utc>,
        events: Vec<Incoming>,
        shutdown: &CancellationToken,
    ) -> Result<Vec<Uuid>, PipelineError> {
        let pending = self.prepare(protocol, received_at, events, None).await?;
        let (mut ids, mut counts) = (ids_of(&pending), tally(&pending));
        let duplicates = self.store.commit_patiently(pending, shutdown).await?;
        answer_duplicates(&mut ids, &mut counts, &duplicates);
        record(&counts, protocol);
        Ok(ids.into_iter().map(|(id, _, _)| id).collect())
    }

    /// Stores a poller's page and its cursor in one transaction (`poll/`), waiting out
    /// retryable failures like the stream protocols ([`Store::commit_polled_patiently`]): the
    /// source keeps what is not stored, so waiting costs nothing but time. An event longer than
    /// `max_event_bytes` is not given to the component: it is stored in error with the reason
    /// (the cursor moves past it; nothing is dropped). Returns the events stored (duplicates
    /// of earlier ones left out).
    pub async fn ingest_polled(
        &self,
        received_at: DateTime<Utc>,
        events: Vec<Incoming>,
        cursor: crate::store::poll_cursors::PollCursor,
        max_event_bytes: usize,
        stop: &CancellationToken,
    ) -> Result<usize, PipelineError> {
        let protocol = Protocol::Poll;
        type Placed = Vec<(usize, Incoming)>;
        let (oversized, fitting): (Placed, Placed) = events
            .into_iter()
            .enumerate()
            .partition(|(_, e)| e.raw.len() > max_event_bytes);
        let (positions, fitting): (Vec<usize>, Vec<Incoming>) = fitting.into_iter().unzip();
        let prepared = self.prepare(protocol, received_at, fitting, None).await?;
        let mut rows: Vec<(usize, NewEvent)> = positions.into_iter().zip(prepared).collect();
        for (pos, mut incoming) in oversized {
            let source_id = incoming.source_id.take();
            let reason = format!(
                "the event is {} bytes, more than limits.max_event_bytes ({max_event_bytes})",
                incoming.raw.len()
            );
            let (intake, event) = incoming.into_event(received_at, protocol);
            let mut row = row::new_row(
                crate::store::ids::next(),
                &intake,
                event,
                crate::runtime::Outcome::rejected(reason),
            );
            row.source_id = source_id;
            rows.push((pos, row));
        }
        // Page order, and IDs increasing in it (all are new: they are handed out again sorted).
        rows.sort_by_key(|(pos, _)| *pos);
        let mut ids: Vec<Uuid> = rows.iter().map(|(_, r)| r.id).collect();
        ids.sort();
        let pending: Vec<NewEvent> = rows
            .into_iter()
            .zip(ids)
            .map(|((_, mut row), id)| {
                row.id = id;
                row
            })
            .collect();
        let (mut ids, mut counts) = (ids_of(&pending), tally(&pending));
        let duplicates = self.store.commit_polled_patiently(pending, cursor, stop).await?;
        answer_duplicates(&mut ids, &mut counts, &duplicates);
        record(&counts, protocol);
        Ok(ids.len() - duplicates.len())
    }

    /// Runs the components and assigns IDs: the events, ready to store, in input order.
    pub async fn prepare(
        &self,
        protocol: Protocol,
        received_at: DateTime<Utc>,
        events: Vec<Incoming>,
        wait: Option<Duration>,
    ) -> Result<Vec<NewEvent>, RuntimeError> {
        let n = events.len();
        let mut intakes: Vec<Arc<IntakeEntry>> = Vec::with_capacity(n);
        let mut sources: Vec<Option<String>> = Vec::with_capacity(n);
        // Batches per format, each event remembering its position in the request.
        let mut groups: Vec<(Arc<LoadedFormat>, Vec<usize>, Vec<Event>)> = Vec::new();
        for (pos, mut incoming) in events.into_iter().enumerate() {
            sources.push(incoming.source_id.take());
            let (intake, event) = incoming.into_event(received_at, protocol);
            let group = match groups.iter().position(|(f, _, _)| f.id == intake.format.id) {
                Some(g) => g,
                None => {
                    groups.push((intake.format.clone(), Vec::new(), Vec::new()));
                    groups.len() - 1
                }
            };
            let (_, positions, batch) = &mut groups[group];
            positions.push(pos);
            batch.push(event);
            intakes.push(intake);
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
                    let out = self.runtime.normalize_waiting(format, chunk, wait).await?;
                    Ok::<_, RuntimeError>((chunk_positions, out))
                });
            }
        }
        let results = futures_util::future::try_join_all(calls).await?;

        let mut slots: Vec<Option<(Event, crate::runtime::Outcome)>> = (0..n).map(|_| None).collect();
        for (positions, batch) in results {
            for ((pos, event), outcome) in positions.into_iter().zip(batch.events).zip(batch.outcomes) {
                slots[pos] = Some((event, outcome));
            }
        }
        let mut prepared = Vec::with_capacity(n);
        for ((slot, intake), source_id) in slots.into_iter().zip(intakes).zip(sources) {
            // Every position was filled: each chunk returns one outcome per event.
            let Some((event, outcome)) = slot else {
                return Err(RuntimeError::Closed);
            };
            let mut row = row::new_row(crate::store::ids::next(), &intake, event, outcome);
            row.source_id = source_id;
            prepared.push(row);
        }
        Ok(prepared)
    }
}

/// Each event's ID, intake and outcome (ok or not), in input order.
fn ids_of(events: &[NewEvent]) -> Vec<(Uuid, Arc<str>, bool)> {
    events
        .iter()
        .map(|e| (e.id, e.intake.clone(), e.outcome.is_ok()))
        .collect()
}

/// A duplicate is answered with the ID its first copy was stored under, and not counted.
fn answer_duplicates(
    ids: &mut [(Uuid, Arc<str>, bool)],
    counts: &mut [(Arc<str>, u64, u64)],
    duplicates: &[Duplicate],
) {
    for d in duplicates {
        let Some((id, intake, ok)) = ids.get_mut(d.index) else {
            continue;
        };
        *id = d.stored_as;
        if let Some(c) = counts.iter_mut().find(|c| c.0 == *intake) {
            if *ok {
                c.1 = c.1.saturating_sub(1);
            } else {
                c.2 = c.2.saturating_sub(1);
            }
        }
        crate::telemetry::metrics().duplicate(intake);
    }
}

/// Events per intake: (intake, ok, in error), for the metrics once committed.
fn tally(events: &[NewEvent]) -> Vec<(Arc<str>, u64, u64)> {
    let mut counts: Vec<(Arc<str>, u64, u64)> = Vec::new();
    for e in events {
        let i = match counts
            .iter()
            .position(|(name, _, _)| Arc::ptr_eq(name, &e.intake) || **name == *e.intake)
        {
            Some(i) => i,
            None => {
                counts.push((e.intake.clone(), 0, 0));
                counts.len() - 1
            }
        };
        if e.outcome.is_ok() {
            counts[i].1 += 1;
        } else {
            counts[i].2 += 1;
        }
    }
    counts
}

fn record(counts: &[(Arc<str>, u64, u64)], protocol: Protocol) {
    for (intake, ok, errors) in counts {
        crate::telemetry::metrics().stored(intake, protocol.as_str(), *ok, *errors);
    }
}
