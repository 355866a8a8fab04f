//! Rate limits for log lines that a peer can trigger at will (rejected messages, refused
//! connections): a few lines per window per listener, then a count of what was left out, so an
//! unauthenticated sender cannot flood the log or the disk under it.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Lines let through per window.
pub const LOG_BURST: u32 = 10;
pub const LOG_WINDOW: Duration = Duration::from_secs(10);
/// Characters of a peer-supplied value (a rejection detail) kept in a log line.
pub const LOG_VALUE_CHARS: usize = 200;

/// Admits [`LOG_BURST`] lines per [`LOG_WINDOW`].
#[derive(Debug, Default)]
pub struct LogLimiter {
    state: Mutex<Option<Window>>,
}

#[derive(Debug)]
struct Window {
    started: Instant,
    logged: u32,
    /// Lines refused since the last one let through.
    suppressed: u64,
}

impl LogLimiter {
    pub const fn new() -> LogLimiter {
        LogLimiter {
            state: Mutex::new(None),
        }
    }

    /// `Some(n)` if this line may be logged, `n` being how many were left out before it.
    pub fn admit(&self) -> Option<u64> {
        self.admit_at(Instant::now())
    }

    fn admit_at(&self, now: Instant) -> Option<u64> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let window = state.get_or_insert(Window {
            started: now,
            logged: 0,
            suppressed: 0,
        });
        if now.duration_since(window.started) >= LOG_WINDOW {
            window.started = now;
            window.logged = 0;
        }
        if window.logged < LOG_BURST {
            window.logged += 1;
            Some(std::mem::take(&mut window.suppressed))
        } else {
            window.suppressed += 1;
            None
        }
    }
}

/// At most [`LOG_VALUE_CHARS`] characters of `value`, marked when cut.
pub fn truncate(value: &str) -> std::borrow::Cow<'_, str> {
    match value.char_indices().nth(LOG_VALUE_CHARS) {
        None => value.into(),
        Some((end, _)) => format!("{}… ({} bytes)", &value[..end], value.len()).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_per_window_then_a_count() {
        let limiter = LogLimiter::new();
        let t0 = Instant::now();
        for _ in 0..LOG_BURST {
            assert_eq!(limiter.admit_at(t0), Some(0));
        }
        for _ in 0..25 {
            assert_eq!(limiter.admit_at(t0 + Duration::from_secs(1)), None);
        }
        assert_eq!(limiter.admit_at(t0 + LOG_WINDOW), Some(25));
        assert_eq!(limiter.admit_at(t0 + LOG_WINDOW), Some(0));
    }

    #[test]
    fn values_are_cut() {
        assert_eq!(truncate("short"), "short");
        let long = "é".repeat(300);
        let cut = truncate(&long);
        assert!(cut.starts_with(&"é".repeat(LOG_VALUE_CHARS)));
        assert!(cut.ends_with("(600 bytes)"));
    }
}
