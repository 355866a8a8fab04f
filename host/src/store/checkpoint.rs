//! Background WAL checkpoints, so the writer thread spends its time on commits.
//!
//! A passive checkpoint copies committed WAL frames into the database file without blocking
//! the writer; once it has caught up, the writer's next transaction restarts the WAL from the
//! beginning, so the WAL stays small.

use super::StoreError;
use rusqlite::Connection;
use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

const INTERVAL: Duration = Duration::from_millis(100);

pub struct Checkpointer {
    stop: mpsc::Sender<()>,
    thread: JoinHandle<()>,
}

impl Checkpointer {
    pub fn start(conn: Connection, path: &Path) -> Result<Checkpointer, StoreError> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("store-checkpoint".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
                    if let Err(error) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                        tracing::warn!(%error, "WAL checkpoint failed; the writer will checkpoint itself.");
                    }
                }
                // Leave a compact database behind on a clean shutdown.
                let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
            })
            .map_err(|e| StoreError::Open {
                path: path.to_path_buf(),
                reason: format!("cannot start checkpoint thread: {e}"),
            })?;
        Ok(Checkpointer { stop, thread })
    }

    pub fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}
