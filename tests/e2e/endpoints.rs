//! Every endpoint of the intake API through curl, over HTTP/1.1 and HTTP/2, read back from the
//! store with `events get`.

use crate::support::*;
use serde_json::{json, Value};

fn version_name(h2: bool) -> &'static str {
    if h2 {
        "2"
    } else {
        "1.1"
    }
}

/// A `json` intake's stored event: the object as sent plus the canonical `@timestamp`.
fn assert_json_ok(ev: &Value, object: &Value) {
    assert_eq!(ev["status"], "ok", "{ev}");
    assert_eq!(ev["error"], Value::Null, "{ev}");
    let mut expected = object.clone();
    expected["@timestamp"] = ev["normalized"]["@timestamp"].clone();
    assert_eq!(ev["normalized"], expected, "{ev}");
    assert_same_instant(&ev["normalized"]["@timestamp"], &ev["event_time"]);
}

#[test]
fn plain_over_http1_and_http2() {
    let host = Host::start(&basic_config());
    for h2 in [false, true] {
        let v = version_name(h2);
        for (body, raw) in [
            (format!("hello over HTTP/{v}"), format!("hello over HTTP/{v}")),
            // One trailing newline (LF or CRLF) is not part of the event.
            (format!("line with LF {v}\n"), format!("line with LF {v}")),
            (format!("line with CRLF {v}\r\n"), format!("line with CRLF {v}")),
            // Only one: the rest is the event's.
            (format!("two newlines {v}\n\n"), format!("two newlines {v}\n")),
            (
                format!("  spaces and unicode é ✓ {v}  "),
                format!("  spaces and unicode é ✓ {v}  "),
            ),
        ] {
            let resp = host
                .post("/plain")
                .version(h2)
                .key(PLAIN_KEY)
                .content_type("text/plain")
                .body(body)
                .send();
            assert_eq!(resp.http_version, v);
            let id = resp.event_id();
            assert_uuid_v7(&id);
            let ev = host.events_get(&id);
            assert_event(&ev, &id, "plain-a", "ent-a", "plain", &raw);
            assert_plain_ok(&ev, &raw);
            // No client time: the event time is the reception time.
            assert_eq!(ev["event_time"], ev["received_at"], "{ev}");
        }
    }
}

#[test]
fn plain_batch_skips_empty_lines_and_tolerates_crlf() {
    let host = Host::start(&basic_config());
    for h2 in [false, true] {
        let v = version_name(h2);
        let body = format!("first {v}\r\n\r\nsecond {v}\n\n\nthird {v}\r\n\n");
        let resp = host.post("/plain/batch").version(h2).key(OTHER_KEY).body(body).send();
        assert_eq!(resp.http_version, v);
        let ids = resp.event_ids();
        assert_eq!(ids.len(), 3, "{ids:?}");
        assert_v7_increasing(&ids);
        for (id, raw) in ids
            .iter()
            .zip([format!("first {v}"), format!("second {v}"), format!("third {v}")])
        {
            let ev = host.events_get(id);
            assert_event(&ev, id, "other-c", "ent-c", "plain", &raw);
            assert_plain_ok(&ev, &raw);
        }
    }
}

#[test]
fn json_endpoints_single_batch_and_jsons() {
    let host = Host::start(&basic_config());
    for h2 in [false, true] {
        let v = version_name(h2);
        let a = json!({"msg": format!("single {v}"), "n": 1, "nested": {"ok": true}});

        // POST /: the event as a JSON string, and as an object.
        let resp = host
            .post("/")
            .version(h2)
            .json(&json!({"intake_key": JSON_KEY, "json": a.to_string()}))
            .send();
        assert_eq!(resp.http_version, v);
        let id = resp.event_id();
        let ev = host.events_get(&id);
        assert_event(&ev, &id, "json-b", "ent-b", "json", &a.to_string());
        assert_json_ok(&ev, &a);

        let resp = host
            .post("/")
            .version(h2)
            .json(&json!({"intake_key": JSON_KEY, "json": a}))
            .send();
        let id = resp.event_id();
        let ev = host.events_get(&id);
        assert_eq!(
            serde_json::from_str::<Value>(ev["raw"].as_str().unwrap_or("")).ok(),
            Some(a.clone()),
            "{ev}"
        );
        assert_json_ok(&ev, &a);

        // POST /batch: a list of events as strings.
        let events: Vec<Value> = (0..4).map(|i| json!({"batch": i, "proto": v})).collect();
        let jsons: Vec<String> = events.iter().map(Value::to_string).collect();
        let resp = host
            .post("/batch")
            .version(h2)
            .json(&json!({"intake_key": JSON_KEY, "jsons": jsons}))
            .send();
        assert_eq!(resp.http_version, v);
        let ids = resp.event_ids();
        assert_eq!(ids.len(), 4);
        assert_v7_increasing(&ids);
        for ((id, raw), object) in ids.iter().zip(&jsons).zip(&events) {
            let ev = host.events_get(id);
            assert_event(&ev, id, "json-b", "ent-b", "json", raw);
            assert_json_ok(&ev, object);
        }

        // POST /jsons: a JSON array of strings and objects, to a plain intake.
        let resp = host
            .post("/jsons")
            .version(h2)
            .key(PLAIN_KEY)
            .json(&json!(["text event", {"obj": 1}, "another"]))
            .send();
        assert_eq!(resp.http_version, v);
        let ids = resp.event_ids();
        assert_eq!(ids.len(), 3);
        assert_v7_increasing(&ids);
        for (id, raw) in ids.iter().zip(["text event", r#"{"obj":1}"#, "another"]) {
            let ev = host.events_get(id);
            assert_event(&ev, id, "plain-a", "ent-a", "plain", raw);
            assert_plain_ok(&ev, raw);
        }

        // POST /jsons?path=$.data.items: the array inside an object, to a json intake.
        let items = [json!({"item": 1}), json!({"item": 2, "tag": v})];
        let resp = host
            .post("/jsons?path=$.data.items")
            .version(h2)
            .key(JSON_KEY)
            .json(&json!({"data": {"items": items, "other": "ignored"}, "meta": 1}))
            .send();
        let ids = resp.event_ids();
        assert_eq!(ids.len(), 2);
        assert_v7_increasing(&ids);
        for (id, object) in ids.iter().zip(&items) {
            let ev = host.events_get(id);
            assert_event(&ev, id, "json-b", "ent-b", "json", &object.to_string());
            assert_json_ok(&ev, object);
        }
    }
}

#[test]
fn array_mixes_intakes_in_one_request() {
    let host = Host::start(&basic_config());
    for h2 in [false, true] {
        let v = version_name(h2);
        let j = json!({"from": "array", "proto": v});
        let body = json!([
            {"intake_key": PLAIN_KEY, "json": format!("plain one {v}")},
            {"intake_key": JSON_KEY, "json": j.to_string()},
            {"intake_key": OTHER_KEY, "json": format!("other {v}")},
            {"intake_key": PLAIN_KEY, "json": format!("plain two {v}")},
        ]);
        let resp = host.post("/array").version(h2).json(&body).send();
        assert_eq!(resp.http_version, v);
        let ids = resp.event_ids();
        assert_eq!(ids.len(), 4);
        assert_v7_increasing(&ids);

        let ev = host.events_get(&ids[0]);
        assert_event(&ev, &ids[0], "plain-a", "ent-a", "plain", &format!("plain one {v}"));
        assert_plain_ok(&ev, &format!("plain one {v}"));
        let ev = host.events_get(&ids[1]);
        assert_event(&ev, &ids[1], "json-b", "ent-b", "json", &j.to_string());
        assert_json_ok(&ev, &j);
        let ev = host.events_get(&ids[2]);
        assert_event(&ev, &ids[2], "other-c", "ent-c", "plain", &format!("other {v}"));
        assert_plain_ok(&ev, &format!("other {v}"));
        let ev = host.events_get(&ids[3]);
        assert_event(&ev, &ids[3], "plain-a", "ent-a", "plain", &format!("plain two {v}"));
        assert_plain_ok(&ev, &format!("plain two {v}"));
    }
    // Each intake's listing holds exactly its own events.
    assert_eq!(host.events_list(&["--intake", "plain-a"]).len(), 4);
    assert_eq!(host.events_list(&["--intake", "json-b"]).len(), 2);
    assert_eq!(host.events_list(&["--intake", "other-c"]).len(), 2);
}

#[test]
fn ids_follow_input_order_and_listing_is_newest_first() {
    let host = Host::start(&basic_config());
    let lines: Vec<String> = (0..200).map(|i| format!("event number {i:03}")).collect();
    let ids = host
        .post("/plain/batch")
        .http2()
        .key(PLAIN_KEY)
        .body(lines.join("\n"))
        .send()
        .event_ids();
    assert_eq!(ids.len(), lines.len());
    assert_v7_increasing(&ids);

    // A second request: its IDs all come after the first one's.
    let later = host
        .post("/plain/batch")
        .http1()
        .key(PLAIN_KEY)
        .body("later 1\nlater 2")
        .send()
        .event_ids();
    assert_v7_increasing(&later);
    assert!(later[0] > ids[ids.len() - 1]);

    let listed = host.events_list(&["--intake", "plain-a", "--limit", "1000"]);
    let listed_ids: Vec<&str> = listed.iter().filter_map(|e| e["id"].as_str()).collect();
    let mut expected: Vec<&str> = ids.iter().chain(&later).map(String::as_str).collect();
    expected.reverse();
    assert_eq!(listed_ids, expected, "events list is newest first");
    // Oldest first from a cursor, page by page, as a forwarder reads.
    let mut cursor = "0".to_string();
    let mut paged: Vec<String> = Vec::new();
    loop {
        let page = host.events_list(&["--intake", "plain-a", "--after", &cursor, "--limit", "64"]);
        let Some(last) = page.last() else { break };
        cursor = last["id"].as_str().expect("an id").to_string();
        paged.extend(page.iter().filter_map(|e| e["id"].as_str()).map(str::to_string));
    }
    expected.reverse();
    assert_eq!(paged, expected, "events list --after reads in ID order from the cursor");
    let raws: Vec<&str> = listed
        .iter()
        .rev()
        .take(lines.len())
        .filter_map(|e| e["raw"].as_str())
        .collect();
    assert_eq!(raws, lines.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(host.events_list(&["--limit", "5"]).len(), 5);
}

#[test]
fn trailing_slash_and_query_string_are_accepted() {
    let host = Host::start(&basic_config());
    let id = host
        .post("/plain/?unrelated=1")
        .key(PLAIN_KEY)
        .body("slash")
        .send()
        .event_id();
    assert_event(&host.events_get(&id), &id, "plain-a", "ent-a", "plain", "slash");
    let ids = host
        .post("/batch/")
        .json(&json!({"intake_key": PLAIN_KEY, "jsons": ["x"]}))
        .send()
        .event_ids();
    assert_eq!(ids.len(), 1);
}

/// `/jsons` and `/` accept events as JSON objects; the stored `raw` must be the event as the
/// sender wrote it. The host re-serialises the object through `serde_json::Value` instead: keys
/// come back sorted, and numbers beyond 64 bits lose digits (`12345678901234567890123` becomes
/// `1.2345678901234568e+22`): the raw event is not what was sent.
#[test]
fn object_events_keep_their_raw_text() {
    let host = Host::start(&basic_config());
    let event = r#"{"zeta":1,"alpha":12345678901234567890123,"ratio":1.10}"#;
    let ids = host
        .post("/jsons")
        .key(PLAIN_KEY)
        .content_type("application/json")
        .body(format!("[{event}]"))
        .send()
        .event_ids();
    let ev = host.events_get(&ids[0]);
    assert_eq!(ev["raw"], event, "/jsons changed the raw event: {ev}");

    let id = host
        .post("/")
        .key(PLAIN_KEY)
        .content_type("application/json")
        .body(format!(r#"{{"json":{event}}}"#))
        .send()
        .event_id();
    let ev = host.events_get(&id);
    assert_eq!(ev["raw"], event, "POST / changed the raw event: {ev}");
}
