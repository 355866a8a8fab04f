//! Where a recognised message is written: the fields, `related.*`, and the readers the message
//! parsers share (`host[address]:port` peers, SMTP replies, `key=value` lists).

use edge_format_sdk::access_log::seconds_to_nanos;
use edge_format_sdk::ecs::{domain_fields, parse_ip, present};
use edge_format_sdk::{Fields, Related, Value};

pub const EMAIL: &[&str] = &["email"];
pub const NETWORK: &[&str] = &["network"];
pub const AUTHENTICATION: &[&str] = &["authentication"];
pub const PROCESS: &[&str] = &["process"];

pub const INFO: &[&str] = &["info"];
pub const CONNECTION_START: &[&str] = &["connection", "start"];
pub const CONNECTION_END: &[&str] = &["connection", "end"];
pub const CONNECTION: &[&str] = &["connection"];
pub const PROTOCOL: &[&str] = &["protocol"];
pub const ALLOWED: &[&str] = &["allowed"];
pub const DENIED: &[&str] = &["denied"];

pub const SUCCESS: &str = "success";
pub const FAILURE: &str = "failure";

/// The fields of one event being built.
#[derive(Default)]
pub struct Out {
    pub fields: Fields,
    pub related: Related,
}

impl Out {
    pub fn str(&mut self, key: &str, value: &str) {
        if !value.is_empty() {
            self.fields.insert(key.into(), Value::String(value.to_owned()));
        }
    }

    pub fn num(&mut self, key: &str, value: u64) {
        self.fields.insert(key.into(), Value::from(value));
    }

    /// `event.kind` `event` with an action, categories, types and an optional outcome.
    pub fn categorize(&mut self, action: &str, category: &[&str], types: &[&str], outcome: Option<&str>) {
        self.str("event.kind", "event");
        self.str("event.action", action);
        let list = |v: &[&str]| Value::Array(v.iter().map(|s| Value::from(*s)).collect());
        self.fields.insert("event.category".into(), list(category));
        self.fields.insert("event.type".into(), list(types));
        if let Some(outcome) = outcome {
            self.str("event.outcome", outcome);
        }
    }

    /// `{side}.*` of a peer: `.domain` (unless `unknown`, with its public suffix split),
    /// `.ip`, `.address` (the IP, else the name) and `.port`.
    pub fn peer(&mut self, side: &str, peer: &Peer<'_>) {
        let ip = peer.address.and_then(parse_ip);
        if let Some(ip) = ip {
            self.str(&format!("{side}.ip"), &ip.to_string());
            self.str(&format!("{side}.address"), &ip.to_string());
            self.related.add_ip(ip);
        }
        if let Some(name) = peer.name.filter(|n| present(n) && *n != "unknown") {
            self.str(&format!("{side}.domain"), name);
            domain_fields(side, name, &mut self.fields);
            self.related.add_host(name);
            if ip.is_none() {
                self.str(&format!("{side}.address"), name);
            }
        }
        if let Some(port) = peer.port {
            self.num(&format!("{side}.port"), u64::from(port));
        }
    }

    /// An SMTP reply (`554 5.7.1 <x@example.net>: Relay access denied`):
    /// `postfix.response.code`, `postfix.dsn` and the text as `event.reason`.
    pub fn reply(&mut self, reply: &str) {
        let reply = reply.trim();
        let (code, rest) = match reply.split_once(' ') {
            Some((code, rest)) if code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()) => {
                (code.parse::<u64>().ok(), rest)
            }
            _ => (None, reply),
        };
        if let Some(code) = code {
            self.num("postfix.response.code", code);
        }
        let (dsn, text) = match rest.split_once(' ') {
            Some((dsn, text)) if is_dsn(dsn) => (Some(dsn), text),
            _ if is_dsn(rest) => (Some(rest), ""),
            _ => (None, rest),
        };
        if let Some(dsn) = dsn {
            self.str("postfix.dsn", dsn);
        }
        self.str("event.reason", text.trim());
    }

    /// An e-mail address list field (`email.to.address`), the `<>` null sender left out.
    pub fn address(&mut self, key: &str, address: &str) {
        if !address.is_empty() {
            self.fields
                .insert(key.into(), Value::Array(vec![Value::String(address.to_owned())]));
        }
    }

    /// Seconds as written by Postfix (`1.2`, `.05`, `0`) as `event.duration` (nanoseconds).
    pub fn duration(&mut self, seconds: &str) {
        if let Some(nanos) = seconds_to_nanos(seconds) {
            self.num("event.duration", nanos);
        }
    }

    /// A decimal number of seconds as a JSON number (`postfix.delays.*`).
    pub fn seconds(&mut self, key: &str, seconds: &str) {
        if let Some(value) = seconds.parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0) {
            self.fields.insert(key.into(), Value::from(value));
        }
    }
}

/// An enhanced status code (RFC 3463): `5.7.1`, `4.4.1`, `2.0.0`.
pub fn is_dsn(text: &str) -> bool {
    let mut parts = text.split('.');
    let class = parts.next().unwrap_or_default();
    matches!(class, "2" | "4" | "5")
        && parts.clone().count() == 2
        && parts.all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// A peer as Postfix writes it: `name[address]`, `name[address]:port`, `[address]:port`
/// (postscreen), `unknown[unknown]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer<'a> {
    pub name: Option<&'a str>,
    pub address: Option<&'a str>,
    pub port: Option<u16>,
}

/// Reads a peer that is the whole of `text`.
pub fn peer(text: &str) -> Option<Peer<'_>> {
    let text = text.trim();
    let open = text.find('[')?;
    let close = open + text[open..].rfind(']')?;
    let name = &text[..open];
    let address = &text[open + 1..close];
    let port = match &text[close + 1..] {
        "" => None,
        rest => Some(rest.strip_prefix(':')?.parse::<u16>().ok()?),
    };
    if name.contains([' ', '[', ']']) || address.contains(' ') {
        return None;
    }
    Some(Peer {
        name: Some(name).filter(|n| !n.is_empty()),
        address: Some(address).filter(|a| present(a) && *a != "unknown"),
        port,
    })
}

/// The peer that starts `text` (up to the first space or `:` after its `]`), and the rest.
pub fn leading_peer(text: &str) -> Option<(Peer<'_>, &str)> {
    let close = text.find(']')?;
    let after = &text[close + 1..];
    let port_len = after
        .strip_prefix(':')
        .map_or(0, |p| p.bytes().take_while(u8::is_ascii_digit).count());
    let end = close + 1 + if port_len > 0 { port_len + 1 } else { 0 };
    Some((peer(&text[..end])?, &text[end..]))
}

/// One `key=value` of a Postfix record; `note` is a parenthesized text after the value
/// (`status=sent (250 2.0.0 Ok)`, `nrcpt=1 (queue active)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair<'a> {
    pub key: &'a str,
    pub value: &'a str,
    pub note: Option<&'a str>,
}

fn is_key(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'-')
}

/// Reads `key=value` items separated by `, ` or spaces (`to=<a@b>, relay=x[1.2.3.4]:25,
/// delay=0.2`, `uid=0 from=<root>`, `from=<a> to=<b> proto=ESMTP helo=<c>`). A value in
/// angle brackets runs to its `>`, others to the next `,` or space. Stops at the first item
/// that is not one; returns the pairs and the text left.
pub fn pairs(text: &str) -> (Vec<Pair<'_>>, &str) {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        let item = rest.trim_start_matches([',', ' ']);
        let Some((key, after)) = item.split_once('=') else {
            break;
        };
        if !is_key(key) {
            break;
        }
        let (value, after) = if let Some(inner) = after.strip_prefix('<') {
            let Some(end) = inner.find('>') else { break };
            (&inner[..end], &inner[end + 1..])
        } else {
            let end = after.find([',', ' ']).unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        let (note, after) = match after.strip_prefix(" (") {
            Some(inner) => {
                let end = closing_paren(inner);
                (Some(&inner[..end]), inner.get(end + 1..).unwrap_or(""))
            }
            None => (None, after),
        };
        out.push(Pair { key, value, note });
        rest = after;
    }
    (out, rest)
}

/// The index of the `)` that closes a `(` just before `text`, else the end of `text`.
fn closing_paren(text: &str) -> usize {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'(' => depth += 1,
            // The closing `)` ends the record or is followed by the next item; one inside
            // the text (`(x) y)` after an unbalanced `(`) is not the end.
            b')' if depth == 0 && (text[i + 1..].is_empty() || text[i + 1..].starts_with([',', ' '])) => {
                return i;
            }
            b')' if depth == 0 => {}
            b')' => depth -= 1,
            _ => {}
        }
    }
    text.len()
}
