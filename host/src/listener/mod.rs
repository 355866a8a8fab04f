//! The one accept loop every listener uses: a connection limit per listener and per source
//! address, the TLS handshake in the connection's own task under a timeout, a deadline for the
//! client's first bytes, and accept errors that never end the listener.

pub mod admin;
mod attribution;
pub mod budget;
pub mod conn;
pub mod https;
pub mod relp;
pub mod sources;
pub mod stream;
pub mod syslog;

use crate::telemetry::log_limit::LogLimiter;
pub use conn::{Conn, Replay};
use sources::SourceLimiter;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

/// What the listeners share with the rest of the node.
#[derive(Clone)]
pub struct Node {
    pub registry: Arc<crate::registry::RegistryHandle>,
    pub pipeline: Arc<crate::pipeline::Pipeline>,
    pub budget: Arc<budget::MemoryBudget>,
    /// Connection-level limits, fixed at start (request-level ones are read per request).
    pub limits: crate::config::Limits,
}

/// A connection once it is set up: TLS done (if any), its first bytes in hand and replayed.
pub type ClientStream = Replay<Conn>;

/// What differs between listeners: the protocol spoken once the client has started talking.
pub trait ConnectionHandler: Clone + Send + Sync + 'static {
    fn handle(
        self,
        stream: ClientStream,
        peer: SocketAddr,
        shutdown: CancellationToken,
    ) -> impl Future<Output = ()> + Send;
}

#[derive(Debug, Clone)]
pub struct ListenerSettings {
    pub protocol: &'static str,
    pub max_connections: usize,
    pub handshake_timeout: Duration,
    pub first_byte_timeout: Duration,
    /// Shared by every listener of the node.
    pub sources: Arc<SourceLimiter>,
}

/// Accepts connections until `shutdown` fires; each connection runs in a task of `tracker`.
/// `acceptor: None` serves plain TCP (the loopback admin listener).
pub async fn serve<H: ConnectionHandler>(
    listener: TcpListener,
    acceptor: Option<TlsAcceptor>,
    settings: ListenerSettings,
    handler: H,
    shutdown: CancellationToken,
    tracker: TaskTracker,
) {
    let permits = Arc::new(Semaphore::new(settings.max_connections));
    let (open, failed) = crate::telemetry::metrics().listener(settings.protocol);
    let refusals = Arc::new(LogLimiter::new());
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
        let Some(source_slot) = settings.sources.admit(peer.ip()) else {
            // Closed at once, before any TLS work: the source holds its share of the node.
            crate::telemetry::metrics().rejected(settings.protocol, "too many connections from one source");
            if let Some(suppressed) = refusals.admit() {
                tracing::warn!(protocol = settings.protocol, source = %peer.ip(), suppressed, "Connection refused: its source address holds its limit of connections.");
            }
            drop(tcp);
            continue;
        };
        let (acceptor, handler, shutdown) = (acceptor.clone(), handler.clone(), shutdown.clone());
        let (handshake_timeout, first_byte_timeout) = (settings.handshake_timeout, settings.first_byte_timeout);
        let span = tracing::debug_span!("conn", protocol = settings.protocol, %peer);
        tracker.spawn(
            async move {
                let _slots = (permit, source_slot);
                open.fetch_add(1, Ordering::Relaxed);
                let _ = tcp.set_nodelay(true);
                let setup = async {
                    let conn = match acceptor {
                        None => Conn::Plain(tcp),
                        Some(acceptor) => match tokio::time::timeout(handshake_timeout, acceptor.accept(tcp)).await {
                            Ok(Ok(tls)) => Conn::Tls(Box::new(tls)),
                            Ok(Err(error)) => {
                                failed.fetch_add(1, Ordering::Relaxed);
                                tracing::debug!(%error, "TLS handshake failed.");
                                return None;
                            }
                            Err(_) => {
                                failed.fetch_add(1, Ordering::Relaxed);
                                tracing::debug!(
                                    timeout_ms = handshake_timeout.as_millis() as u64,
                                    "TLS handshake timed out."
                                );
                                return None;
                            }
                        },
                    };
                    // A connection that never says anything is closed instead of holding a slot.
                    conn.first_bytes(first_byte_timeout)
                        .await
                        .inspect_err(|silence| tracing::debug!(?silence, "Closing a connection that sent nothing."))
                        .ok()
                };
                // Nothing was received yet on a connection still in setup: shutdown drops it.
                let stream = tokio::select! {
                    stream = setup => stream,
                    _ = shutdown.cancelled() => None,
                };
                if let Some(stream) = stream {
                    handler.handle(stream, peer, shutdown).await;
                }
                open.fetch_sub(1, Ordering::Relaxed);
            }
            .instrument(span),
        );
    }
    tracing::info!(protocol = settings.protocol, "Listener stopped accepting.");
}
