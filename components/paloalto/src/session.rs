//! The session fields that TRAFFIC, THREAT and DECRYPTION logs share: the 5-tuple, NAT, zones,
//! interfaces, users, application, rule and action.

use edge_format_sdk::ecs::parse_ip;

use crate::out::{allowed, Out};
use crate::record::Record;

/// Writes the session's ECS fields; returns whether the action let the traffic through.
pub(crate) fn map(rec: &Record, out: &mut Out) -> Option<bool> {
    out.address("source", rec.get("src"));
    out.address("destination", rec.get("dst"));
    for (key, name) in [("source.port", "sport"), ("destination.port", "dport")] {
        if let Some(port) = rec.get(name).and_then(|p| p.parse::<u16>().ok()) {
            out.fields.insert(key.into(), port.into());
        }
    }
    out.nat_ip("source.nat.ip", rec.get("natsrc"));
    out.nat_ip("destination.nat.ip", rec.get("natdst"));
    out.port("source.nat.port", rec.get("natsport"));
    out.port("destination.nat.port", rec.get("natdport"));
    out.str("observer.ingress.zone", rec.get("from"));
    out.str("observer.egress.zone", rec.get("to"));
    out.str("observer.ingress.interface.name", rec.get("inbound_if"));
    out.str("observer.egress.interface.name", rec.get("outbound_if"));
    out.str("rule.name", rec.get("rule"));
    out.str("rule.uuid", rec.get("rule_uuid"));
    let source_user = rec.get("srcuser");
    out.user("source.user.name", source_user);
    out.user("user.name", source_user.or(rec.get("dstuser")));
    out.user("destination.user.name", rec.get("dstuser"));
    out.str("network.application", rec.get("app"));
    if let Some(proto) = rec.get("proto") {
        out.str("network.transport", Some(&proto.to_ascii_lowercase()));
    }
    if let Some(ip) = rec.get("src").and_then(parse_ip) {
        out.str("network.type", Some(if ip.is_ipv4() { "ipv4" } else { "ipv6" }));
    }
    out.mac("source.mac", rec.get("src_mac"));
    out.mac("destination.mac", rec.get("dst_mac"));
    if let Some(ip) = rec.get("xff_ip").and_then(parse_ip) {
        out.str("network.forwarded_ip", Some(&ip.to_string()));
    }
    geo(out, "source", rec.get("srcloc"));
    geo(out, "destination", rec.get("dstloc"));
    let action = rec.get("action");
    out.str("event.action", action);
    action.and_then(allowed)
}

/// PAN-OS's location: a country code (`US`), a country name, or an internal address range
/// (`10.0.0.0-10.255.255.255`, not a place).
fn geo(out: &mut Out, prefix: &str, location: Option<&str>) {
    let Some(location) = location else { return };
    if location.len() == 2 && location.bytes().all(|b| b.is_ascii_uppercase()) {
        out.str(&format!("{prefix}.geo.country_iso_code"), Some(location));
    } else if location.bytes().all(|b| b.is_ascii_alphabetic() || b == b' ') {
        out.str(&format!("{prefix}.geo.country_name"), Some(location));
    }
}
