use super::*;
use edge_poll_sdk::http::Scripted;

const T0: i64 = 1_796_119_200; // 2026-12-01T10:00:00Z
const HOUR: i64 = 3600;

fn settings(options: &[(&str, &str)]) -> Settings {
    Settings {
        intake: "m365".into(),
        url: "https://manage.office.com".into(),
        options: options.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect(),
        secret: Some("m365".into()),
        start_at: T0,
        until: T0 + 2 * HOUR,
        max_events: 1000,
    }
}

fn one_type() -> Settings {
    settings(&[
        ("tenant", "41463f53-8812-40f4-890f-865bf6e35190"),
        ("content_types", "Audit.Exchange"),
    ])
}

const FEED: &str = "https://manage.office.com/api/v1.0/41463f53-8812-40f4-890f-865bf6e35190/activity/feed";

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
    Response::scripted(status, headers, body)
}

#[test]
fn cursor_round_trip() {
    let cursor = Cursor {
        started: vec!["Audit.Exchange".into(), "DLP.All".into()],
        window: Some((T0, T0 + HOUR)),
        pending: vec!["DLP.All".into()],
        next_page: Some(format!("{FEED}/subscriptions/content?contentType=DLP.All&nextPage=2")),
        queue: vec![Blob {
            uri: "https://manage.office.com/api/v1.0/t/activity/feed/audit/1".into(),
            skip: 5,
        }],
    };
    assert_eq!(Cursor::from_bytes(&cursor.to_bytes()).unwrap(), cursor);
    assert_eq!(
        Cursor::from_bytes(&Cursor::default().to_bytes()).unwrap(),
        Cursor::default()
    );
    assert_eq!(
        String::from_utf8(Cursor::default().to_bytes()).unwrap(),
        r#"{"next_page":null,"pending":[],"queue":[],"started":[],"window":null}"#
    );
    assert!(Cursor::from_bytes(b"[]").is_err());
    assert!(Cursor::from_bytes(br#"{"window":{"start":"x"}}"#).is_err());
    assert!(Cursor::from_bytes(br#"{"queue":[{"skip":1}]}"#).is_err());
}

#[test]
fn config() {
    let c = Config::from_settings(&settings(&[("tenant", "contoso.onmicrosoft.com")])).unwrap();
    assert_eq!(c.content_types.len(), 5);
    assert_eq!(
        c.feed,
        "https://manage.office.com/api/v1.0/contoso.onmicrosoft.com/activity/feed"
    );
    assert_eq!(
        c.start_url("Audit.General"),
        "https://manage.office.com/api/v1.0/contoso.onmicrosoft.com/activity/feed/subscriptions/start?contentType=Audit.General"
    );
    let p = Config::from_settings(&settings(&[
        ("tenant", "t"),
        ("content_types", " DLP.All , "),
        ("publisher_id", "p-1"),
    ]))
    .unwrap();
    assert_eq!(p.content_types, vec!["DLP.All"]);
    assert_eq!(
        p.list_url("DLP.All", (T0, T0 + HOUR)),
        "https://manage.office.com/api/v1.0/t/activity/feed/subscriptions/content?contentType=DLP.All&startTime=2026-12-01T10%3A00%3A00&endTime=2026-12-01T11%3A00%3A00&PublisherIdentifier=p-1"
    );
    assert_eq!(
        p.with_publisher("https://x/a?PublisherIdentifier=p-1"),
        "https://x/a?PublisherIdentifier=p-1"
    );
    assert!(Config::from_settings(&settings(&[])).is_err());
    assert!(Config::from_settings(&settings(&[("tenant", "a/b")])).is_err());
    assert!(Config::from_settings(&settings(&[("tenant", "t"), ("content_types", "Audit Exchange")])).is_err());
    assert!(Config::from_settings(&settings(&[("tenant", "t"), ("content_types", ",")])).is_err());
}

#[test]
fn windows() {
    let now = T0 + 30 * 24 * HOUR;
    // At most 24 hours, and never older than 7 days.
    assert_eq!(
        next_window(None, T0, now, now),
        Some((now - RETENTION, now - RETENTION + MAX_WINDOW))
    );
    assert_eq!(
        next_window(None, T0, T0 + 2 * HOUR, T0 + 3 * HOUR),
        Some((T0, T0 + 2 * HOUR))
    );
    assert_eq!(
        next_window(None, T0, T0 + 30 * HOUR, T0 + 31 * HOUR),
        Some((T0, T0 + 24 * HOUR))
    );
    assert_eq!(
        next_window(Some((T0, T0 + HOUR)), 0, T0 + 2 * HOUR, T0 + 3 * HOUR),
        Some((T0 + HOUR, T0 + 2 * HOUR))
    );
    // Too short: wait.
    assert_eq!(
        next_window(Some((T0, T0 + HOUR)), 0, T0 + HOUR + 30, T0 + 2 * HOUR),
        None
    );
    // `until` in the future is capped at now.
    assert_eq!(next_window(None, T0, T0 + 5 * HOUR, T0 + HOUR), Some((T0, T0 + HOUR)));
}

#[test]
fn next_page_uris() {
    let mut cursor = Cursor {
        pending: vec!["Audit.Exchange".into(), "DLP.All".into()],
        ..Cursor::default()
    };
    let body = r#"[{"contentType":"Audit.Exchange","contentId":"1","contentUri":"https://manage.office.com/api/v1.0/t/activity/feed/audit/1","contentCreated":"2026-12-01T10:05:00.000Z","contentExpiration":"2026-12-08T10:05:00.000Z"}]"#;
    let next = format!("{FEED}/subscriptions/content?contentType=Audit.Exchange&startTime=2026-12-01T10:00:00&endTime=2026-12-01T11:00:00&nextPage=2026120110");
    apply_listing(&mut cursor, &response(200, &[("NextPageUri", &next)], body)).unwrap();
    assert_eq!(cursor.next_page.as_deref(), Some(next.as_str()));
    assert_eq!(cursor.pending.len(), 2);
    assert_eq!(
        cursor.queue,
        vec![Blob {
            uri: "https://manage.office.com/api/v1.0/t/activity/feed/audit/1".into(),
            skip: 0
        }]
    );
    // The last page: no NextPageUri, the content type is done.
    apply_listing(&mut cursor, &response(200, &[], "[]")).unwrap();
    assert_eq!(cursor.next_page, None);
    assert_eq!(cursor.pending, vec!["DLP.All"]);
    assert_eq!(
        next_page_uri(&response(200, &[("nextpageurl", " https://x ")], "[]")).as_deref(),
        Some("https://x")
    );
    assert_eq!(next_page_uri(&response(200, &[("NextPageUri", "")], "[]")), None);
    assert!(matches!(
        apply_listing(&mut cursor, &response(200, &[], "[{}]")),
        Err(PollError::Fatal(_))
    ));
    assert!(matches!(
        apply_listing(&mut cursor, &response(500, &[], "")),
        Err(PollError::Transient(_))
    ));
}

const LIST_ONE: &str = r#"[{"contentUri":"https://manage.office.com/api/v1.0/t/activity/feed/audit/A"}]"#;
const BLOB: &str = r#"[{"CreationTime":"2026-12-01T10:01:00","Id":"e1","Operation":"Send"},{"CreationTime":"2026-12-01T10:02:00","Id":"e2"}]"#;

#[test]
fn whole_flow() {
    let s = one_type();
    let now = T0 + 3 * HOUR;
    let mut t = Scripted::default()
        .respond(
            400,
            &[],
            r#"{"error":{"code":"AF20024","message":"The subscription is already enabled. No property change."}}"#,
        )
        .respond(200, &[], LIST_ONE)
        .respond(200, &[], BLOB);
    let page = poll_with(&mut t, &s, None, now).unwrap();
    assert_eq!(
        t.urls(),
        vec![
            format!("{FEED}/subscriptions/start?contentType=Audit.Exchange"),
            format!("{FEED}/subscriptions/content?contentType=Audit.Exchange&startTime=2026-12-01T10%3A00%3A00&endTime=2026-12-01T12%3A00%3A00"),
            "https://manage.office.com/api/v1.0/t/activity/feed/audit/A".to_owned(),
        ]
    );
    assert_eq!(t.sent[0].method, http::Method::Post);
    assert_eq!(page.events.len(), 2);
    assert_eq!(
        page.events[0].raw,
        r#"{"CreationTime":"2026-12-01T10:01:00","Id":"e1","Operation":"Send"}"#
    );
    assert_eq!(page.events[1].source_id.as_deref(), Some("e2"));
    // The window is done and reaches `until`: nothing more now.
    assert!(!page.more);
    assert_eq!(page.position, Some(T0 + 2 * HOUR));
    let cursor = Cursor::from_bytes(page.cursor.as_deref().unwrap()).unwrap();
    assert_eq!(cursor.started, vec!["Audit.Exchange"]);
    assert_eq!(cursor.window, Some((T0, T0 + 2 * HOUR)));
    assert!(!cursor.window_busy());

    // Later: `until` moved on two hours; a new window, subscriptions not started again.
    let mut later = one_type();
    later.until = T0 + 4 * HOUR;
    let mut t = Scripted::default().respond(200, &[], "[]");
    let page = poll_with(&mut t, &later, page.cursor.as_deref(), T0 + 5 * HOUR).unwrap();
    assert_eq!(
        t.urls(),
        vec![format!("{FEED}/subscriptions/content?contentType=Audit.Exchange&startTime=2026-12-01T12%3A00%3A00&endTime=2026-12-01T14%3A00%3A00")]
    );
    assert!(page.events.is_empty() && !page.more);
}

#[test]
fn follows_next_pages_and_splits_large_blobs() {
    let mut s = one_type();
    s.max_events = 1;
    let next = format!("{FEED}/subscriptions/content?contentType=Audit.Exchange&nextPage=2");
    let mut t = Scripted::default()
        .respond(200, &[], "")
        .respond(200, &[("NextPageUri", &next)], "[]")
        .respond(200, &[], LIST_ONE)
        .respond(200, &[], BLOB);
    let page = poll_with(&mut t, &s, None, T0 + 3 * HOUR).unwrap();
    assert_eq!(t.urls()[2], next);
    assert_eq!(page.events.len(), 1);
    assert_eq!(page.events[0].source_id.as_deref(), Some("e1"));
    assert!(page.more);
    assert_eq!(page.position, Some(T0));
    let cursor = Cursor::from_bytes(page.cursor.as_deref().unwrap()).unwrap();
    assert_eq!(cursor.queue[0].skip, 1);

    // The rest of the blob.
    let mut t = Scripted::default().respond(200, &[], BLOB);
    let page = poll_with(&mut t, &s, page.cursor.as_deref(), T0 + 3 * HOUR).unwrap();
    assert_eq!(page.events.len(), 1);
    assert_eq!(page.events[0].source_id.as_deref(), Some("e2"));
    assert!(!page.more);
    assert!(Cursor::from_bytes(page.cursor.as_deref().unwrap())
        .unwrap()
        .queue
        .is_empty());
}

#[test]
fn errors_and_gone_blobs() {
    let s = one_type();
    let now = T0 + 3 * HOUR;
    let started = Cursor {
        started: vec!["Audit.Exchange".into()],
        window: Some((T0, T0 + HOUR)),
        queue: vec![Blob {
            uri: "https://manage.office.com/b/1".into(),
            skip: 0,
        }],
        ..Cursor::default()
    }
    .to_bytes();
    // An expired blob is dropped (an empty page); the next call lists the next window.
    let mut t = Scripted::default()
        .respond(400, &[], r#"{"error":{"code":"AF20051"}}"#)
        .respond(200, &[], "[]");
    let page = poll_with(&mut t, &s, Some(&started), now).unwrap();
    assert!(page.events.is_empty() && page.more);
    assert_eq!(t.urls().len(), 1);
    let page = poll_with(&mut t, &s, page.cursor.as_deref(), now).unwrap();
    assert_eq!(t.urls().len(), 2);
    assert!(t.urls()[1].contains("startTime=2026-12-01T11%3A00%3A00&endTime=2026-12-01T12%3A00%3A00"));
    let cursor = Cursor::from_bytes(page.cursor.as_deref().unwrap()).unwrap();
    assert_eq!(cursor.window, Some((T0 + HOUR, T0 + 2 * HOUR)));
    let mut t = Scripted::default().respond(404, &[], "");
    assert!(poll_with(&mut t, &s, Some(&started), now).unwrap().events.is_empty());

    let mut t = Scripted::default().respond(429, &[("Retry-After", "5")], "");
    assert_eq!(
        poll_with(&mut t, &s, Some(&started), now),
        Err(PollError::RateLimited(5))
    );
    let mut t = Scripted::default().respond(403, &[], "denied");
    assert!(matches!(poll_with(&mut t, &s, None, now), Err(PollError::Fatal(m)) if m.contains("Audit.Exchange")));
    let mut t = Scripted::default();
    assert!(matches!(
        poll_with(&mut t, &s, Some(&started), now),
        Err(PollError::Transient(_))
    ));
    assert!(matches!(
        poll_with(&mut Scripted::default(), &s, Some(b"nope"), now),
        Err(PollError::Fatal(_))
    ));
}

#[test]
fn restarts_a_stopped_subscription() {
    let s = one_type();
    let cursor = Cursor {
        started: vec!["Audit.Exchange".into()],
        ..Cursor::default()
    }
    .to_bytes();
    let mut t = Scripted::default()
        .respond(
            400,
            &[],
            r#"{"error":{"code":"AF20022","message":"No subscription found for the specified content type"}}"#,
        )
        .respond(200, &[], "{}")
        .respond(200, &[], "[]");
    let page = poll_with(&mut t, &s, Some(&cursor), T0 + 3 * HOUR).unwrap();
    assert!(t.urls()[1].ends_with("/subscriptions/start?contentType=Audit.Exchange"));
    assert_eq!(t.urls()[0], t.urls()[2]);
    assert!(!page.more);
}

#[test]
fn listing_budget() {
    // 12 content types, all empty: the call stops after MAX_LISTINGS_PER_CALL listings.
    let types: Vec<String> = (0..12).map(|i| format!("Audit.T{i}")).collect();
    let s = settings(&[("tenant", "t"), ("content_types", &types.join(","))]);
    let cursor = Cursor {
        started: types.clone(),
        ..Cursor::default()
    }
    .to_bytes();
    let mut t = Scripted::default();
    for _ in 0..12 {
        t = t.respond(200, &[], "[]");
    }
    let page = poll_with(&mut t, &s, Some(&cursor), T0 + 3 * HOUR).unwrap();
    assert_eq!(t.sent.len(), MAX_LISTINGS_PER_CALL);
    assert!(page.more && page.events.is_empty());
    let page = poll_with(&mut t, &s, page.cursor.as_deref(), T0 + 3 * HOUR).unwrap();
    assert_eq!(t.sent.len(), 12);
    assert!(!page.more);
}
