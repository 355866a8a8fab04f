//! The store against a real SQLite file: counts, reasons, pruning, rewrites, migration.

use super::*;
use crate::config::StoreSettings;
use rusqlite::Connection;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "intake-edge-store-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn db(&self) -> PathBuf {
        self.0.join("events.db")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn settings() -> StoreSettings {
    StoreSettings {
        max_commit_events: 1000,
        block_events: 4,
        compression_level: 1,
        queue_requests: 16,
        enqueue_timeout: std::time::Duration::from_secs(5),
        dedupe_window: std::time::Duration::from_secs(3600),
        retention: Default::default(),
    }
}

fn now_us() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

fn event(intake: &str, received_at_us: i64, outcome: Result<&str, &str>) -> NewEvent {
    NewEvent {
        id: ids::next(),
        intake: intake.into(),
        entity: "e".into(),
        format: "plain".into(),
        protocol: Protocol::Https,
        received_at_us,
        event_time_us: None,
        client_time_us: None,
        raw: "raw".into(),
        metadata: None,
        outcome: outcome.map(str::to_string).map_err(str::to_string),
        source_id: None,
    }
}

fn write(path: &Path, events: Vec<NewEvent>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (store, writer) = Store::open(path, settings()).expect("open");
    rt.block_on(store.commit(events)).expect("commit");
    drop(store);
    writer.join();
}

#[test]
fn counts_events_errors_and_reasons_per_day() {
    let dir = TempDir::new();
    let now = now_us();
    write(
        &dir.db(),
        vec![
            event("a", now, Ok("{}")),
            event("a", now, Err("bad line")),
            event("a", now, Err("bad line")),
            event("a", now - MICROS_PER_DAY, Err("other")),
            event("b", now, Err("bad line")),
        ],
    );
    let reader = Reader::open(&dir.db()).expect("reader");
    let stats = reader.stats("a", today()).expect("stats");
    assert_eq!((stats.events, stats.errors), (4, 3));
    assert_eq!(stats.days.len(), STATS_DAYS as usize);
    let last = stats.days.last().expect("today");
    assert_eq!((last.events, last.errors), (3, 2));
    let reasons: Vec<(&str, u64)> = stats.reasons.iter().map(|r| (r.reason.as_str(), r.count)).collect();
    assert_eq!(reasons, vec![("bad line", 2), ("other", 1)]);
    let all = reader.reasons(None, today()).expect("reasons");
    assert_eq!(all.len(), 3);
    assert_eq!((all[0].0.as_str(), all[0].1.count), ("a", 2));
}

#[test]
fn distinct_reasons_beyond_the_cap_are_counted_together() {
    let dir = TempDir::new();
    let now = now_us();
    let reasons: Vec<String> = (0..MAX_REASONS_PER_DAY + 5).map(|i| format!("reason {i}")).collect();
    let mut events: Vec<NewEvent> = reasons.iter().map(|r| event("a", now, Err(r))).collect();
    // A reason already counted stays counted under its own name once the cap is reached.
    events.push(event("a", now, Err("reason 0")));
    write(&dir.db(), events);
    let stats = Reader::open(&dir.db())
        .expect("reader")
        .stats("a", today())
        .expect("stats");
    assert_eq!(stats.errors, MAX_REASONS_PER_DAY as u64 + 6);
    assert_eq!(stats.reasons.len(), MAX_REASONS_PER_DAY as usize + 1);
    let total: u64 = stats.reasons.iter().map(|r| r.count).sum();
    assert_eq!(total, stats.errors);
    let other = stats.reasons.iter().find(|r| r.reason == OTHER_REASONS).expect("other");
    assert_eq!(other.count, 5);
}

#[test]
fn counts_older_than_the_window_are_pruned() {
    let dir = TempDir::new();
    let now = now_us();
    write(
        &dir.db(),
        vec![
            event("a", now - 10 * MICROS_PER_DAY, Err("old")),
            event("a", now, Err("new")),
        ],
    );
    let conn = Connection::open(dir.db()).expect("open");
    let days: i64 = conn
        .query_row("SELECT count(*) FROM intake_daily", [], |r| r.get(0))
        .expect("count");
    let reasons: Vec<String> = conn
        .prepare("SELECT reason FROM intake_reasons")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("reasons");
    assert_eq!(days, 1);
    assert_eq!(reasons, vec!["new".to_string()]);
    // The events themselves stay.
    let events: i64 = conn
        .query_row("SELECT sum(events) FROM blocks", [], |r| r.get(0))
        .expect("count");
    assert_eq!(events, 2);
}

#[test]
fn rewrites_keep_ids_and_move_the_counts() {
    let dir = TempDir::new();
    let now = now_us();
    let events = vec![
        event("a", now, Err("bad")),
        event("a", now, Ok("{\"x\":1}")),
        event("b", now, Err("bad")),
    ];
    let ids: Vec<Uuid> = events.iter().map(|e| e.id).collect();
    write(&dir.db(), events);

    let mut rewriter = Rewriter::open(&dir.db()).expect("rewriter");
    let page = rewriter.page("a", 0, 10).expect("page");
    assert_eq!(page.iter().map(|e| e.id).collect::<Vec<_>>(), ids[..2].to_vec());
    assert_eq!(page[0].outcome, Err("bad".to_string()));
    let fixed = Ok("{\"y\":2}".to_string());
    let broken = Err("now bad".to_string());
    rewriter
        .rewrite(
            "a",
            "json",
            &[
                Rewrite {
                    event: &page[0],
                    event_time_us: Some(now),
                    outcome: &fixed,
                },
                Rewrite {
                    event: &page[1],
                    event_time_us: None,
                    outcome: &broken,
                },
            ],
        )
        .expect("rewrite");
    assert!(rewriter.page("a", ids::rowid(ids[1]), 10).expect("page").is_empty());

    let reader = Reader::open(&dir.db()).expect("reader");
    let first = reader.get(ids[0]).expect("get").expect("kept");
    assert_eq!((first.status, first.format.as_str()), ("ok", "json"));
    assert_eq!(first.normalized_value(), Some(serde_json::json!({"y": 2})));
    let second = reader.get(ids[1]).expect("get").expect("kept");
    assert_eq!((second.status, second.error.as_deref()), ("error", Some("now bad")));
    let stats = reader.stats("a", today()).expect("stats");
    assert_eq!((stats.events, stats.errors), (2, 1));
    let reasons: Vec<(&str, u64)> = stats.reasons.iter().map(|r| (r.reason.as_str(), r.count)).collect();
    assert_eq!(reasons, vec![("now bad", 1)]);
    // Another intake's counts are untouched.
    assert_eq!(reader.stats("b", today()).expect("stats").errors, 1);
}

#[test]
fn a_corrupt_block_is_refused_not_read_as_empty() {
    let dir = TempDir::new();
    write(&dir.db(), vec![event("a", now_us(), Ok("{\"x\":1}"))]);
    let conn = Connection::open(dir.db()).expect("open");
    conn.execute("UPDATE blocks SET data = x'28b52ffd0000'", [])
        .expect("corrupt it");
    let rewriter = Rewriter::open(&dir.db()).expect("rewriter");
    let err = rewriter.page("a", 0, 10).expect_err("a corrupt block");
    assert!(matches!(err, StoreError::Query(_)), "{err:?}");
    assert!(err.to_string().contains("unreadable event block"), "{err}");
    let reader = Reader::open(&dir.db()).expect("reader");
    assert!(reader
        .list(&EventFilter {
            limit: 10,
            ..Default::default()
        })
        .is_err());
}

#[test]
fn a_version_2_store_is_migrated_with_its_reasons() {
    let dir = TempDir::new();
    let now = now_us();
    {
        let conn = Connection::open(dir.db()).expect("open");
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE events (id INTEGER PRIMARY KEY, id_low INTEGER NOT NULL, intake TEXT NOT NULL,
                 entity TEXT NOT NULL, format TEXT NOT NULL, protocol TEXT NOT NULL, received_at INTEGER NOT NULL,
                 event_time INTEGER, raw TEXT NOT NULL, metadata TEXT, normalized TEXT, status INTEGER NOT NULL,
                 error TEXT);
             CREATE INDEX events_intake ON events(intake, id);
             CREATE TABLE intake_daily (intake TEXT NOT NULL, day INTEGER NOT NULL, events INTEGER NOT NULL,
                 errors INTEGER NOT NULL, PRIMARY KEY (intake, day)) WITHOUT ROWID;
             PRAGMA user_version = 2;",
        )
        .expect("v2 schema");
        conn.execute(
            "INSERT INTO events VALUES (1, 2, 'a', 'e', 'plain', 'https', ?1, NULL, 'x', NULL, NULL, 1, 'broken')",
            [now],
        )
        .expect("event");
    }
    write(&dir.db(), vec![event("a", now, Err("broken"))]);
    let reader = Reader::open(&dir.db()).expect("reader");
    let stats = reader.stats("a", today()).expect("stats");
    assert_eq!(stats.reasons.len(), 1);
    assert_eq!(
        (stats.reasons[0].reason.as_str(), stats.reasons[0].count),
        ("broken", 2)
    );
    let conn = Connection::open(dir.db()).expect("open");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, schema::SCHEMA_VERSION);
}

mod failures;

/// Commits `events` as separate requests, in the given order, to one writer.
fn write_each(path: &Path, requests: Vec<Vec<NewEvent>>) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (store, writer) = Store::open(path, settings()).expect("open");
    for events in requests {
        rt.block_on(store.commit(events)).expect("commit");
    }
    drop(store);
    writer.join();
}

#[test]
fn reads_in_id_order_across_overlapping_blocks() {
    let dir = TempDir::new();
    let now = now_us();
    // IDs handed out in one order, committed in another, two intakes interleaved: blocks (4
    // events each in these settings) overlap in ID.
    let events: Vec<NewEvent> = (0..30)
        .map(|i| {
            let mut e = event(
                if i % 3 == 0 { "b" } else { "a" },
                now + i,
                if i % 4 == 0 { Err("no") } else { Ok("{}") },
            );
            e.raw = format!("line {i}");
            e
        })
        .collect();
    let all: Vec<String> = events.iter().map(|e| e.id.to_string()).collect();
    let late = events[10..20].to_vec();
    let mut early = events[..10].to_vec();
    early.extend_from_slice(&events[20..]);
    write_each(&dir.db(), vec![late, early]);

    let reader = Reader::open(&dir.db()).expect("reader");
    assert_eq!(reader.count(None).expect("count"), (30, 8));
    let ids = |events: Vec<StoredEvent>| events.into_iter().map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(ids(reader.after(None, None, 100).expect("after")), all);
    // From a cursor, page by page, as a forwarder reads.
    let mut cursor = None;
    let mut paged = Vec::new();
    loop {
        let page = reader.after(cursor, None, 7).expect("page");
        let Some(last) = page.last() else { break };
        cursor = Some(last.id.parse().expect("uuid"));
        paged.extend(ids(page));
    }
    assert_eq!(paged, all);
    let of_b: Vec<String> = events
        .iter()
        .filter(|e| &*e.intake == "b")
        .map(|e| e.id.to_string())
        .collect();
    assert_eq!(ids(reader.after(None, Some("b"), 100).expect("b")), of_b);
    // Newest first.
    let newest: Vec<String> = all.iter().rev().take(5).cloned().collect();
    assert_eq!(
        ids(reader
            .list(&EventFilter {
                limit: 5,
                ..Default::default()
            })
            .expect("list")),
        newest
    );
    let errors = reader
        .list(&EventFilter {
            intake: Some("a".into()),
            errors_only: true,
            limit: 100,
        })
        .expect("errors");
    assert!(errors.iter().all(|e| e.status == "error" && e.intake == "a"));
    assert_eq!(
        errors.len(),
        events
            .iter()
            .filter(|e| &*e.intake == "a" && e.outcome.is_err())
            .count()
    );
    // Every event by its ID, with what was stored.
    for e in &events {
        let got = reader.get(e.id).expect("get").expect("found");
        assert_eq!((got.raw.as_str(), got.intake.as_str()), (e.raw.as_str(), &*e.intake));
        assert_eq!(got.status == "ok", e.outcome.is_ok());
    }
    assert!(reader.get(ids::next()).expect("get").is_none());
}

#[test]
fn a_version_3_store_becomes_blocks_with_every_event() {
    let dir = TempDir::new();
    let now = now_us();
    let mut written = Vec::new();
    {
        let conn = Connection::open(dir.db()).expect("open");
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = WAL; {} PRAGMA user_version = 3;",
            migrate::SCHEMA_V3
        ))
        .expect("v3 schema");
        let mut insert = conn
            .prepare(
                "INSERT INTO events (id, id_low, intake, entity, format, protocol, received_at, event_time, raw,
                 client_time, metadata, normalized, status, error) VALUES (?1, ?2, ?3, 'e', 'plain', 'syslog', ?4, ?5, ?6,
                 ?7, ?8, ?9, ?10, ?11)",
            )
            .expect("insert");
        for i in 0..2500i64 {
            let id = ids::next();
            let intake = if i % 2 == 0 { "a" } else { "b" };
            let bad = i % 10 == 0;
            insert
                .execute(rusqlite::params![
                    ids::rowid(id),
                    ids::low(id),
                    intake,
                    now + i,
                    (i % 3 == 0).then_some(now - i),
                    format!("line {i}"),
                    (i % 5 == 0).then_some(now - 1),
                    (i % 7 == 0).then_some(r#"{"log.syslog.hostname":"fw1"}"#),
                    (!bad).then(|| format!(r#"{{"message":"line {i}"}}"#)),
                    i64::from(bad),
                    bad.then_some("bad line"),
                ])
                .expect("row");
            written.push((id, i));
        }
    }
    // Opening for writing migrates.
    write(&dir.db(), vec![event("a", now, Ok("{}"))]);
    let reader = Reader::open(&dir.db()).expect("reader");
    assert_eq!(reader.count(None).expect("count"), (2501, 250));
    for (id, i) in written.iter().step_by(7) {
        let got = reader.get(*id).expect("get").expect("migrated");
        assert_eq!(got.raw, format!("line {i}"));
        assert_eq!(got.intake, if i % 2 == 0 { "a" } else { "b" });
        assert_eq!(got.protocol, "syslog");
        assert_eq!(got.status == "error", i % 10 == 0);
        assert_eq!(got.event_time.is_some(), i % 3 == 0);
        assert_eq!(got.metadata.is_some(), i % 7 == 0);
        if i % 10 != 0 {
            assert_eq!(
                got.normalized_value(),
                Some(serde_json::json!({"message": format!("line {i}")}))
            );
        }
    }
    let conn = Connection::open(dir.db()).expect("open");
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'events'", [], |r| {
            r.get(0)
        })
        .expect("tables");
    assert_eq!(tables, 0, "the row table is gone");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, schema::SCHEMA_VERSION);
}

#[test]
fn blocks_are_read_in_commit_order_even_when_ids_are_not() {
    let dir = TempDir::new();
    let now = now_us();
    // Given their IDs in one order, committed in the other (as two workers may finish).
    let early = event("a", now, Ok("{}"));
    let late = event("a", now, Ok("{}"));
    write(&dir.db(), vec![late.clone()]);
    write(&dir.db(), vec![early.clone(), event("b", now, Err("bad"))]);
    let reader = Reader::open(&dir.db()).expect("reader");
    assert_eq!(reader.last_seq().expect("seq"), 3);
    let blocks = reader.committed_after(0, 10, Payload::EventsGet).expect("read");
    let order: Vec<(i64, String)> = blocks
        .iter()
        .flat_map(|b| b.events.iter().map(move |e| (b.seq, e.id.clone())))
        .collect();
    let (early, late) = (early.id.to_string(), late.id.to_string());
    assert_eq!(order[0], (1, late));
    assert_eq!(order[1], (2, early));
    assert_eq!(order.len(), 3);
    // From a cursor, and bounded by events (but never below one block).
    assert_eq!(reader.committed_after(1, 1, Payload::EventsGet).expect("read").len(), 1);
    assert_eq!(reader.committed_after(0, 2, Payload::EventsGet).expect("read").len(), 2);
    assert_eq!(reader.committed_after(0, 0, Payload::EventsGet).expect("read").len(), 1);
    assert!(reader
        .committed_after(3, 10, Payload::EventsGet)
        .expect("read")
        .is_empty());
    let backlog = reader.backlog(1).expect("backlog");
    assert_eq!((backlog.events, backlog.blocks), (2, 2));
    assert!(
        backlog.oldest_us.is_some_and(|t| (t - now).abs() < 60_000_000),
        "{backlog:?}"
    );
    assert_eq!(reader.backlog(3).expect("backlog"), Backlog::default());
}

#[test]
fn a_version_4_store_gets_its_blocks_numbered_in_id_order() {
    let dir = TempDir::new();
    let now = now_us();
    let ids: Vec<Uuid> = (0..3).map(|_| ids::next()).collect();
    {
        let conn = Connection::open(dir.db()).expect("open");
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = WAL; {} PRAGMA user_version = 4;",
            migrate::SCHEMA_V4_BLOCKS
        ))
        .expect("v4 schema");
        let mut encoder = block::Encoder::new(1).expect("encoder");
        // Inserted newest first: the numbering follows the IDs, not the rows.
        for id in ids.iter().rev() {
            let (high, low) = id.as_u64_pair();
            let raw = format!("line {id}");
            let one = block::EventRef {
                high,
                low,
                format: "plain",
                protocol: "https",
                received_at_us: now,
                event_time_us: None,
                client_time_us: None,
                raw: &raw,
                metadata: None,
                outcome: Ok("{}"),
            };
            let data = encoder.encode(std::iter::once(one), 1).expect("encode");
            conn.execute(
                "INSERT INTO blocks (first_id, last_id, intake, entity, events, errors, data)
                 VALUES (?1, ?1, 'a', 'e', 1, 0, ?2)",
                rusqlite::params![high as i64, data],
            )
            .expect("block");
        }
    }
    write(&dir.db(), vec![event("a", now, Ok("{}"))]);
    let reader = Reader::open(&dir.db()).expect("reader");
    let blocks = reader.committed_after(0, 10, Payload::EventsGet).expect("read");
    let seqs: Vec<i64> = blocks.iter().map(|b| b.seq).collect();
    assert_eq!(seqs, [1, 2, 3, 4]);
    let first: Vec<String> = blocks.iter().take(3).map(|b| b.events[0].id.clone()).collect();
    assert_eq!(first, ids.iter().map(Uuid::to_string).collect::<Vec<_>>());
    let first: serde_json::Value = serde_json::from_slice(&blocks[0].events[0].json).expect("JSON");
    assert_eq!(first["raw"], format!("line {}", ids[0]));
    assert_eq!(reader.last_seq().expect("seq"), 4);
}

#[test]
fn a_store_of_a_newer_release_is_refused() {
    let dir = TempDir::new();
    write(&dir.db(), vec![event("a", now_us(), Ok("{}"))]);
    let conn = Connection::open(dir.db()).expect("open");
    conn.execute_batch(&format!("PRAGMA user_version = {}", schema::SCHEMA_VERSION + 1))
        .expect("bump");
    drop(conn);
    let err = Store::open(&dir.db(), settings()).err().expect("refused");
    assert!(err.to_string().contains("newer release"), "{err}");
}

/// Events of `n` bytes that zstd cannot shrink much (a xorshift's hex digits).
fn bulky(intake: &str, n: usize, seed: u64) -> NewEvent {
    let mut x = seed | 1;
    let raw: String = (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b"0123456789abcdef"[(x & 15) as usize])
        })
        .collect();
    NewEvent {
        raw,
        ..event(intake, now_us(), Ok("{}"))
    }
}

fn policy(
    max_age_days: Option<u64>,
    max_bytes: Option<u64>,
    on_full: crate::config::OnFull,
) -> crate::config::RetentionSettings {
    crate::config::RetentionSettings {
        max_age: max_age_days.map(|d| std::time::Duration::from_secs(d * 86_400)),
        max_bytes,
        on_full,
    }
}

fn seqs(path: &Path) -> Vec<i64> {
    let reader = Reader::open(path).expect("reader");
    reader
        .committed_after(0, usize::MAX, Payload::EventsGet)
        .expect("read")
        .iter()
        .map(|b| b.seq)
        .collect()
}

#[test]
fn retention_by_age_spares_what_is_not_forwarded() {
    use crate::config::OnFull;
    let dir = TempDir::new();
    for i in 0..3 {
        write(&dir.db(), vec![event("a", now_us() + i, Ok("{}"))]);
    }
    let mut conn = schema::open_for_cursors(&dir.db()).expect("open");
    let two_days_later = now_us() + 2 * MICROS_PER_DAY;
    // Nothing is a day old yet.
    let report = retention::prune(&mut conn, &policy(Some(1), None, OnFull::Refuse), None, now_us()).expect("prune");
    assert_eq!(report.aged, 0);
    // Two days on, with a forwarder at block 1: only block 1 may go.
    let report = retention::prune(
        &mut conn,
        &policy(Some(1), None, OnFull::Refuse),
        Some(1),
        two_days_later,
    )
    .expect("prune");
    assert_eq!(report.aged, 1);
    assert_eq!(seqs(&dir.db()), [2, 3]);
    // Without forwarders, everything old goes.
    let report =
        retention::prune(&mut conn, &policy(Some(1), None, OnFull::Refuse), None, two_days_later).expect("prune");
    assert_eq!(report.aged, 2);
    assert!(seqs(&dir.db()).is_empty());
    // Numbering goes on after the last block was deleted: a cursor never sees a number again.
    write(&dir.db(), vec![event("a", now_us(), Ok("{}"))]);
    assert_eq!(seqs(&dir.db()), [4]);
}

#[test]
fn the_size_cap_trims_forwarded_blocks_refuses_or_drops_the_rest() {
    use crate::config::OnFull;
    let dir = TempDir::new();
    for i in 0..24u64 {
        write(&dir.db(), (0..4).map(|j| bulky("a", 8 << 10, i * 4 + j)).collect());
    }
    let mut conn = schema::open_for_cursors(&dir.db()).expect("open");
    let used = retention::used_bytes(&conn).expect("size");
    assert!(used > 150 << 10, "{used}");
    let cap = used / 2;
    // Nothing forwarded (cursor 0): nothing deleted, the store is full.
    let report =
        retention::prune(&mut conn, &policy(None, Some(cap), OnFull::Refuse), Some(0), now_us()).expect("prune");
    assert_eq!((report.trimmed, report.dropped), (0, 0));
    assert!(report.full);
    assert_eq!(seqs(&dir.db()).len(), 24);
    // Forwarded up to block 20: the oldest go until the store is under 90% of the cap.
    let report =
        retention::prune(&mut conn, &policy(None, Some(cap), OnFull::Refuse), Some(20), now_us()).expect("prune");
    assert!(report.trimmed > 0 && report.trimmed.is_multiple_of(4), "{report:?}");
    assert!(!report.full, "{report:?}");
    assert!(report.used_bytes <= cap, "{report:?}");
    let left = seqs(&dir.db());
    assert_eq!(left.last(), Some(&24), "the newest stay");
    assert!(left[0] > 1 && left[0] <= 21, "{left:?}");
    // A smaller cap with nothing more forwarded: drop_oldest deletes unforwarded blocks and says so.
    let smaller = cap * 2 / 3;
    let report = retention::prune(
        &mut conn,
        &policy(None, Some(smaller), OnFull::DropOldest),
        Some(0),
        now_us(),
    )
    .expect("prune");
    assert!(report.dropped > 0, "{report:?}");
    assert!(!report.full && report.used_bytes <= smaller, "{report:?}");
    assert_eq!(seqs(&dir.db()).last(), Some(&24), "the newest stay");
}

#[test]
fn a_full_store_refuses_commits_and_gives_the_events_back() {
    let dir = TempDir::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (store, writer) = Store::open(&dir.db(), settings()).expect("open");
    store.full_flag().store(true, std::sync::atomic::Ordering::Relaxed);
    let err = rt
        .block_on(store.commit(vec![event("a", now_us(), Ok("{}"))]))
        .expect_err("refused");
    assert_eq!(err.error, StoreError::Full);
    assert!(err.error.retryable() && !err.error.is_fatal());
    assert_eq!(err.events.len(), 1);
    store.full_flag().store(false, std::sync::atomic::Ordering::Relaxed);
    rt.block_on(store.commit(err.events)).expect("taken again");
    drop(store);
    writer.join();
    assert_eq!(seqs(&dir.db()), [1]);
}

fn sourced(intake: &str, source_id: &str) -> NewEvent {
    NewEvent {
        source_id: Some(source_id.into()),
        raw: format!("{intake} {source_id}"),
        ..event(intake, now_us(), Ok("{}"))
    }
}

#[test]
fn an_event_whose_source_id_was_stored_is_answered_with_the_first_id() {
    let dir = TempDir::new();
    let path = dir.0.join("events.db");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (store, writer) = Store::open(&path, settings()).expect("open");
    let first = vec![sourced("a", "s1"), sourced("a", "s2"), event("a", now_us(), Ok("{}"))];
    let first_ids: Vec<_> = first.iter().map(|e| e.id).collect();
    assert_eq!(rt.block_on(store.commit(first)).expect("commit"), vec![]);
    // Again (a retry), with a new one, a repeat within the request, another intake's s1.
    let again = vec![
        sourced("a", "s2"),
        sourced("a", "s3"),
        sourced("a", "s3"),
        sourced("b", "s1"),
        sourced("a", "s1"),
    ];
    let again_ids: Vec<_> = again.iter().map(|e| e.id).collect();
    let duplicates = rt.block_on(store.commit(again)).expect("commit");
    assert_eq!(
        duplicates,
        vec![
            Duplicate {
                index: 0,
                stored_as: first_ids[1]
            },
            Duplicate {
                index: 2,
                stored_as: again_ids[1]
            },
            Duplicate {
                index: 4,
                stored_as: first_ids[0]
            },
        ]
    );
    drop(store);
    writer.join();
    let reader = Reader::open(&path).expect("reader");
    let mut stored: Vec<String> = reader
        .list(&EventFilter {
            limit: 100,
            ..Default::default()
        })
        .expect("list")
        .into_iter()
        .map(|e| e.raw)
        .collect();
    stored.sort();
    assert_eq!(stored, ["a s1", "a s2", "a s3", "b s1", "raw"]);
}

#[test]
fn source_ids_older_than_the_window_are_forgotten() {
    let dir = TempDir::new();
    let path = dir.0.join("events.db");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let settings = StoreSettings {
        dedupe_window: std::time::Duration::ZERO,
        ..settings()
    };
    // A writer prunes at its first commit: with no window, the ID of the first start (10 s
    // old) is forgotten by the second.
    for round in 0..2 {
        let (store, writer) = Store::open(&path, settings.clone()).expect("open");
        let mut old = sourced("a", "s1");
        if round == 0 {
            old.id = ids::from_parts(ids::rowid(ids::next()) - (10 << 16) * 1000, 1);
        }
        assert_eq!(
            rt.block_on(store.commit(vec![old])).expect("commit"),
            vec![],
            "round {round}"
        );
        drop(store);
        writer.join();
    }
}

/// A poller's page and its cursor commit together; a failed commit keeps neither; a page
/// without a new cursor keeps the old one; the run's outcome is saved apart.
#[test]
fn a_polled_page_and_its_cursor_commit_together() {
    use poll_cursors::{PollCursor, RunOutcome};
    let dir = TempDir::new();
    let db = dir.db();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let cursor = |c: Option<&[u8]>, n: u64, run: Option<RunOutcome>| PollCursor {
        intake: "okta".into(),
        cursor: c.map(<[u8]>::to_vec),
        position_us: Some(42_000_000),
        events: n,
        page: run.is_none(),
        run,
    };
    let (store, writer) = Store::open(&db, settings()).expect("open");
    let mut first = event("okta", now_us(), Ok("{}"));
    first.source_id = Some("u-1".into());
    rt.block_on(store.commit_polled(
        vec![first, event("okta", now_us(), Ok("{}"))],
        cursor(Some(b"page-2"), 2, None),
    ))
    .expect("commit");
    // The same event again (a page read again after a crash): not stored, the cursor moves.
    let mut again = event("okta", now_us(), Ok("{}"));
    again.source_id = Some("u-1".into());
    let dups = rt
        .block_on(store.commit_polled(vec![again], cursor(Some(b"page-3"), 1, None)))
        .expect("commit");
    assert_eq!(dups.len(), 1);
    // An empty page without a cursor: the cursor stays.
    rt.block_on(store.commit_polled(Vec::new(), cursor(None, 0, None)))
        .expect("commit");
    let run = RunOutcome {
        started_us: 7,
        error: Some("HTTP 500".into()),
        pages: 3,
        events: 3,
    };
    rt.block_on(store.commit_polled(Vec::new(), cursor(None, 0, Some(run))))
        .expect("commit");
    drop(store);
    writer.join();
    let saved = poll_cursors::load(&db, "okta").expect("read").expect("saved");
    assert_eq!(saved.cursor.as_deref(), Some(&b"page-3"[..]));
    assert_eq!((saved.pages, saved.events), (3, 3));
    assert_eq!(saved.position_us, Some(42_000_000));
    assert_eq!(saved.last_error.as_deref(), Some("HTTP 500"));
    assert_eq!((saved.last_run_us, saved.last_success_us), (Some(7), None));
    assert_eq!(poll_cursors::load(&db, "other").expect("read"), None);

    // A commit that fails stores neither the events nor the cursor.
    let (store, writer) = Store::open_adjusted(&db, settings(), |c| {
        c.execute_batch("PRAGMA query_only = 1").expect("query_only");
    })
    .expect("open");
    let failed = rt.block_on(store.commit_polled(
        vec![event("okta", now_us(), Ok("{}"))],
        cursor(Some(b"page-9"), 1, None),
    ));
    assert!(failed.is_err());
    drop(store);
    writer.join();
    let saved = poll_cursors::load(&db, "okta").expect("read").expect("saved");
    assert_eq!(saved.cursor.as_deref(), Some(&b"page-3"[..]));
    let conn = Connection::open(&db).expect("open");
    let stored: i64 = conn
        .query_row("SELECT sum(events) FROM blocks WHERE intake = 'okta'", [], |r| r.get(0))
        .expect("count");
    assert_eq!(stored, 2);
}
