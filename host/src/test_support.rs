//! What the in-process tests of the listeners and the server share: a temporary directory, a
//! configuration with one intake of the builtin `plain` format, and a node built from it with
//! the real runtime and a real store (its writer's connection adjustable, to make commits fail).

use crate::config::{Config, Overrides};
use crate::event::{Envelope, Incoming};
use crate::listener::budget::MemoryBudget;
use crate::listener::Node;
use crate::pipeline::Pipeline;
use crate::registry::{IntakeEntry, Registry, RegistryHandle};
use crate::runtime::Runtime;
use crate::store::{EventFilter, Reader, Store, StoreWriter, StoredEvent};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The key of the test intake (in RFC 5424 structured data: `[SEKOIA@53288 intake_key="…"]`).
pub const KEY: &str = "in-process-test-key-0001";
pub const INTAKE: &str = "test";
/// How long a test waits for something that must happen (bounded waits, not timing goals).
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A directory of its own under the system's temporary directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "intake-edge-{label}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the temporary directory");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `intakes.toml` of the tests: one worker, the `plain` format, the test intake; `extra` is
/// appended and must start with a table header (`[relp]`, `[limits]`…).
pub fn config_text(extra: &str) -> String {
    format!(
        r#"data_dir = "data"
[runtime]
workers = 1
[formats.plain]
component = "builtin:plain"
[[intake]]
name = "{INTAKE}"
format = "plain"
entity = "tests"
key = "{KEY}"
{extra}
"#
    )
}

/// A node's shared parts as the listeners see them, over a store in a temporary directory.
pub struct TestNode {
    pub node: Node,
    pub config: Config,
    /// Dropped without a join: the writer ends once the last `Store` handle is gone.
    _writer: StoreWriter,
    _runtime: Arc<Runtime>,
    /// Last: removed once everything above is gone.
    _dir: TempDir,
}

impl TestNode {
    /// A node configured by [`config_text`]`(extra)`.
    pub fn new(extra: &str) -> TestNode {
        Self::with_store(extra, |_| {})
    }

    /// A node whose store writer's connection is first given to `adjust`.
    pub fn with_store(extra: &str, adjust: impl FnOnce(&rusqlite::Connection)) -> TestNode {
        let dir = TempDir::new("inproc");
        let path = dir.path().join("intakes.toml");
        std::fs::write(&path, config_text(extra)).expect("write the configuration");
        let config = Config::load(&path).expect("a valid test configuration");
        std::fs::create_dir_all(&config.data_dir).expect("data directory");
        let runtime = Arc::new(Runtime::start(&config.runtime, config.store.enqueue_timeout).expect("runtime"));
        let registry = Registry::build(config.clone(), &runtime, None).expect("the plain format compiles");
        let registry = Arc::new(RegistryHandle::new(registry, path, Overrides::default()));
        let (store, writer) = Store::open_adjusted(&config.store_path(), config.store.clone(), adjust).expect("store");
        let node = Node {
            registry,
            pipeline: Arc::new(Pipeline::new(runtime.clone(), store)),
            budget: MemoryBudget::new(config.limits.max_buffered_bytes),
            limits: config.limits.clone(),
        };
        TestNode {
            node,
            config,
            _writer: writer,
            _runtime: runtime,
            _dir: dir,
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.config.store_path()
    }

    /// The test intake as the registry has it.
    pub fn intake(&self) -> Arc<IntakeEntry> {
        let intake = self.node.registry.current().intake_by_name(INTAKE).cloned();
        intake.expect("the test intake")
    }

    /// Every committed event, oldest first.
    pub fn stored(&self) -> Vec<StoredEvent> {
        stored_events(&self.db_path())
    }
}

/// An event of `intake` whose raw text is `raw`, as a listener hands it to the pipeline.
pub fn event(intake: &Arc<IntakeEntry>, raw: &str) -> Incoming {
    Incoming {
        intake: intake.clone(),
        raw: raw.to_string(),
        client_time: None,
        envelope: Envelope::default(),
        source_id: None,
    }
}

/// The events committed in the store at `db`, oldest first (UUIDv7 order).
pub fn stored_events(db: &Path) -> Vec<StoredEvent> {
    let filter = EventFilter {
        limit: 100_000,
        ..EventFilter::default()
    };
    let mut events = Reader::open(db).and_then(|r| r.list(&filter)).expect("read the store");
    events.reverse();
    events
}

/// The raw texts of the committed events, oldest first.
pub fn raws(events: &[StoredEvent]) -> Vec<&str> {
    events.iter().map(|e| e.raw.as_str()).collect()
}

/// Paused time moves in whole milliseconds: `elapsed` is `expected`, rounded up.
pub fn assert_at(elapsed: Duration, expected: Duration) {
    assert!(
        elapsed >= expected && elapsed <= expected + Duration::from_millis(1),
        "after {elapsed:?}, expected {expected:?}"
    );
}

/// Polls `done` every 10 ms, for at most [`PATIENCE`] (real time).
pub async fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "waited {PATIENCE:?} for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
