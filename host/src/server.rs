//! Starts every part of a node, and stops them in an order that loses nothing acknowledged.

use crate::config::Config;
use crate::listener::budget::MemoryBudget;
use crate::listener::relp::RelpHandler;
use crate::listener::sources::SourceLimiter;
use crate::listener::{self, https::HttpsHandler, syslog::SyslogHandler, ConnectionHandler, ListenerSettings, Node};
use crate::pipeline::Pipeline;
use crate::registry::watch::RegistryWatcher;
use crate::registry::{Registry, RegistryError, RegistryHandle, ReloadReport};
use crate::runtime::{Runtime, RuntimeError};
use crate::store::{Retention, Store, StoreError, StoreWriter};
use crate::telemetry::ListenerStats;
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
    #[error("cannot create data directory {path}")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// `source.kind()` tells an address in use from one the node may not bind.
    #[error("cannot listen on {addr} ({protocol})")]
    Bind {
        protocol: &'static str,
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

pub use crate::config::Overrides;

/// Everything a node needs before it listens: its configuration (listen addresses included),
/// the runtime with the registry's formats compiled, the store open, the TLS identity.
pub struct LoadedNode {
    /// The validated configuration, overrides applied; [`LoadedNode::start`] binds its addresses.
    pub config: Config,
    registry: Arc<RegistryHandle>,
    runtime: Arc<Runtime>,
    store: Store,
    writer: StoreWriter,
    identity: tls::Identity,
}

/// A node whose listeners are bound and serving.
pub struct RunningServer {
    pub https_addr: SocketAddr,
    watcher: Option<RegistryWatcher>,
    pub syslog_addr: Option<SocketAddr>,
    pub relp_addr: Option<SocketAddr>,
    pub admin_addr: Option<SocketAddr>,
    /// Listeners bound to one intake: (protocol, intake, address).
    pub bound_addrs: Vec<(&'static str, String, SocketAddr)>,
    stats: Vec<(String, Arc<ListenerStats>)>,
    registry: Arc<RegistryHandle>,
    runtime: Arc<Runtime>,
    pipeline: Arc<Pipeline>,
    writer: StoreWriter,
    retention: Retention,
    shutdown: CancellationToken,
    tracker: TaskTracker,
    listeners: Vec<tokio::task::JoinHandle<()>>,
    grace: std::time::Duration,
}

/// Serves `node` until `shutdown` fires, then stops as [`RunningServer::run_until_shutdown`]
/// does. The shape of mini-redis's `server::run`: a caller that needs the bound addresses or
/// reloads calls [`LoadedNode::start`] instead.
pub async fn run(node: LoadedNode, shutdown: CancellationToken) -> Result<(), ServerError> {
    node.start(shutdown).await?.run_until_shutdown().await;
    Ok(())
}

/// Loads the configuration file with the command line's `overrides`, creates the data
/// directory, starts the runtime, compiles the formats, opens the store and loads (or generates)
/// the TLS identity. Binds nothing.
pub fn load(config_path: PathBuf, overrides: Overrides) -> Result<LoadedNode, ServerError> {
    let config = Config::load_with(&config_path, &overrides).map_err(RegistryError::from)?;
    std::fs::create_dir_all(&config.data_dir).map_err(|e| ServerError::DataDir {
        path: config.data_dir.clone(),
        source: e,
    })?;
    let runtime = Arc::new(Runtime::start(&config.runtime, config.store.enqueue_timeout)?);
    let registry = Registry::build(config.clone(), &runtime, None)?;
    tracing::info!(
        intakes = registry.intake_count(),
        formats = registry.formats().len(),
        "Registry loaded."
    );
    let registry = Arc::new(RegistryHandle::new(registry, config_path, overrides));
    let (store, writer) = Store::open(&config.store_path(), config.store.clone())?;
    tracing::info!(path = %config.store_path().display(), "Store open.");
    let identity = tls::load_identity(&config.tls, &config.data_dir)?;
    if let Some(ca) = &identity.generated_ca {
        tracing::info!(
            ca = %ca.display(),
            fingerprint = %identity.fingerprint(),
            "Using the self-signed certificate; clients can trust it with e.g. curl --cacert <ca>."
        );
    }
    Ok(LoadedNode {
        config,
        registry,
        runtime,
        store,
        writer,
        identity,
    })
}

impl LoadedNode {
    /// Watches the registry file and binds every listener of the configuration (port 0: any
    /// free port; the addresses are in the result); connections are served until `shutdown`.
    pub async fn start(self, shutdown: CancellationToken) -> Result<RunningServer, ServerError> {
        let LoadedNode {
            config,
            registry,
            runtime,
            store,
            writer,
            identity,
        } = self;
        // SIGHUP still reloads if the file cannot be watched (e.g. inotify limits).
        let watcher = RegistryWatcher::start(registry.clone(), runtime.clone())
            .inspect_err(|error| tracing::warn!(%error, "Not watching the registry file; reload with SIGHUP."))
            .ok();
        let pipeline = Arc::new(Pipeline::new(runtime.clone(), store));
        let https_tls = TlsAcceptor::from(tls::server_config(
            &identity,
            &config.tls,
            listener::https::ALPN,
            tls::ClientCerts::Ignore,
        )?);
        let stream_tls = TlsAcceptor::from(tls::server_config(
            &identity,
            &config.tls,
            &[],
            tls::ClientCerts::FromConfig,
        )?);

        let tracker = TaskTracker::new();
        let node = Node {
            registry: registry.clone(),
            pipeline: pipeline.clone(),
            budget: MemoryBudget::new(config.limits.max_buffered_bytes),
            limits: config.limits.clone(),
        };
        let mut spawner = Spawner {
            shutdown: shutdown.clone(),
            tracker: tracker.clone(),
            config: &config,
            sources: SourceLimiter::new(config.limits.max_connections_per_source),
            handles: Vec::new(),
            stream_tls,
            stats: Vec::new(),
            bound_addrs: Vec::new(),
        };
        let handler = HttpsHandler::new(&node, config.https.clone());
        let idle = config.limits.idle_timeout;
        let https_addr = spawner
            .listen("https", config.https_listen, Some(https_tls), handler, idle)
            .await?;

        let mut syslog_addr = None;
        if config.syslog.enabled {
            let addr = spawner.stream_listener(
                "syslog",
                config.syslog.listen,
                None,
                config.syslog.idle_timeout,
                |stats| SyslogHandler::new(&node, &config.syslog, None, stats),
            );
            syslog_addr = Some(addr.await?);
        }
        for bound in &config.syslog.bound {
            let intake = Some(bound.intake.clone());
            spawner
                .stream_listener(
                    "syslog",
                    bound.listen,
                    Some(&bound.intake),
                    config.syslog.idle_timeout,
                    |stats| SyslogHandler::new(&node, &config.syslog, intake, stats),
                )
                .await?;
        }
        let mut relp_addr = None;
        if config.relp.enabled {
            let addr = spawner.stream_listener("relp", config.relp.listen, None, config.relp.idle_timeout, |stats| {
                RelpHandler::new(&node, &config.relp, &config.syslog, None, stats)
            });
            relp_addr = Some(addr.await?);
        }
        for bound in &config.relp.bound {
            let intake = Some(bound.intake.clone());
            spawner
                .stream_listener(
                    "relp",
                    bound.listen,
                    Some(&bound.intake),
                    config.relp.idle_timeout,
                    |stats| RelpHandler::new(&node, &config.relp, &config.syslog, intake, stats),
                )
                .await?;
        }
        let (stats, bound_addrs) = (
            std::mem::take(&mut spawner.stats),
            std::mem::take(&mut spawner.bound_addrs),
        );
        let mut admin_addr = None;
        if config.admin.enabled {
            let admin = Arc::new(listener::admin::Admin {
                registry: registry.clone(),
                pipeline: pipeline.clone(),
                runtime: runtime.clone(),
                budget: node.budget.clone(),
            });
            let handler =
                listener::admin::AdminHandler::new(admin, config.limits.idle_timeout, config.limits.write_timeout);
            admin_addr = Some(
                spawner
                    .listen("admin", config.admin.listen, None, handler, idle)
                    .await?,
            );
        }
        crate::forward::start(registry.clone(), config.store_path(), shutdown.clone(), &tracker);
        crate::poll::start(
            registry.clone(),
            pipeline.clone(),
            config.store_path(),
            shutdown.clone(),
            &tracker,
        );
        let live_registry = registry.clone();
        let retention = Retention::start(
            &config.store_path(),
            Arc::new(move || {
                let config = live_registry.current().config().clone();
                (
                    config.store.retention,
                    config.forwards.iter().map(|f| f.name.clone()).collect(),
                )
            }),
            pipeline.store().full_flag(),
        )?;
        let listeners = spawner.handles;
        Ok(RunningServer {
            https_addr,
            watcher,
            syslog_addr,
            relp_addr,
            admin_addr,
            bound_addrs,
            stats,
            registry,
            runtime,
            pipeline,
            writer,
            retention,
            shutdown,
            tracker,
            listeners,
            grace: config.limits.shutdown_grace,
        })
    }
}

/// Binds listeners and runs their accept loops under one shutdown token and task tracker.
struct Spawner<'a> {
    shutdown: CancellationToken,
    tracker: TaskTracker,
    config: &'a Config,
    /// Connections per source address, across every listener.
    sources: Arc<SourceLimiter>,
    handles: Vec<tokio::task::JoinHandle<()>>,
    /// TLS for syslog and RELP (client certificates per config, no session tickets).
    stream_tls: TlsAcceptor,
    stats: Vec<(String, Arc<ListenerStats>)>,
    bound_addrs: Vec<(&'static str, String, SocketAddr)>,
}

impl Spawner<'_> {
    /// A syslog or RELP listener with its own counters, general or bound to one intake.
    async fn stream_listener<H: ConnectionHandler>(
        &mut self,
        protocol: &'static str,
        addr: SocketAddr,
        bound_intake: Option<&str>,
        idle_timeout: std::time::Duration,
        handler: impl FnOnce(Arc<ListenerStats>) -> H,
    ) -> Result<SocketAddr, ServerError> {
        let stats = Arc::new(ListenerStats::named(protocol));
        let handler = handler(stats.clone());
        let local = self
            .listen(protocol, addr, Some(self.stream_tls.clone()), handler, idle_timeout)
            .await?;
        match bound_intake {
            Some(intake) => {
                tracing::info!(protocol, intake, addr = %local, "Listener bound to one intake.");
                self.bound_addrs.push((protocol, intake.to_string(), local));
                self.stats.push((format!("{protocol}:{intake}"), stats));
            }
            None => self.stats.push((protocol.to_string(), stats)),
        }
        Ok(local)
    }

    async fn listen<H: ConnectionHandler>(
        &mut self,
        protocol: &'static str,
        addr: SocketAddr,
        acceptor: Option<TlsAcceptor>,
        handler: H,
        idle_timeout: std::time::Duration,
    ) -> Result<SocketAddr, ServerError> {
        let tcp = bind(protocol, addr).await?;
        let local = tcp.local_addr().map_err(|e| ServerError::Bind {
            protocol,
            addr,
            source: e,
        })?;
        tracing::info!(protocol, addr = %local, "Listener bound.");
        let settings = ListenerSettings {
            protocol,
            max_connections: self.config.limits.max_connections,
            handshake_timeout: self.config.limits.tls_handshake_timeout,
            // A listener with a shorter idle timeout closes a silent connection sooner.
            first_byte_timeout: self.config.limits.first_byte_timeout.min(idle_timeout),
            sources: self.sources.clone(),
        };
        self.handles.push(tokio::spawn(listener::serve(
            tcp,
            acceptor,
            settings,
            handler,
            self.shutdown.clone(),
            self.tracker.clone(),
        )));
        Ok(local)
    }
}

async fn bind(protocol: &'static str, addr: SocketAddr) -> Result<TcpListener, ServerError> {
    TcpListener::bind(addr).await.map_err(|e| ServerError::Bind {
        protocol,
        addr,
        source: e,
    })
}

impl RunningServer {
    /// Re-reads the registry file; the old registry stays on any error.
    pub fn reload(&self) -> Result<ReloadReport, RegistryError> {
        self.registry.reload(&self.runtime)
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
        let drained = tokio::time::timeout(self.grace, self.tracker.wait()).await.is_ok();
        for (listener, stats) in &self.stats {
            let counts: Vec<String> = stats.snapshot().iter().map(|(k, v)| format!("{k}={v}")).collect();
            tracing::info!(listener = %listener, counts = %counts.join(" "), "Listener totals.");
        }
        drop(self.watcher);
        drop(self.retention);
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

#[cfg(test)]
mod tests;
