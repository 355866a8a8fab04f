//! Outgoing HTTP through `wasi:http/outgoing-handler@0.2`, one blocking request at a time.
//!
//! The host checks every request against the intake's allowlist (a denied one fails with the
//! error code `HTTP-request-denied`), refuses an `Authorization` header set by the guest (the
//! header is `forbidden`) and adds the intake's own authentication. Redirects are not followed:
//! a 3xx comes back as it is, and [`Response::check`] makes it an error.
//!
//! On native targets (unit tests) every request fails with [`HttpError::Invalid`]: test the
//! parsing, not the transport.

use crate::time;
use crate::PollError;
use std::fmt;

/// The largest response body read by default (16 MiB); larger ones fail with
/// [`HttpError::TooLarge`]. [`send`] takes another limit.
pub const DEFAULT_MAX_BODY: usize = 16 << 20;

/// When the source says nothing of how long to wait after a 429.
pub const DEFAULT_RATE_LIMIT_WAIT: u32 = 60;

/// The longest wait a 429 can ask for (1 hour).
pub const MAX_RATE_LIMIT_WAIT: u32 = 3600;

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A response read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// `GET https://…`: what was asked, for messages.
    pub request: String,
    pub status: u16,
    /// Every header as received, in order (a name may come several times, as `Link` does).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A response as a test script writes it (`request` names no real request).
    pub fn scripted(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
        Response {
            request: "GET (scripted)".into(),
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    /// The first value of the header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Every value of the header `name` (any case), in order.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.headers
            .iter()
            .filter(move |(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// A 2xx status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The start of the body as text (at most `max` characters, whitespace collapsed), for
    /// messages.
    pub fn body_snippet(&self, max: usize) -> String {
        snippet(&self.body, max)
    }

    /// `Ok` for a 2xx status, else what it means for a poll ([`status_error`]).
    pub fn check(&self) -> Result<(), PollError> {
        match status_error(self) {
            None => Ok(()),
            Some(error) => Err(error),
        }
    }

    /// The seconds to wait after this response (a 429 or a 503): `Retry-After` (seconds or an
    /// HTTP date), else `X-Rate-Limit-Reset` (Okta: epoch seconds) minus now, else
    /// [`DEFAULT_RATE_LIMIT_WAIT`]; at least 1, at most [`MAX_RATE_LIMIT_WAIT`]. "Now" is the
    /// response's `Date` if it has one (the source's clock), else the wall clock.
    pub fn retry_after(&self) -> u32 {
        let now = self
            .header("date")
            .and_then(time::parse_http_date)
            .unwrap_or_else(time::now);
        retry_after_secs(self.header("retry-after"), self.header("x-rate-limit-reset"), now)
    }
}

/// The start of `body` as one line of text, for messages.
pub fn snippet(body: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(max.saturating_mul(4))]);
    let mut out: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((cut, _)) = out.char_indices().nth(max) {
        out.truncate(cut);
        out.push('…');
    }
    out
}

/// [`Response::retry_after`] from the header values and the time now (epoch seconds).
pub fn retry_after_secs(retry_after: Option<&str>, rate_limit_reset: Option<&str>, now: i64) -> u32 {
    let wait = retry_after
        .and_then(|value| {
            let value = value.trim();
            value
                .parse::<i64>()
                .ok()
                .or_else(|| time::parse_http_date(value).map(|at| at - now))
        })
        .or_else(|| {
            rate_limit_reset
                .and_then(|reset| reset.trim().parse::<i64>().ok())
                .map(|reset| reset - now)
        })
        .unwrap_or(i64::from(DEFAULT_RATE_LIMIT_WAIT));
    u32::try_from(wait.clamp(1, i64::from(MAX_RATE_LIMIT_WAIT))).unwrap_or(DEFAULT_RATE_LIMIT_WAIT)
}

/// What a status means for a poll: `None` for a 2xx; 429 → [`PollError::RateLimited`]
/// ([`Response::retry_after`]); 5xx and 408 → [`PollError::Transient`]; 401 and 403 →
/// [`PollError::Fatal`] (the credentials the host added were refused); a 3xx →
/// [`PollError::Fatal`] (redirects are not followed); any other status → [`PollError::Fatal`]
/// with the start of the body.
pub fn status_error(response: &Response) -> Option<PollError> {
    let status = response.status;
    let request = &response.request;
    let body = || response.body_snippet(300);
    Some(match status {
        200..=299 => return None,
        429 => PollError::RateLimited(response.retry_after()),
        401 | 403 => PollError::Fatal(format!(
            "{request}: {status}: the source refused the credentials the host added (check the intake's secret and its permissions): {}",
            body()
        )),
        300..=399 => PollError::Fatal(format!(
            "{request}: {status} redirect to {} (redirects are not followed)",
            response.header("location").unwrap_or("nowhere")
        )),
        408 | 500..=599 => PollError::Transient(format!("{request}: {status}: {}", body())),
        _ => PollError::Fatal(format!("{request}: {status}: {}", body())),
    })
}

/// Why a request got no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpError {
    /// The host refused or could not complete the request: the `wasi:http` `error-code`, named as
    /// in WIT (`HTTP-request-denied`: not in the intake's allowlist; `connection-refused`…).
    Code { request: String, code: String },
    /// The host refused a header the guest set (`forbidden`: `Authorization`, which the host
    /// adds itself).
    HeaderRefused {
        request: String,
        header: String,
        reason: String,
    },
    /// The response body was larger than the limit.
    TooLarge { request: String, limit: usize },
    /// The request could not be made (a malformed URL or header; HTTP on a native target).
    Invalid { request: String, message: String },
    /// The transfer failed another way (the body stream broke).
    Failed { request: String, message: String },
}

impl HttpError {
    /// The `wasi:http` error code, if the host gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            HttpError::Code { code, .. } => Some(code),
            _ => None,
        }
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::Code { request, code } if code == "HTTP-request-denied" => {
                write!(
                    f,
                    "{request}: HTTP-request-denied (the host is not in the intake's allowlist)"
                )
            }
            HttpError::Code { request, code } => write!(f, "{request}: {code}"),
            HttpError::HeaderRefused {
                request,
                header,
                reason,
            } => {
                write!(f, "{request}: the header `{header}` was refused ({reason})")
            }
            HttpError::TooLarge { request, limit } => write!(f, "{request}: the response is larger than {limit} bytes"),
            HttpError::Invalid { request, message } | HttpError::Failed { request, message } => {
                write!(f, "{request}: {message}")
            }
        }
    }
}

impl std::error::Error for HttpError {}

impl From<HttpError> for PollError {
    /// Denied, prohibited, refused headers, malformed requests and oversized responses do not get
    /// better by retrying (fatal); network failures do (transient).
    fn from(error: HttpError) -> Self {
        let fatal = match &error {
            HttpError::Code { code, .. } => matches!(
                code.as_str(),
                "HTTP-request-denied"
                    | "destination-IP-prohibited"
                    | "configuration-error"
                    | "HTTP-request-URI-invalid"
                    | "HTTP-request-method-invalid"
                    | "TLS-certificate-error"
            ),
            HttpError::HeaderRefused { .. } | HttpError::TooLarge { .. } | HttpError::Invalid { .. } => true,
            HttpError::Failed { .. } => false,
        };
        if fatal {
            PollError::Fatal(error.to_string())
        } else {
            PollError::Transient(error.to_string())
        }
    }
}

/// GET `url` with `headers`, the body capped at [`DEFAULT_MAX_BODY`].
pub fn get(url: &str, headers: &[(&str, &str)]) -> Result<Response, HttpError> {
    send(Method::Get, url, headers, Vec::new(), DEFAULT_MAX_BODY)
}

/// POST `body` to `url` with `headers`, the response body capped at [`DEFAULT_MAX_BODY`].
pub fn post(url: &str, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Result<Response, HttpError> {
    send(Method::Post, url, headers, body.into(), DEFAULT_MAX_BODY)
}

/// Sends one request and reads the whole response, its body at most `max_body` bytes. Blocks
/// (on `wasi:io/poll`) until the response is read.
pub fn send(
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
    max_body: usize,
) -> Result<Response, HttpError> {
    let request = format!("{} {url}", method.as_str());
    // A known length rather than a chunked body: some APIs want one for a POST (411).
    let length;
    let mut all = headers.to_vec();
    if method == Method::Post
        && !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-length"))
    {
        length = body.len().to_string();
        all.push(("Content-Length", &length));
    }
    imp::send(request, method, url, &all, body, max_body)
}

/// Where a poller's requests go: [`Wasi`] in a component, [`Scripted`] in unit tests, so that a
/// poller's whole flow runs natively.
pub trait Transport {
    /// Sends one request ([`send`]).
    fn send(
        &mut self,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
        max_body: usize,
    ) -> Result<Response, HttpError>;

    /// GET with the default body limit.
    fn get(&mut self, url: &str, headers: &[(&str, &str)]) -> Result<Response, HttpError> {
        self.send(Method::Get, url, headers, Vec::new(), DEFAULT_MAX_BODY)
    }

    /// POST with the default body limit.
    fn post(&mut self, url: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Result<Response, HttpError> {
        self.send(Method::Post, url, headers, body, DEFAULT_MAX_BODY)
    }
}

/// The real transport: `wasi:http/outgoing-handler` ([`send`]).
#[derive(Debug, Default, Clone, Copy)]
pub struct Wasi;

impl Transport for Wasi {
    fn send(
        &mut self,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
        max_body: usize,
    ) -> Result<Response, HttpError> {
        send(method, url, headers, body, max_body)
    }
}

/// A request as [`Scripted`] saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A scripted response: status, headers, body.
pub type ScriptedResponse = (u16, Vec<(String, String)>, Vec<u8>);

/// A transport for unit tests: answers each request with the next scripted response (status,
/// headers, body) and records what was sent; a request beyond the script fails with
/// `connection-refused`.
#[derive(Debug, Default)]
pub struct Scripted {
    pub responses: std::collections::VecDeque<ScriptedResponse>,
    pub sent: Vec<SentRequest>,
}

impl Scripted {
    /// Adds a response to the script.
    pub fn respond(mut self, status: u16, headers: &[(&str, &str)], body: impl AsRef<[u8]>) -> Self {
        let headers = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.responses.push_back((status, headers, body.as_ref().to_vec()));
        self
    }

    /// The URLs requested, in order.
    pub fn urls(&self) -> Vec<&str> {
        self.sent.iter().map(|r| r.url.as_str()).collect()
    }
}

impl Transport for Scripted {
    fn send(
        &mut self,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
        max_body: usize,
    ) -> Result<Response, HttpError> {
        let request = format!("{} {url}", method.as_str());
        self.sent.push(SentRequest {
            method,
            url: url.to_owned(),
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body,
        });
        let Some((status, headers, body)) = self.responses.pop_front() else {
            return Err(HttpError::Code {
                request,
                code: "connection-refused".into(),
            });
        };
        if body.len() > max_body {
            return Err(HttpError::TooLarge {
                request,
                limit: max_body,
            });
        }
        Ok(Response {
            request,
            status,
            headers,
            body,
        })
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::{HttpError, Method, Response};

    pub(super) fn send(
        request: String,
        _method: Method,
        _url: &str,
        _headers: &[(&str, &str)],
        _body: Vec<u8>,
        _max_body: usize,
    ) -> Result<Response, HttpError> {
        Err(HttpError::Invalid {
            request,
            message: "HTTP needs the wasm32-wasip2 component".into(),
        })
    }
}

#[cfg(target_arch = "wasm32")]
mod imp {
    //! One request on the WASI 0.2 bindings (`wasip2`, what `wstd` is built on), with blocking
    //! calls: the request body is written, then the response awaited whatever became of the
    //! body. (`wstd` 0.6.8's `Client::send` fails the whole request with "connection reset" when
    //! the response comes before the body is finished, as it does when the server answers a GET
    //! at once or the host refuses the request.)

    use super::{HttpError, Method, Response};
    use wasip2::http::outgoing_handler;
    use wasip2::http::types::{
        http_error_code, ErrorCode, Fields, HeaderError, IncomingBody, Method as WasiMethod, OutgoingBody,
        OutgoingRequest, RequestOptions, Scheme,
    };
    use wasip2::io::streams::StreamError;

    /// Connecting; the first byte (above SQS long polling's 20 s); between two chunks (ns).
    const CONNECT_TIMEOUT: u64 = 30_000_000_000;
    const FIRST_BYTE_TIMEOUT: u64 = 60_000_000_000;
    const BETWEEN_BYTES_TIMEOUT: u64 = 60_000_000_000;

    /// `https://host:port/path?query` → (scheme, authority, path with query); `None` for
    /// anything else (userinfo, whitespace, another scheme).
    fn split_url(url: &str) -> Option<(Scheme, &str, String)> {
        let origin = crate::url::origin(url)?;
        let scheme = if origin[..5].eq_ignore_ascii_case("https") {
            Scheme::Https
        } else {
            Scheme::Http
        };
        let authority = &origin[origin.find("://")? + 3..];
        let rest = &url[origin.len()..];
        let rest = rest.split('#').next().unwrap_or("");
        if rest.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return None;
        }
        let path = if rest.starts_with('/') {
            rest.to_owned()
        } else {
            format!("/{rest}")
        };
        Some((scheme, authority, path))
    }

    pub(super) fn send(
        request: String,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
        max_body: usize,
    ) -> Result<Response, HttpError> {
        let invalid = |message: &str| HttpError::Invalid {
            request: request.clone(),
            message: message.to_owned(),
        };
        let (scheme, authority, path) = split_url(url).ok_or_else(|| invalid("not an http(s) URL"))?;
        let fields = Fields::new();
        for (name, value) in headers {
            if let Err(e) = fields.append(name, value.as_bytes()) {
                let reason = match e {
                    HeaderError::Forbidden => "forbidden",
                    HeaderError::InvalidSyntax => "invalid syntax",
                    HeaderError::Immutable => "immutable",
                };
                return Err(HttpError::HeaderRefused {
                    request,
                    header: name.to_ascii_lowercase(),
                    reason: reason.to_owned(),
                });
            }
        }
        let outgoing = OutgoingRequest::new(fields);
        let wasi_method = match method {
            Method::Get => WasiMethod::Get,
            Method::Post => WasiMethod::Post,
        };
        outgoing
            .set_method(&wasi_method)
            .map_err(|()| invalid("method refused"))?;
        outgoing
            .set_scheme(Some(&scheme))
            .map_err(|()| invalid("scheme refused"))?;
        outgoing
            .set_authority(Some(authority))
            .map_err(|()| invalid("authority refused"))?;
        outgoing
            .set_path_with_query(Some(&path))
            .map_err(|()| invalid("path refused"))?;
        let outgoing_body = outgoing.body().map_err(|()| invalid("no request body"))?;
        let options = RequestOptions::new();
        // A host that does not support an option keeps its own timeouts.
        let _ = options.set_connect_timeout(Some(CONNECT_TIMEOUT));
        let _ = options.set_first_byte_timeout(Some(FIRST_BYTE_TIMEOUT));
        let _ = options.set_between_bytes_timeout(Some(BETWEEN_BYTES_TIMEOUT));
        let future = outgoing_handler::handle(outgoing, Some(options)).map_err(|code| HttpError::Code {
            request: request.clone(),
            code: code_name(&code),
        })?;

        // The body. A write that fails means that the host or the server is done with the
        // request: the response (or its error code) says why.
        if let Ok(stream) = outgoing_body.write() {
            for chunk in body.chunks(4096) {
                if stream.blocking_write_and_flush(chunk).is_err() {
                    break;
                }
            }
            drop(stream);
        }
        let _ = OutgoingBody::finish(outgoing_body, None);

        let incoming = loop {
            match future.get() {
                Some(result) => break result,
                None => future.subscribe().block(),
            }
        };
        drop(future);
        let incoming = match incoming {
            Ok(Ok(response)) => response,
            Ok(Err(code)) => {
                return Err(HttpError::Code {
                    request,
                    code: code_name(&code),
                })
            }
            Err(()) => {
                return Err(HttpError::Failed {
                    request,
                    message: "the response was taken".into(),
                })
            }
        };
        let status = incoming.status();
        let headers: Vec<(String, String)> = incoming
            .headers()
            .entries()
            .into_iter()
            .map(|(name, value)| (name, String::from_utf8_lossy(&value).into_owned()))
            .collect();
        let too_large = || HttpError::TooLarge {
            request: request.clone(),
            limit: max_body,
        };
        let declared = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, value)| value.trim().parse::<u64>().ok());
        if declared.is_some_and(|length| length > max_body as u64) {
            return Err(too_large());
        }
        let incoming_body = incoming.consume().map_err(|()| invalid("no response body"))?;
        let stream = incoming_body
            .stream()
            .map_err(|()| invalid("no response body stream"))?;
        let mut bytes = Vec::new();
        loop {
            match stream.blocking_read(64 * 1024) {
                Ok(chunk) => {
                    if bytes.len() + chunk.len() > max_body {
                        return Err(too_large());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Err(StreamError::Closed) => break,
                Err(StreamError::LastOperationFailed(error)) => {
                    return Err(match http_error_code(&error) {
                        Some(code) => HttpError::Code {
                            request,
                            code: code_name(&code),
                        },
                        None => HttpError::Failed {
                            request,
                            message: error.to_debug_string(),
                        },
                    });
                }
            }
        }
        drop(stream);
        // Trailers are not read.
        drop(IncomingBody::finish(incoming_body));
        drop(incoming);
        Ok(Response {
            request,
            status,
            headers,
            body: bytes,
        })
    }

    /// The WIT name of an error code (`HTTP-request-denied`).
    fn code_name(code: &ErrorCode) -> String {
        use ErrorCode as E;
        let name = match code {
            E::DnsTimeout => "DNS-timeout",
            E::DnsError(payload) => {
                return format!("DNS-error (rcode {})", payload.rcode.as_deref().unwrap_or("?"));
            }
            E::DestinationNotFound => "destination-not-found",
            E::DestinationUnavailable => "destination-unavailable",
            E::DestinationIpProhibited => "destination-IP-prohibited",
            E::DestinationIpUnroutable => "destination-IP-unroutable",
            E::ConnectionRefused => "connection-refused",
            E::ConnectionTerminated => "connection-terminated",
            E::ConnectionTimeout => "connection-timeout",
            E::ConnectionReadTimeout => "connection-read-timeout",
            E::ConnectionWriteTimeout => "connection-write-timeout",
            E::ConnectionLimitReached => "connection-limit-reached",
            E::TlsProtocolError => "TLS-protocol-error",
            E::TlsCertificateError => "TLS-certificate-error",
            E::TlsAlertReceived(payload) => {
                return format!(
                    "TLS-alert-received ({})",
                    payload.alert_message.as_deref().unwrap_or("?")
                );
            }
            E::HttpRequestDenied => "HTTP-request-denied",
            E::HttpRequestLengthRequired => "HTTP-request-length-required",
            E::HttpRequestBodySize(_) => "HTTP-request-body-size",
            E::HttpRequestMethodInvalid => "HTTP-request-method-invalid",
            E::HttpRequestUriInvalid => "HTTP-request-URI-invalid",
            E::HttpRequestUriTooLong => "HTTP-request-URI-too-long",
            E::HttpResponseIncomplete => "HTTP-response-incomplete",
            E::HttpResponseBodySize(_) => "HTTP-response-body-size",
            E::HttpResponseTimeout => "HTTP-response-timeout",
            E::HttpProtocolError => "HTTP-protocol-error",
            E::LoopDetected => "loop-detected",
            E::ConfigurationError => "configuration-error",
            E::InternalError(message) => return format!("internal-error ({})", message.as_deref().unwrap_or("?")),
            other => return format!("{other:?}"),
        };
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
        Response::scripted(status, headers, body)
    }

    #[test]
    fn statuses() {
        assert!(response(204, &[], "").check().is_ok());
        assert!(matches!(response(503, &[], "busy").check(), Err(PollError::Transient(m)) if m.contains("503: busy")));
        assert!(matches!(response(401, &[], "").check(), Err(PollError::Fatal(m)) if m.contains("credentials")));
        assert!(matches!(response(403, &[], "").check(), Err(PollError::Fatal(_))));
        assert!(matches!(
            response(302, &[("Location", "https://evil/")], "").check(),
            Err(PollError::Fatal(m)) if m.contains("https://evil/") && m.contains("not followed")
        ));
        assert!(
            matches!(response(400, &[], "bad\n since").check(), Err(PollError::Fatal(m)) if m.ends_with("400: bad since"))
        );
        assert_eq!(
            response(429, &[("Retry-After", "7")], "").check(),
            Err(PollError::RateLimited(7))
        );
    }

    #[test]
    fn rate_limits() {
        let now = 1_796_119_200;
        assert_eq!(retry_after_secs(Some("12"), None, now), 12);
        assert_eq!(retry_after_secs(Some("0"), None, now), 1);
        assert_eq!(retry_after_secs(Some("Tue, 01 Dec 2026 10:00:30 GMT"), None, now), 30);
        assert_eq!(retry_after_secs(None, Some("1796119245"), now), 45);
        assert_eq!(retry_after_secs(None, Some("1796119100"), now), 1);
        assert_eq!(retry_after_secs(Some("soon"), Some("1796119205"), now), 5);
        assert_eq!(retry_after_secs(None, None, now), DEFAULT_RATE_LIMIT_WAIT);
        assert_eq!(retry_after_secs(Some("999999"), None, now), MAX_RATE_LIMIT_WAIT);
        let r = response(
            429,
            &[
                ("Date", "Tue, 01 Dec 2026 10:00:00 GMT"),
                ("X-Rate-Limit-Reset", "1796119220"),
            ],
            "",
        );
        assert_eq!(r.retry_after(), 20);
    }

    #[test]
    fn headers_and_snippets() {
        let r = response(200, &[("Link", "a"), ("link", "b"), ("X", "c")], "");
        assert_eq!(r.headers_named("LINK").collect::<Vec<_>>(), vec!["a", "b"]);
        assert_eq!(r.header("x"), Some("c"));
        assert_eq!(snippet("é".repeat(10).as_bytes(), 3), "ééé…");
        assert_eq!(snippet(b"  a \n b ", 10), "a b");
    }

    #[test]
    fn errors() {
        let denied = HttpError::Code {
            request: "GET https://x".into(),
            code: "HTTP-request-denied".into(),
        };
        assert_eq!(denied.code(), Some("HTTP-request-denied"));
        assert!(matches!(PollError::from(denied), PollError::Fatal(m) if m.contains("allowlist")));
        let refused = HttpError::Code {
            request: "GET https://x".into(),
            code: "connection-refused".into(),
        };
        assert!(matches!(PollError::from(refused), PollError::Transient(_)));
        let header = HttpError::HeaderRefused {
            request: "GET https://x".into(),
            header: "authorization".into(),
            reason: "forbidden".into(),
        };
        assert!(matches!(PollError::from(header), PollError::Fatal(m) if m.contains("`authorization`")));
        assert!(matches!(get("https://x/", &[]), Err(HttpError::Invalid { .. })));
    }
}
