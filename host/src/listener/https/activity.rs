//! Requests in flight on one HTTP connection, and how long it has had none: an HTTP/2
//! connection answers keep-alive PINGs forever, so "idle" has to mean "no request", not "no
//! bytes".

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

#[derive(Debug)]
pub struct Activity {
    active: AtomicUsize,
    last_change: Mutex<Instant>,
    changed: Notify,
}

/// A request in flight; ends when dropped.
pub struct InFlight<'a>(&'a Activity);

impl Activity {
    pub fn new() -> Activity {
        Activity {
            active: AtomicUsize::new(0),
            last_change: Mutex::new(Instant::now()),
            changed: Notify::new(),
        }
    }

    fn touch(&self) {
        *self.last_change.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
        self.changed.notify_waiters();
    }

    pub fn begin(&self) -> InFlight<'_> {
        self.active.fetch_add(1, Ordering::Relaxed);
        self.touch();
        InFlight(self)
    }

    /// Resolves once the connection has had no request in flight for `limit`.
    pub async fn idle_for(&self, limit: Duration) {
        loop {
            // Created before the check: a change between the check and the wait still wakes it.
            let changed = self.changed.notified();
            if self.active.load(Ordering::Relaxed) > 0 {
                changed.await;
                continue;
            }
            let since = *self.last_change.lock().unwrap_or_else(|p| p.into_inner());
            let deadline = since + limit;
            if Instant::now() >= deadline {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => {}
                _ = changed => {}
            }
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
        tokio::time::sleep(Duration::from_secs(30)).await;
        assert!(!watcher.is_finished(), "a request in flight is not idle");
        drop(request);
        let idle_at = watcher.await.expect("watcher");
        assert_eq!(idle_at - started, Duration::from_secs(40));
    }
}
