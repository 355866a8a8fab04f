//! intake-edge: a log-ingestion edge node.
//!
//! Senders push events over HTTPS (`listener::https`); each event is attributed to an intake by
//! its key (`registry`), normalized by the intake's WebAssembly format component (`runtime`),
//! given a UUIDv7 and committed to the durable store (`store`) before the sender gets its
//! answer. `pipeline` ties those stages together; `server` starts and stops a node.

pub mod config;
pub mod envelope;
pub mod fixtures;
pub mod framing;
#[doc(hidden)]
pub mod fuzzing;
pub mod listener;
pub mod pipeline;
pub mod registry;
pub mod renormalize;
pub mod runtime;
pub mod server;
pub mod store;
pub mod syslog;
pub mod telemetry;
pub mod timeparse;
pub mod tls;
