//! Requests in flight on one HTTP connection, and how long it has had none: an HTTP/2
//! connection answers keep-alive PINGs forever, so "idle" has to mean "no request", not "no
//! bytes". Requests only update two atomics; the watchdog wakes at most once per idle period
//! instead of at every request.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::time::Instant;

#[derive(Debug)]
pub struct Activity {
    active: AtomicUsize,
    /// When a request last began or ended, in milliseconds since `born`.
    last_change_ms: AtomicU64,
    born: Instant,
}

/// A request in flight; ends when dropped.
pub struct InFlight<'a>(&'a Activity);

impl Activity {
    pub fn new() -> Activity {
        Activity {
            active: AtomicUsize::new(0),
            last_change_ms: AtomicU64::new(0),
            born: Instant::now(),
        }
    }

    fn touch(&self) {
        let ms = self.born.elapsed().as_millis() as u64;
        self.last_change_ms.fetch_max(ms, Ordering::Relaxed);
    }

    pub fn begin(&self) -> InFlight<'_> {
        self.active.fetch_add(1, Ordering::Relaxed);
        self.touch();
        InFlight(self)
    }

    /// Resolves once the connection has had no request in flight for `limit`.
    pub async fn idle_for(&self, limit: Duration) {
        loop {
            let last = self.born + Duration::from_millis(self.last_change_ms.load(Ordering::Relaxed));
            let deadline = last + limit;
            if Instant::now() < deadline {
                tokio::time::sleep_until(deadline).await;
                continue;
            }
            if self.active.load(Ordering::Relaxed) == 0 {
                return;
            }
            // Busy: look again one period later (the request's end moves the deadline anyway).
            tokio::time::sleep(limit).await;
        }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::Relaxed);
        self.0.touch();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn idle_counts_from_the_last_request() {
        let activity = std::sync::Arc::new(Activity::new());
        let started = Instant::now();
        let request = activity.begin();
        let watcher = {
            let a = activity.clone();
            tokio::spawn(async move {
                a.idle_for(Duration::from_secs(10)).await;
                Instant::now()
            })
        };
        tokio::time::sleep(Duration::from_secs(35)).await;
        assert!(!watcher.is_finished(), "a request in flight is not idle");
        drop(request);
        let idle_at = watcher.await.expect("watcher");
        // Idle 10 s after the request ended, at most one period late.
        let idle_after = idle_at - started;
        assert!(
            idle_after >= Duration::from_secs(45) && idle_after <= Duration::from_secs(55),
            "{idle_after:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_connection_without_requests_is_idle_after_the_limit() {
        let activity = Activity::new();
        let started = Instant::now();
        activity.idle_for(Duration::from_secs(4)).await;
        assert_eq!(Instant::now() - started, Duration::from_secs(4));
    }
}
