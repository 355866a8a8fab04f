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

/// The version of each embedded component (its crate's, as its `describe()` reports it).
pub fn versions() -> &'static [(&'static str, &'static str)] {
    built::BUILTIN_VERSIONS
}

/// The commit this binary was built from (or "unknown").
pub const COMMIT: &str = env!("INTAKE_EDGE_COMMIT");

/// `--version`: the release, the commit, and each builtin format with its version.
pub fn long_version() -> String {
    let formats: Vec<String> = versions().iter().map(|(n, v)| format!("{n} {v}")).collect();
    format!(
        "{} (commit {COMMIT})\nbuiltin formats: {}",
        env!("CARGO_PKG_VERSION"),
        formats.join(", ")
    )
}

/// Where the build put every component it built, embedded or not.
pub const COMPONENT_DIR: &str = built::COMPONENT_DIR;
