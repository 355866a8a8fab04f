//! Stores written by earlier releases, brought to [`SCHEMA_VERSION`] when the writer opens them,
//! each step in one transaction (a crash midway leaves the old store as it was).
//!
//! - 2 → 3: the client time column, and the per-day rejection reasons counted again from the
//!   stored events of the last days.
//! - 3 → 4: the row per event (`events`) becomes compressed blocks (`blocks`), intake by intake
//!   in ID order; the IDs, outcomes and counters are kept. The freed pages are reused by new
//!   blocks (the file does not shrink: `VACUUM` it offline to give the space back).
//! - 4 → 5: blocks get their place in commit order (`seq`, numbered by first ID: the order
//!   is unknown for old blocks, and no forwarder has read them yet) and the forwarders'
//!   cursors table.
//! - 5 → 6: the senders' own event IDs, for deduplication (`source_ids`, empty at first).
//! - 6 → 7: the polling intakes' cursors (`poll_cursors`, empty at first).

use super::block::{BlockEvent, Encoder, EventRef};
use super::schema::{SCHEMA, SCHEMA_VERSION, STATS_DAYS};
use super::table::{self, Group};
use crate::config::{DEFAULT_BLOCK_EVENTS, DEFAULT_COMPRESSION_LEVEL};
use rusqlite::{params, Connection};

/// The version 3 schema, as the release before blocks wrote it (the suite builds old stores
/// with it).
pub(crate) const SCHEMA_V3: &str = "
CREATE TABLE IF NOT EXISTS events (
    id          INTEGER PRIMARY KEY,
    id_low      INTEGER NOT NULL,
    intake      TEXT    NOT NULL,
    entity      TEXT    NOT NULL,
    format      TEXT    NOT NULL,
    protocol    TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    event_time  INTEGER,
    raw         TEXT    NOT NULL,
    client_time INTEGER,
    metadata    TEXT,
    normalized  TEXT,
    status      INTEGER NOT NULL,
    error       TEXT
);
CREATE INDEX IF NOT EXISTS events_intake ON events(intake, id);
CREATE TABLE IF NOT EXISTS intake_daily (
    intake  TEXT    NOT NULL,
    day     INTEGER NOT NULL,
    events  INTEGER NOT NULL,
    errors  INTEGER NOT NULL,
    PRIMARY KEY (intake, day)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS intake_reasons (
    intake  TEXT    NOT NULL,
    day     INTEGER NOT NULL,
    reason  TEXT    NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (intake, day, reason)
) WITHOUT ROWID;
";

/// Brings a store of schema `version` to [`SCHEMA_VERSION`].
pub fn run(conn: &Connection, version: i64) -> Result<(), String> {
    if version < 2 {
        return Err(format!(
            "store schema version {version} is too old to migrate (this build migrates from 2); move the data directory aside"
        ));
    }
    if version == 2 {
        step(conn, 3, v2_to_v3)?;
    }
    if version <= 3 {
        step(conn, 4, v3_to_v4)?;
    }
    if version <= 4 {
        step(conn, 5, v4_to_v5)?;
    }
    if version <= 5 {
        // Only a new table, which the schema creates when missing.
        step(conn, 6, |_| Ok(0))?;
    }
    if version <= 6 {
        // Only a new table, which the schema creates when missing.
        step(conn, 7, |_| Ok(0))?;
    }
    Ok(())
}

fn step(conn: &Connection, to: i64, migrate: fn(&Connection) -> rusqlite::Result<u64>) -> Result<(), String> {
    let started = std::time::Instant::now();
    let tx = conn
        .unchecked_transaction()
        .map_err(|e| format!("cannot migrate the store to version {to}: {e}"))?;
    let events = migrate(&tx).map_err(|e| format!("cannot migrate the store to version {to}: {e}"))?;
    tx.execute_batch(&format!("PRAGMA user_version = {to}"))
        .and_then(|()| tx.commit())
        .map_err(|e| format!("cannot migrate the store to version {to}: {e}"))?;
    tracing::info!(
        events,
        seconds = started.elapsed().as_secs_f64(),
        "Store migrated to schema version {to} (this build: {SCHEMA_VERSION})."
    );
    Ok(())
}

fn v2_to_v3(conn: &Connection) -> rusqlite::Result<u64> {
    conn.execute_batch("ALTER TABLE events ADD COLUMN client_time INTEGER;")?;
    conn.execute_batch(SCHEMA_V3)?;
    let today = chrono::Utc::now().timestamp_micros().div_euclid(super::MICROS_PER_DAY);
    let first = today - (STATS_DAYS - 1);
    conn.execute(
        "INSERT INTO intake_reasons (intake, day, reason, count)
         SELECT intake, received_at / ?2, substr(error, 1, ?3), count(*) FROM events
         WHERE status = 1 AND received_at >= ?1 * ?2
         GROUP BY 1, 2, 3",
        params![first, super::MICROS_PER_DAY, super::MAX_REASON_CHARS],
    )?;
    Ok(0)
}

/// The events of one intake and entity (and, to keep blocks as the writer makes them, format),
/// collected until a block is full.
struct Pending {
    key: (String, String, String),
    events: Vec<BlockEvent>,
    encoder: Encoder,
}

impl Pending {
    fn flush(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        if self.events.is_empty() {
            return Ok(());
        }
        let group = Group {
            intake: &self.key.0,
            entity: &self.key.1,
            events: self.events.iter().map(EventRef::from).collect(),
        };
        table::insert(conn, &group, usize::MAX, &mut self.encoder)?;
        self.events.clear();
        Ok(())
    }
}

fn v3_to_v4(conn: &Connection) -> rusqlite::Result<u64> {
    conn.execute_batch(SCHEMA)?;
    let block_events = DEFAULT_BLOCK_EVENTS as usize;
    let encoder = Encoder::new(DEFAULT_COMPRESSION_LEVEL as i32)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    let mut pending = Pending {
        key: Default::default(),
        events: Vec::with_capacity(block_events),
        encoder,
    };
    let mut moved = 0u64;
    {
        let mut stmt = conn.prepare(
            "SELECT intake, entity, format, id, id_low, protocol, received_at, event_time, client_time, raw, metadata,
                    normalized, status, error
             FROM events ORDER BY intake, id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let key: (String, String, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
            if key != pending.key || pending.events.len() >= block_events {
                pending.flush(conn)?;
                pending.key = key;
            }
            let status: i64 = row.get(12)?;
            let outcome = if status == 0 {
                row.get::<_, Option<String>>(11)?
                    .ok_or_else(|| "stored without its normalized document (version 3 store)".to_string())
            } else {
                Err(row.get::<_, Option<String>>(13)?.unwrap_or_default())
            };
            pending.events.push(BlockEvent {
                high: row.get::<_, i64>(3)? as u64,
                low: row.get::<_, i64>(4)? as u64,
                format: pending.key.2.clone(),
                protocol: row.get(5)?,
                received_at_us: row.get(6)?,
                event_time_us: row.get(7)?,
                client_time_us: row.get(8)?,
                raw: row.get(9)?,
                metadata: row.get(10)?,
                outcome,
            });
            moved += 1;
        }
    }
    pending.flush(conn)?;
    conn.execute_batch("DROP TABLE events;")?;
    Ok(moved)
}

/// The version 4 blocks table, as the release before commit order wrote it (tests build old
/// stores with it).
#[cfg(test)]
pub(crate) const SCHEMA_V4_BLOCKS: &str = "
CREATE TABLE IF NOT EXISTS blocks (
    first_id INTEGER PRIMARY KEY,
    last_id  INTEGER NOT NULL,
    intake   TEXT    NOT NULL,
    entity   TEXT    NOT NULL,
    events   INTEGER NOT NULL,
    errors   INTEGER NOT NULL,
    data     BLOB    NOT NULL
);
CREATE INDEX IF NOT EXISTS blocks_intake ON blocks(intake, first_id);
CREATE TABLE IF NOT EXISTS store_meta (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
";

fn v4_to_v5(conn: &Connection) -> rusqlite::Result<u64> {
    // A version 3 store went through `v3_to_v4`, which made its blocks with today's schema.
    let has_seq: bool = conn.query_row(
        "SELECT count(*) FROM pragma_table_info('blocks') WHERE name = 'seq'",
        [],
        |r| r.get::<_, i64>(0).map(|n| n > 0),
    )?;
    if !has_seq {
        conn.execute_batch(
            "ALTER TABLE blocks ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
             UPDATE blocks SET seq = numbered.n
               FROM (SELECT first_id, row_number() OVER (ORDER BY first_id) AS n FROM blocks) AS numbered
              WHERE blocks.first_id = numbered.first_id;",
        )?;
    }
    conn.execute(
        "INSERT INTO store_meta (name, value) SELECT ?1, coalesce(max(seq), 0) FROM blocks WHERE true
         ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
        [super::table::LAST_SEQ_KEY],
    )?;
    conn.execute_batch(SCHEMA)?;
    conn.query_row("SELECT count(*) FROM blocks", [], |r| r.get::<_, i64>(0))
        .map(|n| n as u64)
}
