//! One HTTPS request from head to IDs. What can be refused from the head alone (path, method,
//! content type, a key outside the body, the time header, the path selector) is refused before
//! the body is read; the body is read within the node's memory budget and parsed with the
//! request limits applied as it goes; every key is checked before any event is built. Until
//! the key is known good, a request costs about its own size in memory and linear time.

use super::endpoints::{self, Endpoint, Parsed, TimeValue};
use super::error::ApiError;
use super::json_body::BodyLimits;
use super::json_path;
use super::request::{self, Body, BodyRules};
use crate::event::{Envelope, Incoming, Protocol};
use crate::listener::budget::MemoryBudget;
use crate::pipeline::Pipeline;
use crate::registry::{IntakeEntry, Registry, RegistryHandle};
use crate::timeparse;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use http_body_util::Full;
use hyper::body::Incoming as IncomingBody;
use hyper::{header, Method, Request, Response, StatusCode};
use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;

/// Bodies larger than this are decoded and parsed on the blocking pool, not on an async
/// worker: a 10 MiB body takes tens of milliseconds, which would stall every connection that
/// worker serves.
const BLOCKING_BODY_BYTES: usize = 64 * 1024;

/// What a request's events are built from, shared by all of them.
pub(super) struct Ingest {
    pub registry: Arc<RegistryHandle>,
    pub pipeline: Arc<Pipeline>,
    pub budget: Arc<MemoryBudget>,
}

/// What the head of a request settled.
struct Head {
    endpoint: Endpoint,
    /// The intake of a key given outside the body; it wins over any key in the body.
    outer: Option<Arc<IntakeEntry>>,
    header_time: Option<DateTime<Utc>>,
    path: Option<String>,
}

impl Ingest {
    pub async fn ingest(
        &self,
        req: Request<IncomingBody>,
        peer: SocketAddr,
        received_at: DateTime<Utc>,
    ) -> Result<Response<Full<Bytes>>, ApiError> {
        // One registry for the whole request, even if a reload happens meanwhile.
        let registry = self.registry.current();
        let config = registry.config().clone();
        let (parts, body) = req.into_parts();
        let head = match check_head(&parts.method, &parts.uri, &parts.headers, &registry, received_at) {
            Ok(head) => head,
            Err(error) => {
                request::discard_body(body, config.limits.max_request_bytes).await;
                return Err(error);
            }
        };
        let rules = BodyRules {
            limit: config.limits.max_request_bytes,
            timeout: config.limits.body_timeout,
            min_rate: config.limits.min_body_rate,
            memory_wait: config.store.enqueue_timeout,
        };
        let mut body = request::read_body(&parts.headers, body, &rules, &self.budget).await?;
        if body.gzip {
            // The decoded body is held too: reserve for the worst case, then keep what it took.
            let extra = self
                .budget
                .reserve_within(rules.limit, rules.memory_wait)
                .await
                .map_err(|e| ApiError::Unavailable {
                    reason: format!("the node is busy, retry later: {e}"),
                    retry_after_secs: 1,
                })?;
            body.reservation.merge(extra);
        }
        let limits = BodyLimits {
            max_events: config.limits.max_batch_events,
            max_event_bytes: config.limits.max_event_bytes,
        };
        let endpoint = head.endpoint;
        let blocking = body.bytes.len() > BLOCKING_BODY_BYTES;
        let build = move || -> Result<(Vec<Incoming>, Body), ApiError> {
            let mut body = body;
            if body.gzip {
                body.bytes = request::gunzip(&body.bytes, rules.limit)?;
                body.gzip = false;
                body.reservation.shrink_to(body.bytes.len());
            }
            let events = build_events(&body.bytes, &head, &limits, &registry, peer, received_at)?;
            Ok((events, body))
        };
        let (events, body) = if blocking {
            tokio::task::spawn_blocking(build)
                .await
                .map_err(|e| ApiError::Unavailable {
                    reason: format!("the request could not be parsed: {e}"),
                    retry_after_secs: 1,
                })??
        } else {
            build()?
        };
        // The body's bytes are no longer needed, but its events are: the reservation is held
        // until they are stored.
        let reservation = body.reservation;
        drop(body.bytes);
        let ids = self.pipeline.ingest(Protocol::Https, received_at, events).await?;
        drop(reservation);
        Ok(ids_response(endpoint, &ids))
    }
}

fn check_head(
    method: &Method,
    uri: &hyper::Uri,
    headers: &hyper::HeaderMap,
    registry: &Registry,
    now: DateTime<Utc>,
) -> Result<Head, ApiError> {
    let endpoint = Endpoint::from_path(uri.path()).ok_or_else(|| ApiError::NotFound(uri.path().to_string()))?;
    if *method != Method::POST {
        return Err(ApiError::MethodNotAllowed(method.to_string()));
    }
    if endpoint.takes_json() {
        request::require_json(headers)?;
    }
    let query = uri.query();
    let outer = match request::key_outside_body(headers, query) {
        Some(key) => Some(registry.intake_for_key(&key).ok_or(ApiError::UnknownKey)?.clone()),
        None if !endpoint.key_in_body() => return Err(ApiError::MissingKey),
        None => None,
    };
    let header_time = request::header_time(headers, now)?;
    let path = match endpoint {
        Endpoint::Jsons => request::query_param(query, "path"),
        _ => None,
    };
    if let Some(p) = &path {
        json_path::parse(p).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    }
    Ok(Head {
        endpoint,
        outer,
        header_time,
        path,
    })
}

/// Parses the body and attaches each event to its intake and time. Any bad event fails the
/// whole request, so nothing is stored for a request that gets an error.
fn build_events(
    body: &[u8],
    head: &Head,
    limits: &BodyLimits,
    registry: &Registry,
    peer: SocketAddr,
    now: DateTime<Utc>,
) -> Result<Vec<Incoming>, ApiError> {
    let Parsed { key, time, items } = endpoints::parse(head.endpoint, body, head.path.as_deref(), limits)?;
    if items.is_empty() {
        return Err(ApiError::BadRequest("no events in the request".into()));
    }
    // Every key is checked before anything is built per event.
    let shared = match (&head.outer, key) {
        (Some(intake), _) => Some(intake.clone()),
        (None, Some(key)) => Some(registry.intake_for_key(&key).ok_or(ApiError::UnknownKey)?.clone()),
        (None, None) => None,
    };
    let mut intakes = Vec::with_capacity(items.len());
    let mut last: Option<(&str, &Arc<IntakeEntry>)> = None;
    for item in &items {
        let intake = match &shared {
            Some(intake) => intake.clone(),
            None => {
                let key = item.key.as_deref().ok_or(ApiError::MissingKey)?;
                let entry = match last {
                    Some((k, entry)) if k == key => entry,
                    _ => registry.intake_for_key(key).ok_or(ApiError::UnknownKey)?,
                };
                last = Some((key, entry));
                entry.clone()
            }
        };
        intakes.push(intake);
    }
    let request_time = match &time {
        Some(t) => Some(body_time(t, now).map_err(|e| ApiError::BadRequest(format!("invalid @timestamp: {e}")))?),
        None => head.header_time,
    };
    let many = items.len() > 1;
    let source = peer.to_string();
    items
        .into_iter()
        .zip(intakes)
        .enumerate()
        .map(|(i, (item, intake))| {
            let client_time = match &item.time {
                Some(t) => Some(body_time(t, now).map_err(|e| {
                    let which = if many { format!("event {i}") } else { "the event".into() };
                    ApiError::BadRequest(format!("invalid @timestamp of {which}: {e}"))
                })?),
                None => request_time,
            };
            Ok(Incoming {
                intake,
                raw: item.raw.into_owned(),
                client_time,
                envelope: Envelope {
                    source_address: Some(source.clone()),
                    ..Envelope::default()
                },
                source_id: item.source_id.map(Cow::into_owned),
            })
        })
        .collect()
}

fn body_time(t: &TimeValue, now: DateTime<Utc>) -> Result<DateTime<Utc>, timeparse::TimeParseError> {
    match t {
        TimeValue::Text(s) => timeparse::parse_datetime(s, now),
        TimeValue::Int(i) => timeparse::parse_epoch_i64(*i),
        TimeValue::Float(f) => timeparse::parse_epoch(*f),
    }
}

fn ids_response(endpoint: Endpoint, ids: &[uuid::Uuid]) -> Response<Full<Bytes>> {
    let body = if endpoint.answers_one_id() {
        serde_json::json!({ "event_id": ids.first().map(|id| id.to_string()) })
    } else {
        serde_json::json!({ "event_ids": ids.iter().map(|id| id.to_string()).collect::<Vec<_>>() })
    };
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}
