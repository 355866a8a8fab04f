//! Web filter URLs: FortiOS logs the path (`/a/b?q=1`) with the host in `hostname=`, or a whole
//! URL (`https://www.example.com/a`) in newer releases.

use edge_format_sdk::ecs::parse_ip;
use edge_format_sdk::{domain_fields, Value};

use crate::out::Out;

pub(crate) fn fields(url: &str, hostname: Option<&str>, out: &mut Out) {
    out.str("url.original", Some(url));
    let mut rest = url;
    let mut host = hostname;
    if let Some((scheme, after)) = url.split_once("://") {
        if !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphabetic()) {
            out.str("url.scheme", Some(&scheme.to_ascii_lowercase()));
            let end = after.find(['/', '?']).unwrap_or(after.len());
            let authority = &after[..end];
            let (name, port) = match authority.rsplit_once(':') {
                Some((name, port)) if !name.contains(':') => (name, port.parse::<u16>().ok()),
                _ => (authority, None),
            };
            if let Some(port) = port {
                out.fields.insert("url.port".into(), Value::from(port));
            }
            host = Some(name).filter(|n| !n.is_empty()).or(host);
            rest = &after[end..];
        }
    }
    if let Some(host) = host {
        out.str("url.domain", Some(host));
        match parse_ip(host) {
            Some(ip) => out.related.add_ip(ip),
            None => {
                out.related.add_host(host);
                domain_fields("url", host, &mut out.fields);
            }
        }
    }
    if rest.starts_with('/') {
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        out.str("url.path", Some(path));
        if !query.is_empty() {
            out.str("url.query", Some(query));
        }
    }
}
