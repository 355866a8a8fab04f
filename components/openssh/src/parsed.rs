//! What a recognised message says, how it is written into ECS fields, and the small readers
//! (`<address> port <n>`, `[user <name> ]<address> port <n>`) the message parsers share.

use edge_format_sdk::ecs::parse_ip;
use std::borrow::Cow;

use edge_format_sdk::{Sink, Value};

pub const AUTHENTICATION: &[&str] = &["authentication"];
pub const SESSION: &[&str] = &["session"];
pub const NETWORK: &[&str] = &["network"];
pub const PROCESS: &[&str] = &["process"];
pub const FILE: &[&str] = &["file"];

pub const START: &[&str] = &["start"];
pub const END: &[&str] = &["end"];
pub const INFO: &[&str] = &["info"];
pub const ACCESS: &[&str] = &["access"];
pub const CONNECTION_START: &[&str] = &["connection", "start"];
pub const CONNECTION_END: &[&str] = &["connection", "end"];
pub const CONNECTION_DENIED: &[&str] = &["connection", "denied"];
pub const PROTOCOL: &[&str] = &["protocol"];

/// ECS `event.outcome` values.
pub const SUCCESS: &str = "success";
pub const FAILURE: &str = "failure";
pub const UNKNOWN: &str = "unknown";

/// A recognised message. Every `&str` borrows from the MSG.
pub struct Parsed<'a> {
    pub action: &'static str,
    pub category: &'static [&'static str],
    pub kind: &'static [&'static str],
    pub outcome: &'static str,
    pub user: Option<&'a str>,
    pub uid: Option<&'a str>,
    /// The remote peer: an IP address or, from PAM's `rhost=` and old sshd, a host name.
    pub address: Option<&'a str>,
    pub port: Option<u16>,
    /// This server's own address and port (`Connection from ... on <ip> port <n>`,
    /// `Server listening on <ip> port <n>`).
    pub local: Option<(&'a str, Option<u16>)>,
    pub reason: Option<&'a str>,
    /// Other fields (`openssh.*`, `file.path`, byte counts); rare enough that an empty `Vec` (no
    /// allocation) is the common case.
    pub extra: Vec<(&'static str, Value)>,
}

impl<'a> Parsed<'a> {
    pub fn new(
        action: &'static str,
        category: &'static [&'static str],
        kind: &'static [&'static str],
        outcome: &'static str,
    ) -> Parsed<'a> {
        Parsed {
            action,
            category,
            kind,
            outcome,
            user: None,
            uid: None,
            address: None,
            port: None,
            local: None,
            reason: None,
            extra: Vec::new(),
        }
    }

    pub fn user(mut self, user: Option<&'a str>) -> Self {
        self.user = user.filter(|u| !u.is_empty());
        self
    }

    pub fn peer(mut self, address: &'a str, port: Option<u16>) -> Self {
        self.address = Some(address).filter(|a| !a.is_empty());
        self.port = port;
        self
    }

    pub fn reason(mut self, reason: &'a str) -> Self {
        let reason = strip_preauth(reason).trim();
        self.reason = Some(reason).filter(|r| !r.is_empty());
        self
    }

    pub fn extra(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.extra.push((key, value.into()));
        self
    }

    /// Writes the ECS and `openssh.*` fields. The authenticating user is `user.name`; when the
    /// message also names the remote peer it is `source.user.name` too (the name as the client
    /// presented it), so that rules keyed on either side find it.
    pub fn insert_into(self, sink: &mut impl Sink<'a>) {
        sink.set("event.kind", "event");
        sink.set("event.category", strings(self.category));
        sink.set("event.type", strings(self.kind));
        sink.set("event.action", self.action);
        sink.set("event.outcome", self.outcome);
        if let Some(reason) = self.reason {
            sink.set("event.reason", reason);
        }
        // `related.*` written directly: at most two addresses and one user, so the SDK's
        // `Related` sets (and `address_fields`' formatted keys) would only add allocations.
        if let Some(user) = self.user {
            sink.set("user.name", user);
            if self.address.is_some() {
                sink.set("source.user.name", user);
            }
            sink.set("related.user", Value::Array(vec![Value::from(user)]));
        }
        if let Some(uid) = self.uid {
            sink.set("user.id", uid);
        }
        let mut ips = Vec::new();
        let mut hosts = Vec::new();
        if let Some(address) = self.address.filter(|a| *a != "-") {
            insert_address(sink, Side::Source, address, &mut ips, &mut hosts);
        }
        if let Some(port) = self.port {
            sink.set("source.port", port);
        }
        if let Some((address, port)) = self.local {
            insert_address(sink, Side::Destination, address, &mut ips, &mut hosts);
            if let Some(port) = port {
                sink.set("destination.port", port);
            }
        }
        for (key, mut values) in [("related.ip", ips), ("related.hosts", hosts)] {
            if !values.is_empty() {
                values.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                values.dedup();
                sink.set(key, Value::Array(values));
            }
        }
        for (key, value) in self.extra {
            sink.set(key, value);
        }
    }
}

#[derive(Clone, Copy)]
enum Side {
    Source,
    Destination,
}

/// `{side}.address` and `{side}.ip` or `{side}.domain`, as the SDK's `address_fields` writes
/// them, with constant keys; the IP or host name goes to `ips`/`hosts`.
fn insert_address<'a>(
    sink: &mut impl Sink<'a>,
    side: Side,
    address: &'a str,
    ips: &mut Vec<Value>,
    hosts: &mut Vec<Value>,
) {
    let (address_key, ip_key, domain_key) = match side {
        Side::Source => ("source.address", "source.ip", "source.domain"),
        Side::Destination => ("destination.address", "destination.ip", "destination.domain"),
    };
    sink.set(address_key, address);
    match parse_ip(address) {
        Some(ip) => {
            // Rust reads only canonical dotted quads: the text is the address as ECS writes it.
            let ip = if ip.is_ipv4() && address.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                Cow::Borrowed(address)
            } else {
                Cow::Owned(ip.to_string())
            };
            ips.push(Value::String(ip.to_string()));
            sink.set(ip_key, ip);
        }
        None => {
            sink.set(domain_key, address);
            hosts.push(Value::String(address.trim_end_matches('.').to_ascii_lowercase()));
        }
    }
}

fn strings(values: &[&str]) -> Value {
    Value::Array(values.iter().map(|v| Value::from(*v)).collect())
}

/// Drops sshd's ` [preauth]` / ` [net]` marker (the privilege-separated child that logged).
pub fn strip_preauth(s: &str) -> &str {
    let s = s.trim_end();
    s.strip_suffix(" [preauth]")
        .or_else(|| s.strip_suffix(" [net]"))
        .unwrap_or(s)
}

/// Whether the message came from the pre-authentication child.
pub fn is_preauth(s: &str) -> bool {
    s.trim_end().ends_with("[preauth]")
}

/// `<address> port <n>` then the rest (` ssh2`, `:11: bye`, ` [preauth]`); the address is one
/// word. Old sshd wrote no port: `<address>` alone or followed by ` [preauth]` or `:`.
pub fn address_port(s: &str) -> Option<(&str, Option<u16>, &str)> {
    let end = s.find([' ', '\t']).unwrap_or(s.len());
    let (word, rest) = s.split_at(end);
    if let Some(after) = rest.strip_prefix(" port ") {
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let port = after[..digits].parse().ok()?;
        return (!word.is_empty()).then_some((word, Some(port), &after[digits..]));
    }
    // No port: `1.2.3.4`, `1.2.3.4 [preauth]`, `1.2.3.4: 11: Bye`, `2001:db8::1: 11: Bye` (an
    // IPv6 address may end with `::`, so its trailing `:` is cut only when an address remains).
    let word_trimmed = match word.strip_suffix(':') {
        Some(w) if !w.contains(':') || edge_format_sdk::ecs::parse_ip(w).is_some() => w,
        _ => word,
    };
    let rest = &s[word_trimmed.len()..];
    (!word_trimmed.is_empty()).then_some((word_trimmed, None, rest))
}

/// `... from <address> port <n>...`: the last ` from ` after which an address and a port follow
/// (user names may contain ` from `; attackers try such names).
pub fn from_address_port(s: &str) -> Option<(&str, &str, Option<u16>, &str)> {
    for (at, _) in s.rmatch_indices(" from ") {
        let after = &s[at + 6..];
        if let Some((address, Some(port), rest)) = address_port(after) {
            return Some((&s[..at], address, Some(port), rest));
        }
    }
    // Old sshd: `from <address>` without a port, at the end.
    let (before, after) = s.rsplit_once(" from ")?;
    let (address, port, rest) = address_port(after)?;
    Some((before, address, port, rest))
}

/// What [`user_address_port`] read.
pub struct Peer<'a> {
    pub user: Option<&'a str>,
    /// `invalid user` or `authenticating user`: not logged in.
    pub unauthenticated: bool,
    pub address: &'a str,
    pub port: Option<u16>,
    /// What follows the port (`: reason`, ` [preauth]`).
    pub rest: &'a str,
}

/// `[user|invalid user|authenticating user <name> ]<address> port <n><rest>` (sshd's log
/// preamble). The user name may contain spaces, so the address is the last word before the last
/// ` port `.
pub fn user_address_port(s: &str) -> Option<Peer<'_>> {
    let Some((before, after)) = s.rsplit_once(" port ") else {
        // Old sshd: `Connection closed by 1.2.3.4 [preauth]`.
        let (address, port, rest) = address_port(s)?;
        return Some(Peer {
            user: None,
            unauthenticated: false,
            address,
            port,
            rest,
        });
    };
    let digits = after.bytes().take_while(u8::is_ascii_digit).count();
    let port = after[..digits].parse().ok()?;
    let rest = &after[digits..];
    let (user_part, address) = match before.rsplit_once(' ') {
        Some((user_part, address)) => (Some(user_part), address),
        None => (None, before),
    };
    if address.is_empty() {
        return None;
    }
    let (user, unauthenticated) = match user_part {
        None => (None, false),
        Some(u) => {
            if let Some(name) = u.strip_prefix("invalid user ") {
                (Some(name), true)
            } else if let Some(name) = u.strip_prefix("authenticating user ") {
                (Some(name), true)
            } else {
                (Some(u.strip_prefix("user ")?), false)
            }
        }
    };
    Some(Peer {
        user: user.filter(|u| !u.is_empty()),
        unauthenticated,
        address,
        port: Some(port),
        rest,
    })
}

/// The leading decimal digits of `s` as a number.
pub fn leading_number<T: std::str::FromStr>(s: &str) -> Option<T> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    s[..digits].parse().ok()
}
