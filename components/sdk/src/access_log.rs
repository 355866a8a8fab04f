//! Web server access logs shared by the `nginx` and `apache` formats: the NCSA common and
//! combined line formats, what people append to them, and their ECS mapping.
//!
//! ```text
//! 192.0.2.10 - alice [22/Nov/2026:22:44:57 +0100] "GET /path?q=1 HTTP/1.1" 200 1234 "https://ref.example/" "Mozilla/5.0 ..." 0.012 "203.0.113.9"
//! ```
//!
//! `-` means absent everywhere. Items after the user agent (Apache's `%D` or `%I %O`, nginx's
//! `$request_time` or `"$http_x_forwarded_for"`, `rt=0.012` pairs…) are read as [`Extra`]s, which
//! each format maps. A line cut short after its `[time]` (a log shipper's line limit) keeps
//! what it has, [`AccessLine::truncated`] says so.

mod parse;

pub use parse::{parse_access_line, parse_vhost_access_line, AccessLine, Extra, ExtraForm};

use crate::ecs::{address_fields, domain_fields, present, user_agent_fields, Related};
use crate::{Fields, Value, TIMESTAMP};

/// The month number of an English abbreviation (`Nov` → 11), as Apache and nginx write it.
pub fn month_number(abbreviation: &str) -> Option<u8> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    MONTHS
        .iter()
        .position(|m| *m == abbreviation)
        .and_then(|i| u8::try_from(i + 1).ok())
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// `22/Nov/2026:22:44:57 +0100` (`%t`, `$time_local`) → `2026-11-22T22:44:57+01:00`: the same
/// instant written in RFC 3339, so that fixtures can check it natively (the host canonicalizes
/// either). `None` when the text is not that shape.
pub fn clf_time_to_rfc3339(time: &str) -> Option<String> {
    let (date_time, zone) = time.split_once(' ')?;
    let mut parts = date_time.splitn(3, '/');
    let (day, month, rest) = (parts.next()?, parts.next()?, parts.next()?);
    let (year, clock) = rest.split_once(':')?;
    let month = month_number(month)?;
    let zone_ok = zone.len() == 5 && zone.starts_with(['+', '-']) && digits(&zone[1..], 4);
    let clock_ok = clock.len() >= 8
        && clock.as_bytes()[2] == b':'
        && clock.as_bytes()[5] == b':'
        && [&clock[..2], &clock[3..5], &clock[6..8]].iter().all(|p| digits(p, 2));
    if !digits(day, 2) || !digits(year, 4) || !zone_ok || !clock_ok {
        return None;
    }
    // A fraction (`%{msec_frac}t`-like customizations) is kept.
    let fraction = clock[8..]
        .strip_prefix('.')
        .filter(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    if clock.len() > 8 && fraction.is_none() {
        return None;
    }
    let fraction = fraction.map_or(String::new(), |f| format!(".{f}"));
    Some(format!(
        "{year}-{month:02}-{day}T{}{fraction}{}:{}",
        &clock[..8],
        &zone[..3],
        &zone[3..]
    ))
}

/// A quoted item after the user agent: an address list is `X-Forwarded-For`
/// ([`forwarded_for_fields`]), a host name (`www.example.org`, `www.example.org:8443`) is `Host`
/// ([`host_fields`]); anything else writes nothing.
pub fn forwarded_for_or_host_fields(value: &str, fields: &mut Fields, related: &mut Related) {
    if forwarded_for_fields(value, fields, related) {
        return;
    }
    let name = value.rsplit_once(':').map_or(value, |(name, _)| name);
    let is_host = name.contains('.')
        && !name.starts_with(['.', '-'])
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if is_host {
        host_fields(value, fields, related);
    }
}

/// Seconds with an optional decimal fraction (`0.125`: nginx's `$request_time`, Apache's `%T`)
/// as nanoseconds. `None` for anything else (`-`, `0.1, 0.2`).
pub fn seconds_to_nanos(seconds: &str) -> Option<u64> {
    let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let mut nanos = 0u64;
    for (i, digit) in fraction.bytes().take(9).enumerate() {
        nanos += u64::from(digit - b'0') * 10u64.pow(8 - i as u32);
    }
    whole.checked_mul(1_000_000_000)?.checked_add(nanos)
}

/// A `X-Forwarded-For` value (`203.0.113.9, 10.0.0.2`): the first address, the original client,
/// as `network.forwarded_ip`, and every address in `related.ip`. False, writing nothing, when
/// the value is not a list of IP addresses.
pub fn forwarded_for_fields(value: &str, fields: &mut Fields, related: &mut Related) -> bool {
    let mut ips = Vec::new();
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match crate::ecs::parse_ip(part) {
            Some(ip) => ips.push(ip),
            None => return false,
        }
    }
    let Some(first) = ips.first() else {
        return false;
    };
    fields.insert("network.forwarded_ip".into(), Value::String(first.to_string()));
    for ip in ips {
        related.add_ip(ip);
    }
    true
}

/// Splits a request line (`GET /path?q=1 HTTP/1.1`) into `http.request.method`, `url.*`
/// ([`url_fields`]) and `http.version`. HTTP/0.9 (`GET /`) has no version. Returns false, and
/// writes nothing, for a request that is not one (`-`, TLS bytes sent to a plain port…).
pub fn request_fields(request: &str, fields: &mut Fields, related: &mut Related) -> bool {
    let request = request.trim_matches(' ');
    let Some((method, rest)) = request.split_once(' ') else {
        return false;
    };
    if method.is_empty()
        || method.len() > 32
        || !method.bytes().all(|b| b.is_ascii_uppercase() || b == b'-' || b == b'_')
    {
        return false;
    }
    // The version is the last word; a target with spaces (a client that did not encode them)
    // is everything between.
    let rest = rest.trim_start_matches(' ');
    let (target, version) = match rest.rsplit_once(' ') {
        Some((target, last)) => match last.strip_prefix("HTTP/") {
            Some(number) if !number.is_empty() => (target.trim_end_matches(' '), Some(number)),
            _ => return false,
        },
        None => (rest, None),
    };
    if target.is_empty() || version.is_none() && target.starts_with("HTTP/") {
        return false;
    }
    fields.insert("http.request.method".into(), Value::String(method.to_owned()));
    url_fields(target, fields, related);
    if let Some(version) = version {
        fields.insert("http.version".into(), Value::String(version.to_owned()));
    }
    true
}

/// `url.original`, and from it `url.path`, `url.extension`, `url.query` and `url.fragment`; an absolute URL
/// (`http://host:8080/x`, proxies) also gives `url.scheme`, `url.domain` and `url.port`
/// ([`host_fields`]).
pub fn url_fields(target: &str, fields: &mut Fields, related: &mut Related) {
    fields.insert("url.original".into(), Value::String(target.to_owned()));
    let mut rest = target;
    if let Some((scheme, after)) = target.split_once("://") {
        if !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+') {
            let end = after.find(['/', '?', '#']).unwrap_or(after.len());
            let authority = &after[..end];
            let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
            fields.insert("url.scheme".into(), Value::String(scheme.to_ascii_lowercase()));
            host_fields(host, fields, related);
            rest = &after[end..];
        }
    }
    if !rest.starts_with('/') {
        // `CONNECT host:443`, `OPTIONS *`: no path.
        return;
    }
    let (rest, fragment) = match rest.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (rest, None),
    };
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    fields.insert("url.path".into(), Value::String(path.to_owned()));
    // ECS: the last extension of the file name, without the dot (`gz` of `a.tar.gz`).
    let file = path.rsplit('/').next().unwrap_or(path);
    if let Some((name, extension)) = file.rsplit_once('.') {
        if !name.is_empty() && !extension.is_empty() {
            fields.insert("url.extension".into(), Value::String(extension.to_owned()));
        }
    }
    if let Some(query) = query.filter(|q| !q.is_empty()) {
        fields.insert("url.query".into(), Value::String(query.to_owned()));
    }
    if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
        fields.insert("url.fragment".into(), Value::String(fragment.to_owned()));
    }
}

/// A `Host` value (`example.org`, `example.org:8080`, `[2001:db8::1]:443`): `url.domain`,
/// `url.port` (a number), the public suffix split of the domain ([`domain_fields`]) and
/// `related.hosts` (or `related.ip`).
pub fn host_fields(host: &str, fields: &mut Fields, related: &mut Related) {
    if !present(host) {
        return;
    }
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port))
            if (name.ends_with(']') || !name.contains(':'))
                && !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit()) =>
        {
            (name, port.parse::<u16>().ok())
        }
        _ => (host, None),
    };
    let name = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')).unwrap_or(name);
    if name.is_empty() {
        return;
    }
    fields.insert("url.domain".into(), Value::String(name.to_owned()));
    if let Some(port) = port {
        fields.insert("url.port".into(), Value::from(port));
    }
    match crate::ecs::parse_ip(name) {
        Some(ip) => related.add_ip(ip),
        None => {
            related.add_host(name);
            domain_fields("url", name, fields);
        }
    }
}

/// `http.response.status_code` (a number) and `event.outcome`: `success` below 400, else
/// `failure`. `-` writes nothing.
pub fn status_fields(status: &str, fields: &mut Fields) {
    let Ok(code) = status.parse::<u16>() else { return };
    fields.insert("http.response.status_code".into(), Value::from(code));
    let outcome = if code < 400 { "success" } else { "failure" };
    fields.insert("event.outcome".into(), Value::from(outcome));
}

/// `event.kind`, `event.category` `["web"]` and `event.type` `[kind]` (`access`, `error`).
pub fn web_event_fields(event_type: &str, fields: &mut Fields) {
    fields.insert("event.kind".into(), Value::from("event"));
    fields.insert("event.category".into(), Value::Array(vec![Value::from("web")]));
    fields.insert("event.type".into(), Value::Array(vec![Value::from(event_type)]));
}

/// Writes the ECS fields of a parsed access line (not its [`Extra`]s, which each format maps):
/// `@timestamp` (as logged, the host canonicalizes it), `source.*`, `user.name`, the request
/// ([`request_fields`]; a request that does not parse, such as TLS bytes sent to a plain port, is
/// kept as `event.original` with the whole `raw` line), status
/// and outcome, `http.response.body.bytes`, `http.request.referrer`, `user_agent.*` and
/// `event.*`. Addresses, hosts and the user go to `related`.
pub fn access_fields(line: &AccessLine<'_>, raw: &str, fields: &mut Fields, related: &mut Related) {
    web_event_fields("access", fields);
    let time = clf_time_to_rfc3339(line.time).unwrap_or_else(|| line.time.to_owned());
    fields.insert(TIMESTAMP.into(), Value::String(time));
    address_fields("source", line.client, fields, related);
    if present(line.user) {
        fields.insert("user.name".into(), Value::String(line.user.to_owned()));
        related.add_user(line.user);
    }
    if present(&line.request) && !request_fields(&line.request, fields, related) {
        fields.insert("event.original".into(), Value::String(raw.to_owned()));
    }
    status_fields(line.status, fields);
    if let Ok(bytes) = line.bytes.parse::<u64>() {
        fields.insert("http.response.body.bytes".into(), Value::from(bytes));
    }
    if let Some(referrer) = line.referrer.as_deref().filter(|r| present(r)) {
        fields.insert("http.request.referrer".into(), Value::String(referrer.to_owned()));
    }
    if let Some(ua) = &line.user_agent {
        user_agent_fields(ua, fields);
    }
}

/// An access line, maybe with a virtual host first ([`parse_vhost_access_line`]), read into
/// `fields` and `related` ([`access_fields`], [`host_fields`]): what the `apache` and `nginx`
/// formats share. Returns the virtual host and the line, whose extras are the format's to read.
pub fn vhost_access_fields<'a>(
    raw: &'a str,
    fields: &mut Fields,
    related: &mut Related,
) -> Result<(Option<&'a str>, AccessLine<'a>), String> {
    let (vhost, line) = parse_vhost_access_line(raw)?;
    access_fields(&line, raw, fields, related);
    if let Some(vhost) = vhost {
        host_fields(vhost, fields, related);
    }
    Ok((vhost, line))
}

#[cfg(test)]
mod tests;
