//! One polling intake: a run every `every`, each run a loop of pages within the page budget.
//! A page's events and the cursor after them commit in one transaction, and the next request
//! is made only after that commit; what the source must be told once a page is stored (SQS
//! deletes) is told after it. A crash anywhere resumes from the last committed cursor, and
//! the events read again are dropped by their source IDs.

use super::auth::Authenticator;
use super::component::{self, ComponentError, Instance, PollError, Settings};
use super::egress::Policy;
use super::ratelimit::{RateLimiter, MAX_WAIT};
use super::secrets::{Credential, Secrets};
use super::{client, PollTask};
use crate::config::PollSpec;
use crate::event::{Envelope, Incoming};
use crate::store::poll_cursors::{self, PollCursor};
use crate::telemetry::metrics::PollStats;
use sha2::Digest;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{0}")]
    Setup(String),
    #[error(transparent)]
    Component(#[from] ComponentError),
    #[error("the poller's call took longer than call_timeout ({0:?})")]
    Timeout(Duration),
    #[error("the source failed (will retry at the next run): {0}")]
    Transient(String),
    #[error("the poller gave up: {0}")]
    Fatal(String),
    #[error("the source kept asking to wait ({0} times in one run)")]
    Throttled(u32),
    #[error("a page of {0} events is more than the {1} a page may hold")]
    PageTooBig(usize, usize),
    #[error("cannot store the page: {0}")]
    Store(#[from] crate::pipeline::PipelineError),
    #[error("the intake is gone from the registry")]
    NoIntake,
}

/// What a run did.
#[derive(Debug, Default, Clone, Copy)]
pub struct RunReport {
    pub pages: u32,
    pub events: u64,
    pub stored: u64,
}

/// Source IDs are at most this long; longer ones are stored as their SHA-256.
const MAX_SOURCE_ID_BYTES: usize = 128;
/// `rate-limited` answers a run waits out before it ends.
const MAX_THROTTLES_PER_RUN: u32 = 5;
/// A page may hold this many times `max_events_per_page` (a CloudTrail file, an M365 blob, are
/// not cut by the source to our page size), and never more than [`MAX_PAGE_EVENTS`].
const PAGE_SLACK: usize = 10;
const MAX_PAGE_EVENTS: usize = 200_000;

/// The state a polling intake keeps between runs.
pub struct IntakeState {
    pub limiter: Arc<RateLimiter>,
    /// Kept while the credential stays the same, so that an OAuth token outlives a run.
    auth: Option<(Option<Credential>, Arc<Authenticator>)>,
}

impl IntakeState {
    pub fn new(spec: &PollSpec) -> IntakeState {
        IntakeState {
            limiter: Arc::new(RateLimiter::new(spec.requests_per_second)),
            auth: None,
        }
    }
}

pub async fn run_once(
    task: &PollTask,
    state: &mut IntakeState,
    stats: &'static PollStats,
    stop: &tokio_util::sync::CancellationToken,
) -> Result<RunReport, RunError> {
    let spec = &task.spec;
    let secrets = Secrets::load(task.secrets_file.as_deref()).map_err(|e| RunError::Setup(e.to_string()))?;
    let credential = match &spec.secret {
        Some(name) => Some(
            secrets
                .get(name)
                .map_err(|e| RunError::Setup(e.to_string()))?
                .ok_or_else(|| RunError::Setup(super::auth::AuthError::Missing(name.clone()).to_string()))?,
        ),
        None => None,
    };
    let tls = client::tls_config(spec.ca_file.as_deref()).map_err(RunError::Setup)?;
    let wanted = credential.as_deref().cloned();
    let auth = match &state.auth {
        Some((c, a)) if *c == wanted => a.clone(),
        _ => {
            let a = Arc::new(Authenticator::new(credential, tls.clone(), spec.request_timeout));
            state.auth = Some((wanted, a.clone()));
            a
        }
    };
    let policy = Arc::new(Policy {
        intake: task.intake.clone(),
        allow: spec.allow.clone(),
        tls,
        auth,
        limiter: state.limiter.clone(),
        request_timeout: spec.request_timeout,
        max_response_bytes: spec.max_response_bytes,
        stats,
    });
    let source = spec.component.clone();
    let pre = tokio::task::spawn_blocking(move || component::prepare(&source))
        .await
        .map_err(|e| RunError::Setup(format!("compiling the poller: {e}")))??;
    let mut instance = Instance::new(&pre, policy, spec.memory_bytes, spec.fuel).await?;

    let db = task.db.clone();
    let intake = task.intake.to_string();
    let saved = tokio::task::spawn_blocking(move || poll_cursors::load(&db, &intake))
        .await
        .map_err(|e| RunError::Setup(e.to_string()))?
        .map_err(|e| RunError::Setup(e.to_string()))?;
    let mut cursor = saved.and_then(|s| s.cursor);
    let mut report = RunReport::default();
    let mut throttles = 0;
    let max_page = (spec.max_events_per_page as usize)
        .saturating_mul(PAGE_SLACK)
        .min(MAX_PAGE_EVENTS);
    while report.pages < spec.max_pages {
        let settings = settings(task);
        let answer = tokio::time::timeout(spec.call_timeout, instance.poll(&settings, cursor.as_deref()))
            .await
            .map_err(|_| RunError::Timeout(spec.call_timeout))??;
        let page = match answer {
            Ok(page) => page,
            Err(PollError::RateLimited(secs)) => {
                throttles += 1;
                if throttles > MAX_THROTTLES_PER_RUN || Duration::from_secs(u64::from(secs)) > MAX_WAIT {
                    return Err(RunError::Throttled(throttles));
                }
                // The host's limiter holds the next request back (it saw the 429 too).
                state.limiter.defer(Duration::from_secs(u64::from(secs)));
                continue;
            }
            Err(PollError::Transient(m)) => return Err(RunError::Transient(m)),
            Err(PollError::Fatal(m)) => return Err(RunError::Fatal(m)),
        };
        if page.events.len() > max_page {
            return Err(RunError::PageTooBig(page.events.len(), max_page));
        }
        let registry = task.registry.current();
        let entry = registry
            .intake_by_name(&task.intake)
            .cloned()
            .ok_or(RunError::NoIntake)?;
        let max_event_bytes = registry.config().limits.max_event_bytes;
        let n = page.events.len();
        let incoming: Vec<Incoming> = page
            .events
            .into_iter()
            .map(|e| Incoming {
                intake: entry.clone(),
                raw: e.raw,
                client_time: None,
                envelope: Envelope::default(),
                source_id: e.source_id.filter(|s| !s.is_empty()).map(bounded_source_id),
            })
            .collect();
        let position_us = page.position.map(|s| s.saturating_mul(1_000_000));
        let commit = PollCursor {
            intake: task.intake.clone(),
            cursor: page.cursor.clone(),
            position_us,
            events: n as u64,
            page: true,
            run: None,
        };
        let stored = task
            .pipeline
            .ingest_polled(chrono::Utc::now(), incoming, commit, max_event_bytes, stop)
            .await?;
        report.pages += 1;
        report.events += n as u64;
        report.stored += stored as u64;
        stats.pages.fetch_add(1, Relaxed);
        stats.events.fetch_add(n as u64, Relaxed);
        if let Some(p) = page.position {
            let now = chrono::Utc::now().timestamp();
            stats.position.store(p.max(0) as u64, Relaxed);
            stats.lag_seconds.store((now - p).max(0) as u64, Relaxed);
        }
        if page.cursor.is_some() {
            cursor = page.cursor;
        }
        if let Some(ack) = page.ack {
            // Stored already: a failed acknowledgement only means the source sends these
            // again, and their source IDs drop them then.
            match tokio::time::timeout(spec.call_timeout, instance.acknowledge(&settings, &ack)).await {
                Ok(Ok(Ok(()))) => {}
                Ok(Ok(Err(e))) => {
                    tracing::warn!(intake = %task.intake, error = ?e, "The poller could not acknowledge a stored page; the source will send it again.")
                }
                Ok(Err(e)) => return Err(e.into()),
                Err(_) => return Err(RunError::Timeout(spec.call_timeout)),
            }
        }
        if let Some(secs) = page.retry_after {
            state.limiter.defer(Duration::from_secs(u64::from(secs)));
        }
        if !page.more {
            break;
        }
    }
    Ok(report)
}

fn settings(task: &PollTask) -> Settings {
    let spec = &task.spec;
    let now = chrono::Utc::now().timestamp();
    Settings {
        intake: task.intake.to_string(),
        url: spec.url.clone(),
        options: spec.options.clone(),
        secret: spec.secret.clone(),
        start_at: now - spec.start_at.as_secs() as i64,
        until: now - spec.delay.as_secs() as i64,
        max_events: spec.max_events_per_page,
    }
}

fn bounded_source_id(id: String) -> String {
    if id.len() <= MAX_SOURCE_ID_BYTES {
        id
    } else {
        format!("sha256:{}", hex::encode(sha2::Sha256::digest(id.as_bytes())))
    }
}
