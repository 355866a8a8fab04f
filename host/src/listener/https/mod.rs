//! The HTTPS listener: the commercial intake API over HTTP/1.1 and HTTP/2.

// Visible to the crate for `fuzzing`.
pub(crate) mod endpoints;
mod error;
mod request;

pub use endpoints::Endpoint;
pub use error::ApiError;

use super::ConnectionHandler;
use crate::pipeline::{Incoming, Pipeline};
use crate::registry::{Registry, RegistryHandle};
use crate::store::Protocol;
use crate::timeparse;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use endpoints::{Item, TimeValue};
use http_body_util::Full;
use hyper::{header, Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::server::TlsStream;
use tokio_util::sync::CancellationToken;

/// ALPN protocols offered: HTTP/2 first.
pub const ALPN: &[&[u8]] = &[b"h2", b"http/1.1"];

#[derive(Clone)]
pub struct HttpsHandler {
    inner: Arc<Inner>,
}

struct Inner {
    registry: Arc<RegistryHandle>,
    pipeline: Arc<Pipeline>,
    idle_timeout: Duration,
}

impl HttpsHandler {
    pub fn new(registry: Arc<RegistryHandle>, pipeline: Arc<Pipeline>, idle_timeout: Duration) -> HttpsHandler {
        HttpsHandler {
            inner: Arc::new(Inner {
                registry,
                pipeline,
                idle_timeout,
            }),
        }
    }
}

impl ConnectionHandler for HttpsHandler {
    async fn handle(self, stream: TlsStream<TcpStream>, peer: SocketAddr, shutdown: CancellationToken) {
        let inner = self.inner.clone();
        let service = hyper::service::service_fn(move |req| {
            let inner = inner.clone();
            async move { Ok::<_, Infallible>(inner.respond(req, peer).await) }
        });
        let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(self.inner.idle_timeout);
        builder
            .http2()
            .timer(TokioTimer::new())
            .keep_alive_interval(Some(self.inner.idle_timeout))
            .keep_alive_timeout(Duration::from_secs(20))
            .max_concurrent_streams(256);
        let conn = builder.serve_connection(TokioIo::new(stream), service);
        tokio::pin!(conn);
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, "HTTPS connection ended with an error.");
                }
            }
            _ = shutdown.cancelled() => {
                // Finish the requests in flight (their events get committed and answered).
                conn.as_mut().graceful_shutdown();
                let _ = conn.await;
            }
        }
    }
}

impl Inner {
    async fn respond(&self, req: Request<hyper::body::Incoming>, peer: SocketAddr) -> Response<Full<Bytes>> {
        let received_at = Utc::now();
        match self.ingest(req, peer, received_at).await {
            Ok(resp) => resp,
            Err(e) => {
                tracing::debug!(status = e.status().as_u16(), error = %e, "Request refused.");
                crate::telemetry::metrics().rejected("https", e.status().as_str());
                e.into_response()
            }
        }
    }

    async fn ingest(
        &self,
        req: Request<hyper::body::Incoming>,
        peer: SocketAddr,
        received_at: DateTime<Utc>,
    ) -> Result<Response<Full<Bytes>>, ApiError> {
        // One registry for the whole request, even if a reload happens meanwhile.
        let registry = self.registry.current();
        let limits = registry.config().limits.clone();
        let (parts, body) = req.into_parts();
        let early = match Endpoint::from_path(parts.uri.path()) {
            None => Some(ApiError::NotFound(parts.uri.path().to_string())),
            Some(_) if parts.method != Method::POST => Some(ApiError::MethodNotAllowed(parts.method.to_string())),
            Some(_) => None,
        };
        if let Some(error) = early {
            request::discard_body(body, limits.max_request_bytes).await;
            return Err(error);
        }
        let endpoint =
            Endpoint::from_path(parts.uri.path()).ok_or_else(|| ApiError::NotFound(parts.uri.path().to_string()))?;
        // The body is read (bounded) before any other check can fail: an HTTP/2 client whose
        // request body is left unread gets a stream reset instead of our error.
        let body = request::read_body(&parts.headers, body, limits.max_request_bytes).await?;
        if endpoint.takes_json() {
            request::require_json(&parts.headers)?;
        }
        let query = parts.uri.query();
        let outer_key = request::key_outside_body(&parts.headers, query);
        let header_time = request::header_time(&parts.headers, received_at)?;
        let path = request::query_param(query, "path");
        let items = endpoints::parse(endpoint, &body, path.as_deref())?;
        drop(body);
        if items.is_empty() {
            return Err(ApiError::BadRequest("no events in the request".into()));
        }
        if items.len() > limits.max_batch_events {
            return Err(ApiError::TooLarge(format!(
                "{} events in one request, over the limit of {}",
                items.len(),
                limits.max_batch_events
            )));
        }
        let events = resolve(
            &registry,
            peer,
            items,
            outer_key,
            header_time,
            received_at,
            limits.max_event_bytes,
        )?;
        let ids = self.pipeline.ingest(Protocol::Https, received_at, events).await?;
        Ok(ids_response(endpoint, &ids))
    }
}

/// Attaches each event to its intake and its time; any bad event fails the whole request, so
/// nothing is stored for a request that gets an error.
fn resolve(
    registry: &Registry,
    peer: SocketAddr,
    items: Vec<Item>,
    outer_key: Option<String>,
    header_time: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    max_event_bytes: usize,
) -> Result<Vec<Incoming>, ApiError> {
    let many = items.len() > 1;
    let which = |i: usize| {
        if many {
            format!("event {i}")
        } else {
            "the event".to_string()
        }
    };
    let mut cached: Option<(String, Arc<crate::registry::IntakeEntry>)> = None;
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let key = outer_key
                .as_deref()
                .or(item.key.as_deref())
                .ok_or(ApiError::MissingKey)?;
            let intake = match &cached {
                Some((k, entry)) if k == key => entry.clone(),
                _ => {
                    let entry = registry.intake_for_key(key).ok_or(ApiError::UnknownKey)?.clone();
                    cached = Some((key.to_string(), entry.clone()));
                    entry
                }
            };
            if item.raw.len() > max_event_bytes {
                return Err(ApiError::TooLarge(format!(
                    "{} is {} bytes, over the limit of {max_event_bytes}",
                    which(i),
                    item.raw.len()
                )));
            }
            let client_time = match item.time {
                Some(t) => Some(
                    body_time(&t, now)
                        .map_err(|e| ApiError::BadRequest(format!("invalid @timestamp of {}: {e}", which(i))))?,
                ),
                None => header_time,
            };
            Ok(Incoming {
                intake,
                raw: item.raw,
                client_time,
                source_address: Some(peer.to_string()),
                syslog: None,
                metadata: Vec::new(),
            })
        })
        .collect()
}

fn body_time(t: &TimeValue, now: DateTime<Utc>) -> Result<DateTime<Utc>, timeparse::TimeParseError> {
    match t {
        TimeValue::Text(s) => timeparse::parse_datetime(s, now),
        TimeValue::Int(i) => timeparse::parse_epoch_i64(*i),
        TimeValue::Float(f) => timeparse::parse_epoch(*f),
    }
}

fn ids_response(endpoint: Endpoint, ids: &[uuid::Uuid]) -> Response<Full<Bytes>> {
    let body = if endpoint.answers_one_id() {
        serde_json::json!({ "event_id": ids.first().map(|id| id.to_string()) })
    } else {
        serde_json::json!({ "event_ids": ids.iter().map(|id| id.to_string()).collect::<Vec<_>>() })
    };
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}
