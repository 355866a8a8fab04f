//! Client event times: the `X-SEKOIAIO-EVENT-TIMESTAMP` header, the body's `@timestamp`, and a
//! JSON event's own time; all stored as `event_time` and rewritten to RFC 3339 UTC.

use crate::support::*;
use serde_json::{json, Value};

/// 2026-11-22T22:44:57+01:00.
const UTC: &str = "2026-11-22T21:44:57Z";
const EPOCH_S: i64 = 1_795_383_897;

/// `event_time` and the normalized `@timestamp` of `ev` are both `expected`.
fn assert_time(ev: &Value, expected: &str) {
    assert_eq!(ev["status"], "ok", "{ev}");
    assert_eq!(ev["event_time"], expected, "{ev}");
    assert_eq!(ev["normalized"]["@timestamp"], expected, "{ev}");
    assert_ne!(ev["received_at"], expected, "{ev}");
}

#[test]
fn header_in_any_datetime_format() {
    let host = Host::start(&basic_config());
    let cases = [
        ("2026-11-22T22:44:57+01:00", UTC),
        ("2026-11-22T21:44:57Z", UTC),
        ("2026-11-22 21:44:57", UTC),
        ("22/Nov/2026:22:44:57 +0100", UTC),
        ("Sun, 22 Nov 2026 22:44:57 +0100", UTC),
        ("1795383897000", UTC),
        ("1795383897", UTC),
        ("2026-11-22T22:44:57.250+01:00", "2026-11-22T21:44:57.250000Z"),
        ("1795383897.5", "2026-11-22T21:44:57.500000Z"),
    ];
    for (i, (header, expected)) in cases.iter().enumerate() {
        let h2 = i % 2 == 0;
        let raw = format!("event with time {header}");
        let id = host
            .post("/plain")
            .version(h2)
            .key(PLAIN_KEY)
            .timestamp(header)
            .body(raw.clone())
            .send()
            .event_id();
        let ev = host.events_get(&id);
        assert_event(&ev, &id, "plain-a", "ent-a", "plain", &raw);
        assert_time(&ev, expected);
        assert_eq!(ev["normalized"]["message"], raw.as_str());

        // A json event without a time of its own gets the header's.
        let id = host
            .post("/jsons")
            .version(h2)
            .key(JSON_KEY)
            .timestamp(header)
            .json(&json!([{"case": i}]))
            .send()
            .event_ids()
            .remove(0);
        let ev = host.events_get(&id);
        assert_time(&ev, expected);
        assert_eq!(ev["normalized"]["case"], i);
    }
}

#[test]
fn body_timestamp_wins_over_header() {
    let host = Host::start(&basic_config());
    let header = "2020-01-01T00:00:00Z";
    for (body_time, expected) in [
        (json!("2026-11-22T22:44:57+01:00"), UTC),
        (json!("22/Nov/2026:22:44:57 +0100"), UTC),
        (json!(EPOCH_S * 1000), UTC),
        (json!(EPOCH_S), UTC),
        (json!(EPOCH_S as f64 + 0.25), "2026-11-22T21:44:57.250000Z"),
    ] {
        let id = host
            .post("/")
            .timestamp(header)
            .json(&json!({"intake_key": PLAIN_KEY, "json": "body time", "@timestamp": body_time}))
            .send()
            .event_id();
        assert_time(&host.events_get(&id), expected);
    }

    // /array: each item its own time; an item without one gets the header's.
    let ids = host
        .post("/array")
        .http2()
        .timestamp(header)
        .json(&json!([
            {"intake_key": PLAIN_KEY, "json": "a", "@timestamp": "2026-11-22T22:44:57+01:00"},
            {"intake_key": JSON_KEY, "json": "{\"b\":1}", "@timestamp": EPOCH_S + 1},
            {"intake_key": PLAIN_KEY, "json": "c"},
        ]))
        .send()
        .event_ids();
    assert_time(&host.events_get(&ids[0]), UTC);
    assert_time(&host.events_get(&ids[1]), "2026-11-22T21:44:58Z");
    assert_time(&host.events_get(&ids[2]), header);

    // /batch: one time for every event.
    let ids = host
        .post("/batch")
        .json(&json!({"intake_key": JSON_KEY, "jsons": ["{\"n\":1}", "{\"n\":2}"], "@timestamp": "2026-11-22T22:44:57+01:00"}))
        .send()
        .event_ids();
    for id in &ids {
        assert_time(&host.events_get(id), UTC);
    }
}

#[test]
fn json_event_carries_its_own_time() {
    let host = Host::start(&basic_config());
    let header = "2020-01-01T00:00:00Z";
    let events = [
        // `timestamp` is copied to `@timestamp`, and kept.
        json!({"timestamp": "2026-11-22 22:44:57", "m": 1}),
        json!({"@timestamp": EPOCH_S * 1000, "timestamp": "2000-01-01T00:00:00Z"}),
        json!({"@timestamp": "22/Nov/2026:22:44:57 +0100"}),
        // null counts as absent: `timestamp`, else the client time.
        json!({"@timestamp": null, "timestamp": "2026-11-22T21:44:57Z"}),
        json!({"@timestamp": null, "x": 1}),
    ];
    let expected = ["2026-11-22T22:44:57Z", UTC, UTC, UTC, header];
    let ids = host
        .post("/jsons")
        .key(JSON_KEY)
        .timestamp(header)
        .json(&json!(events))
        .send()
        .event_ids();
    for ((id, event), expected) in ids.iter().zip(&events).zip(expected) {
        let ev = host.events_get(id);
        assert_time(&ev, expected);
        for (k, v) in event.as_object().into_iter().flatten() {
            if k != "@timestamp" {
                assert_eq!(&ev["normalized"][k], v, "{ev}");
            }
        }
    }

    // An unparseable `@timestamp` in the event is the event's problem, not the request's.
    let id = host
        .post("/plain/batch")
        .key(JSON_KEY)
        .body(r#"{"@timestamp":"the day before yesterday"}"#)
        .send()
        .event_ids()
        .remove(0);
    let ev = host.events_get(&id);
    assert_rejected(&ev, "@timestamp");
    assert!(
        ev["error"]
            .as_str()
            .is_some_and(|e| e.contains("the day before yesterday")),
        "{ev}"
    );
}

#[test]
fn unparseable_client_time_is_400_and_stores_nothing() {
    let host = Host::start(&basic_config());
    host.post("/plain").key(PLAIN_KEY).body("before").send().event_id();
    let before = host.event_count();
    for h2 in [false, true] {
        for value in ["yesterday", "2026-13-45T99:00:00Z", "32/Foo/2026:22:44:57"] {
            let err = host
                .post("/plain/batch")
                .version(h2)
                .key(PLAIN_KEY)
                .timestamp(value)
                .body("a\nb")
                .send()
                .expect_error(400, value);
            assert!(err.contains("X-SEKOIAIO-EVENT-TIMESTAMP"), "{err}");
        }
        let err = host
            .post("/")
            .version(h2)
            .json(&json!({"intake_key": PLAIN_KEY, "json": "x", "@timestamp": "not a date"}))
            .send()
            .expect_error(400, "not a date");
        assert!(err.contains("@timestamp"), "{err}");
        // One bad item refuses the whole /array request.
        host.post("/array")
            .version(h2)
            .json(&json!([
                {"intake_key": PLAIN_KEY, "json": "ok", "@timestamp": EPOCH_S},
                {"intake_key": PLAIN_KEY, "json": "bad", "@timestamp": "never"},
            ]))
            .send()
            .expect_error(400, "event 1");
    }
    assert_eq!(host.event_count(), before, "nothing stored for a 400");
}
