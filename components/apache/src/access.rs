//! Apache access logs: `common`, `combined`, `vhost_combined`, and the items people append after
//! the user agent (`%D`, `%T`, `%I %O`, `"%{X-Forwarded-For}i"`, `"%{Host}i"`).

use edge_format_sdk::access_log::{
    forwarded_for_or_host_fields, seconds_to_nanos, vhost_access_fields, Extra, ExtraForm,
};
use edge_format_sdk::{Fields, Related, Value};

/// A `common`/`combined` line, or one with a virtual host first.
pub(crate) fn access(raw: &str) -> Result<Fields, String> {
    let mut fields = Fields::new();
    let mut related = Related::new();
    let (vhost, line) = vhost_access_fields(raw, &mut fields, &mut related)
        .map_err(|e| format!("not an apache access or error log line: {e}"))?;
    if let Some(vhost) = vhost {
        // `vhost_combined` (`%v:%p`, as Debian defines it) logs `%O`, the bytes sent with the
        // headers; a custom `%v` without the port is taken as `combined` with `%b`.
        if vhost.contains(':') {
            if let Some(bytes) = fields.remove("http.response.body.bytes") {
                fields.insert("http.response.bytes".into(), bytes);
            }
        }
    }
    extra_fields(&line.extras, &mut fields, &mut related);
    related.insert_into(&mut fields);
    Ok(fields)
}

fn number(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

fn duration(fields: &mut Fields, nanos: Option<u64>) {
    if let Some(nanos) = nanos {
        fields.insert("event.duration".into(), Value::from(nanos));
    }
}

/// Maps what follows the user agent. Bare numbers: one is `%D` (microseconds: the time format
/// most configurations append), two are mod_logio's `%I %O` (`combinedio`); `%T/%D` and a decimal
/// `%{s}T`-like value are times. Quoted: an address list is `X-Forwarded-For`, a host name
/// `Host`. Anything else is left out (it stays in the line).
fn extra_fields(extras: &[Extra<'_>], fields: &mut Fields, related: &mut Related) {
    let bare_numbers: Vec<u64> = extras
        .iter()
        .filter(|e| e.form == ExtraForm::Bare && e.key.is_none())
        .filter_map(|e| number(&e.value))
        .collect();
    match bare_numbers.as_slice() {
        [micros] => duration(fields, micros.checked_mul(1000)),
        [received, sent] => {
            fields.insert("http.request.bytes".into(), Value::from(*received));
            fields.insert("http.response.bytes".into(), Value::from(*sent));
        }
        _ => {}
    }
    for extra in extras {
        match (extra.form, extra.key) {
            (ExtraForm::Bare, None) => {
                if let Some((seconds, micros)) = extra.value.split_once('/') {
                    if number(seconds).is_some() {
                        duration(fields, number(micros).and_then(|m| m.checked_mul(1000)));
                    }
                } else if extra.value.contains('.') {
                    duration(fields, seconds_to_nanos(&extra.value));
                }
            }
            (ExtraForm::Quoted, None) => forwarded_for_or_host_fields(&extra.value, fields, related),
            _ => {}
        }
    }
}
