//! Forwarding rounds, pipelined: while the acknowledgements of what was published come back,
//! the next blocks are read from the store; the cursor follows the acknowledgements (in
//! publish order, so a block counts once every event before it is acknowledged) and is saved
//! at most every [`SAVE_EVERY`] and whenever the forwarder catches up.

use super::https::{Batch, Upstream};
use super::nats::{Ack, Publisher};
use super::{ForwardError, Sender};
use crate::config::ForwardSpec;
use crate::store::{CommittedBlock, CommittedEvent, Cursor, Cursors, Payload, Reader, StoreError};
use crate::telemetry::metrics::ForwardStats;
use futures_util::future::BoxFuture;
use futures_util::stream::{FuturesOrdered, StreamExt};
use futures_util::FutureExt;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the lag gauges are computed (a query over the backlog's blocks).
const LAG_EVERY: Duration = Duration::from_secs(1);
/// How often an advanced cursor is written (an fsync): a crash resends at most this much.
const SAVE_EVERY: Duration = Duration::from_millis(200);

/// An acknowledgement awaited: the events it stands for (1, or 0 for a block with nothing
/// sent) and `Some(seq)` once the last event of block `seq` is acknowledged.
type Pending = BoxFuture<'static, Result<(u64, Option<i64>), ForwardError>>;
type Blocks = Result<Vec<CommittedBlock>, ForwardError>;

/// A forwarder's view of the store: its reader, its cursor, and what is in flight.
pub struct Round {
    /// Apart, so that a cursor write waiting for the store's write lock never holds up a read.
    reader: Arc<Mutex<Reader>>,
    cursors: Arc<Mutex<Cursors>>,
    /// The cursor write in progress, if any (it runs beside the rounds).
    saving: Option<tokio::task::JoinHandle<Result<i64, StoreError>>>,
    /// What the destination acknowledged (saved or not yet).
    cursor: Cursor,
    saved: Instant,
    saved_seq: i64,
    /// Blocks up to here are published (acknowledged or in flight).
    read_to: i64,
    pending: FuturesOrdered<Pending>,
    next: Option<tokio::task::JoinHandle<Result<Vec<CommittedBlock>, StoreError>>>,
    lag_measured: Option<Instant>,
    /// What the destination is sent of each event.
    payload: Payload,
}

impl Round {
    /// Opens the store for forwarder `name` and loads its cursor.
    pub fn open(db: &Path, name: &str, payload: Payload) -> Result<Round, ForwardError> {
        let reader = Reader::open(db)?;
        let cursors = Cursors::open(db)?;
        let cursor = cursors.load(name)?;
        Ok(Round {
            reader: Arc::new(Mutex::new(reader)),
            cursors: Arc::new(Mutex::new(cursors)),
            saving: None,
            saved: Instant::now(),
            saved_seq: cursor.seq,
            read_to: cursor.seq,
            cursor,
            pending: FuturesOrdered::new(),
            next: None,
            lag_measured: None,
            payload,
        })
    }

    /// Runs `f` on the reader on a blocking thread (a future that does not borrow `self`, which
    /// is not `Sync`: its acknowledgements are boxed futures).
    fn on_reader<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Reader) -> Result<T, StoreError> + Send + 'static,
    ) -> impl std::future::Future<Output = Result<T, ForwardError>> + Send + 'static {
        blocking(self.reader.clone(), f)
    }

    /// Runs `f` on the cursors' connection on a blocking thread.
    fn on_cursors<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Cursors) -> Result<T, StoreError> + Send + 'static,
    ) -> impl std::future::Future<Output = Result<T, ForwardError>> + Send + 'static {
        blocking(self.cursors.clone(), f)
    }

    /// Starts reading the blocks after `read_to` on a blocking thread.
    fn read_ahead(&mut self, max_events: usize) {
        let (reader, after, payload) = (self.reader.clone(), self.read_to, self.payload);
        self.next = Some(tokio::task::spawn_blocking(move || {
            let guard = reader.lock().unwrap_or_else(|p| p.into_inner());
            guard.committed_after(after, max_events, payload)
        }));
    }

    async fn take_read(&mut self, max_events: usize) -> Blocks {
        if self.next.is_none() {
            self.read_ahead(max_events);
        }
        match self.next.take() {
            Some(task) => task.await.map_err(ForwardError::from)?.map_err(ForwardError::from),
            None => Ok(Vec::new()),
        }
    }

    /// After a failure: what is in flight is forgotten, the next round starts at the cursor.
    pub fn reset(&mut self) {
        self.pending = FuturesOrdered::new();
        if let Some(task) = self.next.take() {
            task.abort();
        }
        self.read_to = self.cursor.seq;
    }

    /// One round: send the next blocks (reading the ones after them meanwhile) and take the
    /// acknowledgements that came back; the number of events sent (0: caught up, every
    /// acknowledgement in and the cursor saved).
    pub async fn step(
        &mut self,
        spec: &ForwardSpec,
        sender: &Sender,
        stats: &ForwardStats,
    ) -> Result<u64, ForwardError> {
        let blocks = self.take_read(spec.batch_events).await?;
        let Some(last_seq) = blocks.last().map(|b| b.seq) else {
            while let Some(acked) = self.pending.next().await {
                self.acked(acked?, stats);
            }
            self.save(spec, true).await?;
            self.measure_lag(stats, true).await;
            return Ok(0);
        };
        self.read_to = last_seq;
        self.read_ahead(spec.batch_events);
        let sent = match sender {
            Sender::Nats(publisher) => self.publish(spec, publisher, blocks, stats).await?,
            Sender::Https(upstream) => self.post(spec, upstream, blocks, last_seq, stats).await?,
        };
        // Whatever else is already acknowledged, without waiting.
        while let Some(Some(acked)) = self.pending.next().now_or_never() {
            self.acked(acked?, stats);
        }
        stats.in_flight.store(self.pending.len() as u64, Ordering::Relaxed);
        self.save(spec, false).await?;
        self.measure_lag(stats, false).await;
        Ok(sent.max(1))
    }

    /// NATS: one message per event, up to `max_in_flight` acknowledgements awaited at once.
    async fn publish(
        &mut self,
        spec: &ForwardSpec,
        publisher: &Publisher,
        blocks: Vec<CommittedBlock>,
        stats: &ForwardStats,
    ) -> Result<u64, ForwardError> {
        let mut published = 0u64;
        for block in blocks {
            let seq = block.seq;
            let mut events = forwarded(spec, block.intake.as_str(), block.events).peekable();
            if events.peek().is_none() {
                // Nothing of it is sent: it counts as acknowledged after what precedes it.
                self.pending
                    .push_back(futures_util::future::ready(Ok((0, Some(seq)))).boxed());
            }
            // The subject depends on the format only within a block: made once per format.
            let mut last_subject: Option<(String, String)> = None;
            while let Some(event) = events.next() {
                let subject = match &last_subject {
                    Some((format, made)) if *format == event.format => made.clone(),
                    _ => {
                        let made = publisher.subject(&block.intake, &block.entity, &event.format);
                        last_subject.insert((event.format.clone(), made)).1.clone()
                    }
                };
                let ack = publisher.publish(subject, &event.id, event.json.into()).await?;
                let marker = events.peek().is_none().then_some(seq);
                self.pending.push_back(awaited(ack, marker));
                published += 1;
                while self.pending.len() >= spec.max_in_flight {
                    if let Some(acked) = self.pending.next().await {
                        self.acked(acked?, stats);
                    }
                }
                stats.in_flight.store(self.pending.len() as u64, Ordering::Relaxed);
            }
        }
        Ok(published)
    }

    /// HTTPS: the blocks' events gathered per intake and sent one request after another, once
    /// the previous round's requests are acknowledged (each intake's events stay in order).
    async fn post(
        &mut self,
        spec: &ForwardSpec,
        upstream: &Upstream,
        blocks: Vec<CommittedBlock>,
        last_seq: i64,
        stats: &ForwardStats,
    ) -> Result<u64, ForwardError> {
        while let Some(acked) = self.pending.next().await {
            self.acked(acked?, stats);
        }
        let mut batches: Vec<Batch> = Vec::new();
        for block in blocks {
            let events: Vec<_> = forwarded(spec, &block.intake, block.events).collect();
            if events.is_empty() {
                continue;
            }
            match batches.iter_mut().find(|b| b.intake == block.intake) {
                Some(batch) => batch.events.extend(events),
                None => batches.push(Batch {
                    intake: block.intake,
                    events,
                }),
            }
        }
        let count: u64 = batches.iter().map(|b| b.events.len() as u64).sum();
        let upstream = upstream.clone();
        self.pending.push_back(
            async move {
                let sent = upstream.send(batches).await?;
                Ok((sent, Some(last_seq)))
            }
            .boxed(),
        );
        Ok(count)
    }

    /// One acknowledgement taken, in publish order.
    fn acked(&mut self, (events, marker): (u64, Option<i64>), stats: &ForwardStats) {
        if let Some(seq) = marker {
            self.cursor.seq = self.cursor.seq.max(seq);
        }
        stats.forwarded.fetch_add(events, Ordering::Relaxed);
        self.cursor.forwarded += events;
    }

    /// Writes the cursor if it moved and [`SAVE_EVERY`] has passed, beside the rounds (its
    /// fsync and the wait for the store's write lock do not stall publishing); with `now`,
    /// waits for it (caught up: the cursor on disk is the one acknowledged).
    async fn save(&mut self, spec: &ForwardSpec, now: bool) -> Result<(), ForwardError> {
        if let Some(task) = self.saving.take_if(|task| now || task.is_finished()) {
            self.saved_seq = task.await.map_err(ForwardError::from)??;
        }
        let due = now || self.saved.elapsed() >= SAVE_EVERY;
        if self.saving.is_some() || self.cursor.seq == self.saved_seq || !due {
            return Ok(());
        }
        let (name, seq, forwarded) = (spec.name.clone(), self.cursor.seq, self.cursor.forwarded);
        let cursors = self.cursors.clone();
        let task = tokio::task::spawn_blocking(move || {
            let guard = cursors.lock().unwrap_or_else(|p| p.into_inner());
            guard.advance(&name, seq, forwarded).map(|()| seq)
        });
        self.saved = Instant::now();
        if now {
            self.saved_seq = task.await.map_err(ForwardError::from)??;
        } else {
            self.saving = Some(task);
        }
        Ok(())
    }

    /// Writes down why the last round failed (for `forward status`); a failure to write it is
    /// only logged.
    pub async fn record_error(&mut self, name: &str, error: &str) {
        let (owned, error) = (name.to_string(), error.to_string());
        if let Err(e) = self.on_cursors(move |c| c.failed(&owned, &error)).await {
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
        if let Ok(backlog) = self.on_reader(move |r| r.backlog(seq)).await {
            stats.lag_events.store(backlog.events, Ordering::Relaxed);
            let age_us = backlog
                .oldest_us
                .map_or(0, |t| chrono::Utc::now().timestamp_micros().saturating_sub(t).max(0));
            stats.lag_seconds.store((age_us / 1_000_000) as u64, Ordering::Relaxed);
        }
    }
}

/// The events of a block of `intake` that `spec` forwards.
fn forwarded<'a>(
    spec: &'a ForwardSpec,
    intake: &str,
    events: Vec<CommittedEvent>,
) -> impl Iterator<Item = CommittedEvent> + 'a {
    let wanted = spec
        .intakes
        .as_ref()
        .is_none_or(|names| names.iter().any(|n| n == intake));
    events.into_iter().filter(move |e| wanted && (e.ok || spec.errors))
}

/// The acknowledgement of one publish, then `marker`.
fn awaited(ack: Ack, marker: Option<i64>) -> Pending {
    async move {
        ack.await.map_err(|e| ForwardError::Ack(e.to_string()))?;
        Ok((1, marker))
    }
    .boxed()
}

async fn blocking<S: Send + 'static, T: Send + 'static>(
    on: Arc<Mutex<S>>,
    f: impl FnOnce(&S) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ForwardError> {
    tokio::task::spawn_blocking(move || {
        let guard = on.lock().unwrap_or_else(|p| p.into_inner());
        f(&guard)
    })
    .await
    .map_err(ForwardError::from)?
    .map_err(ForwardError::from)
}
