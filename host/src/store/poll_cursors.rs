//! The polling intakes' cursors (`poll/`): where each poller resumes. A cursor is written in
//! the transaction that stores the page it follows, so that the events and the position they
//! were read up to cannot part: a crash either keeps both or neither.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::sync::Arc;

/// A cursor to save with a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollCursor {
    pub intake: Arc<str>,
    /// `None`: keep the saved cursor (the page did not move it), still count the page.
    pub cursor: Option<Vec<u8>>,
    /// The source time the cursor stands at, µs since the Unix epoch.
    pub position_us: Option<i64>,
    /// Events the page held (duplicates included).
    pub events: u64,
    /// A page was read (`false`: only `run` is saved).
    pub page: bool,
    /// How the run that ends with this commit went.
    pub run: Option<RunOutcome>,
}

/// The end of a run, saved for `intakes show` and the admin page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutcome {
    /// µs since the Unix epoch.
    pub started_us: i64,
    pub error: Option<String>,
    pub pages: u64,
    pub events: u64,
}

/// What is saved for an intake.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SavedCursor {
    pub cursor: Option<Vec<u8>>,
    pub position_us: Option<i64>,
    pub pages: u64,
    pub events: u64,
    /// µs since the Unix epoch.
    pub updated_at_us: i64,
    pub last_run_us: Option<i64>,
    pub last_success_us: Option<i64>,
    pub last_error: Option<String>,
    pub run_pages: Option<u64>,
    pub run_events: Option<u64>,
}

/// Saves `c` in the writer's transaction.
pub fn save(tx: &Transaction, c: &PollCursor) -> rusqlite::Result<()> {
    let now = chrono::Utc::now().timestamp_micros();
    tx.prepare_cached(
        "INSERT INTO poll_cursors (intake, cursor, position, pages, events, updated_at) VALUES (?1, ?2, ?3, 0, 0, ?4)
         ON CONFLICT(intake) DO NOTHING",
    )?
    .execute(params![&*c.intake, c.cursor.as_deref(), c.position_us, now])?;
    if c.page {
        tx.prepare_cached(
            "UPDATE poll_cursors SET
               cursor = CASE WHEN ?2 THEN ?3 ELSE cursor END,
               position = coalesce(?4, position),
               pages = pages + 1, events = events + ?5, updated_at = ?6
             WHERE intake = ?1",
        )?
        .execute(params![
            &*c.intake,
            c.cursor.is_some(),
            c.cursor.as_deref(),
            c.position_us,
            c.events as i64,
            now
        ])?;
    }
    if let Some(run) = &c.run {
        tx.prepare_cached(
            "UPDATE poll_cursors SET last_run = ?2,
               last_success = CASE WHEN ?3 IS NULL THEN ?2 ELSE last_success END,
               last_error = ?3, run_pages = ?4, run_events = ?5
             WHERE intake = ?1",
        )?
        .execute(params![
            &*c.intake,
            run.started_us,
            run.error.as_deref(),
            run.pages as i64,
            run.events as i64
        ])?;
    }
    Ok(())
}

const COLUMNS: &str =
    "cursor, position, pages, events, updated_at, last_run, last_success, last_error, run_pages, run_events";

fn saved(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<SavedCursor> {
    Ok(SavedCursor {
        cursor: r.get(at)?,
        position_us: r.get(at + 1)?,
        pages: r.get::<_, i64>(at + 2)?.max(0) as u64,
        events: r.get::<_, i64>(at + 3)?.max(0) as u64,
        updated_at_us: r.get(at + 4)?,
        last_run_us: r.get(at + 5)?,
        last_success_us: r.get(at + 6)?,
        last_error: r.get(at + 7)?,
        run_pages: r.get::<_, Option<i64>>(at + 8)?.map(|n| n.max(0) as u64),
        run_events: r.get::<_, Option<i64>>(at + 9)?.map(|n| n.max(0) as u64),
    })
}

/// The saved cursor of `intake`, if any.
pub fn read(conn: &Connection, intake: &str) -> rusqlite::Result<Option<SavedCursor>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM poll_cursors WHERE intake = ?1"),
        params![intake],
        |r| saved(r, 0),
    )
    .optional()
}

/// Every saved cursor, by intake.
pub fn all(conn: &Connection) -> rusqlite::Result<Vec<(String, SavedCursor)>> {
    let mut stmt = conn.prepare(&format!("SELECT intake, {COLUMNS} FROM poll_cursors ORDER BY intake"))?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, saved(r, 1)?)))?;
    rows.collect()
}

/// The saved cursor of `intake` in the store at `db` (a short read-only connection).
pub fn load(db: &std::path::Path, intake: &str) -> Result<Option<SavedCursor>, super::StoreError> {
    let conn = super::schema::open_for_reading(db)?;
    read(&conn, intake).map_err(|e| super::StoreError::Query(e.to_string()))
}

/// Every saved cursor in the store at `db`.
pub fn load_all(db: &std::path::Path) -> Result<Vec<(String, SavedCursor)>, super::StoreError> {
    let conn = super::schema::open_for_reading(db)?;
    all(&conn).map_err(|e| super::StoreError::Query(e.to_string()))
}
