//! Reading the addresses of ASA messages: `outside:192.0.2.1/443(LOCAL\alice)`,
//! `(203.0.113.5/443)`, `outside/192.0.2.1(443)`, and the `hh:mm:ss` durations.

use edge_format_sdk::ecs::parse_ip;

use crate::out::Endpoint;

/// `[interface:]ip[/port]` with `(…)` groups glued after it (a user, or a mapped address).
/// `None` when no IP address is there.
pub fn endpoint(token: &str) -> Option<Endpoint<'_>> {
    let (head, groups) = match token.find('(') {
        Some(at) => (&token[..at], &token[at..]),
        None => (token, ""),
    };
    let (interface, ip, port) = address(head)?;
    let mut e = Endpoint {
        interface,
        ip,
        port,
        ..Endpoint::default()
    };
    add_groups(&mut e, groups);
    Some(e)
}

/// `interface:ip/port`, `ip/port`, `interface:ip` or `ip`: IPv6 has colons too, so the whole
/// text is tried as an address before an interface is split off.
pub fn address(text: &str) -> Option<(Option<&str>, &str, Option<&str>)> {
    let (addr, port) = match text.rsplit_once('/') {
        Some((addr, port)) if !port.is_empty() => (addr, Some(port)),
        _ => (text, None),
    };
    if parse_ip(addr).is_some() {
        return Some((None, addr, port));
    }
    let (interface, ip) = addr.split_once(':')?;
    parse_ip(ip).map(|_| (Some(interface).filter(|i| !i.is_empty()), ip, port))
}

/// `(203.0.113.5/443)(LOCAL\alice)`: each group is a mapped address or a user.
pub fn add_groups<'a>(e: &mut Endpoint<'a>, groups: &'a str) {
    for group in groups.split('(').map(|g| g.trim().trim_end_matches(')')) {
        if group.is_empty() {
            continue;
        }
        match address(group) {
            Some((None, ip, port)) if e.mapped_ip.is_none() => {
                e.mapped_ip = Some(ip);
                e.mapped_port = port;
            }
            Some(_) => {}
            None => e.user = Some(group),
        }
    }
}

/// `outside/192.0.2.1(443)` (106100's form) → interface, ip, port (or ICMP type).
pub fn slash_endpoint(token: &str) -> Option<(Option<&str>, &str, Option<&str>)> {
    let (interface, rest) = token.split_once('/')?;
    let (ip, rest) = rest.split_once('(').unwrap_or((rest, ""));
    parse_ip(ip)?;
    let port = rest.split(')').next().filter(|p| !p.is_empty());
    Some((Some(interface).filter(|i| !i.is_empty()), ip, port))
}

/// `0:01:02` (hours may pass 24) or `1h:10m:05s` / `2d 3h:04m:05s` (VPN sessions) → nanoseconds.
pub fn duration_nanos(text: &str) -> Option<u64> {
    let text = text.trim().trim_end_matches(['.', ',']);
    let mut seconds = 0u64;
    if text.contains(['h', 'm', 's', 'd']) {
        for part in text.split([':', ' ']).filter(|p| !p.is_empty()) {
            let (number, unit) = part.split_at(part.len().checked_sub(1)?);
            let n: u64 = number.parse().ok()?;
            let factor = match unit {
                "d" => 86_400,
                "h" => 3_600,
                "m" => 60,
                "s" => 1,
                _ => return None,
            };
            seconds = seconds.checked_add(n.checked_mul(factor)?)?;
        }
    } else {
        let parts: Vec<&str> = text.split(':').collect();
        if parts.len() != 3 {
            return None;
        }
        for (part, factor) in parts.iter().zip([3_600u64, 60, 1]) {
            let n: u64 = part.parse().ok()?;
            seconds = seconds.checked_add(n.checked_mul(factor)?)?;
        }
    }
    seconds.checked_mul(1_000_000_000)
}

/// The value after `word` in `text` (the next whitespace-separated token).
pub fn after<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let mut tokens = text.split_whitespace();
    tokens.find(|t| *t == word)?;
    tokens.next()
}

/// The text between `<` and `>` after `label` (`User <alice>`).
pub fn angle<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    let start = text.find(label)? + label.len();
    let rest = text[start..].trim_start().strip_prefix('<')?;
    rest.split_once('>').map(|(value, _)| value)
}
