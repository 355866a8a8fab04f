//! The SQLite schema and connection settings.

use super::StoreError;
use rusqlite::Connection;
use std::path::Path;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS events (
    id          BLOB    NOT NULL,   -- UUIDv7, 16 bytes: time-ordered
    intake      TEXT    NOT NULL,
    entity      TEXT    NOT NULL,
    format      TEXT    NOT NULL,
    protocol    TEXT    NOT NULL,
    received_at INTEGER NOT NULL,   -- microseconds since the Unix epoch
    event_time  INTEGER,            -- microseconds since the Unix epoch
    raw         TEXT    NOT NULL,
    metadata    TEXT,               -- envelope metadata, JSON object
    normalized  TEXT,               -- JSON object when status = 0
    status      INTEGER NOT NULL,   -- 0 ok, 1 error
    error       TEXT                -- rejection reason when status = 1
);
CREATE UNIQUE INDEX IF NOT EXISTS events_id ON events(id);
CREATE INDEX IF NOT EXISTS events_intake ON events(intake, id);
CREATE TABLE IF NOT EXISTS intake_daily (
    intake  TEXT    NOT NULL,
    day     INTEGER NOT NULL,       -- days since the Unix epoch (UTC)
    events  INTEGER NOT NULL,
    errors  INTEGER NOT NULL,
    PRIMARY KEY (intake, day)
) WITHOUT ROWID;
";

/// Opens the writer's connection: WAL, and a full sync at each commit so a commit is durable.
pub fn open_for_writing(path: &Path) -> Result<Connection, StoreError> {
    let open_err = |e: &dyn std::fmt::Display| StoreError::Open {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| open_err(&e))?;
    }
    let conn = Connection::open(path).map_err(|e| open_err(&e))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(|e| open_err(&e))?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(|e| open_err(&e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(open_err(&format!(
            "journal_mode is {mode}, WAL is required"
        )));
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF;")
        .map_err(|e| open_err(&e))?;
    conn.execute_batch(SCHEMA).map_err(|e| open_err(&e))?;
    migrate(&conn).map_err(|e| open_err(&e))?;
    Ok(conn)
}

/// Opens a read-only connection for the CLI and queries; WAL lets it run beside the writer.
pub fn open_for_reading(path: &Path) -> Result<Connection, StoreError> {
    let open_err = |e: &dyn std::fmt::Display| StoreError::Open {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    if !path.is_file() {
        return Err(open_err(
            &"no such file (has the server ever run with this data directory?)",
        ));
    }
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| open_err(&e))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(|e| open_err(&e))?;
    Ok(conn)
}

/// Brings a store written by an older version up to the current schema.
fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let has_metadata: bool = conn.query_row(
        "SELECT count(*) FROM pragma_table_info('events') WHERE name = 'metadata'",
        [],
        |r| r.get::<_, i64>(0).map(|n| n > 0),
    )?;
    if !has_metadata {
        conn.execute_batch("ALTER TABLE events ADD COLUMN metadata TEXT")?;
    }
    Ok(())
}
