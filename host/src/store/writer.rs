//! The writer thread: drains the queue into one transaction per round (group commit).

use super::{CommitError, NewEvent, StoreError, WriteRequest};
use rusqlite::{params, Connection};
use std::collections::HashMap;
use tokio::sync::mpsc;

const MICROS_PER_DAY: i64 = 86_400_000_000;

/// Runs until every [`super::Store`] handle is dropped and the queue is empty.
pub fn run(
    mut conn: Connection,
    mut rx: mpsc::Receiver<WriteRequest>,
    max_events: usize,
    healthy: std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    let mut round: Vec<WriteRequest> = Vec::new();
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
        let result = write_round(&mut conn, &round);
        crate::telemetry::metrics().store_commit.observe(started.elapsed());
        healthy.store(result.is_ok(), std::sync::atomic::Ordering::Relaxed);
        let result = result.map_err(|e| {
            tracing::error!(error = %e, events = n, "Store commit failed; the senders get an error and nothing is acknowledged.");
            StoreError::Write(e.to_string())
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

fn write_round(conn: &mut Connection, round: &[WriteRequest]) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    let mut daily: HashMap<(&str, i64), (i64, i64)> = HashMap::new();
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO events (id, id_low, intake, entity, format, protocol, received_at, event_time, raw, metadata, normalized, status, error)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?;
        for ev in round.iter().flat_map(|r| r.events.iter()) {
            insert_event(&mut insert, ev)?;
            let counts = daily
                .entry((&ev.intake, ev.received_at_us.div_euclid(MICROS_PER_DAY)))
                .or_default();
            counts.0 += 1;
            counts.1 += i64::from(ev.outcome.is_err());
        }
        let mut upsert = tx.prepare_cached(
            "INSERT INTO intake_daily (intake, day, events, errors) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (intake, day) DO UPDATE SET events = events + excluded.events, errors = errors + excluded.errors",
        )?;
        for ((intake, day), (events, errors)) in daily {
            upsert.execute(params![intake, day, events, errors])?;
        }
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
        ev.raw,
        ev.metadata,
        normalized,
        status,
        error,
    ])?;
    Ok(())
}
