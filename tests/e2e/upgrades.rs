//! Upgrades and downgrades of the store. Release 0.1.0 (tag `v0.1.0`) wrote schema 5: today's
//! schema without the `source_ids` (6) and `poll_cursors` (7) tables. A store in that shape,
//! written through the node and then given back the old release's schema, opens with this build
//! (migrated to 7, events kept, deduplication working); a store of a newer schema than this build knows is refused with a
//! clear error, before anything is written.

use crate::support::{basic_config, bin, Host, PLAIN_KEY};
use std::process::{Command, Stdio};

fn user_version(host: &Host) -> i64 {
    let conn = rusqlite::Connection::open(host.data_dir.join("events.sqlite3")).expect("open the store");
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version")
}

#[test]
fn a_store_of_the_previous_release_is_migrated_and_a_newer_one_refused() {
    let mut host = Host::start(&basic_config());
    let answer = host
        .post("/plain/batch")
        .key(PLAIN_KEY)
        .body("before the upgrade 1\nbefore the upgrade 2")
        .send()
        .expect(200);
    let ids: Vec<String> = answer["event_ids"]
        .as_array()
        .expect("event_ids")
        .iter()
        .map(|v| v.as_str().expect("an ID").to_string())
        .collect();
    host.stop();
    assert_eq!(user_version(&host), 7);

    // What release 0.1.0 left on disk: no source_ids or poll_cursors table, schema 5.
    let conn = rusqlite::Connection::open(host.data_dir.join("events.sqlite3")).expect("open the store");
    conn.execute_batch(
        "DROP INDEX source_ids_age; DROP TABLE source_ids; DROP TABLE poll_cursors; PRAGMA user_version = 5;",
    )
    .expect("back to schema 5");
    drop(conn);

    host.restart();
    assert_eq!(user_version(&host), 7, "migrated at start");
    for id in &ids {
        assert_eq!(host.events_get(id)["id"], id.as_str(), "kept through the migration");
    }
    let body = r#"{"jsons":["after the upgrade"],"source_ids":["s-1"]}"#;
    let post = |host: &Host| {
        host.post("/batch")
            .key(PLAIN_KEY)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .expect(200)["event_ids"][0]
            .as_str()
            .expect("an ID")
            .to_string()
    };
    let first = post(&host);
    assert_eq!(post(&host), first, "the new table deduplicates");
    host.stop();

    // A store from a later release: refused, and left as it was.
    let conn = rusqlite::Connection::open(host.data_dir.join("events.sqlite3")).expect("open the store");
    conn.execute_batch("PRAGMA user_version = 8;").expect("from the future");
    drop(conn);
    let out = Command::new("timeout")
        .arg("60")
        .arg(bin())
        .args(["serve", "--config"])
        .arg(&host.config_path)
        .stdin(Stdio::null())
        .output()
        .expect("run intake-edge serve");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "refused at start: {stderr}");
    assert!(
        stderr.contains("store schema version 8 was written by a newer release"),
        "{stderr}"
    );
    assert_eq!(user_version(&host), 8, "untouched");
}
