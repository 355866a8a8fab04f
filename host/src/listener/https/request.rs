//! Reading an HTTPS request: bounded (and gzip-decoded) body, intake key, event time header.

use super::error::ApiError;
use crate::timeparse;
use base64::Engine as _;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap};
use percent_encoding::percent_decode_str;
use std::io::Read;

pub const KEY_HEADER: &str = "x-sekoiaio-intake-key";
pub const TIMESTAMP_HEADER: &str = "x-sekoiaio-event-timestamp";

/// How much of an oversized body is read and thrown away so that the client sees our 413
/// rather than a reset (HTTP/2 resets a stream whose request body is left unread).
const DRAIN_FACTOR: u64 = 4;
const DRAIN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The body, at most `limit` bytes after decompression.
pub async fn read_body(headers: &HeaderMap, mut body: Incoming, limit: usize) -> Result<Bytes, ApiError> {
    let too_large = || ApiError::TooLarge(format!("request body over the limit of {limit} bytes"));
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        refuse(body, limit).await;
        return Err(too_large());
    }
    let mut buf = Vec::with_capacity(declared.unwrap_or(0) as usize);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| ApiError::BadRequest(format!("cannot read the request body: {e}")))?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > limit {
                refuse(body, limit).await;
                return Err(too_large());
            }
            buf.extend_from_slice(&data);
        }
    }
    match content_encoding(headers)? {
        Encoding::Identity => Ok(Bytes::from(buf)),
        Encoding::Gzip => gunzip(&buf, limit),
    }
}

/// Gets rid of an oversized body without making the client miss our 413: up to a few times
/// the limit is read and dropped before answering; beyond that the answer goes out at once and
/// a background task keeps reading (for a bounded time) so that the stream is not reset under
/// the client's feet (HTTP/2 resets a stream whose request body is dropped unread).
async fn refuse(mut body: Incoming, limit: usize) {
    let cap = limit as u64 * DRAIN_FACTOR;
    if let Ok(true) = tokio::time::timeout(DRAIN_TIMEOUT, drain(&mut body, cap)).await {
        return;
    }
    tokio::spawn(async move {
        let _ = tokio::time::timeout(DRAIN_TIMEOUT, drain(&mut body, u64::MAX)).await;
    });
}

/// Reads and drops the body; `true` if it ended within `cap` bytes.
async fn drain(body: &mut Incoming, cap: u64) -> bool {
    let mut seen = 0u64;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { return true };
        if let Ok(data) = frame.into_data() {
            seen += data.len() as u64;
            if seen > cap {
                return false;
            }
        }
    }
    true
}

/// Reads and drops up to `limit` bytes, so that an error answer is not preceded by a reset.
pub async fn discard_body(body: Incoming, limit: usize) {
    refuse(body, limit).await;
}

enum Encoding {
    Identity,
    Gzip,
}

fn content_encoding(headers: &HeaderMap) -> Result<Encoding, ApiError> {
    let Some(value) = headers.get(header::CONTENT_ENCODING) else {
        return Ok(Encoding::Identity);
    };
    let value = value.to_str().unwrap_or("").trim().to_ascii_lowercase();
    match value.as_str() {
        "" | "identity" => Ok(Encoding::Identity),
        "gzip" | "x-gzip" => Ok(Encoding::Gzip),
        other => Err(ApiError::UnsupportedMediaType(format!(
            "unsupported Content-Encoding {other:?}: use gzip or none"
        ))),
    }
}

/// Decompresses at most `limit` bytes: a decompression bomb is refused, not expanded.
fn gunzip(compressed: &[u8], limit: usize) -> Result<Bytes, ApiError> {
    let mut out = Vec::with_capacity((compressed.len() * 4).min(limit));
    flate2::read::MultiGzDecoder::new(compressed)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| ApiError::BadRequest(format!("invalid gzip body: {e}")))?;
    if out.len() > limit {
        return Err(ApiError::TooLarge(format!(
            "decompressed request body over the limit of {limit} bytes"
        )));
    }
    Ok(Bytes::from(out))
}

/// JSON endpoints insist on a JSON content type, as the commercial intakes do.
pub fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json")) {
        Ok(())
    } else if ct.is_empty() {
        Err(ApiError::UnsupportedMediaType(
            "this endpoint takes JSON: set Content-Type: application/json".into(),
        ))
    } else {
        Err(ApiError::UnsupportedMediaType(format!(
            "this endpoint takes JSON, not {ct:?}: set Content-Type: application/json"
        )))
    }
}

/// The key from the header, else the Basic password, else the query: in that precedence.
/// (The body field, the last resort, is read by the endpoint parser.)
pub fn key_outside_body(headers: &HeaderMap, query: Option<&str>) -> Option<String> {
    if let Some(k) = headers.get(KEY_HEADER).and_then(|v| v.to_str().ok()) {
        let k = k.trim();
        if !k.is_empty() {
            return Some(k.to_string());
        }
    }
    if let Some(password) = basic_password(headers) {
        return Some(password);
    }
    query_param(query, "intake_key").filter(|k| !k.is_empty())
}

fn basic_password(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (_user, password) = text.split_once(':')?;
    (!password.is_empty()).then(|| password.to_string())
}

/// A decoded query parameter (`+` is a space, `%XX` escapes).
pub fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    query?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| {
            percent_decode_str(&v.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

/// The event time the client set for the whole request, if any.
pub fn header_time(headers: &HeaderMap, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(value) = headers.get(TIMESTAMP_HEADER) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::BadRequest("X-SEKOIAIO-EVENT-TIMESTAMP is not ASCII".into()))?;
    timeparse::parse_datetime(text, now)
        .map(Some)
        .map_err(|e| ApiError::BadRequest(format!("invalid X-SEKOIAIO-EVENT-TIMESTAMP: {e}")))
}
