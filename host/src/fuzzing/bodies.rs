//! The request bodies of the HTTPS intake API and the admin API's JSON.
//!
//! `https_body` is a thin wrapper over `endpoints::parse`, so that the entry point follows the
//! parser when its signature changes; the invariants live here: no panic, never more events
//! than the count limit nor an event over the size limit (both chosen by the input), at most one
//! event per two body bytes (`[1,2]`, `a\nb`), exactly one for `/` and `/plain`, no event larger
//! than the body, plain events that are in the body (lines of it for `/plain/batch`), and no more
//! event text than body text (the key and time a `/batch` or `/` gives once counted once).
//!
//! `admin_api` drives what the admin listener parses: the route, the `events` query, and the
//! create-intake body, which is then added to a configuration file and validated as the API
//! does; an accepted intake must read back from the validated file with the values sent.

use super::Input;
use crate::listener::admin::api::{self, Route};
use crate::listener::https::endpoints::{self, BodyLimits, Parsed, TimeValue};
use crate::listener::https::Endpoint;
use crate::registry::edit::{self, NewIntake};
use hyper::Method;
use std::path::Path;

const ENDPOINTS: [Endpoint; 6] = [
    Endpoint::Single,
    Endpoint::Batch,
    Endpoint::Array,
    Endpoint::Plain,
    Endpoint::PlainBatch,
    Endpoint::Jsons,
];

/// `[endpoint] [max events] [max event bytes / 4] [path length * 2 + has path] [path] body...`
pub fn https_body(data: &[u8]) {
    let mut input = Input::new(data);
    let endpoint = ENDPOINTS[usize::from(input.byte()) % ENDPOINTS.len()];
    let limits = BodyLimits {
        max_events: usize::from(input.byte()).max(1),
        max_event_bytes: usize::from(input.byte()) * 4 + 1,
    };
    let path_byte = input.byte();
    let path = (path_byte & 1 == 1).then(|| String::from_utf8_lossy(input.take(usize::from(path_byte >> 1))));
    let body = input.rest();
    let Ok(parsed) = endpoints::parse(endpoint, body, path.as_deref(), &limits) else {
        return;
    };
    assert!(
        parsed.items.len() <= limits.max_events,
        "{} events over the limit of {}",
        parsed.items.len(),
        limits.max_events
    );
    for item in &parsed.items {
        assert!(
            item.raw.len() <= limits.max_event_bytes,
            "a {}-byte event over the limit of {}",
            item.raw.len(),
            limits.max_event_bytes
        );
    }
    check_items(endpoint, body, &parsed);
}

fn check_items(endpoint: Endpoint, body: &[u8], parsed: &Parsed) {
    let items = &parsed.items;
    assert!(
        items.len() <= body.len().div_ceil(2),
        "{} events from a {}-byte body",
        items.len(),
        body.len()
    );
    if endpoint.answers_one_id() {
        assert_eq!(items.len(), 1, "{endpoint:?} gives one event");
    }
    for item in items {
        assert!(
            item.raw.len() <= body.len(),
            "a {}-byte event from a {}-byte body",
            item.raw.len(),
            body.len()
        );
    }
    if matches!(endpoint, Endpoint::Plain | Endpoint::PlainBatch) {
        let text = String::from_utf8_lossy(body);
        for item in items {
            assert!(!item.raw.is_empty(), "empty plain event");
            let one_line = endpoint == Endpoint::Plain || !item.raw.contains('\n');
            assert!(one_line, "a /plain/batch event spans lines: {:?}", item.raw);
            assert!(text.contains(item.raw.as_ref()), "{:?} is not in the body", item.raw);
            assert!(
                item.key.is_none() && item.time.is_none(),
                "plain bodies carry no key or time"
            );
        }
    }
    // The key and time of `/` and `/batch` are given once for the body; only `/array` items
    // carry their own.
    if endpoint != Endpoint::Array {
        assert!(
            items.iter().all(|i| i.key.is_none() && i.time.is_none()),
            "only /array items carry their own key and time"
        );
    }
    let once = parsed.key.as_ref().map_or(0, |k| k.len()) + parsed.time.as_ref().map_or(0, time_len);
    let per_item: usize = items
        .iter()
        .map(|i| i.key.as_ref().map_or(0, |k| k.len()) + i.time.as_ref().map_or(0, time_len))
        .sum();
    let text: usize = items.iter().map(|i| i.raw.len()).sum::<usize>() + once + per_item;
    assert!(
        text <= body.len(),
        "{text} bytes of events and fields from a {}-byte body",
        body.len()
    );
}

/// The bytes a time took in the body, at least (a number takes one digit or more).
fn time_len(t: &TimeValue) -> usize {
    match t {
        TimeValue::Text(s) => s.len(),
        TimeValue::Int(_) | TimeValue::Float(_) => 1,
    }
}

/// A configuration file as an operator keeps it (comments, two formats, an intake, a trailing
/// comment), to add intakes to.
const CONFIG: &str = r#"# intake-edge configuration
data_dir = "data"

[formats.plain]
component = "builtin:plain"   # the builtin

[formats.json]
component = "builtin:json"

[[intake]]
name = "a"
format = "plain"
entity = "ent"
key = "aaaaaaaaaaaaaaaaaaaaaaaa"    # a's key

# [[intake]]
# name = "commented-out"
"#;
const KEY: &str = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz";
const CREATED_AT: &str = "2026-11-23T10:00:00Z";

/// `[method] path LF query LF body...`
pub fn admin_api(data: &[u8]) {
    let mut input = Input::new(data);
    let method = [Method::GET, Method::POST, Method::DELETE, Method::PUT][usize::from(input.byte() % 4)].clone();
    let mut parts = input.rest().splitn(3, |&b| b == b'\n');
    let path = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let query = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let body = parts.next().unwrap_or_default();

    if let Route::GetIntake(name) | Route::DeleteIntake(name) | Route::Events(name) | Route::Stats(name) =
        api::route(&method, &path)
    {
        assert!(!name.is_empty() && !name.contains('/'), "route name {name:?}");
        assert!(
            super::is_slice_of(&path, name),
            "route name {name:?} is not a slice of the path"
        );
        if let Ok(filter) = api::event_filter(name, &query) {
            assert!((1..=api::MAX_LIMIT).contains(&filter.limit), "limit {}", filter.limit);
            assert_eq!(filter.intake.as_deref(), Some(name));
        }
    }
    if let Ok(request) = api::parse_create(body) {
        create(&request);
    }
}

/// Adds the intake to [`CONFIG`] as `POST /api/intakes` does, and checks what a reload would
/// read; `true` if the intake was added to a valid file.
pub(super) fn create(request: &api::CreateRequest) -> bool {
    // As `api::create` does: a blank or absent creator is the API itself.
    let created_by = match request.created_by.as_deref() {
        Some(u) if !u.trim().is_empty() => u.to_string(),
        _ => "admin-api".to_string(),
    };
    let new = NewIntake {
        name: &request.name,
        format: &request.format,
        entity: &request.entity,
        key: KEY,
        created_by: &created_by,
        created_at: CREATED_AT,
    };
    let mut doc = edit::parse(CONFIG).unwrap_or_else(|e| panic!("the fuzz configuration does not parse: {e}"));
    if edit::add(&mut doc, &new).is_err() {
        return false;
    }
    let text = doc.to_string();
    assert!(
        text.starts_with(CONFIG),
        "adding an intake changed what was before it:\n{text}"
    );
    let Ok(config) = edit::validate(&doc, Path::new("/etc/intake-edge/intakes.toml")) else {
        return false;
    };
    let intake = config
        .intake(&request.name)
        .unwrap_or_else(|| panic!("intake {:?} is not in the file it was added to", request.name));
    assert_eq!(
        (intake.format.as_str(), intake.entity.as_str(), intake.key.expose()),
        (request.format.as_str(), request.entity.as_str(), KEY)
    );
    assert_eq!(intake.created_by.as_deref(), Some(created_by.as_str()));
    assert_eq!(intake.created_at.as_deref(), Some(CREATED_AT));
    true
}
