//! Retention: deleting blocks the store need not keep any more (`store.retention_days`,
//! `store.max_disk_mib`), never one a forwarder has not had acknowledged, unless
//! `on_full = "drop_oldest"` says so; and the store marked full when only such blocks are left
//! over the cap, so that new events are refused rather than old ones lost.
//!
//! One pass every [`EVERY`] on its own thread and connection, in one transaction. Deleted
//! pages go to SQLite's free list and are reused by new blocks (the file does not shrink), so
//! the size measured is that of the live pages.

use super::{schema, StoreError};
use crate::config::{OnFull, RetentionSettings};
use rusqlite::{params, Connection};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Time between two passes.
pub const EVERY: Duration = Duration::from_secs(5);
/// A cap reached is trimmed down to this share of it, so that passes do not delete a block at a
/// time.
const TRIM_TO: f64 = 0.9;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PruneReport {
    /// Events deleted for their age, for the size cap, and (`drop_oldest`) before forwarding.
    pub aged: u64,
    pub trimmed: u64,
    pub dropped: u64,
    /// Live bytes after the pass, and whether the cap is still exceeded by events that must stay.
    pub used_bytes: u64,
    pub full: bool,
}

/// The live size of the store: its pages minus the free ones.
pub fn used_bytes(conn: &Connection) -> rusqlite::Result<u64> {
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    let free: i64 = conn.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
    let size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    Ok((pages - free).max(0) as u64 * size.max(0) as u64)
}

/// One pass. `forwarded_to`: the lowest cursor of the configured forwarders (`None`: no
/// forwarder, every block may go).
pub fn prune(
    conn: &mut Connection,
    policy: &RetentionSettings,
    forwarded_to: Option<i64>,
    now_us: i64,
) -> rusqlite::Result<PruneReport> {
    let floor = forwarded_to.unwrap_or(i64::MAX);
    let mut report = PruneReport::default();
    let tx = conn.transaction()?;
    if let Some(age) = policy.max_age {
        let cutoff_ms = (now_us / 1000).saturating_sub(age.as_millis() as i64).max(0);
        // The upper half of the first ID of that millisecond.
        let cutoff_high = cutoff_ms << 16;
        report.aged = delete(&tx, "seq <= ?1 AND last_id < ?2", params![floor, cutoff_high])?;
    }
    report.used_bytes = used_bytes(&tx)?;
    if let Some(max) = policy.max_bytes {
        if report.used_bytes > max {
            let target = report.used_bytes - (max as f64 * TRIM_TO) as u64;
            let (freed, events) = trim(&tx, Some(floor), target)?;
            report.trimmed = events;
            let mut over = report.used_bytes.saturating_sub(freed) > max;
            if over && policy.on_full == OnFull::DropOldest {
                let (more, events) = trim(&tx, None, target.saturating_sub(freed))?;
                report.dropped = events;
                over = report.used_bytes.saturating_sub(freed + more) > max;
            }
            report.used_bytes = used_bytes(&tx)?;
            report.full = over;
        }
    }
    tx.commit()?;
    Ok(report)
}

/// Deletes the oldest blocks (commit order), up to seq `floor` if given, until about `bytes` of
/// compressed data are gone; the data bytes and events deleted.
fn trim(conn: &Connection, floor: Option<i64>, bytes: u64) -> rusqlite::Result<(u64, u64)> {
    let floor = floor.unwrap_or(i64::MAX);
    let mut stmt = conn.prepare("SELECT seq, length(data) FROM blocks WHERE seq <= ?1 ORDER BY seq")?;
    let mut rows = stmt.query([floor])?;
    let (mut freed, mut last) = (0u64, None);
    while let Some(row) = rows.next()? {
        if freed >= bytes {
            break;
        }
        last = Some(row.get::<_, i64>(0)?);
        freed += row.get::<_, i64>(1)?.max(0) as u64;
    }
    drop(rows);
    let Some(last) = last else { return Ok((0, 0)) };
    let events = delete(conn, "seq <= ?1", params![last])?;
    Ok((freed, events))
}

/// Deletes the blocks matching `filter`; the events they held.
fn delete(conn: &Connection, filter: &str, params: impl rusqlite::Params) -> rusqlite::Result<u64> {
    let mut stmt = conn.prepare(&format!("DELETE FROM blocks WHERE {filter} RETURNING events"))?;
    let mut rows = stmt.query(params)?;
    let mut events = 0u64;
    while let Some(row) = rows.next()? {
        events += row.get::<_, i64>(0)?.max(0) as u64;
    }
    Ok(events)
}

/// The lowest cursor of `names` (a destination without a cursor yet is at 0); `None` without
/// destinations.
pub fn lowest_cursor(conn: &Connection, names: &[String]) -> Result<Option<i64>, StoreError> {
    let mut lowest: Option<i64> = None;
    for name in names {
        let seq = super::cursors::load(conn, name)?.seq;
        lowest = Some(lowest.map_or(seq, |l| l.min(seq)));
    }
    Ok(lowest)
}

/// What a pass needs from the live configuration: the policy and the forwarders' names.
pub type Live = Arc<dyn Fn() -> (RetentionSettings, Vec<String>) + Send + Sync>;

/// The retention thread; stops when dropped.
pub struct Retention {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Retention {
    /// Starts the passes on the store at `path`; `full` is the store's flag that refuses
    /// commits.
    pub fn start(path: &Path, live: Live, full: Arc<AtomicBool>) -> Result<Retention, StoreError> {
        let mut conn = schema::open_for_cursors(path)?;
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("store-retention".into())
            .spawn(move || loop {
                let (policy, names) = live();
                if policy.max_age.is_some() || policy.max_bytes.is_some() {
                    pass(&mut conn, &policy, &names, &full);
                } else {
                    full.store(false, Ordering::Relaxed);
                }
                if !matches!(stopped.recv_timeout(EVERY), Err(mpsc::RecvTimeoutError::Timeout)) {
                    return;
                }
            })
            .map_err(|e| StoreError::Open {
                path: path.to_path_buf(),
                reason: format!("cannot start the retention thread: {e}"),
            })?;
        Ok(Retention {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

fn pass(conn: &mut Connection, policy: &RetentionSettings, names: &[String], full: &AtomicBool) {
    let floor = match lowest_cursor(conn, names) {
        Ok(floor) => floor,
        Err(error) => {
            tracing::warn!(%error, "Retention pass skipped: cannot read the forwarders' cursors.");
            return;
        }
    };
    let now = chrono::Utc::now().timestamp_micros();
    match prune(conn, policy, floor, now) {
        Ok(report) => {
            let metrics = crate::telemetry::metrics();
            metrics.retention(&report);
            if report.dropped > 0 {
                tracing::warn!(
                    dropped = report.dropped,
                    "Store over store.max_disk_mib: deleted events not yet forwarded (on_full = \"drop_oldest\")."
                );
            }
            if report.full != full.swap(report.full, Ordering::Relaxed) {
                if report.full {
                    tracing::error!(used_bytes = report.used_bytes, "Store full: store.max_disk_mib reached with events not yet forwarded; new events are refused until forwarding catches up or the cap is raised.");
                } else {
                    tracing::info!(
                        used_bytes = report.used_bytes,
                        "Store below store.max_disk_mib again; events are accepted."
                    );
                }
            }
        }
        Err(error) => tracing::warn!(%error, "Retention pass failed; tried again later."),
    }
}

impl Drop for Retention {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
