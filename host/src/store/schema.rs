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

/// Bumped on every incompatible change; a store of a newer version is refused, an older one
/// migrated (see `migrate.rs`).
pub const SCHEMA_VERSION: i64 = 7;

/// Rejection reasons are counted per intake and day for this many days (today included); older
/// counts are pruned by the writer. The events themselves stay.
pub const STATS_DAYS: i64 = 7;

pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS blocks (
    first_id INTEGER PRIMARY KEY, -- upper 64 bits of the first event's UUIDv7 (time-ordered)
    last_id  INTEGER NOT NULL,    -- upper 64 bits of the last event's UUIDv7
    intake   TEXT    NOT NULL,
    entity   TEXT    NOT NULL,
    events   INTEGER NOT NULL,
    errors   INTEGER NOT NULL,    -- events stored in error (status 1)
    data     BLOB    NOT NULL,    -- the events, column by column, zstd (block.rs)
    seq      INTEGER NOT NULL     -- commit order: increasing, never reused (store_meta last_seq)
);
CREATE INDEX IF NOT EXISTS blocks_intake ON blocks(intake, first_id);
CREATE UNIQUE INDEX IF NOT EXISTS blocks_seq ON blocks(seq);
CREATE TABLE IF NOT EXISTS forward_cursors (
    name       TEXT    PRIMARY KEY,  -- the [[forward]] destination
    seq        INTEGER NOT NULL,     -- every block up to this seq is acknowledged by it
    forwarded  INTEGER NOT NULL,     -- events it acknowledged, in all
    updated_at INTEGER NOT NULL,     -- µs since the Unix epoch
    last_error TEXT                  -- the last failure, until the next acknowledged round
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS source_ids (
    intake    TEXT    NOT NULL,
    source_id TEXT    NOT NULL,      -- the sender's own ID of the event (dedupe.rs)
    high      INTEGER NOT NULL,      -- the stored event's ID: upper 64 bits (time-ordered),
    low       INTEGER NOT NULL,      -- and lower 64 bits
    PRIMARY KEY (intake, source_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS source_ids_age ON source_ids(high);
CREATE TABLE IF NOT EXISTS poll_cursors (
    intake     TEXT    PRIMARY KEY,  -- a polling intake (poll/)
    cursor     BLOB,                 -- its poller's cursor, committed with the page it follows
    position   INTEGER,              -- the source time the cursor stands at, µs (if known)
    pages      INTEGER NOT NULL,     -- pages committed, in all
    events     INTEGER NOT NULL,     -- events those pages held, in all
    updated_at INTEGER NOT NULL,     -- µs since the Unix epoch: the last committed page
    last_run     INTEGER,            -- µs: when the last finished run started
    last_success INTEGER,            -- µs: when the last run without error started
    last_error   TEXT,               -- why the last run failed (NULL after a good one)
    run_pages    INTEGER,            -- pages and events of the last run
    run_events   INTEGER
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS store_meta (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
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
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name IN ('events', 'blocks')",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
        .map_err(|e| open_err(&e))?;
    if has_tables && version > SCHEMA_VERSION {
        return Err(open_err(&format!(
            "store schema version {version} was written by a newer release (this build reads up to {SCHEMA_VERSION}): run that release, or move the data directory aside"
        )));
    }
    if has_tables && version < SCHEMA_VERSION {
        super::migrate::run(&conn, version).map_err(|e| open_err(&e))?;
    }
    conn.execute_batch(SCHEMA).map_err(|e| open_err(&e))?;
    conn.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
        .map_err(|e| open_err(&e))?;
    // IDs stay increasing across restarts even if the clock went back.
    let newest: Option<i64> = conn
        .query_row("SELECT max(last_id) FROM blocks", [], |r| r.get(0))
        .map_err(|e| open_err(&e))?;
    if let Some(high) = newest {
        super::ids::observe(super::ids::from_parts(high, 0));
    }
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
    let conn =
        Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| open_err(&e))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| open_err(&e))?;
    Ok(conn)
}

/// Opens a read-write connection to an existing store, for the forwarders' cursors (the writer
/// thread has made and migrated the schema).
pub fn open_for_cursors(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(|e| {
        StoreError::Open {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }
    })?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .and_then(|()| conn.execute_batch("PRAGMA synchronous = FULL;"))
        .map_err(|e| StoreError::Open {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
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
