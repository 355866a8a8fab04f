//! HAProxy's traffic logs: `option httplog` (and `httpslog`, HAProxy 2.x `log-format` with the
//! same layout), `option tcplog`, and the connection error line of SSL frontends.
//!
//! ```text
//! 192.0.2.7:53210 [22/Nov/2026:22:44:57.123] fe be/srv 0/0/1/2/3 200 1234 - - ---- 1/1/0/0/0 0/0 {host} {} "GET / HTTP/1.1"
//! 192.0.2.7:53210 [22/Nov/2026:22:44:57.123] fe be/srv 1/0/500 212 -- 1/1/0/0/0 0/0
//! 192.0.2.7:53210 [22/Nov/2026:22:44:57.123] fe/1: SSL handshake failure
//! ```

use edge_format_sdk::access_log::{clf_time_to_rfc3339, request_fields};
use edge_format_sdk::ecs::{parse_ip, present};
use edge_format_sdk::{Fields, Related, Value, TIMESTAMP};

pub(crate) fn set(fields: &mut Fields, key: &str, value: impl Into<Value>) {
    fields.insert(key.to_owned(), value.into());
}

/// `event.kind` `event`, one category, one or more types.
pub(crate) fn categorize(fields: &mut Fields, category: &str, types: &[&str]) {
    set(fields, "event.kind", "event");
    set(fields, "event.category", vec![Value::from(category)]);
    set(
        fields,
        "event.type",
        types.iter().map(|t| Value::from(*t)).collect::<Vec<_>>(),
    );
}

/// The next space-separated word and what follows it (leading spaces skipped).
fn word(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start_matches(' ');
    if text.is_empty() {
        return None;
    }
    Some(text.split_once(' ').unwrap_or((text, "")))
}

/// A signed number as HAProxy logs it (`-1` for a step never reached, `+` before values that
/// `option logasap` or a redispatch mark).
fn signed(text: &str) -> Option<i64> {
    let text = text.strip_prefix('+').unwrap_or(text);
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Numbers separated by `/` (`1/1/0/0/0`), all of them or none.
fn numbers(text: &str) -> Option<Vec<i64>> {
    text.split('/').map(signed).collect()
}

/// `192.0.2.7:53210`, `[2001:db8::7]:53210`, `2001:db8::7:53210` → (ip, port); a UNIX
/// socket client (`unix:1`) has no port.
fn client(text: &str) -> Option<(&str, Option<u16>)> {
    if text.starts_with("unix:") || text.starts_with("abns@") || text.starts_with("sockpair@") {
        return Some((text, None));
    }
    let (ip, port) = text.rsplit_once(':')?;
    parse_ip(ip)?;
    Some((ip, Some(port.parse().ok()?)))
}

/// `[22/Nov/2026:22:44:57.123]` → RFC 3339. HAProxy writes local time without a zone: read as
/// UTC, as the other formats read zone-less times.
fn accept_date(text: &str) -> Option<String> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    clf_time_to_rfc3339(&format!("{inner} +0000"))
}

/// What the two letters of a termination state say (`CD`: the client aborted during the data
/// phase), for `event.reason`.
fn termination_reason(state: &str) -> Option<String> {
    let mut chars = state.chars();
    let who = match chars.next()? {
        'C' => "the client aborted",
        'S' => "the server aborted or refused",
        'P' => "the proxy aborted (security check or internal error)",
        'L' => "the session was answered locally by HAProxy",
        'R' => "a resource ran out (memory, sockets, source ports)",
        'I' => "an internal error",
        'D' => "the session was killed because the server went down",
        'U' => "the session was killed because a server came up",
        'K' => "the session was killed by an administrator",
        'c' => "the client-side timeout expired",
        's' => "the server-side timeout expired",
        _ => return None,
    };
    let when = match chars.next() {
        Some('R') => " while waiting for the request",
        Some('Q') => " while waiting in the queue",
        Some('C') => " while connecting to the server",
        Some('H') => " while waiting for the response headers",
        Some('D') => " during the data transfer",
        Some('L') => " while sending the last data",
        Some('T') => " while the request was tarpitted",
        _ => "",
    };
    Some(format!("{who}{when}"))
}

/// Source, time, and the frontend: what every traffic line starts with. `None` when the line
/// does not start as one.
fn head<'a>(msg: &'a str, fields: &mut Fields, related: &mut Related) -> Option<&'a str> {
    let (address, rest) = word(msg)?;
    let (ip, port) = client(address)?;
    let (date, rest) = word(rest)?;
    let time = accept_date(date)?;
    set(fields, TIMESTAMP, time);
    set(fields, "source.address", ip);
    if let Some(parsed) = parse_ip(ip) {
        set(fields, "source.ip", parsed.to_string());
        related.add_ip(parsed);
    }
    if let Some(port) = port {
        set(fields, "source.port", port);
    }
    Some(rest)
}

/// The frontend name; `~` after it marks a connection over SSL/TLS.
fn frontend(name: &str, fields: &mut Fields) {
    match name.strip_suffix('~') {
        Some(plain) => {
            set(fields, "haproxy.frontend_name", plain);
            set(fields, "tls.established", true);
        }
        None => set(fields, "haproxy.frontend_name", name),
    }
}

/// A traffic line, or `None` (nothing to keep) when `msg` is not one.
pub(crate) fn traffic_fields(msg: &str) -> Option<Fields> {
    let mut fields = Fields::new();
    let mut related = Related::new();
    let rest = head(msg, &mut fields, &mut related)?;
    let (name, rest) = word(rest)?;
    if let Some(name) = name.strip_suffix(':') {
        // `fe/bind: SSL handshake failure` (and 2.5+ `error-log-format` lines).
        let (fe, bind) = name.split_once('/')?;
        frontend(fe, &mut fields);
        set(&mut fields, "haproxy.bind_name", bind);
        categorize(&mut fields, "network", &["connection"]);
        set(&mut fields, "event.outcome", "failure");
        set(&mut fields, "message", rest.trim());
        set(&mut fields, "event.reason", rest.trim());
    } else {
        frontend(name, &mut fields);
        let (backend_server, rest) = word(rest)?;
        let (backend, server) = backend_server.split_once('/')?;
        set(&mut fields, "haproxy.backend_name", backend);
        set(&mut fields, "haproxy.server_name", server);
        let (timers, rest) = word(rest)?;
        let timers = numbers(timers)?;
        match timers.len() {
            5 => http_fields(&timers, rest, &mut fields, &mut related)?,
            3 => tcp_fields(&timers, rest, &mut fields)?,
            _ => return None,
        }
    }
    related.insert_into(&mut fields);
    Some(fields)
}

/// `event.duration` and the total in ms, from the last timer.
fn total_time(total: i64, fields: &mut Fields) {
    set(fields, "haproxy.total_time_ms", total);
    if let Ok(ms) = u64::try_from(total) {
        set(fields, "event.duration", ms.saturating_mul(1_000_000));
    }
}

/// `actconn/feconn/beconn/srv_conn/retries srv_queue/backend_queue`.
fn counters<'a>(rest: &'a str, fields: &mut Fields) -> Option<&'a str> {
    let (connections, rest) = word(rest)?;
    let connections = numbers(connections).filter(|c| c.len() == 5)?;
    let (queues, rest) = word(rest)?;
    let queues = numbers(queues).filter(|q| q.len() == 2)?;
    for (value, key) in connections
        .iter()
        .zip(["active", "frontend", "backend", "server", "retries"])
    {
        set(fields, &format!("haproxy.connections.{key}"), *value);
    }
    set(fields, "haproxy.server_queue", queues[0]);
    set(fields, "haproxy.backend_queue", queues[1]);
    Some(rest)
}

fn termination(state: &str, fields: &mut Fields) {
    set(fields, "haproxy.termination_state", state);
    if let Some(reason) = termination_reason(state) {
        set(fields, "event.reason", reason);
    }
}

/// `Tw/Tc/Tt bytes state counters queues`.
fn tcp_fields(timers: &[i64], rest: &str, fields: &mut Fields) -> Option<()> {
    let (bytes, rest) = word(rest)?;
    let bytes = signed(bytes)?;
    let (state, rest) = word(rest)?;
    if state.len() != 2 {
        return None;
    }
    counters(rest, fields)?;
    categorize(fields, "network", &["connection", "end"]);
    set(fields, "haproxy.mode", "tcp");
    set(fields, "haproxy.total_waiting_time_ms", timers[0]);
    set(fields, "haproxy.connection_wait_time_ms", timers[1]);
    total_time(timers[2], fields);
    set(fields, "haproxy.bytes_read", bytes);
    if let Ok(bytes) = u64::try_from(bytes) {
        set(fields, "destination.bytes", bytes);
    }
    termination(state, fields);
    set(
        fields,
        "event.outcome",
        if state.starts_with('-') { "success" } else { "failure" },
    );
    Some(())
}

/// The text between `open` and `close` at the start of `text`, and what follows; an
/// unterminated group (a line cut short) runs to the end.
fn group(text: &str, open: char, close: char) -> Option<(&str, &str)> {
    let inner = text.trim_start_matches(' ').strip_prefix(open)?;
    Some(match inner.find(close) {
        Some(end) => (&inner[..end], &inner[end + close.len_utf8()..]),
        None => (inner, ""),
    })
}

fn captured_headers(fields: &mut Fields, key: &str, text: &str) {
    let headers: Vec<Value> = text.split('|').map(Value::from).collect();
    if headers.iter().any(|h| h.as_str().is_some_and(|h| !h.is_empty())) {
        set(fields, key, headers);
    }
}

/// `TR/Tw/Tc/Tr/Ta status bytes req_cookie res_cookie state counters queues {req} {res}
/// "request"` and the `httpslog` items after it.
fn http_fields(timers: &[i64], rest: &str, fields: &mut Fields, related: &mut Related) -> Option<()> {
    let (status, rest) = word(rest)?;
    let status = signed(status)?;
    let (bytes, rest) = word(rest)?;
    let bytes = signed(bytes)?;
    let (request_cookie, rest) = word(rest)?;
    let (response_cookie, rest) = word(rest)?;
    let (state, rest) = word(rest)?;
    if state.len() != 4 {
        return None;
    }
    let mut rest = counters(rest, fields)?;
    categorize(fields, "web", &["access"]);
    set(fields, "haproxy.mode", "http");
    for (value, key) in timers.iter().zip([
        "haproxy.http.request.time_wait_ms",
        "haproxy.total_waiting_time_ms",
        "haproxy.connection_wait_time_ms",
        "haproxy.http.request.time_wait_without_data_ms",
    ]) {
        set(fields, key, *value);
    }
    total_time(timers[4], fields);
    if let Ok(code) = u16::try_from(status) {
        set(fields, "http.response.status_code", code);
    }
    set(fields, "haproxy.bytes_read", bytes);
    if let Ok(bytes) = u64::try_from(bytes) {
        set(fields, "http.response.bytes", bytes);
    }
    for (cookie, key) in [
        (request_cookie, "haproxy.http.request.captured_cookie"),
        (response_cookie, "haproxy.http.response.captured_cookie"),
    ] {
        if present(cookie) {
            set(fields, key, cookie);
        }
    }
    termination(state, fields);
    // A status says how it went; without one (`-1`: no response), the termination state.
    let failed = if status >= 0 {
        status >= 400
    } else {
        !state.starts_with('-')
    };
    set(fields, "event.outcome", if failed { "failure" } else { "success" });
    // `{request headers}` then `{response headers}`; one group alone is the request's.
    if let Some((headers, after)) = group(rest, '{', '}') {
        captured_headers(fields, "haproxy.http.request.captured_headers", headers);
        rest = after;
        if let Some((headers, after)) = group(rest, '{', '}') {
            captured_headers(fields, "haproxy.http.response.captured_headers", headers);
            rest = after;
        }
    }
    if let Some((request, after)) = group(rest, '"', '"') {
        if !request_fields(request, fields, related) {
            // `<BADREQ>`, a request cut short, bytes that are not HTTP.
            set(fields, "haproxy.http.request.raw_request_line", request);
        }
        https_fields(after, fields, related);
    }
    Some(())
}

/// `option httpslog` (HAProxy 2.5+) after the request:
/// `%[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed]
/// %[ssl_fc_sni]/%sslv/%sslc`.
fn https_fields(rest: &str, fields: &mut Fields, related: &mut Related) {
    let Some((errors, rest)) = word(rest) else { return };
    let errors: Vec<&str> = errors.split('/').collect();
    let Some((tls, _)) = word(rest) else { return };
    let tls: Vec<&str> = tls.splitn(3, '/').collect();
    if errors.len() != 5 || tls.len() != 3 {
        return;
    }
    for (value, key) in errors.iter().zip([
        "haproxy.ssl.fc_err",
        "haproxy.ssl.fc_ssl_err",
        "haproxy.ssl.c_err",
        "haproxy.ssl.c_ca_err",
    ]) {
        if present(value) {
            set(fields, key, *value);
        }
    }
    match errors[4] {
        "1" => set(fields, "tls.resumed", true),
        "0" => set(fields, "tls.resumed", false),
        _ => {}
    }
    if present(tls[0]) {
        set(fields, "tls.client.server_name", tls[0]);
        related.add_host(tls[0]);
    }
    // `TLSv1.3`, `TLSv1.2`, `SSLv3`.
    let version = tls[1]
        .strip_prefix("TLSv")
        .map(|v| ("tls", v))
        .or_else(|| tls[1].strip_prefix("SSLv").map(|v| ("ssl", v)));
    if let Some((protocol, number)) = version.filter(|(_, n)| !n.is_empty()) {
        set(fields, "tls.version_protocol", protocol);
        set(
            fields,
            "tls.version",
            if number.contains('.') {
                number.to_owned()
            } else {
                format!("{number}.0")
            },
        );
    }
    if present(tls[2]) {
        set(fields, "tls.cipher", tls[2]);
    }
}
