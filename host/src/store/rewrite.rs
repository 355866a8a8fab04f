//! Rewriting stored events in place, for `intake-edge events renormalize`: read an intake's
//! events page by page in ID order, and store a new outcome for some of them, keeping their IDs.
//! Runs beside a serving writer (WAL: one writer at a time, each waits for the other's short
//! transactions); the daily error counts and reasons are adjusted in the same transaction.

use super::counters::Tally;
use super::{schema, StoreError};
use rusqlite::{params, Connection};
use std::path::Path;
use uuid::Uuid;

/// A stored event as far as normalizing it again needs.
#[derive(Debug, Clone)]
pub struct StoredRaw {
    pub id: Uuid,
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
        Ok(Rewriter {
            conn: schema::open_for_writing(path)?,
        })
    }

    /// Up to `limit` events of `intake` with a rowid above `after`, in ID order.
    pub fn page(&self, intake: &str, after: i64, limit: usize) -> Result<Vec<StoredRaw>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, id_low, protocol, received_at, client_time, event_time, raw, metadata, normalized, status, error
                 FROM events WHERE intake = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
            )
            .map_err(query_err)?;
        let rows = stmt
            .query_map(params![intake, after, limit as i64], |r| {
                let status: i64 = r.get(9)?;
                // The column the status names is never NULL as this program writes rows: a NULL
                // there fails the read (rusqlite's InvalidColumnType) rather than reading as "".
                let outcome = if status == 0 { Ok(r.get(8)?) } else { Err(r.get(10)?) };
                Ok(StoredRaw {
                    id: super::ids::from_parts(r.get(0)?, r.get(1)?),
                    protocol: r.get(2)?,
                    received_at_us: r.get(3)?,
                    client_time_us: r.get(4)?,
                    event_time_us: r.get(5)?,
                    raw: r.get(6)?,
                    metadata: r.get(7)?,
                    outcome,
                })
            })
            .map_err(query_err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(query_err)
    }

    /// Stores the new outcomes of `intake`'s events, now normalized by `format`, in one
    /// transaction, with the error counts and reasons moved to match.
    pub fn rewrite(&mut self, intake: &str, format: &str, rewrites: &[Rewrite<'_>]) -> Result<(), StoreError> {
        let write = |e: rusqlite::Error| StoreError::write(&e);
        let tx = self.conn.transaction().map_err(write)?;
        let mut tally = Tally::default();
        {
            let mut update = tx
                .prepare_cached(
                    "UPDATE events SET format = ?3, event_time = ?4, normalized = ?5, status = ?6, error = ?7
                     WHERE id = ?1 AND id_low = ?2",
                )
                .map_err(write)?;
            for r in rewrites {
                let (normalized, status, error) = match r.outcome {
                    Ok(json) => (Some(json.as_str()), 0, None),
                    Err(reason) => (None, 1, Some(reason.as_str())),
                };
                update
                    .execute(params![
                        super::ids::rowid(r.event.id),
                        super::ids::low(r.event.id),
                        format,
                        r.event_time_us,
                        normalized,
                        status,
                        error
                    ])
                    .map_err(write)?;
                let received = r.event.received_at_us;
                tally.add(
                    intake,
                    received,
                    r.event.outcome.as_ref().err().map(String::as_str),
                    -1,
                    false,
                );
                tally.add(intake, received, r.outcome.as_ref().err().map(String::as_str), 1, false);
            }
        }
        tally.apply(&tx).map_err(write)?;
        tx.commit().map_err(write)
    }
}

fn query_err(e: rusqlite::Error) -> StoreError {
    StoreError::Query(e.to_string())
}
