//! Default values of every setting, in one place so the README and `--help` can quote them.

pub const DEFAULT_DATA_DIR: &str = "data";
pub const DEFAULT_HTTPS_LISTEN: &str = "0.0.0.0:8443";

/// One event may not exceed 250 KiB, like the commercial intakes.
pub const DEFAULT_MAX_EVENT_BYTES: u64 = 250 * 1024;
pub const DEFAULT_MAX_REQUEST_BYTES: u64 = 10 * 1024 * 1024;
pub const DEFAULT_MAX_BATCH_EVENTS: u64 = 100_000;
pub const DEFAULT_MAX_CONNECTIONS: u64 = 10_000;
pub const DEFAULT_IDLE_TIMEOUT_SECS: u64 = 60;
pub const DEFAULT_TLS_HANDSHAKE_TIMEOUT_SECS: u64 = 10;
pub const DEFAULT_SHUTDOWN_GRACE_SECS: u64 = 30;
/// Connections one source address (an IPv4 address, an IPv6 /64) may hold on all listeners
/// together: a relay needs a few, an attacker wants thousands.
pub const DEFAULT_MAX_CONNECTIONS_PER_SOURCE: u64 = 256;
/// From the end of the TLS handshake to the first byte of the first request or frame.
pub const DEFAULT_FIRST_BYTE_TIMEOUT_SECS: u64 = 10;
/// The longest wait for the next piece of a request body, and the grace period before
/// [`DEFAULT_MIN_BODY_RATE_BYTES`] applies.
pub const DEFAULT_BODY_TIMEOUT_SECS: u64 = 10;
/// Average bytes per second a request body must keep up after the grace period (0: no rate).
pub const DEFAULT_MIN_BODY_RATE_BYTES: u64 = 1024;
/// Writing an answer (a RELP `rsp`, an HTTP response) to a client that does not read.
pub const DEFAULT_WRITE_TIMEOUT_SECS: u64 = 30;
/// Bytes of request bodies and stream batches the whole node holds at once.
pub const DEFAULT_MAX_BUFFERED_BYTES: u64 = 256 * 1024 * 1024;
/// Bytes one syslog or RELP connection may have read and not yet answered.
pub const DEFAULT_MAX_CONNECTION_BUFFERED_BYTES: u64 = 8 * 1024 * 1024;

/// HTTP/2 streams (requests) at once on one connection; RFC 9113 suggests no fewer than 100.
pub const DEFAULT_HTTPS_MAX_CONCURRENT_STREAMS: u64 = 100;
/// How long an HTTP/2 keep-alive PING may go unanswered before the connection is closed.
pub const DEFAULT_HTTPS_KEEPALIVE_TIMEOUT_SECS: u64 = 20;
/// Largest request head (HTTP/1 header block, HTTP/2 header list).
pub const DEFAULT_HTTPS_MAX_HEADER_BYTES: u64 = 64 * 1024;

pub const DEFAULT_MAX_COMMIT_EVENTS: u64 = 50_000;
/// Events per stored block: enough for the compressor to find the repeats, few enough that
/// reading one event (which decompresses its block) stays under a millisecond or two.
pub const DEFAULT_BLOCK_EVENTS: u64 = 1024;
/// zstd's fastest levels compress log blocks 5-10 fold at a few ns per byte.
pub const DEFAULT_COMPRESSION_LEVEL: u64 = 1;
pub const DEFAULT_STORE_QUEUE_REQUESTS: u64 = 1024;
pub const DEFAULT_ENQUEUE_TIMEOUT_MS: u64 = 2_000;
/// A day: longer than any outage an upstream node retries through before its cursor moves.
pub const DEFAULT_DEDUPE_WINDOW_SECS: u64 = 86_400;

pub const DEFAULT_BATCH_SIZE: u64 = 512;
pub const DEFAULT_QUEUE_BATCHES: u64 = 256;
pub const DEFAULT_DEADLINE_MS: u64 = 1_000;
pub const DEFAULT_MEMORY_MIB: u64 = 64;
pub const DEFAULT_MAX_OUTPUT_BYTES: u64 = 1024 * 1024;
/// Table elements of all tables of one component instance together: about 20 times what the
/// builtins use (473 for `cef`, the most; `runtime/sandbox/tests.rs` measures them). Each element
/// costs the host 8 bytes.
pub const DEFAULT_MAX_TABLE_ELEMENTS: u64 = 10_000;
pub const DEFAULT_EPOCH_TICK_MS: u64 = 5;
/// A component call that takes this long marks its format slow: slow formats together never
/// hold the last free worker. Normal batches take about a millisecond (512 events).
pub const DEFAULT_SLOW_CALL_MS: u64 = 50;

/// Intake keys shorter than this are refused: a key is the only credential of a sender.
pub const MIN_KEY_CHARS: usize = 16;

pub const DEFAULT_SYSLOG_LISTEN: &str = "0.0.0.0:10514";
/// The SD-ID the commercial intakes document: `[SEKOIA@53288 intake_key="KEY"]`.
pub const DEFAULT_SYSLOG_SD_ID: &str = "SEKOIA@53288";
pub const DEFAULT_SYSLOG_MAX_FRAME_BYTES: u64 = DEFAULT_MAX_EVENT_BYTES;
/// Syslog senders keep connections open for long quiet periods.
pub const DEFAULT_SYSLOG_IDLE_TIMEOUT_SECS: u64 = 600;
pub const DEFAULT_STREAM_BATCH_EVENTS: u64 = 1024;
pub const DEFAULT_STREAM_INFLIGHT_BATCHES: u64 = 4;

pub const DEFAULT_RELP_LISTEN: &str = "0.0.0.0:11514";
/// librelp's own server default is 128 KiB; one event may be 250 KiB here, like everywhere.
pub const DEFAULT_RELP_MAX_DATA_BYTES: u64 = DEFAULT_MAX_EVENT_BYTES;
/// Batches of one RELP connection in flight: the client's window (128 frames by default) fits.
pub const DEFAULT_RELP_INFLIGHT_BATCHES: u64 = 16;

/// The admin listener serves plain HTTP: loopback only unless configured otherwise.
pub const DEFAULT_ADMIN_LISTEN: &str = "127.0.0.1:8444";

/// The largest values the validation accepts: beyond them a value is a typo (or a unit
/// mistake), not a setting, and the file is refused with the range.
pub mod ceiling {
    /// One event, one syslog frame, one RELP DATALEN.
    pub const EVENT_BYTES: u64 = 64 << 20;
    pub const REQUEST_BYTES: u64 = 1 << 30;
    pub const OUTPUT_BYTES: u64 = 1 << 30;
    pub const HEADER_BYTES: u64 = 16 << 20;
    pub const BUFFERED_BYTES: u64 = 1 << 40;
    pub const CONNECTION_BUFFERED_BYTES: u64 = 1 << 34;
    pub const BODY_RATE_BYTES: u64 = 1 << 30;
    pub const REQUEST_EVENTS: u64 = 10_000_000;
    pub const COMMIT_EVENTS: u64 = 10_000_000;
    pub const BLOCK_EVENTS: u64 = 65_536;
    /// zstd's highest regular level.
    pub const COMPRESSION_LEVEL: u64 = 19;
    /// Events per stream batch or component call; queued batches or requests.
    pub const BATCH_EVENTS: u64 = 1_000_000;
    pub const QUEUE_LENGTH: u64 = 1_000_000;
    pub const INFLIGHT_BATCHES: u64 = 1024;
    pub const CONNECTIONS: u64 = 1_000_000;
    pub const HTTP2_STREAMS: u64 = 10_000;
    pub const WORKERS: u64 = 1024;
    /// Syslog senders may stay quiet for days between messages.
    pub const STREAM_IDLE_SECS: u64 = 7 * 86_400;
    pub const HTTP_IDLE_SECS: u64 = 86_400;
    pub const TIMEOUT_SECS: u64 = 3600;
    pub const TIMEOUT_MS: u64 = 600_000;
    pub const DEDUPE_WINDOW_SECS: u64 = 30 * 86_400;
    pub const EPOCH_TICK_MS: u64 = 1000;
    pub const MEMORY_MIB: u64 = 4096;
    pub const TABLE_ELEMENTS: u64 = 10_000_000;
}
