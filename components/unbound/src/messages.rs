//! The text after `level: `: query and reply lines (`log-queries`, `log-replies`), the
//! resolver's own messages that name a question (`resolving`, `response for`, `validation
//! failure <...>`, `SERVFAIL <...>`), the daemon's start and stop, and statistics.

use edge_format_sdk::ecs::{domain_fields, parse_ip};
use edge_format_sdk::{Fields, Value};

use crate::stats;

pub(crate) fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `0.000123` (seconds, Unbound writes microseconds) to nanoseconds, without floats.
pub fn duration_ns(s: &str) -> Option<u64> {
    let (secs, frac) = s.split_once('.').unwrap_or((s, ""));
    if !all_digits(secs) || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut nanos: u64 = 0;
    for i in 0..9 {
        nanos = nanos * 10 + frac.as_bytes().get(i).map_or(0, |b| u64::from(b - b'0'));
    }
    secs.parse::<u64>().ok()?.checked_mul(1_000_000_000)?.checked_add(nanos)
}

/// `ip` as text: the logged text itself for an IPv4 address (Rust reads only the canonical
/// dotted quad), saving a formatting per event; IPv6 is re-formatted (case, `::`).
fn canonical_ip(text: &str, ip: std::net::IpAddr) -> String {
    if ip.is_ipv4() && text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        text.to_string()
    } else {
        ip.to_string()
    }
}

fn is_class(s: &str) -> bool {
    matches!(s, "IN" | "CH" | "HS" | "CS" | "NONE" | "ANY") || s.strip_prefix("CLASS").is_some_and(all_digits)
}

/// An RR type or rcode mnemonic: `A`, `AAAA`, `TYPE65`, `NXDOMAIN`, `NSEC3-PARAM`.
fn is_mnemonic(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

/// `name. TYPE CLASS` as Unbound prints a question (`dname_str`: absolute, non-printable bytes
/// as `\DDD`), or `None`.
fn question(name: &str, qtype: &str, qclass: &str) -> Option<()> {
    (name.ends_with('.') && is_mnemonic(qtype) && is_class(qclass)).then_some(())
}

/// Writes `dns.question.*` (the name without its trailing dot, `.` for the root; its public
/// suffix split) and `related.hosts`. The one-element `related.*` arrays are written directly:
/// the SDK's `Related` sets cost more than they save here (this runs per query).
fn insert_question(fields: &mut Fields, name: &str, qtype: &str, qclass: &str) {
    let name = match name.trim_end_matches('.') {
        "" => ".",
        trimmed => trimmed,
    };
    fields.insert("dns.question.name".into(), Value::from(name));
    fields.insert("dns.question.type".into(), Value::from(qtype));
    fields.insert("dns.question.class".into(), Value::from(qclass));
    if name != "." {
        domain_fields("dns.question", name, fields);
        let host = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            name.to_ascii_lowercase()
        } else {
            name.to_string()
        };
        fields.insert("related.hosts".into(), Value::Array(vec![Value::String(host)]));
    }
}

pub(crate) fn set(fields: &mut Fields, key: &str, value: impl Into<Value>) {
    fields.insert(key.into(), value.into());
}

fn categorize(fields: &mut Fields, action: &str, category: &str, kind: &str) {
    set(fields, "event.action", action);
    fields.insert("event.category".into(), Value::Array(vec![Value::from(category)]));
    fields.insert("event.type".into(), Value::Array(vec![Value::from(kind)]));
}

/// A query (`ip name type class`) or reply (`... rcode seconds cached size[ on <tr> <ip> <port>]`)
/// line; `false` (nothing written) for other text.
fn query_or_reply(fields: &mut Fields, text: &str) -> bool {
    let mut tokens = [""; 12];
    let mut count = 0;
    for token in text.split(' ') {
        if count == tokens.len() {
            return false;
        }
        tokens[count] = token;
        count += 1;
    }
    let (reply, on) = match count {
        4 => (false, None),
        8 => (true, None),
        // log-destaddr: ` on udp 192.0.2.53 53`
        12 if tokens[8] == "on" => (true, Some((tokens[9], tokens[10], tokens[11]))),
        _ => return false,
    };
    let Some(client) = parse_ip(tokens[0]) else {
        return false;
    };
    let (name, qtype, qclass) = (tokens[1], tokens[2], tokens[3]);
    // FORMERR replies have no question: `ip - - - FORMERR - - -`.
    let formerr = reply && name == "-" && qtype == "-" && qclass == "-";
    if !formerr && question(name, qtype, qclass).is_none() {
        return false;
    }
    let reply_fields = if reply {
        let (rcode, time, cached, size) = (tokens[4], tokens[5], tokens[6], tokens[7]);
        if !is_mnemonic(rcode) {
            return false;
        }
        if formerr {
            Some((rcode, None))
        } else {
            let (Some(duration), Ok(size)) = (duration_ns(time), size.parse::<u64>()) else {
                return false;
            };
            if !matches!(cached, "0" | "1") {
                return false;
            }
            Some((rcode, Some((duration, cached == "1", size))))
        }
    } else {
        None
    };
    let ip = canonical_ip(tokens[0], client);
    set(fields, "source.ip", ip.as_str());
    set(fields, "source.address", tokens[0]);
    set(fields, "client.ip", ip.as_str());
    let mut related_ips = vec![Value::String(ip)];
    if !formerr {
        insert_question(fields, name, qtype, qclass);
    }
    match reply_fields {
        None => {
            categorize(fields, "dns_query", "network", "protocol");
            set(fields, "dns.type", "query");
        }
        Some((rcode, details)) => {
            categorize(fields, "dns_reply", "network", "protocol");
            set(fields, "dns.type", "answer");
            set(fields, "dns.response_code", rcode);
            set(
                fields,
                "event.outcome",
                if rcode == "NOERROR" { "success" } else { "failure" },
            );
            if let Some((duration, cached, size)) = details {
                set(fields, "event.duration", duration);
                set(fields, "unbound.reply.cached", cached);
                set(fields, "unbound.reply.size", size);
            }
        }
    }
    if let Some((transport, local, port)) = on {
        // `udp`, `tcp`, `dot` (TLS), `doh` (HTTPS), `unix`, `raw`: ECS has only the layer 4 name.
        let l4 = match transport {
            "udp" => Some("udp"),
            "tcp" | "dot" | "doh" => Some("tcp"),
            _ => None,
        };
        if let Some(l4) = l4 {
            set(fields, "network.transport", l4);
        }
        set(fields, "unbound.reply.transport", transport);
        if let Some(ip) = parse_ip(local) {
            let ip = Value::String(ip.to_string());
            set(fields, "destination.ip", ip.clone());
            if !related_ips.contains(&ip) {
                related_ips.push(ip);
                related_ips.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            }
        }
        if let Ok(port) = port.parse::<u16>() {
            set(fields, "destination.port", port);
        }
    }
    fields.insert("related.ip".into(), Value::Array(related_ips));
    true
}

/// `<name. TYPE CLASS>` at the front of `s` → the question and the rest after `>`.
fn bracketed_question(s: &str) -> Option<(&str, &str, &str, &str)> {
    let (inner, rest) = s.strip_prefix('<')?.split_once('>')?;
    let mut parts = inner.split(' ');
    let (name, qtype, qclass) = (parts.next()?, parts.next()?, parts.next()?);
    question(name, qtype, qclass)?;
    parts.next().is_none().then_some((name, qtype, qclass, rest))
}

/// `resolving|response for|generate keytag query <name. TYPE CLASS>`, `validation failure
/// <...>: why`, `SERVFAIL <...>: why`, `reply from <zone.> ip#port`.
fn resolver(fields: &mut Fields, text: &str) -> bool {
    for (prefix, action) in [
        ("resolving ", "dns_resolving"),
        ("response for ", "dns_response"),
        ("generate keytag query ", "dns_keytag_query"),
    ] {
        if let Some(rest) = text.strip_prefix(prefix) {
            let mut parts = rest.split(' ');
            let (Some(name), Some(qtype), Some(qclass), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return false;
            };
            if question(name, qtype, qclass).is_none() {
                return false;
            }
            insert_question(fields, name, qtype, qclass);
            categorize(fields, action, "network", "protocol");
            return true;
        }
    }
    let (action, rcode, bracketed) = if let Some(rest) = text.strip_prefix("validation failure ") {
        ("dns_validation_failure", None, rest)
    } else if let Some((rcode, _)) = text.split_once(" <").filter(|(r, _)| is_mnemonic(r)) {
        // `log-servfail`: `SERVFAIL <name. A IN>: all the configured stub or forward servers failed, ...`
        let action = if rcode == "SERVFAIL" {
            "dns_servfail"
        } else {
            "dns_error"
        };
        (action, Some(rcode), &text[rcode.len() + 1..])
    } else if let Some(rest) = text.strip_prefix("reply from <") {
        return reply_from(fields, rest);
    } else {
        return false;
    };
    let Some((name, qtype, qclass, why)) = bracketed_question(bracketed) else {
        return false;
    };
    insert_question(fields, name, qtype, qclass);
    categorize(fields, action, "network", "protocol");
    set(fields, "event.outcome", "failure");
    if let Some(rcode) = rcode {
        set(fields, "dns.response_code", rcode);
    }
    let why = why.trim_start_matches(':').trim();
    if !why.is_empty() {
        set(fields, "event.reason", why);
    }
    true
}

/// `reply from <zone.> 192.0.2.1#53`: the upstream server that answered for a zone.
fn reply_from(fields: &mut Fields, rest: &str) -> bool {
    let Some((zone, server)) = rest.split_once("> ") else {
        return false;
    };
    let (ip, port) = server.split_once('#').unwrap_or((server, ""));
    let Some(ip) = parse_ip(ip) else {
        return false;
    };
    let ip = ip.to_string();
    set(fields, "server.ip", ip.as_str());
    fields.insert("related.ip".into(), Value::Array(vec![Value::String(ip)]));
    if let Ok(port) = port.trim().parse::<u16>() {
        set(fields, "server.port", port);
    }
    let zone = match zone.trim_end_matches('.') {
        "" => ".",
        trimmed => trimmed,
    };
    set(fields, "unbound.zone", zone);
    categorize(fields, "dns_reply_from", "network", "protocol");
    true
}

/// `start of service (unbound 1.19.0).` / `service stopped (unbound 1.19.0).`
fn daemon(fields: &mut Fields, text: &str) -> bool {
    let (action, kind, rest) = if let Some(rest) = text.strip_prefix("start of service") {
        ("service_start", "start", rest)
    } else if let Some(rest) = text.strip_prefix("service stopped") {
        ("service_stop", "end", rest)
    } else {
        return false;
    };
    categorize(fields, action, "process", kind);
    set(fields, "event.outcome", "success");
    let version = rest
        .trim_start()
        .strip_prefix("(unbound ")
        .and_then(|v| v.split_once(')'));
    if let Some((version, _)) = version {
        set(fields, "service.version", version);
    }
    true
}

/// Writes what `text` (after `level: `) says; other texts add nothing.
pub fn insert(fields: &mut Fields, level: &str, text: &str) {
    if matches!(level, "info" | "query" | "reply") {
        let _ = query_or_reply(fields, text)
            || resolver(fields, text)
            || daemon(fields, text)
            || stats::statistics(fields, text);
    } else {
        // `error: SERVFAIL <...>: ...`, `debug: resolving ...`
        let _ = resolver(fields, text);
    }
}
