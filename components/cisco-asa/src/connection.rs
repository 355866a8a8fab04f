//! Connections and translations: 302013–302016 (TCP/UDP built and teardown), 302020/302021
//! (ICMP), 305011/305012 (NAT translations).

use crate::endpoint::{add_groups, address, after, duration_nanos, endpoint};
use crate::out::{Endpoint, Out, Side};

/// One side of `for A (mapped)(user) to B (mapped)(user)`: the endpoint token and the `(…)`
/// tokens after it. Returns the endpoint and how many tokens it used.
fn side<'a>(tokens: &[&'a str]) -> Option<(Endpoint<'a>, usize)> {
    let mut e = endpoint(tokens.first()?)?;
    let mut used = 1;
    // A separate `(…)` group is the mapped address (a user glued after it is read with it);
    // any other one is the AAA user of the whole connection, read by the caller.
    for token in &tokens[1..] {
        let inner = token.strip_prefix('(').and_then(|t| t.split(')').next());
        if e.mapped_ip.is_some() || inner.and_then(address).is_none() {
            break;
        }
        add_groups(&mut e, token);
        used += 1;
    }
    Some((e, used))
}

/// `Built inbound TCP connection 123 for outside:… (…) to inside:… (…)[ (user)]` and
/// `Teardown TCP connection 123 for … to … duration 0:01:02 bytes 4512 TCP FINs[ (user)]`.
pub fn tcp_udp(text: &str, out: &mut Out) -> Option<()> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let built = tokens.first() == Some(&"Built");
    let (direction, rest) = if built {
        (Some(*tokens.get(1)?), tokens.get(2..)?)
    } else {
        (None, tokens.get(1..)?)
    };
    // rest: PROTO connection ID for A … to B …
    let [protocol, _connection, id, _for, ..] = rest else {
        return None;
    };
    let (first, used) = side(&rest[4..])?;
    let after_first = rest.get(4 + used..)?;
    if after_first.first() != Some(&"to") {
        return None;
    }
    let (second, used) = side(&after_first[1..])?;
    let tail = &after_first[1 + used..];

    out.transport(protocol);
    out.str("cisco.asa.connection_id", id);
    let outbound = direction == Some("outbound");
    // ASA names the foreign (lower security) side first; an outbound connection starts at the
    // second one.
    let (source, destination) = if outbound { (&second, &first) } else { (&first, &second) };
    out.endpoint(Side::Source, source);
    out.endpoint(Side::Destination, destination);
    if let Some(direction) = direction.filter(|d| matches!(*d, "inbound" | "outbound")) {
        out.str("network.direction", direction);
    }
    if built {
        flow_started(out);
        if let Some(user) = tail
            .first()
            .and_then(|t| t.strip_prefix('('))
            .map(|t| t.trim_end_matches(')'))
        {
            out.user("user.name", user);
        }
        return Some(());
    }
    flow_ended(out);
    let joined = tail.join(" ");
    if let Some(duration) = after(&joined, "duration").and_then(duration_nanos) {
        out.num("event.duration", duration);
    }
    if let Some(bytes) = after(&joined, "bytes").and_then(|b| b.parse::<u64>().ok()) {
        out.num("network.bytes", bytes);
    }
    // The teardown reason runs from after the byte count to an optional `(user)` at the end.
    let mut reason: Vec<&str> = tail.iter().skip_while(|t| **t != "bytes").skip(2).copied().collect();
    if let Some(last) = reason.last().filter(|l| l.starts_with('(') && l.ends_with(')')) {
        out.user("user.name", last.trim_start_matches('(').trim_end_matches(')'));
        reason.pop();
    }
    let reason = reason.join(" ");
    out.str("event.reason", &reason);
    out.str("cisco.asa.termination_reason", &reason);
    Some(())
}

/// `Built inbound ICMP connection for faddr 198.51.100.7/1 gaddr 203.0.113.2/0 laddr
/// 192.0.2.10/0[(user)] type 8 code 0` and `Teardown ICMP connection for …`. The number after
/// each address is the ICMP identifier, not a port.
pub fn icmp(text: &str, out: &mut Out) -> Option<()> {
    let built = text.starts_with("Built");
    let direction = if built { text.split_whitespace().nth(1) } else { None };
    let protocol = text
        .split_whitespace()
        .find(|t| t.to_ascii_uppercase().starts_with("ICMP"))?;
    let faddr = endpoint(after(text, "faddr")?)?;
    let laddr = endpoint(after(text, "laddr")?)?;
    let gaddr = after(text, "gaddr").and_then(endpoint);
    out.transport(protocol);
    let local = Endpoint {
        port: None,
        mapped_ip: gaddr.as_ref().map(|g| g.ip),
        ..laddr
    };
    let foreign = Endpoint { port: None, ..faddr };
    let (source, destination) = if direction == Some("outbound") {
        (&local, &foreign)
    } else {
        (&foreign, &local)
    };
    out.endpoint(Side::Source, source);
    out.endpoint(Side::Destination, destination);
    if let Some(direction) = direction.filter(|d| matches!(*d, "inbound" | "outbound")) {
        out.str("network.direction", direction);
    }
    if let Some(t) = after(text, "type") {
        out.num_str("cisco.asa.icmp_type", t);
    }
    if let Some(c) = after(text, "code") {
        out.num_str("cisco.asa.icmp_code", c);
    }
    if built {
        flow_started(out);
    } else {
        flow_ended(out);
    }
    Some(())
}

/// `Built dynamic TCP translation from inside:192.0.2.10/51234 to outside:203.0.113.2/51234`
/// and `Teardown static UDP translation from … to … duration 0:00:30`.
pub fn translation(text: &str, out: &mut Out) -> Option<()> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let [verb, kind, protocol, _translation, _from, real, _to, mapped, ..] = tokens.as_slice() else {
        return None;
    };
    let real = endpoint(real)?;
    let mapped = endpoint(mapped)?;
    out.transport(protocol);
    out.str("cisco.asa.translation_type", kind);
    let source = Endpoint {
        mapped_ip: Some(mapped.ip),
        mapped_port: mapped.port,
        ..real
    };
    out.endpoint(Side::Source, &source);
    if let Some(interface) = mapped.interface {
        out.str("observer.egress.interface.name", interface);
        out.str("cisco.asa.destination_interface", interface);
    }
    if let Some(duration) = after(text, "duration").and_then(duration_nanos) {
        out.num("event.duration", duration);
    }
    if *verb == "Built" {
        out.class(
            "event",
            &["network"],
            &["connection", "start"],
            "translation-creation",
            Some("success"),
        );
    } else {
        out.class(
            "event",
            &["network"],
            &["connection", "end"],
            "translation-expiration",
            Some("success"),
        );
    }
    Some(())
}

/// A connection built (302013, 302015, 302020): allowed traffic starting.
fn flow_started(out: &mut Out) {
    out.class(
        "event",
        &["network"],
        &["connection", "start", "allowed"],
        "flow-creation",
        Some("success"),
    );
}

/// A connection torn down (302014, 302016, 302021).
fn flow_ended(out: &mut Out) {
    out.class(
        "event",
        &["network"],
        &["connection", "end"],
        "flow-expiration",
        Some("success"),
    );
}
