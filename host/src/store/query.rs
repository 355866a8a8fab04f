//! Reading stored events back, for the CLI (and later the admin API).

use super::schema::STATS_DAYS;
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

    /// Events and errors per day and rejection reasons of `intake` over the last
    /// [`STATS_DAYS`] days up to `today` (days since the Unix epoch, UTC); every day is present.
    pub fn stats(&self, intake: &str, today: i64) -> Result<IntakeStats, StoreError> {
        let first = today - (STATS_DAYS - 1);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT day, events, errors FROM intake_daily WHERE intake = ?1 AND day >= ?2 AND day <= ?3",
            )
            .map_err(query_err)?;
        let stored = stmt
            .query_map(params![intake, first, today], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
            })
            .map_err(query_err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(query_err)?;
        let days: Vec<DayCount> = (first..=today)
            .map(|day| {
                let (events, errors) = stored
                    .iter()
                    .find(|(d, _, _)| *d == day)
                    .map_or((0, 0), |(_, e, r)| (*e.max(&0) as u64, *r.max(&0) as u64));
                DayCount {
                    day: day_date(day),
                    events,
                    errors,
                }
            })
            .collect();
        let reasons = self
            .reasons(Some(intake), today)?
            .into_iter()
            .map(|(_, reason)| reason)
            .collect();
        Ok(IntakeStats {
            events: days.iter().map(|d| d.events).sum(),
            errors: days.iter().map(|d| d.errors).sum(),
            days,
            reasons,
        })
    }

    /// Rejection reasons over the last [`STATS_DAYS`] days up to `today`, of one intake or all:
    /// `(intake, reason)`, most frequent first.
    pub fn reasons(&self, intake: Option<&str>, today: i64) -> Result<Vec<(String, ReasonCount)>, StoreError> {
        let first = today - (STATS_DAYS - 1);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT intake, reason, SUM(count), MAX(day) FROM intake_reasons
                 WHERE (?1 IS NULL OR intake = ?1) AND day >= ?2 AND day <= ?3
                 GROUP BY intake, reason HAVING SUM(count) > 0 ORDER BY 3 DESC, 1, 2",
            )
            .map_err(query_err)?;
        let rows = stmt
            .query_map(params![intake, first, today], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    ReasonCount {
                        reason: r.get(1)?,
                        count: r.get::<_, i64>(2)? as u64,
                        last_day: day_date(r.get(3)?),
                    },
                ))
            })
            .map_err(query_err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(query_err)
    }
}

/// Counts of one day.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DayCount {
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    pub events: u64,
    pub errors: u64,
}

/// A rejection reason (its first 200 characters) and how many events it rejected.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReasonCount {
    pub reason: String,
    pub count: u64,
    /// The last day (`YYYY-MM-DD`, UTC) it was seen.
    pub last_day: String,
}

/// An intake's counts over the last [`STATS_DAYS`] days, oldest day first.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IntakeStats {
    pub events: u64,
    pub errors: u64,
    pub days: Vec<DayCount>,
    pub reasons: Vec<ReasonCount>,
}

impl IntakeStats {
    /// The counts of a store that does not exist yet: every day at zero.
    pub fn empty(today: i64) -> IntakeStats {
        IntakeStats {
            events: 0,
            errors: 0,
            days: (today - (STATS_DAYS - 1)..=today)
                .map(|day| DayCount {
                    day: day_date(day),
                    events: 0,
                    errors: 0,
                })
                .collect(),
            reasons: Vec::new(),
        }
    }
}

/// Today as the store counts days (UTC, days since the Unix epoch).
pub fn today() -> i64 {
    super::counters::day_of(chrono::Utc::now().timestamp_micros())
}

fn day_date(day: i64) -> String {
    chrono::DateTime::from_timestamp(day * 86_400, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| day.to_string())
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
