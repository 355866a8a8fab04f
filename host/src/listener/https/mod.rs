//! The HTTPS listener: the commercial intake API over HTTP/1.1 and HTTP/2.
//!
//! A connection lives while it has requests: with none in flight for `limits.idle_timeout` it is
//! closed (HTTP/2 PINGs do not count), a request head must arrive within the same time, a body
//! must keep `limits.min_body_rate`, and a connection that will not take its answers is dropped
//! `limits.write_timeout` after it was asked to close.

mod activity;
// Visible to the crate for `fuzzing`.
pub(crate) mod endpoints;
mod error;
mod ingest;
mod json_body;
mod json_path;
mod request;

pub use endpoints::Endpoint;
pub use error::ApiError;

use super::{ClientStream, ConnectionHandler, Node};
use crate::config::{HttpsSettings, Limits};
use activity::Activity;
use bytes::Bytes;
use chrono::Utc;
use http_body_util::Full;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use ingest::Ingest;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

/// ALPN protocols offered: HTTP/2 first.
pub const ALPN: &[&[u8]] = &[b"h2", b"http/1.1"];

#[derive(Clone)]
pub struct HttpsHandler {
    inner: Arc<Inner>,
}

struct Inner {
    ingest: Ingest,
    /// Connection-level settings, fixed at start.
    limits: Limits,
    https: HttpsSettings,
}

impl HttpsHandler {
    pub fn new(node: &Node, https: HttpsSettings) -> HttpsHandler {
        HttpsHandler {
            inner: Arc::new(Inner {
                ingest: Ingest {
                    registry: node.registry.clone(),
                    pipeline: node.pipeline.clone(),
                    budget: node.budget.clone(),
                },
                limits: node.limits.clone(),
                https,
            }),
        }
    }
}

impl ConnectionHandler for HttpsHandler {
    async fn handle(self, stream: ClientStream, peer: SocketAddr, shutdown: CancellationToken) {
        let inner = self.inner.clone();
        let activity = Arc::new(Activity::new());
        let requests = activity.clone();
        let service = hyper::service::service_fn(move |req| {
            let (inner, requests) = (inner.clone(), requests.clone());
            async move {
                let _in_flight = requests.begin();
                Ok::<_, Infallible>(inner.respond(req, peer).await)
            }
        });
        let (limits, https) = (&self.inner.limits, &self.inner.https);
        let h2 = stream.get_ref().alpn() == Some(b"h2") || stream.prefix().starts_with(H2_PREFACE);
        let io = TokioIo::new(stream);
        // One protocol per connection, chosen from ALPN or the HTTP/2 preface: hyper's
        // auto-detecting connection keeps both protocols' state in every connection.
        if h2 {
            let conn = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                .timer(TokioTimer::new())
                .keep_alive_interval(Some(limits.idle_timeout / 2))
                .keep_alive_timeout(https.keepalive_timeout)
                .max_concurrent_streams(https.max_concurrent_streams)
                .max_header_list_size(https.max_header_bytes as u32)
                .serve_connection(io, service);
            drive(conn, &activity, limits, shutdown).await;
        } else {
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                // hyper runs this timer from the moment it waits for a head, keep-alive included.
                .header_read_timeout(limits.idle_timeout)
                .max_buf_size(https.max_header_bytes)
                .serve_connection(io, service);
            drive(conn, &activity, limits, shutdown).await;
        }
    }
}

/// The client preface of HTTP/2 (RFC 9113 section 3.4), for clients that speak it without ALPN.
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0";

/// An HTTP connection of either version, as far as closing it goes.
trait Closable: std::future::Future<Output = Result<(), hyper::Error>> {
    fn close_gracefully(self: Pin<&mut Self>);
}

impl<I, S> Closable for hyper::server::conn::http1::Connection<I, S>
where
    Self: std::future::Future<Output = Result<(), hyper::Error>>,
    I: hyper::rt::Read + hyper::rt::Write + Unpin,
    S: hyper::service::HttpService<hyper::body::Incoming, ResBody = Full<Bytes>>,
{
    fn close_gracefully(self: Pin<&mut Self>) {
        self.graceful_shutdown();
    }
}

impl<I, S, E> Closable for hyper::server::conn::http2::Connection<I, S, E>
where
    Self: std::future::Future<Output = Result<(), hyper::Error>>,
    I: hyper::rt::Read + hyper::rt::Write + Unpin,
    S: hyper::service::HttpService<hyper::body::Incoming, ResBody = Full<Bytes>>,
    E: hyper::rt::bounds::Http2ServerConnExec<S::Future, Full<Bytes>>,
{
    fn close_gracefully(self: Pin<&mut Self>) {
        self.graceful_shutdown();
    }
}

/// Runs a connection until it ends, closing it when it has had no request in flight for the
/// idle timeout or at shutdown, and dropping it when it does not close in time.
async fn drive(conn: impl Closable, activity: &Activity, limits: &Limits, shutdown: CancellationToken) {
    tokio::pin!(conn);
    let idle = activity.idle_for(limits.idle_timeout);
    tokio::pin!(idle);
    let mut closing = false;
    let hard_stop = tokio::time::sleep(limits.write_timeout);
    tokio::pin!(hard_stop);
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, "HTTPS connection ended with an error.");
                }
                break;
            }
            _ = shutdown.cancelled(), if !closing => {
                // Finish the requests in flight (their events get committed and answered);
                // the node's shutdown grace bounds how long.
                conn.as_mut().close_gracefully();
                closing = true;
                hard_stop.as_mut().reset(tokio::time::Instant::now() + limits.shutdown_grace);
            }
            _ = &mut idle, if !closing => {
                tracing::debug!(idle_secs = limits.idle_timeout.as_secs(), "Closing an idle HTTPS connection.");
                conn.as_mut().close_gracefully();
                closing = true;
                hard_stop.as_mut().reset(tokio::time::Instant::now() + limits.write_timeout);
            }
            _ = &mut hard_stop, if closing => {
                // The client does not read what it is sent: drop it.
                tracing::debug!("Dropping an HTTPS connection that did not close in time.");
                break;
            }
        }
    }
}

impl Inner {
    async fn respond(&self, req: Request<hyper::body::Incoming>, peer: SocketAddr) -> Response<Full<Bytes>> {
        let received_at = Utc::now();
        match self.ingest.ingest(req, peer, received_at).await {
            Ok(resp) => resp,
            Err(e) => {
                tracing::debug!(status = e.status().as_u16(), error = %e, "Request refused.");
                crate::telemetry::metrics().rejected("https", e.status().as_str());
                e.into_response()
            }
        }
    }
}
