//! The one way a command reads its configuration: the file `--config` names, with the command
//! line's overrides (`--data-dir`, listen addresses) applied before validation, exactly as
//! `serve` applies them at start and at every reload (`Config::load_with`). An override can make
//! a valid file unsafe (`--admin 0.0.0.0:8444` without a token), so no command sets a field of a
//! validated `Config` by hand.

use clap::Args;
use intake_edge::config::{Config, ConfigError, Overrides, RuntimeSettings};
use intake_edge::fixtures;
use intake_edge::runtime::Runtime;
use std::path::{Path, PathBuf};

/// The file a command reads when `--config` and `INTAKE_EDGE_CONFIG` are absent.
pub const DEFAULT_CONFIG: &str = "intakes.toml";

#[derive(Args)]
pub struct ConfigArg {
    /// The registry and settings file.
    #[arg(long, default_value = DEFAULT_CONFIG, env = "INTAKE_EDGE_CONFIG")]
    pub config: PathBuf,
}

/// The configuration and the data directory of a command that reads the store.
#[derive(Args)]
pub struct StoreArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

/// A configuration file and the command-line values that win over it.
pub struct Source {
    pub path: PathBuf,
    pub overrides: Overrides,
}

impl Source {
    /// Reads the file, applies the overrides, then validates: every problem at once.
    pub fn load(&self) -> Result<Config, ConfigError> {
        Config::load_with(&self.path, &self.overrides)
    }
}

impl ConfigArg {
    /// The file alone, without overrides.
    pub fn source(&self) -> Source {
        Source {
            path: self.config.clone(),
            overrides: Overrides::default(),
        }
    }
}

impl StoreArgs {
    /// The file with `--data-dir` over its `data_dir`.
    pub fn source(&self) -> Source {
        Source {
            overrides: Overrides {
                data_dir: self.data_dir.clone(),
                ..Overrides::default()
            },
            ..self.config.source()
        }
    }
}

/// The configuration of the commands that also work without a file (`formats test`, `formats
/// bench`): `--config`, else `intakes.toml` if it exists, else the built-in defaults.
pub fn file_or_defaults(path: Option<&Path>) -> anyhow::Result<Config> {
    let path = path.or_else(|| Some(Path::new(DEFAULT_CONFIG)).filter(|p| p.is_file()));
    Ok(match path {
        Some(path) => ConfigArg {
            config: path.to_path_buf(),
        }
        .source()
        .load()?,
        None => fixtures::default_config()?,
    })
}

/// The runtime of a command that runs a few batches itself (`check`, `formats …`): one worker
/// thread is enough and starts faster. `batch_size`: events per component call, else the
/// configuration's.
pub fn one_worker_runtime(config: &Config, batch_size: Option<usize>) -> anyhow::Result<Runtime> {
    let settings = RuntimeSettings {
        workers: 1,
        batch_size: batch_size.unwrap_or(config.runtime.batch_size),
        ..config.runtime.clone()
    };
    Ok(Runtime::start(&settings, config.store.enqueue_timeout)?)
}

#[cfg(test)]
mod tests;
