//! Web server access logs shared by the `nginx` and `apache` formats: the NCSA common and
//! combined line formats, and their ECS mapping.
//!
//! ```text
//! 192.0.2.10 - alice [22/Nov/2026:22:44:57 +0100] "GET /path?q=1 HTTP/1.1" 200 1234 "https://ref.example/" "Mozilla/5.0 ..."
//! ```
//!
//! `-` means absent everywhere. Text after the user agent (a custom suffix such as nginx's
//! `"$http_x_forwarded_for"`) is ignored.

use crate::ecs::{address_fields, domain_fields, present, user_agent_fields, Related};
use crate::{Fields, Value, TIMESTAMP};

/// One access log line, borrowed from the raw text. Quoted values are unescaped (`\"`, `\\`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLine<'a> {
    pub client: &'a str,
    pub ident: &'a str,
    pub user: &'a str,
    /// As logged, without the brackets: `22/Nov/2026:22:44:57 +0100`.
    pub time: &'a str,
    pub request: String,
    pub status: &'a str,
    pub bytes: &'a str,
    /// `None` for the common format.
    pub referrer: Option<String>,
    pub user_agent: Option<String>,
}

struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn skip_spaces(&mut self) {
        self.rest = self.rest.trim_start_matches(' ');
    }

    fn token(&mut self, what: &str) -> Result<&'a str, String> {
        self.skip_spaces();
        let end = self.rest.find(' ').unwrap_or(self.rest.len());
        let (token, rest) = self.rest.split_at(end);
        if token.is_empty() {
            return Err(format!("missing {what}"));
        }
        self.rest = rest;
        Ok(token)
    }

    fn bracketed(&mut self, what: &str) -> Result<&'a str, String> {
        self.skip_spaces();
        let inner = self
            .rest
            .strip_prefix('[')
            .ok_or_else(|| format!("expected [{what}]"))?;
        let end = inner.find(']').ok_or_else(|| format!("unterminated [{what}]"))?;
        self.rest = &inner[end + 1..];
        Ok(&inner[..end])
    }

    /// A `"..."` value; backslash escapes `\"` and `\\` are undone, others kept as written.
    fn quoted(&mut self, what: &str) -> Result<String, String> {
        self.skip_spaces();
        let inner = self
            .rest
            .strip_prefix('"')
            .ok_or_else(|| format!("expected quoted {what}"))?;
        let mut out = String::new();
        let mut chars = inner.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.rest = &inner[i + 1..];
                    return Ok(out);
                }
                '\\' => match chars.next() {
                    Some((_, e @ ('"' | '\\'))) => out.push(e),
                    Some((_, e)) => {
                        out.push('\\');
                        out.push(e);
                    }
                    None => out.push('\\'),
                },
                c => out.push(c),
            }
        }
        Err(format!("unterminated quoted {what}"))
    }
}

fn is_number_or_dash(value: &str) -> bool {
    value == "-" || (!value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()))
}

/// Parses a common or combined access log line.
pub fn parse_access_line(line: &str) -> Result<AccessLine<'_>, String> {
    let mut c = Cursor { rest: line.trim() };
    let client = c.token("client address")?;
    let ident = c.token("ident")?;
    let user = c.token("user")?;
    let time = c.bracketed("time")?;
    let request = c.quoted("request")?;
    let status = c.token("status")?;
    let bytes = c.token("bytes")?;
    if !is_number_or_dash(status) || status.len() > 3 {
        return Err(format!("invalid status {status:?}"));
    }
    if !is_number_or_dash(bytes) {
        return Err(format!("invalid byte count {bytes:?}"));
    }
    c.skip_spaces();
    let (referrer, user_agent) = if c.rest.is_empty() {
        (None, None)
    } else {
        (Some(c.quoted("referrer")?), Some(c.quoted("user agent")?))
    };
    Ok(AccessLine {
        client,
        ident,
        user,
        time,
        request,
        status,
        bytes,
        referrer,
        user_agent,
    })
}

/// Splits a request line (`GET /path?q=1 HTTP/1.1`) into `http.request.method`, `url.*`
/// ([`url_fields`]) and `http.version`. HTTP/0.9 (`GET /`) has no version. Returns false, and
/// writes nothing, for a request that is not one (`-`, TLS bytes sent to a plain port…).
pub fn request_fields(request: &str, fields: &mut Fields, related: &mut Related) -> bool {
    let mut parts = request.split(' ').filter(|p| !p.is_empty());
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return false;
    };
    let version = parts.next();
    if parts.next().is_some()
        || method.len() > 32
        || !method.bytes().all(|b| b.is_ascii_uppercase() || b == b'-' || b == b'_')
    {
        return false;
    }
    let version = match version {
        Some(v) => match v.strip_prefix("HTTP/") {
            Some(number) if !number.is_empty() => Some(number),
            _ => return false,
        },
        None => None,
    };
    fields.insert("http.request.method".into(), Value::String(method.to_owned()));
    url_fields(target, fields, related);
    if let Some(version) = version {
        fields.insert("http.version".into(), Value::String(version.to_owned()));
    }
    true
}

/// `url.original`, and from it `url.path`, `url.query` and `url.fragment`; an absolute URL
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

/// Writes the ECS fields of a parsed access line: `@timestamp` (as logged, the host
/// canonicalizes it), `source.*`, `user.name`, the request ([`request_fields`]; a request that
/// does not parse is kept as `event.original` with the whole `raw` line), status and outcome,
/// `http.response.body.bytes`, `http.request.referrer`, `user_agent.*`, `event.*` and `related.*`.
pub fn access_fields(line: AccessLine<'_>, raw: &str, fields: &mut Fields) {
    let mut related = Related::new();
    web_event_fields("access", fields);
    fields.insert(TIMESTAMP.into(), Value::String(line.time.to_owned()));
    address_fields("source", line.client, fields, &mut related);
    if present(line.user) {
        fields.insert("user.name".into(), Value::String(line.user.to_owned()));
        related.add_user(line.user);
    }
    if present(&line.request) && !request_fields(&line.request, fields, &mut related) {
        fields.insert("event.original".into(), Value::String(raw.to_owned()));
    }
    status_fields(line.status, fields);
    if let Ok(bytes) = line.bytes.parse::<u64>() {
        fields.insert("http.response.body.bytes".into(), Value::from(bytes));
    }
    if let Some(referrer) = line.referrer.filter(|r| present(r)) {
        fields.insert("http.request.referrer".into(), Value::String(referrer));
    }
    if let Some(ua) = line.user_agent {
        user_agent_fields(&ua, fields);
    }
    related.insert_into(fields);
}

/// [`parse_access_line`] then [`access_fields`].
pub fn access_event(raw: &str) -> Result<Fields, String> {
    let line = parse_access_line(raw)?;
    let mut fields = Fields::new();
    access_fields(line, raw, &mut fields);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn parses_combined_and_common() {
        let line = parse_access_line(
            r#"192.0.2.10 - alice [22/Nov/2026:22:44:57 +0100] "GET /a\"b HTTP/1.1" 200 1234 "-" "curl/8.5.0" "203.0.113.9""#,
        )
        .expect("valid test input");
        assert_eq!(line.client, "192.0.2.10");
        assert_eq!(line.user, "alice");
        assert_eq!(line.time, "22/Nov/2026:22:44:57 +0100");
        assert_eq!(line.request, "GET /a\"b HTTP/1.1");
        assert_eq!(line.referrer.as_deref(), Some("-"));
        assert_eq!(line.user_agent.as_deref(), Some("curl/8.5.0"));
        let common = parse_access_line(r#"::1 - - [22/Nov/2026:22:44:57 +0000] "-" 408 - "#).expect("valid test input");
        assert_eq!((common.status, common.bytes, common.referrer), ("408", "-", None));
    }

    #[test]
    fn rejects_what_is_not_an_access_line() {
        assert_eq!(parse_access_line(""), Err("missing client address".into()));
        assert_eq!(parse_access_line("hello world"), Err("missing user".into()));
        assert_eq!(parse_access_line("a b c d"), Err("expected [time]".into()));
        assert_eq!(
            parse_access_line(r#"a - - [t] "GET /" abc 1"#),
            Err(r#"invalid status "abc""#.into())
        );
        assert_eq!(
            parse_access_line(r#"a - - [t] "GET / 200 1"#),
            Err("unterminated quoted request".into())
        );
        assert_eq!(
            parse_access_line(r#"a - - [t] "GET /" 200 1 "ref""#),
            Err("expected quoted user agent".into())
        );
    }

    #[test]
    fn maps_requests_and_urls() {
        let run = |request: &str| {
            let mut fields = Fields::new();
            let mut related = Related::new();
            let ok = request_fields(request, &mut fields, &mut related);
            related.insert_into(&mut fields);
            (ok, Value::Object(fields))
        };
        assert_eq!(
            run("GET /p/a?q=1&r=2#top HTTP/2.0"),
            (
                true,
                json!({"http.request.method": "GET", "url.original": "/p/a?q=1&r=2#top", "url.path": "/p/a",
                       "url.query": "q=1&r=2", "url.fragment": "top", "http.version": "2.0"})
            )
        );
        assert_eq!(
            run("GET http://www.Example.com:8080/x? HTTP/1.1"),
            (
                true,
                json!({"http.request.method": "GET", "url.original": "http://www.Example.com:8080/x?",
                       "url.scheme": "http", "url.domain": "www.Example.com", "url.port": 8080, "url.path": "/x",
                       "url.registered_domain": "example.com", "url.subdomain": "www", "url.top_level_domain": "com",
                       "http.version": "1.1", "related.hosts": ["www.example.com"]})
            )
        );
        assert_eq!(
            run("CONNECT example.org:443 HTTP/1.1"),
            (
                true,
                json!({"http.request.method": "CONNECT", "url.original": "example.org:443", "http.version": "1.1"})
            )
        );
        assert_eq!(
            run("GET /"),
            (
                true,
                json!({"http.request.method": "GET", "url.original": "/", "url.path": "/"})
            )
        );
        for bad in [
            "-",
            "\\x16\\x03\\x01\\x02\\x00\\x01\\x00",
            "get / HTTP/1.1",
            "GET / FTP/1",
            "GET / HTTP/1.1 x",
        ] {
            assert_eq!(run(bad), (false, json!({})), "{bad}");
        }
    }

    #[test]
    fn maps_hosts() {
        let run = |host: &str| {
            let mut fields = Fields::new();
            let mut related = Related::new();
            host_fields(host, &mut fields, &mut related);
            related.insert_into(&mut fields);
            Value::Object(fields)
        };
        assert_eq!(
            run("[2001:db8::1]:443"),
            json!({"url.domain": "2001:db8::1", "url.port": 443, "related.ip": ["2001:db8::1"]})
        );
        assert_eq!(
            run("2001:db8::1"),
            json!({"url.domain": "2001:db8::1", "related.ip": ["2001:db8::1"]})
        );
        assert_eq!(
            run("localhost"),
            json!({"url.domain": "localhost", "related.hosts": ["localhost"]})
        );
        assert_eq!(run("-"), json!({}));
    }
}
