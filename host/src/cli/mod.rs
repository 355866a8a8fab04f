//! Subcommands of the `intake-edge` binary: the argument types of the command line and the
//! dispatch to one module per command group. Every command reads its configuration through
//! `load`.

mod check;
mod events;
mod formats;
mod forward;
mod intakes;
mod load;
mod serve;

use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

/// `--version`: the release, the commit, the builtin formats' versions.
static LONG_VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(intake_edge::builtins::long_version);

#[derive(Parser)]
#[command(
    name = "intake-edge",
    version,
    long_version = LONG_VERSION.as_str(),
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
    Serve(serve::ServeArgs),
    /// Validate the configuration and every component; exit 1 on any problem.
    Check(load::ConfigArg),
    /// Read stored events.
    #[command(subcommand)]
    Events(events::EventsCommand),
    /// Format components.
    #[command(subcommand)]
    Formats(formats::FormatsCommand),
    /// Add, list, show, remove intakes and rotate their keys (edits the file in place).
    #[command(subcommand)]
    Intakes(intakes::IntakesCommand),
    /// Forwarding to other systems (`[[forward]]`).
    #[command(subcommand)]
    Forward(forward::ForwardCommand),
}

/// Runs one command; its exit code, or the error `main` prints.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve(args) => serve::run(args),
        Command::Check(args) => check::run(&args),
        Command::Events(command) => events::run(command),
        Command::Formats(command) => formats::run(command),
        Command::Intakes(command) => intakes::run(command),
        Command::Forward(command) => forward::run(command),
    }
}
