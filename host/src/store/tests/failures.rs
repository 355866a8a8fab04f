//! Failed commits against real SQLite: each failure typed by its result code, the retryable
//! ones retried with the same events until they succeed, and a writer that dies mid-commit
//! answered with an error, never with success.

use super::*;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// `n` events of `bytes` bytes each.
fn big_events(n: usize, bytes: usize) -> Vec<NewEvent> {
    (0..n)
        .map(|i| {
            let mut e = event("a", now_us(), Ok("{}"));
            e.raw = format!("{i:06}{}", noise(bytes, i as u64));
            e
        })
        .collect()
}

/// `bytes` letters that do not compress (blocks are compressed: repeated text would fit).
fn noise(bytes: usize, seed: u64) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..bytes)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b'!' + (x % 90) as u8)
        })
        .collect()
}

/// The writer's connection, opened as [`Store::open`] does, then adjusted by `setup`.
fn start_with(dir: &TempDir, setup: &str) -> (Store, StoreWriter) {
    let conn = schema::open_for_writing(&dir.db()).expect("open");
    conn.execute_batch(setup).expect("setup");
    // A lock held by another connection fails a commit after this, not after 5 s.
    conn.busy_timeout(Duration::from_millis(50)).expect("busy timeout");
    Store::start(conn, &dir.db(), settings()).expect("start")
}

fn stored_ids(dir: &TempDir) -> Vec<String> {
    let reader = Reader::open(&dir.db()).expect("reader");
    let events = reader.after(None, None, usize::MAX).expect("events");
    events.into_iter().map(|e| e.id).collect()
}

fn ids_of(events: &[NewEvent]) -> Vec<Uuid> {
    events.iter().map(|e| e.id).collect()
}

#[test]
fn result_codes_map_to_failures_callers_can_act_on() {
    use rusqlite::ffi;
    let cases = [
        (ffi::SQLITE_FULL, WriteFailure::DiskFull, true, false),
        (ffi::SQLITE_IOERR_FSYNC, WriteFailure::Io, true, false),
        (ffi::SQLITE_BUSY, WriteFailure::Locked, true, false),
        (ffi::SQLITE_LOCKED, WriteFailure::Locked, true, false),
        (ffi::SQLITE_NOMEM, WriteFailure::OutOfMemory, true, false),
        (ffi::SQLITE_READONLY_DBMOVED, WriteFailure::ReadOnly, false, true),
        (ffi::SQLITE_CANTOPEN, WriteFailure::NoAccess, false, true),
        (ffi::SQLITE_CORRUPT, WriteFailure::Corrupt, false, true),
        (ffi::SQLITE_NOTADB, WriteFailure::Corrupt, false, true),
        (
            ffi::SQLITE_CONSTRAINT_PRIMARYKEY,
            WriteFailure::Constraint,
            false,
            false,
        ),
        (ffi::SQLITE_MISUSE, WriteFailure::Other, false, false),
    ];
    for (code, kind, retryable, fatal) in cases {
        let e = rusqlite::Error::SqliteFailure(ffi::Error::new(code), None);
        let error = StoreError::write(&e);
        assert_eq!(
            error,
            StoreError::Write {
                kind,
                detail: e.to_string()
            },
            "code {code}"
        );
        assert_eq!((error.retryable(), error.is_fatal()), (retryable, fatal), "{error}");
    }
    assert_eq!(WriteFailure::of(&rusqlite::Error::InvalidQuery), WriteFailure::Other);
    assert!(StoreError::Closed.is_fatal() && !StoreError::Closed.retryable());
    let busy = StoreError::Busy { waited_ms: 1 };
    assert!(busy.retryable() && !busy.is_fatal());
}

#[test]
fn a_full_disk_is_retryable_and_hands_every_event_back() {
    let dir = TempDir::new();
    // SQLITE_FULL without filling a real disk: the database may not grow past a few pages.
    let (store, writer) = start_with(&dir, "PRAGMA max_page_count = 40;");
    let events = big_events(20, 16 * 1024);
    let ids = ids_of(&events);
    let failed = runtime()
        .block_on(store.commit(events))
        .expect_err("300 KiB cannot fit in 40 pages");
    assert!(
        matches!(
            failed.error,
            StoreError::Write {
                kind: WriteFailure::DiskFull,
                ..
            }
        ),
        "{:?}",
        failed.error
    );
    assert!(failed.error.retryable() && !failed.error.is_fatal());
    assert_eq!(ids_of(&failed.events), ids, "the same events come back, to retry");
    assert!(!store.is_writable());
    drop(store);
    writer.join();
    assert!(stored_ids(&dir).is_empty(), "nothing of a failed commit is stored");
}

#[test]
fn a_lock_held_elsewhere_is_retried_until_the_events_are_stored_once() {
    let dir = TempDir::new();
    let (store, writer) = start_with(&dir, "");
    let other = Connection::open(dir.db()).expect("open");
    other.execute_batch("BEGIN IMMEDIATE").expect("take the write lock");
    let rt = runtime();
    let events = big_events(5, 10);
    let ids = ids_of(&events);
    let failed = rt.block_on(store.commit(events)).expect_err("the lock is held");
    assert!(
        matches!(
            failed.error,
            StoreError::Write {
                kind: WriteFailure::Locked,
                ..
            }
        ),
        "{:?}",
        failed.error
    );
    assert!(failed.error.retryable());

    let release = std::thread::spawn(move || {
        // Long enough for a few failed attempts.
        std::thread::sleep(Duration::from_millis(300));
        other.execute_batch("ROLLBACK").expect("release the lock");
    });
    let shutdown = CancellationToken::new();
    rt.block_on(store.commit_patiently(failed.events, &shutdown))
        .expect("stored once the lock is released");
    release.join().expect("releasing thread");
    assert!(store.is_writable());
    drop(store);
    writer.join();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    let want: Vec<String> = sorted.iter().map(Uuid::to_string).collect();
    assert_eq!(stored_ids(&dir), want, "every event once, with the IDs it had");
}

#[test]
fn a_read_only_database_is_fatal_and_not_retried() {
    let dir = TempDir::new();
    let (store, writer) = start_with(&dir, "PRAGMA query_only = 1;");
    let rt = runtime();
    let failed = rt.block_on(store.commit(big_events(2, 10))).expect_err("read-only");
    assert!(
        matches!(
            failed.error,
            StoreError::Write {
                kind: WriteFailure::ReadOnly,
                ..
            }
        ),
        "{:?}",
        failed.error
    );
    assert!(failed.error.is_fatal() && !failed.error.retryable());
    // Not retried: the answer comes at once instead of after backoffs without end.
    let started = std::time::Instant::now();
    let error = rt
        .block_on(store.commit_patiently(failed.events, &CancellationToken::new()))
        .expect_err("still read-only");
    assert!(error.is_fatal(), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    drop(store);
    writer.join();
}

#[test]
fn an_event_already_stored_fails_its_commit_without_failing_the_store() {
    let dir = TempDir::new();
    let (store, writer) = start_with(&dir, "");
    let rt = runtime();
    let events = big_events(3, 10);
    rt.block_on(store.commit(events.clone())).expect("first commit");
    let failed = rt.block_on(store.commit(events)).expect_err("same IDs again");
    assert!(
        matches!(
            failed.error,
            StoreError::Write {
                kind: WriteFailure::Constraint,
                ..
            }
        ),
        "{:?}",
        failed.error
    );
    assert!(!failed.error.retryable() && !failed.error.is_fatal());
    rt.block_on(store.commit(big_events(1, 10)))
        .expect("other events still go in");
    drop(store);
    writer.join();
    assert_eq!(stored_ids(&dir).len(), 4);
}

/// The false acknowledgement of issue 10: a writer thread that dies with a request drops its
/// reply; the events went with it, so the failure hands back none. Retrying "the events handed
/// back" then committed nothing and answered success.
#[test]
fn a_writer_that_dies_mid_commit_is_an_error_never_success() {
    let (tx, mut rx) = mpsc::channel::<WriteRequest>(4);
    let store = Store {
        tx,
        settings: settings(),
        healthy: Arc::new(std::sync::atomic::AtomicBool::new(true)),
        full: Arc::new(std::sync::atomic::AtomicBool::new(false)),
    };
    let writer = std::thread::spawn(move || {
        let request = rx.blocking_recv();
        assert!(request.is_some(), "a commit arrives");
        // Dies holding the request (and the receiver): the reply and the events are dropped.
        drop(request);
        drop(rx);
    });
    let rt = runtime();
    let error = rt
        .block_on(store.commit_patiently(big_events(3, 10), &CancellationToken::new()))
        .expect_err("nothing was stored");
    assert_eq!(error, StoreError::Closed);
    assert!(error.is_fatal() && !error.retryable());
    writer.join().expect("writer thread");
    // Later commits find the queue closed: an error too, with the events handed back.
    let failed = rt.block_on(store.commit(big_events(2, 10))).expect_err("no writer");
    assert_eq!((failed.error, failed.events.len()), (StoreError::Closed, 2));
    assert!(!store.is_writable());
}
