//! The wasmtime engine and the epoch ticker that enforces call deadlines.

use super::RuntimeError;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// An engine with epoch interruption: cheaper than fuel (measured on batches of 1,024 events:
/// about +25% per call against +40% for fuel) and enough to bound a call's wall time.
pub fn new_engine() -> Result<wasmtime::Engine, RuntimeError> {
    let mut config = wasmtime::Config::new();
    config.wasm_component_model(true);
    config.epoch_interruption(true);
    config.cranelift_opt_level(wasmtime::OptLevel::Speed);
    // For `perf report` on component code (bench/README.md): names for the JIT-compiled functions
    // in /tmp/perf-PID.map. Off by default: it writes a file per process.
    if std::env::var_os("INTAKE_EDGE_PERFMAP").is_some_and(|v| v == "1") {
        config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    wasmtime::Engine::new(&config).map_err(|e| RuntimeError::Start(format!("{e:#}")))
}

/// A thread that advances the engine's epoch every tick until dropped.
pub struct EpochTicker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    pub fn start(engine: wasmtime::Engine, tick: Duration) -> Result<EpochTicker, RuntimeError> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("epoch-ticker".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(tick);
                    engine.increment_epoch();
                }
            })
            .map_err(|e| RuntimeError::Start(format!("cannot start epoch ticker: {e}")))?;
        Ok(EpochTicker {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
