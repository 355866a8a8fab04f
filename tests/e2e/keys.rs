//! Where the intake key can be, and which placement wins.

use crate::support::*;
use serde_json::json;

/// The intake that stored the event `id`.
fn intake_of(host: &Host, id: &str) -> String {
    host.events_get(id)["intake"]
        .as_str()
        .expect("an intake name")
        .to_string()
}

#[test]
fn every_key_placement_opens_its_intake() {
    let host = Host::start(&basic_config());
    for h2 in [false, true] {
        // Header.
        let id = host
            .post("/plain")
            .version(h2)
            .key(OTHER_KEY)
            .body("by header")
            .send()
            .event_id();
        assert_eq!(intake_of(&host, &id), "other-c");
        // Surrounding blanks in the header are not part of the key.
        let id = host
            .post("/plain")
            .version(h2)
            .header("x-sekoiaio-intake-key", &format!("  {OTHER_KEY}  "))
            .body("by lowercase header")
            .send()
            .event_id();
        assert_eq!(intake_of(&host, &id), "other-c");

        // HTTP Basic password, whatever the user name (even none).
        for user in ["anyone", "", "user with spaces"] {
            let id = host
                .post("/plain")
                .version(h2)
                .basic(user, OTHER_KEY)
                .body(format!("by basic auth as {user:?}"))
                .send()
                .event_id();
            let ev = host.events_get(&id);
            assert_event(
                &ev,
                &id,
                "other-c",
                "ent-c",
                "plain",
                &format!("by basic auth as {user:?}"),
            );
        }

        // Query parameter.
        let ids = host
            .post(&format!("/plain/batch?intake_key={OTHER_KEY}"))
            .version(h2)
            .body("by query 1\nby query 2")
            .send()
            .event_ids();
        assert_eq!(ids.len(), 2);
        for id in &ids {
            assert_eq!(intake_of(&host, id), "other-c");
        }

        // Body field: POST /, /batch and each item of /array.
        let id = host
            .post("/")
            .version(h2)
            .json(&json!({"intake_key": OTHER_KEY, "json": "by body"}))
            .send()
            .event_id();
        assert_eq!(intake_of(&host, &id), "other-c");
        let ids = host
            .post("/batch")
            .version(h2)
            .json(&json!({"intake_key": OTHER_KEY, "jsons": ["b1", "b2"]}))
            .send()
            .event_ids();
        for id in &ids {
            assert_eq!(intake_of(&host, id), "other-c");
        }
        let ids = host
            .post("/array")
            .version(h2)
            .json(&json!([{"intake_key": OTHER_KEY, "json": "a1"}]))
            .send()
            .event_ids();
        assert_eq!(intake_of(&host, &ids[0]), "other-c");
    }
    assert_eq!(host.events_list(&["--intake", "other-c"]).len(), 2 * 11);
    assert_eq!(host.event_count(), 2 * 11);
}

#[test]
fn header_beats_basic_beats_query_beats_body() {
    let host = Host::start(&basic_config());
    // Header + a different valid body key: the header's intake.
    let id = host
        .post("/")
        .key(PLAIN_KEY)
        .json(&json!({"intake_key": OTHER_KEY, "json": "header vs body"}))
        .send()
        .event_id();
    let ev = host.events_get(&id);
    assert_event(&ev, &id, "plain-a", "ent-a", "plain", "header vs body");
    assert_plain_ok(&ev, "header vs body");

    // The header overrides the per-item keys of /array too.
    let ids = host
        .post("/array")
        .http2()
        .key(PLAIN_KEY)
        .json(&json!([
            {"intake_key": OTHER_KEY, "json": "i1"},
            {"intake_key": JSON_KEY, "json": "i2"},
        ]))
        .send()
        .event_ids();
    for id in &ids {
        assert_eq!(intake_of(&host, id), "plain-a");
    }

    // Header beats Basic.
    let id = host
        .post("/plain")
        .key(PLAIN_KEY)
        .basic("u", OTHER_KEY)
        .body("header vs basic")
        .send()
        .event_id();
    assert_eq!(intake_of(&host, &id), "plain-a");

    // Basic beats query.
    let id = host
        .post(&format!("/plain?intake_key={PLAIN_KEY}"))
        .basic("u", OTHER_KEY)
        .body("basic vs query")
        .send()
        .event_id();
    assert_eq!(intake_of(&host, &id), "other-c");

    // Query beats body.
    let id = host
        .post(&format!("/?intake_key={OTHER_KEY}"))
        .json(&json!({"intake_key": PLAIN_KEY, "json": "query vs body"}))
        .send()
        .event_id();
    assert_eq!(intake_of(&host, &id), "other-c");

    // An empty header does not count: the body key is used.
    let id = host
        .post("/")
        .header("X-SEKOIAIO-INTAKE-KEY", "")
        .json(&json!({"intake_key": OTHER_KEY, "json": "empty header"}))
        .send()
        .event_id();
    assert_eq!(intake_of(&host, &id), "other-c");

    // The winning key decides alone: an unknown header key is refused even with a valid body key.
    let before = host.event_count();
    host.post("/")
        .key("e2e-unknown-key-zzzzzzzzzzzzzzzz")
        .json(&json!({"intake_key": PLAIN_KEY, "json": "unknown header"}))
        .send()
        .expect_error(403, "unknown intake key");
    assert_eq!(host.event_count(), before);
}

#[test]
fn missing_and_unknown_keys_are_refused() {
    let host = Host::start(&basic_config());
    for h2 in [false, true] {
        let resp = host.post("/plain").version(h2).body("no key").send();
        resp.expect_error(401, "no intake key");
        assert_eq!(resp.header("www-authenticate"), Some("Basic realm=\"intake\""));
        host.post("/")
            .version(h2)
            .json(&json!({"json": "no key either"}))
            .send()
            .expect_error(401, "X-SEKOIAIO-INTAKE-KEY");
        // A key that is a prefix of a real one, another case, or unknown altogether.
        for key in [
            &PLAIN_KEY[..PLAIN_KEY.len() - 1],
            &PLAIN_KEY.to_uppercase(),
            "e2e-unknown-key-zzzzzzzzzzzzzzzz",
        ] {
            let err = host
                .post("/plain")
                .version(h2)
                .key(key)
                .body("bad key")
                .send()
                .expect_error(403, "unknown intake key");
            assert!(!err.contains(key), "the answer echoes the key: {err}");
        }
        // /array: one bad key among good ones refuses the whole request.
        host.post("/array")
            .version(h2)
            .json(&json!([
                {"intake_key": PLAIN_KEY, "json": "good"},
                {"intake_key": "e2e-unknown-key-zzzzzzzzzzzzzzzz", "json": "bad"},
            ]))
            .send()
            .expect_error(403, "unknown intake key");
        host.post("/array")
            .version(h2)
            .json(&json!([
                {"intake_key": PLAIN_KEY, "json": "good"},
                {"json": "keyless"},
            ]))
            .send()
            .expect_error(401, "no intake key");
    }
    assert_eq!(host.event_count(), 0, "nothing is stored for refused requests");
}
