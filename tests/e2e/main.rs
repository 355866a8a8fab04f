//! End-to-end tests of intake-edge: the release binary under test, driven by real clients
//! (curl over HTTP/1.1 and HTTP/2, Python `requests`, rsyslog, loggen, logger, a byte-level TLS
//! client for syslog and RELP), its store read back with its own CLI.
//!
//! Run with `cargo build --release -p intake-edge && cargo test --release -p e2e`. Every test
//! starts its own server (port 0, temporary directory), so they run in parallel.

mod support;

mod admin;
mod admin_api;
mod admin_page;
mod catalog;
mod crash_trials;
mod edge_to_edge;
mod endpoints;
mod errors;
mod fleet;
mod formats_bench;
mod formats_test;
mod forward;
mod hostile_peers;
mod intakes_cli;
mod keys;
mod lifecycle;
mod logs;
mod packaging;
mod polling;
mod python_examples;
mod real_senders;
mod relp_bytes;
mod relp_rsyslog;
mod sandbox;
mod syslog_bytes;
mod syslog_senders;
mod timestamps;
mod upgrades;
mod watch;
mod whole_lines;
