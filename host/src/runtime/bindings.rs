//! Host bindings of `wit/format.wit`, generated in this one place.

wasmtime::component::bindgen!({
    world: "component",
    path: "../wit/format.wit",
});

/// The generated world type; named `FormatWorld` here because `Component` means the
/// compiled wasm file everywhere else in the host.
pub use self::Component as FormatWorld;
pub use self::ComponentPre as FormatWorldPre;
pub use edge::format::types::{Description, Event, Protocol, SyslogHeader, Timestamp};
