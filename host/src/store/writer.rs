//! The writer thread: drains the queue into one transaction per round (group commit).

use super::block::{Encoder, EventRef};
use super::counters::{self, Tally};
use super::table::{self, Group};
use super::{dedupe, CommitError, Duplicate, NewEvent, StoreError, WriteRequest};
use rusqlite::Connection;
use tokio::sync::mpsc;

/// How the writer groups events.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Events per transaction, at most (whole requests are never split).
    pub max_events: usize,
    pub block_events: usize,
    /// How long source IDs are remembered (`dedupe.rs`).
    pub dedupe_window: std::time::Duration,
}

/// How often the writer forgets source IDs older than the window (a bounded delete each time).
const DEDUPE_PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs until every [`super::Store`] handle is dropped and the queue is empty.
pub fn run(
    mut conn: Connection,
    mut rx: mpsc::Receiver<WriteRequest>,
    shape: Shape,
    mut encoder: Encoder,
    healthy: std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    let mut round: Vec<WriteRequest> = Vec::new();
    // The day whose old counts were last pruned: pruning runs with the first commit of a day.
    let mut pruned_day = i64::MIN;
    let mut sources_pruned: Option<std::time::Instant> = None;
    while let Some(first) = rx.blocking_recv() {
        let mut n = first.events.len();
        round.push(first);
        // Take whatever else is already waiting, up to the per-commit cap: that is the group.
        while n < shape.max_events {
            match rx.try_recv() {
                Ok(req) => {
                    n += req.events.len();
                    round.push(req);
                }
                Err(_) => break,
            }
        }
        let started = std::time::Instant::now();
        let today = counters::day_of(chrono::Utc::now().timestamp_micros());
        let prune = Prune {
            counters_before: (today != pruned_day).then_some(today),
            sources: sources_pruned.is_none_or(|t| t.elapsed() >= DEDUPE_PRUNE_EVERY),
        };
        let result = write_round(&mut conn, &round, shape, &mut encoder, prune);
        if result.is_ok() {
            pruned_day = today;
            if prune.sources {
                sources_pruned = Some(std::time::Instant::now());
            }
        }
        crate::telemetry::metrics().store_commit.observe(started.elapsed());
        healthy.store(result.is_ok(), std::sync::atomic::Ordering::Relaxed);
        let result = result.map_err(|e| {
            let error = StoreError::write(&e);
            tracing::error!(%error, events = n, retryable = error.retryable(), "Store commit failed; the senders get an error and nothing is acknowledged.");
            error
        });
        let mut duplicates = match &result {
            Ok(per_request) => per_request.clone(),
            Err(_) => Vec::new(),
        }
        .into_iter();
        for req in round.drain(..) {
            // A requester that went away (client disconnected) is fine: its events are stored.
            let answer = match &result {
                Ok(_) => Ok(duplicates.next().unwrap_or_default()),
                Err(error) => Err(CommitError {
                    error: error.clone(),
                    events: req.events,
                }),
            };
            let _ = req.reply.send(answer);
        }
    }
    tracing::debug!("Store writer exits: queue closed and drained.");
}

/// The housekeeping a round does in its transaction.
#[derive(Debug, Clone, Copy)]
struct Prune {
    /// Forget the rejection counts of days before this one.
    counters_before: Option<i64>,
    /// Forget source IDs older than the window.
    sources: bool,
}

/// Writes a round in one transaction; per request, the events left out as duplicates.
fn write_round(
    conn: &mut Connection,
    round: &[WriteRequest],
    shape: Shape,
    encoder: &mut Encoder,
    prune: Prune,
) -> rusqlite::Result<Vec<Vec<Duplicate>>> {
    let mut tally = Tally::default();
    let tx = conn.transaction()?;
    let duplicates = dedupe::claim(&tx, round)?;
    // One group per intake and entity, its events in ID order (each keeps its format: a reload
    // may change an intake's format between two requests of a round).
    let mut events: Vec<&NewEvent> = round
        .iter()
        .zip(&duplicates)
        .flat_map(|(r, dups)| {
            let mut dups = dups.iter().map(|d| d.index).peekable();
            r.events.iter().enumerate().filter_map(
                move |(i, ev)| {
                    if dups.next_if_eq(&i).is_some() {
                        None
                    } else {
                        Some(ev)
                    }
                },
            )
        })
        .collect();
    events.sort_by(|a, b| (&*a.intake, &*a.entity, a.id).cmp(&(&*b.intake, &*b.entity, b.id)));
    for group in events.chunk_by(|a, b| a.intake == b.intake && a.entity == b.entity) {
        let Some(first) = group.first() else { continue };
        for ev in group {
            tally.add(
                &ev.intake,
                ev.received_at_us,
                ev.outcome.as_ref().err().map(String::as_str),
                1,
                true,
            );
        }
        let group = Group {
            intake: &first.intake,
            entity: &first.entity,
            events: group.iter().map(|ev| event_ref(ev)).collect(),
        };
        table::insert(&tx, &group, shape.block_events, encoder)?;
    }
    tally.apply(&tx)?;
    for cursor in round.iter().filter_map(|r| r.cursor.as_ref()) {
        super::poll_cursors::save(&tx, cursor)?;
    }
    if let Some(today) = prune.counters_before {
        counters::prune(&tx, today)?;
    }
    if prune.sources {
        dedupe::prune(&tx, shape.dedupe_window)?;
    }
    tx.commit()?;
    Ok(duplicates)
}

fn event_ref(ev: &NewEvent) -> EventRef<'_> {
    let (high, low) = ev.id.as_u64_pair();
    EventRef {
        high,
        low,
        format: &ev.format,
        protocol: ev.protocol.as_str(),
        received_at_us: ev.received_at_us,
        event_time_us: ev.event_time_us,
        client_time_us: ev.client_time_us,
        raw: &ev.raw,
        metadata: ev.metadata.as_deref(),
        outcome: ev.outcome.as_ref().map(String::as_str).map_err(String::as_str),
    }
}
