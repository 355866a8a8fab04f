//! nginx access lines: `combined`/`common` (maybe with `$host` first) and what people append
//! after the user agent.

use crate::error::simple_key;
use edge_format_sdk::access_log::{
    forwarded_for_or_host_fields, seconds_to_nanos, vhost_access_fields, Extra, ExtraForm,
};
use edge_format_sdk::ecs::present;
use edge_format_sdk::{Fields, Related, Value};

/// A `combined`/`common` line, or one with a virtual host first.
pub(crate) fn access(raw: &str) -> Result<Fields, String> {
    let mut fields = Fields::new();
    let mut related = Related::new();
    let (_, line) = vhost_access_fields(raw, &mut fields, &mut related)
        .map_err(|e| format!("not an nginx access or error log line: {e}"))?;
    if is_ingress(&line.extras) {
        ingress_fields(&line.extras, &mut fields);
    } else {
        extra_fields(&line.extras, &mut fields, &mut related);
    }
    related.insert_into(&mut fields);
    Ok(fields)
}

fn number(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

fn insert_duration(fields: &mut Fields, seconds: &str) {
    if let Some(nanos) = seconds_to_nanos(seconds) {
        fields.insert("event.duration".into(), Value::from(nanos));
    }
}

fn insert_text(fields: &mut Fields, key: &str, value: &str) {
    if present(value) {
        fields.insert(key.into(), Value::String(value.to_owned()));
    }
}

/// ingress-nginx's `log-format-upstream`: after the user agent, `$request_length $request_time
/// [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr
/// $upstream_response_length $upstream_response_time $upstream_status $req_id`.
fn is_ingress(extras: &[Extra<'_>]) -> bool {
    extras.len() >= 8
        && extras.iter().all(|e| e.key.is_none())
        && number(&extras[0].value).is_some()
        && extras[2].form == ExtraForm::Bracketed
        && extras[3].form == ExtraForm::Bracketed
}

fn ingress_fields(extras: &[Extra<'_>], fields: &mut Fields) {
    let value = |i: usize| extras.get(i).map_or("", |e: &Extra<'_>| e.value.as_str());
    if let Some(length) = number(value(0)) {
        fields.insert("http.request.bytes".into(), Value::from(length));
    }
    insert_duration(fields, value(1));
    insert_text(fields, "nginx.access.upstream.name", value(2));
    insert_text(fields, "nginx.access.upstream.alternative_name", value(3));
    insert_text(fields, "nginx.access.upstream.address", value(4));
    insert_text(fields, "nginx.access.upstream.response.length", value(5));
    insert_text(fields, "nginx.access.upstream.response.time", value(6));
    insert_text(fields, "nginx.access.upstream.status", value(7));
    insert_text(fields, "http.request.id", value(8));
}

/// `key=value` items (`rt=` / `request_time=` are `event.duration`, others are kept as
/// `nginx.access.<key>`), a bare decimal (`$request_time`), a quoted address list
/// (`$http_x_forwarded_for`) or host (`$host`). Anything else stays in the line only.
fn extra_fields(extras: &[Extra<'_>], fields: &mut Fields, related: &mut Related) {
    let mut timed = false;
    for extra in extras {
        match (extra.key, extra.form) {
            (Some("rt" | "request_time"), _) => {
                insert_duration(fields, &extra.value);
                timed = true;
            }
            (Some(key), _) if simple_key(key) => {
                insert_text(fields, &format!("nginx.access.{key}"), &extra.value);
            }
            (None, ExtraForm::Bare) if !timed && extra.value.contains('.') => {
                insert_duration(fields, &extra.value);
                timed = fields.contains_key("event.duration");
            }
            (None, ExtraForm::Quoted) => forwarded_for_or_host_fields(&extra.value, fields, related),
            _ => {}
        }
    }
}
