//! The `intake-edge` command: parses arguments, sets up logging and signals, and runs a
//! subcommand. The only home of `anyhow`.

mod cli;
mod cli_formats;
mod cli_intakes;

/// Events cross threads (I/O → workers → writer) and are freed far from where they were
/// allocated; glibc's malloc pays for that in locks, mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::Context;
use clap::Parser;
use cli::{Cli, Command, EventsCommand, FormatsCommand, LogFormat};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,wasmtime=warn,cranelift=warn,rustls=error"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    match cli.command {
        Command::Serve(args) => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .thread_name("edge-io")
                .build()
                .context("cannot start the async runtime")?;
            rt.block_on(cli::serve(args))?;
            Ok(std::process::ExitCode::SUCCESS)
        }
        Command::Check(args) => cli::check(&args.config),
        Command::Events(EventsCommand::Get(args)) => cli::events_get(args),
        Command::Events(EventsCommand::List(args)) => cli::events_list(args),
        Command::Events(EventsCommand::Renormalize(args)) => cli::events_renormalize(args),
        Command::Formats(FormatsCommand::List(args)) => cli::formats_list(&args.config),
        Command::Formats(FormatsCommand::Test(args)) => cli_formats::test(args),
        Command::Formats(FormatsCommand::Bench(args)) => cli_formats::bench(args),
        Command::Intakes(command) => cli_intakes::run(command),
    }
}
