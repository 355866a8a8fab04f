//! The queue between callers and worker threads, fair between formats.
//!
//! One FIFO per format, served round-robin: a format with many queued batches does not make a
//! format with one wait behind all of them. A format is *slow* while its last call took at
//! least `slow_call`, or one of its calls has been running that long; slow formats together
//! never hold the last free worker (with two workers or more), so a format that loops until its
//! deadline costs the others at most one deadline, once, before it is known to be slow. A fast
//! format may use every worker: the normal case keeps its throughput.

use super::format::LoadedFormat;
use super::Job;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub(super) struct JobQueue {
    state: Mutex<State>,
    changed: Condvar,
    workers: usize,
    slow_call: Duration,
}

#[derive(Default)]
struct State {
    /// Queued jobs per format id; no empty queue is kept.
    queues: HashMap<u64, VecDeque<Job>>,
    /// Ids of the formats with queued jobs, in serving order.
    turn: VecDeque<u64>,
    /// The calls in progress, by worker.
    running: HashMap<usize, (Arc<LoadedFormat>, Instant)>,
    /// Workers blocked in `pop`: notifying costs a system call, so only when one waits.
    waiting: usize,
    closed: bool,
}

impl JobQueue {
    pub fn new(workers: usize, slow_call: Duration) -> JobQueue {
        JobQueue {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            workers,
            slow_call,
        }
    }

    /// Queues a job; gives it back if the queue is closed.
    pub fn push(&self, job: Job) -> Result<(), Job> {
        let mut state = self.lock();
        if state.closed {
            return Err(job);
        }
        let id = job.format.id;
        let queue = state.queues.entry(id).or_default();
        queue.push_back(job);
        if queue.len() == 1 {
            state.turn.push_back(id);
        }
        let wake = state.waiting > 0;
        drop(state);
        // One is enough: whether a job may start depends on the queue, not on the worker.
        if wake {
            self.changed.notify_one();
        }
        Ok(())
    }

    /// The next job for `worker`, waiting for one; `None` once closed and drained. The worker
    /// calls [`JobQueue::done`] when the job's call is over.
    pub fn pop(&self, worker: usize) -> Option<Job> {
        let mut state = self.lock();
        loop {
            if let Some(job) = self.take(&mut state) {
                state.running.insert(worker, (job.format.clone(), Instant::now()));
                return Some(job);
            }
            if state.closed && state.queues.is_empty() {
                return None;
            }
            state.waiting += 1;
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            state.waiting -= 1;
        }
    }

    /// `worker` finished its job, which took `took`.
    pub fn done(&self, worker: usize, format: &LoadedFormat, took: Duration) {
        format.last_call_slow.store(took >= self.slow_call, Ordering::Relaxed);
        let mut state = self.lock();
        state.running.remove(&worker);
        // Workers wait while jobs are queued only when those are slow jobs held back for the
        // reserve; this call's end may free one or more of them (its format may be fast now).
        let wake = state.waiting > 0 && !state.queues.is_empty();
        drop(state);
        if wake {
            self.changed.notify_all();
        }
    }

    /// Lets the workers drain what is queued, then stop.
    pub fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent at every unlock; a panicking holder leaves nothing half-done.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes the first job in round-robin order that this worker may run now.
    fn take(&self, state: &mut State) -> Option<Job> {
        let now = Instant::now();
        let is_slow = |format: &LoadedFormat, running: &HashMap<usize, (Arc<LoadedFormat>, Instant)>| {
            format.last_call_slow.load(Ordering::Relaxed)
                || running
                    .values()
                    .any(|(f, since)| f.id == format.id && now.duration_since(*since) >= self.slow_call)
        };
        let slow_running = state
            .running
            .values()
            .filter(|(f, _)| is_slow(f, &state.running))
            .count();
        // Draining at shutdown, or a single worker: nothing to keep free.
        let reserve = !state.closed && self.workers >= 2;
        let slow_allowed = !reserve || slow_running + 1 < self.workers;
        let position = state.turn.iter().position(|id| {
            state
                .queues
                .get(id)
                .and_then(VecDeque::front)
                .is_some_and(|job| slow_allowed || !is_slow(&job.format, &state.running))
        })?;
        let id = state.turn.remove(position)?;
        let queue = state.queues.get_mut(&id)?;
        let job = queue.pop_front();
        if queue.is_empty() {
            state.queues.remove(&id);
        } else {
            state.turn.push_back(id);
        }
        job
    }
}

#[cfg(test)]
mod tests;
