//! One admin connection: HTTP/1.1 over plain TCP, served from the shared accept loop (so the
//! connection limits apply), closed when idle or at shutdown.

use super::Admin;
use crate::listener::{ClientStream, ConnectionHandler};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

#[derive(Clone)]
pub struct AdminHandler {
    admin: Arc<Admin>,
    /// Head read and keep-alive idle time (hyper runs one timer for both).
    idle_timeout: Duration,
    /// How long a closing connection may take to flush its answer.
    write_timeout: Duration,
}

impl AdminHandler {
    pub fn new(admin: Arc<Admin>, idle_timeout: Duration, write_timeout: Duration) -> AdminHandler {
        AdminHandler {
            admin,
            idle_timeout,
            write_timeout,
        }
    }
}

impl ConnectionHandler for AdminHandler {
    async fn handle(self, stream: ClientStream, _peer: SocketAddr, shutdown: CancellationToken) {
        let admin = self.admin.clone();
        let service = hyper::service::service_fn(move |req| {
            let admin = admin.clone();
            async move { Ok::<_, Infallible>(admin.respond(req).await) }
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(self.idle_timeout)
            .serve_connection(TokioIo::new(stream), service);
        tokio::pin!(conn);
        tokio::select! {
            _ = conn.as_mut() => {}
            _ = shutdown.cancelled() => {
                conn.as_mut().graceful_shutdown();
                let _ = tokio::time::timeout(self.write_timeout, conn).await;
            }
        }
    }
}
