//! The WebAssembly runtime: format components run on dedicated worker threads.
//!
//! Components are CPU-only, so each worker thread owns one `Store` + instance per format and
//! takes whole batches from a shared queue (a call has a fixed cost of about 0.5 µs; batches
//! amortise it). Every call runs under an epoch deadline and a memory cap. A trap discards that
//! instance; the events of the trapping batch come back as errors with the reason, and the
//! worker goes on with a fresh instance.

mod bindings;
mod engine;
mod finalize;
mod format;
mod worker;

pub use bindings::{Description, Event, Protocol as WitProtocol, SyslogHeader, Timestamp};
pub use finalize::{from_datetime as from_timestamp, to_datetime, Outcome};
pub use format::{builtin_names, LoadedFormat, BUILT_COMPONENT_DIR};

use crate::config::RuntimeSettings;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuntimeError {
    #[error("format {format:?}: cannot load component {source_desc}: {reason}")]
    Load {
        format: String,
        source_desc: String,
        reason: String,
    },
    #[error("cannot start the runtime: {0}")]
    Start(String),
    #[error("the normalization queue stayed full for {waited_ms} ms")]
    Busy { waited_ms: u64 },
    #[error("the runtime is shut down")]
    Closed,
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
    _permit: OwnedSemaphorePermit,
}

/// Handle to the worker pool.
pub struct Runtime {
    engine: wasmtime::Engine,
    jobs: Option<crossbeam_channel::Sender<Job>>,
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
        let (tx, rx) = crossbeam_channel::unbounded::<Job>();
        let mut workers = Vec::with_capacity(settings.workers);
        for i in 0..settings.workers {
            let rx = rx.clone();
            let worker = worker::Worker::new(settings.epoch_tick);
            let handle = std::thread::Builder::new()
                .name(format!("wasm-worker-{i}"))
                .spawn(move || worker.run(rx))
                .map_err(|e| RuntimeError::Start(format!("cannot start worker thread: {e}")))?;
            workers.push(handle);
        }
        Ok(Runtime {
            engine,
            jobs: Some(tx),
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
        let acquire = self.capacity.clone().acquire_owned();
        let permit = match wait {
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
        let jobs = self.jobs.as_ref().ok_or(RuntimeError::Closed)?;
        let (reply, answer) = oneshot::channel();
        jobs.send(Job {
            format,
            events,
            reply,
            _permit: permit,
        })
        .map_err(|_| RuntimeError::Closed)?;
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
        let permit = loop {
            match self.capacity.clone().try_acquire_owned() {
                Ok(p) => break p,
                Err(tokio::sync::TryAcquireError::Closed) => return Err(RuntimeError::Closed),
                Err(tokio::sync::TryAcquireError::NoPermits) if std::time::Instant::now() >= deadline => {
                    return Err(RuntimeError::Busy {
                        waited_ms: self.wait.as_millis() as u64,
                    })
                }
                Err(tokio::sync::TryAcquireError::NoPermits) => std::thread::sleep(Duration::from_millis(1)),
            }
        };
        let jobs = self.jobs.as_ref().ok_or(RuntimeError::Closed)?;
        let (reply, answer) = oneshot::channel();
        jobs.send(Job {
            format,
            events,
            reply,
            _permit: permit,
        })
        .map_err(|_| RuntimeError::Closed)?;
        answer.blocking_recv().map_err(|_| RuntimeError::Closed)
    }

    /// Loads a format's component, reusing `previous` if it is unchanged.
    pub fn load_format(
        &self,
        spec: &crate::config::FormatSpec,
        previous: Option<&Arc<LoadedFormat>>,
    ) -> Result<Arc<LoadedFormat>, RuntimeError> {
        LoadedFormat::load_or_reuse(&self.engine, spec, self.settings.epoch_tick, previous)
    }

    /// Lets the workers finish the queued batches, then joins them.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.jobs.take();
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
