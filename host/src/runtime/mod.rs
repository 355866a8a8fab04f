//! The WebAssembly runtime: format components run on dedicated worker threads.
//!
//! Components are CPU-only, so each worker thread owns one `Store` + instance per format and
//! takes whole batches from a shared queue, fair between formats (a call has a fixed cost of
//! about 0.5 µs; batches amortise it). Every call runs under an epoch deadline, a cap on all
//! its memories and table elements, and a WASI without blocking calls (`sandbox.rs`). A trap
//! discards that instance; the events of the trapping batch come back as errors with the
//! reason, and the worker goes on with a fresh instance.

pub(crate) mod bindings;
mod engine;
mod finalize;
mod format;
mod limits;
mod queue;
mod sandbox;
mod worker;

pub use bindings::Description;
/// For the fuzz target of component output (`fuzzing::component_output`).
pub(crate) use finalize::finalize;
pub use finalize::Outcome;
pub use format::LoadedFormat;
pub use limits::{SandboxViolation, MAX_INSTANCES, MAX_MEMORIES, MAX_TABLES};
pub use sandbox::{MAX_HOST_RESOURCES, MAX_RANDOM_BYTES};

use crate::config::RuntimeSettings;
use crate::event::Event;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};

/// The share of `runtime.queue_batches` (in percent) that the batches of one format may hold
/// at once: senders of one format cannot fill the queue that every other intake needs.
pub const FORMAT_QUEUE_SHARE_PERCENT: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuntimeError {
    #[error("format {format:?}: cannot load component {source_desc}: {failure}: {detail}")]
    Load {
        format: String,
        source_desc: String,
        failure: LoadFailure,
        /// wasmtime's or the OS's words for it.
        detail: String,
    },
    #[error("cannot start the runtime: {0}")]
    Start(String),
    #[error("the normalization queue stayed full for {waited_ms} ms")]
    Busy { waited_ms: u64 },
    #[error("the runtime is shut down")]
    Closed,
}

/// Which step of loading a component failed: the first two are fixed by the file or the
/// configuration, the others by rebuilding the component against `wit/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadFailure {
    /// No builtin of that name.
    NoBuiltin,
    /// The file cannot be read.
    Unreadable,
    /// The bytes are not a WebAssembly component wasmtime accepts.
    NotAComponent,
    /// It imports something the sandbox does not offer.
    Imports,
    /// It does not export the `edge:format` world.
    World,
    /// It traps or fails while starting or in `describe()`.
    Start,
}

impl std::fmt::Display for LoadFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NoBuiltin => "no such builtin",
            Self::Unreadable => "cannot read the file",
            Self::NotAComponent => "not a valid component",
            Self::Imports => "imports something the sandbox does not offer",
            Self::World => "does not implement the edge:format world",
            Self::Start => "fails to start",
        })
    }
}

/// Events of one batch after their component ran: the inputs back (the store keeps the raw
/// event) and one outcome per event.
pub struct NormalizedBatch {
    pub events: Vec<Event>,
    pub outcomes: Vec<Outcome>,
}

struct Job {
    format: Arc<LoadedFormat>,
    events: Vec<Event>,
    reply: oneshot::Sender<NormalizedBatch>,
    /// Room in the whole queue and in the format's share, given back when the job is done.
    _permits: (OwnedSemaphorePermit, OwnedSemaphorePermit),
}

/// Handle to the worker pool.
pub struct Runtime {
    engine: wasmtime::Engine,
    jobs: Arc<queue::JobQueue>,
    capacity: Arc<Semaphore>,
    wait: Duration,
    workers: Vec<JoinHandle<()>>,
    ticker: Option<engine::EpochTicker>,
    settings: RuntimeSettings,
}

impl Runtime {
    /// Builds the engine, starts the epoch ticker and `settings.workers` worker threads.
    pub fn start(settings: &RuntimeSettings, enqueue_wait: Duration) -> Result<Runtime, RuntimeError> {
        let engine = engine::new_engine()?;
        let ticker = engine::EpochTicker::start(engine.clone(), settings.epoch_tick)?;
        let jobs = Arc::new(queue::JobQueue::new(settings.workers, settings.slow_call));
        let mut workers = Vec::with_capacity(settings.workers);
        for i in 0..settings.workers {
            let jobs = jobs.clone();
            let worker = worker::Worker::new(i, settings.epoch_tick);
            let handle = std::thread::Builder::new()
                .name(format!("wasm-worker-{i}"))
                .spawn(move || worker.run(&jobs))
                .map_err(|e| RuntimeError::Start(format!("cannot start worker thread: {e}")))?;
            workers.push(handle);
        }
        Ok(Runtime {
            engine,
            jobs,
            capacity: Arc::new(Semaphore::new(settings.queue_batches)),
            wait: enqueue_wait,
            workers,
            ticker: Some(ticker),
            settings: settings.clone(),
        })
    }

    pub fn engine(&self) -> &wasmtime::Engine {
        &self.engine
    }

    pub fn batch_size(&self) -> usize {
        self.settings.batch_size
    }

    pub fn enqueue_wait(&self) -> Duration {
        self.wait
    }

    /// Runs `events` through `format` on a worker; one outcome per event, in order. Waits at
    /// most the enqueue timeout for room in the queue.
    pub async fn normalize(
        &self,
        format: Arc<LoadedFormat>,
        events: Vec<Event>,
    ) -> Result<NormalizedBatch, RuntimeError> {
        self.normalize_waiting(format, events, Some(self.wait)).await
    }

    /// Like [`Runtime::normalize`]; `wait: None` waits as long as it takes (backpressure for
    /// stream protocols, which slow their senders down instead of refusing).
    pub async fn normalize_waiting(
        &self,
        format: Arc<LoadedFormat>,
        events: Vec<Event>,
        wait: Option<Duration>,
    ) -> Result<NormalizedBatch, RuntimeError> {
        // The format's share first: a format at its share does not take room from the others.
        let share = format.queue_share.clone();
        let acquire = async {
            let share = share.acquire_owned().await?;
            let whole = self.capacity.clone().acquire_owned().await?;
            Ok::<_, tokio::sync::AcquireError>((share, whole))
        };
        let permits = match wait {
            None => acquire.await.map_err(|_| RuntimeError::Closed)?,
            Some(wait) => match tokio::time::timeout(wait, acquire).await {
                Ok(Ok(p)) => p,
                Ok(Err(_)) => return Err(RuntimeError::Closed),
                Err(_) => {
                    return Err(RuntimeError::Busy {
                        waited_ms: wait.as_millis() as u64,
                    })
                }
            },
        };
        let (reply, answer) = oneshot::channel();
        self.enqueue(format, events, reply, permits)?;
        answer.await.map_err(|_| RuntimeError::Closed)
    }

    /// [`Runtime::normalize`] for callers outside an async context (`intake-edge formats test`):
    /// blocks the calling thread until the batch is done. Waits at most the enqueue timeout for
    /// room in the queue. Must not be called from within an async task.
    pub fn normalize_blocking(
        &self,
        format: Arc<LoadedFormat>,
        events: Vec<Event>,
    ) -> Result<NormalizedBatch, RuntimeError> {
        let deadline = std::time::Instant::now() + self.wait;
        let share = self.try_acquire_until(&format.queue_share, deadline)?;
        let whole = self.try_acquire_until(&self.capacity, deadline)?;
        let (reply, answer) = oneshot::channel();
        self.enqueue(format, events, reply, (share, whole))?;
        answer.blocking_recv().map_err(|_| RuntimeError::Closed)
    }

    fn try_acquire_until(
        &self,
        semaphore: &Arc<Semaphore>,
        deadline: std::time::Instant,
    ) -> Result<OwnedSemaphorePermit, RuntimeError> {
        loop {
            match semaphore.clone().try_acquire_owned() {
                Ok(p) => return Ok(p),
                Err(tokio::sync::TryAcquireError::Closed) => return Err(RuntimeError::Closed),
                Err(tokio::sync::TryAcquireError::NoPermits) if std::time::Instant::now() >= deadline => {
                    return Err(RuntimeError::Busy {
                        waited_ms: self.wait.as_millis() as u64,
                    })
                }
                Err(tokio::sync::TryAcquireError::NoPermits) => std::thread::sleep(Duration::from_millis(1)),
            }
        }
    }

    fn enqueue(
        &self,
        format: Arc<LoadedFormat>,
        events: Vec<Event>,
        reply: oneshot::Sender<NormalizedBatch>,
        permits: (OwnedSemaphorePermit, OwnedSemaphorePermit),
    ) -> Result<(), RuntimeError> {
        self.jobs
            .push(Job {
                format,
                events,
                reply,
                _permits: permits,
            })
            .map_err(|_| RuntimeError::Closed)
    }

    /// Loads a format's component, reusing `previous` if it is unchanged.
    pub fn load_format(
        &self,
        spec: &crate::config::FormatSpec,
        previous: Option<&Arc<LoadedFormat>>,
    ) -> Result<Arc<LoadedFormat>, RuntimeError> {
        let share = (self.settings.queue_batches * FORMAT_QUEUE_SHARE_PERCENT / 100).max(1);
        LoadedFormat::load_or_reuse(&self.engine, spec, self.settings.epoch_tick, share, previous)
    }

    /// Lets the workers finish the queued batches, then joins them.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.jobs.close();
        for w in self.workers.drain(..) {
            if w.join().is_err() {
                tracing::error!("A wasm worker thread panicked.");
            }
        }
        self.ticker.take();
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Epoch ticks that make up `deadline` (at least one tick).
fn deadline_ticks(deadline: Duration, tick: Duration) -> u64 {
    let tick = tick.as_micros().max(1);
    (deadline.as_micros().div_ceil(tick) as u64).max(1)
}
