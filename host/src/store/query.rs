//! Reading stored events back, for the CLI (and later the admin API).

use super::{schema, StoreError};
use rusqlite::{params, Connection, Row};
use serde::Serialize;
use std::path::Path;
use uuid::Uuid;

/// A stored event as the CLI prints it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoredEvent {
    pub id: String,
    pub intake: String,
    pub entity: String,
    pub format: String,
    pub protocol: String,
    pub received_at: String,
    pub event_time: Option<String>,
    pub status: &'static str,
    pub error: Option<String>,
    pub raw: String,
    pub metadata: Option<serde_json::Value>,
    pub normalized: Option<serde_json::Value>,
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub intake: Option<String>,
    pub errors_only: bool,
    pub limit: usize,
}

/// A read-only view of the store; safe to use while a server writes.
pub struct Reader {
    conn: Connection,
}

const COLUMNS: &str =
    "id, intake, entity, format, protocol, received_at, event_time, status, error, raw, normalized, metadata, id_low";

impl Reader {
    pub fn open(path: &Path) -> Result<Reader, StoreError> {
        Ok(Reader {
            conn: schema::open_for_reading(path)?,
        })
    }

    pub fn get(&self, id: Uuid) -> Result<Option<StoredEvent>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM events WHERE id = ?1 AND id_low = ?2");
        let mut stmt = self.conn.prepare(&sql).map_err(query_err)?;
        let mut rows = stmt
            .query(params![super::ids::rowid(id), super::ids::low(id)])
            .map_err(query_err)?;
        match rows.next().map_err(query_err)? {
            Some(row) => Ok(Some(from_row(row).map_err(query_err)?)),
            None => Ok(None),
        }
    }

    /// Newest first.
    pub fn list(&self, filter: &EventFilter) -> Result<Vec<StoredEvent>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM events WHERE (?1 IS NULL OR intake = ?1) AND (?2 = 0 OR status = 1)
             ORDER BY id DESC LIMIT ?3"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(query_err)?;
        let rows = stmt
            .query_map(
                params![filter.intake, filter.errors_only as i64, filter.limit as i64],
                from_row,
            )
            .map_err(query_err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(query_err)
    }

    /// Total events stored for an intake (all days).
    pub fn count(&self, intake: &str) -> Result<(u64, u64), StoreError> {
        self.conn
            .query_row(
                "SELECT COALESCE(SUM(events), 0), COALESCE(SUM(errors), 0) FROM intake_daily WHERE intake = ?1",
                params![intake],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
            )
            .map_err(query_err)
    }

    /// Events and errors of an intake per day from `first_day` on (days since the Unix epoch,
    /// UTC, as the store counts them): `(day, events, errors)`, oldest first, days without
    /// events left out.
    pub fn daily(&self, intake: &str, first_day: i64) -> Result<Vec<(i64, u64, u64)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT day, events, errors FROM intake_daily WHERE intake = ?1 AND day >= ?2 ORDER BY day")
            .map_err(query_err)?;
        let rows = stmt
            .query_map(params![intake, first_day], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)? as u64,
                    r.get::<_, i64>(2)? as u64,
                ))
            })
            .map_err(query_err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(query_err)
    }
}

fn query_err(e: rusqlite::Error) -> StoreError {
    StoreError::Query(e.to_string())
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<StoredEvent> {
    let id = super::ids::from_parts(row.get(0)?, row.get(12)?).to_string();
    let normalized: Option<String> = row.get(10)?;
    Ok(StoredEvent {
        id,
        intake: row.get(1)?,
        entity: row.get(2)?,
        format: row.get(3)?,
        protocol: row.get(4)?,
        received_at: micros_rfc3339(row.get(5)?),
        event_time: row.get::<_, Option<i64>>(6)?.map(micros_rfc3339),
        status: if row.get::<_, i64>(7)? == 0 { "ok" } else { "error" },
        error: row.get(8)?,
        raw: row.get(9)?,
        metadata: row
            .get::<_, Option<String>>(11)?
            .and_then(|s| serde_json::from_str(&s).ok()),
        normalized: normalized.and_then(|s| serde_json::from_str(&s).ok()),
    })
}

fn micros_rfc3339(us: i64) -> String {
    chrono::DateTime::from_timestamp_micros(us)
        .map(crate::timeparse::format_rfc3339)
        .unwrap_or_else(|| us.to_string())
}
