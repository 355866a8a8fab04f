//! Loads `intakes.toml` into validated settings, reporting every problem at once.
//!
//! The file holds both the host settings (listeners, TLS, limits, store, runtime) and the
//! registry (formats and intakes). Validation never stops at the first problem: operators fix
//! a whole file in one go, and each problem names the intake or key it is about.

mod admin;
mod defaults;
mod poll;
mod raw;
#[cfg(test)]
mod tests;
mod validate;

pub use admin::{AdminSettings, AdminToken, Authority, HostName};
pub use defaults::*;
pub use poll::{parse_duration, Origin, PollSettings, PollSpec};

use raw::RawConfig;
use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use validate::Validator;

/// One thing wrong with a configuration file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("invalid TOML: {0}")]
    Syntax(String),
    #[error("{field}: invalid address {value:?}: {reason}")]
    BadAddress {
        field: &'static str,
        value: String,
        reason: String,
    },
    #[error("{key}: {reason}")]
    BadLimit { key: String, reason: String },
    #[error("tls: {0}")]
    Tls(String),
    #[error("{listener}: {reason}")]
    BadListener { listener: String, reason: String },
    #[error("format {format:?}: {reason}")]
    BadFormat { format: String, reason: String },
    #[error("format {format:?}: component file {path} not found")]
    MissingComponent { format: String, path: String },
    #[error("intake #{index}: missing field `{field}`")]
    MissingField { index: usize, field: &'static str },
    #[error("intake {intake:?}: {reason}")]
    BadIntake { intake: String, reason: String },
    #[error("intake {intake:?}: unknown format {format:?}")]
    UnknownFormat { intake: String, format: String },
    #[error("intake {intake:?}: duplicate name (also intake #{first_index})")]
    DuplicateName { intake: String, first_index: usize },
    #[error("intake {intake:?}: duplicate key (same key as intake {other:?})")]
    DuplicateKey { intake: String, other: String },
    #[error("forward {forward:?}: {reason}")]
    BadForward { forward: String, reason: String },
    #[error("intake {intake:?}: poll: {reason}")]
    BadPoll { intake: String, reason: String },
    #[error(
        "admin.listen {listen} is not a loopback address and admin.token is not set: anyone who can \
         reach it could read and create intake keys; set admin.token or listen on 127.0.0.1"
    )]
    AdminWithoutToken { listen: SocketAddr },
}

/// Every problem found in one configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub problems: Vec<Problem>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{}: {n} problem{}",
            self.path.display(),
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// A secret intake key. `Debug` never prints it, so it cannot leak into logs.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IntakeKey(String);

impl IntakeKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for IntakeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IntakeKey(<redacted>)")
    }
}

/// Where a format's component comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComponentSource {
    /// Built from `components/` and embedded in the binary.
    Builtin(String),
    /// A `.wasm` component file.
    File(PathBuf),
}

impl fmt::Display for ComponentSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Builtin(name) => write!(f, "builtin:{name}"),
            Self::File(path) => write!(f, "{}", path.display()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSpec {
    pub name: String,
    pub source: ComponentSource,
    pub limits: ComponentLimits,
}

/// Sandbox limits for one call of a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComponentLimits {
    pub deadline: Duration,
    /// All linear memories of one instance together.
    pub memory_bytes: usize,
    /// All table elements of one instance together.
    pub max_table_elements: usize,
    pub max_output_bytes: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake {
    pub name: String,
    pub format: String,
    pub entity: String,
    pub key: IntakeKey,
    pub created_by: Option<String>,
    pub created_at: Option<String>,
    /// `[intake.poll]`: the node polls the source's API for this intake's events.
    pub poll: Option<PollSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub max_event_bytes: usize,
    pub max_request_bytes: usize,
    pub max_batch_events: usize,
    pub max_connections: usize,
    pub idle_timeout: Duration,
    pub tls_handshake_timeout: Duration,
    pub shutdown_grace: Duration,
    /// Connections per source address (IPv4 address, IPv6 /64) on all listeners together.
    pub max_connections_per_source: usize,
    pub first_byte_timeout: Duration,
    pub body_timeout: Duration,
    /// Bytes per second; 0: only [`Limits::body_timeout`] between pieces applies.
    pub min_body_rate: u64,
    pub write_timeout: Duration,
    /// Request bodies and stream batches held at once by the whole node.
    pub max_buffered_bytes: usize,
    /// Read and not yet answered, per syslog/RELP connection.
    pub max_connection_buffered_bytes: usize,
}

/// HTTPS protocol settings beyond the address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpsSettings {
    pub max_concurrent_streams: u32,
    pub keepalive_timeout: Duration,
    pub max_header_bytes: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreSettings {
    pub max_commit_events: usize,
    /// Events of one intake per stored block (one compressed value).
    pub block_events: usize,
    /// zstd level of the blocks.
    pub compression_level: i32,
    pub queue_requests: usize,
    pub enqueue_timeout: Duration,
    /// How long the source IDs of stored events are remembered (`store.dedupe_window_secs`).
    pub dedupe_window: Duration,
    pub retention: RetentionSettings,
}

/// How long and how much the store keeps (`store.retention_days`, `store.max_disk_mib`,
/// `store.on_full`); events not yet forwarded are kept whatever their age.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RetentionSettings {
    /// Forwarded (or, without forwarders, all) events older than this are deleted; `None`: kept.
    pub max_age: Option<Duration>,
    /// Bytes of live pages the store may use; `None`: no cap.
    pub max_bytes: Option<u64>,
    pub on_full: OnFull,
}

/// What the store does when only events not yet forwarded are left over the size cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnFull {
    /// New events are refused (HTTPS 503, syslog and RELP stop reading) until space returns.
    #[default]
    Refuse,
    /// The oldest events are deleted, forwarded or not, and counted.
    DropOldest,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeSettings {
    /// Worker threads running components; 0 in the file means one per CPU.
    pub workers: usize,
    pub batch_size: usize,
    pub queue_batches: usize,
    pub epoch_tick: Duration,
    /// A call at least this long marks its format slow (see `runtime/queue.rs`).
    pub slow_call: Duration,
    pub default_limits: ComponentLimits,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSettings {
    /// PEM certificate chain and private key; both absent means "generate a self-signed pair".
    pub cert_and_key: Option<(PathBuf, PathBuf)>,
    /// CA bundle that client certificates are verified against (syslog, RELP).
    pub client_ca: Option<PathBuf>,
    /// With `client_ca`: refuse clients that present no certificate.
    pub require_client_cert: bool,
}

/// The syslog-over-TLS listeners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyslogSettings {
    pub enabled: bool,
    pub listen: SocketAddr,
    /// The SD-ID of the element carrying `intake_key`.
    pub sd_id: String,
    /// Zone of RFC 3164 timestamps, which carry none.
    pub rfc3164_zone: chrono::FixedOffset,
    pub max_frame_bytes: usize,
    pub idle_timeout: Duration,
    pub batch_events: usize,
    pub inflight_batches: usize,
    /// Extra listeners bound to one intake each, for senders that cannot add structured data.
    pub bound: Vec<BoundListener>,
}

/// The RELP-over-TLS listeners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelpSettings {
    pub enabled: bool,
    pub listen: SocketAddr,
    /// Largest DATALEN accepted; a larger frame is answered with an error and skipped.
    pub max_data_bytes: usize,
    pub idle_timeout: Duration,
    pub batch_events: usize,
    pub inflight_batches: usize,
    pub bound: Vec<BoundListener>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundListener {
    pub listen: SocketAddr,
    pub intake: String,
}

/// A validated configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub path: PathBuf,
    pub data_dir: PathBuf,
    pub https_listen: SocketAddr,
    pub https: HttpsSettings,
    pub syslog: SyslogSettings,
    pub relp: RelpSettings,
    pub admin: AdminSettings,
    pub tls: TlsSettings,
    pub limits: Limits,
    pub store: StoreSettings,
    pub runtime: RuntimeSettings,
    pub formats: BTreeMap<String, FormatSpec>,
    pub intakes: Vec<Intake>,
    pub forwards: Vec<ForwardSpec>,
    pub poll: PollSettings,
}

/// A destination events are forwarded to (`[[forward]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardSpec {
    pub name: String,
    pub destination: Destination,
    /// Only these intakes' events (all when `None`).
    pub intakes: Option<Vec<String>>,
    /// Events stored in error are forwarded too.
    pub errors: bool,
    /// Publishes awaiting the destination's acknowledgement, at most.
    pub max_in_flight: usize,
    /// Events read from the store per round, at most (whole blocks).
    pub batch_events: usize,
}

/// Where a forwarder sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// NATS JetStream: one message per event, `Nats-Msg-Id` = the event ID.
    Nats {
        urls: Vec<String>,
        stream: String,
        /// `{intake}`, `{entity}`, `{format}` expand.
        subject: String,
        create_stream: bool,
        /// The stream's duplicate window when this node creates it.
        duplicate_window: Duration,
        /// The stream's replicas when this node creates it (3 or 5 in a cluster).
        replicas: usize,
    },
    /// An upstream intake of the same HTTPS API (another node, or the commercial service).
    Https {
        /// The base URL; the endpoint's path is appended.
        url: String,
        endpoint: UpstreamEndpoint,
        /// The upstream's intake key for each local intake forwarded.
        keys: std::collections::BTreeMap<String, Secret>,
        /// A PEM file of CA certificates trusted instead of the system's roots.
        ca_file: Option<PathBuf>,
        gzip: bool,
        /// Per request, connection and TLS handshake included.
        timeout: Duration,
        /// Bytes of events per request, at most (an event larger than this goes alone).
        batch_bytes: usize,
    },
}

/// How an HTTPS forwarder sends its batches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpstreamEndpoint {
    /// `POST /batch` with each event's ID in `source_ids`: an intake-edge upstream stores each
    /// event once, however often a retry sends it; other services ignore the field.
    Batch,
    /// `POST /jsons`: a JSON array (JSON events as they are, others as strings).
    Jsons,
    /// `POST /plain/batch`: one event per line (an event with a line break goes alone to `/plain`).
    Plain,
}

/// A credential: compared and cloned like a string, never printed (`Debug` shows `***`).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

pub const DEFAULT_FORWARD_MAX_IN_FLIGHT: u64 = 4096;
pub const DEFAULT_FORWARD_BATCH_EVENTS: u64 = 8192;
pub const DEFAULT_FORWARD_SUBJECT: &str = "intake.{intake}";
pub const DEFAULT_FORWARD_DUPLICATE_WINDOW_SECS: u64 = 2 * 60 * 60;
pub const DEFAULT_FORWARD_TIMEOUT_SECS: u64 = 30;
/// Under the 10 MiB request limit of an intake-edge upstream (and of the commercial service),
/// with room for the JSON around the events.
pub const DEFAULT_FORWARD_BATCH_BYTES: u64 = 4 << 20;

/// Command-line values that win over the file, at start and at every reload.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub data_dir: Option<PathBuf>,
    pub https: Option<SocketAddr>,
    pub syslog: Option<SocketAddr>,
    pub relp: Option<SocketAddr>,
    pub admin: Option<SocketAddr>,
}

impl Overrides {
    pub fn apply(&self, config: &mut Config) {
        if let Some(dir) = &self.data_dir {
            config.data_dir = dir.clone();
        }
        if let Some(addr) = self.https {
            config.https_listen = addr;
        }
        if let Some(addr) = self.syslog {
            config.syslog.listen = addr;
            config.syslog.enabled = true;
        }
        if let Some(addr) = self.relp {
            config.relp.listen = addr;
            config.relp.enabled = true;
        }
        if let Some(addr) = self.admin {
            config.admin.listen = addr;
            config.admin.enabled = true;
        }
    }
}

impl Config {
    /// Reads and validates `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        Self::load_with(path, &Overrides::default())
    }

    /// Reads `path`, applies the command line's `overrides` and validates the result: an
    /// override can make a valid file unsafe (`--admin 0.0.0.0:8444` without a token).
    pub fn load_with(path: &Path, overrides: &Overrides) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            problems: vec![Problem::Read {
                path: path.display().to_string(),
                reason: e.to_string(),
            }],
        })?;
        Self::parse_with(&text, path, overrides)
    }

    /// Validates `text` as if read from `path` (relative paths resolve against its directory).
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        Self::parse_with(text, path, &Overrides::default())
    }

    /// [`Config::parse`], with `overrides` applied before the checks that depend on them.
    pub fn parse_with(text: &str, path: &Path, overrides: &Overrides) -> Result<Config, ConfigError> {
        let fail = |problems| ConfigError {
            path: path.to_path_buf(),
            problems,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| fail(vec![Problem::Syntax(syntax_error(text, &e))]))?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut v = Validator {
            base,
            problems: Vec::new(),
        };
        let mut config = v.config(raw, path);
        overrides.apply(&mut config);
        v.problems.extend(admin::exposure(&config.admin));
        if v.problems.is_empty() {
            Ok(config)
        } else {
            Err(fail(v.problems))
        }
    }

    /// The intake with this name.
    pub fn intake(&self, name: &str) -> Option<&Intake> {
        self.intakes.iter().find(|i| i.name == name)
    }

    pub fn store_path(&self) -> PathBuf {
        self.data_dir.join("events.sqlite3")
    }
}

/// The parser's message and position, without the source line it would quote: that line may
/// hold an intake key, and this text reaches logs.
fn syntax_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}
