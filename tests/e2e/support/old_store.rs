//! Stores as the release before event blocks wrote them (schema version 3, a row per event):
//! the suite builds one, and the binary under test must migrate it when it opens it.

use std::path::Path;

/// Schema version 3, as that release created it.
const SCHEMA_V3: &str = "
CREATE TABLE events (id INTEGER PRIMARY KEY, id_low INTEGER NOT NULL, intake TEXT NOT NULL, entity TEXT NOT NULL,
    format TEXT NOT NULL, protocol TEXT NOT NULL, received_at INTEGER NOT NULL, event_time INTEGER, raw TEXT NOT NULL,
    client_time INTEGER, metadata TEXT, normalized TEXT, status INTEGER NOT NULL, error TEXT);
CREATE INDEX events_intake ON events(intake, id);
CREATE TABLE intake_daily (intake TEXT NOT NULL, day INTEGER NOT NULL, events INTEGER NOT NULL,
    errors INTEGER NOT NULL, PRIMARY KEY (intake, day)) WITHOUT ROWID;
CREATE TABLE intake_reasons (intake TEXT NOT NULL, day INTEGER NOT NULL, reason TEXT NOT NULL,
    count INTEGER NOT NULL, PRIMARY KEY (intake, day, reason)) WITHOUT ROWID;
PRAGMA user_version = 3;
";

/// One event row of a version 3 store.
pub struct OldRow<'a> {
    /// The UUID as `events get` prints it.
    pub id: &'a str,
    pub intake: &'a str,
    pub entity: &'a str,
    pub format: &'a str,
    pub protocol: &'a str,
    pub received_at_us: i64,
    pub client_time_us: Option<i64>,
    pub raw: &'a str,
    pub metadata: Option<&'a str>,
    /// The normalized JSON, or the rejection reason.
    pub outcome: Result<&'a str, &'a str>,
}

/// Replaces the store of `data_dir` (the server must be stopped) with a version 3 store holding
/// `rows`.
pub fn write_v3(data_dir: &Path, rows: &[OldRow<'_>]) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(data_dir.join(format!("events.sqlite3{suffix}")));
    }
    let conn = rusqlite::Connection::open(data_dir.join("events.sqlite3")).expect("create the old store");
    conn.execute_batch(SCHEMA_V3).expect("version 3 schema");
    for row in rows {
        let id: u128 = u128::from_str_radix(&row.id.replace('-', ""), 16).expect("a UUID");
        let (high, low) = ((id >> 64) as u64 as i64, id as u64 as i64);
        let (normalized, status, error) = match row.outcome {
            Ok(json) => (Some(json), 0, None),
            Err(reason) => (None, 1, Some(reason)),
        };
        conn.execute(
            "INSERT INTO events (id, id_low, intake, entity, format, protocol, received_at, event_time, raw,
             client_time, metadata, normalized, status, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, ?8, ?9, ?10,
             ?11, ?12, ?13)",
            rusqlite::params![
                high,
                low,
                row.intake,
                row.entity,
                row.format,
                row.protocol,
                row.received_at_us,
                row.raw,
                row.client_time_us,
                row.metadata,
                normalized,
                status,
                error
            ],
        )
        .expect("an old row");
    }
}
