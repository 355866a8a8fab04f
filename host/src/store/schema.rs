//! The SQLite schema and connection settings.

use super::StoreError;
use rusqlite::Connection;
use std::path::Path;

/// WAL pages after which the writer checkpoints by itself (the checkpointer normally keeps
/// the WAL far below this).
const WRITER_CHECKPOINT_PAGES: u32 = 16_384;
/// A checkpointed WAL is truncated back to this size, so a burst does not keep its disk space.
const WAL_SIZE_LIMIT_BYTES: u64 = 64 << 20;
/// How long a connection waits for another one's lock (the checkpointer, a reader, the CLI).
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Bumped on every incompatible change; a store of another version is refused, not guessed at.
pub const SCHEMA_VERSION: i64 = 3;

/// Rejection reasons are counted per intake and day for this many days (today included); older
/// counts are pruned by the writer. The events themselves stay.
pub const STATS_DAYS: i64 = 7;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS events (
    id          INTEGER PRIMARY KEY, -- upper 64 bits of the UUIDv7: time-ordered, unique
    id_low      INTEGER NOT NULL,    -- lower 64 bits of the UUIDv7
    intake      TEXT    NOT NULL,
    entity      TEXT    NOT NULL,
    format      TEXT    NOT NULL,
    protocol    TEXT    NOT NULL,
    received_at INTEGER NOT NULL,    -- microseconds since the Unix epoch
    event_time  INTEGER,             -- microseconds since the Unix epoch
    raw         TEXT    NOT NULL,
    client_time INTEGER,             -- microseconds since the Unix epoch, as the sender said
    metadata    TEXT,                -- envelope metadata, JSON object
    normalized  TEXT,                -- JSON object when status = 0
    status      INTEGER NOT NULL,    -- 0 ok, 1 error
    error       TEXT                 -- rejection reason when status = 1
);
CREATE INDEX IF NOT EXISTS events_intake ON events(intake, id);
CREATE TABLE IF NOT EXISTS intake_daily (
    intake  TEXT    NOT NULL,
    day     INTEGER NOT NULL,        -- days since the Unix epoch (UTC)
    events  INTEGER NOT NULL,
    errors  INTEGER NOT NULL,
    PRIMARY KEY (intake, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS intake_reasons (
    intake  TEXT    NOT NULL,
    day     INTEGER NOT NULL,        -- days since the Unix epoch (UTC)
    reason  TEXT    NOT NULL,        -- the rejection reason, cut at 200 characters
    count   INTEGER NOT NULL,
    PRIMARY KEY (intake, day, reason)
) WITHOUT ROWID;
";

/// Version 2 → 3: the client time column and the per-day rejection reasons, counted again from
/// the stored events of the last days.
const MIGRATE_2_TO_3: &str = "
ALTER TABLE events ADD COLUMN client_time INTEGER;
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
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| open_err(&e))?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(|e| open_err(&e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(open_err(&format!("journal_mode is {mode}, WAL is required")));
    }
    // A checkpointer thread copies the WAL into the database in the background; the writer
    // only checkpoints itself if the WAL ever grows past the safety limit.
    conn.execute_batch(&format!(
        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF; PRAGMA wal_autocheckpoint = {WRITER_CHECKPOINT_PAGES}; PRAGMA journal_size_limit = {WAL_SIZE_LIMIT_BYTES};"
    ))
    .map_err(|e| open_err(&e))?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| open_err(&e))?;
    let has_tables: bool = conn
        .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'events'", [], |r| {
            r.get::<_, i64>(0)
        })
        .map(|n| n > 0)
        .map_err(|e| open_err(&e))?;
    if has_tables && version == 2 {
        migrate_2_to_3(&conn).map_err(|e| open_err(&format!("cannot migrate the store from version 2: {e}")))?;
    } else if has_tables && version != SCHEMA_VERSION {
        return Err(open_err(&format!(
            "store schema version {version}, this build needs {SCHEMA_VERSION}; move the data directory aside"
        )));
    }
    conn.execute_batch(SCHEMA).map_err(|e| open_err(&e))?;
    conn.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
        .map_err(|e| open_err(&e))?;
    // IDs stay increasing across restarts even if the clock went back.
    let newest: Option<(i64, i64)> = conn
        .query_row("SELECT id, id_low FROM events ORDER BY id DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .ok();
    if let Some((high, low)) = newest {
        super::ids::observe(super::ids::from_parts(high, low));
    }
    Ok(conn)
}

fn migrate_2_to_3(conn: &Connection) -> rusqlite::Result<()> {
    let tx = conn.unchecked_transaction()?;
    tx.execute_batch(MIGRATE_2_TO_3)?;
    tx.execute_batch(SCHEMA)?;
    let today = chrono::Utc::now().timestamp_micros().div_euclid(super::MICROS_PER_DAY);
    let first = today - (STATS_DAYS - 1);
    tx.execute(
        "INSERT INTO intake_reasons (intake, day, reason, count)
         SELECT intake, received_at / ?2, substr(error, 1, ?3), count(*) FROM events
         WHERE status = 1 AND received_at >= ?1 * ?2
         GROUP BY 1, 2, 3",
        rusqlite::params![first, super::MICROS_PER_DAY, super::MAX_REASON_CHARS],
    )?;
    tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))?;
    tx.commit()?;
    tracing::info!("Store migrated from schema version 2 to {SCHEMA_VERSION}.");
    Ok(())
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
    let conn =
        Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| open_err(&e))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| open_err(&e))?;
    Ok(conn)
}

/// Opens the checkpointer's connection.
pub fn open_for_checkpoints(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path).map_err(|e| StoreError::Open {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| StoreError::Open {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    Ok(conn)
}
