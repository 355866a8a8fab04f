//! `intake-edge formats …`: the configuration's formats (`list`), fixture files run through a
//! format's component as the host would (`test`, `intake_edge::fixtures`, a field-level diff per
//! failing case), and a format's throughput (`bench`).

mod bench;

use super::load::{self, ConfigArg};
use anyhow::Context;
use clap::{Args, Subcommand};
use intake_edge::fixtures::{self, CaseResult};
use intake_edge::registry::Registry;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum FormatsCommand {
    /// List the formats of the configuration with their components' descriptions.
    List(ConfigArg),
    /// Run fixture files through a format; print a field-level diff per case; exit 1 on any.
    Test(TestArgs),
    /// Normalize every line of a file several times on one worker thread; print events/s and
    /// CPU µs per event.
    Bench(bench::BenchArgs),
}

#[derive(Args)]
pub struct TestArgs {
    /// A format of the configuration, else `builtin:NAME`, else a `.wasm` component file.
    pub format: String,
    /// Fixture files: `{"input": {"message": RAW, ...}, "expected": {...}}` or an array of them.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The registry and settings file (default: intakes.toml if it exists, else built-in defaults).
    #[arg(long, env = "INTAKE_EDGE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Also print what every case produced.
    #[arg(long, short)]
    pub verbose: bool,
}

pub fn run(command: FormatsCommand) -> anyhow::Result<ExitCode> {
    match command {
        FormatsCommand::List(args) => list(&args),
        FormatsCommand::Test(args) => test(args),
        FormatsCommand::Bench(args) => bench::run(args),
    }
}

fn list(args: &ConfigArg) -> anyhow::Result<ExitCode> {
    let config = args.source().load()?;
    let runtime = load::one_worker_runtime(&config, None)?;
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

fn test(args: TestArgs) -> anyhow::Result<ExitCode> {
    let config = load::file_or_defaults(args.config.as_deref())?;
    let spec = fixtures::resolve_format(&args.format, &config)?;
    let mut cases = Vec::new();
    for file in &args.files {
        cases.extend(fixtures::load_file(file)?);
    }
    let runtime = load::one_worker_runtime(&config, None)?;
    let format = runtime.load_format(&spec, None)?;
    let results = fixtures::run_cases(&runtime, &format, cases).context("cannot run the cases")?;
    runtime.shutdown();

    let mut out = std::io::stdout().lock();
    let failed = results.iter().filter(|r| !r.passed()).count();
    for result in &results {
        report(&mut out, result, args.verbose)?;
    }
    let outside: std::collections::BTreeSet<&str> = results
        .iter()
        .flat_map(|r| r.ecs.not_in_ecs.iter().map(String::as_str))
        .collect();
    if !outside.is_empty() {
        let names: Vec<&str> = outside.into_iter().collect();
        writeln!(
            out,
            "warning: {} field(s) outside ECS {} and the format's namespace: {}",
            names.len(),
            edge_ecs::reference().version(),
            names.join(", ")
        )?;
    }
    writeln!(out, "{} passed, {failed} failed", results.len() - failed)?;
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn report(out: &mut impl Write, result: &CaseResult, verbose: bool) -> anyhow::Result<()> {
    if result.passed() {
        writeln!(out, "ok   {}", result.label)?;
    } else {
        writeln!(out, "FAIL {}", result.label)?;
        for difference in &result.differences {
            writeln!(out, "     {difference}")?;
        }
        for error in &result.ecs.errors {
            writeln!(out, "     {error}")?;
        }
    }
    for warning in result.ecs.warnings() {
        writeln!(out, "     warning: {warning}")?;
    }
    if verbose || !result.passed() {
        writeln!(out, "     got: {}", result.actual)?;
    }
    Ok(())
}
