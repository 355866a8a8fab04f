//! The text after `level: `: query and reply lines (`log-queries`, `log-replies`), the
//! resolver's own messages that name a question (`resolving`, `response for`, `validation
//! failure <...>`, `SERVFAIL <...>`), the daemon's start and stop, and statistics.

use std::borrow::Cow;

use edge_format_sdk::ecs::{domain_fields, parse_ip};
use edge_format_sdk::{Sink, Value};

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
fn canonical_ip(text: &str, ip: std::net::IpAddr) -> Cow<'_, str> {
    if ip.is_ipv4() && text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(ip.to_string())
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
fn insert_question<'a>(sink: &mut impl Sink<'a>, name: &'a str, qtype: &'a str, qclass: &'a str) {
    let name = match name.trim_end_matches('.') {
        "" => ".",
        trimmed => trimmed,
    };
    sink.set("dns.question.name", name);
    sink.set("dns.question.type", qtype);
    sink.set("dns.question.class", qclass);
    if name != "." {
        domain_fields("dns.question", name, sink);
        let host = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            name.to_ascii_lowercase()
        } else {
            name.to_string()
        };
        sink.set("related.hosts", Value::Array(vec![Value::String(host)]));
    }
}

fn categorize<'a>(sink: &mut impl Sink<'a>, action: &'a str, category: &'a str, kind: &'a str) {
    sink.set("event.action", action);
    sink.set("event.category", Value::Array(vec![Value::from(category)]));
    sink.set("event.type", Value::Array(vec![Value::from(kind)]));
}

/// A query (`ip name type class`) or reply (`... rcode seconds cached size[ on <tr> <ip> <port>]`)
/// line; `false` (nothing written) for other text.
fn query_or_reply<'a>(sink: &mut impl Sink<'a>, text: &'a str) -> bool {
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
    sink.set("source.ip", ip.clone());
    sink.set("source.address", tokens[0]);
    sink.set("client.ip", ip.clone());
    let mut related_ips = vec![Value::String(ip.into_owned())];
    if !formerr {
        insert_question(sink, name, qtype, qclass);
    }
    match reply_fields {
        None => {
            categorize(sink, "dns_query", "network", "protocol");
            sink.set("dns.type", "query");
        }
        Some((rcode, details)) => {
            categorize(sink, "dns_reply", "network", "protocol");
            sink.set("dns.type", "answer");
            sink.set("dns.response_code", rcode);
            sink.set("event.outcome", if rcode == "NOERROR" { "success" } else { "failure" });
            if let Some((duration, cached, size)) = details {
                sink.set("event.duration", duration);
                sink.set("unbound.reply.cached", cached);
                sink.set("unbound.reply.size", size);
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
            sink.set("network.transport", l4);
        }
        sink.set("unbound.reply.transport", transport);
        if let Some(ip) = parse_ip(local) {
            let ip = Value::String(ip.to_string());
            sink.set("destination.ip", ip.clone());
            if !related_ips.contains(&ip) {
                related_ips.push(ip);
                related_ips.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            }
        }
        if let Ok(port) = port.parse::<u16>() {
            sink.set("destination.port", port);
        }
    }
    sink.set("related.ip", Value::Array(related_ips));
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
fn resolver<'a>(sink: &mut impl Sink<'a>, text: &'a str) -> bool {
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
            insert_question(sink, name, qtype, qclass);
            categorize(sink, action, "network", "protocol");
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
        return reply_from(sink, rest);
    } else {
        return false;
    };
    let Some((name, qtype, qclass, why)) = bracketed_question(bracketed) else {
        return false;
    };
    insert_question(sink, name, qtype, qclass);
    categorize(sink, action, "network", "protocol");
    sink.set("event.outcome", "failure");
    if let Some(rcode) = rcode {
        sink.set("dns.response_code", rcode);
    }
    let why = why.trim_start_matches(':').trim();
    if !why.is_empty() {
        sink.set("event.reason", why);
    }
    true
}

/// `reply from <zone.> 192.0.2.1#53`: the upstream server that answered for a zone.
fn reply_from<'a>(sink: &mut impl Sink<'a>, rest: &'a str) -> bool {
    let Some((zone, server)) = rest.split_once("> ") else {
        return false;
    };
    let (ip, port) = server.split_once('#').unwrap_or((server, ""));
    let Some(ip) = parse_ip(ip) else {
        return false;
    };
    let ip = ip.to_string();
    sink.set("server.ip", ip.clone());
    sink.set("related.ip", Value::Array(vec![Value::String(ip)]));
    if let Ok(port) = port.trim().parse::<u16>() {
        sink.set("server.port", port);
    }
    let zone = match zone.trim_end_matches('.') {
        "" => ".",
        trimmed => trimmed,
    };
    sink.set("unbound.zone", zone);
    categorize(sink, "dns_reply_from", "network", "protocol");
    true
}

/// `start of service (unbound 1.19.0).` / `service stopped (unbound 1.19.0).`
fn daemon<'a>(sink: &mut impl Sink<'a>, text: &'a str) -> bool {
    let (action, kind, rest) = if let Some(rest) = text.strip_prefix("start of service") {
        ("service_start", "start", rest)
    } else if let Some(rest) = text.strip_prefix("service stopped") {
        ("service_stop", "end", rest)
    } else {
        return false;
    };
    categorize(sink, action, "process", kind);
    sink.set("event.outcome", "success");
    let version = rest
        .trim_start()
        .strip_prefix("(unbound ")
        .and_then(|v| v.split_once(')'));
    if let Some((version, _)) = version {
        sink.set("service.version", version);
    }
    true
}

/// Writes what `text` (after `level: `) says; other texts add nothing.
pub fn insert<'a>(sink: &mut impl Sink<'a>, level: &'a str, text: &'a str) {
    if matches!(level, "info" | "query" | "reply") {
        let _ =
            query_or_reply(sink, text) || resolver(sink, text) || daemon(sink, text) || stats::statistics(sink, text);
    } else {
        // `error: SERVFAIL <...>: ...`, `debug: resolving ...`
        let _ = resolver(sink, text);
    }
}
