//! The `[admin]` section: where the admin listener listens, its bearer token, and the host names
//! it answers to besides loopback names and its own address.

use super::raw::RawAdmin;
use super::validate::{weak_key_reason, Validator};
use super::{Problem, DEFAULT_ADMIN_LISTEN};
use sha2::{Digest, Sha256};
use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use subtle::ConstantTimeEq;

/// The admin listener (`/health`, `/ready`, `/metrics`, the intakes API and its page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminSettings {
    pub enabled: bool,
    pub listen: SocketAddr,
    /// Bearer token required on every request but the page, if set.
    pub token: Option<AdminToken>,
    /// Names that `Host` and `Origin` may carry besides loopback names and the listener's own
    /// address (`admin.allowed_hosts`): the name of a reverse proxy or of the machine.
    pub allowed_hosts: Vec<Authority>,
}

/// The admin bearer token, kept only as its SHA-256 digest: it cannot print itself, and
/// [`AdminToken::matches`] compares two 32-byte digests in constant time, so the time taken
/// tells neither the token's length nor how much of a guess was right.
#[derive(Clone, PartialEq, Eq)]
pub struct AdminToken {
    digest: [u8; 32],
}

impl AdminToken {
    pub fn new(token: &str) -> AdminToken {
        AdminToken {
            digest: Sha256::digest(token.as_bytes()).into(),
        }
    }

    /// Whether `given` is the token. The only comparison to use for authentication (`==`
    /// between two `AdminToken`s is for noticing a change at reload).
    pub fn matches(&self, given: &str) -> bool {
        let given: [u8; 32] = Sha256::digest(given.as_bytes()).into();
        self.digest.ct_eq(&given).into()
    }
}

impl fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminToken(<redacted>)")
    }
}

/// A host with an optional port, as in a `Host` header, an `Origin` after its scheme, or an
/// `admin.allowed_hosts` entry. Names are lowercase and without a trailing dot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    pub host: HostName,
    pub port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostName {
    Ip(IpAddr),
    Name(String),
}

impl Authority {
    /// `name`, `name:port`, `1.2.3.4[:port]`, `[::1][:port]`; `None` for anything else
    /// (userinfo, paths, bare IPv6, non-ASCII names, empty labels).
    pub fn parse(text: &str) -> Option<Authority> {
        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let (ip, after) = rest.split_once(']')?;
            let ip: Ipv6Addr = ip.parse().ok()?;
            (HostName::Ip(IpAddr::V6(ip)), parse_port(after)?)
        } else {
            let (name, port) = match text.split_once(':') {
                Some((name, digits)) => (name, Some(port_number(digits)?)),
                None => (text, None),
            };
            (host_name(name)?, port)
        };
        Some(Authority { host, port })
    }

    /// The host of an `Origin` header (`http://name[:port]` or `https://…`); `None` for `null`
    /// and anything else.
    pub fn from_origin(origin: &str) -> Option<Authority> {
        let rest = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))?;
        Authority::parse(rest)
    }

    /// `localhost` or a loopback address: no DNS answer can make a browser send these for a
    /// site that is not on this machine.
    pub fn is_loopback(&self) -> bool {
        match &self.host {
            HostName::Ip(ip) => ip.is_loopback(),
            HostName::Name(name) => name == "localhost",
        }
    }

    /// Same host, and the same port unless `pattern` has none (an `allowed_hosts` entry without
    /// a port matches every port).
    pub fn matches(&self, pattern: &Authority) -> bool {
        self.host == pattern.host && (pattern.port.is_none() || pattern.port == self.port)
    }
}

/// `""` (no port) or `:1234`.
fn parse_port(text: &str) -> Option<Option<u16>> {
    match text {
        "" => Some(None),
        _ => text.strip_prefix(':').and_then(port_number).map(Some),
    }
}

/// Digits only: `u16::from_str` would also take a sign.
fn port_number(digits: &str) -> Option<u16> {
    if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn host_name(text: &str) -> Option<HostName> {
    if let Ok(ip) = text.parse::<std::net::Ipv4Addr>() {
        return Some(HostName::Ip(IpAddr::V4(ip)));
    }
    let name = text.strip_suffix('.').unwrap_or(text).to_ascii_lowercase();
    let label_ok =
        |l: &str| (1..=63).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (name.len() <= 253 && name.split('.').all(label_ok)).then_some(HostName::Name(name))
}

/// A listener that other machines can reach, without a token, would hand every intake key to
/// anyone on the network: refused, at start, at reload and by `check`.
pub(super) fn exposure(admin: &AdminSettings) -> Option<Problem> {
    (admin.enabled && admin.token.is_none() && !admin.listen.ip().is_loopback())
        .then_some(Problem::AdminWithoutToken { listen: admin.listen })
}

impl Validator {
    pub(super) fn admin(&mut self, raw: RawAdmin) -> AdminSettings {
        let listen = self.address("admin.listen", raw.listen.as_deref().unwrap_or(DEFAULT_ADMIN_LISTEN));
        if let Some(reason) = raw.token.as_deref().and_then(weak_key_reason) {
            self.problems.push(Problem::BadLimit {
                key: "admin.token".into(),
                reason: format!("the token {reason}"),
            });
        }
        let mut allowed_hosts = Vec::new();
        for entry in raw.allowed_hosts.unwrap_or_default() {
            match Authority::parse(&entry) {
                Some(a) => allowed_hosts.push(a),
                None => self.problems.push(Problem::BadLimit {
                    key: "admin.allowed_hosts".into(),
                    reason: format!(
                        "{entry:?} is not a host name or address with an optional port (e.g. admin.example:8444)"
                    ),
                }),
            }
        }
        AdminSettings {
            enabled: raw.enabled.unwrap_or(true),
            listen,
            token: raw.token.as_deref().map(AdminToken::new),
            allowed_hosts,
        }
    }
}
