//! RELP sessions in process: the session over `tokio::io::duplex`, the real pipeline and store
//! in a temporary directory, answers decoded with the session's own framer; paused time where
//! a timeout is the point.

use super::super::*;
use crate::test_support::{assert_at, raws, wait_until, TestNode, KEY, PATIENCE};
use std::future::Future;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::codec::Decoder;

const OFFERS: &str = "relp_version=0\nrelp_software=test\ncommands=syslog";
const OK: &str = "200 OK";
const NOT_STORED: &str = "500 cannot store the event now, retry";

/// `TXNR COMMAND DATALEN [DATA]` and its LF.
fn frame(txnr: u32, command: &str, data: &str) -> String {
    match data.len() {
        0 => format!("{txnr} {command} 0\n"),
        n => format!("{txnr} {command} {n} {data}\n"),
    }
}

/// A `syslog` frame whose message carries the test key and MSG `text`.
fn syslog(txnr: u32, text: &str) -> String {
    let message = format!("<13>1 2026-11-23T10:00:00Z host app - - [SEKOIA@53288 intake_key=\"{KEY}\"] {text}");
    frame(txnr, "syslog", &message)
}

/// An answer as (TXNR, command, data).
type Answer = (u32, String, String);

fn rsp(txnr: u32, data: &str) -> Answer {
    (txnr, "rsp".into(), data.into())
}

fn serverclose() -> Answer {
    (0, "serverclose".into(), String::new())
}

struct Session {
    peer: DuplexStream,
    handler: RelpHandler,
    shutdown: CancellationToken,
    task: JoinHandle<CloseReason>,
}

/// Starts a session on a duplex of `buffer` bytes each way, after the peer has written `sent`
/// (so that the session's first read finds all of it).
async fn start(node: &TestNode, buffer: usize, sent: &str) -> Session {
    let stats = Arc::new(ListenerStats::named("relp"));
    let handler = RelpHandler::new(&node.node, &node.config.relp, &node.config.syslog, None, stats);
    let (mut peer, server) = tokio::io::duplex(buffer);
    peer.write_all(sent.as_bytes()).await.expect("the duplex holds it");
    let shutdown = CancellationToken::new();
    let task = tokio::spawn({
        let (handler, shutdown) = (handler.clone(), shutdown.clone());
        let addr = SocketAddr::from(([127, 0, 0, 1], 40_000));
        async move { handler.session(server, addr, shutdown).await }
    });
    Session {
        peer,
        handler,
        shutdown,
        task,
    }
}

impl Session {
    /// Answers until `n` are decoded (`None`: until the session closes), and whether it closed.
    async fn answers(&mut self, n: Option<usize>) -> Vec<Answer> {
        let mut framer = RelpFramer::new(1 << 20);
        let (mut buf, mut answers) = (BytesMut::new(), Vec::new());
        while n.is_none_or(|n| answers.len() < n) {
            while let Some(frame) = framer.decode(&mut buf).expect("well-formed answers") {
                let RelpFrame::Frame { txnr, command, data } = frame else {
                    panic!("oversized answer");
                };
                answers.push((txnr, command, String::from_utf8_lossy(&data).into_owned()));
            }
            if n.is_some_and(|n| answers.len() >= n) {
                break;
            }
            let got = self.peer.read_buf(&mut buf).await.expect("read");
            if got == 0 {
                assert!(buf.is_empty(), "a partial answer before the close: {buf:?}");
                assert!(n.is_none(), "closed after {answers:?}");
                break;
            }
        }
        answers
    }

    fn stats(&self) -> &ListenerStats {
        &self.handler.shared.stats
    }
}

/// A bounded wait, for tests in real time.
async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    tokio::time::timeout(PATIENCE, f)
        .await
        .unwrap_or_else(|_| panic!("waited {PATIENCE:?} for {what}"))
}

/// The open answer is `200 OK` and the server's offers.
fn assert_opened(answer: &Answer) {
    assert_eq!((answer.0, answer.1.as_str()), (1, "rsp"));
    assert!(answer.2.starts_with("200 OK\nrelp_version=0\n"), "{answer:?}");
}

/// Protects the order of answers: `rsp`s follow frame order across batches of different sizes,
/// even when a later batch (errors only, nothing to store) is done before an earlier one.
#[tokio::test]
async fn answers_keep_frame_order_across_batches_of_different_sizes() {
    let node = TestNode::new("[relp]\nbatch_events = 4\n");
    // Batch 1: open + 4 events (full); batch 2: an unknown key and an unknown command.
    let mut sent = frame(1, "open", OFFERS);
    (2..=5).for_each(|i| sent += &syslog(i, &format!("m{i}")));
    sent += &frame(
        6,
        "syslog",
        "<13>1 - host app - - [SEKOIA@53288 intake_key=\"no-such-key-0000000\"] m6",
    );
    sent += &frame(7, "foo", "");
    let mut session = start(&node, 64 * 1024, &sent).await;
    let answers = within("round 1", session.answers(Some(7))).await;
    assert_opened(&answers[0]);
    let mut expected: Vec<Answer> = (2..=5).map(|i| rsp(i, OK)).collect();
    expected.push(rsp(6, "500 unknown intake key"));
    expected.push(rsp(7, "500 unknown command foo"));
    assert_eq!(answers[1..], expected[..]);

    // Batch 3: three events and the close, read after the first answers.
    let mut sent = String::new();
    (8..=10).for_each(|i| sent += &syslog(i, &format!("m{i}")));
    sent += &frame(11, "close", "");
    session.peer.write_all(sent.as_bytes()).await.expect("write");
    let answers = within("round 2", session.answers(None)).await;
    let expected = vec![rsp(8, OK), rsp(9, OK), rsp(10, OK), rsp(11, ""), serverclose()];
    assert_eq!(answers, expected);
    assert_eq!(
        within("the end", session.task).await.expect("no panic"),
        CloseReason::Protocol
    );
    let stored = node.stored();
    assert_eq!(raws(&stored), ["m2", "m3", "m4", "m5", "m8", "m9", "m10"]);
}

/// Protects graceful shutdown: frames already read when it fires mid-batch are committed and
/// answered, then `serverclose`; a partial frame is left unanswered.
#[tokio::test]
async fn shutdown_mid_batch_commits_and_answers_what_was_read() {
    let node = TestNode::with_store("[relp]\nbatch_events = 2\ninflight_batches = 1\n", |conn| {
        conn.busy_timeout(Duration::from_millis(20)).expect("busy timeout");
    });
    // The store stalls (a lock held elsewhere): batch 1 (open, m2, m3) waits for it, and the
    // rest stays in the read buffer while the one batch in flight holds the connection.
    let lock = rusqlite::Connection::open(node.db_path()).expect("open");
    lock.execute_batch("BEGIN IMMEDIATE").expect("lock");
    let mut sent = frame(1, "open", OFFERS);
    (2..=6).for_each(|i| sent += &syslog(i, &format!("m{i}")));
    sent += "7 syslog 80 <13>1 2026-11-23T10:00:00Z";
    let mut session = start(&node, 64 * 1024, &sent).await;
    let store = node.node.pipeline.store();
    wait_until("batch 1 to reach the stalled store", || !store.is_writable()).await;
    session.shutdown.cancel();
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(lock);
    let answers = within("the answers", session.answers(None)).await;
    assert_opened(&answers[0]);
    let mut expected: Vec<Answer> = (2..=6).map(|i| rsp(i, OK)).collect();
    expected.push(serverclose());
    assert_eq!(answers[1..], expected[..]);
    assert_eq!(
        within("the end", session.task).await.expect("no panic"),
        CloseReason::Shutdown
    );
    assert_eq!(raws(&node.stored()), ["m2", "m3", "m4", "m5", "m6"]);
}

/// Protects the fatal-store rule: a store that can take no writes gets every frame a `500` (the
/// client keeps its messages), then `serverclose`; nothing is read after.
#[tokio::test]
async fn a_fatal_store_error_answers_500_and_closes_the_session() {
    let node = TestNode::with_store("", |conn| {
        conn.execute_batch("PRAGMA query_only = ON").expect("read-only writer");
    });
    let mut sent = frame(1, "open", OFFERS);
    (2..=4).for_each(|i| sent += &syslog(i, &format!("m{i}")));
    let mut session = start(&node, 64 * 1024, &sent).await;
    let answers = within("the answers", session.answers(None)).await;
    assert_opened(&answers[0]);
    let expected = [
        rsp(2, NOT_STORED),
        rsp(3, NOT_STORED),
        rsp(4, NOT_STORED),
        serverclose(),
    ];
    assert_eq!(answers[1..], expected[..]);
    assert_eq!(
        session
            .stats()
            .store_failures
            .load(std::sync::atomic::Ordering::Relaxed),
        3
    );
    assert_eq!(
        within("the end", session.task).await.expect("no panic"),
        CloseReason::StoreFailed
    );
    assert!(node.stored().is_empty());
}

/// Protects the session's first frame: `syslog` before `open` is refused and the session closed.
#[tokio::test]
async fn syslog_before_open_is_refused_and_the_session_closed() {
    let node = TestNode::new("");
    let mut session = start(&node, 64 * 1024, &syslog(1, "m1")).await;
    let answers = within("the answers", session.answers(None)).await;
    let expected = vec![rsp(1, "500 session not open: send open first"), serverclose()];
    assert_eq!(answers, expected);
    assert_eq!(
        within("the end", session.task).await.expect("no panic"),
        CloseReason::Protocol
    );
    assert!(node.stored().is_empty());
}

/// Protects the idle timeout of an open session: `serverclose` at `relp.idle_timeout_secs`.
#[tokio::test(start_paused = true)]
async fn an_idle_session_gets_serverclose_at_the_idle_timeout() {
    let node = TestNode::new("[relp]\nidle_timeout_secs = 60\n");
    let start_at = Instant::now();
    let mut session = start(&node, 64 * 1024, &frame(1, "open", OFFERS)).await;
    assert_opened(&session.answers(Some(1)).await[0]);
    assert_eq!(session.answers(None).await, vec![serverclose()]);
    assert_at(start_at.elapsed(), Duration::from_secs(60));
    assert_eq!(session.task.await.expect("no panic"), CloseReason::Idle);
}

/// Protects the first frame's deadline: a first frame that never completes, however slowly it
/// drips, ends the session at the idle timeout, with `serverclose` and nothing else.
#[tokio::test(start_paused = true)]
async fn a_first_frame_that_never_completes_ends_at_the_idle_timeout() {
    let node = TestNode::new("[relp]\nidle_timeout_secs = 60\n");
    let start_at = Instant::now();
    let session = start(&node, 64 * 1024, "1 open 47 ").await;
    let (mut answers, mut drip) = tokio::io::split(session.peer);
    let dripper = tokio::spawn(async move {
        for b in b"relp_version=0" {
            tokio::time::sleep(Duration::from_secs(10)).await;
            if drip.write_all(&[*b]).await.is_err() {
                break;
            }
        }
        // The end of the stream, should the session still be there (a bug): no test hangs.
        let _ = drip.shutdown().await;
    });
    let mut last_words = String::new();
    answers.read_to_string(&mut last_words).await.expect("read to the end");
    assert_at(start_at.elapsed(), Duration::from_secs(60));
    assert_eq!(last_words, "0 serverclose 0\n");
    assert_eq!(session.task.await.expect("no panic"), CloseReason::Idle);
    dripper.abort();
}
