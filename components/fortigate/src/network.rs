//! The connection fields every FortiOS log kind may carry: addresses, ports, interfaces, NAT,
//! policy, users, protocol, application, counters.

use edge_format_sdk::domain_fields;
use edge_format_sdk::ecs::parse_ip;

use crate::log::Log;
use crate::out::Out;
use crate::time_nanos;

/// IANA protocol numbers FortiOS logs as `proto=`.
fn transport(proto: &str) -> Option<&'static str> {
    Some(match proto {
        "1" => "icmp",
        "2" => "igmp",
        "6" => "tcp",
        "17" => "udp",
        "41" => "ipv6",
        "47" => "gre",
        "50" => "esp",
        "51" => "ah",
        "58" => "ipv6-icmp",
        "89" => "ospf",
        "132" => "sctp",
        _ => return None,
    })
}

pub(crate) fn map(log: &Log<'_>, out: &mut Out) {
    out.address("source", log.get("srcip"));
    out.address("destination", log.get("dstip"));
    out.port("source.port", log.get("srcport"));
    out.port("destination.port", log.get("dstport"));
    out.str("observer.ingress.interface.name", log.get("srcintf"));
    out.str("observer.egress.interface.name", log.get("dstintf"));
    out.nat_ip("source.nat.ip", log.get("transip"));
    out.port("source.nat.port", log.get("transport"));
    out.nat_ip("destination.nat.ip", log.get("tranip"));
    out.port("destination.nat.port", log.get("tranport"));
    out.mac("source.mac", log.get("srcmac"));
    out.mac("destination.mac", log.get("dstmac"));
    for (prefix, key) in [("source", "srccountry"), ("destination", "dstcountry")] {
        if let Some(country) = log.get(key).filter(|c| *c != "Reserved") {
            out.str(&format!("{prefix}.geo.country_name"), Some(country));
        }
    }
    if let Some(name) = log.get("srcname").filter(|n| parse_ip(n).is_none()) {
        out.str("source.domain", Some(name));
        out.related.add_host(name);
    }
    // In event logs `hostname` names a cluster member or an endpoint, not the destination.
    let destination_host = if log.lower("type") == "event" {
        None
    } else {
        log.get("hostname").or(log.get("dstname"))
    };
    if let Some(host) = destination_host.filter(|n| parse_ip(n).is_none()) {
        out.str("destination.domain", Some(host));
        out.related.add_host(host);
        domain_fields("destination", host, &mut out.fields);
    }

    let user = log.get("user").or(log.get("xauthuser")).or(log.get("unauthuser"));
    out.user("user.name", user);
    out.user("source.user.name", user);
    out.str("user.group.name", log.get("group"));
    out.user("destination.user.name", log.get("dstuser"));

    if let Some(proto) = log.get("proto") {
        out.str("network.iana_number", Some(proto));
        out.str("network.transport", transport(proto));
    }
    if let Some(service) = log
        .get("service")
        .filter(|s| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    {
        out.str("network.protocol", Some(&service.to_ascii_lowercase()));
    }
    if let Some(app) = log.get("app") {
        out.str("network.application", Some(&app.to_ascii_lowercase()));
    }
    if let Some(ip) = log.get("srcip").and_then(parse_ip) {
        out.str("network.type", Some(if ip.is_ipv4() { "ipv4" } else { "ipv6" }));
    }
    let direction = match log.lower("direction").as_str() {
        "outgoing" => Some("outbound"),
        "incoming" => Some("inbound"),
        _ => None,
    };
    out.str("network.direction", direction);

    let sent = out.num("source.bytes", log.get("sentbyte"));
    let received = out.num("destination.bytes", log.get("rcvdbyte"));
    if let (Some(a), Some(b)) = (sent, received) {
        out.fields.insert("network.bytes".into(), (a.saturating_add(b)).into());
    }
    let sent = out.num("source.packets", log.get("sentpkt"));
    let received = out.num("destination.packets", log.get("rcvdpkt"));
    if let (Some(a), Some(b)) = (sent, received) {
        out.fields
            .insert("network.packets".into(), (a.saturating_add(b)).into());
    }
    if let Some(nanos) = log.get("duration").and_then(time_nanos) {
        out.fields.insert("event.duration".into(), nanos.into());
    }
}

/// The firewall policy as `rule.*`, unless the log names a signature (set by `utm`).
pub(crate) fn policy(log: &Log<'_>, out: &mut Out) {
    if out.fields.contains_key("rule.name") || out.fields.contains_key("rule.id") {
        return;
    }
    out.str("rule.id", log.get("policyid"));
    out.str("rule.name", log.get("policyname"));
    out.str("rule.uuid", log.get("poluuid"));
}
