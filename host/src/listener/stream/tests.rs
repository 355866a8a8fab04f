//! The stream connection loop in process: a line protocol of its own over `tokio::io::duplex`,
//! the real pipeline and store (in a temporary directory), paused time where a timeout is the
//! point. RELP's own behaviour is tested in `relp/tests/session.rs`.

use super::*;
use crate::framing::syslog::{SyslogFrame, SyslogFramer};
use crate::registry::IntakeEntry;
use crate::test_support::{assert_at, event, wait_until, TestNode, PATIENCE};
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, DuplexStream};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// A line protocol for the loop alone: `ev …` lines are events, answered `ok ev N` once
/// committed (`err ev N` if not); `ctl …` lines are answered as they are, nothing stored;
/// `close` ends the connection; the last words are `bye`.
struct Lines {
    intake: Arc<IntakeEntry>,
    /// Event lines decoded so far: what the loop has taken from the peer.
    events_read: Arc<AtomicUsize>,
}

impl StreamProtocol for Lines {
    type Decoder = SyslogFramer;
    type Tag = String;

    fn decoder(&self) -> SyslogFramer {
        SyslogFramer::new(64 * 1024)
    }

    fn on_frame(&mut self, frame: SyslogFrame, batch: &mut Batch<String>) -> Flow {
        let SyslogFrame::Message(bytes) = frame else {
            return Flow::Close;
        };
        let line = String::from_utf8_lossy(&bytes).into_owned();
        if line == "close" {
            return Flow::Close;
        }
        // The first two words name the line in its answer (event lines are long).
        let tag = line.split(' ').take(2).collect::<Vec<_>>().join(" ");
        if line.starts_with("ctl") {
            batch.control(tag);
        } else {
            self.events_read.fetch_add(1, Ordering::SeqCst);
            batch.event(event(&self.intake, &line), tag);
        }
        Flow::Continue
    }

    fn on_committed(
        &mut self,
        items: Vec<BatchItem<String>>,
        result: Result<Vec<Uuid>, PipelineError>,
        out: &mut BytesMut,
    ) {
        for item in items {
            let answer = match item {
                BatchItem::Event(tag) if result.is_ok() => format!("ok {tag}\n"),
                BatchItem::Event(tag) => format!("err {tag}\n"),
                BatchItem::Control(tag) => format!("{tag}\n"),
            };
            out.extend_from_slice(answer.as_bytes());
        }
    }

    fn on_close(&mut self, _reason: &CloseReason, out: &mut BytesMut) {
        out.extend_from_slice(b"bye\n");
    }
}

/// The server's end of the duplex, counting the bytes the loop pulls from it.
struct Counted {
    inner: DuplexStream,
    read: Arc<AtomicUsize>,
}

impl AsyncRead for Counted {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        this.read.fetch_add(buf.filled().len() - before, Ordering::SeqCst);
        polled
    }
}

impl AsyncWrite for Counted {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// A connection under test: the peer's end, the loop's task and what it has read.
struct Connection {
    peer: DuplexStream,
    events_read: Arc<AtomicUsize>,
    bytes_read: Arc<AtomicUsize>,
    task: JoinHandle<CloseReason>,
}

/// Starts the loop on a duplex of `buffer` bytes each way, after the peer has written `sent`
/// (so that the loop's first read finds all of it).
async fn connect(node: &TestNode, settings: StreamSettings, buffer: usize, sent: &[u8]) -> Connection {
    let (mut peer, server) = tokio::io::duplex(buffer);
    peer.write_all(sent)
        .await
        .expect("the duplex holds what the peer sends first");
    let (events_read, bytes_read) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let protocol = Lines {
        intake: node.intake(),
        events_read: events_read.clone(),
    };
    let server = Counted {
        inner: server,
        read: bytes_read.clone(),
    };
    let addr = SocketAddr::from(([127, 0, 0, 1], 40_000));
    let task = tokio::spawn(run(
        server,
        addr,
        protocol,
        node.node.pipeline.clone(),
        settings,
        CancellationToken::new(),
    ));
    Connection {
        peer,
        events_read,
        bytes_read,
        task,
    }
}

impl Connection {
    fn events_read(&self) -> usize {
        self.events_read.load(Ordering::SeqCst)
    }

    /// The next `n` answer lines (real time only: a bounded wait).
    async fn answers(&mut self, n: usize) -> Vec<String> {
        let mut text = String::new();
        let read = async {
            let mut buf = [0u8; 4096];
            while text.lines().count() < n || !text.ends_with('\n') {
                let got = self.peer.read(&mut buf).await.expect("read answers");
                assert!(got > 0, "the connection closed after {text:?}");
                text.push_str(&String::from_utf8_lossy(&buf[..got]));
            }
        };
        tokio::time::timeout(PATIENCE, read).await.expect("answers in time");
        text.lines().map(str::to_string).collect()
    }
}

fn settings(node: &TestNode) -> StreamSettings {
    StreamSettings {
        protocol: Protocol::Syslog,
        max_batch_events: 1024,
        max_inflight_batches: 4,
        idle_timeout: Duration::from_secs(60),
        write_timeout: Duration::from_secs(30),
        max_buffered_bytes: 8 << 20,
        budget: node.node.budget.clone(),
    }
}

/// `n` event lines of exactly `bytes` bytes each (LF not counted), `ev 0 xxx…`.
fn event_lines(n: usize, bytes: usize) -> Vec<u8> {
    (0..n)
        .flat_map(|i| {
            let head = format!("ev {i} ");
            format!("{head}{}\n", "x".repeat(bytes - head.len())).into_bytes()
        })
        .collect()
}

/// Holds the database's write lock from another connection while it lives: commits fail with
/// `Locked` and the loop retries them (as when a CLI or a renormalize holds the lock).
fn hold_write_lock(node: &TestNode) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(node.db_path()).expect("open the store");
    conn.execute_batch("BEGIN IMMEDIATE").expect("take the write lock");
    conn
}

/// A node whose writer gives up on a held lock after 20 ms instead of 5 s.
fn impatient_node() -> TestNode {
    TestNode::with_store("", |conn| {
        conn.busy_timeout(Duration::from_millis(20)).expect("busy timeout");
    })
}

/// With the store stalled, the loop reads exactly `expected` of 40 event lines of 1000 bytes
/// and no further; once the store commits again, every line is answered in order and stored.
async fn reads_no_further_than(node: &TestNode, settings: StreamSettings, expected: usize) {
    let lock = hold_write_lock(node);
    let sent = event_lines(40, 1000);
    let mut conn = connect(node, settings, sent.len() + 1024, &sent).await;
    let store = node.node.pipeline.store();
    wait_until("the bound to be reached with the store stalled", || {
        conn.events_read() >= expected && !store.is_writable()
    })
    .await;
    // Time for the loop to read on, if it would.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        conn.events_read(),
        expected,
        "event lines read while the store is stalled"
    );
    let pulled = conn.bytes_read.load(Ordering::SeqCst);
    assert!(
        pulled < sent.len() / 2,
        "the loop pulled {pulled} of {} bytes",
        sent.len()
    );
    drop(lock);
    let expected_answers: Vec<String> = (0..40).map(|i| format!("ok ev {i}")).collect();
    assert_eq!(conn.answers(40).await, expected_answers);
    assert_eq!(node.stored().len(), 40);
    drop(conn.peer);
    let reason = tokio::time::timeout(PATIENCE, conn.task)
        .await
        .expect("ends")
        .expect("no panic");
    assert_eq!(reason, CloseReason::PeerClosed);
}

/// Protects `inflight_batches`: with that many batches waiting for the store, the loop stops reading.
#[tokio::test]
async fn stops_reading_while_inflight_batches_wait_for_the_store() {
    let node = impatient_node();
    let settings = StreamSettings {
        max_batch_events: 2,
        max_inflight_batches: 3,
        ..settings(&node)
    };
    reads_no_further_than(&node, settings, 3 * 2).await;
}

/// Protects `max_connection_buffered_bytes`: a connection holding that much unanswered stops reading.
#[tokio::test]
async fn stops_reading_at_the_connections_byte_limit() {
    let node = impatient_node();
    let settings = StreamSettings {
        max_batch_events: 1,
        max_inflight_batches: 64,
        max_buffered_bytes: 3000,
        ..settings(&node)
    };
    reads_no_further_than(&node, settings, 3).await;
}

/// Protects `max_buffered_bytes` (node-wide): a batch that finds the budget spent waits, and the
/// connection reads nothing while it waits.
#[tokio::test]
async fn stops_reading_while_the_node_budget_is_spent() {
    let node = impatient_node();
    let settings = StreamSettings {
        max_batch_events: 1,
        max_inflight_batches: 64,
        budget: MemoryBudget::new(2500),
        ..settings(&node)
    };
    // Two batches hold 2000 bytes; the third was read and waits for room.
    reads_no_further_than(&node, settings, 3).await;
}

/// Protects the write timeout: a peer that never reads its answers is dropped at `write_timeout`.
#[tokio::test(start_paused = true)]
async fn a_peer_that_never_reads_is_dropped_at_the_write_timeout() {
    let node = TestNode::new("");
    let settings = settings(&node);
    let mut conn = connect(&node, settings.clone(), 64, b"").await;
    let start = Instant::now();
    // Control lines only: no store, so paused time is the only clock that matters.
    let writer = tokio::spawn(async move {
        for i in 0..1000 {
            if conn.peer.write_all(format!("ctl {i:04}\n").as_bytes()).await.is_err() {
                break;
            }
        }
        conn.peer
    });
    let reason = conn.task.await.expect("no panic");
    assert_eq!(reason, CloseReason::WriteTimeout);
    let elapsed = start.elapsed();
    assert_at(elapsed, settings.write_timeout);
    writer.abort();
}

/// Protects what was read when a write fails: a batch that waited for the node's budget while
/// the answer before it could not be written is still committed.
#[tokio::test]
async fn events_read_before_a_write_timeout_are_stored() {
    let node = impatient_node();
    let budget = MemoryBudget::new(1500);
    let settings = StreamSettings {
        max_batch_events: 1,
        write_timeout: Duration::from_millis(200),
        budget: budget.clone(),
        ..settings(&node)
    };
    let lock = hold_write_lock(&node);
    // Four bytes each way: the first answer (8 bytes) cannot be written whole.
    let mut conn = connect(&node, settings, 4, b"").await;
    let writer = tokio::spawn(async move {
        conn.peer.write_all(&event_lines(2, 1000)).await.expect("write");
        conn.peer
    });
    let store = node.node.pipeline.store();
    wait_until("line 0 to stall in the store and line 1 to be read", || {
        conn.events_read.load(Ordering::SeqCst) == 2 && !store.is_writable()
    })
    .await;
    // Line 0 holds 1000 bytes, line 1's wait took the other 500 and waits for more.
    assert_eq!(budget.in_use(), budget.total(), "line 1 waits for the budget");
    drop(lock);
    let reason = tokio::time::timeout(PATIENCE, conn.task)
        .await
        .expect("ends")
        .expect("no panic");
    assert_eq!(reason, CloseReason::WriteTimeout);
    assert_eq!(node.stored().len(), 2, "every event read is stored");
    writer.abort();
}

/// Protects the idle timeout against drips: bytes of a frame that never ends do not reset it.
#[tokio::test(start_paused = true)]
async fn a_frame_that_never_ends_does_not_hold_the_connection() {
    let node = TestNode::new("");
    let settings = settings(&node);
    let mut conn = connect(&node, settings.clone(), 1024, b"").await;
    let start = Instant::now();
    let dripper = tokio::spawn(async move {
        for b in b"ev never ending" {
            if conn.peer.write_all(&[*b]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_secs(10)).await;
        }
        // The end of the stream, should the loop still be there (a bug): no test hangs.
        let _ = conn.peer.shutdown().await;
        conn.peer
    });
    let reason = conn.task.await.expect("no panic");
    assert_eq!(reason, CloseReason::Idle);
    assert_at(start.elapsed(), settings.idle_timeout);
    let mut peer = dripper.await.expect("no panic");
    let mut last_words = String::new();
    peer.read_to_string(&mut last_words).await.expect("read");
    assert_eq!(last_words, "bye\n");
    assert!(node.stored().is_empty());
}

/// Protects the idle timer's restart: each complete frame gives the connection `idle_timeout` more.
#[tokio::test(start_paused = true)]
async fn each_frame_restarts_the_idle_timer() {
    let node = TestNode::new("");
    let settings = settings(&node);
    let mut conn = connect(&node, settings.clone(), 1024, b"ctl first\n").await;
    let start = Instant::now();
    let mut answer = [0u8; 10];
    conn.peer.read_exact(&mut answer).await.expect("first answer");
    assert_eq!(&answer, b"ctl first\n");
    let later = settings.idle_timeout - Duration::from_secs(1);
    tokio::time::sleep(later).await;
    conn.peer.write_all(b"ctl again\n").await.expect("write");
    let mut rest = String::new();
    conn.peer.read_to_string(&mut rest).await.expect("read to the end");
    assert_eq!(rest, "ctl again\nbye\n");
    assert_eq!(conn.task.await.expect("no panic"), CloseReason::Idle);
    assert_at(start.elapsed(), later + settings.idle_timeout);
}
