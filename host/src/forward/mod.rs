//! Store-and-forward: each `[[forward]]` destination reads the store in commit order from its
//! durable cursor and sends every event it has not acknowledged yet.
//!
//! At least once from the store: the cursor moves (in the store, fsynced) only after the
//! destination acknowledged every event of the blocks it covers; a crash in between sends those
//! blocks again, and the destination drops them by event ID (`Nats-Msg-Id` within the stream's
//! duplicate window). A destination that is down or slow only makes its own lag grow:
//! forwarders read the store through their own connections and never hold up the writer.

mod https;
mod nats;
mod round;

use crate::config::{Destination, ForwardSpec};
use crate::registry::RegistryHandle;
use crate::store::Payload;
use crate::telemetry::metrics::ForwardStats;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

pub use round::Round;

/// How often the supervisor looks at the configuration for added, changed or removed
/// destinations (a reload swaps it; forwarders follow within this delay).
const CONFIG_POLL: Duration = Duration::from_secs(1);

/// Why a forwarding round did not complete; the round is tried again after a backoff.
#[derive(Debug, thiserror::Error)]
pub enum ForwardError {
    #[error("cannot connect to {destination}: {reason}")]
    Connect { destination: String, reason: String },
    #[error("stream {stream}: {reason}")]
    Stream { stream: String, reason: String },
    #[error("publish failed: {0}")]
    Publish(String),
    #[error("no acknowledgement: {0}")]
    Ack(String),
    /// The upstream refused a batch (an HTTP status other than 200, 413, 429, 503).
    #[error("upstream refused: {0}")]
    Upstream(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// A blocking store task panicked or was cancelled.
    #[error("store task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Starts the supervisor, which runs one task per configured destination until `shutdown`.
pub fn start(registry: Arc<RegistryHandle>, db: PathBuf, shutdown: CancellationToken, tracker: &TaskTracker) {
    let tasks = tracker.clone();
    tracker.spawn(async move { supervise(registry, db, shutdown, tasks).await });
}

struct Running {
    spec: ForwardSpec,
    stop: CancellationToken,
}

async fn supervise(registry: Arc<RegistryHandle>, db: PathBuf, shutdown: CancellationToken, tracker: TaskTracker) {
    let mut running: BTreeMap<String, Running> = BTreeMap::new();
    loop {
        let wanted = registry.current().config().forwards.clone();
        running.retain(|name, r| {
            let keep = wanted.iter().any(|w| &w.name == name && *w == r.spec);
            if !keep {
                tracing::info!(forward = %name, "Forwarder stopped (removed or changed by a reload).");
                r.stop.cancel();
            }
            keep
        });
        for spec in wanted {
            if running.contains_key(&spec.name) {
                continue;
            }
            let stop = shutdown.child_token();
            tracing::info!(forward = %spec.name, "Forwarder started.");
            tracker.spawn(run(spec.clone(), db.clone(), stop.clone()));
            running.insert(spec.name.clone(), Running { spec, stop });
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(CONFIG_POLL) => {}
        }
    }
}

/// One destination until `stop`: rounds from the cursor, backing off (with jitter) while the
/// destination fails.
async fn run(spec: ForwardSpec, db: PathBuf, stop: CancellationToken) {
    let stats = crate::telemetry::metrics().forward(&spec.name);
    let mut round = match open_round(&spec, &db).await {
        Ok(round) => round,
        Err(error) => {
            tracing::error!(forward = %spec.name, %error, "Forwarder cannot open the store; it does not run.");
            return;
        }
    };
    let mut destination: Option<Sender> = None;
    let mut backoff = Backoff::new();
    while !stop.is_cancelled() {
        let result = async {
            if destination.is_none() {
                destination = Some(Sender::connect(&spec, stats).await?);
            }
            let sender = destination
                .as_ref()
                .ok_or_else(|| ForwardError::Publish("not connected".into()))?;
            round.step(&spec, sender, stats).await
        };
        let outcome = tokio::select! {
            () = stop.cancelled() => return,
            outcome = result => outcome,
        };
        match outcome {
            Ok(sent) => {
                backoff.reset();
                if sent == 0 {
                    // Caught up: look again soon (new blocks commit every few ms under load).
                    tokio::select! {
                        () = stop.cancelled() => return,
                        () = tokio::time::sleep(Duration::from_millis(100)) => {}
                    }
                }
            }
            Err(error) => {
                stats.errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let delay = backoff.next();
                tracing::warn!(forward = %spec.name, %error, retry_in_ms = delay.as_millis() as u64, "Forwarding failed; the cursor stays and the round is tried again.");
                round.reset();
                round.record_error(&spec.name, &error.to_string()).await;
                if matches!(error, ForwardError::Connect { .. } | ForwardError::Stream { .. }) {
                    destination = None;
                }
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = tokio::time::sleep(delay) => {}
                }
            }
        }
    }
}

/// A connected destination.
pub enum Sender {
    /// Boxed: a JetStream context is large, and the HTTPS upstream a pointer.
    Nats(Box<nats::Publisher>),
    Https(https::Upstream),
}

impl Sender {
    async fn connect(spec: &ForwardSpec, stats: &'static ForwardStats) -> Result<Sender, ForwardError> {
        Ok(match spec.destination {
            Destination::Nats { .. } => Sender::Nats(Box::new(nats::Publisher::connect(spec).await?)),
            Destination::Https { .. } => Sender::Https(https::Upstream::new(spec, stats)?),
        })
    }
}

async fn open_round(spec: &ForwardSpec, db: &Path) -> Result<Round, ForwardError> {
    let (name, db) = (spec.name.clone(), db.to_path_buf());
    let payload = match spec.destination {
        Destination::Nats { .. } => Payload::EventsGet,
        Destination::Https { .. } => Payload::Raw,
    };
    tokio::task::spawn_blocking(move || Round::open(&db, &name, payload))
        .await
        .map_err(ForwardError::from)?
}

/// Exponential backoff from 200 ms to 30 s, each delay drawn between half and all of it.
struct Backoff {
    current: Duration,
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(200);
    const MAX: Duration = Duration::from_secs(30);

    fn new() -> Backoff {
        Backoff { current: Self::FIRST }
    }

    fn reset(&mut self) {
        self.current = Self::FIRST;
    }

    fn next(&mut self) -> Duration {
        let base = self.current;
        self.current = (self.current * 2).min(Self::MAX);
        let mut byte = [0u8; 2];
        let jitter = getrandom::fill(&mut byte).map_or(0.5, |()| f64::from(u16::from_le_bytes(byte)) / 65535.0);
        base.mul_f64(0.5 + jitter / 2.0)
    }
}

/// `url` without its user information (`nats://user:secret@host` → `nats://***@host`): URLs may
/// carry credentials, and they appear in logs and in `forward status`.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    match authority.rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// `template` with `{intake}`, `{entity}` and `{format}` replaced by those names, each made one
/// NATS subject token (anything but letters, digits, `-` and `_` becomes `_`).
pub fn subject(template: &str, intake: &str, entity: &str, format: &str) -> String {
    let token = |s: &str| -> String {
        let t: String = s
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if t.is_empty() {
            "_".into()
        } else {
            t
        }
    };
    template
        .replace("{intake}", &token(intake))
        .replace("{entity}", &token(entity))
        .replace("{format}", &token(format))
}

/// The subjects a stream made for `template` listens on: each token with a placeholder becomes
/// `*` (placeholders expand to one token each).
pub fn stream_subject(template: &str) -> String {
    template
        .split('.')
        .map(|t| if t.contains('{') { "*" } else { t })
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_expand_to_one_token_per_placeholder() {
        assert_eq!(subject("intake.{intake}", "fw-paris", "e", "f"), "intake.fw-paris");
        assert_eq!(subject("x.{entity}.{format}", "i", "Site A.b", ""), "x.Site_A_b._");
        assert_eq!(stream_subject("intake.{intake}"), "intake.*");
        assert_eq!(stream_subject("a.{entity}.b.{format}x"), "a.*.b.*");
        assert_eq!(stream_subject("fixed.subject"), "fixed.subject");
    }

    #[test]
    fn credentials_in_urls_are_never_shown() {
        assert_eq!(
            redacted("nats://user:secret@127.0.0.1:4222"),
            "nats://***@127.0.0.1:4222"
        );
        assert_eq!(redacted("tls://token@nats.example:4222"), "tls://***@nats.example:4222");
        assert_eq!(redacted("nats://127.0.0.1:4222"), "nats://127.0.0.1:4222");
        assert_eq!(redacted("nats://h:4222/x@y"), "nats://h:4222/x@y");
    }

    #[test]
    fn backoff_grows_with_jitter_up_to_its_cap() {
        let mut b = Backoff::new();
        let first = b.next();
        assert!(first >= Backoff::FIRST / 2 && first <= Backoff::FIRST, "{first:?}");
        for _ in 0..20 {
            let d = b.next();
            assert!(d <= Backoff::MAX, "{d:?}");
        }
        assert!(b.next() >= Backoff::MAX / 2);
        b.reset();
        assert!(b.next() <= Backoff::FIRST);
    }
}
