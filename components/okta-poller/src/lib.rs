//! Okta System Log poller (`GET /api/v1/logs`), events for the `okta` format.
//!
//! A run reads one bounded request: `since` = where the last run stopped (the first run:
//! `settings.start_at`), `until` = `settings.until`, `sortOrder=ASCENDING`, following the
//! `Link: <…>; rel="next"` headers page by page. When a page has no next link or no events, the
//! request is done: the cursor keeps the `published` time of the last event seen, and the next
//! run starts a new bounded request there. Okta's `since` is inclusive, so that event comes
//! again: the host drops it by its `uuid` (the source ID).
//!
//! Cursor (JSON): `{"next": "<next link URL>" | null, "since": "<RFC 3339>"}`.
//! Authentication: the host adds `Authorization: SSWS <token>` (or a bearer token).

use edge_poll_sdk::http::{self, Response, Transport};
use edge_poll_sdk::{
    base_url, json, number_option, poller_description, serde_json, time, url, Description, Page, PollError, Poller,
    Settings, Value,
};

pub struct OktaPoller;

/// Okta's largest `limit` for a bounded request, and the default.
pub const MAX_LIMIT: u64 = 1000;

/// Where a run stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The next page of the bounded request under way (an absolute URL), if any.
    pub next: Option<String>,
    /// The `since` of the next bounded request: the `published` time of the last event seen.
    pub since: String,
}

impl Cursor {
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::json!({ "next": self.next, "since": self.since })
            .to_string()
            .into_bytes()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let value: Value = serde_json::from_slice(bytes).map_err(|e| format!("cursor is not JSON: {e}"))?;
        let next = match &value["next"] {
            Value::Null => None,
            Value::String(url) if !url.is_empty() => Some(url.clone()),
            other => return Err(format!("cursor: `next` must be a URL or null, not {other}")),
        };
        let since = match &value["since"] {
            Value::String(since) if time::parse_datetime(since).is_some() => since.clone(),
            other => return Err(format!("cursor: `since` must be an RFC 3339 time, not {other}")),
        };
        Ok(Cursor { next, since })
    }
}

/// The first page of a bounded request.
pub fn first_url(base: &str, since: &str, until: &str, limit: u64) -> String {
    let limit = limit.to_string();
    url::with_query(
        &format!("{base}/api/v1/logs"),
        &[
            ("since", since),
            ("until", until),
            ("sortOrder", "ASCENDING"),
            ("limit", &limit),
        ],
    )
}

/// The page size: `min(max_events, option limit or 1000)`, at least 1.
pub fn page_limit(settings: &Settings) -> Result<u64, PollError> {
    let limit = number_option(settings, "limit", MAX_LIMIT, 1, MAX_LIMIT)?;
    Ok(limit.min(u64::from(settings.max_events)).max(1))
}

/// What one response makes: the page to return, given the cursor it was read with.
pub fn page_of(response: &Response, cursor: &Cursor) -> Result<Page, PollError> {
    response.check()?;
    let mut last_published: Option<String> = None;
    let events = json::array_events(&response.body, Some("uuid"), |event| {
        if let Some(Value::String(published)) = event.get("published") {
            if time::parse_datetime(published).is_some() {
                last_published = Some(published.clone());
            }
        }
    })
    .map_err(|e| PollError::Fatal(format!("{}: {e}", response.request)))?;
    let since = last_published.unwrap_or_else(|| cursor.since.clone());
    let next = if events.is_empty() {
        None
    } else {
        url::next_link(response.headers_named("link"))
    };
    let more = next.is_some();
    let position = time::parse_datetime(&since);
    let cursor = Cursor { next, since };
    Ok(Page {
        cursor: Some(cursor.to_bytes()),
        more,
        position,
        ..Page::with_events(events)
    })
}

/// One call: the next page of the bounded request under way, or the first page of a new one.
pub fn poll_with<T: Transport>(
    transport: &mut T,
    settings: &Settings,
    cursor: Option<&[u8]>,
) -> Result<Page, PollError> {
    let base = base_url(settings)?;
    let limit = page_limit(settings)?;
    let cursor = match cursor {
        Some(bytes) => Cursor::from_bytes(bytes).map_err(PollError::Fatal)?,
        None => Cursor {
            next: None,
            since: time::format_rfc3339(settings.start_at),
        },
    };
    let request_url = match &cursor.next {
        Some(next) => next.clone(),
        None => {
            // Nothing to read before `until` moves past `since`.
            if time::parse_datetime(&cursor.since).is_some_and(|since| since >= settings.until) {
                return Ok(Page {
                    position: time::parse_datetime(&cursor.since),
                    ..Page::empty()
                });
            }
            first_url(base, &cursor.since, &time::format_rfc3339(settings.until), limit)
        }
    };
    let response = transport.get(&request_url, &[("Accept", "application/json")])?;
    page_of(&response, &cursor)
}

impl Poller for OktaPoller {
    fn describe() -> Description {
        poller_description!(
            "okta-poller",
            "Okta System Log (GET /api/v1/logs): bounded requests from the last event read to `until`, following Link rel=\"next\"; source ID = uuid",
            "okta",
            [("limit", "events per request, 1 to 1000 (default 1000; never more than the host's page size)")]
        )
    }

    fn poll(settings: Settings, cursor: Option<Vec<u8>>) -> Result<Page, PollError> {
        poll_with(&mut http::Wasi, &settings, cursor.as_deref())
    }
}

edge_poll_sdk::export_poller!(OktaPoller);

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(options: &[(&str, &str)], max_events: u32) -> Settings {
        Settings {
            intake: "okta".into(),
            url: "https://acme.okta.com/".into(),
            options: options.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect(),
            secret: Some("okta".into()),
            start_at: 1_796_119_200,
            until: 1_796_122_800,
            max_events,
        }
    }

    fn response(status: u16, links: &[&str], body: &str) -> Response {
        let headers: Vec<(&str, &str)> = links.iter().map(|l| ("link", *l)).collect();
        Response::scripted(status, &headers, body)
    }

    const TWO: &str = r#"[{"uuid":"u1","published":"2026-12-01T10:00:01.000Z","eventType":"user.session.start"},
{"uuid":"u2","published":"2026-12-01T10:00:02.500Z","displayMessage":"x"}]"#;

    #[test]
    fn cursor_round_trip() {
        let c = Cursor {
            next: Some("https://acme.okta.com/api/v1/logs?after=1".into()),
            since: "2026-12-01T10:00:00Z".into(),
        };
        assert_eq!(Cursor::from_bytes(&c.to_bytes()).unwrap(), c);
        let done = Cursor {
            next: None,
            since: "2026-12-01T10:00:02.500Z".into(),
        };
        assert_eq!(
            String::from_utf8(done.to_bytes()).unwrap(),
            r#"{"next":null,"since":"2026-12-01T10:00:02.500Z"}"#
        );
        assert_eq!(Cursor::from_bytes(&done.to_bytes()).unwrap(), done);
        assert!(Cursor::from_bytes(b"done").is_err());
        assert!(Cursor::from_bytes(br#"{"next":null}"#).is_err());
        assert!(Cursor::from_bytes(br#"{"next":3,"since":"2026-12-01T10:00:00Z"}"#).is_err());
    }

    #[test]
    fn first_request() {
        assert_eq!(
            first_url("https://acme.okta.com", "2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z", 1000),
            "https://acme.okta.com/api/v1/logs?since=2026-12-01T10%3A00%3A00Z&until=2026-12-01T11%3A00%3A00Z&sortOrder=ASCENDING&limit=1000"
        );
        assert_eq!(page_limit(&settings(&[], 5000)).unwrap(), 1000);
        assert_eq!(page_limit(&settings(&[("limit", "200")], 5000)).unwrap(), 200);
        assert_eq!(page_limit(&settings(&[("limit", "200")], 50)).unwrap(), 50);
        assert!(page_limit(&settings(&[("limit", "5000")], 50)).is_err());
    }

    #[test]
    fn pages_follow_next_links() {
        let start = Cursor {
            next: None,
            since: "2026-12-01T10:00:00Z".into(),
        };
        let links = [
            r#"<https://acme.okta.com/api/v1/logs?limit=2>; rel="self""#,
            r#"<https://acme.okta.com/api/v1/logs?limit=2&after=2_u2>; rel="next""#,
        ];
        let page = page_of(&response(200, &links, TWO), &start).unwrap();
        assert!(page.more);
        assert_eq!(page.events.len(), 2);
        assert_eq!(page.events[0].source_id.as_deref(), Some("u1"));
        assert_eq!(
            page.events[0].raw,
            r#"{"uuid":"u1","published":"2026-12-01T10:00:01.000Z","eventType":"user.session.start"}"#
        );
        assert_eq!(page.position, Some(1_796_119_202));
        let cursor = Cursor::from_bytes(page.cursor.as_deref().unwrap()).unwrap();
        assert_eq!(
            cursor.next.as_deref(),
            Some("https://acme.okta.com/api/v1/logs?limit=2&after=2_u2")
        );
        assert_eq!(cursor.since, "2026-12-01T10:00:02.500Z");

        // The last page: no next link.
        let last = page_of(&response(200, &[links[0]], TWO), &cursor).unwrap();
        assert!(!last.more);
        let done = Cursor::from_bytes(last.cursor.as_deref().unwrap()).unwrap();
        assert_eq!(
            done,
            Cursor {
                next: None,
                since: "2026-12-01T10:00:02.500Z".into()
            }
        );

        // An empty page ends the request even with a next link, keeping `since`.
        let empty = page_of(&response(200, &links, "[]"), &cursor).unwrap();
        assert!(!empty.more && empty.events.is_empty());
        assert_eq!(Cursor::from_bytes(empty.cursor.as_deref().unwrap()).unwrap().next, None);
        assert_eq!(empty.position, Some(1_796_119_202));
    }

    #[test]
    fn errors() {
        let start = Cursor {
            next: None,
            since: "2026-12-01T10:00:00Z".into(),
        };
        let mut limited = response(429, &[], "");
        limited
            .headers
            .push(("Date".into(), "Tue, 01 Dec 2026 10:00:00 GMT".into()));
        limited.headers.push(("X-Rate-Limit-Reset".into(), "1796119230".into()));
        assert_eq!(page_of(&limited, &start), Err(PollError::RateLimited(30)));
        assert!(matches!(
            page_of(&response(401, &[], "{}"), &start),
            Err(PollError::Fatal(_))
        ));
        assert!(matches!(
            page_of(&response(502, &[], ""), &start),
            Err(PollError::Transient(_))
        ));
        assert!(
            matches!(page_of(&response(200, &[], "{\"x\":1}"), &start), Err(PollError::Fatal(m)) if m.contains("JSON array"))
        );
    }

    #[test]
    fn nothing_to_read_yet() {
        let mut s = settings(&[], 100);
        s.until = 1_796_119_200;
        let cursor = Cursor {
            next: None,
            since: "2026-12-01T10:00:00Z".into(),
        }
        .to_bytes();
        let page = poll_with(&mut http::Scripted::default(), &s, Some(&cursor)).unwrap();
        assert!(page.events.is_empty() && !page.more && page.cursor.is_none());
        assert!(matches!(
            OktaPoller::poll(settings(&[], 100), Some(b"x".to_vec())),
            Err(PollError::Fatal(_))
        ));
    }

    #[test]
    fn a_whole_run() {
        let s = settings(&[("limit", "2")], 100);
        let next = "https://acme.okta.com/api/v1/logs?limit=2&after=2_u2";
        let link = format!("<{next}>; rel=\"next\"");
        let mut t =
            http::Scripted::default()
                .respond(200, &[("Link", &link)], TWO)
                .respond(200, &[("Link", &link)], "[]");
        let first = poll_with(&mut t, &s, None).unwrap();
        assert!(first.more);
        let last = poll_with(&mut t, &s, first.cursor.as_deref()).unwrap();
        assert!(!last.more);
        assert_eq!(
            t.urls(),
            vec![
                "https://acme.okta.com/api/v1/logs?since=2026-12-01T10%3A00%3A00Z&until=2026-12-01T11%3A00%3A00Z&sortOrder=ASCENDING&limit=2",
                next
            ]
        );
        // The next run: a new bounded request from the last event's time.
        let mut t = http::Scripted::default().respond(200, &[], "[]");
        let mut later = s.clone();
        later.until += 3600;
        poll_with(&mut t, &later, last.cursor.as_deref()).unwrap();
        assert_eq!(
            t.urls(),
            vec!["https://acme.okta.com/api/v1/logs?since=2026-12-01T10%3A00%3A02.500Z&until=2026-12-01T12%3A00%3A00Z&sortOrder=ASCENDING&limit=2"]
        );
        assert!(matches!(
            poll_with(&mut http::Scripted::default(), &s, None),
            Err(PollError::Transient(_))
        ));
    }
}
