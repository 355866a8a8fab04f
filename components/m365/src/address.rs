//! Addresses as the workloads write them: the client's (`ClientIP`, `ClientIPAddress`,
//! `ActorIpAddress`: `192.0.2.1`, `192.0.2.1:50123`, `[2001:db8::1]:443`, `2001:db8::1`,
//! `::ffff:192.0.2.1`, rarely a host name) and Exchange's `OriginatingServer`
//! (`SN6PR04MB4702 (15.20.2772.016)`).

use std::net::IpAddr;

use edge_format_sdk::ecs::parse_ip;

/// What an address says: an IP address or a host name, and a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Host {
    Ip(IpAddr),
    Domain(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Address {
    pub host: Host,
    pub port: Option<u16>,
}

/// An IPv4 address mapped into IPv6 (`::ffff:192.0.2.1`) is the IPv4 address.
fn ip(text: &str) -> Option<IpAddr> {
    parse_ip(text).map(|ip| ip.to_canonical())
}

fn host(text: &str) -> Option<Host> {
    if let Some(ip) = ip(text) {
        return Some(Host::Ip(ip));
    }
    let name = !text.is_empty()
        && text.contains('.')
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    name.then(|| Host::Domain(text.to_ascii_lowercase()))
}

fn port(text: &str) -> Option<u16> {
    text.parse::<u16>().ok().filter(|p| *p > 0)
}

/// A client address; `None` for what is neither an IP address nor a host name (`Unknown`).
pub(crate) fn client(text: &str) -> Option<Address> {
    let text = text.trim();
    // `[2001:db8::1]:443`, `[192.0.2.1]`.
    if let Some((inside, after)) = text.strip_prefix('[').and_then(|t| t.split_once(']')) {
        let port = match after.strip_prefix(':') {
            Some(p) => Some(port(p)?),
            None if after.is_empty() => None,
            None => return None,
        };
        return Some(Address {
            host: host(inside)?,
            port,
        });
    }
    if let Some(ip) = ip(text) {
        return Some(Address {
            host: Host::Ip(ip),
            port: None,
        });
    }
    // `192.0.2.1:50123`, `relay.example.com:25`: one colon (more is IPv6, handled above).
    if let Some((name, p)) = text.rsplit_once(':').filter(|(name, _)| !name.contains(':')) {
        return Some(Address {
            host: host(name)?,
            port: Some(port(p)?),
        });
    }
    host(text).map(|host| Address { host, port: None })
}

/// `OriginatingServer`: the server's name, and the text in parentheses after it (Exchange's
/// build number, an IP address on some records).
pub(crate) fn server(text: &str) -> Option<(&str, Option<IpAddr>)> {
    let text = text.trim_matches(['\r', '\n', ' ']);
    let text = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(text);
    let (name, inner) = match text.split_once(" (") {
        Some((name, rest)) => (name.trim(), rest.strip_suffix(')').map(str::trim)),
        None => (text, None),
    };
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    Some((name, inner.and_then(ip)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip_port(text: &str) -> Option<(String, Option<u16>)> {
        client(text).map(|a| match a.host {
            Host::Ip(ip) => (ip.to_string(), a.port),
            Host::Domain(d) => (format!("domain {d}"), a.port),
        })
    }

    #[test]
    fn client_addresses_in_every_form() {
        let some = |s: &str, p: Option<u16>| Some((s.to_string(), p));
        assert_eq!(ip_port("192.0.2.1"), some("192.0.2.1", None));
        assert_eq!(ip_port("192.0.2.1:50123"), some("192.0.2.1", Some(50123)));
        assert_eq!(ip_port("[2001:db8::1]:443"), some("2001:db8::1", Some(443)));
        assert_eq!(ip_port("[2001:db8::1]"), some("2001:db8::1", None));
        assert_eq!(ip_port("2001:DB8:0:0::1"), some("2001:db8::1", None));
        assert_eq!(ip_port("::ffff:198.51.100.7"), some("198.51.100.7", None));
        assert_eq!(ip_port("[::ffff:198.51.100.7]:8080"), some("198.51.100.7", Some(8080)));
        assert_eq!(
            ip_port("mail.Example.com:25"),
            some("domain mail.example.com", Some(25))
        );
        assert_eq!(ip_port("mail.example.com"), some("domain mail.example.com", None));
        for nothing in [
            "",
            "Unknown",
            "<null>",
            "192.0.2.1:http",
            "192.0.2.1:0",
            "[2001:db8::1]x",
            "a b",
        ] {
            assert_eq!(ip_port(nothing), None, "{nothing}");
        }
    }

    #[test]
    fn originating_servers() {
        assert_eq!(
            server("SN6PR04MB4702 (15.20.2772.016)\r\n"),
            Some(("SN6PR04MB4702", None))
        );
        assert_eq!(
            server("[PR3P195MB0745 (192.0.2.44)]"),
            Some(("PR3P195MB0745", "192.0.2.44".parse().ok()))
        );
        assert_eq!(server("DB7PR04MB4011"), Some(("DB7PR04MB4011", None)));
        assert_eq!(server(" "), None);
    }
}
