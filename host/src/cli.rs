//! Subcommands of the `intake-edge` binary.

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use intake_edge::config::{Config, RuntimeSettings};
use intake_edge::registry::Registry;
use intake_edge::runtime::Runtime;
use intake_edge::server::{self, Overrides};
use intake_edge::store::{EventFilter, Reader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "intake-edge",
    version,
    about = "Log-ingestion edge: intakes over HTTPS, sandboxed format components, durable store"
)]
pub struct Cli {
    /// Log format on stderr.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "text",
        env = "INTAKE_EDGE_LOG_FORMAT"
    )]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the intake listeners.
    Serve(ServeArgs),
    /// Validate the configuration and every component; exit 1 on any problem.
    Check(ConfigArg),
    /// Read stored events.
    #[command(subcommand)]
    Events(EventsCommand),
    /// Format components.
    #[command(subcommand)]
    Formats(FormatsCommand),
    /// Add, list, show, remove intakes and rotate their keys (edits the file in place).
    #[command(subcommand)]
    Intakes(IntakesCommand),
}

#[derive(Args)]
pub struct ConfigArg {
    /// The registry and settings file.
    #[arg(long, default_value = "intakes.toml", env = "INTAKE_EDGE_CONFIG")]
    pub config: PathBuf,
}

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

#[derive(Subcommand)]
pub enum EventsCommand {
    /// Print one event as JSON.
    Get(GetArgs),
    /// Print events as JSON lines, newest first.
    List(ListArgs),
}

#[derive(Args)]
pub struct StoreArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

#[derive(Args)]
pub struct GetArgs {
    pub id: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args)]
pub struct ListArgs {
    /// Only this intake.
    #[arg(long)]
    pub intake: Option<String>,
    /// Only events in error.
    #[arg(long)]
    pub errors: bool,
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Subcommand)]
pub enum FormatsCommand {
    /// List the formats of the configuration with their components' descriptions.
    List(ConfigArg),
    /// Run fixture files through a format; print a field-level diff per case; exit 1 on any.
    Test(crate::cli_formats::TestArgs),
}

#[derive(Subcommand)]
pub enum IntakesCommand {
    /// Add an intake with a new random key; prints the key.
    Add(IntakesAddArgs),
    /// List the intakes with their events of the last 7 days (keys are not shown).
    List(IntakesListArgs),
    /// Everything about one intake, its key included, and its events per day for 7 days.
    Show(IntakesShowArgs),
    /// Remove an intake (its stored events stay).
    Remove(IntakesNameArgs),
    /// Give an intake a new random key; prints it. The old key stops working on reload.
    RotateKey(IntakesNameArgs),
}

#[derive(Args)]
pub struct IntakesAddArgs {
    /// Letters, digits, '-', '_' and '.'; unused in the file.
    #[arg(long)]
    pub name: String,
    /// A format of the file's `[formats]`.
    #[arg(long)]
    pub format: String,
    #[arg(long)]
    pub entity: String,
    /// Recorded in the file (default: $USER, else "unknown").
    #[arg(long)]
    pub created_by: Option<String>,
    /// Print a JSON object instead of the key alone.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub config: ConfigArg,
}

#[derive(Args)]
pub struct IntakesListArgs {
    /// JSON lines.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args)]
pub struct IntakesShowArgs {
    pub name: String,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args)]
pub struct IntakesNameArgs {
    pub name: String,
    /// Print a JSON object.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub config: ConfigArg,
}

pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let overrides = Overrides {
        data_dir: args.data_dir,
        https: args.https,
        syslog: args.syslog,
        relp: args.relp,
        admin: args.admin,
    };
    let server = server::start(args.config.config.clone(), overrides).await?;
    let shutdown = server.shutdown_token();
    let reload = {
        let config = args.config.config.clone();
        move |server: &server::RunningServer| match server.reload() {
            Ok(report) => intake_edge::registry::watch::log_reload(&report),
            Err(error) => {
                tracing::error!(config = %config.display(), %error, "Reload refused; the previous registry stays in force.")
            }
        }
    };
    // Handlers first, then "Ready.": a supervisor may signal as soon as it reads that line.
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        .context("cannot install SIGHUP handler")?;
    let signals = install_signals()?;
    // Lives until the process exits: the second SIGTERM/SIGINT must still be heard.
    tokio::spawn(watch_signals(signals, shutdown.clone()));
    tracing::info!(https = %server.https_addr, syslog = ?server.syslog_addr, relp = ?server.relp_addr, admin = ?server.admin_addr, "Ready.");
    // SIGHUP reloads; the server itself runs until the shutdown token fires.
    let server_ref = &server;
    tokio::select! {
        _ = async { while hup.recv().await.is_some() { reload(server_ref) } } => {}
        _ = shutdown.cancelled() => {}
    }
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

fn load_config(path: &Path, data_dir: Option<PathBuf>) -> anyhow::Result<Config> {
    let mut config = Config::load(path)?;
    if let Some(dir) = data_dir {
        config.data_dir = dir;
    }
    Ok(config)
}

fn check_runtime(config: &Config) -> anyhow::Result<Runtime> {
    let settings = RuntimeSettings {
        workers: 1,
        ..config.runtime.clone()
    };
    Ok(Runtime::start(&settings, config.store.enqueue_timeout)?)
}

pub fn check(path: &Path) -> anyhow::Result<ExitCode> {
    let config = match Config::load(path) {
        Ok(c) => c,
        Err(e) => {
            println!("{e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let runtime = check_runtime(&config)?;
    let (intakes, formats) = (config.intakes.len(), config.formats.len());
    match Registry::build(config, &runtime, None) {
        Ok(_) => {
            println!("{}: ok ({intakes} intakes, {formats} formats)", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("{}: {e}", path.display());
            Ok(ExitCode::FAILURE)
        }
    }
}

pub fn formats_list(path: &Path) -> anyhow::Result<ExitCode> {
    let config = Config::load(path)?;
    let runtime = check_runtime(&config)?;
    let registry = Registry::build(config, &runtime, None)?;
    for (name, f) in registry.formats() {
        let d = &f.description;
        let line = serde_json::json!({
            "format": name,
            "component": f.source.to_string(),
            "name": d.name,
            "version": d.version,
            "description": d.description,
            "categories": d.categories,
            "sha256": f.digest,
        });
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn events_get(args: GetArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(&args.store.config.config, args.store.data_dir)?;
    let id = uuid::Uuid::parse_str(args.id.trim()).with_context(|| format!("{:?} is not a UUID", args.id))?;
    let reader = Reader::open(&config.store_path())?;
    match reader.get(id)? {
        Some(ev) => {
            println!("{}", serde_json::to_string(&ev)?);
            Ok(ExitCode::SUCCESS)
        }
        None => {
            eprintln!("no event {id}");
            Ok(ExitCode::FAILURE)
        }
    }
}

pub fn events_list(args: ListArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(&args.store.config.config, args.store.data_dir)?;
    if let Some(name) = &args.intake {
        if config.intake(name).is_none() {
            eprintln!(
                "note: {name:?} is not an intake of {} (listing its stored events anyway)",
                config.path.display()
            );
        }
    }
    let reader = Reader::open(&config.store_path())?;
    let filter = EventFilter {
        intake: args.intake,
        errors_only: args.errors,
        limit: args.limit,
    };
    let mut out = std::io::stdout().lock();
    for ev in reader.list(&filter)? {
        use std::io::Write;
        writeln!(out, "{}", serde_json::to_string(&ev)?)?;
    }
    Ok(ExitCode::SUCCESS)
}
