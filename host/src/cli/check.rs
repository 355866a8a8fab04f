//! `intake-edge check`: validates the configuration and compiles every component; a problem is
//! printed on stdout and exits 1 (an error of the machine itself, such as no runtime, exits 1
//! through `main`).

use super::load::{self, ConfigArg};
use intake_edge::registry::Registry;
use std::process::ExitCode;

pub fn run(args: &ConfigArg) -> anyhow::Result<ExitCode> {
    let path = &args.config;
    let config = match args.source().load() {
        Ok(c) => c,
        Err(e) => {
            println!("{e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let runtime = load::one_worker_runtime(&config, None)?;
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
