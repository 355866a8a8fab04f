//! Shared ECS normalization helpers: `related.*`, addresses, domains (public suffix list) and
//! user agents.
//!
//! Every helper writes flat dotted keys into [`Fields`] and omits what it does not know: no field
//! is invented.

use std::collections::BTreeSet;
use std::net::IpAddr;

use crate::{Fields, Sink, Val, Value};

/// The `related.*` values of one event, written sorted and unique by [`Related::insert_into`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Related {
    pub ip: BTreeSet<String>,
    pub hosts: BTreeSet<String>,
    pub user: BTreeSet<String>,
}

/// Whether a log value is present: not empty and not the `-` placeholder.
pub fn present(value: &str) -> bool {
    !value.is_empty() && value != "-"
}

impl Related {
    pub fn new() -> Related {
        Related::default()
    }

    pub fn add_ip(&mut self, ip: IpAddr) {
        self.ip.insert(ip.to_string());
    }

    /// Adds a host name, lower-cased, without a trailing dot; `-` and empty are ignored.
    pub fn add_host(&mut self, host: &str) {
        let host = host.trim_end_matches('.');
        if present(host) {
            self.hosts.insert(host.to_ascii_lowercase());
        }
    }

    /// Adds a user name; `-` and empty are ignored.
    pub fn add_user(&mut self, user: &str) {
        if present(user) {
            self.user.insert(user.to_owned());
        }
    }

    /// Writes `related.ip`, `related.hosts` and `related.user` as sorted unique arrays; empty
    /// sets are omitted.
    pub fn insert_into<'a>(self, sink: &mut impl Sink<'a>) {
        for (key, set) in [
            ("related.ip", self.ip),
            ("related.hosts", self.hosts),
            ("related.user", self.user),
        ] {
            if !set.is_empty() {
                sink.set(key, Value::Array(set.into_iter().map(Value::String).collect()));
            }
        }
    }
}

/// An address as logged: an IP address or a host name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpOrDomain<'a> {
    Ip(IpAddr),
    Domain(&'a str),
}

/// Parses an IP address, also in brackets (`[2001:db8::1]`) or with an IPv6 zone
/// (`fe80::1%eth0`, the zone is dropped).
pub fn parse_ip(address: &str) -> Option<IpAddr> {
    let address = address
        .strip_prefix('[')
        .and_then(|a| a.strip_suffix(']'))
        .unwrap_or(address);
    let address = match address.split_once('%') {
        Some((ip, _zone)) if ip.contains(':') => ip,
        _ => address,
    };
    address.parse().ok()
}

/// Tells whether `address` is an IP address or a host name.
pub fn ip_or_domain(address: &str) -> IpOrDomain<'_> {
    match parse_ip(address) {
        Some(ip) => IpOrDomain::Ip(ip),
        None => IpOrDomain::Domain(address),
    }
}

/// Writes `{prefix}.address` and either `{prefix}.ip` (when it parses as an IP address) or
/// `{prefix}.domain`, and adds the value to `related.ip` / `related.hosts`. `-` and empty values
/// write nothing. `prefix` is `source`, `client`, `destination`, `server`…
pub fn address_fields<'a>(prefix: &str, address: &'a str, sink: &mut impl Sink<'a>, related: &mut Related) {
    if !present(address) {
        return;
    }
    sink.set(format!("{prefix}.address"), address);
    match ip_or_domain(address) {
        IpOrDomain::Ip(ip) => {
            sink.set(format!("{prefix}.ip"), ip.to_string());
            related.add_ip(ip);
        }
        IpOrDomain::Domain(domain) => {
            sink.set(format!("{prefix}.domain"), domain);
            related.add_host(domain);
        }
    }
}

/// Splits `domain` with the public suffix list into `{prefix}.registered_domain`,
/// `{prefix}.subdomain` (only when there is one) and `{prefix}.top_level_domain` (the public
/// suffix: `co.uk` for `www.example.co.uk`). `prefix` is `url`, `dns.question`, `source`…
///
/// Writes nothing for IP addresses, names whose suffix is not in the list (`localhost`,
/// `printer.internal`) and public suffixes themselves (`co.uk`). The name is lower-cased and a
/// trailing dot is dropped.
pub fn domain_fields<'a>(prefix: &str, domain: &'a str, sink: &mut impl Sink<'a>) {
    // Per event (every DNS query, every URL): one list lookup, and a lower-case copy only when
    // the name has upper case.
    let trimmed = domain.trim().trim_end_matches('.');
    if trimmed.bytes().any(|b| b.is_ascii_uppercase()) {
        let lowered = trimmed.to_ascii_lowercase();
        if let Some(split) = split_domain(&lowered) {
            split.write(prefix, sink, |s| Val::from(s.to_owned()));
        }
    } else if let Some(split) = split_domain(trimmed) {
        split.write(prefix, sink, Val::from);
    }
}

/// A lower-case name split by the public suffix list.
struct DomainSplit<'n> {
    subdomain: Option<&'n str>,
    registered: &'n str,
    suffix: &'n str,
}

fn split_domain(name: &str) -> Option<DomainSplit<'_>> {
    if name.is_empty() || parse_ip(name).is_some() {
        return None;
    }
    let registered = psl::domain(name.as_bytes())?;
    let suffix = registered.suffix();
    if !suffix.is_known() {
        return None;
    }
    let suffix = std::str::from_utf8(suffix.as_bytes()).ok()?;
    let registered = std::str::from_utf8(registered.as_bytes()).ok()?;
    // Slices of `name` itself (the list returns its tail), so that borrowed values stay borrowed.
    let registered = &name[name.len().checked_sub(registered.len())?..];
    let suffix = &name[name.len().checked_sub(suffix.len())?..];
    let subdomain = name
        .strip_suffix(registered)
        .and_then(|s| s.strip_suffix('.'))
        .filter(|s| !s.is_empty());
    Some(DomainSplit {
        subdomain,
        registered,
        suffix,
    })
}

impl<'n> DomainSplit<'n> {
    fn write<'a>(&self, prefix: &str, sink: &mut impl Sink<'a>, value: impl Fn(&'n str) -> Val<'a>) {
        let key = |field: &str| {
            let mut key = String::with_capacity(prefix.len() + field.len());
            key.push_str(prefix);
            key.push_str(field);
            key
        };
        if let Some(subdomain) = self.subdomain {
            sink.set(key(".subdomain"), value(subdomain));
        }
        sink.set(key(".registered_domain"), value(self.registered));
        sink.set(key(".top_level_domain"), value(self.suffix));
    }
}

/// `user_agent.original` (unless empty or `-`), then what the uap-core rules read in it
/// ([`crate::user_agent`]): `user_agent.name`, `version`, `os.name`, `os.version`, `os.full` and
/// `device.name`. An agent no rule knows is named `Other`, and so is its device, as uap-core
/// (and Elastic's user agent processor) name them; an unknown OS is left out.
pub fn user_agent_fields(ua: &str, fields: &mut Fields) {
    if !present(ua) {
        return;
    }
    fields.insert("user_agent.original".into(), Value::String(ua.to_owned()));
    crate::user_agent::insert_fields(ua, fields);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn run(f: impl FnOnce(&mut Fields)) -> Value {
        let mut fields = Fields::new();
        f(&mut fields);
        Value::Object(fields)
    }

    #[test]
    fn related_is_sorted_unique_and_omits_empty_sets() {
        let mut related = Related::new();
        related.add_ip("192.0.2.10".parse().expect("valid test input"));
        related.add_ip("10.0.0.1".parse().expect("valid test input"));
        related.add_ip("192.0.2.10".parse().expect("valid test input"));
        related.add_host("Example.ORG.");
        related.add_host("example.org");
        related.add_host("-");
        related.add_user("-");
        related.add_user("");
        assert_eq!(
            run(|f| related.insert_into(f)),
            json!({"related.ip": ["10.0.0.1", "192.0.2.10"], "related.hosts": ["example.org"]})
        );
        assert_eq!(run(|f| Related::new().insert_into(f)), json!({}));
    }

    #[test]
    fn addresses_are_ips_or_domains() {
        assert_eq!(
            ip_or_domain("192.0.2.1"),
            IpOrDomain::Ip("192.0.2.1".parse().expect("valid test input"))
        );
        assert_eq!(
            ip_or_domain("[2001:db8::1]"),
            IpOrDomain::Ip("2001:db8::1".parse().expect("valid test input"))
        );
        assert_eq!(
            ip_or_domain("fe80::1%eth0"),
            IpOrDomain::Ip("fe80::1".parse().expect("valid test input"))
        );
        assert_eq!(ip_or_domain("host.example"), IpOrDomain::Domain("host.example"));
        assert_eq!(ip_or_domain("999.1.1.1"), IpOrDomain::Domain("999.1.1.1"));
        let mut related = Related::new();
        let v = run(|f| {
            address_fields("source", "2001:DB8::1", f, &mut related);
            address_fields("destination", "web1.example.org", f, &mut related);
            address_fields("client", "-", f, &mut related);
        });
        assert_eq!(
            v,
            json!({"source.address": "2001:DB8::1", "source.ip": "2001:db8::1",
                   "destination.address": "web1.example.org", "destination.domain": "web1.example.org"})
        );
        assert_eq!(
            run(|f| related.insert_into(f)),
            json!({"related.ip": ["2001:db8::1"], "related.hosts": ["web1.example.org"]})
        );
    }

    #[test]
    fn domains_split_on_the_public_suffix_list() {
        assert_eq!(
            run(|f| domain_fields("url", "www.shop.Example.co.uk.", f)),
            json!({"url.registered_domain": "example.co.uk", "url.subdomain": "www.shop", "url.top_level_domain": "co.uk"})
        );
        assert_eq!(
            run(|f| domain_fields("dns.question", "example.org", f)),
            json!({"dns.question.registered_domain": "example.org", "dns.question.top_level_domain": "org"})
        );
        for nothing in ["localhost", "printer.internal", "co.uk", "192.0.2.1", "[::1]", "", "."] {
            assert_eq!(run(|f| domain_fields("url", nothing, f)), json!({}), "{nothing}");
        }
    }

    #[test]
    fn user_agents_keep_the_original_and_skip_dashes() {
        assert_eq!(
            run(|f| user_agent_fields("curl/8.5.0", f)),
            json!({"user_agent.original": "curl/8.5.0", "user_agent.name": "curl", "user_agent.version": "8.5.0",
                   "user_agent.device.name": "Other"})
        );
        assert_eq!(run(|f| user_agent_fields("-", f)), json!({}));
        assert_eq!(run(|f| user_agent_fields("", f)), json!({}));
    }
}
