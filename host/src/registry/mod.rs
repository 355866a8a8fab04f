//! The live registry: intakes by key and their compiled formats, swappable at run time.
//!
//! A [`Registry`] is immutable; [`RegistryHandle::reload`] builds a complete new one from the
//! file and swaps it in atomically, so a request sees either the old registry or the new one,
//! never a mix. An invalid file leaves the old registry in place. SIGHUP and the file watcher
//! (`watch`) both use this path.

pub mod edit;
pub mod file;
pub mod keys;
pub mod watch;

use crate::config::{Config, ConfigError, IntakeKey, Overrides};
use crate::runtime::{LoadedFormat, Runtime, RuntimeError};
use arc_swap::ArcSwap;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{}", list_components(.0))]
    Components(Vec<RuntimeError>),
}

fn list_components(errors: &[RuntimeError]) -> String {
    let mut s = format!("{} component(s) failed to load", errors.len());
    for e in errors {
        s.push_str("\n  - ");
        s.push_str(&e.to_string());
    }
    s
}

/// One intake as the listeners see it.
#[derive(Debug)]
pub struct IntakeEntry {
    pub name: Arc<str>,
    pub entity: Arc<str>,
    pub format_name: Arc<str>,
    pub format: Arc<LoadedFormat>,
}

pub struct Registry {
    config: Arc<Config>,
    by_key: HashMap<IntakeKey, Arc<IntakeEntry>>,
    by_name: HashMap<String, Arc<IntakeEntry>>,
    formats: BTreeMap<String, Arc<LoadedFormat>>,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("intakes", &self.by_key.len())
            .field("formats", &self.formats.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Registry {
    /// Compiles every format of `config` (reusing the unchanged ones of `previous`) and indexes
    /// the intakes by key. Reports every component that fails, not just the first.
    pub fn build(config: Config, runtime: &Runtime, previous: Option<&Registry>) -> Result<Registry, RegistryError> {
        let mut formats = BTreeMap::new();
        let mut errors = Vec::new();
        for (name, spec) in &config.formats {
            let old = previous.and_then(|p| p.formats.get(name));
            match runtime.load_format(spec, old) {
                Ok(f) => {
                    formats.insert(name.clone(), f);
                }
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(RegistryError::Components(errors));
        }
        let by_key: HashMap<IntakeKey, Arc<IntakeEntry>> = config
            .intakes
            .iter()
            .filter_map(|i| {
                let format = formats.get(&i.format)?.clone();
                let entry = IntakeEntry {
                    name: i.name.as_str().into(),
                    entity: i.entity.as_str().into(),
                    format_name: i.format.as_str().into(),
                    format,
                };
                Some((i.key.clone(), Arc::new(entry)))
            })
            .collect();
        let by_name = by_key
            .values()
            .map(|e: &Arc<IntakeEntry>| (e.name.to_string(), e.clone()))
            .collect();
        Ok(Registry {
            config: Arc::new(config),
            by_key,
            by_name,
            formats,
        })
    }

    /// The intake a sender's key opens, if any.
    pub fn intake_for_key(&self, key: &str) -> Option<&Arc<IntakeEntry>> {
        self.by_key.get(&IntakeKey::new(key))
    }

    /// The intake with this name (listeners bound to one intake).
    pub fn intake_by_name(&self, name: &str) -> Option<&Arc<IntakeEntry>> {
        self.by_name.get(name)
    }

    pub fn config(&self) -> &Arc<Config> {
        &self.config
    }

    pub fn formats(&self) -> &BTreeMap<String, Arc<LoadedFormat>> {
        &self.formats
    }

    pub fn intake_count(&self) -> usize {
        self.by_key.len()
    }
}

/// What a reload changed, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReloadReport {
    pub intakes: usize,
    pub formats_recompiled: Vec<String>,
    pub restart_needed: Vec<&'static str>,
    /// `admin.token` changed; the admin listener checks the new one from the next request.
    pub admin_token_changed: bool,
}

/// The registry currently in force, and how to reload it from its file.
pub struct RegistryHandle {
    current: ArcSwap<Registry>,
    path: PathBuf,
    overrides: Overrides,
    reload_lock: std::sync::Mutex<()>,
}

impl RegistryHandle {
    pub fn new(registry: Registry, path: PathBuf, overrides: Overrides) -> RegistryHandle {
        RegistryHandle {
            current: ArcSwap::from_pointee(registry),
            path,
            overrides,
            reload_lock: std::sync::Mutex::new(()),
        }
    }

    /// The file the registry is read from.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// The registry in force now; cheap (one atomic load).
    pub fn current(&self) -> Arc<Registry> {
        self.current.load_full()
    }

    /// Re-reads the file and swaps the registry in; on any error the old one stays.
    pub fn reload(&self, runtime: &Runtime) -> Result<ReloadReport, RegistryError> {
        // Two reloads at once would race on which one is swapped in last.
        let _guard = self.reload_lock.lock().unwrap_or_else(|p| p.into_inner());
        let config = Config::load_with(&self.path, &self.overrides)?;
        let old = self.current();
        let new = Registry::build(config, runtime, Some(&old))?;
        let formats_recompiled = new
            .formats
            .iter()
            .filter(|(name, f)| old.formats.get(*name).is_none_or(|o| o.id != f.id))
            .map(|(name, _)| name.clone())
            .collect();
        let (a, b) = (old.config(), new.config());
        let mut restart_needed = Vec::new();
        if a.https_listen != b.https_listen || a.https != b.https {
            restart_needed.push("https");
        }
        if a.syslog != b.syslog {
            restart_needed.push("syslog");
        }
        if a.relp != b.relp {
            restart_needed.push("relp");
        }
        if a.tls != b.tls {
            restart_needed.push("tls");
        }
        if a.data_dir != b.data_dir {
            restart_needed.push("data_dir");
        }
        if a.store != b.store || a.runtime != b.runtime || a.limits != b.limits {
            restart_needed.push("limits/store/runtime");
        }
        // The token and allowed_hosts are read from the registry on every admin request.
        if (a.admin.enabled, a.admin.listen) != (b.admin.enabled, b.admin.listen) {
            restart_needed.push("admin.listen");
        }
        let report = ReloadReport {
            intakes: new.intake_count(),
            formats_recompiled,
            restart_needed,
            admin_token_changed: a.admin.token != b.admin.token,
        };
        self.current.store(Arc::new(new));
        Ok(report)
    }
}
