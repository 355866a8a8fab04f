//! One forwarding round: read the blocks committed after the cursor, publish their events with
//! a bounded number awaiting acknowledgement, then move the cursor past them.

use super::nats::Publisher;
use super::ForwardError;
use crate::config::ForwardSpec;
use crate::store::{CommittedBlock, Cursor, Cursors, Reader};
use crate::telemetry::metrics::ForwardStats;
use futures_util::stream::{FuturesOrdered, StreamExt};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the lag gauges are computed (a query over the backlog's blocks).
const LAG_EVERY: Duration = Duration::from_secs(1);

/// A forwarder's view of the store: its reader, its cursor and where the cursor is.
pub struct Round {
    store: Arc<Mutex<(Reader, Cursors)>>,
    cursor: Cursor,
    lag_measured: Option<Instant>,
}

impl Round {
    /// Opens the store for forwarder `name` and loads its cursor.
    pub fn open(db: &Path, name: &str) -> Result<Round, ForwardError> {
        let reader = Reader::open(db)?;
        let cursors = Cursors::open(db)?;
        let cursor = cursors.load(name)?;
        Ok(Round {
            store: Arc::new(Mutex::new((reader, cursors))),
            cursor,
            lag_measured: None,
        })
    }

    /// Runs `f` on the store on a blocking thread.
    async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Reader, &Cursors) -> Result<T, crate::store::StoreError> + Send + 'static,
    ) -> Result<T, ForwardError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || {
            let guard = store.lock().unwrap_or_else(|p| p.into_inner());
            f(&guard.0, &guard.1)
        })
        .await
        .map_err(|e| ForwardError::Publish(format!("store task failed: {e}")))?
        .map_err(ForwardError::from)
    }

    /// One round; the number of events sent (0: nothing new after the cursor).
    pub async fn step(
        &mut self,
        spec: &ForwardSpec,
        publisher: &Publisher,
        stats: &ForwardStats,
    ) -> Result<u64, ForwardError> {
        let (after, max_events) = (self.cursor.seq, spec.batch_events);
        let blocks = self
            .with_store(move |r, _| r.committed_after(after, max_events))
            .await?;
        let Some(last_seq) = blocks.last().map(|b| b.seq) else {
            self.measure_lag(stats, true).await;
            return Ok(0);
        };
        let sent = publish_blocks(spec, publisher, blocks, stats).await?;
        let (name, forwarded) = (spec.name.clone(), self.cursor.forwarded + sent);
        self.with_store(move |_, c| c.advance(&name, last_seq, forwarded))
            .await?;
        self.cursor.seq = last_seq;
        self.cursor.forwarded = forwarded;
        stats.forwarded.fetch_add(sent, Ordering::Relaxed);
        self.measure_lag(stats, false).await;
        Ok(sent.max(1))
    }

    /// Writes down why the last round failed (for `forward status`); a failure to write it is
    /// only logged.
    pub async fn record_error(&self, name: &str, error: &str) {
        let (owned, error) = (name.to_string(), error.to_string());
        if let Err(e) = self.with_store(move |_, c| c.failed(&owned, &error)).await {
            tracing::warn!(forward = %name, error = %e, "Cannot record the forwarding error in the store.");
        }
    }

    async fn measure_lag(&mut self, stats: &ForwardStats, caught_up: bool) {
        if caught_up {
            stats.lag_events.store(0, Ordering::Relaxed);
            stats.lag_seconds.store(0, Ordering::Relaxed);
            return;
        }
        if self.lag_measured.is_some_and(|t| t.elapsed() < LAG_EVERY) {
            return;
        }
        self.lag_measured = Some(Instant::now());
        let seq = self.cursor.seq;
        if let Ok(backlog) = self.with_store(move |r, _| r.backlog(seq)).await {
            stats.lag_events.store(backlog.events, Ordering::Relaxed);
            let age_us = backlog
                .oldest_us
                .map_or(0, |t| chrono::Utc::now().timestamp_micros().saturating_sub(t).max(0));
            stats.lag_seconds.store((age_us / 1_000_000) as u64, Ordering::Relaxed);
        }
    }
}

/// Whether the spec forwards an event of `block` (`ok`: normalized, not stored in error).
fn wanted(spec: &ForwardSpec, block: &CommittedBlock, ok: bool) -> bool {
    spec.intakes.as_ref().is_none_or(|names| names.contains(&block.intake)) && (spec.errors || ok)
}

/// Publishes the events of `blocks` in order, at most `max_in_flight` unacknowledged; returns
/// once every one is acknowledged (the count), or at the first failure.
async fn publish_blocks(
    spec: &ForwardSpec,
    publisher: &Publisher,
    blocks: Vec<CommittedBlock>,
    stats: &ForwardStats,
) -> Result<u64, ForwardError> {
    let mut pending = FuturesOrdered::new();
    let mut sent = 0u64;
    let result = async {
        for block in blocks {
            let wanted = wanted(spec, &block, true);
            for event in block.events.into_iter().filter(|e| wanted && (e.ok || spec.errors)) {
                let subject = publisher.subject(&block.intake, &block.entity, &event.format);
                pending.push_back(publisher.publish(subject, &event.id, event.json.into()).await?);
                stats.in_flight.store(pending.len() as u64, Ordering::Relaxed);
                while pending.len() >= spec.max_in_flight {
                    acked(pending.next().await)?;
                    sent += 1;
                }
            }
        }
        while !pending.is_empty() {
            acked(pending.next().await)?;
            sent += 1;
            stats.in_flight.store(pending.len() as u64, Ordering::Relaxed);
        }
        Ok(sent)
    }
    .await;
    stats.in_flight.store(0, Ordering::Relaxed);
    result
}

fn acked<T, E: std::fmt::Display>(ack: Option<Result<T, E>>) -> Result<(), ForwardError> {
    match ack {
        Some(Ok(_)) => Ok(()),
        Some(Err(e)) => Err(ForwardError::Ack(e.to_string())),
        None => Err(ForwardError::Ack("acknowledgement stream ended".into())),
    }
}
