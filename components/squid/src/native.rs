//! Squid's native `squid` access log format:
//! `%ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt`.

use edge_format_sdk::access_log::{host_fields, seconds_to_nanos, url_fields};
use edge_format_sdk::ecs::{address_fields, present};
use edge_format_sdk::{format_rfc3339, Fields, Related, Timestamp, Value};

use crate::{percent_decoded, result_fields};

/// `1732312345.123` (seconds and milliseconds since the epoch) as a time.
fn epoch(text: &str) -> Option<Timestamp> {
    let nanos = seconds_to_nanos(text)?;
    Some(Timestamp {
        seconds: i64::try_from(nanos / 1_000_000_000).ok()?,
        nanoseconds: u32::try_from(nanos % 1_000_000_000).ok()?,
    })
}

fn digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Reads a native line into `fields`; `Err` says which field does not fit.
pub fn native(line: &str, fields: &mut Fields, related: &mut Related) -> Result<(), String> {
    // The elapsed time is padded (`%6tr`), so fields are separated by runs of spaces.
    let items: Vec<&str> = line.split_whitespace().collect();
    let [time, elapsed, client, result, bytes, method, url, user, hierarchy, rest @ ..] = items.as_slice() else {
        return Err(format!("{} fields, a native line has 10", items.len()));
    };
    let time = epoch(time).ok_or_else(|| format!("invalid time {time:?}"))?;
    // `%tr` is milliseconds; some logformats print it with a fraction.
    let duration = seconds_to_nanos(elapsed).ok_or_else(|| format!("invalid elapsed time {elapsed:?}"))? / 1000;
    let (code, status) = result
        .split_once('/')
        .filter(|(code, status)| !code.is_empty() && status.len() == 3 && digits(status))
        .ok_or_else(|| format!("invalid result code {result:?}"))?;
    if !digits(bytes) {
        return Err(format!("invalid byte count {bytes:?}"));
    }
    fields.insert("@timestamp".into(), Value::String(format_rfc3339(time)));
    fields.insert("event.duration".into(), Value::from(duration));
    address_fields("source", client, fields, related);
    if let Ok(bytes) = bytes.parse::<u64>() {
        fields.insert("http.response.bytes".into(), Value::from(bytes));
    }
    request(method, url, fields, related);
    user_fields(user, fields, related);
    let (hierarchy, peer) = hierarchy.split_once('/').unwrap_or((hierarchy, "-"));
    result_fields(code, status, hierarchy, fields);
    address_fields("destination", peer, fields, related);
    if let Some(mime) = rest.first().filter(|m| present(m)) {
        fields.insert("http.response.mime_type".into(), Value::String((*mime).to_owned()));
    }
    Ok(())
}

/// The method and URL: an absolute URL, `host:port` for `CONNECT`, or Squid's
/// `error:invalid-request`-style placeholders (`squid.error`).
pub fn request(method: &str, url: &str, fields: &mut Fields, related: &mut Related) {
    if present(method) && method != "NONE" {
        fields.insert("http.request.method".into(), Value::String(method.to_owned()));
    }
    if let Some(error) = url.strip_prefix("error:") {
        fields.insert("squid.error".into(), Value::String(error.to_owned()));
    } else if present(url) {
        url_fields(url, fields, related);
        if !url.contains("://") && !url.starts_with('/') {
            // `CONNECT www.example.org:443`: the authority only.
            host_fields(url, fields, related);
        }
    }
}

/// `%un`: the authenticated user, else the ident; URL-escaped by Squid (`DOMAIN%5Cuser`).
pub fn user_fields(user: &str, fields: &mut Fields, related: &mut Related) {
    if present(user) {
        let user = percent_decoded(user);
        related.add_user(&user);
        fields.insert("user.name".into(), Value::String(user));
    }
}
