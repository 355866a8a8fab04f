//! Process-wide metrics in Prometheus text format: counters and histograms kept with atomics
//! and short-lived locks, aggregated per batch on hot paths.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// Upper bounds (seconds) of the latency histograms.
const BUCKETS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5,
];

#[derive(Default)]
pub struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    /// Sum in microseconds.
    sum_us: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            if secs <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_us.fetch_add(d.as_micros() as u64, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {count}");
        let sum = self.sum_us.load(Ordering::Relaxed) as f64 / 1e6;
        let braces = |s: &str| {
            if s.is_empty() {
                String::new()
            } else {
                format!("{{{s}}}")
            }
        };
        let _ = writeln!(out, "{name}_sum{} {sum}", braces(labels));
        let _ = writeln!(out, "{name}_count{} {count}", braces(labels));
    }
}

/// Stored events per (intake, protocol): (ok, in error).
type EventCounts = BTreeMap<(String, &'static str), (u64, u64)>;

/// Counters and histograms of the whole node.
#[derive(Default)]
pub struct Metrics {
    /// (intake, protocol) → (stored ok, stored in error).
    events: Mutex<EventCounts>,
    /// (listener, reason) → refused messages or requests.
    rejected: Mutex<BTreeMap<(String, String), u64>>,
    /// Events not stored again: their source ID was stored before, per intake.
    duplicates: Mutex<BTreeMap<String, u64>>,
    /// format → component call latency.
    component_calls: Mutex<BTreeMap<String, &'static Histogram>>,
    pub store_commit: Histogram,
    /// listener → open connections and failed TLS handshakes.
    connections: Mutex<BTreeMap<&'static str, (&'static AtomicU64, &'static AtomicU64)>>,
    /// forwarder → its counters and gauges.
    forwards: Mutex<BTreeMap<String, &'static ForwardStats>>,
    /// polling intake → its counters, gauges and last error.
    polls: Mutex<BTreeMap<String, &'static PollStats>>,
    /// Events deleted by retention: for their age, for the size cap, before forwarding.
    pruned: [AtomicU64; 3],
    store_used_bytes: AtomicU64,
    store_full: AtomicU64,
}

/// One forwarder's counters (events acknowledged, failed attempts) and gauges (publishes
/// awaiting an acknowledgement, events and seconds behind the store).
#[derive(Default)]
pub struct ForwardStats {
    pub forwarded: AtomicU64,
    pub errors: AtomicU64,
    /// Answers asking to slow down (HTTP 429, 503), each waited out.
    pub throttled: AtomicU64,
    pub in_flight: AtomicU64,
    pub lag_events: AtomicU64,
    pub lag_seconds: AtomicU64,
}

/// One polling intake's counters and state (`poll/`), for `/metrics`, `intakes show` and the
/// admin page.
#[derive(Default)]
pub struct PollStats {
    pub runs: AtomicU64,
    pub pages: AtomicU64,
    /// Events of committed pages (duplicates included; those are counted apart too).
    pub events: AtomicU64,
    pub errors: AtomicU64,
    pub requests: AtomicU64,
    /// Requests refused by the host: [off the allowlist, a redirect off it, an
    /// `Authorization` the component set].
    pub denied: [AtomicU64; 3],
    /// Answers asking to wait (429, `Retry-After`), each waited out.
    pub throttled: AtomicU64,
    /// Unix seconds (0: never).
    pub last_run: AtomicU64,
    pub last_success: AtomicU64,
    pub last_run_pages: AtomicU64,
    pub last_run_events: AtomicU64,
    /// Seconds between now and the source time the cursor stands at, at the last commit.
    pub lag_seconds: AtomicU64,
    /// The source time the cursor stands at (Unix seconds; 0: unknown).
    pub position: AtomicU64,
    pub last_error: Mutex<Option<String>>,
}

impl PollStats {
    pub fn set_error(&self, error: Option<String>) {
        *lock(&self.last_error) = error;
    }

    pub fn error(&self) -> Option<String> {
        lock(&self.last_error).clone()
    }
}

/// Why the host refused a poller's request (the index in [`PollStats::denied`]).
pub const POLL_DENIED_REASONS: [&str; 3] = ["host", "redirect", "authorization"];

/// Gauges sampled by the caller when the metrics are rendered.
#[derive(Debug, Clone, Copy, Default)]
pub struct Gauges {
    /// Batches waiting for the store writer.
    pub queue_depth: usize,
    /// Client data held from the node's memory budget, and the budget.
    pub buffered_bytes: usize,
    pub buffer_limit_bytes: usize,
}

/// The node's metrics.
pub fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(Metrics::default)
}

/// One metric with a value per forwarder (or intake): its HELP and TYPE lines, then one line per
/// label value.
fn per_label<T>(
    out: &mut String,
    (metric, kind, help): (&str, &str, &str),
    label: &str,
    rows: &BTreeMap<String, &'static T>,
    value: fn(&T) -> u64,
) {
    let _ = writeln!(out, "# HELP {metric} {help}\n# TYPE {metric} {kind}");
    for (name, stats) in rows {
        let _ = writeln!(out, "{metric}{{{label}=\"{}\"}} {}", escape(name), value(stats));
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Metrics {
    /// Counts committed events of one intake and protocol.
    pub fn stored(&self, intake: &str, protocol: &'static str, ok: u64, errors: u64) {
        let mut events = lock(&self.events);
        let entry = events.entry((intake.to_string(), protocol)).or_default();
        entry.0 += ok;
        entry.1 += errors;
    }

    pub fn duplicate(&self, intake: &str) {
        *lock(&self.duplicates).entry(intake.to_string()).or_default() += 1;
    }

    pub fn rejected(&self, listener: &str, reason: &str) {
        *lock(&self.rejected)
            .entry((listener.to_string(), reason.to_string()))
            .or_default() += 1;
    }

    pub fn component_call(&self, format: &str, d: Duration) {
        let histogram = {
            let mut calls = lock(&self.component_calls);
            match calls.get(format) {
                Some(h) => *h,
                None => {
                    // One histogram per format name for the life of the process: a small, bounded leak.
                    let h: &'static Histogram = Box::leak(Box::default());
                    calls.insert(format.to_string(), h);
                    h
                }
            }
        };
        histogram.observe(d);
    }

    /// The gauges of one listener: open connections, failed handshakes.
    pub fn listener(&self, name: &'static str) -> (&'static AtomicU64, &'static AtomicU64) {
        *lock(&self.connections)
            .entry(name)
            .or_insert_with(|| (Box::leak(Box::default()), Box::leak(Box::default())))
    }

    /// The counters of forwarder `name` (kept for the life of the process, as a reload may
    /// bring it back).
    pub fn forward(&self, name: &str) -> &'static ForwardStats {
        let mut forwards = lock(&self.forwards);
        match forwards.get(name) {
            Some(stats) => stats,
            None => {
                let stats: &'static ForwardStats = Box::leak(Box::default());
                forwards.insert(name.to_string(), stats);
                stats
            }
        }
    }

    /// The counters of polling intake `name` (kept for the life of the process).
    pub fn poll(&self, name: &str) -> &'static PollStats {
        let mut polls = lock(&self.polls);
        match polls.get(name) {
            Some(stats) => stats,
            None => {
                let stats: &'static PollStats = Box::leak(Box::default());
                polls.insert(name.to_string(), stats);
                stats
            }
        }
    }

    /// The polling intakes seen by this process.
    pub fn polls(&self) -> BTreeMap<String, &'static PollStats> {
        lock(&self.polls).clone()
    }

    /// Counts what a retention pass did.
    pub fn retention(&self, report: &crate::store::retention::PruneReport) {
        for (counter, n) in self.pruned.iter().zip([report.aged, report.trimmed, report.dropped]) {
            counter.fetch_add(n, Ordering::Relaxed);
        }
        self.store_used_bytes.store(report.used_bytes, Ordering::Relaxed);
        self.store_full.store(u64::from(report.full), Ordering::Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self, gauges: &Gauges) -> String {
        let queue_depth = gauges.queue_depth;
        let mut out = String::with_capacity(4096);
        out.push_str("# HELP intake_edge_events_total Events stored, by intake, protocol and status.\n");
        out.push_str("# TYPE intake_edge_events_total counter\n");
        for ((intake, protocol), (ok, errors)) in lock(&self.events).iter() {
            let intake = escape(intake);
            let _ = writeln!(
                out,
                "intake_edge_events_total{{intake=\"{intake}\",protocol=\"{protocol}\",status=\"ok\"}} {ok}"
            );
            let _ = writeln!(
                out,
                "intake_edge_events_total{{intake=\"{intake}\",protocol=\"{protocol}\",status=\"error\"}} {errors}"
            );
        }
        out.push_str("# HELP intake_edge_duplicate_events_total Events not stored again: the same source ID was stored before.\n");
        out.push_str("# TYPE intake_edge_duplicate_events_total counter\n");
        for (intake, n) in lock(&self.duplicates).iter() {
            let _ = writeln!(
                out,
                "intake_edge_duplicate_events_total{{intake=\"{}\"}} {n}",
                escape(intake)
            );
        }
        out.push_str("# HELP intake_edge_rejected_total Messages or requests refused before reaching an intake.\n");
        out.push_str("# TYPE intake_edge_rejected_total counter\n");
        for ((listener, reason), n) in lock(&self.rejected).iter() {
            let _ = writeln!(
                out,
                "intake_edge_rejected_total{{listener=\"{}\",reason=\"{}\"}} {n}",
                escape(listener),
                escape(reason)
            );
        }
        out.push_str("# HELP intake_edge_component_call_seconds Duration of one component call (a batch).\n");
        out.push_str("# TYPE intake_edge_component_call_seconds histogram\n");
        for (format, h) in lock(&self.component_calls).iter() {
            h.render(
                &mut out,
                "intake_edge_component_call_seconds",
                &format!("format=\"{}\"", escape(format)),
            );
        }
        out.push_str("# HELP intake_edge_store_commit_seconds Duration of one store transaction (a group commit).\n");
        out.push_str("# TYPE intake_edge_store_commit_seconds histogram\n");
        self.store_commit
            .render(&mut out, "intake_edge_store_commit_seconds", "");
        out.push_str("# HELP intake_edge_store_queue_depth Batches waiting for the store writer.\n");
        out.push_str("# TYPE intake_edge_store_queue_depth gauge\n");
        let _ = writeln!(out, "intake_edge_store_queue_depth {queue_depth}");
        out.push_str(
            "# HELP intake_edge_buffered_bytes Request bodies and stream batches held from the node's memory budget.\n",
        );
        out.push_str("# TYPE intake_edge_buffered_bytes gauge\n");
        let _ = writeln!(out, "intake_edge_buffered_bytes {}", gauges.buffered_bytes);
        out.push_str("# HELP intake_edge_buffered_bytes_limit The node's memory budget (limits.max_buffered_bytes).\n");
        out.push_str("# TYPE intake_edge_buffered_bytes_limit gauge\n");
        let _ = writeln!(out, "intake_edge_buffered_bytes_limit {}", gauges.buffer_limit_bytes);
        out.push_str("# HELP intake_edge_store_pruned_events_total Events deleted by retention: for their age, the size cap, or before forwarding (on_full = drop_oldest).\n");
        out.push_str("# TYPE intake_edge_store_pruned_events_total counter\n");
        for (reason, counter) in ["age", "size", "dropped"].iter().zip(&self.pruned) {
            let _ = writeln!(
                out,
                "intake_edge_store_pruned_events_total{{reason=\"{reason}\"}} {}",
                counter.load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP intake_edge_store_used_bytes Live bytes of the store at the last retention pass.\n# TYPE intake_edge_store_used_bytes gauge\n");
        let _ = writeln!(
            out,
            "intake_edge_store_used_bytes {}",
            self.store_used_bytes.load(Ordering::Relaxed)
        );
        out.push_str("# HELP intake_edge_store_full 1 while new events are refused: store.max_disk_mib reached by events not yet forwarded.\n# TYPE intake_edge_store_full gauge\n");
        let _ = writeln!(
            out,
            "intake_edge_store_full {}",
            self.store_full.load(Ordering::Relaxed)
        );
        let forwards = lock(&self.forwards).clone();
        for (metric, kind, help, value) in [
            (
                "intake_edge_forwarded_events_total",
                "counter",
                "Events a forwarder's destination acknowledged.",
                (|f: &ForwardStats| f.forwarded.load(Ordering::Relaxed)) as fn(&ForwardStats) -> u64,
            ),
            (
                "intake_edge_forward_errors_total",
                "counter",
                "Failed forwarding attempts (connection, publish, acknowledgement).",
                |f| f.errors.load(Ordering::Relaxed),
            ),
            (
                "intake_edge_forward_throttled_total",
                "counter",
                "Answers of an HTTPS upstream asking to slow down (429, 503), waited out before the retry.",
                |f| f.throttled.load(Ordering::Relaxed),
            ),
            (
                "intake_edge_forward_in_flight",
                "gauge",
                "Publishes awaiting the destination's acknowledgement.",
                |f| f.in_flight.load(Ordering::Relaxed),
            ),
            (
                "intake_edge_forward_lag_events",
                "gauge",
                "Stored events not yet acknowledged by the destination.",
                |f| f.lag_events.load(Ordering::Relaxed),
            ),
            (
                "intake_edge_forward_lag_seconds",
                "gauge",
                "Age of the oldest stored event not yet acknowledged by the destination.",
                |f| f.lag_seconds.load(Ordering::Relaxed),
            ),
        ] {
            per_label(&mut out, (metric, kind, help), "forward", &forwards, value);
        }
        let polls = lock(&self.polls).clone();
        for (metric, kind, help, value) in [
            (
                "intake_edge_poll_runs_total",
                "counter",
                "Runs of a polling intake.",
                (|p: &PollStats| p.runs.load(Ordering::Relaxed)) as fn(&PollStats) -> u64,
            ),
            (
                "intake_edge_poll_pages_total",
                "counter",
                "Pages a poller read and the store committed.",
                |p| p.pages.load(Ordering::Relaxed),
            ),
            (
                "intake_edge_poll_events_total",
                "counter",
                "Events of committed pages (duplicates included).",
                |p| p.events.load(Ordering::Relaxed),
            ),
            (
                "intake_edge_poll_errors_total",
                "counter",
                "Runs that ended in an error (source, component or store).",
                |p| p.errors.load(Ordering::Relaxed),
            ),
            (
                "intake_edge_poll_requests_total",
                "counter",
                "HTTP requests a poller sent through the host.",
                |p| p.requests.load(Ordering::Relaxed),
            ),
            (
                "intake_edge_poll_throttled_total",
                "counter",
                "Answers asking to wait (429, Retry-After, X-Rate-Limit-Reset), waited out.",
                |p| p.throttled.load(Ordering::Relaxed),
            ),
            (
                "intake_edge_poll_last_success_seconds",
                "gauge",
                "Unix time of the last run that ended without error.",
                |p| p.last_success.load(Ordering::Relaxed),
            ),
            (
                "intake_edge_poll_lag_seconds",
                "gauge",
                "How far behind now the source time of the cursor was at the last commit.",
                |p| p.lag_seconds.load(Ordering::Relaxed),
            ),
        ] {
            per_label(&mut out, (metric, kind, help), "intake", &polls, value);
        }
        out.push_str("# HELP intake_edge_poll_denied_total Requests of a poller refused by the host: off the allowlist, a redirect off it, an Authorization header set by the component.\n# TYPE intake_edge_poll_denied_total counter\n");
        for (name, stats) in &polls {
            for (reason, counter) in POLL_DENIED_REASONS.iter().zip(&stats.denied) {
                let _ = writeln!(
                    out,
                    "intake_edge_poll_denied_total{{intake=\"{}\",reason=\"{reason}\"}} {}",
                    escape(name),
                    counter.load(Ordering::Relaxed)
                );
            }
        }
        out.push_str("# HELP intake_edge_connections Open connections per listener.\n");
        out.push_str("# TYPE intake_edge_connections gauge\n");
        let listeners = lock(&self.connections).clone();
        for (name, (open, _)) in &listeners {
            let _ = writeln!(
                out,
                "intake_edge_connections{{listener=\"{name}\"}} {}",
                open.load(Ordering::Relaxed)
            );
        }
        out.push_str(
            "# HELP intake_edge_tls_handshake_failures_total Failed or timed-out TLS handshakes per listener.\n",
        );
        out.push_str("# TYPE intake_edge_tls_handshake_failures_total counter\n");
        for (name, (_, failed)) in &listeners {
            let _ = writeln!(
                out,
                "intake_edge_tls_handshake_failures_total{{listener=\"{name}\"}} {}",
                failed.load(Ordering::Relaxed)
            );
        }
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}
