//! `intake-edge events renormalize`: stored raw events → the intake's current component → the
//! same rows, same IDs. After a parser fix, events stored in error (or normalized by the old
//! parser) get what the new one makes of them; the daily error counts and reasons follow.

use crate::event::{row, Event};
use crate::runtime::{self, LoadedFormat, Runtime, RuntimeError};
use crate::store::{Rewrite, Rewriter, StoreError, StoredRaw};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

/// Unreadable rows named in a report (all are counted): enough to find what wrote them, and a
/// report that stays short whatever the damage.
pub const MAX_NAMED_UNREADABLE: usize = 20;

#[derive(Debug, thiserror::Error)]
pub enum RenormalizeError {
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a run did.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct Report {
    /// Events read.
    pub scanned: u64,
    /// Events whose stored outcome changed (and was rewritten).
    pub rewritten: u64,
    /// Events stored in error that are now normalized.
    pub fixed: u64,
    /// Events normalized before that the component now rejects.
    pub now_rejected: u64,
    /// Events in error after the run, among those scanned.
    pub errors: u64,
    /// Events whose stored row cannot be turned back into the event its component saw (unknown
    /// protocol, time out of range, unreadable envelope): left as they are.
    pub unreadable: u64,
    /// The first [`MAX_NAMED_UNREADABLE`] of them.
    pub unreadable_rows: Vec<UnreadableRow>,
}

/// A stored row that cannot be normalized again, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UnreadableRow {
    pub id: String,
    pub reason: String,
}

impl Report {
    fn unreadable(&mut self, stored: &StoredRaw, error: &row::RowError) {
        self.unreadable += 1;
        self.errors += u64::from(stored.outcome.is_err());
        if self.unreadable_rows.len() < MAX_NAMED_UNREADABLE {
            self.unreadable_rows.push(UnreadableRow {
                id: stored.id.to_string(),
                reason: error.to_string(),
            });
        }
    }
}

/// Which events, and how many per transaction.
pub struct Scope<'a> {
    pub intake: &'a str,
    /// The format name recorded on rewritten events.
    pub format_name: &'a str,
    /// Only events received at or after this time (as their ID says).
    pub since: Option<DateTime<Utc>>,
    pub page: usize,
}

/// Runs every stored event of `scope.intake` through `format` and rewrites the ones whose
/// outcome changed; `progress` sees the report after each page. A row that cannot be rebuilt is
/// counted and named in the report, and left as it is.
pub async fn run(
    runtime: &Runtime,
    format: Arc<LoadedFormat>,
    store_path: &Path,
    scope: &Scope<'_>,
    mut progress: impl FnMut(&Report),
) -> Result<Report, RenormalizeError> {
    let mut rewriter = Rewriter::open(store_path)?;
    let mut report = Report::default();
    // The rowid's top 48 bits are the ID's millisecond time (UUIDv7), so a time bound is an
    // indexed rowid bound.
    let mut after = scope
        .since
        .map_or(0, |t| (t.timestamp_millis().max(0) << 16).saturating_sub(1));
    loop {
        let page = rewriter.page(scope.intake, after, scope.page.max(1))?;
        let Some(last) = page.last() else {
            break;
        };
        after = crate::store::ids::rowid(last.id);
        let mut events = Vec::with_capacity(page.len());
        let mut rebuilt = Vec::with_capacity(page.len());
        for stored in &page {
            report.scanned += 1;
            match row::event_of(stored) {
                Ok(event) => {
                    events.push(event);
                    rebuilt.push(stored);
                }
                Err(e) => report.unreadable(stored, &e),
            }
        }
        let outcomes = normalize(runtime, &format, events).await?;
        let mut rewrites = Vec::new();
        for (stored, outcome) in rebuilt.into_iter().zip(&outcomes) {
            report.errors += u64::from(outcome.normalized.is_err());
            if outcome.normalized == stored.outcome && outcome.event_time_us == stored.event_time_us {
                continue;
            }
            report.rewritten += 1;
            match (&stored.outcome, &outcome.normalized) {
                (Err(_), Ok(_)) => report.fixed += 1,
                (Ok(_), Err(_)) => report.now_rejected += 1,
                _ => {}
            }
            rewrites.push(Rewrite {
                event: stored,
                event_time_us: outcome.event_time_us,
                outcome: &outcome.normalized,
            });
        }
        if !rewrites.is_empty() {
            rewriter.rewrite(scope.intake, scope.format_name, &rewrites)?;
        }
        progress(&report);
    }
    Ok(report)
}

/// The events through the worker pool, in chunks of the runtime's batch size, all at once.
async fn normalize(
    runtime: &Runtime,
    format: &Arc<LoadedFormat>,
    mut events: Vec<Event>,
) -> Result<Vec<runtime::Outcome>, RuntimeError> {
    let size = runtime.batch_size().max(1);
    let mut chunks = Vec::with_capacity(events.len().div_ceil(size));
    while !events.is_empty() {
        let rest = events.split_off(events.len().min(size));
        chunks.push(std::mem::replace(&mut events, rest));
    }
    let calls = chunks
        .into_iter()
        .map(|chunk| runtime.normalize_waiting(format.clone(), chunk, None));
    let batches = futures_util::future::try_join_all(calls).await?;
    Ok(batches.into_iter().flat_map(|b| b.outcomes).collect())
}
