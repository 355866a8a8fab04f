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
    /// Run an intake's stored raw events through its current component again and update the
    /// ones whose result changed, keeping their IDs (after a parser fix).
    Renormalize(RenormalizeArgs),
}

#[derive(Args)]
pub struct RenormalizeArgs {
    /// The intake whose events to normalize again (its format in the file decides the component).
    #[arg(long)]
    pub intake: String,
    /// Only events received since then: a datetime (`2026-11-20T00:00:00Z`, `2026-11-20`) or an
    /// age (`90m`, `12h`, `7d`).
    #[arg(long)]
    pub since: Option<String>,
    /// Events per transaction.
    #[arg(long, default_value_t = 4096)]
    pub page: usize,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArgs,
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
    /// Instead of events: the rejection reasons of the last 7 days with their counts, one JSON
    /// line per intake and reason, most frequent first (implies --errors).
    #[arg(long)]
    pub reasons: bool,
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
    /// Normalize every line of a file several times on one worker thread; print events/s and
    /// CPU µs per event.
    Bench(crate::cli_formats::BenchArgs),
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
    if args.reasons {
        let mut out = std::io::stdout().lock();
        for (intake, r) in reader.reasons(args.intake.as_deref(), intake_edge::store::today())? {
            use std::io::Write;
            let line = serde_json::json!({
                "intake": intake,
                "reason": r.reason,
                "count": r.count,
                "last_day": r.last_day,
            });
            writeln!(out, "{line}")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
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

/// `90m`, `12h`, `7d`, `30s` before `now`, else a datetime the host understands.
fn parse_since(value: &str, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    let value = value.trim();
    let age = value
        .char_indices()
        .last()
        .and_then(|(i, unit)| Some((value[..i].parse::<i64>().ok()?, unit)))
        .and_then(|(n, unit)| match unit {
            's' => chrono::TimeDelta::try_seconds(n),
            'm' => chrono::TimeDelta::try_minutes(n),
            'h' => chrono::TimeDelta::try_hours(n),
            'd' => chrono::TimeDelta::try_days(n),
            _ => None,
        });
    if let Some(age) = age {
        return now
            .checked_sub_signed(age)
            .with_context(|| format!("--since {value:?} is too far back"));
    }
    intake_edge::timeparse::parse_datetime(value, now)
        .with_context(|| format!("--since {value:?} is neither a datetime nor an age such as 12h or 7d"))
}

pub fn events_renormalize(args: RenormalizeArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(&args.store.config.config, args.store.data_dir)?;
    let intake = config
        .intake(&args.intake)
        .with_context(|| format!("no intake named {:?} in {}", args.intake, config.path.display()))?;
    let spec = config
        .formats
        .get(&intake.format)
        .with_context(|| format!("intake {:?} names an unknown format {:?}", intake.name, intake.format))?;
    let since = args
        .since
        .as_deref()
        .map(|s| parse_since(s, chrono::Utc::now()))
        .transpose()?;
    let runtime = Runtime::start(&config.runtime, config.store.enqueue_timeout)?;
    let format = runtime.load_format(spec, None)?;
    let scope = intake_edge::renormalize::Scope {
        intake: &intake.name,
        format_name: &intake.format,
        since,
        page: args.page,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let started = std::time::Instant::now();
    let report = rt.block_on(intake_edge::renormalize::run(
        &runtime,
        format,
        &config.store_path(),
        &scope,
        |r| tracing::debug!(scanned = r.scanned, rewritten = r.rewritten, "Renormalizing."),
    ))?;
    runtime.shutdown();
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        let mut out = serde_json::to_value(&report)?;
        out["intake"] = serde_json::Value::from(intake.name.clone());
        out["format"] = serde_json::Value::from(intake.format.clone());
        out["seconds"] = serde_json::Value::from((seconds * 1000.0).round() / 1000.0);
        println!("{out}");
    } else {
        println!(
            "{}: {} events read, {} rewritten ({} fixed, {} now rejected), {} in error, {seconds:.1} s",
            intake.name, report.scanned, report.rewritten, report.fixed, report.now_rejected, report.errors
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_ages_and_datetimes() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z")
            .map(|t| t.to_utc())
            .expect("valid");
        let at = |s: &str| parse_since(s, now).map(|t| t.to_rfc3339());
        assert_eq!(at("12h").ok().as_deref(), Some("2026-11-23T00:00:00+00:00"));
        assert_eq!(at("7d").ok().as_deref(), Some("2026-11-16T12:00:00+00:00"));
        assert_eq!(at("90m").ok().as_deref(), Some("2026-11-23T10:30:00+00:00"));
        assert_eq!(at("2026-11-20").ok().as_deref(), Some("2026-11-20T00:00:00+00:00"));
        assert!(at("soon").is_err());
        assert!(at("12x").is_err());
    }
}
