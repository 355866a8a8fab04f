//! `intake-edge serve`: starts the node, reloads the registry on SIGHUP, stops gracefully on the
//! first SIGTERM/SIGINT and at once on the second.

use super::load::{ConfigArg, Source};
use anyhow::Context;
use clap::Args;
use intake_edge::config::Overrides;
use intake_edge::server;
use intake_edge::systemd;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Data directory (store, generated certificate); overrides `data_dir`.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// HTTPS listen address; overrides `https.listen`.
    #[arg(long)]
    pub https: Option<SocketAddr>,
    /// Syslog-over-TLS listen address; overrides `syslog.listen` (and enables it).
    #[arg(long)]
    pub syslog: Option<SocketAddr>,
    /// RELP-over-TLS listen address; overrides `relp.listen` (and enables it).
    #[arg(long)]
    pub relp: Option<SocketAddr>,
    /// Admin listen address (health, readiness, metrics); overrides `admin.listen` (and enables it).
    #[arg(long)]
    pub admin: Option<SocketAddr>,
}

impl ServeArgs {
    /// The file with every override of the command line; the server keeps them for its reloads.
    pub(super) fn source(self) -> Source {
        Source {
            overrides: Overrides {
                data_dir: self.data_dir,
                https: self.https,
                syslog: self.syslog,
                relp: self.relp,
                admin: self.admin,
            },
            ..self.config.source()
        }
    }
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("edge-io")
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(serve(args.source()))?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(source: Source) -> anyhow::Result<()> {
    // The server loads the file itself (`Source::load`'s `Config::load_with`), and again on reload.
    let config = source.path.clone();
    let node = server::load(source.path, source.overrides)?;
    let shutdown = tokio_util::sync::CancellationToken::new();
    let server = node.start(shutdown.clone()).await?;
    let reload = move |server: &server::RunningServer| {
        systemd::tell("RELOADING=1");
        match server.reload() {
            Ok(report) => intake_edge::registry::watch::log_reload(&report),
            Err(error) => {
                tracing::error!(config = %config.display(), %error, "Reload refused; the previous registry stays in force.")
            }
        }
        systemd::tell("READY=1");
    };
    // Handlers first, then "Ready.": a supervisor may signal as soon as it reads that line.
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        .context("cannot install SIGHUP handler")?;
    let signals = install_signals()?;
    // Lives until the process exits: the second SIGTERM/SIGINT must still be heard.
    tokio::spawn(watch_signals(signals, shutdown.clone()));
    tracing::info!(https = %server.https_addr, syslog = ?server.syslog_addr, relp = ?server.relp_addr, admin = ?server.admin_addr, "Ready.");
    // `Type=notify`: systemctl start returns now, every listener bound.
    systemd::tell(&format!("READY=1\nSTATUS=serving HTTPS on {}", server.https_addr));
    // SIGHUP reloads; the server itself runs until the shutdown token fires.
    let server_ref = &server;
    tokio::select! {
        _ = async { while hup.recv().await.is_some() { reload(server_ref) } } => {}
        _ = shutdown.cancelled() => {}
    }
    systemd::tell("STOPPING=1");
    server.run_until_shutdown().await;
    Ok(())
}

type Signals = (tokio::signal::unix::Signal, tokio::signal::unix::Signal);

fn install_signals() -> anyhow::Result<Signals> {
    use tokio::signal::unix::{signal, SignalKind};
    Ok((
        signal(SignalKind::terminate()).context("cannot install SIGTERM handler")?,
        signal(SignalKind::interrupt()).context("cannot install SIGINT handler")?,
    ))
}

/// First SIGINT/SIGTERM: graceful shutdown. Second: exit at once.
async fn watch_signals((mut term, mut int): Signals, shutdown: tokio_util::sync::CancellationToken) {
    tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
    shutdown.cancel();
    tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
    tracing::warn!("Second signal: exiting without waiting.");
    std::process::exit(130);
}
