//! The one accept loop every TLS listener uses: connection limit, handshake in the
//! connection's own task under a timeout, accept errors that never end the listener.

pub mod admin;
mod attribution;
pub mod https;
pub mod relp;
pub mod stream;
pub mod syslog;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

/// What differs between listeners: the protocol spoken once TLS is up.
pub trait ConnectionHandler: Clone + Send + Sync + 'static {
    fn handle(
        self,
        stream: TlsStream<TcpStream>,
        peer: SocketAddr,
        shutdown: CancellationToken,
    ) -> impl Future<Output = ()> + Send;
}

#[derive(Debug, Clone)]
pub struct ListenerSettings {
    pub protocol: &'static str,
    pub max_connections: usize,
    pub handshake_timeout: Duration,
}

/// Accepts connections until `shutdown` fires; each connection runs in a task of `tracker`.
pub async fn serve<H: ConnectionHandler>(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    settings: ListenerSettings,
    handler: H,
    shutdown: CancellationToken,
    tracker: TaskTracker,
) {
    let permits = Arc::new(Semaphore::new(settings.max_connections));
    let (open, failed) = crate::telemetry::metrics().listener(settings.protocol);
    let mut backoff = Duration::from_millis(10);
    loop {
        // Wait for a free connection slot first: at the limit, new clients queue in the kernel's
        // backlog instead of being accepted and dropped.
        let permit = tokio::select! {
            _ = shutdown.cancelled() => break,
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let (tcp, peer) = tokio::select! {
            _ = shutdown.cancelled() => break,
            r = listener.accept() => match r {
                Ok(conn) => {
                    backoff = Duration::from_millis(10);
                    conn
                }
                Err(error) => {
                    // EMFILE and friends: back off and keep listening.
                    tracing::warn!(protocol = settings.protocol, %error, backoff_ms = backoff.as_millis() as u64, "Accept failed; retrying.");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(1));
                    continue;
                }
            },
        };
        let (acceptor, handler, shutdown, timeout) = (
            acceptor.clone(),
            handler.clone(),
            shutdown.clone(),
            settings.handshake_timeout,
        );
        let span = tracing::debug_span!("conn", protocol = settings.protocol, %peer);
        tracker.spawn(
            async move {
                let _permit = permit;
                open.fetch_add(1, Ordering::Relaxed);
                let _ = tcp.set_nodelay(true);
                match tokio::time::timeout(timeout, acceptor.accept(tcp)).await {
                    Ok(Ok(tls)) => handler.handle(tls, peer, shutdown).await,
                    Ok(Err(error)) => {
                        failed.fetch_add(1, Ordering::Relaxed);
                        tracing::debug!(%error, "TLS handshake failed.");
                    }
                    Err(_) => {
                        failed.fetch_add(1, Ordering::Relaxed);
                        tracing::debug!(timeout_ms = timeout.as_millis() as u64, "TLS handshake timed out.");
                    }
                }
                open.fetch_sub(1, Ordering::Relaxed);
            }
            .instrument(span),
        );
    }
    tracing::info!(protocol = settings.protocol, "Listener stopped accepting.");
}
