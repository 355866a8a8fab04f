//! The admin listener: `/health`, `/ready` and Prometheus `/metrics` over plain HTTP, on the
//! loopback interface by default, optionally behind a bearer token; the intakes JSON API
//! (`/api/…`, [`api`]) and the page that uses it (`/`, `/intakes/{name}`). [`guard`] decides
//! which requests are answered at all.

// Visible to the crate for `fuzzing`.
pub(crate) mod api;
mod connection;
mod guard;

pub use connection::AdminHandler;

use crate::pipeline::Pipeline;
use crate::registry::RegistryHandle;
use crate::runtime::Runtime;
use crate::telemetry::metrics;
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use std::sync::Arc;

/// The admin settings (token, allowed hosts) are read from the registry on every request, so
/// that a reload applies them.
pub struct Admin {
    pub registry: Arc<RegistryHandle>,
    pub pipeline: Arc<Pipeline>,
    /// Compiles the formats when an API edit reloads the registry.
    pub runtime: Arc<Runtime>,
    /// Sampled for the buffered-bytes gauge.
    pub budget: Arc<crate::listener::budget::MemoryBudget>,
}

/// The page, served for `/` and `/intakes/{name}`; it reads everything through the API.
const PAGE: &str = include_str!("admin/page.html");

/// Content-Security-Policy of the page: its own inline script and style only, no framing (a
/// framing page could trick clicks on "delete"), no `<base>`, forms post only to itself.
const PAGE_CSP: &str =
    "default-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

impl Admin {
    async fn respond(&self, req: Request<Incoming>) -> Response<Full<Bytes>> {
        let mut response = self.route(req).await;
        // Every answer is exactly what its Content-Type says: never sniffed into HTML.
        response
            .headers_mut()
            .insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        response
    }

    async fn route(&self, req: Request<Incoming>) -> Response<Full<Bytes>> {
        let settings = self.registry.current().config().admin.clone();
        let host = match guard::check_host(req.version(), req.uri(), req.headers(), &settings) {
            Ok(host) => host,
            Err(refusal) => return refused(&refusal),
        };
        let path = req.uri().path();
        // The page holds no data (the API it calls checks the token and the origin), so it is
        // served to anyone who names this listener: a browser cannot send a bearer token when
        // navigating, and a link from another site may open it.
        if path == "/"
            || path
                .strip_prefix("/intakes/")
                .is_some_and(|n| !n.is_empty() && !n.contains('/'))
        {
            if req.method() != Method::GET {
                return json(StatusCode::METHOD_NOT_ALLOWED, r#"{"error":"use GET"}"#.into());
            }
            return page();
        }
        let checks = guard::check_site(req.headers(), &settings, host.as_ref())
            .and_then(|()| guard::check_token(req.headers(), settings.token.as_ref()));
        if let Err(refusal) = checks {
            return refused(&refusal);
        }
        if path == "/api" || path.starts_with("/api/") {
            return api::handle(self, req).await;
        }
        if req.method() != Method::GET {
            return json(StatusCode::METHOD_NOT_ALLOWED, r#"{"error":"use GET"}"#.into());
        }
        match req.uri().path() {
            "/health" => json(StatusCode::OK, r#"{"status":"live"}"#.into()),
            "/ready" => {
                let intakes = self.registry.current().intake_count();
                if self.pipeline.store().is_full() {
                    json(
                        StatusCode::SERVICE_UNAVAILABLE,
                        r#"{"status":"not ready","reason":"the store is full: store.max_disk_mib is reached with events not yet forwarded"}"#.into(),
                    )
                } else if self.pipeline.store().is_writable() {
                    json(StatusCode::OK, format!(r#"{{"status":"ready","intakes":{intakes}}}"#))
                } else {
                    json(
                        StatusCode::SERVICE_UNAVAILABLE,
                        r#"{"status":"not ready","reason":"the store is not writable"}"#.into(),
                    )
                }
            }
            "/metrics" => {
                let body = metrics().render(&crate::telemetry::metrics::Gauges {
                    queue_depth: self.pipeline.store().queue_depth(),
                    buffered_bytes: self.budget.in_use(),
                    buffer_limit_bytes: self.budget.total(),
                });
                Response::builder()
                    .status(StatusCode::OK)
                    .header(header::CONTENT_TYPE, "text/plain; version=0.0.4")
                    .body(Full::new(Bytes::from(body)))
                    .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
            }
            other => json(
                StatusCode::NOT_FOUND,
                format!(r#"{{"error":"no such endpoint: {}"}}"#, other.escape_default()),
            ),
        }
    }
}

fn page() -> Response<Full<Bytes>> {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::CONTENT_SECURITY_POLICY, PAGE_CSP)
        // For browsers that predate frame-ancestors.
        .header(header::X_FRAME_OPTIONS, "DENY")
        .header(header::REFERRER_POLICY, "no-referrer")
        .body(Full::new(Bytes::from_static(PAGE.as_bytes())))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

/// The JSON error of a refused request.
fn refused(refusal: &guard::Refusal) -> Response<Full<Bytes>> {
    json(
        refusal.status(),
        serde_json::json!({ "error": refusal.to_string() }).to_string(),
    )
}

pub(super) fn json(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}
