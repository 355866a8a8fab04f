//! An upstream intake of the same HTTPS API as a destination: another intake-edge node, or the
//! commercial service. Events go as they were received, in batches per intake with the
//! upstream's key for that intake, one request at a time so that each intake's events arrive
//! in ID order. With `endpoint = "batch"` each event carries its ID (`source_ids`), so an
//! intake-edge upstream stores it once however often a retry sends it.
//!
//! A 429 or 503 is waited out (`Retry-After`, at most [`MAX_RETRY_AFTER`]) and the same
//! request sent again; a 413 splits the batch in two. Keys go in a header and the body only:
//! they never appear in an error, a log line or `forward status`.

use super::ForwardError;
use crate::config::{Destination, ForwardSpec, Secret, UpstreamEndpoint};
use crate::store::CommittedEvent;
use crate::telemetry::metrics::ForwardStats;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::client::conn::http1::SendRequest;
use hyper::{header, Request, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// The longest `Retry-After` taken as given; a longer one is waited this long, then retried.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);
/// The wait after a 429 or 503 without `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);
/// An answer's body is read up to this size (the IDs of a big batch, or an error).
const MAX_ANSWER_BYTES: usize = 16 << 20;
/// How much of an error answer a forwarding error quotes.
const QUOTED_ANSWER_CHARS: usize = 300;

/// The events of one intake to send, in ID order.
pub struct Batch {
    pub intake: String,
    pub events: Vec<CommittedEvent>,
}

/// A destination with its connection; cheap to clone (the clones share the connection).
#[derive(Clone)]
pub struct Upstream {
    inner: Arc<Inner>,
}

struct Inner {
    target: Target,
    tls: Option<(TlsConnector, ServerName<'static>)>,
    endpoint: UpstreamEndpoint,
    keys: BTreeMap<String, Secret>,
    gzip: bool,
    timeout: Duration,
    batch_bytes: usize,
    batch_events: usize,
    stats: &'static ForwardStats,
    connection: tokio::sync::Mutex<Option<SendRequest<Full<Bytes>>>>,
}

/// Where the requests go, from the configured URL.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    tls: bool,
    host: String,
    port: u16,
    /// `host[:port]` as the `Host` header says it.
    authority: String,
    /// The URL's path without its trailing `/` (the endpoint's path is appended).
    prefix: String,
    /// The URL without credentials, for messages.
    shown: String,
}

impl Target {
    fn parse(url: &str) -> Result<Target, String> {
        let uri: hyper::Uri = url.parse().map_err(|e| format!("{e}"))?;
        let tls = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err("not an https:// URL".into()),
        };
        let authority = uri.authority().ok_or("no host")?;
        if authority.as_str().contains('@') {
            return Err("credentials in the URL: give the keys in `keys`".into());
        }
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = authority.port_u16().unwrap_or(if tls { 443 } else { 80 });
        Ok(Target {
            tls,
            host,
            port,
            authority: authority.as_str().to_string(),
            prefix: uri.path().trim_end_matches('/').to_string(),
            shown: super::redacted(url),
        })
    }
}

/// Why one request did not deliver its events.
enum Failure {
    /// 413: the batch is too large for the upstream (split it).
    TooLarge,
    Error(ForwardError),
}

impl Upstream {
    pub fn new(spec: &ForwardSpec, stats: &'static ForwardStats) -> Result<Upstream, ForwardError> {
        let Destination::Https {
            url,
            endpoint,
            keys,
            ca_file,
            gzip,
            timeout,
            batch_bytes,
        } = &spec.destination
        else {
            return Err(ForwardError::Connect {
                destination: spec.name.clone(),
                reason: "not an HTTPS destination".into(),
            });
        };
        let connect_err = |reason: String| ForwardError::Connect {
            destination: super::redacted(url),
            reason,
        };
        let target = Target::parse(url).map_err(connect_err)?;
        let tls = if target.tls {
            let config = client_config(ca_file.as_deref()).map_err(connect_err)?;
            let name = ServerName::try_from(target.host.clone())
                .map_err(|e| connect_err(format!("host {:?}: {e}", target.host)))?;
            Some((TlsConnector::from(Arc::new(config)), name))
        } else {
            None
        };
        Ok(Upstream {
            inner: Arc::new(Inner {
                target,
                tls,
                endpoint: *endpoint,
                keys: keys.clone(),
                gzip: *gzip,
                timeout: *timeout,
                batch_bytes: *batch_bytes,
                batch_events: spec.batch_events.max(1),
                stats,
                connection: tokio::sync::Mutex::new(None),
            }),
        })
    }

    /// Sends `batches` one request after the other; the number of events the upstream
    /// acknowledged (all of them, or an error).
    pub async fn send(self, batches: Vec<Batch>) -> Result<u64, ForwardError> {
        let mut sent = 0u64;
        for batch in batches {
            let Some(key) = self.inner.keys.get(&batch.intake) else {
                // Validation makes `intakes` a subset of `keys`; a reload may race a round.
                return Err(ForwardError::Publish(format!(
                    "no upstream key for intake {:?}",
                    batch.intake
                )));
            };
            for request in self.inner.cut(&batch.events) {
                // A 413 splits the slice in two, each sent in turn.
                let mut todo = vec![request];
                while let Some(slice) = todo.pop() {
                    match self.post(key, slice).await {
                        Ok(()) => sent += slice.len() as u64,
                        Err(Failure::TooLarge) if slice.len() > 1 => {
                            let (a, b) = slice.split_at(slice.len() / 2);
                            todo.push(b);
                            todo.push(a);
                        }
                        Err(Failure::TooLarge) => {
                            return Err(ForwardError::Upstream(format!(
                                "{} refuses event {} as too large (413): raise its request limit, or stop forwarding intake {:?}",
                                self.inner.target.shown, slice[0].id, batch.intake
                            )))
                        }
                        Err(Failure::Error(e)) => return Err(e),
                    }
                }
            }
        }
        Ok(sent)
    }

    /// One batch, sent until it is acknowledged, refused, or the connection fails.
    async fn post(&self, key: &Secret, events: &[CommittedEvent]) -> Result<(), Failure> {
        let inner = &self.inner;
        let (path, body) = inner.body(key, events);
        let body = if inner.gzip {
            gzip(&body).map_err(|e| Failure::Error(ForwardError::Publish(format!("gzip: {e}"))))?
        } else {
            Bytes::from(body)
        };
        loop {
            let answer = tokio::time::timeout(inner.timeout, self.exchange(path, key, body.clone())).await;
            let (status, retry_after, text) = match answer {
                Ok(Ok(answer)) => answer,
                Ok(Err(e)) => {
                    *inner.connection.lock().await = None;
                    return Err(Failure::Error(e));
                }
                Err(_) => {
                    *inner.connection.lock().await = None;
                    return Err(Failure::Error(ForwardError::Ack(format!(
                        "{} did not answer within {} s",
                        inner.target.shown,
                        inner.timeout.as_secs()
                    ))));
                }
            };
            match status {
                StatusCode::OK => return check_ids(&text, events.len(), &inner.target.shown).map_err(Failure::Error),
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
                    inner.stats.throttled.fetch_add(1, Ordering::Relaxed);
                    let wait = retry_after.unwrap_or(DEFAULT_RETRY_AFTER).min(MAX_RETRY_AFTER);
                    tracing::info!(
                        upstream = %inner.target.shown,
                        status = status.as_u16(),
                        wait_ms = wait.as_millis() as u64,
                        "Upstream asks to slow down; the batch is sent again after the wait."
                    );
                    tokio::time::sleep(wait).await;
                }
                StatusCode::PAYLOAD_TOO_LARGE => return Err(Failure::TooLarge),
                other => {
                    return Err(Failure::Error(ForwardError::Upstream(format!(
                        "{} answered {other} to {} events: {}",
                        inner.target.shown,
                        events.len(),
                        quoted(&text)
                    ))))
                }
            }
        }
    }

    /// One request on the kept connection (made when missing): status, `Retry-After`, body.
    async fn exchange(
        &self,
        path: &str,
        key: &Secret,
        body: Bytes,
    ) -> Result<(StatusCode, Option<Duration>, String), ForwardError> {
        let inner = &self.inner;
        let mut guard = inner.connection.lock().await;
        if guard.as_ref().is_none_or(|s| s.is_closed()) {
            *guard = Some(inner.connect().await?);
        }
        let sender = guard
            .as_mut()
            .ok_or_else(|| ForwardError::Publish("no connection".into()))?;
        let send_err = |e: hyper::Error| ForwardError::Publish(format!("{}: {e}", inner.target.shown));
        sender.ready().await.map_err(send_err)?;
        let mut request = Request::post(format!("{}{path}", inner.target.prefix))
            .header(header::HOST, &inner.target.authority)
            .header(header::CONTENT_TYPE, inner.content_type())
            .header(header::USER_AGENT, concat!("intake-edge/", env!("CARGO_PKG_VERSION")))
            .header("X-SEKOIAIO-INTAKE-KEY", &key.0);
        if inner.gzip {
            request = request.header(header::CONTENT_ENCODING, "gzip");
        }
        let request = request
            .body(Full::new(body))
            .map_err(|e| ForwardError::Publish(format!("request: {e}")))?;
        let response = sender.send_request(request).await.map_err(send_err)?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let bytes = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
            .collect()
            .await
            .map_err(|e| ForwardError::Ack(format!("{}: reading the answer: {e}", inner.target.shown)))?
            .to_bytes();
        Ok((status, retry_after, String::from_utf8_lossy(&bytes).into_owned()))
    }
}

impl Inner {
    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, ForwardError> {
        let err = |reason: String| ForwardError::Connect {
            destination: self.target.shown.clone(),
            reason,
        };
        let tcp = TcpStream::connect((self.target.host.as_str(), self.target.port))
            .await
            .map_err(|e| err(e.to_string()))?;
        let _ = tcp.set_nodelay(true);
        match &self.tls {
            Some((connector, name)) => {
                let tls = connector
                    .connect(name.clone(), tcp)
                    .await
                    .map_err(|e| err(format!("TLS: {e}")))?;
                handshake(TokioIo::new(tls)).await.map_err(err)
            }
            None => handshake(TokioIo::new(tcp)).await.map_err(err),
        }
    }

    fn content_type(&self) -> &'static str {
        match self.endpoint {
            UpstreamEndpoint::Batch | UpstreamEndpoint::Jsons => "application/json",
            UpstreamEndpoint::Plain => "text/plain; charset=utf-8",
        }
    }

    /// `events` cut into requests of at most `batch_events` events and `batch_bytes` bytes
    /// (an event alone may be larger); with `/plain/batch`, an event with a line break goes
    /// alone (to `/plain`).
    fn cut<'a>(&self, events: &'a [CommittedEvent]) -> Vec<&'a [CommittedEvent]> {
        let mut out = Vec::new();
        let (mut start, mut bytes) = (0, 0);
        for (i, e) in events.iter().enumerate() {
            let alone = self.endpoint == UpstreamEndpoint::Plain && has_line_break(&e.raw);
            let full = i - start >= self.batch_events || bytes + e.raw.len() > self.batch_bytes;
            if i > start && (alone || full) {
                out.push(&events[start..i]);
                (start, bytes) = (i, 0);
            }
            bytes += e.raw.len();
            if alone {
                out.push(&events[i..=i]);
                (start, bytes) = (i + 1, 0);
            }
        }
        if start < events.len() {
            out.push(&events[start..]);
        }
        out
    }

    /// The path and body of a request with `events`.
    fn body(&self, key: &Secret, events: &[CommittedEvent]) -> (&'static str, Vec<u8>) {
        let raw_len: usize = events.iter().map(|e| e.raw.len() + 8).sum();
        let mut out = String::with_capacity(raw_len + 100 * events.len() + 100);
        match self.endpoint {
            UpstreamEndpoint::Batch => {
                out.push_str("{\"intake_key\":");
                edge_ecs::write_json_string(&key.0, &mut out);
                out.push_str(",\"jsons\":[");
                list(&mut out, events, |out, e| edge_ecs::write_json_string(&e.raw, out));
                out.push_str("],\"source_ids\":[");
                list(&mut out, events, |out, e| edge_ecs::write_json_string(&e.id, out));
                out.push_str("],\"@timestamps\":[");
                list(&mut out, events, |out, e| {
                    let time = chrono::DateTime::from_timestamp_micros(e.time_us)
                        .map(crate::timeparse::format_rfc3339)
                        .unwrap_or_default();
                    edge_ecs::write_json_string(&time, out);
                });
                out.push_str("]}");
                ("/batch", out.into_bytes())
            }
            UpstreamEndpoint::Jsons => {
                out.push('[');
                list(&mut out, events, |out, e| {
                    if is_json_document(&e.raw) {
                        out.push_str(&e.raw);
                    } else {
                        edge_ecs::write_json_string(&e.raw, out);
                    }
                });
                out.push(']');
                ("/jsons", out.into_bytes())
            }
            UpstreamEndpoint::Plain => {
                for (i, e) in events.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    out.push_str(&e.raw);
                }
                let path = match events {
                    [one] if has_line_break(&one.raw) => "/plain",
                    _ => "/plain/batch",
                };
                (path, out.into_bytes())
            }
        }
    }
}

fn list(out: &mut String, events: &[CommittedEvent], mut item: impl FnMut(&mut String, &CommittedEvent)) {
    for (i, e) in events.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        item(out, e);
    }
}

fn has_line_break(raw: &str) -> bool {
    raw.contains(['\n', '\r'])
}

/// An object or array that is valid JSON: sent as it is to `/jsons` (the upstream keeps its
/// text), anything else as a string.
fn is_json_document(raw: &str) -> bool {
    matches!(raw.trim_start().as_bytes().first(), Some(b'{' | b'['))
        && serde_json::from_str::<&serde_json::value::RawValue>(raw).is_ok()
}

async fn handshake<T>(io: T) -> Result<SendRequest<Full<Bytes>>, String>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| format!("HTTP: {e}"))?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::debug!(%error, "Upstream connection closed.");
        }
    });
    Ok(sender)
}

fn client_config(ca_file: Option<&std::path::Path>) -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    match ca_file {
        Some(path) => {
            let pem = std::fs::read(path).map_err(|e| format!("ca_file {}: {e}", path.display()))?;
            for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
                let cert = cert.map_err(|e| format!("ca_file {}: {e}", path.display()))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("ca_file {}: {e}", path.display()))?;
            }
            if roots.is_empty() {
                return Err(format!("ca_file {} holds no certificate", path.display()));
            }
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            for cert in found.certs {
                // One unreadable system certificate does not make the others useless.
                let _ = roots.add(cert);
            }
            if roots.is_empty() {
                return Err("no system CA certificates found: give `ca_file`".into());
            }
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn gzip(body: &[u8]) -> std::io::Result<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 4), flate2::Compression::fast());
    encoder.write_all(body)?;
    encoder.finish().map(Bytes::from)
}

/// `Retry-After`: seconds, or an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let ms = at.timestamp_millis() - chrono::Utc::now().timestamp_millis();
    Some(Duration::from_millis(ms.max(0) as u64))
}

/// A 200 answers one ID per event sent; anything else means events may be missing upstream.
fn check_ids(answer: &str, sent: usize, shown: &str) -> Result<(), ForwardError> {
    #[derive(serde::Deserialize)]
    struct Ids {
        event_ids: Option<Vec<serde::de::IgnoredAny>>,
        event_id: Option<serde::de::IgnoredAny>,
    }
    let ids: Ids = serde_json::from_str(answer).map_err(|e| {
        ForwardError::Ack(format!(
            "{shown} answered 200 without event IDs ({e}): {}",
            quoted(answer)
        ))
    })?;
    let answered = match (ids.event_ids, ids.event_id) {
        (Some(list), _) => list.len(),
        (None, Some(_)) => 1,
        (None, None) => 0,
    };
    if answered != sent {
        return Err(ForwardError::Ack(format!(
            "{shown} acknowledged {answered} of {sent} events"
        )));
    }
    Ok(())
}

fn quoted(text: &str) -> String {
    let cut: String = text.chars().take(QUOTED_ANSWER_CHARS).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, raw: &str) -> CommittedEvent {
        CommittedEvent {
            id: id.into(),
            format: "plain".into(),
            ok: true,
            json: Vec::new(),
            raw: raw.into(),
            time_us: 1_700_000_000_123_456,
        }
    }

    fn inner(endpoint: UpstreamEndpoint, batch_events: usize, batch_bytes: usize) -> Inner {
        Inner {
            target: Target::parse("https://up.example:8443/intake/").expect("URL"),
            tls: None,
            endpoint,
            keys: BTreeMap::new(),
            gzip: false,
            timeout: Duration::from_secs(1),
            batch_bytes,
            batch_events,
            stats: Box::leak(Box::default()),
            connection: tokio::sync::Mutex::new(None),
        }
    }

    #[test]
    fn urls_give_host_port_and_prefix_and_refuse_credentials() {
        let t = Target::parse("https://up.example:8443/intake/").expect("URL");
        assert_eq!(
            (t.host.as_str(), t.port, t.prefix.as_str()),
            ("up.example", 8443, "/intake")
        );
        let t = Target::parse("https://intake.example").expect("URL");
        assert_eq!(
            (t.port, t.prefix.as_str(), t.authority.as_str()),
            (443, "", "intake.example")
        );
        let e = Target::parse("https://user:secret@up.example/").expect_err("credentials");
        assert!(!e.contains("secret"), "{e}");
        assert!(Target::parse("ftp://x").is_err());
    }

    #[test]
    fn batches_carry_ids_and_times_and_keep_raw_text() {
        let events = [event("id-1", "line \"one\""), event("id-2", "{\"a\":1}")];
        let key = Secret("K".into());
        let (path, body) = inner(UpstreamEndpoint::Batch, 10, 1000).body(&key, &events);
        assert_eq!(path, "/batch");
        let v: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(v["intake_key"], "K");
        assert_eq!(v["jsons"], serde_json::json!(["line \"one\"", "{\"a\":1}"]));
        assert_eq!(v["source_ids"], serde_json::json!(["id-1", "id-2"]));
        assert_eq!(v["@timestamps"][0], "2023-11-14T22:13:20.123456Z");
        let (path, body) = inner(UpstreamEndpoint::Jsons, 10, 1000).body(&key, &events);
        assert_eq!(path, "/jsons");
        assert_eq!(String::from_utf8(body).expect("UTF-8"), r#"["line \"one\"",{"a":1}]"#);
        let (path, body) = inner(UpstreamEndpoint::Plain, 10, 1000).body(&key, &events);
        assert_eq!(
            (path, body.as_slice()),
            ("/plain/batch", &b"line \"one\"\n{\"a\":1}"[..])
        );
    }

    #[test]
    fn requests_are_cut_by_count_bytes_and_line_breaks() {
        let events: Vec<_> = (0..7).map(|i| event(&i.to_string(), "0123456789")).collect();
        let sizes = |cut: Vec<&[CommittedEvent]>| cut.iter().map(|c| c.len()).collect::<Vec<_>>();
        assert_eq!(sizes(inner(UpstreamEndpoint::Batch, 3, 1000).cut(&events)), [3, 3, 1]);
        assert_eq!(
            sizes(inner(UpstreamEndpoint::Batch, 100, 25).cut(&events)),
            [2, 2, 2, 1]
        );
        assert_eq!(sizes(inner(UpstreamEndpoint::Batch, 100, 5).cut(&events)), [1; 7]);
        let mut mixed = events.clone();
        mixed[2].raw = "two\nlines".into();
        assert_eq!(sizes(inner(UpstreamEndpoint::Plain, 100, 1000).cut(&mixed)), [2, 1, 4]);
        let (path, _) = inner(UpstreamEndpoint::Plain, 100, 1000).body(&Secret("K".into()), &mixed[2..3]);
        assert_eq!(path, "/plain");
        assert_eq!(sizes(inner(UpstreamEndpoint::Batch, 100, 1000).cut(&mixed)), [7]);
    }

    #[test]
    fn answers_must_hold_one_id_per_event() {
        assert!(check_ids(r#"{"event_ids":["a","b"]}"#, 2, "u").is_ok());
        assert!(check_ids(r#"{"event_id":"a"}"#, 1, "u").is_ok());
        assert!(check_ids(r#"{"event_ids":["a"]}"#, 2, "u").is_err());
        assert!(check_ids("<html>", 1, "u").is_err());
    }

    #[test]
    fn retry_after_is_seconds_or_a_date() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        let later = (chrono::Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        let d = parse_retry_after(&later).expect("date");
        assert!(d > Duration::from_secs(25) && d <= Duration::from_secs(30), "{d:?}");
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
