//! The writer thread: drains the queue into one transaction per round (group commit).

use super::counters::{self, Tally};
use super::{CommitError, NewEvent, StoreError, WriteRequest};
use rusqlite::{params, Connection};
use tokio::sync::mpsc;

/// Runs until every [`super::Store`] handle is dropped and the queue is empty.
pub fn run(
    mut conn: Connection,
    mut rx: mpsc::Receiver<WriteRequest>,
    max_events: usize,
    healthy: std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    let mut round: Vec<WriteRequest> = Vec::new();
    // The day whose old counts were last pruned: pruning runs with the first commit of a day.
    let mut pruned_day = i64::MIN;
    while let Some(first) = rx.blocking_recv() {
        let mut n = first.events.len();
        round.push(first);
        // Take whatever else is already waiting, up to the per-commit cap: that is the group.
        while n < max_events {
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
        let prune = today != pruned_day;
        let result = write_round(&mut conn, &round, prune.then_some(today));
        if prune && result.is_ok() {
            pruned_day = today;
        }
        crate::telemetry::metrics().store_commit.observe(started.elapsed());
        healthy.store(result.is_ok(), std::sync::atomic::Ordering::Relaxed);
        let result = result.map_err(|e| {
            let error = StoreError::write(&e);
            tracing::error!(%error, events = n, retryable = error.retryable(), "Store commit failed; the senders get an error and nothing is acknowledged.");
            error
        });
        for req in round.drain(..) {
            // A requester that went away (client disconnected) is fine: its events are stored.
            let answer = match &result {
                Ok(()) => Ok(()),
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

fn write_round(conn: &mut Connection, round: &[WriteRequest], prune_before: Option<i64>) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    let mut tally = Tally::default();
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO events (id, id_low, intake, entity, format, protocol, received_at, event_time, client_time, raw, metadata, normalized, status, error)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?;
        for ev in round.iter().flat_map(|r| r.events.iter()) {
            insert_event(&mut insert, ev)?;
            tally.add(
                &ev.intake,
                ev.received_at_us,
                ev.outcome.as_ref().err().map(String::as_str),
                1,
                true,
            );
        }
    }
    tally.apply(&tx)?;
    if let Some(today) = prune_before {
        counters::prune(&tx, today)?;
    }
    tx.commit()
}

fn insert_event(stmt: &mut rusqlite::CachedStatement<'_>, ev: &NewEvent) -> rusqlite::Result<()> {
    let (normalized, status, error) = match &ev.outcome {
        Ok(json) => (Some(json.as_str()), 0, None),
        Err(reason) => (None, 1, Some(reason.as_str())),
    };
    stmt.execute(params![
        super::ids::rowid(ev.id),
        super::ids::low(ev.id),
        &*ev.intake,
        &*ev.entity,
        &*ev.format,
        ev.protocol.as_str(),
        ev.received_at_us,
        ev.event_time_us,
        ev.client_time_us,
        ev.raw,
        ev.metadata,
        normalized,
        status,
        error,
    ])?;
    Ok(())
}
