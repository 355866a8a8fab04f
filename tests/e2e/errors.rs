//! Every error answer with its status and JSON body, and that nothing is stored for it.

use crate::support::*;
use serde_json::json;
use std::time::Duration;

const MAX_EVENT: usize = 1000;
const MAX_REQUEST: usize = 8192;
const MAX_EVENTS: usize = 5;

fn limited_config() -> String {
    format!(
        "[limits]\nmax_event_bytes = {MAX_EVENT}\nmax_request_bytes = {MAX_REQUEST}\nmax_batch_events = {MAX_EVENTS}\n{}",
        basic_config()
    )
}

#[test]
fn every_error_status_with_its_json_body_and_nothing_stored() {
    let host = Host::start(&limited_config());
    for h2 in [false, true] {
        let post = |path: &str| host.post(path).version(h2);

        // 400: malformed bodies.
        post("/")
            .content_type("application/json")
            .body(r#"{"intake_key": "#)
            .send()
            .expect_error(400, "malformed JSON body");
        post("/")
            .json(&json!({"intake_key": PLAIN_KEY}))
            .send()
            .expect_error(400, "missing field `json`");
        post("/batch")
            .json(&json!({"intake_key": PLAIN_KEY, "jsons": "not a list"}))
            .send()
            .expect_error(400, "malformed JSON body");
        post("/jsons")
            .key(PLAIN_KEY)
            .json(&json!({"not": "an array"}))
            .send()
            .expect_error(400, "expected a JSON array");
        post("/jsons?path=$.data.missing")
            .key(PLAIN_KEY)
            .json(&json!({"data": {}}))
            .send()
            .expect_error(400, "selects nothing");
        post("/jsons")
            .key(PLAIN_KEY)
            .json(&json!(["fine", null]))
            .send()
            .expect_error(400, "event 1 is null");
        post("/plain")
            .key(PLAIN_KEY)
            .body("\n")
            .send()
            .expect_error(400, "empty event");
        post("/plain/batch")
            .key(PLAIN_KEY)
            .body("\n\r\n\n")
            .send()
            .expect_error(400, "no events");
        post("/plain/batch")
            .key(PLAIN_KEY)
            .body(b"good line\n\xff\xfe bad line\n".to_vec())
            .send()
            .expect_error(400, "not valid UTF-8 (first bad byte at offset 10)");
        post("/plain")
            .key(PLAIN_KEY)
            .header("Content-Encoding", "gzip")
            .body("this is not gzip")
            .send()
            .expect_error(400, "invalid gzip body");

        // 401 and 403.
        post("/plain").body("x").send().expect_error(401, "no intake key");
        post("/plain")
            .key("e2e-no-such-key-000000000000")
            .body("x")
            .send()
            .expect_error(403, "unknown intake key");

        // 404 and 405 (with Allow), whatever the method and body.
        post("/nope")
            .key(PLAIN_KEY)
            .body("x")
            .send()
            .expect_error(404, "no such endpoint: /nope");
        host.request("GET", "/plain/batch/more")
            .version(h2)
            .send()
            .expect_error(404, "/plain/batch/more");
        for (method, path) in [("GET", "/plain"), ("PUT", "/batch"), ("DELETE", "/")] {
            let resp = host.request(method, path).version(h2).key(PLAIN_KEY).body("x").send();
            resp.expect_error(405, &format!("method {method} not allowed"));
            assert_eq!(resp.header("allow"), Some("POST"), "{resp:?}");
        }

        // 413: one event, the body, the body after gzip, the number of events.
        post("/plain")
            .key(PLAIN_KEY)
            .body("e".repeat(MAX_EVENT + 1))
            .send()
            .expect_error(
                413,
                &format!("the event is {} bytes, over the limit of {MAX_EVENT}", MAX_EVENT + 1),
            );
        post("/plain/batch")
            .key(PLAIN_KEY)
            .body(format!("small\n{}\nsmall", "e".repeat(MAX_EVENT + 1)))
            .send()
            .expect_error(413, "event 1 is 1001 bytes");
        post("/jsons")
            .key(PLAIN_KEY)
            .json(&json!(["ok", "e".repeat(MAX_EVENT + 1)]))
            .send()
            .expect_error(413, "event 1 is");
        post("/plain/batch")
            .key(PLAIN_KEY)
            .body(format!("{}\n", "r".repeat(99)).repeat(MAX_REQUEST / 100 + 1))
            .send()
            .expect_error(413, &format!("request body over the limit of {MAX_REQUEST} bytes"));
        post("/plain/batch")
            .key(PLAIN_KEY)
            .body("line\n".repeat(MAX_EVENTS + 1))
            .send()
            .expect_error(
                413,
                &format!("more than {MAX_EVENTS} events in one request, over the limit of {MAX_EVENTS}"),
            );
        // A gzip bomb: 4 MiB of zeros in about 4 KiB (under the body limit) is refused.
        let bomb = vec![0u8; 4 << 20];
        post("/plain/batch")
            .key(PLAIN_KEY)
            .body(bomb)
            .gzip()
            .send()
            .expect_error(413, "decompressed request body over the limit");

        // 415: JSON endpoints need a JSON content type; only gzip is a known encoding.
        post("/batch")
            .no_content_type()
            .body(json!({"intake_key": PLAIN_KEY, "jsons": ["x"]}).to_string())
            .send()
            .expect_error(415, "set Content-Type: application/json");
        post("/")
            .content_type("text/plain")
            .body(json!({"intake_key": PLAIN_KEY, "json": "x"}).to_string())
            .send()
            .expect_error(415, "not \"text/plain\"");
        // curl's default for a body: application/x-www-form-urlencoded.
        post("/jsons")
            .key(PLAIN_KEY)
            .body(r#"["x"]"#)
            .send()
            .expect_error(415, "application/x-www-form-urlencoded");
        post("/plain")
            .key(PLAIN_KEY)
            .header("Content-Encoding", "br")
            .body("compressed?")
            .send()
            .expect_error(415, "unsupported Content-Encoding \"br\"");
    }
    assert_eq!(host.event_count(), 0, "nothing stored for a request that got an error");

    // The limits are inclusive, and JSON content types with parameters or +json suffixes pass.
    let ids = host
        .post("/plain/batch")
        .key(PLAIN_KEY)
        .body(format!("{}\n", "m".repeat(MAX_EVENT)).repeat(MAX_EVENTS))
        .send()
        .event_ids();
    assert_eq!(ids.len(), MAX_EVENTS);
    host.post("/jsons")
        .key(PLAIN_KEY)
        .content_type("application/json; charset=utf-8")
        .body(r#"["a"]"#)
        .send()
        .event_ids();
    host.post("/jsons")
        .key(PLAIN_KEY)
        .content_type("application/vnd.intake+json")
        .body(r#"["b"]"#)
        .send()
        .event_ids();
    assert_eq!(host.event_count(), MAX_EVENTS + 2);
}

#[test]
fn oversized_bodies_get_413_not_a_reset() {
    let host = Host::start(&limited_config());
    // Up to four times the limit, the host reads and drops the body so that the client gets the
    // answer instead of a reset (or a broken pipe over HTTP/1.1); beyond, see the next test.
    for h2 in [false, true] {
        for size in [MAX_REQUEST + 1, 2 * MAX_REQUEST, 4 * MAX_REQUEST] {
            let resp = host
                .post("/plain")
                .version(h2)
                .key(PLAIN_KEY)
                .body("o".repeat(size))
                .send();
            assert_eq!(resp.http_version, if h2 { "2" } else { "1.1" });
            resp.expect_error(413, "request body over the limit");
        }
    }
    // The server is fine afterwards.
    host.post("/plain")
        .http2()
        .key(PLAIN_KEY)
        .body("still here")
        .send()
        .event_id();
    assert_eq!(host.event_count(), 1);
}

/// An HTTP/2 body of more than 4 × `max_request_bytes` gets a stream reset (curl: "(92) Stream
/// error in the HTTP/2 framing layer") instead of the 413: `read_body` returns early and drops
/// the request body before the response is sent, so h2 resets the stream with CANCEL, which
/// also discards the response.
#[test]
fn far_oversized_http2_body_gets_413_not_a_reset() {
    let host = Host::start(&limited_config());
    let resp = host
        .post("/plain")
        .http2()
        .key(PLAIN_KEY)
        .body("o".repeat(64 * MAX_REQUEST))
        .try_send()
        .unwrap_or_else(|e| panic!("no answer over HTTP/2: {e}"));
    resp.expect_error(413, "request body over the limit");
    assert_eq!(host.event_count(), 0);
}

#[test]
fn gzip_bodies_are_accepted() {
    let host = Host::start(&basic_config());
    for h2 in [false, true] {
        let id = host
            .post("/plain")
            .version(h2)
            .key(PLAIN_KEY)
            .body("gzipped single\n")
            .gzip()
            .send()
            .event_id();
        let ev = host.events_get(&id);
        assert_plain_ok(&ev, "gzipped single");

        let lines: Vec<String> = (0..50).map(|i| format!("gzipped line {i}")).collect();
        let ids = host
            .post("/plain/batch")
            .version(h2)
            .key(PLAIN_KEY)
            .body(lines.join("\r\n"))
            .gzip()
            .send()
            .event_ids();
        assert_eq!(ids.len(), 50);
        for (id, line) in ids.iter().zip(&lines) {
            assert_eq!(host.events_get(id)["raw"], line.as_str());
        }

        let ids = host
            .post("/jsons")
            .version(h2)
            .key(JSON_KEY)
            .json(&json!([{"zipped": 1}, {"zipped": 2}]))
            .gzip()
            .send()
            .event_ids();
        assert_eq!(host.events_get(&ids[1])["normalized"]["zipped"], 2);
    }
}

#[test]
fn rejected_events_are_stored_in_error_with_their_reason() {
    let host = Host::start(&basic_config());
    let ids = host
        .post("/plain/batch")
        .key(JSON_KEY)
        .body("not json\n[1,2]\n{\"ok\":true}\n{\"a\":1} trailing")
        .send()
        .event_ids();
    assert_eq!(ids.len(), 4);
    assert_v7_increasing(&ids);
    let ev = host.events_get(&ids[0]);
    assert_event(&ev, &ids[0], "json-b", "ent-b", "json", "not json");
    assert_rejected(&ev, "invalid JSON");
    assert_eq!(ev["event_time"], serde_json::Value::Null, "{ev}");
    assert_rejected(&host.events_get(&ids[1]), "expected a JSON object, got an array");
    let ok = host.events_get(&ids[2]);
    assert_eq!(ok["status"], "ok", "{ok}");
    assert_eq!(ok["normalized"]["ok"], true);
    assert_rejected(&host.events_get(&ids[3]), "invalid JSON");

    let errors = host.events_list(&["--errors"]);
    let mut error_ids: Vec<&str> = errors.iter().filter_map(|e| e["id"].as_str()).collect();
    error_ids.sort_unstable();
    assert_eq!(error_ids, [&ids[0], &ids[1], &ids[3]]);
    assert_eq!(host.events_list(&["--errors", "--intake", "plain-a"]).len(), 0);
    assert_eq!(host.event_count(), 4);
}

/// When the normalization queue stays full (one worker, one queued batch, busy in a component
/// that loops), a new request gets 503 with Retry-After and nothing is stored for it.
#[test]
fn busy_pipeline_answers_503_with_retry_after() {
    let loop_wasm = component_dir().join("hostile_loop.wasm");
    let config = format!(
        r#"
[store]
enqueue_timeout_ms = 1

[runtime]
workers = 1
queue_batches = 1

[formats.loop]
component = "{}"
deadline_ms = 4000

[formats.plain]
component = "builtin:plain"

{}
{}
"#,
        loop_wasm.display(),
        intake("looping", "loop", "ent-l", "e2e-loop-key-llllllllllllllll"),
        intake("plain-a", "plain", "ent-a", PLAIN_KEY),
    );
    let host = Host::start(&config);
    std::thread::scope(|s| {
        let stuck = s.spawn(|| {
            host.post("/plain")
                .key("e2e-loop-key-llllllllllllllll")
                .body("boom")
                .send()
        });
        host.wait_worker_busy(Duration::from_secs(10));
        for h2 in [false, true] {
            let resp = host
                .post("/plain/batch")
                .version(h2)
                .key(PLAIN_KEY)
                .body("refused 1\nrefused 2")
                .send();
            resp.expect_error(503, "retry later");
            assert_eq!(resp.header("retry-after"), Some("1"), "{resp:?}");
        }
        let resp = stuck.join().expect("the stuck request");
        let id = resp.event_id();
        assert_rejected(&host.events_get(&id), "deadline");
    });
    assert_eq!(host.event_count(), 1, "nothing stored for the 503s");
    // Once the worker is free, the same request goes through.
    let ids = host
        .post("/plain/batch")
        .key(PLAIN_KEY)
        .body("accepted 1\naccepted 2")
        .send()
        .event_ids();
    assert_eq!(ids.len(), 2);
}

/// Source IDs and per-event times are read before the key is checked (the key may be in the
/// body): a request without a valid key that carries too many, too long or mismatched ones is
/// refused at the first value over a limit with the limit named, and nothing is stored.
#[test]
fn source_ids_and_times_are_bounded_before_the_key_is_checked() {
    let host = Host::start(&limited_config());
    let post = |body: serde_json::Value| host.post("/batch").json(&body).send();
    let many: Vec<String> = (0..=MAX_EVENTS).map(|i| format!("s{i}")).collect();
    post(json!({"intake_key": "not-a-key", "jsons": ["a"], "source_ids": many}))
        .expect_error(413, "events in one request");
    post(json!({"intake_key": "not-a-key", "jsons": ["a"], "source_ids": ["x".repeat(129)]}))
        .expect_error(400, "`source_ids` value 0 is 129 bytes");
    post(json!({"intake_key": "not-a-key", "jsons": ["a"], "@timestamps": ["1".repeat(65)]}))
        .expect_error(400, "`@timestamps` value 0 is 65 bytes");
    // Well-formed but an unknown key: refused as such, after the bounded parse.
    post(json!({"intake_key": "not-a-key", "jsons": ["a"], "source_ids": ["s1"]}))
        .expect_error(403, "unknown intake key");
    // With the key, values that do not match the events are a clear 400.
    post(json!({"intake_key": PLAIN_KEY, "jsons": ["a", "b"], "source_ids": ["s1"]}))
        .expect_error(400, "`source_ids` has 1 values for 2 events");
    assert_eq!(host.event_count(), 0);
}
