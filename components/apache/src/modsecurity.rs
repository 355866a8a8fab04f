//! ModSecurity messages in the Apache error log: `ModSecurity: Access denied with code 403
//! (phase 2). ... [file "..."] [line "..."] [id "942100"] [msg "..."] [severity "CRITICAL"]
//! [ver "OWASP_CRS/3.3.5"] [hostname "..."] [uri "/"] [unique_id "..."]`.

use edge_format_sdk::access_log::host_fields;
use edge_format_sdk::{Fields, Related, Value};

/// The `[name "value"]` items of a ModSecurity message, in order (values as written, `\"`
/// undone).
fn items(message: &str) -> impl Iterator<Item = (&str, String)> {
    let mut rest = message;
    std::iter::from_fn(move || loop {
        let start = rest.find('[')?;
        rest = &rest[start + 1..];
        let Some((name, after)) = rest.split_once(" \"") else {
            continue;
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            continue;
        }
        // The value ends at the first `"]` not escaped.
        let mut end = None;
        let mut search = 0;
        while let Some(i) = after[search..].find("\"]") {
            let at = search + i;
            if !after[..at].ends_with('\\') {
                end = Some(at);
                break;
            }
            search = at + 2;
        }
        let end = end?;
        rest = &after[end + 2..];
        return Some((name, after[..end].replace("\\\"", "\"")));
    })
}

/// Writes `rule.id`, `rule.description` (`msg`), `rule.ruleset` (`ver`), `http.request.id`
/// (`unique_id`), `url.domain` (`hostname`), `url.path` (`uri`, where the request gave none) and
/// `apache.error.modsecurity.*` (`severity`, `file`, `line`, `data`, `tags`) for a message that
/// comes from ModSecurity; nothing otherwise.
pub(crate) fn modsecurity_fields(message: &str, fields: &mut Fields, related: &mut Related) {
    if !message.contains("ModSecurity: ") {
        return;
    }
    let mut tags = Vec::new();
    for (name, value) in items(message) {
        let key = match name {
            "id" => "rule.id",
            "msg" => "rule.description",
            "ver" => "rule.ruleset",
            "unique_id" => "http.request.id",
            "severity" => "apache.error.modsecurity.severity",
            "file" => "apache.error.modsecurity.file",
            "line" => "apache.error.modsecurity.line",
            "data" => "apache.error.modsecurity.data",
            "hostname" => {
                host_fields(&value, fields, related);
                continue;
            }
            "uri" => {
                fields.entry("url.path").or_insert(Value::String(value));
                continue;
            }
            "tag" => {
                tags.push(Value::String(value));
                continue;
            }
            _ => continue,
        };
        fields.insert(key.into(), Value::String(value));
    }
    if !tags.is_empty() {
        fields.insert("apache.error.modsecurity.tags".into(), Value::Array(tags));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_in_order_with_escaped_quotes() {
        let got: Vec<(&str, String)> =
            items(r#"x [file "/a.conf"] [msg "say \"hi\""] [client 1.2.3.4] [tag "a"] [tag "b"] [broken "x"#).collect();
        assert_eq!(
            got,
            vec![
                ("file", "/a.conf".to_owned()),
                ("msg", "say \"hi\"".to_owned()),
                ("tag", "a".to_owned()),
                ("tag", "b".to_owned()),
            ]
        );
    }
}
