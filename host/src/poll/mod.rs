//! Polling intakes (`[intake.poll]`): the node fetches events from cloud APIs that cannot push.
//! Each source is read by a poller component (`wit/poller.wit`) in a sandbox whose only way out
//! is `wasi:http` through the host (`egress.rs`: allowlist, credentials added by the host, rate
//! limits, bounded waits and sizes). The supervisor here follows reloads: one task per polling
//! intake, stopped when the intake or its `[intake.poll]` changes or goes.

mod auth;
mod client;
mod component;
mod egress;
mod ratelimit;
mod run;
mod secrets;
mod sigv4;

pub use secrets::{env_name as secret_variable, Secrets};

use crate::config::PollSpec;
use crate::pipeline::Pipeline;
use crate::registry::RegistryHandle;
use crate::store::poll_cursors::{PollCursor, RunOutcome};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// How often the supervisor looks at the registry for added, changed or removed intakes.
const CONFIG_POLL: Duration = Duration::from_secs(1);

/// What one polling intake's task needs.
pub struct PollTask {
    pub intake: Arc<str>,
    pub spec: PollSpec,
    pub secrets_file: Option<PathBuf>,
    pub registry: Arc<RegistryHandle>,
    pub pipeline: Arc<Pipeline>,
    pub db: PathBuf,
}

/// Starts the supervisor, which runs one task per polling intake until `shutdown`.
pub fn start(
    registry: Arc<RegistryHandle>,
    pipeline: Arc<Pipeline>,
    db: PathBuf,
    shutdown: CancellationToken,
    tracker: &TaskTracker,
) {
    let tasks = tracker.clone();
    tracker.spawn(async move { supervise(registry, pipeline, db, shutdown, tasks).await });
}

struct Running {
    spec: PollSpec,
    secrets_file: Option<PathBuf>,
    stop: CancellationToken,
}

async fn supervise(
    registry: Arc<RegistryHandle>,
    pipeline: Arc<Pipeline>,
    db: PathBuf,
    shutdown: CancellationToken,
    tracker: TaskTracker,
) {
    let mut running: BTreeMap<String, Running> = BTreeMap::new();
    loop {
        let config = registry.current().config().clone();
        let wanted: Vec<(String, PollSpec)> = config
            .intakes
            .iter()
            .filter_map(|i| i.poll.clone().map(|p| (i.name.clone(), p)))
            .collect();
        let secrets_file = config.poll.secrets.clone();
        running.retain(|name, r| {
            let keep = wanted.iter().any(|(n, s)| n == name && *s == r.spec) && r.secrets_file == secrets_file;
            if !keep {
                tracing::info!(intake = %name, "Polling stopped (the intake was removed or its poll settings changed).");
                r.stop.cancel();
            }
            keep
        });
        for (name, spec) in wanted {
            if running.contains_key(&name) {
                continue;
            }
            let stop = shutdown.child_token();
            tracing::info!(intake = %name, component = %spec.component, every_secs = spec.every.as_secs(), "Polling started.");
            let task = PollTask {
                intake: name.as_str().into(),
                spec: spec.clone(),
                secrets_file: secrets_file.clone(),
                registry: registry.clone(),
                pipeline: pipeline.clone(),
                db: db.clone(),
            };
            tracker.spawn(run_intake(task, stop.clone()));
            running.insert(
                name,
                Running {
                    spec,
                    secrets_file: secrets_file.clone(),
                    stop,
                },
            );
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(CONFIG_POLL) => {}
        }
    }
}

/// Runs `task`'s intake every `every` (from the start of one run to the start of the next;
/// a run that takes longer is followed at once by the next) until `stop`.
async fn run_intake(task: PollTask, stop: CancellationToken) {
    let stats = crate::telemetry::metrics().poll(&task.intake);
    let mut state = run::IntakeState::new(&task.spec);
    let mut next = tokio::time::Instant::now();
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep_until(next) => {}
        }
        next = tokio::time::Instant::now() + task.spec.every;
        stats.runs.fetch_add(1, Relaxed);
        stats.last_run.store(unix_now(), Relaxed);
        let started_us = chrono::Utc::now().timestamp_micros();
        let outcome = tokio::select! {
            () = stop.cancelled() => return,
            outcome = run::run_once(&task, &mut state, stats, &stop) => outcome,
        };
        let run = match &outcome {
            Ok(r) => RunOutcome {
                started_us,
                error: None,
                pages: u64::from(r.pages),
                events: r.events,
            },
            Err(e) => RunOutcome {
                started_us,
                error: Some(e.to_string()),
                pages: 0,
                events: 0,
            },
        };
        // For `intakes show` and the admin page, which read the store.
        let status = PollCursor {
            intake: task.intake.clone(),
            cursor: None,
            position_us: None,
            events: 0,
            page: false,
            run: Some(run),
        };
        if let Err(e) = task.pipeline.store().commit_polled(Vec::new(), status).await {
            tracing::debug!(intake = %task.intake, error = %e.error, "Could not save the poll run's status.");
        }
        match outcome {
            Ok(report) => {
                stats.last_success.store(unix_now(), Relaxed);
                stats.last_run_pages.store(u64::from(report.pages), Relaxed);
                stats.last_run_events.store(report.events, Relaxed);
                stats.set_error(None);
                tracing::debug!(intake = %task.intake, pages = report.pages, events = report.events, stored = report.stored, "Poll run done.");
                if report.pages >= task.spec.max_pages {
                    tracing::info!(intake = %task.intake, pages = report.pages, "A poll run reached its page budget (max_pages); the next run goes on from its cursor.");
                }
            }
            Err(error) => {
                stats.errors.fetch_add(1, Relaxed);
                stats.set_error(Some(error.to_string()));
                tracing::warn!(intake = %task.intake, %error, "Poll run failed; the cursor stays at the last stored page.");
            }
        }
    }
}

fn unix_now() -> u64 {
    chrono::Utc::now().timestamp().max(0) as u64
}

/// What `intakes show` and the admin API tell of a polling intake: its settings (the secret by
/// name only) and, from the store, its cursor and last run. `None` for other intakes.
pub fn status_json(intake: &crate::config::Intake, db: &std::path::Path) -> Option<serde_json::Value> {
    let spec = intake.poll.as_ref()?;
    let saved = if db.is_file() {
        crate::store::poll_cursors::load(db, &intake.name).ok().flatten()
    } else {
        None
    };
    let time = |us: Option<i64>| {
        us.and_then(chrono::DateTime::from_timestamp_micros)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    };
    let now_us = chrono::Utc::now().timestamp_micros();
    let s = saved.unwrap_or_default();
    Some(serde_json::json!({
        "component": spec.component.to_string(),
        "url": spec.url,
        "every_secs": spec.every.as_secs(),
        "allow": spec.allow.iter().map(|o| o.to_string()).collect::<Vec<_>>(),
        "secret": spec.secret,
        "start_at_secs": spec.start_at.as_secs(),
        "delay_secs": spec.delay.as_secs(),
        "max_pages": spec.max_pages,
        "last_run": time(s.last_run_us),
        "last_success": time(s.last_success_us),
        "last_error": s.last_error,
        "last_run_pages": s.run_pages,
        "last_run_events": s.run_events,
        "cursor_saved_at": time((s.updated_at_us > 0).then_some(s.updated_at_us)),
        "position": time(s.position_us),
        "lag_secs": s.position_us.map(|p| ((now_us - p) / 1_000_000).max(0)),
        "pages_total": s.pages,
        "events_total": s.events,
    }))
}
