//! URLs: query encoding, form decoding, `Link` headers, origins.

use std::fmt::Write as _;

fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn percent_encode(text: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Percent-encodes a query name or value: everything but RFC 3986's unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`), so `2026-12-01T10:00:00Z` → `2026-12-01T10%3A00%3A00Z`.
pub fn encode_component(text: &str) -> String {
    percent_encode(text, unreserved)
}

/// Percent-encodes a path, keeping `/` (an S3 object key as a URL path): `a b/c+d` →
/// `a%20b/c%2Bd`.
pub fn encode_path(text: &str) -> String {
    percent_encode(text, |b| unreserved(b) || b == b'/')
}

/// `a=1&b=x%20y`: pairs as an encoded query string (without the `?`).
pub fn query(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&encode_component(name));
        out.push('=');
        out.push_str(&encode_component(value));
    }
    out
}

/// `url` with `pairs` appended to its query (`?` or `&` as needed).
pub fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return url.to_owned();
    }
    let separator = if !url.contains('?') {
        "?"
    } else if url.ends_with(['?', '&']) {
        ""
    } else {
        "&"
    };
    format!("{url}{separator}{}", query(pairs))
}

fn hex(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`, as in forms and S3 event
/// notification keys). `None` when the result is not UTF-8; a `%` not followed by two hex digits
/// is kept as it is.
pub fn percent_decode(text: &str, plus_is_space: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => match (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            ) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// `https://host:port` of an `http(s)://` URL (lower-cased scheme kept as written); `None` for
/// anything else.
pub fn origin(url: &str) -> Option<&str> {
    let lower = url.get(..8).map(str::to_ascii_lowercase).unwrap_or_default();
    let scheme_len = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return None;
    };
    let rest = &url[scheme_len..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    if end == 0 || rest[..end].contains(['@', ' ']) {
        return None;
    }
    Some(&url[..scheme_len + end])
}

/// The host (without port) of an `http(s)://` URL, lower-cased.
pub fn host(url: &str) -> Option<String> {
    let origin = origin(url)?;
    let authority = &origin[origin.find("://")? + 3..];
    let host = if authority.starts_with('[') {
        authority.split_inclusive(']').next().unwrap_or(authority)
    } else {
        authority.rsplit_once(':').map_or(authority, |(host, _)| host)
    };
    Some(host.to_ascii_lowercase())
}

/// The target of the first `rel="next"` link in `Link` header values (RFC 8288:
/// `<https://x/y?after=1>; rel="next", <…>; rel="self"`), several values or one value with
/// several links alike. `rel` may be unquoted and hold several relation types (`rel="next last"`).
pub fn next_link<'a>(link_values: impl IntoIterator<Item = &'a str>) -> Option<String> {
    link_values.into_iter().find_map(next_link_in)
}

fn next_link_in(value: &str) -> Option<String> {
    let mut rest = value;
    loop {
        let start = rest.find('<')?;
        let end = start + rest[start..].find('>')?;
        let target = rest[start + 1..end].trim();
        rest = &rest[end + 1..];
        // Parameters run to the next link (`,` outside quotes, before a `<`) or the end.
        let mut in_quotes = false;
        let mut params_end = rest.len();
        for (i, c) in rest.char_indices() {
            match c {
                '"' => in_quotes = !in_quotes,
                ',' if !in_quotes => {
                    params_end = i;
                    break;
                }
                _ => {}
            }
        }
        let params = &rest[..params_end];
        rest = &rest[params_end..];
        let is_next = params.split(';').any(|param| {
            let Some((name, value)) = param.split_once('=') else {
                return false;
            };
            name.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("next"))
        });
        if is_next && !target.is_empty() {
            return Some(target.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding() {
        assert_eq!(encode_component("2026-12-01T10:00:00Z"), "2026-12-01T10%3A00%3A00Z");
        assert_eq!(encode_component("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(encode_path("AWSLogs/1/a b+c.json.gz"), "AWSLogs/1/a%20b%2Bc.json.gz");
        assert_eq!(query(&[("since", "x y"), ("limit", "10")]), "since=x%20y&limit=10");
        assert_eq!(with_query("https://h/p", &[("a", "1")]), "https://h/p?a=1");
        assert_eq!(with_query("https://h/p?x=1", &[("a", "1")]), "https://h/p?x=1&a=1");
        assert_eq!(with_query("https://h/p?", &[("a", "1")]), "https://h/p?a=1");
        assert_eq!(with_query("https://h/p", &[]), "https://h/p");
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a+b%20c%2Bd", true).as_deref(), Some("a b c+d"));
        assert_eq!(percent_decode("a+b", false).as_deref(), Some("a+b"));
        assert_eq!(percent_decode("100%", true).as_deref(), Some("100%"));
        assert_eq!(percent_decode("%zz%4", true).as_deref(), Some("%zz%4"));
        assert_eq!(percent_decode("%C3%A9", true).as_deref(), Some("é"));
        assert_eq!(percent_decode("%FF", true), None);
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin("https://sqs.us-east-1.amazonaws.com/123/q"),
            Some("https://sqs.us-east-1.amazonaws.com")
        );
        assert_eq!(origin("http://127.0.0.1:9324?x"), Some("http://127.0.0.1:9324"));
        assert_eq!(origin("HTTPS://a.example"), Some("HTTPS://a.example"));
        assert_eq!(origin("ftp://a.example/"), None);
        assert_eq!(origin("https:///x"), None);
        assert_eq!(origin("https://user@evil/x"), None);
        assert_eq!(origin("x"), None);
        assert_eq!(host("https://A.example:8443/x").as_deref(), Some("a.example"));
        assert_eq!(host("http://[::1]:80/").as_deref(), Some("[::1]"));
    }

    #[test]
    fn links() {
        let okta = [
            r#"<https://x.okta.com/api/v1/logs?limit=2>; rel="self""#,
            r#"<https://x.okta.com/api/v1/logs?limit=2&after=1_abc>; rel="next""#,
        ];
        assert_eq!(
            next_link(okta).as_deref(),
            Some("https://x.okta.com/api/v1/logs?limit=2&after=1_abc")
        );
        let one = r#"<https://a/1>; rel="self", <https://a/2>; title="x, y"; rel=next"#;
        assert_eq!(next_link([one]).as_deref(), Some("https://a/2"));
        assert_eq!(
            next_link([r#"<https://a/3>; rel="last next""#]).as_deref(),
            Some("https://a/3")
        );
        assert_eq!(next_link([r#"<https://a/1>; rel="self""#]), None);
        assert_eq!(next_link([r#"<https://a/1>; rel="nextish""#]), None);
        assert_eq!(next_link(["garbage", "<unclosed; rel=next"]), None);
        assert_eq!(next_link(Vec::<&str>::new()), None);
    }
}
