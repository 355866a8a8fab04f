//! The durable event store: SQLite in WAL mode behind one writer thread, events kept as
//! compressed blocks (one per intake and commit, `block.rs`, `table.rs`).
//!
//! Callers hand a batch of events to [`Store::commit`] and get the answer only after the
//! transaction holding them has committed (`synchronous = FULL`), so an acknowledgement always
//! means "on disk". The writer groups every batch waiting in its queue into one transaction
//! (group commit): concurrent requests share the cost of one fsync.

mod block;
mod checkpoint;
mod counters;
pub mod cursors;
mod dedupe;
mod error;
pub mod ids;
mod migrate;
mod patient;
pub mod poll_cursors;
mod query;
pub mod retention;
mod rewrite;
mod schema;
mod table;
mod writer;

pub use cursors::{Cursor, Cursors};
pub use error::{StoreError, WriteFailure};
pub use query::{
    today, Backlog, CommittedBlock, CommittedEvent, DayCount, EventFilter, IntakeStats, Payload, Reader, ReasonCount,
    StoredEvent,
};
pub use retention::Retention;
pub use rewrite::{Rewrite, Rewriter, StoredRaw};
pub use schema::STATS_DAYS;

use crate::config::StoreSettings;
use crate::event::Protocol;
use std::path::Path;
use std::sync::Arc;
use std::thread::JoinHandle;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

pub(crate) const MICROS_PER_DAY: i64 = 86_400_000_000;
/// Rejection reasons are counted by their first 200 characters.
pub(crate) const MAX_REASON_CHARS: i64 = 200;
/// Distinct reasons counted per intake and day; further ones are counted under
/// [`OTHER_REASONS`], so that reasons that embed event data cannot grow the table without bound.
pub(crate) const MAX_REASONS_PER_DAY: i64 = 100;
pub const OTHER_REASONS: &str = "(other reasons)";

/// An event ready to be stored: identified, normalized or rejected.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub id: Uuid,
    pub intake: Arc<str>,
    pub entity: Arc<str>,
    pub format: Arc<str>,
    pub protocol: Protocol,
    /// Microseconds since the Unix epoch.
    pub received_at_us: i64,
    pub event_time_us: Option<i64>,
    /// The time the sender gave (header, body field), if any.
    pub client_time_us: Option<i64>,
    pub raw: String,
    /// Envelope metadata (syslog header fields, ...) as a JSON object, if any.
    pub metadata: Option<String>,
    /// The normalized JSON object, or the reason the event was rejected.
    pub outcome: Result<String, String>,
    /// The sender's own ID of the event: stored once per intake within the window (`dedupe.rs`).
    pub source_id: Option<String>,
}

/// An event of a commit that was not stored because its source ID was stored before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duplicate {
    /// Its place in the committed events.
    pub index: usize,
    /// The ID of the event stored first with that source ID.
    pub stored_as: Uuid,
}

struct WriteRequest {
    events: Vec<NewEvent>,
    /// A poller's cursor, saved in the same transaction as `events` (`poll_cursors.rs`).
    cursor: Option<poll_cursors::PollCursor>,
    reply: oneshot::Sender<Result<Vec<Duplicate>, CommitError>>,
}

/// A failed commit gives the events back, so that a caller may retry them (same IDs: a retry
/// never duplicates) or refuse them; nothing of them is stored.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct CommitError {
    pub error: StoreError,
    pub events: Vec<NewEvent>,
}

/// A cheap, cloneable handle to the writer thread.
#[derive(Clone)]
pub struct Store {
    tx: mpsc::Sender<WriteRequest>,
    settings: StoreSettings,
    /// False after a failed commit, true again after the next good one.
    healthy: Arc<std::sync::atomic::AtomicBool>,
    /// Set by the retention passes while the size cap is reached by events not yet forwarded.
    full: Arc<std::sync::atomic::AtomicBool>,
}

/// Owns the writer thread; [`StoreWriter::join`] waits until every queued batch is committed.
pub struct StoreWriter {
    thread: JoinHandle<()>,
    checkpointer: checkpoint::Checkpointer,
}

impl StoreWriter {
    /// Waits for the writer to drain its queue and exit (all [`Store`] handles must be dropped).
    pub fn join(self) {
        if self.thread.join().is_err() {
            tracing::error!("The store writer thread panicked.");
        }
        self.checkpointer.stop();
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and starts the writer thread.
    pub fn open(path: &Path, settings: StoreSettings) -> Result<(Store, StoreWriter), StoreError> {
        Store::start(schema::open_for_writing(path)?, path, settings)
    }

    /// Like [`Store::open`], with `adjust` applied to the writer's connection first: tests of
    /// other modules make commits fail (`PRAGMA query_only` is fatal) or give up on a lock fast.
    #[cfg(test)]
    pub(crate) fn open_adjusted(
        path: &Path,
        settings: StoreSettings,
        adjust: impl FnOnce(&rusqlite::Connection),
    ) -> Result<(Store, StoreWriter), StoreError> {
        let conn = schema::open_for_writing(path)?;
        adjust(&conn);
        Store::start(conn, path, settings)
    }

    /// Starts the writer thread on `conn`, the database at `path` opened for writing.
    fn start(
        conn: rusqlite::Connection,
        path: &Path,
        settings: StoreSettings,
    ) -> Result<(Store, StoreWriter), StoreError> {
        let (tx, rx) = mpsc::channel(settings.queue_requests);
        let shape = writer::Shape {
            max_events: settings.max_commit_events,
            block_events: settings.block_events,
            dedupe_window: settings.dedupe_window,
        };
        let encoder = block::Encoder::new(settings.compression_level).map_err(|e| StoreError::Open {
            path: path.to_path_buf(),
            reason: format!("cannot start the block compressor: {e}"),
        })?;
        let healthy = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let flag = healthy.clone();
        let thread = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || writer::run(conn, rx, shape, encoder, flag))
            .map_err(|e| StoreError::Open {
                path: path.to_path_buf(),
                reason: format!("cannot start writer thread: {e}"),
            })?;
        let checkpointer = checkpoint::Checkpointer::start(schema::open_for_checkpoints(path)?, path)?;
        let full = Arc::new(std::sync::atomic::AtomicBool::new(false));
        Ok((
            Store {
                tx,
                settings,
                healthy,
                full,
            },
            StoreWriter { thread, checkpointer },
        ))
    }

    /// Stores `events` in one transaction and returns once it has committed, with the events
    /// left out as duplicates of earlier ones (same intake and source ID).
    ///
    /// Fails with [`StoreError::Busy`] when the queue stays full longer than the configured
    /// enqueue timeout: callers answer "try again later" rather than queue without bound.
    pub async fn commit(&self, events: Vec<NewEvent>) -> Result<Vec<Duplicate>, CommitError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        self.send(events, None).await
    }

    /// Like [`Store::commit`], and saves a poller's `cursor` in the same transaction (also
    /// when `events` is empty): the events and the cursor they were read up to cannot part.
    pub async fn commit_polled(
        &self,
        events: Vec<NewEvent>,
        cursor: poll_cursors::PollCursor,
    ) -> Result<Vec<Duplicate>, CommitError> {
        self.send(events, Some(cursor)).await
    }

    async fn send(
        &self,
        events: Vec<NewEvent>,
        cursor: Option<poll_cursors::PollCursor>,
    ) -> Result<Vec<Duplicate>, CommitError> {
        if self.is_full() {
            return Err(CommitError {
                error: StoreError::Full,
                events,
            });
        }
        let permit = match tokio::time::timeout(self.settings.enqueue_timeout, self.tx.reserve()).await {
            Ok(Ok(permit)) => permit,
            Ok(Err(_)) => {
                return Err(CommitError {
                    error: StoreError::Closed,
                    events,
                })
            }
            Err(_) => {
                return Err(CommitError {
                    error: StoreError::Busy {
                        waited_ms: self.settings.enqueue_timeout.as_millis() as u64,
                    },
                    events,
                })
            }
        };
        let (reply, answer) = oneshot::channel();
        permit.send(WriteRequest { events, cursor, reply });
        // No answer: the writer thread died with the request (a panic mid-commit). The events
        // went with it, so nothing can be handed back; `Closed` is fatal and never retried.
        answer.await.unwrap_or_else(|_| {
            Err(CommitError {
                error: StoreError::Closed,
                events: Vec::new(),
            })
        })
    }

    /// Whether the store takes writes: its writer runs and its last commit succeeded.
    pub fn is_writable(&self) -> bool {
        !self.tx.is_closed() && self.healthy.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether new events are refused because the size cap is reached (see `retention.rs`).
    pub fn is_full(&self) -> bool {
        self.full.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The flag the retention passes set.
    pub fn full_flag(&self) -> Arc<std::sync::atomic::AtomicBool> {
        self.full.clone()
    }

    /// Number of write requests waiting for the writer.
    pub fn queue_depth(&self) -> usize {
        self.tx.max_capacity() - self.tx.capacity()
    }
}

#[cfg(test)]
mod tests;
