//! Per intake: a token bucket of requests per second, and the waits a source asked for
//! (`Retry-After`, `X-Rate-Limit-Reset`) honoured with jitter before the next request.

use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// The longest wait a source may impose on one request; longer asks end the run instead.
pub const MAX_WAIT: Duration = Duration::from_secs(300);

#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    tokens: f64,
    refilled: Instant,
    /// No request before this instant (the source said to wait).
    not_before: Option<Instant>,
}

impl RateLimiter {
    pub fn new(per_second: u32) -> RateLimiter {
        let per_second = f64::from(per_second.max(1));
        RateLimiter {
            per_second,
            state: Mutex::new(State {
                tokens: per_second,
                refilled: Instant::now(),
                not_before: None,
            }),
        }
    }

    /// Waits until a request may go.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let Ok(mut s) = self.state.lock() else { return };
                let now = Instant::now();
                if let Some(t) = s.not_before {
                    if t > now {
                        Some(t - now)
                    } else {
                        s.not_before = None;
                        None
                    }
                } else {
                    None
                }
                .or_else(|| {
                    let elapsed = now.duration_since(s.refilled).as_secs_f64();
                    s.tokens = (s.tokens + elapsed * self.per_second).min(self.per_second);
                    s.refilled = now;
                    if s.tokens >= 1.0 {
                        s.tokens -= 1.0;
                        None
                    } else {
                        Some(Duration::from_secs_f64((1.0 - s.tokens) / self.per_second))
                    }
                })
            };
            match wait {
                None => return,
                Some(d) => tokio::time::sleep(d).await,
            }
        }
    }

    /// The source asked to wait `wait`: no request before then, plus up to 10% (at most 1 s)
    /// of jitter so that many nodes do not come back at the same instant.
    pub fn defer(&self, wait: Duration) {
        let wait = wait.min(MAX_WAIT);
        let jitter_ms = (wait.as_millis() as u64 / 10).min(1000);
        let jitter = Duration::from_millis(if jitter_ms == 0 { 0 } else { rand_below(jitter_ms) });
        let until = Instant::now() + wait + jitter;
        if let Ok(mut s) = self.state.lock() {
            if s.not_before.is_none_or(|t| t < until) {
                s.not_before = Some(until);
            }
        }
    }
}

fn rand_below(n: u64) -> u64 {
    let mut b = [0u8; 8];
    if getrandom::fill(&mut b).is_err() {
        return 0;
    }
    u64::from_le_bytes(b) % n
}

/// How long a response asks to wait: `Retry-After` (seconds or an HTTP date), else Okta's
/// `X-Rate-Limit-Reset` (epoch seconds) on a 429 or when `X-Rate-Limit-Remaining` is 0.
pub fn wait_asked(status: u16, headers: &hyper::HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(v) = text("retry-after") {
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(at) = chrono::DateTime::parse_from_rfc2822(v) {
            let secs = (at.timestamp() - chrono::Utc::now().timestamp()).max(0) as u64;
            return Some(Duration::from_secs(secs));
        }
    }
    let exhausted = status == 429 || text("x-rate-limit-remaining") == Some("0");
    if exhausted {
        if let Some(reset) = text("x-rate-limit-reset").and_then(|v| v.parse::<i64>().ok()) {
            let secs = (reset - chrono::Utc::now().timestamp()).max(1) as u64;
            return Some(Duration::from_secs(secs));
        }
        if status == 429 {
            return Some(Duration::from_secs(1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_read_from_the_headers() {
        let mut h = hyper::HeaderMap::new();
        assert_eq!(wait_asked(200, &h), None);
        assert_eq!(wait_asked(429, &h), Some(Duration::from_secs(1)));
        h.insert("retry-after", "3".parse().expect("test value"));
        assert_eq!(wait_asked(429, &h), Some(Duration::from_secs(3)));
        let mut h = hyper::HeaderMap::new();
        let reset = chrono::Utc::now().timestamp() + 20;
        h.insert("x-rate-limit-reset", reset.to_string().parse().expect("test value"));
        assert_eq!(wait_asked(200, &h), None);
        h.insert("x-rate-limit-remaining", "0".parse().expect("test value"));
        let w = wait_asked(200, &h).expect("test value");
        assert!(w >= Duration::from_secs(19) && w <= Duration::from_secs(20), "{w:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_deferred_request_waits_and_the_bucket_paces() {
        let limiter = RateLimiter::new(2);
        let start = tokio::time::Instant::now();
        limiter.acquire().await;
        limiter.acquire().await;
        limiter.acquire().await;
        assert!(start.elapsed() >= Duration::from_millis(450), "{:?}", start.elapsed());
        limiter.defer(Duration::from_secs(3));
        let before = tokio::time::Instant::now();
        limiter.acquire().await;
        let waited = before.elapsed();
        assert!(
            waited >= Duration::from_secs(3) && waited <= Duration::from_millis(3400),
            "{waited:?}"
        );
    }
}
