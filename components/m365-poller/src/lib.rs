//! Microsoft 365 Management Activity API poller, events for the `m365` format.
//!
//! For each content type (`Audit.AzureActiveDirectory`, `Audit.Exchange`, ...): start its
//! subscription once (`POST …/subscriptions/start`; `AF20024`, already enabled, is fine), then
//! list the content blobs created in a time window (`GET …/subscriptions/content`, windows of
//! at most 24 hours, never starting more than 7 days ago, following the `NextPageUri` header)
//! and fetch the blobs, **one per call**: each blob is a JSON array of audit records, one event
//! each (source ID = `Id`). Windows move from `settings.start_at` to `settings.until`.
//!
//! Cursor (JSON): `{"started": [content types], "window": {"start": s, "end": e} | null,
//! "pending": [content types still to list in the window, the first being listed],
//! "next_page": "<NextPageUri>" | null, "queue": [{"uri": "<contentUri>", "skip": n}]}`.
//! Authentication: the host adds the bearer token it gets by OAuth2 client credentials.

use edge_poll_sdk::http::{self, Response, Transport};
use edge_poll_sdk::{
    base_url, json, option, poller_description, required_option, serde_json, time, url, Description, Page, PollError,
    PolledEvent, Poller, Settings, Value,
};

pub struct M365Poller;

pub const DEFAULT_CONTENT_TYPES: &str =
    "Audit.AzureActiveDirectory,Audit.Exchange,Audit.SharePoint,Audit.General,DLP.All";

/// The longest window the API lists.
pub const MAX_WINDOW: i64 = 24 * 3600;
/// How far back the API lists: 7 days, less a margin for the time a run takes.
pub const RETENTION: i64 = 7 * 24 * 3600 - 15 * 60;
/// A window shorter than this waits for `until` to move on.
pub const MIN_WINDOW: i64 = 60;
/// Listing requests at most in one call before returning an empty page (`more`).
pub const MAX_LISTINGS_PER_CALL: usize = 10;
/// A content blob is larger than most responses.
pub const MAX_BLOB_BYTES: usize = 64 << 20;

/// One content blob to fetch; `skip` events of it were returned already (a blob larger than a
/// page is returned over several calls).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub uri: String,
    pub skip: u64,
}

/// Where the poller stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cursor {
    /// Content types whose subscription is started.
    pub started: Vec<String>,
    /// The window being read (epoch seconds, start inclusive, end exclusive).
    pub window: Option<(i64, i64)>,
    /// Content types still to list in the window; the first is being listed.
    pub pending: Vec<String>,
    /// The `NextPageUri` of the first pending content type's listing.
    pub next_page: Option<String>,
    /// Blobs listed and not read yet.
    pub queue: Vec<Blob>,
}

fn strings(value: &Value, key: &str) -> Result<Vec<String>, String> {
    match &value[key] {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("cursor: `{key}` holds a non-string"))
            })
            .collect(),
        _ => Err(format!("cursor: `{key}` must be a list")),
    }
}

impl Cursor {
    pub fn to_bytes(&self) -> Vec<u8> {
        let window = self
            .window
            .map(|(start, end)| serde_json::json!({ "start": start, "end": end }));
        let queue: Vec<Value> = self
            .queue
            .iter()
            .map(|b| serde_json::json!({ "uri": b.uri, "skip": b.skip }))
            .collect();
        serde_json::json!({
            "started": self.started,
            "window": window,
            "pending": self.pending,
            "next_page": self.next_page,
            "queue": queue,
        })
        .to_string()
        .into_bytes()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let value: Value = serde_json::from_slice(bytes).map_err(|e| format!("cursor is not JSON: {e}"))?;
        if !value.is_object() {
            return Err("cursor is not a JSON object".into());
        }
        let window = match &value["window"] {
            Value::Null => None,
            w => match (w["start"].as_i64(), w["end"].as_i64()) {
                (Some(start), Some(end)) => Some((start, end)),
                _ => return Err("cursor: `window` needs a numeric `start` and `end`".into()),
            },
        };
        let next_page = match &value["next_page"] {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            _ => return Err("cursor: `next_page` must be a URL or null".into()),
        };
        let queue = match &value["queue"] {
            Value::Null => Vec::new(),
            Value::Array(items) => items
                .iter()
                .map(|item| match (item["uri"].as_str(), item["skip"].as_u64()) {
                    (Some(uri), skip) => Ok(Blob {
                        uri: uri.to_owned(),
                        skip: skip.unwrap_or(0),
                    }),
                    _ => Err("cursor: a `queue` item needs a `uri`".to_owned()),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err("cursor: `queue` must be a list".into()),
        };
        Ok(Cursor {
            started: strings(&value, "started")?,
            window,
            pending: strings(&value, "pending")?,
            next_page,
            queue,
        })
    }

    /// Whether the window still has something to list or read.
    pub fn window_busy(&self) -> bool {
        !self.queue.is_empty() || !self.pending.is_empty()
    }
}

/// What the options say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `{url}/api/v1.0/{tenant}/activity/feed`.
    pub feed: String,
    pub content_types: Vec<String>,
    pub publisher_id: Option<String>,
}

impl Config {
    pub fn from_settings(settings: &Settings) -> Result<Self, PollError> {
        let base = base_url(settings)?;
        let tenant = required_option(settings, "tenant")?;
        let fatal = |m: String| PollError::Fatal(format!("intake {}: {m}", settings.intake));
        if !tenant
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        {
            return Err(fatal(format!(
                "`tenant` must be a tenant ID (GUID) or domain, not `{tenant}`"
            )));
        }
        let content_types: Vec<String> = option(settings, "content_types")
            .unwrap_or(DEFAULT_CONTENT_TYPES)
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        if content_types.is_empty() {
            return Err(fatal("`content_types` names no content type".into()));
        }
        if let Some(bad) = content_types
            .iter()
            .find(|t| !t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.'))
        {
            return Err(fatal(format!(
                "`content_types`: `{bad}` is not a content type (such as Audit.Exchange)"
            )));
        }
        Ok(Config {
            feed: format!("{base}/api/v1.0/{tenant}/activity/feed"),
            content_types,
            publisher_id: option(settings, "publisher_id").map(str::to_owned),
        })
    }

    fn with_publisher(&self, url_text: &str) -> String {
        match &self.publisher_id {
            Some(id) if !url_text.contains("PublisherIdentifier=") => {
                url::with_query(url_text, &[("PublisherIdentifier", id)])
            }
            _ => url_text.to_owned(),
        }
    }

    pub fn start_url(&self, content_type: &str) -> String {
        self.with_publisher(&url::with_query(
            &format!("{}/subscriptions/start", self.feed),
            &[("contentType", content_type)],
        ))
    }

    pub fn list_url(&self, content_type: &str, (start, end): (i64, i64)) -> String {
        self.with_publisher(&url::with_query(
            &format!("{}/subscriptions/content", self.feed),
            &[
                ("contentType", content_type),
                ("startTime", &time::format_utc_naive(start)),
                ("endTime", &time::format_utc_naive(end)),
            ],
        ))
    }
}

/// The next window after `previous` (or from `start_at`), not older than the API keeps
/// (`now - RETENTION`), at most [`MAX_WINDOW`] long, ending at `until` at the latest; `None`
/// while it would be shorter than [`MIN_WINDOW`].
pub fn next_window(previous: Option<(i64, i64)>, start_at: i64, until: i64, now: i64) -> Option<(i64, i64)> {
    let start = previous.map_or(start_at, |(_, end)| end).max(now - RETENTION);
    let end = until.min(now).min(start.saturating_add(MAX_WINDOW));
    (end - start >= MIN_WINDOW).then_some((start, end))
}

fn api_error_code(response: &Response, code: &str) -> bool {
    response.status == 400 && String::from_utf8_lossy(&response.body).contains(code)
}

/// The `NextPageUri` of a listing response (also spelled `NextPageUrl`), if any.
pub fn next_page_uri(response: &Response) -> Option<String> {
    response
        .header("nextpageuri")
        .or_else(|| response.header("nextpageurl"))
        .map(str::trim)
        .filter(|uri| !uri.is_empty())
        .map(str::to_owned)
}

/// The `contentUri`s of a listing response body.
pub fn content_uris(body: &[u8]) -> Result<Vec<String>, String> {
    let items: Vec<Value> = serde_json::from_slice(body).map_err(|e| format!("not a JSON array: {e}"))?;
    items
        .iter()
        .map(|item| {
            item["contentUri"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| "an item has no `contentUri`".into())
        })
        .collect()
}

/// Applies a listing response to the cursor: its blobs queued, the next page kept, or the
/// content type done.
pub fn apply_listing(cursor: &mut Cursor, response: &Response) -> Result<(), PollError> {
    response.check()?;
    let uris = content_uris(&response.body).map_err(|e| PollError::Fatal(format!("{}: {e}", response.request)))?;
    cursor.queue.extend(uris.into_iter().map(|uri| Blob { uri, skip: 0 }));
    cursor.next_page = next_page_uri(response);
    if cursor.next_page.is_none() && !cursor.pending.is_empty() {
        cursor.pending.remove(0);
    }
    Ok(())
}

fn start_subscription<T: Transport>(transport: &mut T, config: &Config, content_type: &str) -> Result<(), PollError> {
    let url = config.start_url(content_type);
    let response = transport.post(&url, &[("Content-Type", "application/json")], Vec::new())?;
    // AF20024: the subscription is already enabled.
    if api_error_code(&response, "AF20024") {
        return Ok(());
    }
    response
        .check()
        .map_err(|e| e.context(format!("starting the subscription to {content_type}")))
}

/// Lists the next page of the first pending content type.
fn list<T: Transport>(
    transport: &mut T,
    config: &Config,
    cursor: &mut Cursor,
    window: (i64, i64),
) -> Result<(), PollError> {
    let Some(content_type) = cursor.pending.first().cloned() else {
        return Ok(());
    };
    let url = match &cursor.next_page {
        Some(next) => config.with_publisher(next),
        None => config.list_url(&content_type, window),
    };
    let mut response = transport.get(&url, &[])?;
    // AF20022: no subscription (stopped since): start it again, then list again.
    if api_error_code(&response, "AF20022") {
        start_subscription(transport, config, &content_type)?;
        response = transport.get(&url, &[])?;
    }
    apply_listing(cursor, &response)
}

/// Reads the first queued blob, at most `max_events` of its events after those already
/// returned; the blob leaves the queue once read to its end.
fn read_blob<T: Transport>(
    transport: &mut T,
    config: &Config,
    cursor: &mut Cursor,
    max_events: u32,
) -> Result<Vec<PolledEvent>, PollError> {
    let Some(blob) = cursor.queue.first().cloned() else {
        return Ok(Vec::new());
    };
    let url = config.with_publisher(&blob.uri);
    let response = transport.send(http::Method::Get, &url, &[], Vec::new(), MAX_BLOB_BYTES)?;
    // Gone (404) or expired (AF20051): nothing to read, ever.
    if response.status == 404 || api_error_code(&response, "AF20051") {
        cursor.queue.remove(0);
        return Ok(Vec::new());
    }
    response.check()?;
    let elements = json::array_elements(&response.body).map_err(|e| PollError::Fatal(format!("{url}: {e}")))?;
    let skip = usize::try_from(blob.skip).unwrap_or(usize::MAX).min(elements.len());
    let take = (elements.len() - skip).min(max_events.max(1) as usize);
    let events = json::events_of(&elements[skip..skip + take], Some("Id"), |_| {});
    if skip + take < elements.len() {
        cursor.queue[0].skip = (skip + take) as u64;
    } else {
        cursor.queue.remove(0);
    }
    Ok(events)
}

/// One call: start missing subscriptions, then list until a blob is queued (or the call's
/// listing budget is spent), read one blob.
pub fn poll_with<T: Transport>(
    transport: &mut T,
    settings: &Settings,
    cursor: Option<&[u8]>,
    now: i64,
) -> Result<Page, PollError> {
    let config = Config::from_settings(settings)?;
    let mut cursor = match cursor {
        Some(bytes) if !bytes.is_empty() => Cursor::from_bytes(bytes).map_err(PollError::Fatal)?,
        _ => Cursor::default(),
    };
    for content_type in &config.content_types {
        if !cursor.started.contains(content_type) {
            start_subscription(transport, &config, content_type)?;
            cursor.started.push(content_type.clone());
        }
    }
    let mut listings = 0;
    loop {
        let page = |cursor: &Cursor, events: Vec<PolledEvent>, more: bool| {
            let position = cursor
                .window
                .map(|(start, end)| if cursor.window_busy() { start } else { end });
            Page {
                cursor: Some(cursor.to_bytes()),
                more,
                position,
                ..Page::with_events(events)
            }
        };
        if !cursor.queue.is_empty() {
            let events = read_blob(transport, &config, &mut cursor, settings.max_events)?;
            let more =
                cursor.window_busy() || next_window(cursor.window, settings.start_at, settings.until, now).is_some();
            return Ok(page(&cursor, events, more));
        }
        match cursor.window {
            Some(window) if !cursor.pending.is_empty() => {
                if listings == MAX_LISTINGS_PER_CALL {
                    return Ok(page(&cursor, Vec::new(), true));
                }
                listings += 1;
                list(transport, &config, &mut cursor, window)?;
            }
            _ => match next_window(cursor.window, settings.start_at, settings.until, now) {
                Some(window) => {
                    cursor.window = Some(window);
                    cursor.pending = config.content_types.clone();
                    cursor.next_page = None;
                }
                None => return Ok(page(&cursor, Vec::new(), false)),
            },
        }
    }
}

impl Poller for M365Poller {
    fn describe() -> Description {
        poller_description!(
            "m365-poller",
            "Microsoft 365 Management Activity API: starts the feed subscriptions, lists content blobs in windows of at most 24 h (not older than 7 days) and reads one blob per call; source ID = Id",
            "m365",
            [
                ("tenant", "the Microsoft Entra tenant ID (GUID) or domain (required)"),
                ("content_types", "comma-separated content types (default Audit.AzureActiveDirectory,Audit.Exchange,Audit.SharePoint,Audit.General,DLP.All)"),
                ("publisher_id", "PublisherIdentifier sent with every request (optional; the tenant ID by default on Microsoft's side)"),
            ]
        )
    }

    fn poll(settings: Settings, cursor: Option<Vec<u8>>) -> Result<Page, PollError> {
        poll_with(&mut http::Wasi, &settings, cursor.as_deref(), time::now())
    }
}

edge_poll_sdk::export_poller!(M365Poller);

#[cfg(test)]
mod tests;
