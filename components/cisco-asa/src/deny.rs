//! Packets the ASA dropped or an ACL judged: 106001–106100, 313001–313005, 710003/710005, the
//! IPS signatures (4000xx) and threat detection (733100).

use crate::endpoint::{after, endpoint, slash_endpoint};
use crate::out::{Endpoint, Out, Side};

const DENIED: &[&str] = &["connection", "denied"];

/// The digits of a token such as `8,`, `type=8,`, `0)`.
fn number(token: &str) -> Option<u64> {
    let digits: String = token
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// ICMP `type`/`code`, written `type=8, code=0` or `(type 8, code 0)`.
fn icmp_type_code(text: &str, out: &mut Out) {
    let tokens: Vec<&str> = text.split_whitespace().map(|t| t.trim_start_matches('(')).collect();
    for (word, key) in [("type", "cisco.asa.icmp_type"), ("code", "cisco.asa.icmp_code")] {
        let value = tokens.iter().enumerate().find_map(|(i, t)| match t.strip_prefix(word) {
            Some(rest) if rest.starts_with('=') => number(rest),
            Some("") => tokens.get(i + 1).and_then(|n| number(n)),
            _ => None,
        });
        if let Some(value) = value {
            out.num(key, value);
        }
    }
}

fn deny(out: &mut Out, reason: Option<&str>) {
    out.class("event", &["network"], DENIED, "firewall-rule", Some("failure"));
    if let Some(reason) = reason {
        out.str("event.reason", reason);
    }
}

/// `… from A to B …` with `on interface X` as the ingress interface.
fn from_to(text: &str, out: &mut Out) -> Option<()> {
    let source = endpoint(after(text, "from")?.trim_end_matches(','))?;
    let destination = after(text, "to").and_then(|t| endpoint(t.trim_end_matches([':', ','])));
    out.endpoint(Side::Source, &source);
    if let Some(destination) = destination {
        // `to outside:203.0.113.1/22` names the interface the ASA itself listens on.
        let interface = destination.interface;
        out.endpoint(
            Side::Destination,
            &Endpoint {
                interface: None,
                ..destination
            },
        );
        if let Some(interface) = interface {
            out.str("observer.ingress.interface.name", interface);
        }
    }
    if let Some(interface) = after(text, "interface") {
        out.str("observer.ingress.interface.name", interface);
        out.str("cisco.asa.source_interface", interface);
    }
    Some(())
}

/// 106001 `Inbound TCP connection denied from … to … flags SYN on interface outside`, 106006
/// `Deny inbound UDP from … to … on interface outside`, 106007 `… due to DNS Query`, 106015
/// `Deny TCP (no connection) from … flags RST ACK on interface …`, 106021 `Deny TCP reverse path
/// check from …`, 710003 `TCP access denied by ACL from … to outside:…`, 710005 `UDP request
/// discarded from …`.
pub fn simple(id: &str, text: &str, out: &mut Out) -> Option<()> {
    from_to(text, out)?;
    let words: Vec<&str> = text.split_whitespace().collect();
    let protocol = match id {
        "106001" => words.get(1),
        "106006" | "106007" => words.get(2),
        _ => words
            .iter()
            .find(|w| matches!(w.to_ascii_lowercase().as_str(), "tcp" | "udp" | "icmp")),
    };
    if let Some(protocol) = protocol {
        out.transport(protocol);
    }
    if let Some(flags) = text
        .split_once(" flags ")
        .map(|(_, f)| f.split(" on ").next().unwrap_or(f))
    {
        out.str("cisco.asa.tcp_flags", flags);
    }
    let reason = match id {
        "106007" => text.split_once(" due to ").map(|(_, r)| r),
        "106015" => Some("no connection"),
        "106021" => Some("reverse path check"),
        "710003" => Some("access denied by ACL"),
        "710005" => Some("request discarded"),
        _ => None,
    };
    if id == "106006" || id == "106007" {
        if let Some(direction) = words.get(1).filter(|d| matches!(**d, "inbound" | "outbound")) {
            out.str("network.direction", direction);
        }
    }
    deny(out, reason);
    Some(())
}

/// 106023 `Deny tcp src outside:…/… dst inside:…/… [(type 8, code 0) ]by access-group "ACL" [0x0,
/// 0x0]`, 106014 `Deny inbound icmp src … dst … (type 8, code 0)`, 313005 `No matching connection
/// for ICMP error message: icmp src … dst … (type 3, code 3) on outside interface. …`.
pub fn src_dst(id: &str, text: &str, out: &mut Out) -> Option<()> {
    // 313005 repeats `src`/`dst` in the original payload: only the first pair is the packet.
    let packet = text.split(" Original IP payload").next().unwrap_or(text);
    let source = endpoint(after(packet, "src")?)?;
    let destination = endpoint(after(packet, "dst")?.trim_end_matches(','))?;
    out.endpoint(Side::Source, &source);
    out.endpoint(Side::Destination, &destination);
    let words: Vec<&str> = packet.split_whitespace().collect();
    let at_src = words.iter().position(|w| *w == "src")?;
    match words.get(at_src.wrapping_sub(2)..at_src) {
        Some(["protocol", number]) => out.transport(number),
        Some([_, protocol]) => out.transport(protocol),
        _ => {}
    }
    if let Some(direction) = words.get(1).filter(|d| matches!(**d, "inbound" | "outbound")) {
        out.str("network.direction", direction);
    }
    icmp_type_code(packet, out);
    if let Some(acl) = packet
        .split_once("access-group \"")
        .and_then(|(_, r)| r.split_once('"'))
    {
        out.str("rule.name", acl.0);
        out.str("cisco.asa.rule_name", acl.0);
    }
    let reason = (id == "313005").then_some("No matching connection for ICMP error message");
    deny(out, reason);
    Some(())
}

/// 106100 `access-list ACL permitted|denied|est-allowed tcp inside/…(port) -> outside/…(port)
/// hit-cnt 1 first hit [0x…, 0x…]`; for ICMP the number in parentheses is the type.
pub fn access_list(text: &str, out: &mut Out) -> Option<()> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let [_, acl, verdict, protocol, source, arrow, destination, ..] = words.as_slice() else {
        return None;
    };
    if *arrow != "->" {
        return None;
    }
    let (src_if, src_ip, src_port) = slash_endpoint(source)?;
    let (dst_if, dst_ip, dst_port) = slash_endpoint(destination)?;
    let icmp = protocol.to_ascii_lowercase().starts_with("icmp");
    let src = Endpoint {
        interface: src_if,
        ip: src_ip,
        port: if icmp { None } else { src_port },
        ..Endpoint::default()
    };
    let dst = Endpoint {
        interface: dst_if,
        ip: dst_ip,
        port: if icmp { None } else { dst_port },
        ..Endpoint::default()
    };
    out.endpoint(Side::Source, &src);
    out.endpoint(Side::Destination, &dst);
    if icmp {
        out.num_str("cisco.asa.icmp_type", src_port.unwrap_or_default());
    }
    out.transport(protocol);
    out.str("rule.name", acl);
    out.str("cisco.asa.rule_name", acl);
    if let Some(hits) = after(text, "hit-cnt") {
        out.num_str("cisco.asa.hit_count", hits);
    }
    if verdict.starts_with("denied") {
        deny(out, None);
    } else {
        out.class(
            "event",
            &["network"],
            &["connection", "allowed"],
            "firewall-rule",
            Some("success"),
        );
    }
    Some(())
}

/// 313001 `Denied ICMP type=8, code=0 from 198.51.100.7 on interface outside`, 313004 `Denied
/// ICMP type=0, from laddr 192.0.2.1 on interface inside to 198.51.100.7: no matching session`.
pub fn icmp_denied(id: &str, text: &str, out: &mut Out) -> Option<()> {
    let source = after(text, "laddr").or_else(|| after(text, "from"))?;
    out.ip("source", source.trim_end_matches([',', ':']));
    if let Some(destination) = after(text, "to") {
        out.ip("destination", destination.trim_end_matches(':'));
    }
    if let Some(interface) = after(text, "interface") {
        out.str("observer.ingress.interface.name", interface);
        out.str("cisco.asa.source_interface", interface);
    }
    out.transport("icmp");
    icmp_type_code(text, out);
    let reason = match id {
        "313004" => text.rsplit_once(": ").map(|(_, r)| r),
        _ => None,
    };
    deny(out, reason);
    Some(())
}

/// 4000nn `IPS:2004 ICMP Echo Request from 198.51.100.7 to 192.0.2.10 on interface outside`
/// (also `IDS:`): a signature hit.
pub fn ips(text: &str, out: &mut Out) -> Option<()> {
    let rest = text.strip_prefix("IPS:").or_else(|| text.strip_prefix("IDS:"))?;
    let (signature, rest) = rest.split_once(' ')?;
    let name = rest.split(" from ").next().unwrap_or(rest);
    out.str("rule.id", signature);
    out.str("rule.name", name);
    let source = after(text, "from")?;
    out.ip("source", source);
    if let Some(destination) = after(text, "to") {
        out.ip("destination", destination);
    }
    if let Some(interface) = after(text, "interface") {
        out.str("observer.ingress.interface.name", interface);
        out.str("cisco.asa.source_interface", interface);
    }
    out.class(
        "alert",
        &["intrusion_detection", "network"],
        &["info"],
        "intrusion-detected",
        None,
    );
    Some(())
}

/// 733100 `[ Scanning] drop rate-1 exceeded. Current burst rate is 10 per second, max configured
/// rate is 10; Current average rate is 5 per second, …; Cumulative total count is 3024`. The
/// bracket names a threat class or a host address.
pub fn threat_rate(text: &str, out: &mut Out) -> Option<()> {
    let object = text.strip_prefix('[')?.split_once(']')?;
    let name = object.0.trim();
    if !out.ip("source", name) {
        out.str("cisco.asa.threat_detection.object", name);
    }
    let rule = object.1.trim().split(" exceeded").next().unwrap_or_default();
    out.str("rule.name", rule);
    let read = |label: &str| text.split_once(label).and_then(|(_, r)| number(r));
    for (label, key) in [
        ("Current burst rate is", "cisco.asa.threat_detection.burst_rate"),
        ("Current average rate is", "cisco.asa.threat_detection.average_rate"),
        ("Cumulative total count is", "cisco.asa.threat_detection.total_count"),
    ] {
        if let Some(n) = read(label) {
            out.num(key, n);
        }
    }
    out.class(
        "alert",
        &["intrusion_detection", "network"],
        &["info"],
        "threat-detected",
        None,
    );
    Some(())
}
