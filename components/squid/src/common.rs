//! Squid's `common` and `combined` logformats: the NCSA lines with Squid's `%Ss:%Sh` after them,
//! `%>a %[ui %[un [%tl] "%rm %ru HTTP/%rv" %>Hs %<st ["%{Referer}>h" "%{User-Agent}>h"] %Ss:%Sh`.

use edge_format_sdk::access_log::{access_fields, parse_access_line, AccessLine, ExtraForm};
use edge_format_sdk::ecs::present;
use edge_format_sdk::{Fields, Related, Value};

use crate::native::{request, user_fields};
use crate::result_fields;

/// `TCP_MISS:HIER_DIRECT` → (`TCP_MISS`, `HIER_DIRECT`).
fn squid_suffix<'a>(line: &'a AccessLine<'_>) -> Option<(&'a str, &'a str)> {
    let last = line
        .extras
        .last()
        .filter(|e| e.key.is_none() && e.form == ExtraForm::Bare)?;
    let (code, hierarchy) = last.value.split_once(':')?;
    let upper = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_uppercase() || b == b'_');
    (upper(code) && upper(hierarchy)).then_some((code, hierarchy))
}

/// Reads a common/combined line. Without Squid's suffix the line is any web server's: only
/// taken when `squid` said it is its own (`program`).
pub fn common(line: &str, program: bool, fields: &mut Fields, related: &mut Related) -> Result<(), String> {
    let parsed = parse_access_line(line)?;
    let suffix = squid_suffix(&parsed);
    if suffix.is_none() && !program {
        return Err("an access line without Squid's result:hierarchy codes".into());
    }
    access_fields(&parsed, line, fields, related);
    // `%<st` counts the headers too; `%>Hs` is `000` when no reply was sent.
    if let Some(bytes) = fields.remove("http.response.body.bytes") {
        fields.insert("http.response.bytes".into(), bytes);
    }
    fields.remove("event.outcome");
    if fields.get("http.response.status_code").and_then(Value::as_u64) == Some(0) {
        fields.remove("http.response.status_code");
    }
    // `HTTP/0.0`: Squid read no request line.
    if fields.get("http.version").and_then(Value::as_str) == Some("0.0") {
        fields.remove("http.version");
    }
    // The `user.name` of `access_fields` is as logged; Squid escapes it.
    user_fields(parsed.user, fields, related);
    if let Some((method, target)) = parsed.request.split_once(' ') {
        if method == "CONNECT" || method == "NONE" {
            let target = target.rsplit_once(" HTTP/").map_or(target, |(t, _)| t);
            fields.remove("url.original");
            if method == "NONE" {
                fields.remove("http.request.method");
            }
            request(method, target, fields, related);
        }
    } else if present(&parsed.request) {
        // `"NONE error:invalid-request"` without a version.
        request("", &parsed.request, fields, related);
    }
    let (code, hierarchy) = suffix.unwrap_or(("", ""));
    result_fields(code, parsed.status, hierarchy, fields);
    Ok(())
}
