//! A worker thread: keeps one instance per format and runs batches on it.

use super::bindings::FormatWorld;
use super::finalize::{finalize, Outcome};
use super::format::LoadedFormat;
use super::limits::SandboxViolation;
use super::queue::JobQueue;
use super::sandbox::HostState;
use super::NormalizedBatch;
use crate::event::{wit, Event};
use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use wasmtime::component::ResourceTableError;
use wasmtime::{Store, Trap};

/// How many extra calls one trapping batch may spend to isolate the events that trap.
const ISOLATION_BUDGET: u32 = 48;

struct Instance {
    format: Weak<LoadedFormat>,
    store: Store<HostState>,
    world: FormatWorld,
}

pub struct Worker {
    index: usize,
    instances: HashMap<u64, Instance>,
    epoch_tick: Duration,
}

/// Why a call produced no results.
enum CallFailure {
    /// The guest trapped or ran out of time or memory; its store is poisoned.
    Trap { reason: String, timed_out: bool },
    /// The call returned, but not one result per event.
    Contract(String),
}

impl Worker {
    pub fn new(index: usize, epoch_tick: Duration) -> Worker {
        Worker {
            index,
            instances: HashMap::new(),
            epoch_tick,
        }
    }

    pub fn run(mut self, jobs: &JobQueue) {
        while let Some(mut job) = jobs.pop(self.index) {
            let started = Instant::now();
            let outcomes = self.normalize(&job.format, &mut job.events);
            jobs.done(self.index, &job.format, started.elapsed());
            let _ = job.reply.send(NormalizedBatch {
                events: job.events,
                outcomes,
            });
            self.evict_unloaded();
        }
    }

    fn normalize(&mut self, format: &Arc<LoadedFormat>, events: &mut [Event]) -> Vec<Outcome> {
        let mut budget = ISOLATION_BUDGET;
        self.normalize_isolating(format, events, &mut budget)
    }

    /// Runs a batch; if it traps, retries its halves on fresh instances so one bad event does
    /// not cost its neighbours. Timeouts are not bisected: each retry could cost a deadline.
    fn normalize_isolating(
        &mut self,
        format: &Arc<LoadedFormat>,
        events: &mut [Event],
        budget: &mut u32,
    ) -> Vec<Outcome> {
        match self.call(format, events) {
            Ok(raw) => raw
                .into_iter()
                .zip(events.iter())
                .map(|(result, event)| finalize(result, event, format.limits.max_output_bytes))
                .collect(),
            Err(CallFailure::Contract(reason)) => all_failed(events.len(), &reason),
            Err(CallFailure::Trap { reason, timed_out }) => {
                tracing::warn!(format = %format.name, events = events.len(), %reason, "Component trapped; its instance is discarded.");
                if events.len() == 1 || timed_out || *budget < 2 {
                    return all_failed(events.len(), &reason);
                }
                *budget -= 2;
                let (left, right) = events.split_at_mut(events.len() / 2);
                let mut out = self.normalize_isolating(format, left, budget);
                out.extend(self.normalize_isolating(format, right, budget));
                out
            }
        }
    }

    /// One `normalize` call; `events` are whole again when it returns, whatever happened.
    fn call(
        &mut self,
        format: &Arc<LoadedFormat>,
        events: &mut [Event],
    ) -> Result<Vec<Result<String, String>>, CallFailure> {
        let instance = match self.instances.entry(format.id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let (store, world) = format.instantiate().map_err(|e| CallFailure::Trap {
                    reason: describe_trap(&format.name, &e, format, self.epoch_tick),
                    timed_out: false,
                })?;
                v.insert(Instance {
                    format: Arc::downgrade(format),
                    store,
                    world,
                })
            }
        };
        instance.store.set_epoch_deadline(format.deadline_ticks);
        let lent = wit::lend(events);
        let started = std::time::Instant::now();
        let result = instance
            .world
            .edge_format_format()
            .call_normalize(&mut instance.store, &lent);
        crate::telemetry::metrics().component_call(&format.name, started.elapsed());
        wit::give_back(events, lent);
        match result {
            Ok(results) if results.len() == events.len() => Ok(results),
            Ok(results) => Err(CallFailure::Contract(format!(
                "component {} broke its contract: {} results for {} events",
                format.name,
                results.len(),
                events.len()
            ))),
            Err(e) => {
                // A trap poisons the whole store: drop it and instantiate anew next time.
                self.instances.remove(&format.id);
                let timed_out = matches!(e.downcast_ref::<Trap>(), Some(Trap::Interrupt));
                Err(CallFailure::Trap {
                    reason: describe_trap(&format.name, &e, format, self.epoch_tick),
                    timed_out,
                })
            }
        }
    }

    /// Drops instances of formats that a reload replaced.
    fn evict_unloaded(&mut self) {
        self.instances.retain(|_, inst| inst.format.strong_count() > 0);
    }
}

fn all_failed(n: usize, reason: &str) -> Vec<Outcome> {
    (0..n).map(|_| Outcome::rejected(reason.to_string())).collect()
}

/// The reason stored with the events of a failed call. Sandbox limits are recognised by their
/// error type (raised by our limiter and WASI shadows, or by wasmtime's resource table).
fn describe_trap(name: &str, e: &wasmtime::Error, format: &LoadedFormat, tick: Duration) -> String {
    if let Some(violation) = e.downcast_ref::<SandboxViolation>() {
        return format!("component {name} {violation}");
    }
    if let Some(ResourceTableError::Full) = e.downcast_ref::<ResourceTableError>() {
        return format!(
            "component {name} exceeded its limit of {} host resources",
            super::sandbox::MAX_HOST_RESOURCES
        );
    }
    match e.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => format!(
            "component {name} exceeded its deadline of {} ms",
            (format.deadline_ticks as u128 * tick.as_millis()).max(format.limits.deadline.as_millis())
        ),
        Some(trap) => format!("component {name} trapped: {trap}"),
        None => format!("component {name} failed: {e:#}"),
    }
}
