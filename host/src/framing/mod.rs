//! Sans-I/O decoders for the stream protocols: they work on a buffer, never on a socket, so
//! every edge case is a unit test and each decoder can be fuzzed.

pub mod relp;
pub mod syslog;

/// Why a stream could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FramingError {
    #[error("malformed octet count: {0}")]
    BadOctetCount(String),
    #[error("invalid RELP frame: {0}")]
    Relp(String),
    #[error("connection closed in the middle of a frame ({buffered} bytes buffered)")]
    Truncated { buffered: usize },
}

/// What ends the reading of a framed stream: bytes that break its protocol (no way to find the
/// next frame, so the connection is closed), or the connection beneath failing (nothing wrong
/// with what the peer sent). The decoders themselves only ever return [`FramingError`]; this is
/// their error as `tokio_util`'s `Decoder`, which also carries the socket's.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error(transparent)]
    Framing(#[from] FramingError),
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}
