//! Firepower events sent as syslog by FTD (430001 intrusion, 430002/430003 connection start
//! and end, 430004 file, 430005 malware): `Key: value` pairs separated by `, `.

use crate::out::{Endpoint, Out, Side};

/// The pairs in order. A `, ` not followed by a `Key: ` belongs to the value (URLs, messages).
pub fn pairs(text: &str) -> Vec<(&str, &str)> {
    let mut starts = vec![0];
    starts.extend(
        text.match_indices(", ")
            .map(|(i, _)| i + 2)
            .filter(|&i| key_at(&text[i..]).is_some()),
    );
    let mut pairs = Vec::with_capacity(starts.len());
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(text.len(), |next| next - 2);
        let segment = &text[start..end];
        if let Some(key_len) = key_at(segment) {
            pairs.push((&segment[..key_len], segment[key_len + 1..].trim()));
        }
    }
    pairs
}

/// The length of a `Key` at the start of `text` followed by `:` (then a space or the end).
fn key_at(text: &str) -> Option<usize> {
    let colon = text.find(':')?;
    let key = &text[..colon];
    let ok = !key.is_empty()
        && key.len() <= 40
        && key.as_bytes()[0].is_ascii_alphabetic()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b' ' || b == b'-');
    let after = &text[colon + 1..];
    (ok && (after.is_empty() || after.starts_with(' '))).then_some(colon)
}

/// Whether an FTD user value names nobody.
fn no_user(user: &str) -> bool {
    user.starts_with("No Authentication") || matches!(user, "Unknown" | "Not Found" | "N/A" | "")
}

pub fn security_event(id: &str, text: &str, out: &mut Out) -> Option<()> {
    let pairs = Pairs(pairs(text));
    if pairs.0.is_empty() {
        return None;
    }
    let get = |name: &str| pairs.get(name);
    for (key, value) in &pairs.0 {
        if !value.is_empty() {
            out.str(
                &format!("cisco.asa.security_event.{}", key.replace([' ', '-'], "_")),
                value,
            );
        }
    }
    let endpoint = |ip: &'static str, port: &'static str, interface: &'static str| {
        get(ip).map(|ip| Endpoint {
            interface: get(interface),
            ip,
            port: get(port),
            ..Endpoint::default()
        })
    };
    if let Some(source) = endpoint("SrcIP", "SrcPort", "IngressInterface") {
        out.endpoint(Side::Source, &source);
    }
    if let Some(destination) = endpoint("DstIP", "DstPort", "EgressInterface") {
        out.endpoint(Side::Destination, &destination);
    }
    // FTD repeats the real address when nothing was translated: only a change is NAT.
    for (side, ip, port, nat_ip, nat_port) in [
        ("source", "SrcIP", "SrcPort", "NAT_InitiatorIP", "NAT_InitiatorPort"),
        (
            "destination",
            "DstIP",
            "DstPort",
            "NAT_ResponderIP",
            "NAT_ResponderPort",
        ),
    ] {
        if let Some(mapped) = get(nat_ip) {
            if get(ip) != Some(mapped) || get(port) != get(nat_port) {
                out.ip_only(&format!("{side}.nat.ip"), mapped);
                out.port(&format!("{side}.nat.port"), get(nat_port));
            }
        }
    }
    if let Some(zone) = get("IngressZone") {
        out.str("observer.ingress.zone", zone);
    }
    if let Some(zone) = get("EgressZone") {
        out.str("observer.egress.zone", zone);
    }
    if let Some(protocol) = get("Protocol") {
        out.transport(protocol);
    }
    if let Some(app) = get("ApplicationProtocol") {
        out.str("network.protocol", &app.to_ascii_lowercase());
    }
    if let Some(user) = get("User").filter(|u| !no_user(u)) {
        out.user("user.name", user);
    }
    if let Some(rule) = get("AccessControlRuleName") {
        out.str("rule.name", rule);
    }
    if let Some(policy) = get("ACPolicy") {
        out.str("rule.ruleset", policy);
    }
    if let Some(url) = get("URL").or_else(|| get("URI")) {
        out.str("url.original", url);
    }
    if let Some(query) = get("DNSQuery") {
        out.str("dns.question.name", query);
    }
    if let Some(start) = get("FirstPacketSecond") {
        out.str("event.start", start);
    }
    let (ib, rb) = (num(get("InitiatorBytes")), num(get("ResponderBytes")));
    let (ip, rp) = (num(get("InitiatorPackets")), num(get("ResponderPackets")));
    for (key, value) in [
        ("source.bytes", ib),
        ("destination.bytes", rb),
        ("source.packets", ip),
        ("destination.packets", rp),
    ] {
        if let Some(value) = value {
            out.num(key, value);
        }
    }
    if let (Some(a), Some(b)) = (ib, rb) {
        out.num("network.bytes", a.saturating_add(b));
    }
    if let (Some(a), Some(b)) = (ip, rp) {
        out.num("network.packets", a.saturating_add(b));
    }
    if let Some(seconds) = num(get("ConnectionDuration")) {
        out.num("event.duration", seconds.saturating_mul(1_000_000_000));
    }
    match id {
        "430001" => intrusion(&pairs, out),
        "430004" | "430005" => file(id, &pairs, out),
        _ => connection(id, &pairs, out),
    }
    Some(())
}

/// The pairs of one event, looked up by key.
struct Pairs<'a>(Vec<(&'a str, &'a str)>);

impl<'a> Pairs<'a> {
    /// The first non-empty value of `name`.
    fn get(&self, name: &str) -> Option<&'a str> {
        self.0
            .iter()
            .find(|(k, v)| *k == name && !v.is_empty())
            .map(|(_, v)| *v)
    }
}

fn num(value: Option<&str>) -> Option<u64> {
    value.and_then(|v| v.parse().ok())
}

/// Allowed or blocked, from the access control action (`Allow`, `Trust`, `Block`, `Block with
/// reset`, `Interactive Block`…).
fn blocked(action: &str) -> bool {
    let action = action.to_ascii_lowercase();
    action.contains("block") || action.contains("drop") || action.contains("reset")
}

fn connection(id: &str, p: &Pairs<'_>, out: &mut Out) {
    let action = p.get("AccessControlRuleAction");
    let denied = action.is_some_and(blocked);
    let end = if id == "430003" { "end" } else { "start" };
    let (verdict, outcome) = if denied {
        ("denied", "failure")
    } else {
        ("allowed", "success")
    };
    let known = action.is_some();
    let types: Vec<&str> = ["connection", end]
        .into_iter()
        .chain(known.then_some(verdict))
        .collect();
    let name = if id == "430003" {
        "connection-finished"
    } else {
        "connection-started"
    };
    out.class("event", &["network"], &types, name, known.then_some(outcome));
    if let Some(reason) = p.get("AccessControlRuleReason") {
        out.str("event.reason", reason);
    }
}

fn intrusion(p: &Pairs<'_>, out: &mut Out) {
    if let Some(sid) = p.get("SID") {
        out.str("rule.id", sid);
    }
    if let Some(revision) = p.get("Revision") {
        out.str("rule.version", revision);
    }
    if let Some(message) = p.get("Message") {
        out.str("rule.name", message);
    }
    if let Some(classification) = p.get("Classification") {
        out.str("rule.category", classification);
    }
    if let Some(policy) = p.get("IntrusionPolicy") {
        out.str("rule.ruleset", policy);
    }
    let blocked = p
        .get("InlineResult")
        .is_some_and(|r| matches!(r, "Blocked" | "Dropped" | "Block"));
    let types: &[&str] = if blocked { &["denied"] } else { &["info"] };
    out.class(
        "alert",
        &["intrusion_detection", "network"],
        types,
        "intrusion-event",
        None,
    );
}

fn file(id: &str, p: &Pairs<'_>, out: &mut Out) {
    if let Some(name) = p.get("FileName") {
        out.str("file.name", name);
    }
    if let Some(size) = num(p.get("FileSize")) {
        out.num("file.size", size);
    }
    if let Some(hash) = p.get("FileSHA256").or_else(|| p.get("SHA256")) {
        out.str("file.hash.sha256", hash);
    }
    if let Some(threat) = p.get("ThreatName") {
        out.str("threat.software.name", threat);
    }
    if id == "430005" {
        out.class("alert", &["malware", "file"], &["info"], "malware-event", None);
    } else {
        out.class("event", &["file"], &["info"], "file-event", None);
    }
}
