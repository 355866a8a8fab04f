//! Which requests the admin listener answers at all. A web page in a browser on this machine can
//! reach a loopback listener, so: the `Host` must name this listener (a DNS-rebinding page sends
//! its own name), API calls must not come from another site (`Origin`, `Sec-Fetch-Site`), must
//! carry the token when one is set, and a write must be declared JSON (a form or `text/plain`
//! POST is the one kind of cross-origin write a browser sends without asking first).

use crate::config::{AdminSettings, AdminToken, Authority, HostName};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, StatusCode, Uri, Version};

/// Why a request is refused before it reaches a handler.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the request has no Host header")]
    MissingHost,
    #[error("the request has more than one Host header")]
    DuplicateHost,
    #[error("the Host header is not a host name or address")]
    BadHost,
    #[error("this listener does not answer to host {0:?} (see admin.allowed_hosts)")]
    UnknownHost(String),
    #[error("cross-origin request refused (Origin: {0:?})")]
    CrossOrigin(String),
    #[error("cross-site request refused (Sec-Fetch-Site: {0})")]
    CrossSite(String),
    #[error("missing or wrong bearer token")]
    Token,
    #[error("the body must be JSON, sent with Content-Type: application/json")]
    NotJson,
}

impl Refusal {
    pub fn status(&self) -> StatusCode {
        match self {
            // RFC 9112 §3.2: a missing, repeated or invalid Host is a bad request.
            Self::MissingHost | Self::DuplicateHost | Self::BadHost => StatusCode::BAD_REQUEST,
            Self::UnknownHost(_) => StatusCode::MISDIRECTED_REQUEST,
            Self::CrossOrigin(_) | Self::CrossSite(_) => StatusCode::FORBIDDEN,
            Self::Token => StatusCode::UNAUTHORIZED,
            Self::NotJson => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        }
    }
}

/// Header values echoed in errors are cut to this many characters.
const ECHO_CHARS: usize = 100;

fn echo(value: &HeaderValue) -> String {
    String::from_utf8_lossy(value.as_bytes())
        .chars()
        .take(ECHO_CHARS)
        .collect()
}

/// The authority the request is addressed to, if it names this listener: the URI's in absolute
/// form (which wins over `Host`, RFC 9112 §3.2.2), else the `Host` header. `None` only for an
/// HTTP/1.0 request without one (a script; every browser sends `Host`).
pub fn check_host(
    version: Version,
    uri: &Uri,
    headers: &HeaderMap,
    settings: &AdminSettings,
) -> Result<Option<Authority>, Refusal> {
    let mut hosts = headers.get_all(header::HOST).iter();
    let (host, more) = (hosts.next(), hosts.next());
    if more.is_some() {
        return Err(Refusal::DuplicateHost);
    }
    let authority = match (uri.authority(), host) {
        (Some(a), _) => Authority::parse(a.as_str()).ok_or(Refusal::BadHost)?,
        (None, Some(h)) => h.to_str().ok().and_then(Authority::parse).ok_or(Refusal::BadHost)?,
        (None, None) if version <= Version::HTTP_10 => return Ok(None),
        (None, None) => return Err(Refusal::MissingHost),
    };
    if names_listener(&authority, settings) {
        Ok(Some(authority))
    } else {
        let shown = uri.authority().map(|a| a.to_string());
        Err(Refusal::UnknownHost(
            shown.or_else(|| host.map(echo)).unwrap_or_default(),
        ))
    }
}

/// Loopback names, the listener's own address, and the configured names. An IP literal cannot
/// be the product of DNS rebinding, so when the listener is on every interface any address is
/// taken rather than enumerating the machine's.
fn names_listener(a: &Authority, settings: &AdminSettings) -> bool {
    if a.is_loopback() || settings.allowed_hosts.iter().any(|p| a.matches(p)) {
        return true;
    }
    match a.host {
        HostName::Ip(ip) => settings.listen.ip().is_unspecified() || ip == settings.listen.ip(),
        HostName::Name(_) => false,
    }
}

/// Refuses requests a browser sends on behalf of another site: `Sec-Fetch-Site` other than
/// `same-origin` or `none` (typed, bookmarked), or an `Origin` that is neither the request's own
/// (`host`, already checked) nor a configured name. Without these headers (curl, scripts) a
/// request passes.
pub fn check_site(headers: &HeaderMap, settings: &AdminSettings, host: Option<&Authority>) -> Result<(), Refusal> {
    if let Some(site) = headers.get("sec-fetch-site") {
        if !matches!(site.as_bytes(), b"same-origin" | b"none") {
            return Err(Refusal::CrossSite(echo(site)));
        }
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let Some(from) = origin.to_str().ok().and_then(Authority::from_origin) else {
        return Err(Refusal::CrossOrigin(echo(origin)));
    };
    let same = match host {
        Some(host) => from == *host,
        None => names_listener(&from, settings),
    };
    if same || settings.allowed_hosts.iter().any(|p| from.matches(p)) {
        Ok(())
    } else {
        Err(Refusal::CrossOrigin(echo(origin)))
    }
}

/// `Authorization: Bearer <token>` when a token is configured.
pub fn check_token(headers: &HeaderMap, token: Option<&AdminToken>) -> Result<(), Refusal> {
    let Some(token) = token else { return Ok(()) };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if token.matches(given) {
        Ok(())
    } else {
        Err(Refusal::Token)
    }
}

/// A POST, or any request with a body, must say `Content-Type: application/json` (parameters
/// such as `charset` allowed).
pub fn check_json(method: &Method, headers: &HeaderMap) -> Result<(), Refusal> {
    let has_body = headers
        .get(header::CONTENT_LENGTH)
        .is_some_and(|v| v.as_bytes() != b"0")
        || headers.contains_key(header::TRANSFER_ENCODING);
    if method != Method::POST && !has_body {
        return Ok(());
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"));
    if json {
        Ok(())
    } else {
        Err(Refusal::NotJson)
    }
}

#[cfg(test)]
mod tests;
