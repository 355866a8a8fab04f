//! The forwarders' cursors: per destination, the last block (in commit order) it acknowledged,
//! kept in the store itself so that a cursor never runs ahead of the events it covers.

use super::{schema, StoreError};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;

/// Where a destination stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursor {
    /// Every block up to this place in commit order is acknowledged (0: none yet).
    pub seq: i64,
    /// Events the destination acknowledged, in all.
    pub forwarded: u64,
    /// When the cursor last moved or failed (µs since the epoch; 0: never).
    pub updated_at_us: i64,
    pub last_error: Option<String>,
}

/// Reads and moves cursors; one connection per forwarder (its own writes, fsynced).
pub struct Cursors {
    conn: Connection,
}

impl Cursors {
    pub fn open(path: &Path) -> Result<Cursors, StoreError> {
        Ok(Cursors {
            conn: schema::open_for_cursors(path)?,
        })
    }

    pub fn load(&self, name: &str) -> Result<Cursor, StoreError> {
        load(&self.conn, name)
    }

    /// Moves `name` to `seq` once its destination acknowledged everything up to it.
    pub fn advance(&self, name: &str, seq: i64, forwarded: u64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO forward_cursors (name, seq, forwarded, updated_at, last_error) VALUES (?1, ?2, ?3, ?4, NULL)
                 ON CONFLICT (name) DO UPDATE SET seq = max(seq, excluded.seq), forwarded = excluded.forwarded,
                   updated_at = excluded.updated_at, last_error = NULL",
            )
            .and_then(|mut stmt| stmt.execute(params![name, seq, forwarded as i64, now_us()]))
            .map(drop)
            .map_err(|e| StoreError::write(&e))
    }

    /// Records why `name` could not go on (the cursor stays where it is).
    pub fn failed(&self, name: &str, error: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO forward_cursors (name, seq, forwarded, updated_at, last_error) VALUES (?1, 0, 0, ?2, ?3)
                 ON CONFLICT (name) DO UPDATE SET updated_at = excluded.updated_at, last_error = excluded.last_error",
            )
            .and_then(|mut stmt| stmt.execute(params![name, now_us(), error]))
            .map(drop)
            .map_err(|e| StoreError::write(&e))
    }
}

/// The cursor of `name` (a new destination starts before the first block).
pub(crate) fn load(conn: &Connection, name: &str) -> Result<Cursor, StoreError> {
    conn.prepare_cached("SELECT seq, forwarded, updated_at, last_error FROM forward_cursors WHERE name = ?1")
        .and_then(|mut stmt| {
            stmt.query_row([name], |r| {
                Ok(Cursor {
                    seq: r.get(0)?,
                    forwarded: r.get::<_, i64>(1)? as u64,
                    updated_at_us: r.get(2)?,
                    last_error: r.get(3)?,
                })
            })
            .optional()
        })
        .map(Option::unwrap_or_default)
        .map_err(|e| StoreError::Query(e.to_string()))
}

fn now_us() -> i64 {
    chrono::Utc::now().timestamp_micros()
}
