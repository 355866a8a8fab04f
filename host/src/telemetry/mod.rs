//! Counters of what the listeners saw, by name, so logs, tests and metrics agree.

pub mod log_limit;
pub mod metrics;

pub use metrics::metrics;

use std::sync::atomic::{AtomicU64, Ordering};

/// Counters of one stream listener.
#[derive(Debug, Default)]
pub struct ListenerStats {
    /// The listener's name in metrics (`syslog`, `relp`, `syslog:<intake>`).
    pub name: &'static str,
    pub connections: AtomicU64,
    pub received: AtomicU64,
    pub stored: AtomicU64,
    pub rejected_no_key: AtomicU64,
    pub rejected_unknown_key: AtomicU64,
    pub rejected_malformed: AtomicU64,
    pub rejected_oversized: AtomicU64,
    pub framing_errors: AtomicU64,
    /// Connections that broke (reset, I/O error) rather than closed.
    pub broken: AtomicU64,
    /// Connections closed because the client did not read its answers in time.
    pub write_timeouts: AtomicU64,
    pub store_failures: AtomicU64,
    /// Rejected messages are logged at this rate, whatever the number of connections.
    pub log: log_limit::LogLimiter,
    /// Connections ended for cause (framing, write timeout) are logged at this rate; apart from
    /// rejections, so that a flood of one does not hide the other.
    pub close_log: log_limit::LogLimiter,
}

/// Why a syslog message was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    NoKey,
    UnknownKey,
    Malformed,
    Oversized,
}

impl Rejection {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoKey => "no intake key",
            Self::UnknownKey => "unknown intake key",
            Self::Malformed => "malformed message",
            Self::Oversized => "message over the size limit",
        }
    }
}

impl ListenerStats {
    pub fn named(name: &'static str) -> ListenerStats {
        ListenerStats {
            name,
            ..ListenerStats::default()
        }
    }

    pub fn reject(&self, why: Rejection) {
        metrics().rejected(self.name, why.as_str());
        let counter = match why {
            Rejection::NoKey => &self.rejected_no_key,
            Rejection::UnknownKey => &self.rejected_unknown_key,
            Rejection::Malformed => &self.rejected_malformed,
            Rejection::Oversized => &self.rejected_oversized,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }

    /// `name=value` pairs, for the shutdown log line and tests.
    pub fn snapshot(&self) -> Vec<(&'static str, u64)> {
        vec![
            ("connections", Self::get(&self.connections)),
            ("received", Self::get(&self.received)),
            ("stored", Self::get(&self.stored)),
            ("rejected_no_key", Self::get(&self.rejected_no_key)),
            ("rejected_unknown_key", Self::get(&self.rejected_unknown_key)),
            ("rejected_malformed", Self::get(&self.rejected_malformed)),
            ("rejected_oversized", Self::get(&self.rejected_oversized)),
            ("framing_errors", Self::get(&self.framing_errors)),
            ("broken", Self::get(&self.broken)),
            ("write_timeouts", Self::get(&self.write_timeouts)),
            ("store_failures", Self::get(&self.store_failures)),
        ]
    }
}
