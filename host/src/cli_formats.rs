//! `intake-edge formats test FORMAT FILE...`: runs fixture files through a format's component as
//! the host would (`intake_edge::fixtures`) and prints a field-level diff per failing case.

use anyhow::Context;
use clap::Args;
use intake_edge::config::{Config, RuntimeSettings};
use intake_edge::fixtures::{self, CaseResult};
use intake_edge::runtime::Runtime;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

const DEFAULT_CONFIG: &str = "intakes.toml";

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

pub fn test(args: TestArgs) -> anyhow::Result<ExitCode> {
    let config = match &args.config {
        Some(path) => Config::load(path)?,
        None if std::path::Path::new(DEFAULT_CONFIG).is_file() => Config::load(std::path::Path::new(DEFAULT_CONFIG))?,
        None => fixtures::default_config()?,
    };
    let spec = fixtures::resolve_format(&args.format, &config)?;
    let mut cases = Vec::new();
    for file in &args.files {
        cases.extend(fixtures::load_file(file)?);
    }
    let settings = RuntimeSettings {
        workers: 1,
        ..config.runtime.clone()
    };
    let runtime = Runtime::start(&settings, config.store.enqueue_timeout)?;
    let format = runtime.load_format(&spec, None)?;
    let results = fixtures::run_cases(&runtime, &format, cases).context("cannot run the cases")?;
    runtime.shutdown();

    let mut out = std::io::stdout().lock();
    let failed = results.iter().filter(|r| !r.passed()).count();
    for result in &results {
        report(&mut out, result, args.verbose)?;
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
    }
    if verbose || !result.passed() {
        writeln!(out, "     got: {}", result.actual)?;
    }
    Ok(())
}
