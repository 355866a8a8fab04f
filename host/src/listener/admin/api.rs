//! The intakes JSON API of the admin listener. Every answer is JSON; errors are
//! `{"error": "..."}`. Edits go through [`registry::file`](crate::registry::file) (validated,
//! atomic) and reload the registry before answering, so a new key works as soon as it is returned.

use super::{guard, json, Admin};
use crate::config::Config;
use crate::registry::edit::{self, EditError, NewIntake};
use crate::registry::file::{edit_file, FileError};
use crate::registry::keys::generate_key;
use crate::store::{self, EventFilter, IntakeStats, Reader};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// Largest request body accepted.
pub const MAX_BODY: usize = 64 * 1024;
/// A request body (at most 64 KiB, from a local client) must arrive within this time.
const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
const DEFAULT_LIMIT: usize = 50;
pub(crate) const MAX_LIMIT: usize = 1000;

/// What a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route<'a> {
    ListIntakes,
    CreateIntake,
    GetIntake(&'a str),
    DeleteIntake(&'a str),
    Events(&'a str),
    Stats(&'a str),
    Formats,
    /// A known path with a method it does not take; lists the ones it does.
    WrongMethod(&'static str),
    NotFound,
}

pub(crate) fn route<'a>(method: &Method, path: &'a str) -> Route<'a> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (get, post, delete) = (method == Method::GET, method == Method::POST, method == Method::DELETE);
    match segments.as_slice() {
        ["api", "intakes"] | ["api", "intakes", ""] => match () {
            _ if get => Route::ListIntakes,
            _ if post => Route::CreateIntake,
            _ => Route::WrongMethod("GET, POST"),
        },
        ["api", "intakes", name] if !name.is_empty() => match () {
            _ if get => Route::GetIntake(name),
            _ if delete => Route::DeleteIntake(name),
            _ => Route::WrongMethod("GET, DELETE"),
        },
        ["api", "intakes", name, "events"] if !name.is_empty() => match () {
            _ if get => Route::Events(name),
            _ => Route::WrongMethod("GET"),
        },
        ["api", "intakes", name, "stats"] if !name.is_empty() => match () {
            _ if get => Route::Stats(name),
            _ => Route::WrongMethod("GET"),
        },
        ["api", "formats"] => match () {
            _ if get => Route::Formats,
            _ => Route::WrongMethod("GET"),
        },
        _ => Route::NotFound,
    }
}

/// An answer: status and JSON body.
type Answer = (StatusCode, Value);

fn error(status: StatusCode, message: impl std::fmt::Display) -> Answer {
    (status, json!({ "error": message.to_string() }))
}

pub(super) async fn handle(admin: &Admin, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let (status, body) = answer(admin, req).await;
    let mut response = json(status, body.to_string());
    // Answers carry keys and events: no browser or proxy cache may keep them.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn answer(admin: &Admin, req: Request<Incoming>) -> Answer {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().unwrap_or("").to_string();
    let route = route(&parts.method, &path);
    // A wrong method or path says so first; anything the API acts on must be declared JSON.
    if !matches!(route, Route::WrongMethod(_) | Route::NotFound) {
        if let Err(refusal) = guard::check_json(&parts.method, &parts.headers) {
            return error(refusal.status(), refusal);
        }
    }
    match route {
        Route::ListIntakes => list(admin).await,
        Route::GetIntake(name) => show(admin, name).await,
        Route::Events(name) => events(admin, name, &query).await,
        Route::Stats(name) => stats(admin, name).await,
        Route::Formats => formats(admin),
        Route::CreateIntake => match read_body(body).await {
            Ok(bytes) => create(admin, &bytes).await,
            Err(e) => e,
        },
        Route::DeleteIntake(name) => delete(admin, name).await,
        Route::WrongMethod(allowed) => error(StatusCode::METHOD_NOT_ALLOWED, format!("use {allowed}")),
        Route::NotFound => error(
            StatusCode::NOT_FOUND,
            format!("no such endpoint: {}", path.escape_default()),
        ),
    }
}

async fn read_body(body: Incoming) -> Result<Bytes, Answer> {
    let read = tokio::time::timeout(BODY_TIMEOUT, Limited::new(body, MAX_BODY).collect());
    let Ok(read) = read.await else {
        return Err(error(
            StatusCode::REQUEST_TIMEOUT,
            format!("the body did not arrive within {} s", BODY_TIMEOUT.as_secs()),
        ));
    };
    match read {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is larger than {MAX_BODY} bytes"),
        )),
        Err(e) => Err(error(StatusCode::BAD_REQUEST, format!("cannot read the body: {e}"))),
    }
}

/// Runs blocking work (SQLite, the file) off the reactor.
async fn blocking(f: impl FnOnce() -> Answer + Send + 'static) -> Answer {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| error(StatusCode::INTERNAL_SERVER_ERROR, format!("the request failed: {e}")))
}

/// The summary of every intake, in file order; with `key` for [`show`].
fn summary(config: &Config, reader: Option<&Reader>, name: &str, with_key: bool) -> Result<Option<Value>, String> {
    let Some(intake) = config.intake(name) else {
        return Ok(None);
    };
    let stats = match reader {
        Some(r) => r.stats(name, store::today()).map_err(|e| e.to_string())?,
        None => IntakeStats::empty(store::today()),
    };
    let mut out = json!({
        "name": intake.name,
        "format": intake.format,
        "entity": intake.entity,
        "created_by": intake.created_by,
        "created_at": intake.created_at,
        "events_7d": stats.events,
        "errors_7d": stats.errors,
        "daily": stats.days,
        "reasons": stats.reasons,
    });
    if let Some(poll) = crate::poll::status_json(intake, &config.store_path()) {
        out["poll"] = poll;
    }
    if with_key {
        out["key"] = Value::from(intake.key.expose());
    }
    Ok(Some(out))
}

/// A read-only connection to the store, or none if the server has not created it yet.
fn open_reader(config: &Config) -> Result<Option<Reader>, Answer> {
    let path = config.store_path();
    if !path.is_file() {
        return Ok(None);
    }
    Reader::open(&path)
        .map(Some)
        .map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, e))
}

async fn list(admin: &Admin) -> Answer {
    let config = admin.registry.current().config().clone();
    blocking(move || {
        let reader = match open_reader(&config) {
            Ok(r) => r,
            Err(e) => return e,
        };
        let mut rows = Vec::with_capacity(config.intakes.len());
        for intake in &config.intakes {
            match summary(&config, reader.as_ref(), &intake.name, false) {
                Ok(Some(row)) => rows.push(row),
                Ok(None) => {}
                Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
            }
        }
        (StatusCode::OK, Value::Array(rows))
    })
    .await
}

async fn show(admin: &Admin, name: &str) -> Answer {
    let config = admin.registry.current().config().clone();
    let name = name.to_string();
    blocking(move || {
        let reader = match open_reader(&config) {
            Ok(r) => r,
            Err(e) => return e,
        };
        match summary(&config, reader.as_ref(), &name, true) {
            Ok(Some(row)) => (StatusCode::OK, row),
            Ok(None) => error(StatusCode::NOT_FOUND, format!("no intake named {name:?}")),
            Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
        }
    })
    .await
}

/// Events and errors per day and rejection reasons with counts, over the last 7 days.
async fn stats(admin: &Admin, name: &str) -> Answer {
    let config = admin.registry.current().config().clone();
    if config.intake(name).is_none() {
        return error(StatusCode::NOT_FOUND, format!("no intake named {name:?}"));
    }
    let name = name.to_string();
    blocking(move || {
        let stats = match open_reader(&config) {
            Ok(Some(r)) => r.stats(&name, store::today()),
            Ok(None) => Ok(IntakeStats::empty(store::today())),
            Err(e) => return e,
        };
        match stats {
            Ok(stats) => {
                let mut body = json!(stats);
                body["intake"] = Value::from(name);
                (StatusCode::OK, body)
            }
            Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
        }
    })
    .await
}

/// `errors=1` (or `true`) lists rejected events only; `limit` is 1 to 1000 (50 by default).
pub(crate) fn event_filter(name: &str, query: &str) -> Result<EventFilter, String> {
    let mut filter = EventFilter {
        intake: Some(name.to_string()),
        errors_only: false,
        limit: DEFAULT_LIMIT,
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "errors" => filter.errors_only = matches!(v, "1" | "true" | "yes"),
            "limit" => {
                filter.limit = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| format!("limit must be a number from 1 to {MAX_LIMIT}"))?;
            }
            _ => {}
        }
    }
    Ok(filter)
}

async fn events(admin: &Admin, name: &str, query: &str) -> Answer {
    let config = admin.registry.current().config().clone();
    if config.intake(name).is_none() {
        return error(StatusCode::NOT_FOUND, format!("no intake named {name:?}"));
    }
    let filter = match event_filter(name, query) {
        Ok(f) => f,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    blocking(move || {
        let reader = match open_reader(&config) {
            Ok(Some(r)) => r,
            Ok(None) => return (StatusCode::OK, json!([])),
            Err(e) => return e,
        };
        match reader.list(&filter) {
            Ok(events) => (StatusCode::OK, json!(events)),
            Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
        }
    })
    .await
}

/// The catalog: the loaded formats (declared, or builtins an intake uses), then every other
/// builtin from its embedded catalog entry (not compiled until an intake names it).
fn formats(admin: &Admin) -> Answer {
    let registry = admin.registry.current();
    let loaded = registry.formats();
    let mut list: Vec<Value> = loaded
        .iter()
        .map(|(name, f)| {
            let d = &f.description;
            json!({
                "name": name,
                "component": d.name,
                "version": d.version,
                "description": d.description,
                "categories": d.categories,
                "sample": d.sample,
                "loaded": true,
            })
        })
        .collect();
    for name in crate::builtins::names() {
        if loaded.contains_key(name) {
            continue;
        }
        let Some(entry) = crate::builtins::catalog(name) else {
            continue;
        };
        list.push(json!({
            "name": name,
            "component": entry.name,
            "version": crate::builtins::version(name),
            "description": entry.description,
            "categories": entry.categories,
            "sample": entry.sample,
            "loaded": false,
        }));
    }
    (StatusCode::OK, Value::Array(list))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateRequest {
    pub(crate) name: String,
    pub(crate) format: String,
    pub(crate) entity: String,
    pub(crate) created_by: Option<String>,
}

pub(crate) fn parse_create(body: &[u8]) -> Result<CreateRequest, String> {
    serde_json::from_slice(body).map_err(|e| format!("invalid JSON body: {e}"))
}

/// The status an edit failure answers with.
fn edit_status(e: &FileError) -> StatusCode {
    match e.edit_error() {
        Some(EditError::DuplicateName(_)) => StatusCode::CONFLICT,
        Some(EditError::UnknownIntake(_)) => StatusCode::NOT_FOUND,
        Some(_) => StatusCode::BAD_REQUEST,
        None if matches!(e, FileError::Changed(_)) => StatusCode::CONFLICT,
        None => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The message of an edit failure: the edit's own (without the file's path) when there is one.
fn edit_message(e: &FileError) -> String {
    match e.edit_error() {
        Some(inner) => inner.to_string(),
        None => e.to_string(),
    }
}

async fn create(admin: &Admin, body: &[u8]) -> Answer {
    let request = match parse_create(body) {
        Ok(r) => r,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    let registry = admin.registry.clone();
    let runtime = admin.runtime.clone();
    blocking(move || {
        let key = match generate_key() {
            Ok(k) => k,
            Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
        };
        let created_by = request
            .created_by
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| "admin-api".into());
        let created_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let new = NewIntake {
            name: &request.name,
            format: &request.format,
            entity: &request.entity,
            key: &key,
            created_by: &created_by,
            created_at: &created_at,
        };
        if let Err(e) = edit_file(registry.path(), |doc| edit::add(doc, &new)) {
            return error(edit_status(&e), edit_message(&e));
        }
        reload(&registry, &runtime, "added", &request.name);
        let out = json!({
            "name": request.name,
            "format": request.format,
            "entity": request.entity,
            "created_by": created_by,
            "created_at": created_at,
            "key": key,
        });
        (StatusCode::CREATED, out)
    })
    .await
}

async fn delete(admin: &Admin, name: &str) -> Answer {
    let registry = admin.registry.clone();
    let runtime = admin.runtime.clone();
    let name = name.to_string();
    blocking(move || {
        if let Err(e) = edit_file(registry.path(), |doc| edit::remove(doc, &name)) {
            return error(edit_status(&e), edit_message(&e));
        }
        reload(&registry, &runtime, "removed", &name);
        (StatusCode::NO_CONTENT, Value::Null)
    })
    .await
}

/// Applies the edited file now rather than when the watcher notices it.
fn reload(registry: &Arc<crate::registry::RegistryHandle>, runtime: &crate::runtime::Runtime, what: &str, name: &str) {
    match registry.reload(runtime) {
        Ok(report) => tracing::info!(
            intake = name,
            intakes = report.intakes,
            "Intake {what} through the admin API."
        ),
        Err(error) => {
            tracing::warn!(intake = name, %error, "Intake {what} through the admin API, but the reload failed.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route(&Method::GET, "/api/intakes"), Route::ListIntakes);
        assert_eq!(route(&Method::POST, "/api/intakes/"), Route::CreateIntake);
        assert_eq!(route(&Method::PUT, "/api/intakes"), Route::WrongMethod("GET, POST"));
        assert_eq!(route(&Method::GET, "/api/intakes/a.b"), Route::GetIntake("a.b"));
        assert_eq!(route(&Method::DELETE, "/api/intakes/a"), Route::DeleteIntake("a"));
        assert_eq!(
            route(&Method::POST, "/api/intakes/a"),
            Route::WrongMethod("GET, DELETE")
        );
        assert_eq!(route(&Method::GET, "/api/intakes/a/events"), Route::Events("a"));
        assert_eq!(
            route(&Method::DELETE, "/api/intakes/a/events"),
            Route::WrongMethod("GET")
        );
        assert_eq!(route(&Method::GET, "/api/intakes/a/stats"), Route::Stats("a"));
        assert_eq!(route(&Method::POST, "/api/intakes/a/stats"), Route::WrongMethod("GET"));
        assert_eq!(route(&Method::GET, "/api/formats"), Route::Formats);
        assert_eq!(route(&Method::GET, "/api/intakes//events"), Route::NotFound);
        assert_eq!(route(&Method::GET, "/api/nope"), Route::NotFound);
        assert_eq!(route(&Method::GET, "/api"), Route::NotFound);
    }

    #[test]
    fn event_filters() {
        let f = event_filter("a", "").expect("empty query");
        assert_eq!((f.errors_only, f.limit), (false, DEFAULT_LIMIT));
        let f = event_filter("a", "errors=1&limit=5&x=y").expect("query");
        assert_eq!((f.errors_only, f.limit, f.intake.as_deref()), (true, 5, Some("a")));
        assert!(event_filter("a", "limit=0").is_err());
        assert!(event_filter("a", "limit=abc").is_err());
        assert!(event_filter("a", "limit=1001").is_err());
    }

    #[test]
    fn create_bodies() {
        let r = parse_create(br#"{"name":"a","format":"plain","entity":"e"}"#).expect("valid");
        assert_eq!((r.name.as_str(), r.created_by), ("a", None));
        assert!(parse_create(b"{").is_err());
        assert!(parse_create(br#"{"name":"a","format":"plain"}"#).is_err());
        assert!(parse_create(br#"{"name":1,"format":"plain","entity":"e"}"#).is_err());
        assert!(parse_create(br#"{"name":"a","format":"plain","entity":"e","key":"k"}"#).is_err());
    }

    #[test]
    fn errors_are_json() {
        let (status, body) = error(StatusCode::BAD_REQUEST, "no \"quote\"");
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body.to_string(), r#"{"error":"no \"quote\""}"#);
    }
}
