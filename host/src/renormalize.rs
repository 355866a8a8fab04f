//! `intake-edge events renormalize`: stored raw events → the intake's current component → the
//! same rows, same IDs. After a parser fix, events stored in error (or normalized by the old
//! parser) get what the new one makes of them; the daily error counts and reasons follow.

use crate::envelope;
use crate::runtime::{self, Event, LoadedFormat, Runtime, RuntimeError, WitProtocol};
use crate::store::{Rewrite, Rewriter, StoreError, StoredRaw};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

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
/// outcome changed; `progress` sees the report after each page.
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
        let outcomes = normalize(runtime, &format, &page).await?;
        let mut rewrites = Vec::new();
        for (stored, outcome) in page.iter().zip(&outcomes) {
            report.scanned += 1;
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

/// The page through the worker pool, in chunks of the runtime's batch size, all at once.
async fn normalize(
    runtime: &Runtime,
    format: &Arc<LoadedFormat>,
    page: &[StoredRaw],
) -> Result<Vec<runtime::Outcome>, RuntimeError> {
    let calls = page.chunks(runtime.batch_size().max(1)).map(|chunk| {
        let events = chunk.iter().map(event_of).collect();
        runtime.normalize_waiting(format.clone(), events, None)
    });
    let batches = futures_util::future::try_join_all(calls).await?;
    Ok(batches.into_iter().flat_map(|b| b.outcomes).collect())
}

/// The event as the component first saw it, rebuilt from the stored row.
fn event_of(stored: &StoredRaw) -> Event {
    let envelope = envelope::restore(stored.metadata.as_deref());
    Event {
        raw: stored.raw.clone(),
        received_at: timestamp(stored.received_at_us),
        client_time: stored.client_time_us.map(timestamp),
        protocol: match stored.protocol.as_str() {
            "syslog" => WitProtocol::Syslog,
            "relp" => WitProtocol::Relp,
            "poll" => WitProtocol::Poll,
            _ => WitProtocol::Https,
        },
        source_address: envelope.source_address,
        syslog: envelope.syslog,
        metadata: envelope.metadata,
    }
}

fn timestamp(micros: i64) -> runtime::Timestamp {
    runtime::from_timestamp(DateTime::from_timestamp_micros(micros).unwrap_or_default())
}
