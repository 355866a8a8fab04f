//! The format components that `build.rs` built from `components/`: the builtins embedded in this
//! binary (`component = "builtin:NAME"`) and the directory holding every built component, the
//! hostile test ones included. A module of its own so that configuration validation and the
//! runtime both read it without depending on each other.

mod built {
    include!(concat!(env!("OUT_DIR"), "/builtin_components.rs"));
}

/// Names of the embedded components.
pub fn names() -> Vec<&'static str> {
    built::BUILTIN_COMPONENTS.iter().map(|(name, _)| *name).collect()
}

/// The bytes of the embedded component `name`.
pub fn bytes(name: &str) -> Option<&'static [u8]> {
    built::BUILTIN_COMPONENTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| *bytes)
}

/// Names of the embedded poller components (`[intake.poll] component = "builtin:NAME"`).
pub fn poller_names() -> Vec<&'static str> {
    built::BUILTIN_POLLERS.iter().map(|(name, _)| *name).collect()
}

/// The bytes of the embedded poller `name`.
pub fn poller_bytes(name: &str) -> Option<&'static [u8]> {
    built::BUILTIN_POLLERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| *bytes)
}

/// The version of each embedded component (its crate's, as its `describe()` reports it).
pub fn versions() -> &'static [(&'static str, &'static str)] {
    built::BUILTIN_VERSIONS
}

/// What the catalog shows of a builtin before any intake uses it (its `describe()`, checked
/// against `components/NAME/tests/catalog.json` by the component's tests).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct CatalogEntry {
    pub name: String,
    pub description: String,
    pub categories: Vec<String>,
    pub sample: String,
}

/// The catalog entry of builtin `name`.
pub fn catalog(name: &str) -> Option<CatalogEntry> {
    built::BUILTIN_CATALOG
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, json)| serde_json::from_str(json).ok())
}

/// The version of builtin `name`.
pub fn version(name: &str) -> Option<&'static str> {
    versions().iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// The commit this binary was built from (or "unknown").
pub const COMMIT: &str = env!("INTAKE_EDGE_COMMIT");

/// `--version`: the release, the commit, and each builtin format with its version.
pub fn long_version() -> String {
    let listed = |all: &[(&str, &str)]| {
        all.iter()
            .map(|(n, v)| format!("{n} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "{} (commit {COMMIT})\nbuiltin formats: {}\nbuiltin pollers: {}",
        env!("CARGO_PKG_VERSION"),
        listed(versions()),
        listed(built::BUILTIN_POLLER_VERSIONS)
    )
}

/// Where the build put every component it built, embedded or not.
pub const COMPONENT_DIR: &str = built::COMPONENT_DIR;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_has_a_catalog_entry_and_a_version() {
        for name in names() {
            let entry = catalog(name).unwrap_or_else(|| panic!("no catalog entry for {name}"));
            assert_eq!(entry.name, name);
            assert!(!entry.description.is_empty() && !entry.sample.is_empty(), "{name}");
            assert!(!entry.categories.is_empty(), "{name}");
            assert!(version(name).is_some_and(|v| v.split('.').count() == 3), "{name}");
        }
        assert!(catalog("nope").is_none());
    }
}
