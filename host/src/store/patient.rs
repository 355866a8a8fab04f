//! Commits for the stream listeners, which cannot tell a sender "try again": a commit that
//! failed for a reason that may pass (full disk, I/O error, lock, full queue) is retried with
//! the same events, and so the same IDs, until it succeeds. Anything else fails at once, and a
//! failure never turns into success: retrying fewer events than were handed in would answer
//! "stored" for the ones left out.

use super::poll_cursors::PollCursor;
use super::{CommitError, Duplicate, NewEvent, Store, StoreError};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Retries of a failed commit once shutdown has begun, so that shutdown ends.
const RETRIES_AFTER_SHUTDOWN: u32 = 10;
const FIRST_BACKOFF: Duration = Duration::from_millis(50);
const MAX_BACKOFF: Duration = Duration::from_secs(2);

impl Store {
    /// Stores `events` in one transaction, retrying retryable failures (before shutdown: until
    /// they succeed; after `shutdown` fired: `RETRIES_AFTER_SHUTDOWN` more times). `Ok` means
    /// every one of `events` is on disk.
    pub async fn commit_patiently(
        &self,
        events: Vec<NewEvent>,
        shutdown: &CancellationToken,
    ) -> Result<Vec<Duplicate>, StoreError> {
        self.commit_patiently_with(events, None, shutdown).await
    }

    /// [`Store::commit_patiently`] for a poller's page: `cursor` is saved in the same
    /// transaction as `events` ([`Store::commit_polled`]), also when `events` is empty.
    pub async fn commit_polled_patiently(
        &self,
        events: Vec<NewEvent>,
        cursor: PollCursor,
        shutdown: &CancellationToken,
    ) -> Result<Vec<Duplicate>, StoreError> {
        self.commit_patiently_with(events, Some(cursor), shutdown).await
    }

    async fn commit_patiently_with(
        &self,
        events: Vec<NewEvent>,
        cursor: Option<PollCursor>,
        shutdown: &CancellationToken,
    ) -> Result<Vec<Duplicate>, StoreError> {
        let expected = events.len();
        let mut pending = events;
        let mut backoff = FIRST_BACKOFF;
        let mut after_shutdown = 0;
        loop {
            let attempt = match &cursor {
                Some(c) => self.commit_polled(pending, c.clone()).await,
                None => self.commit(pending).await,
            };
            let CommitError { error, events } = match attempt {
                Ok(duplicates) => return Ok(duplicates),
                Err(failed) => failed,
            };
            // A writer that died mid-commit hands nothing back (`Closed`, fatal): what it held
            // may or may not be on disk, and only the sender can send it again.
            if !error.retryable() || events.len() != expected {
                return Err(error);
            }
            if shutdown.is_cancelled() {
                after_shutdown += 1;
                if after_shutdown > RETRIES_AFTER_SHUTDOWN {
                    return Err(error);
                }
            }
            tracing::warn!(%error, events = expected, backoff_ms = backoff.as_millis() as u64, "Commit failed; retrying.");
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
            pending = events;
        }
    }
}
