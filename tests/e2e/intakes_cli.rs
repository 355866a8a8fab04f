//! `intake-edge intakes add|list|show|remove|rotate-key`: the file is edited in place (comments
//! kept), a running host applies the edit on reload, keys never show in `list`, and every
//! invalid operation exits 1 with a message and leaves the file alone.

use crate::support::*;
use serde_json::Value;
use std::process::Output;
use std::time::{Duration, Instant};

const RELOAD_TIMEOUT: Duration = Duration::from_secs(15);
const COMMENT: &str = "# Operator notes: kept by every `intakes` edit.\n";

fn host() -> Host {
    Host::start(&format!("{COMMENT}{}", basic_config()))
}

fn config(host: &Host) -> String {
    std::fs::read_to_string(&host.config_path).expect("read the configuration")
}

/// Runs `intake-edge ARGS --config FILE`; must succeed. (stdout, stderr).
fn ok(host: &Host, args: &[&str]) -> (String, String) {
    let out = host.cli(args);
    let (stdout, stderr) = texts(&out);
    assert!(out.status.success(), "{args:?} failed ({}): {stderr}", out.status);
    (stdout, stderr)
}

/// Runs `intake-edge ARGS --config FILE`; must exit 1 with `needle` in its message, and leave
/// the file unchanged.
fn fails(host: &Host, args: &[&str], needle: &str) {
    let before = config(host);
    let out = host.cli(args);
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stdout} {stderr}");
    assert!(
        stderr.contains(needle),
        "{args:?}: {stderr:?} does not mention {needle:?}"
    );
    assert_eq!(config(host), before, "{args:?} changed the file");
}

fn texts(out: &Output) -> (String, String) {
    (
        String::from_utf8(out.stdout.clone()).expect("UTF-8 stdout"),
        String::from_utf8(out.stderr.clone()).expect("UTF-8 stderr"),
    )
}

/// A key printed alone on stdout: 32 characters of [A-Za-z0-9].
fn printed_key(stdout: &str) -> String {
    assert_eq!(stdout.lines().count(), 1, "{stdout:?}");
    let key = stdout.trim_end().to_string();
    assert_eq!(key.len(), 32, "{key:?}");
    assert!(key.bytes().all(|b| b.is_ascii_alphanumeric()), "{key:?}");
    key
}

fn status(host: &Host, key: &str) -> u16 {
    host.post("/plain").key(key).body("probe").send().status
}

/// SIGHUP, then waits until `key` answers `want` (a reload is not instantaneous).
fn reload_until(host: &Host, key: &str, want: u16) {
    host.sighup();
    let start = Instant::now();
    loop {
        let got = status(host, key);
        if got == want {
            return;
        }
        assert!(
            start.elapsed() < RELOAD_TIMEOUT,
            "key still answers {got}, want {want}; log:\n{}",
            host.log().dump()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}")))
        .collect()
}

#[test]
fn add_opens_a_key_after_sighup_and_keeps_the_file() {
    let host = host();
    let before = config(&host);
    let (stdout, stderr) = ok(
        &host,
        &[
            "intakes", "add", "--name", "added", "--format", "plain", "--entity", "ent-x",
        ],
    );
    let key = printed_key(&stdout);
    assert!(stderr.contains("added"), "{stderr}");
    assert!(!stderr.contains(&key), "the key goes to stdout only: {stderr}");

    let after = config(&host);
    assert!(
        after.starts_with(&before),
        "the file before the new table is kept byte for byte:\n{after}"
    );
    assert!(after.contains(COMMENT));
    let table = &after[before.len()..];
    assert!(table.starts_with("\n[[intake]]\nname = \"added\"\n"), "{table}");
    assert!(table.contains(&format!("key = \"{key}\"\n")), "{table}");
    assert!(table.contains("created_at = \""), "{table}");
    assert!(table.contains("created_by = \""), "{table}");

    reload_until(&host, &key, 200);
    let id = host.post("/plain").key(&key).body("hello added").send().event_id();
    assert_event(&host.events_get(&id), &id, "added", "ent-x", "plain", "hello added");
    // The other intakes are untouched.
    host.post("/plain").key(PLAIN_KEY).body("still").send().event_id();

    // --json, with --created-by.
    let (stdout, _) = ok(
        &host,
        &[
            "intakes",
            "add",
            "--name",
            "added-json",
            "--format",
            "json",
            "--entity",
            "ent-y",
            "--created-by",
            "alice",
            "--json",
        ],
    );
    let v: Value = serde_json::from_str(&stdout).expect("--json prints JSON");
    assert_eq!(v["name"], "added-json", "{v}");
    assert_eq!(v["format"], "json", "{v}");
    assert_eq!(v["entity"], "ent-y", "{v}");
    assert_eq!(v["created_by"], "alice", "{v}");
    assert!(v["created_at"].as_str().is_some_and(is_utc_rfc3339), "{v}");
    let key2 = v["key"].as_str().expect("key").to_string();
    assert_ne!(key2, key);
    reload_until(&host, &key2, 200);
    assert_eq!(status(&host, &key), 200);
}

#[test]
fn list_and_show_count_the_last_seven_days_and_list_hides_keys() {
    let host = host();
    for body in ["one", "two"] {
        host.post("/plain").key(PLAIN_KEY).body(body).send().event_id();
    }
    host.post("/plain").key(JSON_KEY).body("{\"a\":1}").send().event_id();
    host.post("/plain").key(JSON_KEY).body("not json").send().event_id();
    let (added, _) = ok(
        &host,
        &[
            "intakes",
            "add",
            "--name",
            "fresh",
            "--format",
            "plain",
            "--entity",
            "ent-f",
            "--created-by",
            "bob",
        ],
    );
    let fresh_key = printed_key(&added);
    let keys = [PLAIN_KEY, JSON_KEY, OTHER_KEY, fresh_key.as_str()];

    let (plain, plain_err) = ok(&host, &["intakes", "list"]);
    let (json, json_err) = ok(&host, &["intakes", "list", "--json"]);
    for text in [&plain, &plain_err, &json, &json_err] {
        for key in keys {
            assert!(!text.contains(key), "a key in `intakes list`: {text}");
        }
    }
    let header = plain.lines().next().expect("a header");
    for column in [
        "NAME",
        "FORMAT",
        "ENTITY",
        "EVENTS_7D",
        "ERRORS_7D",
        "CREATED_BY",
        "CREATED_AT",
    ] {
        assert!(header.contains(column), "{header}");
    }
    let row = |name: &str| {
        plain
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row {name} in\n{plain}"))
            .split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(row("plain-a")[..5], ["plain-a", "plain", "ent-a", "2", "0"]);
    assert_eq!(row("json-b")[..5], ["json-b", "json", "ent-b", "2", "1"]);
    assert_eq!(row("fresh")[..6], ["fresh", "plain", "ent-f", "0", "0", "bob"]);

    let lines = json_lines(&json);
    let names: Vec<&str> = lines.iter().filter_map(|l| l["name"].as_str()).collect();
    assert_eq!(names, ["plain-a", "json-b", "other-c", "fresh"]);
    for l in &lines {
        assert!(l.get("key").is_none(), "{l}");
    }
    let b = &lines[1];
    assert_eq!(
        (b["format"].as_str(), b["entity"].as_str()),
        (Some("json"), Some("ent-b")),
        "{b}"
    );
    assert_eq!(
        (b["events_7d"].as_u64(), b["errors_7d"].as_u64()),
        (Some(2), Some(1)),
        "{b}"
    );
    assert_eq!(lines[3]["created_by"], "bob");
    assert!(
        lines[3]["created_at"].as_str().is_some_and(is_utc_rfc3339),
        "{}",
        lines[3]
    );
    assert_eq!(lines[0]["created_by"], Value::Null, "basic_config has no created_by");

    // show: everything, the key included, and 7 days oldest first (today last).
    let (shown, _) = ok(&host, &["intakes", "show", "json-b", "--json"]);
    let s: Value = serde_json::from_str(&shown).expect("show --json prints JSON");
    assert_eq!(s["name"], "json-b");
    assert_eq!(s["key"], JSON_KEY);
    assert_eq!(s["format"], "json");
    assert_eq!(s["entity"], "ent-b");
    assert_eq!(
        (s["events_7d"].as_u64(), s["errors_7d"].as_u64()),
        (Some(2), Some(1)),
        "{s}"
    );
    let days = s["days"].as_array().expect("days");
    assert_eq!(days.len(), 7, "{s}");
    let dates: Vec<&str> = days.iter().filter_map(|d| d["day"].as_str()).collect();
    assert!(dates.windows(2).all(|w| w[0] < w[1]), "{dates:?}");
    assert_eq!(
        (days[6]["events"].as_u64(), days[6]["errors"].as_u64()),
        (Some(2), Some(1)),
        "{s}"
    );
    assert!(days[..6].iter().all(|d| d["events"] == 0), "{s}");

    let (shown, _) = ok(&host, &["intakes", "show", "fresh"]);
    assert!(shown.contains(&fresh_key), "{shown}");
    assert!(shown.contains("ent-f"), "{shown}");
    assert!(!shown.contains(PLAIN_KEY), "{shown}");
}

#[test]
fn rotate_key_replaces_the_key_after_sighup() {
    let host = host();
    let before = config(&host);
    let (stdout, _) = ok(&host, &["intakes", "rotate-key", "plain-a"]);
    let key = printed_key(&stdout);
    let after = config(&host);
    assert_eq!(after, before.replace(PLAIN_KEY, &key), "only the key changes");

    reload_until(&host, PLAIN_KEY, 403);
    host.post("/plain")
        .key(PLAIN_KEY)
        .body("old key")
        .send()
        .expect_error(403, "unknown intake key");
    let id = host.post("/plain").key(&key).body("new key").send().event_id();
    assert_event(&host.events_get(&id), &id, "plain-a", "ent-a", "plain", "new key");
    assert_eq!(status(&host, JSON_KEY), 200);

    let (stdout, _) = ok(&host, &["intakes", "rotate-key", "plain-a", "--json"]);
    let v: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(v["name"], "plain-a");
    let third = v["key"].as_str().expect("key");
    assert_ne!(third, key);
    reload_until(&host, third, 200);
    assert_eq!(status(&host, &key), 403);
}

#[test]
fn remove_closes_the_key_and_keeps_the_events() {
    let host = host();
    let id = host.post("/plain").key(OTHER_KEY).body("kept").send().event_id();
    let (_, stderr) = ok(&host, &["intakes", "remove", "other-c"]);
    assert!(stderr.contains("other-c"), "{stderr}");
    let text = config(&host);
    assert!(!text.contains("other-c") && !text.contains(OTHER_KEY), "{text}");
    assert!(text.contains(COMMENT) && text.contains("name = \"json-b\""), "{text}");

    reload_until(&host, OTHER_KEY, 403);
    host.post("/plain")
        .key(OTHER_KEY)
        .body("refused")
        .send()
        .expect_error(403, "unknown intake key");
    assert_eq!(status(&host, PLAIN_KEY), 200);
    let ev = host.events_get(&id);
    assert_event(&ev, &id, "other-c", "ent-c", "plain", "kept");

    let (list, _) = ok(&host, &["intakes", "list", "--json"]);
    let names: Vec<String> = json_lines(&list)
        .iter()
        .filter_map(|l| l["name"].as_str().map(str::to_string))
        .collect();
    assert_eq!(names, ["plain-a", "json-b"]);
}

#[test]
fn invalid_operations_exit_1_and_change_nothing_with_or_without_a_server() {
    let mut host = host();
    let add = |name: &'static str, format: &'static str| {
        ["intakes", "add", "--name", name, "--format", format, "--entity", "e"]
    };
    fails(&host, &add("plain-a", "plain"), "already exists");
    fails(&host, &add("new", "nope"), "unknown format \"nope\"");
    fails(&host, &add("bad name", "plain"), "invalid intake name");
    fails(&host, &["intakes", "remove", "nope"], "no intake named \"nope\"");
    fails(&host, &["intakes", "rotate-key", "nope"], "no intake named \"nope\"");
    fails(&host, &["intakes", "show", "nope"], "no intake named \"nope\"");

    // The server stops: the commands work on the file alone.
    host.stop();
    let (stdout, _) = ok(&host, &add("offline", "json"));
    printed_key(&stdout);
    ok(&host, &["intakes", "remove", "offline"]);
    let (list, _) = ok(&host, &["intakes", "list", "--json"]);
    assert_eq!(json_lines(&list).len(), 3);

    // An invalid file: edits are refused with its problems, listing too.
    let broken = config(&host).replace(&format!("key = \"{JSON_KEY}\""), &format!("key = \"{PLAIN_KEY}\""));
    host.write_raw_config(&broken);
    fails(&host, &add("another", "plain"), "duplicate key");
    fails(&host, &["intakes", "remove", "other-c"], "would be invalid");
    fails(&host, &["intakes", "list"], "duplicate key");
    host.write_raw_config("this is not TOML [\n");
    fails(&host, &["intakes", "remove", "plain-a"], "invalid TOML");
    fails(&host, &["intakes", "list"], "invalid TOML");

    // A missing file.
    std::fs::remove_file(&host.config_path).expect("remove the configuration");
    let out = host.cli(&["intakes", "rotate-key", "plain-a"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}
