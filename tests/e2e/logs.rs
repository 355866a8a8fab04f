//! Intake keys are credentials: they must never reach the server's log.

use crate::support::*;
use serde_json::json;
use std::time::Duration;

const UNKNOWN_KEY: &str = "e2e-unknown-key-uuuuuuuuuuuuuuuu";
const ADDED_KEY: &str = "e2e-added-key-dddddddddddddddddd";

fn assert_no_key_in(log: &Log, keys: &[&str]) {
    let lines = log.lines();
    assert!(!lines.is_empty());
    for key in keys {
        for line in &lines {
            assert!(!line.contains(key), "the key {key:?} is in the log: {line}");
        }
    }
}

#[test]
fn keys_never_appear_in_logs() {
    let mut host = Host::builder(&basic_config())
        .env("RUST_LOG", "debug,wasmtime=warn,cranelift=warn")
        .start();
    for h2 in [false, true] {
        host.post("/plain")
            .version(h2)
            .key(PLAIN_KEY)
            .body("header key")
            .send()
            .event_id();
        host.post("/plain")
            .version(h2)
            .basic("user", OTHER_KEY)
            .body("basic key")
            .send()
            .event_id();
        host.post(&format!("/plain/batch?intake_key={PLAIN_KEY}"))
            .version(h2)
            .body("query key")
            .send()
            .event_ids();
        host.post("/")
            .version(h2)
            .json(&json!({"intake_key": JSON_KEY, "json": "{\"body\":\"key\"}"}))
            .send()
            .event_id();
        host.post("/array")
            .version(h2)
            .json(&json!([{"intake_key": PLAIN_KEY, "json": "a"}, {"intake_key": JSON_KEY, "json": "{}"}]))
            .send()
            .event_ids();
        // Refusals of all kinds, with keys in every place.
        host.post("/plain")
            .version(h2)
            .key(UNKNOWN_KEY)
            .body("unknown")
            .send()
            .expect_error(403, "unknown intake key");
        host.post(&format!("/plain?intake_key={UNKNOWN_KEY}"))
            .version(h2)
            .body("unknown in query")
            .send()
            .expect_error(403, "unknown intake key");
        host.post("/")
            .version(h2)
            .timestamp("not a time")
            .json(&json!({"intake_key": PLAIN_KEY, "json": "bad time"}))
            .send()
            .expect_error(400, "not a time");
        host.post("/nope")
            .version(h2)
            .key(PLAIN_KEY)
            .body("x")
            .send()
            .expect_error(404, "/nope");
        host.post("/plain")
            .version(h2)
            .basic("user", PLAIN_KEY)
            .header("Content-Encoding", "gzip")
            .body("not gzip")
            .send()
            .expect_error(400, "gzip");
        // Events rejected by their component.
        host.post("/plain/batch")
            .version(h2)
            .key(JSON_KEY)
            .body("not json")
            .send()
            .event_ids();
    }
    // A reload that adds a key, then one that removes it.
    let from = host.log().len();
    host.write_config(&format!(
        "{}\n{}",
        basic_config(),
        intake("added", "plain", "ent-d", ADDED_KEY)
    ));
    host.sighup();
    host.log().wait_for(from, "Registry reloaded.", Duration::from_secs(5));
    host.post("/plain").key(ADDED_KEY).body("added").send().event_id();
    let from = host.log().len();
    host.write_config(&basic_config());
    host.sighup();
    host.log().wait_for(from, "Registry reloaded.", Duration::from_secs(5));
    host.stop();

    // The debug log was on (refusals are logged at debug level), and it holds no key.
    assert!(
        !host.log().with_message("Request refused.").is_empty(),
        "debug logging was not on:\n{}",
        host.log().dump()
    );
    assert_no_key_in(host.log(), &[PLAIN_KEY, JSON_KEY, OTHER_KEY, UNKNOWN_KEY, ADDED_KEY]);
}

/// An operator rotating a key adds the new `key` line before deleting the old one and sends
/// SIGHUP: the reload is refused, and the refusal must not print either key. The host embeds
/// the TOML parser's error, which quotes the offending source line, in the logged error
/// (`Problem::Syntax`, host/src/config/mod.rs): the key ends up in the log.
#[test]
fn refused_reload_never_logs_keys() {
    let host = Host::start(&basic_config());
    let rotated = "e2e-rotated-key-rrrrrrrrrrrrrrrr";
    let from = host.log().len();
    host.write_config(&format!(
        "{}\n[[intake]]\nname = \"rotating\"\nformat = \"plain\"\nentity = \"ent-r\"\nkey = \"{ADDED_KEY}\"\nkey = \"{rotated}\"\n",
        basic_config()
    ));
    host.sighup();
    host.log().wait_for(from, "Reload refused", Duration::from_secs(5));
    // The old registry stays in force.
    host.post("/plain")
        .key(PLAIN_KEY)
        .body("still served")
        .send()
        .event_id();
    assert_no_key_in(host.log(), &[PLAIN_KEY, JSON_KEY, OTHER_KEY, ADDED_KEY, rotated]);
}
