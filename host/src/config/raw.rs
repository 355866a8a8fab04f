//! The `intakes.toml` file as written by users: serde types only, no validation.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub data_dir: Option<String>,
    #[serde(default)]
    pub https: RawHttps,
    #[serde(default)]
    pub syslog: RawSyslog,
    #[serde(default)]
    pub relp: RawRelp,
    #[serde(default)]
    pub admin: RawAdmin,
    #[serde(default)]
    pub tls: RawTls,
    #[serde(default)]
    pub limits: RawLimits,
    #[serde(default)]
    pub store: RawStore,
    #[serde(default)]
    pub runtime: RawRuntime,
    #[serde(default)]
    pub formats: BTreeMap<String, RawFormat>,
    #[serde(default, rename = "intake")]
    pub intakes: Vec<RawIntake>,
    #[serde(default, rename = "forward")]
    pub forwards: Vec<RawForward>,
    #[serde(default)]
    pub poll: RawPollGlobal,
}

/// The `[poll]` table: what all polling intakes share.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPollGlobal {
    pub secrets: Option<String>,
}

/// A duration written as seconds (`60`) or with a unit (`"60s"`, `"5m"`, `"24h"`, `"7d"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawDuration {
    Secs(u64),
    Text(String),
}

/// An intake's `[intake.poll]` table. Keys other than these are the poller's own options.
#[derive(Debug, Default, Deserialize)]
pub struct RawPoll {
    pub component: Option<String>,
    pub every: Option<RawDuration>,
    pub url: Option<String>,
    pub secret: Option<String>,
    pub allow: Option<Vec<String>>,
    pub start_at: Option<RawDuration>,
    pub delay: Option<RawDuration>,
    pub ca_file: Option<String>,
    pub max_pages: Option<u64>,
    pub max_events_per_page: Option<u64>,
    pub request_timeout: Option<RawDuration>,
    pub call_timeout: Option<RawDuration>,
    pub max_response_bytes: Option<u64>,
    pub requests_per_second: Option<u64>,
    pub memory_mib: Option<u64>,
    pub fuel: Option<u64>,
    #[serde(flatten)]
    pub options: BTreeMap<String, toml::Value>,
}

/// A `[[forward]]` destination.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawForward {
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub url: Option<String>,
    pub urls: Option<Vec<String>>,
    pub stream: Option<String>,
    pub subject: Option<String>,
    pub create_stream: Option<bool>,
    pub intakes: Option<Vec<String>>,
    pub errors: Option<bool>,
    pub max_in_flight: Option<u64>,
    pub batch_events: Option<u64>,
    pub duplicate_window_secs: Option<u64>,
    pub replicas: Option<u64>,
    pub keys: Option<std::collections::BTreeMap<String, String>>,
    pub endpoint: Option<String>,
    pub ca_file: Option<String>,
    pub gzip: Option<bool>,
    pub timeout_secs: Option<u64>,
    pub batch_bytes: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHttps {
    pub listen: Option<String>,
    pub max_concurrent_streams: Option<u64>,
    pub keepalive_timeout_secs: Option<u64>,
    pub max_header_bytes: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTls {
    pub cert: Option<String>,
    pub key: Option<String>,
    pub client_ca: Option<String>,
    pub require_client_cert: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSyslog {
    pub enabled: Option<bool>,
    pub listen: Option<String>,
    pub sd_id: Option<String>,
    pub rfc3164_timezone: Option<String>,
    pub max_frame_bytes: Option<u64>,
    pub idle_timeout_secs: Option<u64>,
    pub batch_events: Option<u64>,
    pub inflight_batches: Option<u64>,
    #[serde(default)]
    pub bound: Vec<RawBoundListener>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBoundListener {
    pub listen: String,
    pub intake: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLimits {
    pub max_event_bytes: Option<u64>,
    pub max_request_bytes: Option<u64>,
    pub max_batch_events: Option<u64>,
    pub max_connections: Option<u64>,
    pub idle_timeout_secs: Option<u64>,
    pub tls_handshake_timeout_secs: Option<u64>,
    pub shutdown_grace_secs: Option<u64>,
    pub max_connections_per_source: Option<u64>,
    pub first_byte_timeout_secs: Option<u64>,
    pub body_timeout_secs: Option<u64>,
    pub min_body_rate_bytes: Option<u64>,
    pub write_timeout_secs: Option<u64>,
    pub max_buffered_bytes: Option<u64>,
    pub max_connection_buffered_bytes: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStore {
    pub max_commit_events: Option<u64>,
    pub block_events: Option<u64>,
    pub compression_level: Option<u64>,
    pub queue_requests: Option<u64>,
    pub enqueue_timeout_ms: Option<u64>,
    pub dedupe_window_secs: Option<u64>,
    pub retention_days: Option<u64>,
    pub max_disk_mib: Option<u64>,
    pub on_full: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRuntime {
    pub workers: Option<u64>,
    pub batch_size: Option<u64>,
    pub queue_batches: Option<u64>,
    pub deadline_ms: Option<u64>,
    pub memory_mib: Option<u64>,
    pub max_table_elements: Option<u64>,
    pub max_output_bytes: Option<u64>,
    pub epoch_tick_ms: Option<u64>,
    pub slow_call_ms: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFormat {
    pub component: String,
    pub deadline_ms: Option<u64>,
    pub memory_mib: Option<u64>,
    pub max_table_elements: Option<u64>,
    pub max_output_bytes: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIntake {
    pub name: Option<String>,
    pub format: Option<String>,
    pub entity: Option<String>,
    pub key: Option<String>,
    pub created_by: Option<String>,
    pub created_at: Option<String>,
    pub poll: Option<RawPoll>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRelp {
    pub enabled: Option<bool>,
    pub listen: Option<String>,
    pub max_data_bytes: Option<u64>,
    pub idle_timeout_secs: Option<u64>,
    pub batch_events: Option<u64>,
    pub inflight_batches: Option<u64>,
    #[serde(default)]
    pub bound: Vec<RawBoundListener>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAdmin {
    pub enabled: Option<bool>,
    pub listen: Option<String>,
    pub token: Option<String>,
    pub allowed_hosts: Option<Vec<String>>,
}
