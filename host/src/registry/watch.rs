//! Reloads the registry when `intakes.toml` or a component file changes on disk.
//!
//! The watcher observes the directories (editors and `intake-edge intakes` replace files by
//! renaming a new one over them, which a watch on the file itself would miss), waits for the
//! writes to settle, then calls the same [`RegistryHandle::reload`] as SIGHUP: a valid change is
//! swapped in atomically, an invalid one is refused with the reason and the old registry stays.

use super::{RegistryHandle, ReloadReport};
use crate::config::ComponentSource;
use crate::runtime::Runtime;
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Writes of one save arrive as several events; wait this long after the last one...
const SETTLE: Duration = Duration::from_millis(250);
/// ...but never longer than this, so that a change applies within a second or so.
const MAX_SETTLE: Duration = Duration::from_millis(1000);

#[derive(Debug, thiserror::Error)]
#[error("cannot watch {path}: {reason}")]
pub struct WatchError {
    pub path: PathBuf,
    pub reason: String,
}

/// Stops watching when dropped.
pub struct RegistryWatcher {
    _watcher: RecommendedWatcher,
    thread: Option<JoinHandle<()>>,
    stop: mpsc::Sender<WatchMsg>,
}

enum WatchMsg {
    Changed(Vec<PathBuf>),
    Stop,
}

impl RegistryWatcher {
    /// Watches the registry file and the component files of the registry now in force.
    pub fn start(registry: Arc<RegistryHandle>, runtime: Arc<Runtime>) -> Result<RegistryWatcher, WatchError> {
        let (tx, rx) = mpsc::channel();
        let events = tx.clone();
        let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if let Ok(event) = event {
                if !matches!(event.kind, notify::EventKind::Access(_)) {
                    let _ = events.send(WatchMsg::Changed(event.paths));
                }
            }
        })
        .map_err(|e| WatchError {
            path: registry.path().to_path_buf(),
            reason: e.to_string(),
        })?;
        let files = watched_files(&registry);
        for dir in directories(&files) {
            watcher
                .watch(&dir, RecursiveMode::NonRecursive)
                .map_err(|e| WatchError {
                    path: dir.clone(),
                    reason: e.to_string(),
                })?;
        }
        let thread = std::thread::Builder::new()
            .name("registry-watch".into())
            .spawn(move || run(rx, registry, runtime, files))
            .map_err(|e| WatchError {
                path: PathBuf::from("."),
                reason: e.to_string(),
            })?;
        Ok(RegistryWatcher {
            _watcher: watcher,
            thread: Some(thread),
            stop: tx,
        })
    }
}

impl Drop for RegistryWatcher {
    fn drop(&mut self) {
        let _ = self.stop.send(WatchMsg::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(
    rx: mpsc::Receiver<WatchMsg>,
    registry: Arc<RegistryHandle>,
    runtime: Arc<Runtime>,
    mut files: BTreeSet<PathBuf>,
) {
    while let Ok(msg) = rx.recv() {
        let WatchMsg::Changed(paths) = msg else { return };
        if !touches(&paths, &files) {
            continue;
        }
        // Let the rest of this save arrive before reading the file. Only events on the watched
        // files count (other files in the same directory may change all the time), and the wait
        // is capped so that a file rewritten without pause is still picked up.
        let deadline = Instant::now() + MAX_SETTLE;
        let mut quiet_until = Instant::now() + SETTLE;
        loop {
            let now = Instant::now();
            let until = quiet_until.min(deadline);
            if now >= until {
                break;
            }
            match rx.recv_timeout(until - now) {
                Ok(WatchMsg::Changed(paths)) if touches(&paths, &files) => quiet_until = Instant::now() + SETTLE,
                Ok(WatchMsg::Changed(_)) => {}
                Ok(WatchMsg::Stop) => return,
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        match registry.reload(&runtime) {
            Ok(report) => log_reload(&report),
            Err(error) => tracing::error!(
                config = %registry.path().display(),
                %error,
                "Reload refused; the previous registry stays in force."
            ),
        }
        // A format may now point at another component file.
        files = watched_files(&registry);
    }
}

pub fn log_reload(report: &ReloadReport) {
    tracing::info!(
        intakes = report.intakes,
        recompiled = ?report.formats_recompiled,
        restart_needed = ?report.restart_needed,
        admin_token_changed = report.admin_token_changed,
        "Registry reloaded."
    );
    if report.admin_token_changed {
        // Said on its own line so that nobody wonders whether a restart is needed; the token
        // itself is never logged (the registry holds only its digest).
        tracing::info!("Admin token changed; requests from now on need the new one.");
    }
}

fn watched_files(registry: &RegistryHandle) -> BTreeSet<PathBuf> {
    let mut files = BTreeSet::new();
    files.insert(absolute(registry.path()));
    for spec in registry.current().config().formats.values() {
        if let ComponentSource::File(path) = &spec.source {
            files.insert(absolute(path));
        }
    }
    files
}

fn directories(files: &BTreeSet<PathBuf>) -> BTreeSet<PathBuf> {
    files
        .iter()
        .map(|f| f.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(".")))
        .collect()
}

fn touches(paths: &[PathBuf], files: &BTreeSet<PathBuf>) -> bool {
    paths.iter().any(|p| files.contains(&absolute(p)))
}

fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    // Canonicalise the directory (symlinks, `..`), keeping the file name: the file itself may
    // be gone for an instant while it is being replaced.
    match (joined.parent(), joined.file_name()) {
        (Some(dir), Some(name)) => dir.canonicalize().map(|d| d.join(name)).unwrap_or(joined),
        _ => joined,
    }
}
