//! How an event reached the node: one enum for listeners, pipeline, store, metrics and the
//! components, with its one text form (the store's `protocol` column, metric labels, fixtures).

use std::fmt;
use std::str::FromStr;

/// How the event came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    Https,
    Syslog,
    Relp,
    Poll,
}

impl Protocol {
    pub const ALL: [Protocol; 4] = [Protocol::Https, Protocol::Syslog, Protocol::Relp, Protocol::Poll];

    /// The name stored in the `protocol` column and used as a metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Https => "https",
            Self::Syslog => "syslog",
            Self::Relp => "relp",
            Self::Poll => "poll",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A protocol name that is none of ours (a stored row written by something else, a typo in a
/// fixture).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown protocol {name:?} (expected https, syslog, relp or poll)")]
pub struct UnknownProtocol {
    pub name: String,
}

impl FromStr for Protocol {
    type Err = UnknownProtocol;

    fn from_str(name: &str) -> Result<Protocol, UnknownProtocol> {
        Protocol::ALL
            .into_iter()
            .find(|p| p.as_str() == name)
            .ok_or_else(|| UnknownProtocol { name: name.to_string() })
    }
}
