//! The admin listener: `/health`, `/ready` and Prometheus `/metrics` over plain HTTP, on the
//! loopback interface by default, optionally behind a bearer token; the intakes JSON API
//! (`/api/…`, [`api`]) and the page that uses it (`/`, `/intakes/{name}`).

// Visible to the crate for `fuzzing`.
pub(crate) mod api;

use crate::pipeline::Pipeline;
use crate::registry::RegistryHandle;
use crate::runtime::Runtime;
use crate::telemetry::metrics;
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{header, Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

pub struct Admin {
    pub registry: Arc<RegistryHandle>,
    pub pipeline: Arc<Pipeline>,
    pub token: Option<String>,
    /// Compiles the formats when an API edit reloads the registry.
    pub runtime: Arc<Runtime>,
}

/// The page, served for `/` and `/intakes/{name}`; it reads everything through the API.
const PAGE: &str = include_str!("admin/page.html");

/// Serves admin requests until `shutdown` fires.
pub async fn serve(listener: TcpListener, admin: Arc<Admin>, shutdown: CancellationToken, tracker: TaskTracker) {
    loop {
        let (tcp, _peer) = tokio::select! {
            _ = shutdown.cancelled() => break,
            r = listener.accept() => match r {
                Ok(conn) => conn,
                Err(error) => {
                    tracing::warn!(protocol = "admin", %error, "Accept failed; retrying.");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let (admin, shutdown) = (admin.clone(), shutdown.clone());
        tracker.spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let admin = admin.clone();
                async move { Ok::<_, Infallible>(admin.respond(req).await) }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(10))
                .serve_connection(TokioIo::new(tcp), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = shutdown.cancelled() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
    }
}

impl Admin {
    async fn respond(&self, req: Request<Incoming>) -> Response<Full<Bytes>> {
        let path = req.uri().path();
        // The page holds no data (the API it calls checks the token), so it is served to anyone
        // who can reach the listener: a browser cannot send a bearer token when navigating.
        if path == "/"
            || path
                .strip_prefix("/intakes/")
                .is_some_and(|n| !n.is_empty() && !n.contains('/'))
        {
            if req.method() != Method::GET {
                return json(StatusCode::METHOD_NOT_ALLOWED, r#"{"error":"use GET"}"#.into());
            }
            return Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
                .header(header::CACHE_CONTROL, "no-store")
                .header(
                    "content-security-policy",
                    "default-src 'self' 'unsafe-inline'; img-src 'self' data:",
                )
                .body(Full::new(Bytes::from_static(PAGE.as_bytes())))
                .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())));
        }
        if !self.authorized(&req) {
            return json(
                StatusCode::UNAUTHORIZED,
                r#"{"error":"missing or wrong bearer token"}"#.into(),
            );
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
                if self.pipeline.store().is_writable() {
                    json(StatusCode::OK, format!(r#"{{"status":"ready","intakes":{intakes}}}"#))
                } else {
                    json(
                        StatusCode::SERVICE_UNAVAILABLE,
                        r#"{"status":"not ready","reason":"the store is not writable"}"#.into(),
                    )
                }
            }
            "/metrics" => {
                let body = metrics().render(self.pipeline.store().queue_depth());
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

    fn authorized<B>(&self, req: &Request<B>) -> bool {
        let Some(token) = &self.token else { return true };
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        // Compare every byte: the time taken does not tell how much of the token was right.
        given.len() == token.len() && given.bytes().zip(token.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

pub(super) fn json(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}
