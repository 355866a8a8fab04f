//! intake-edge: a log-ingestion edge node.
//!
//! Senders push events over HTTPS, syslog over TLS and RELP over TLS (`listener`: one accept
//! loop, the HTTPS API, one stream loop for syslog and RELP over the sans-I/O `framing` decoders
//! and the `syslog` parser). Each event is attributed to an intake by its key (`registry`, built
//! from `config`), normalized by the intake's WebAssembly format component (`runtime`, with the
//! `builtins` embedded at build time), given a UUIDv7 and committed to the durable store
//! (`store`) before the sender gets its answer. `event` is that event in one place (protocol,
//! times, envelope, and the only conversions to the component's WIT types and the store's rows);
//! `pipeline` ties the stages together; `server` starts and stops a node; `forward` sends the
//! stored events on to other systems; `telemetry` counts what happened.

pub mod builtins;
pub mod config;
pub mod event;
pub mod fixtures;
pub mod forward;
pub mod framing;
#[doc(hidden)]
pub mod fuzzing;
pub mod listener;
pub mod pipeline;
pub mod poll;
pub mod registry;
pub mod renormalize;
pub mod runtime;
pub mod server;
pub mod store;
pub mod syslog;
pub mod systemd;
pub mod telemetry;
#[cfg(test)]
mod test_support;
pub mod timeparse;
pub mod tls;
