//! Starts every part of a node, and stops them in an order that loses nothing acknowledged.

use crate::config::Config;
use crate::listener::{self, https::HttpsHandler, ListenerSettings};
use crate::pipeline::Pipeline;
use crate::registry::{Registry, RegistryError, RegistryHandle, ReloadReport};
use crate::runtime::{Runtime, RuntimeError};
use crate::store::{Store, StoreError, StoreWriter};
use crate::tls::{self, TlsError};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("cannot create data directory {path}: {reason}")]
    DataDir { path: PathBuf, reason: String },
    #[error("cannot listen on {addr} ({protocol}): {reason}")]
    Bind {
        protocol: &'static str,
        addr: SocketAddr,
        reason: String,
    },
}

/// Command-line values that win over the file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub data_dir: Option<PathBuf>,
    pub https: Option<SocketAddr>,
}

/// A node whose listeners are bound and serving.
pub struct RunningServer {
    pub https_addr: SocketAddr,
    registry: Arc<RegistryHandle>,
    runtime: Arc<Runtime>,
    pipeline: Arc<Pipeline>,
    writer: StoreWriter,
    shutdown: CancellationToken,
    tracker: TaskTracker,
    listeners: Vec<tokio::task::JoinHandle<()>>,
    grace: std::time::Duration,
}

/// Loads the configuration, opens the store, compiles the formats and binds the listeners.
pub async fn start(
    config_path: PathBuf,
    overrides: Overrides,
) -> Result<RunningServer, ServerError> {
    let mut config = Config::load(&config_path).map_err(RegistryError::from)?;
    if let Some(dir) = &overrides.data_dir {
        config.data_dir = dir.clone();
    }
    if let Some(addr) = overrides.https {
        config.https_listen = addr;
    }
    std::fs::create_dir_all(&config.data_dir).map_err(|e| ServerError::DataDir {
        path: config.data_dir.clone(),
        reason: e.to_string(),
    })?;
    let runtime = Arc::new(Runtime::start(
        &config.runtime,
        config.store.enqueue_timeout,
    )?);
    let registry = Registry::build(config.clone(), &runtime, None)?;
    tracing::info!(
        intakes = registry.intake_count(),
        formats = registry.formats().len(),
        "Registry loaded."
    );
    let registry = Arc::new(RegistryHandle::new(
        registry,
        config_path,
        overrides.data_dir.clone(),
    ));
    let (store, writer) = Store::open(&config.store_path(), config.store.clone())?;
    tracing::info!(path = %config.store_path().display(), "Store open.");
    let pipeline = Arc::new(Pipeline::new(runtime.clone(), store));

    let identity = tls::load_identity(&config.tls, &config.data_dir)?;
    if let Some(ca) = &identity.generated_ca {
        tracing::info!(
            ca = %ca.display(),
            fingerprint = %identity.fingerprint(),
            "Using the self-signed certificate; clients can trust it with e.g. curl --cacert <ca>."
        );
    }
    let acceptor = TlsAcceptor::from(tls::server_config(&identity, listener::https::ALPN)?);

    let shutdown = CancellationToken::new();
    let tracker = TaskTracker::new();
    let https = bind("https", config.https_listen).await?;
    let https_addr = https.local_addr().map_err(|e| ServerError::Bind {
        protocol: "https",
        addr: config.https_listen,
        reason: e.to_string(),
    })?;
    tracing::info!(protocol = "https", addr = %https_addr, "Listener bound.");
    let handler = HttpsHandler::new(
        registry.clone(),
        pipeline.clone(),
        config.limits.idle_timeout,
    );
    let settings = ListenerSettings {
        protocol: "https",
        max_connections: config.limits.max_connections,
        handshake_timeout: config.limits.tls_handshake_timeout,
    };
    let listeners = vec![tokio::spawn(listener::serve(
        https,
        acceptor,
        settings,
        handler,
        shutdown.clone(),
        tracker.clone(),
    ))];
    Ok(RunningServer {
        https_addr,
        registry,
        runtime,
        pipeline,
        writer,
        shutdown,
        tracker,
        listeners,
        grace: config.limits.shutdown_grace,
    })
}

async fn bind(protocol: &'static str, addr: SocketAddr) -> Result<TcpListener, ServerError> {
    TcpListener::bind(addr)
        .await
        .map_err(|e| ServerError::Bind {
            protocol,
            addr,
            reason: e.to_string(),
        })
}

impl RunningServer {
    /// Re-reads the registry file; the old registry stays on any error.
    pub fn reload(&self) -> Result<ReloadReport, RegistryError> {
        self.registry.reload(&self.runtime)
    }

    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Waits for `shutdown`, then stops accepting, lets the requests in flight commit and get
    /// their answers (up to the grace period), and drains the store.
    pub async fn run_until_shutdown(self) {
        self.shutdown.cancelled().await;
        tracing::info!("Shutting down: no new connections; finishing requests in flight.");
        for l in self.listeners {
            let _ = l.await;
        }
        self.tracker.close();
        let drained = tokio::time::timeout(self.grace, self.tracker.wait())
            .await
            .is_ok();
        drop(self.pipeline);
        drop(self.registry);
        drop(self.runtime);
        if drained {
            // Every Store handle is gone: the writer commits what is queued and exits.
            let writer = self.writer;
            let _ = tokio::task::spawn_blocking(move || writer.join()).await;
            tracing::info!("Shutdown complete: everything acknowledged is committed.");
        } else {
            tracing::warn!(
                grace_secs = self.grace.as_secs(),
                "Connections still open after the grace period are dropped; their events were not acknowledged."
            );
        }
    }
}
