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

/// Where the build put every component it built, embedded or not.
pub const COMPONENT_DIR: &str = built::COMPONENT_DIR;
