//! Every HTTP request a poller component makes passes here (wasmtime-wasi-http's
//! `WasiHttpHooks`): checked against the intake's allowlist, stripped of anything the guest may
//! not choose, paced by the intake's rate limiter, authenticated by the host, sent with bounded
//! waits, and its answer capped. A redirect off the allowlist is refused, not handed back.

use super::auth::Authenticator;
use super::client::{self, Timeouts};
use super::ratelimit::{self, RateLimiter};
use crate::config::Origin;
use crate::telemetry::metrics::PollStats;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderName, AUTHORIZATION, HOST, PROXY_AUTHORIZATION};
use std::future::Future;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;
use wasmtime_wasi_http::{
    Error, ForbiddenHeaderFilter, RequestOptions, WasiBody, WasiHttpHooks, DEFAULT_FORBIDDEN_HEADERS,
};

/// The header a poller sets to say which AWS service a request is for (stripped before sending).
pub const AWS_SERVICE_HEADER: &str = "x-edge-aws-service";
/// The biggest request body a poller may send (they send queries, not data).
pub const MAX_REQUEST_BYTES: usize = 1 << 20;

/// What the hooks of one polling intake's component enforce.
pub struct Policy {
    pub intake: Arc<str>,
    pub allow: Vec<Origin>,
    pub tls: Arc<rustls::ClientConfig>,
    pub auth: Arc<Authenticator>,
    pub limiter: Arc<RateLimiter>,
    pub request_timeout: Duration,
    pub max_response_bytes: u64,
    pub stats: &'static PollStats,
}

/// The hooks held by a component's store.
pub struct Egress {
    pub policy: Arc<Policy>,
}

fn forbidden(name: &HeaderName, stats: &'static PollStats, intake: &str) -> bool {
    if name == AUTHORIZATION || name == PROXY_AUTHORIZATION {
        stats.denied[2].fetch_add(1, Relaxed);
        tracing::warn!(intake, header = %name, "A poller tried to set a credential header: refused (the host authenticates).");
        return true;
    }
    DEFAULT_FORBIDDEN_HEADERS.contains(name)
}

impl WasiHttpHooks for Egress {
    fn is_forbidden_header(&mut self, name: &HeaderName) -> bool {
        forbidden(name, self.policy.stats, &self.policy.intake)
    }

    fn forbidden_header_filter(&mut self) -> ForbiddenHeaderFilter {
        let (stats, intake) = (self.policy.stats, self.policy.intake.clone());
        Arc::new(move |name| forbidden(name, stats, &intake))
    }

    fn send_request(
        &mut self,
        request: hyper::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> Box<
        dyn Future<
                Output = Result<
                    (
                        hyper::Response<WasiBody>,
                        Box<dyn Future<Output = Result<(), Error>> + Send>,
                    ),
                    Error,
                >,
            > + Send,
    > {
        drop(fut);
        let policy = self.policy.clone();
        Box::new(async move {
            let res = policy.send(request, options).await?;
            let done: Box<dyn Future<Output = Result<(), Error>> + Send> = Box::new(async { Ok(()) });
            Ok((res, done))
        })
    }
}

impl Policy {
    fn allowed(&self, uri: &hyper::Uri) -> Option<Origin> {
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return None,
        };
        let host = uri
            .host()?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let origin = Origin {
            https,
            port: uri.port_u16().unwrap_or(if https { 443 } else { 80 }),
            host,
        };
        self.allow.contains(&origin).then_some(origin)
    }

    async fn send(
        &self,
        request: hyper::Request<WasiBody>,
        options: Option<RequestOptions>,
    ) -> Result<hyper::Response<WasiBody>, Error> {
        let (mut parts, body) = request.into_parts();
        // The body is read first in every case: refusing with it unread resets the guest's
        // stream instead of giving it the error.
        let body = read_body(body).await?;
        self.stats.requests.fetch_add(1, Relaxed);
        let Some(origin) = self.allowed(&parts.uri) else {
            self.stats.denied[0].fetch_add(1, Relaxed);
            tracing::warn!(intake = %self.intake, to = %redact(&parts.uri), "A poller's request to a host off its allowlist was refused.");
            return Err(Error::HttpRequestDenied);
        };
        let aws_service = parts
            .headers
            .remove(AWS_SERVICE_HEADER)
            .and_then(|v| v.to_str().ok().map(str::to_ascii_lowercase));
        parts.headers.remove(AUTHORIZATION);
        parts.headers.remove(PROXY_AUTHORIZATION);
        let host = match (origin.https, origin.port) {
            (true, 443) | (false, 80) => parts.uri.host().unwrap_or_default().to_string(),
            _ => parts
                .uri
                .authority()
                .map(|a| a.as_str().to_string())
                .unwrap_or_default(),
        };
        if let Ok(v) = host.parse() {
            parts.headers.insert(HOST, v);
        }
        self.limiter.acquire().await;
        self.auth.apply(&mut parts, &body, aws_service).await.map_err(|e| {
            tracing::warn!(intake = %self.intake, error = %e, "A poller's request could not be authenticated.");
            Error::InternalError(Some(e.to_string()))
        })?;
        // The guest may ask for shorter waits, never longer ones.
        let cap = |asked: Option<Duration>| asked.map_or(self.request_timeout, |d| d.min(self.request_timeout));
        let timeouts = Timeouts {
            connect: cap(options.and_then(|o| o.connect_timeout)),
            first_byte: cap(options.and_then(|o| o.first_byte_timeout)),
            between_bytes: cap(options.and_then(|o| o.between_bytes_timeout)),
        };
        let uri = parts.uri.clone();
        let req = hyper::Request::from_parts(parts, Full::new(body));
        let res = client::send(&self.tls, req, timeouts, self.max_response_bytes)
            .await
            .inspect_err(|e| {
                tracing::warn!(intake = %self.intake, to = %redact(&uri), error = %e, "A poller's request failed.");
            })?;
        let status = res.status().as_u16();
        if let Some(wait) = ratelimit::wait_asked(status, res.headers()) {
            if status == 429 || status == 503 {
                self.stats.throttled.fetch_add(1, Relaxed);
                tracing::info!(intake = %self.intake, status, wait_ms = wait.as_millis() as u64, "The source asked to wait; the next request waits.");
            }
            self.limiter.defer(wait);
        }
        if status == 401 {
            self.auth.refused().await;
        }
        if (300..400).contains(&status) {
            if let Some(location) = res.headers().get(hyper::header::LOCATION).and_then(|v| v.to_str().ok()) {
                let target = resolve(&uri, location);
                if target.as_ref().is_none_or(|t| self.allowed(t).is_none()) {
                    self.stats.denied[1].fetch_add(1, Relaxed);
                    tracing::warn!(intake = %self.intake, from = %redact(&uri), "A redirect off the poller's allowlist was refused.");
                    return Err(Error::HttpRequestDenied);
                }
            }
        }
        Ok(res.map(|b| b.boxed_unsync()))
    }
}

async fn read_body(body: WasiBody) -> Result<Bytes, Error> {
    let limited = http_body_util::Limited::new(body, MAX_REQUEST_BYTES);
    match limited.collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e) => match e.downcast::<Error>() {
            Ok(e) => Err(*e),
            Err(_) => Err(Error::HttpRequestBodySize(Some(MAX_REQUEST_BYTES as u64))),
        },
    }
}

/// A `Location` against the URL it answered.
fn resolve(base: &hyper::Uri, location: &str) -> Option<hyper::Uri> {
    if location.starts_with("http://") || location.starts_with("https://") {
        return location.parse().ok();
    }
    let authority = base.authority()?.as_str();
    let scheme = base.scheme_str()?;
    if let Some(rest) = location.strip_prefix("//") {
        return format!("{scheme}://{rest}").parse().ok();
    }
    let path = if location.starts_with('/') {
        location.to_string()
    } else {
        let dir = base.path().rsplit_once('/').map_or("", |(d, _)| d);
        format!("{dir}/{location}")
    };
    format!("{scheme}://{authority}{path}").parse().ok()
}

/// A URL for logs: scheme, host and path, no query (queries may carry tokens).
pub fn redact(uri: &hyper::Uri) -> String {
    format!(
        "{}://{}{}",
        uri.scheme_str().unwrap_or("?"),
        uri.authority().map(|a| a.as_str()).unwrap_or("?"),
        uri.path()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_against_the_request() {
        let base: hyper::Uri = "https://a.example:8443/api/v1/logs?x=1".parse().expect("test value");
        assert_eq!(
            resolve(&base, "/next").expect("test value").to_string(),
            "https://a.example:8443/next"
        );
        assert_eq!(
            resolve(&base, "other").expect("test value").to_string(),
            "https://a.example:8443/api/v1/other"
        );
        assert_eq!(
            resolve(&base, "//evil.example/x").expect("test value").to_string(),
            "https://evil.example/x"
        );
        assert_eq!(
            resolve(&base, "http://evil.example/").expect("test value").to_string(),
            "http://evil.example/"
        );
        assert_eq!(redact(&base), "https://a.example:8443/api/v1/logs");
    }
}
