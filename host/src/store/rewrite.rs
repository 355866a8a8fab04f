//! Rewriting stored events in place, for `intake-edge events renormalize`: read an intake's
//! events page by page in ID order, and store a new outcome for some of them, keeping their IDs.
//! Runs beside a serving writer (WAL: one writer at a time, each waits for the other's short
//! transactions); the daily error counts and reasons are adjusted in the same transaction.

use super::block::Encoder;
use super::counters::Tally;
use super::table;
use super::{schema, StoreError};
use crate::config::DEFAULT_COMPRESSION_LEVEL;
use rusqlite::Connection;
use std::collections::BTreeMap;
use std::path::Path;
use uuid::Uuid;

/// A stored event as far as normalizing it again needs.
#[derive(Debug, Clone)]
pub struct StoredRaw {
    pub id: Uuid,
    /// The key of the block that holds it.
    pub block: i64,
    pub protocol: String,
    pub received_at_us: i64,
    pub client_time_us: Option<i64>,
    pub event_time_us: Option<i64>,
    pub raw: String,
    pub metadata: Option<String>,
    /// What is stored now: the normalized JSON or the rejection reason.
    pub outcome: Result<String, String>,
}

/// A new outcome for a stored event.
pub struct Rewrite<'a> {
    pub event: &'a StoredRaw,
    pub event_time_us: Option<i64>,
    pub outcome: &'a Result<String, String>,
}

pub struct Rewriter {
    conn: Connection,
    encoder: Encoder,
}

impl Rewriter {
    /// Opens an existing store for writing.
    pub fn open(path: &Path) -> Result<Rewriter, StoreError> {
        if !path.is_file() {
            return Err(StoreError::Open {
                path: path.to_path_buf(),
                reason: "no such file (has the server ever run with this data directory?)".into(),
            });
        }
        let encoder = Encoder::new(DEFAULT_COMPRESSION_LEVEL as i32).map_err(|e| StoreError::Open {
            path: path.to_path_buf(),
            reason: format!("cannot start the block compressor: {e}"),
        })?;
        Ok(Rewriter {
            conn: schema::open_for_writing(path)?,
            encoder,
        })
    }

    /// Up to `limit` events of `intake` whose ID's upper half is above `after`, in ID order
    /// ([`table::after`]).
    pub fn page(&self, intake: &str, after: i64, limit: usize) -> Result<Vec<StoredRaw>, StoreError> {
        let events = table::after(&self.conn, Some(intake), after, limit).map_err(query_err)?;
        Ok(events
            .into_iter()
            .map(|(origin, e)| StoredRaw {
                id: Uuid::from_u64_pair(e.high, e.low),
                block: origin.first_id,
                protocol: e.protocol,
                received_at_us: e.received_at_us,
                client_time_us: e.client_time_us,
                event_time_us: e.event_time_us,
                raw: e.raw,
                metadata: e.metadata,
                outcome: e.outcome,
            })
            .collect())
    }

    /// Stores the new outcomes of `intake`'s events, now normalized by `format`, in one
    /// transaction, with the error counts and reasons moved to match. Each block that holds a
    /// rewritten event is written again.
    pub fn rewrite(&mut self, intake: &str, format: &str, rewrites: &[Rewrite<'_>]) -> Result<(), StoreError> {
        let write = |e: rusqlite::Error| StoreError::write(&e);
        let tx = self.conn.transaction().map_err(write)?;
        let mut tally = Tally::default();
        let mut by_block: BTreeMap<i64, Vec<&Rewrite<'_>>> = BTreeMap::new();
        for r in rewrites {
            by_block.entry(r.event.block).or_default().push(r);
        }
        for (key, changes) in by_block {
            let Some(mut block) = table::by_key(&tx, key).map_err(write)? else {
                continue;
            };
            for r in changes {
                let (high, low) = r.event.id.as_u64_pair();
                let Some(event) = block.events.iter_mut().find(|e| e.high == high && e.low == low) else {
                    continue;
                };
                let received = r.event.received_at_us;
                tally.add(
                    intake,
                    received,
                    r.event.outcome.as_ref().err().map(String::as_str),
                    -1,
                    false,
                );
                tally.add(intake, received, r.outcome.as_ref().err().map(String::as_str), 1, false);
                event.outcome = r.outcome.clone();
                event.event_time_us = r.event_time_us;
                event.format = format.to_string();
            }
            table::replace(&tx, &block, &mut self.encoder).map_err(write)?;
        }
        tally.apply(&tx).map_err(write)?;
        tx.commit().map_err(write)
    }
}

fn query_err(e: rusqlite::Error) -> StoreError {
    StoreError::Query(e.to_string())
}
