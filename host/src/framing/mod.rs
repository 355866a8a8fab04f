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
    #[error("I/O error: {0}")]
    Io(String),
}

impl FramingError {
    /// Whether the stream can go on after this error. A malformed count leaves no way to find
    /// the next frame: only that connection is closed.
    pub fn can_continue(&self) -> bool {
        false
    }
}

impl From<std::io::Error> for FramingError {
    fn from(e: std::io::Error) -> Self {
        FramingError::Io(e.to_string())
    }
}
