//! Reading an HTTPS request: the body (bounded in size, time and node memory; gzip decoded),
//! the intake key, the event time header.

use super::error::ApiError;
use crate::listener::budget::{BudgetExhausted, MemoryBudget, Reservation};
use crate::timeparse;
use base64::Engine as _;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap};
use percent_encoding::percent_decode_str;
use std::io::Read;
use std::time::{Duration, Instant};

pub const KEY_HEADER: &str = "x-sekoiaio-intake-key";
pub const TIMESTAMP_HEADER: &str = "x-sekoiaio-event-timestamp";

/// How much of an oversized body is read and thrown away so that the client sees our 413
/// rather than a reset (HTTP/2 resets a stream whose request body is left unread).
const DRAIN_FACTOR: u64 = 4;
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// Budget is taken in steps of at least this much while a body without a length arrives.
const RESERVE_STEP: usize = 64 * 1024;

/// How a request body must arrive.
#[derive(Debug, Clone)]
pub struct BodyRules {
    /// Largest body, after decompression.
    pub limit: usize,
    /// The longest wait for the next piece, and the grace period before `min_rate` applies.
    pub timeout: Duration,
    /// Average bytes per second after the grace period; 0 for none.
    pub min_rate: u64,
    /// How long to wait for room in the node's memory budget before answering 503.
    pub memory_wait: Duration,
}

/// A request body as received, with the memory it holds.
pub struct Body {
    pub bytes: Bytes,
    pub gzip: bool,
    pub reservation: Reservation,
}

/// Reads the body, at most `rules.limit` bytes, drawing its size from `budget`. The content
/// encoding is checked first, so a body that would be refused for it is never read.
pub async fn read_body(
    headers: &HeaderMap,
    mut body: Incoming,
    rules: &BodyRules,
    budget: &MemoryBudget,
) -> Result<Body, ApiError> {
    let limit = rules.limit;
    let too_large = || ApiError::TooLarge(format!("request body over the limit of {limit} bytes"));
    let gzip = match content_encoding(headers) {
        Ok(e) => matches!(e, Encoding::Gzip),
        Err(e) => {
            refuse(body, limit).await;
            return Err(e);
        }
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        refuse(body, limit).await;
        return Err(too_large());
    }
    let busy = |e: BudgetExhausted| ApiError::Unavailable {
        reason: format!("the node is busy, retry later: {e}"),
        retry_after_secs: 1,
    };
    let mut reservation = match declared {
        Some(len) => budget
            .reserve_within(len as usize, rules.memory_wait)
            .await
            .map_err(busy)?,
        None => Reservation::default(),
    };
    let mut buf = Vec::with_capacity(declared.unwrap_or(0) as usize);
    let started = Instant::now();
    loop {
        let deadline = body_deadline(started, buf.len(), rules);
        let frame = match tokio::time::timeout_at(deadline.into(), body.frame()).await {
            Ok(Some(frame)) => frame,
            Ok(None) => break,
            Err(_) => {
                return Err(ApiError::Timeout(format!(
                    "the request body stalled: {} bytes in {:.1} s (a piece is due every {} s, and at least {} bytes/s on average)",
                    buf.len(),
                    started.elapsed().as_secs_f64(),
                    rules.timeout.as_secs(),
                    rules.min_rate
                )))
            }
        };
        let frame = frame.map_err(|e| ApiError::BadRequest(format!("cannot read the request body: {e}")))?;
        let Ok(data) = frame.into_data() else { continue };
        let needed = buf.len() + data.len();
        if needed > limit {
            refuse(body, limit).await;
            return Err(too_large());
        }
        if needed > reservation.bytes() {
            let step = (needed - reservation.bytes())
                .max(RESERVE_STEP)
                .min(limit - reservation.bytes());
            reservation.merge(budget.reserve_within(step, rules.memory_wait).await.map_err(busy)?);
        }
        buf.extend_from_slice(&data);
    }
    Ok(Body {
        bytes: Bytes::from(buf),
        gzip,
        reservation,
    })
}

/// When the next piece of the body is due: within `timeout` of now, and (with a rate) no later
/// than the grace period plus the time the bytes so far earn at `min_rate`.
fn body_deadline(started: Instant, received: usize, rules: &BodyRules) -> Instant {
    let gap = Instant::now() + rules.timeout;
    if rules.min_rate == 0 {
        return gap;
    }
    let earned = Duration::from_secs_f64(received as f64 / rules.min_rate as f64);
    gap.min(started + rules.timeout + earned)
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

/// Reads and drops up to a few times `limit` bytes, so that an error answer is not preceded by
/// a reset; costs no memory.
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

/// Decompresses at most `limit` bytes: a decompression bomb is refused, not expanded. CPU
/// bound: callers run it off the async workers for large bodies.
pub fn gunzip(compressed: &[u8], limit: usize) -> Result<Bytes, ApiError> {
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
