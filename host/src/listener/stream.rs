//! The one connection loop of the stream protocols (syslog, RELP): frames in, batches through
//! the pipeline, answers out in order.
//!
//! Frames already buffered are grouped into one batch (a component call and a commit have a
//! fixed cost); a bounded number of batches per connection are in flight at once, and when
//! that many wait for the store the connection stops reading, so a slow disk slows the sender
//! through TCP instead of growing memory. Memory is bounded in bytes too: a batch stops growing
//! at its share of `limits.max_connection_buffered_bytes`, a connection stops reading when that
//! much is in flight, and every batch draws its bytes from the node's budget before it goes on
//! (at the node's limit, connections wait, and their senders with them). Answers (RELP `rsp`)
//! are produced in frame order, all answers that are ready go out in one write, and a write
//! that does not finish within `limits.write_timeout` ends the connection.

use super::budget::{MemoryBudget, Reservation};
use crate::event::{Incoming, Protocol};
use crate::framing::{FramingError, StreamError};
use crate::pipeline::{Pipeline, PipelineError};
use crate::telemetry::ListenerStats;
use bytes::BytesMut;
use futures_util::future::BoxFuture;
use futures_util::stream::{FuturesOrdered, StreamExt};
use futures_util::FutureExt;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf, ReadHalf, WriteHalf};
use tokio_util::codec::{Decoder, FramedRead};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Frames of one batch: the events to ingest and, in frame order, what to answer for each.
pub struct Batch<T> {
    pub events: Vec<Incoming>,
    pub items: Vec<BatchItem<T>>,
    /// Bytes of the events' raw text: what the batch holds from the memory budget.
    bytes: usize,
}

impl<T> Batch<T> {
    fn new() -> Batch<T> {
        Batch {
            events: Vec::new(),
            items: Vec::new(),
            bytes: 0,
        }
    }

    /// Adds an event to ingest; `tag` is answered once it is committed.
    pub fn event(&mut self, event: Incoming, tag: T) {
        self.bytes += event.raw.len();
        self.events.push(event);
        self.items.push(BatchItem::Event(tag));
    }

    /// Adds a frame that needs an answer but nothing stored, in order with the events.
    pub fn control(&mut self, tag: T) {
        self.items.push(BatchItem::Control(tag));
    }
}

pub enum BatchItem<T> {
    Event(T),
    Control(T),
}

/// What to do after a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// Answer what is in flight, then close.
    Close,
}

/// Why a connection ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseReason {
    PeerClosed,
    Shutdown,
    Idle,
    Framing(FramingError),
    /// The connection broke (reset, I/O error): nothing wrong with what it sent.
    Broken(std::io::ErrorKind),
    /// The client did not read its answers within the write timeout.
    WriteTimeout,
    Protocol,
    /// The store can take no more writes (see `StoreError::is_fatal`): reading on would only
    /// take events from the sender that cannot be stored.
    StoreFailed,
}

impl CloseReason {
    fn from_read_error(e: StreamError) -> CloseReason {
        match e {
            StreamError::Io(e) => CloseReason::Broken(e.kind()),
            StreamError::Framing(e) => CloseReason::Framing(e),
        }
    }
}

/// What differs between stream protocols.
pub trait StreamProtocol: Send + 'static {
    type Decoder: Decoder<Error = StreamError> + Send + 'static;
    type Tag: Send + 'static;

    fn decoder(&self) -> Self::Decoder;
    /// Handles one decoded frame, adding to `batch` what it carries.
    fn on_frame(&mut self, frame: <Self::Decoder as Decoder>::Item, batch: &mut Batch<Self::Tag>) -> Flow;
    /// A batch's outcome, in frame order: `ids` holds one ID per event when committed.
    fn on_committed(
        &mut self,
        items: Vec<BatchItem<Self::Tag>>,
        result: Result<Vec<Uuid>, PipelineError>,
        out: &mut BytesMut,
    );
    /// The connection is about to close; last words (e.g. RELP `serverclose`) go in `out`.
    fn on_close(&mut self, reason: &CloseReason, out: &mut BytesMut);
}

#[derive(Debug, Clone)]
pub struct StreamSettings {
    pub protocol: Protocol,
    pub max_batch_events: usize,
    pub max_inflight_batches: usize,
    pub idle_timeout: Duration,
    pub write_timeout: Duration,
    /// Bytes read and not yet answered, per connection.
    pub max_buffered_bytes: usize,
    pub budget: Arc<MemoryBudget>,
}

impl StreamSettings {
    /// A batch stops growing at its share of the connection's bytes (at least one frame).
    fn max_batch_bytes(&self) -> usize {
        (self.max_buffered_bytes / self.max_inflight_batches.max(1)).max(MIN_BATCH_BYTES)
    }
}

/// A connection quiet this long gives its empty read buffer back: thousands of idle senders
/// should cost the node their TLS state, not a read buffer each.
const PARK_AFTER: Duration = Duration::from_secs(1);

/// The smallest byte cap of a batch: enough for a few typical messages whatever the settings.
const MIN_BATCH_BYTES: usize = 64 * 1024;

/// A batch's answer items, its commit outcome and the bytes it held.
type Committed<T> = (Vec<BatchItem<T>>, Result<Vec<Uuid>, PipelineError>, usize);
type Inflight<T> = FuturesOrdered<futures_util::future::BoxFuture<'static, Committed<T>>>;

/// Runs one connection to its end, keeping the listener's connection and framing-error counts.
pub async fn run_counted<P: StreamProtocol, S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    peer: SocketAddr,
    protocol: P,
    pipeline: Arc<Pipeline>,
    settings: StreamSettings,
    shutdown: CancellationToken,
    stats: &ListenerStats,
) -> CloseReason {
    ListenerStats::add(&stats.connections, 1);
    let reason = run(stream, peer, protocol, pipeline, settings, shutdown).await;
    match &reason {
        CloseReason::Framing(error) => {
            ListenerStats::add(&stats.framing_errors, 1);
            if let Some(suppressed) = stats.close_log.admit() {
                tracing::warn!(%peer, %error, suppressed, "Closed a connection whose stream cannot be decoded.");
            }
        }
        CloseReason::Broken(kind) => {
            ListenerStats::add(&stats.broken, 1);
            tracing::debug!(%peer, %kind, "Connection broken.");
        }
        CloseReason::WriteTimeout => {
            ListenerStats::add(&stats.write_timeouts, 1);
            if let Some(suppressed) = stats.close_log.admit() {
                tracing::warn!(%peer, suppressed, "Closed a connection that did not read its answers in time.");
            }
        }
        _ => {}
    }
    reason
}

/// Runs one connection to its end. `stream` is any byte stream (a listener's `ClientStream`, a
/// test's `tokio::io::duplex`); the loop is compiled for each, so the listeners pay nothing for it.
pub async fn run<P: StreamProtocol, S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    peer: SocketAddr,
    mut protocol: P,
    pipeline: Arc<Pipeline>,
    settings: StreamSettings,
    shutdown: CancellationToken,
) -> CloseReason {
    let (reader, mut writer) = tokio::io::split(stream);
    let mut frames = FramedRead::new(UncleanCloseIsEof(reader), protocol.decoder());
    let mut inflight: Inflight<P::Tag> = FuturesOrdered::new();
    let mut inflight_bytes = 0usize;
    // A batch read but not yet launched, waiting for room in the node's memory budget.
    let mut waiting: Option<BoxFuture<'static, (Batch<P::Tag>, Reservation)>> = None;
    let mut out = BytesMut::new();
    let mut closing: Option<CloseReason> = None;
    // After a failed or timed-out write nothing more is written; what was read still commits.
    let mut writable = true;
    let max_batch_bytes = settings.max_batch_bytes();
    let idle = tokio::time::sleep(settings.idle_timeout);
    tokio::pin!(idle);
    let park = tokio::time::sleep(PARK_AFTER);
    tokio::pin!(park);
    let mut parked = false;

    loop {
        if closing.is_some() && inflight.is_empty() && waiting.is_none() {
            break;
        }
        let can_read = closing.is_none()
            && waiting.is_none()
            && inflight.len() < settings.max_inflight_batches
            && inflight_bytes < settings.max_buffered_bytes;
        tokio::select! {
            biased;
            Some(done) = inflight.next(), if !inflight.is_empty() => {
                let (items, result, bytes): Committed<P::Tag> = done;
                inflight_bytes -= bytes;
                let mut fatal = result.as_ref().is_err_and(PipelineError::is_fatal);
                protocol.on_committed(items, result, &mut out);
                // Answers of other batches that are done too go out in the same write.
                while let Some(Some((items, result, bytes))) = inflight.next().now_or_never() {
                    inflight_bytes -= bytes;
                    fatal |= result.as_ref().is_err_and(PipelineError::is_fatal);
                    protocol.on_committed(items, result, &mut out);
                }
                if fatal {
                    closing.get_or_insert(CloseReason::StoreFailed);
                }
                if writable && !out.is_empty() {
                    if let Err(reason) = write_within(&mut writer, &out, settings.write_timeout).await {
                        writable = false;
                        closing.get_or_insert(reason);
                    }
                }
                out.clear();
            }
            (batch, reservation) = async { waiting.as_mut().expect("guarded by is_some").await }, if waiting.is_some() => {
                waiting = None;
                inflight_bytes += batch.bytes;
                launch(&mut inflight, batch, reservation, &pipeline, &settings, &shutdown, peer);
            }
            _ = shutdown.cancelled(), if closing.is_none() => {
                // Stop reading; every frame already read gets committed and answered, in
                // batches of the usual size (the read buffer may hold more than one).
                loop {
                    let (batch, flow) = drain_buffered(&mut frames, &mut protocol, settings.max_batch_events);
                    let full = batch.events.len() >= settings.max_batch_events;
                    inflight_bytes += batch.bytes;
                    // Already in memory: counted if the budget has room, never waited for.
                    let reservation = settings.budget.try_reserve(batch.bytes).unwrap_or_default();
                    launch(&mut inflight, batch, reservation, &pipeline, &settings, &shutdown, peer);
                    if !full || flow == Flow::Close {
                        break;
                    }
                }
                closing = Some(CloseReason::Shutdown);
            }
            frame = frames.next(), if can_read => {
                let now = tokio::time::Instant::now();
                idle.as_mut().reset(now + settings.idle_timeout);
                park.as_mut().reset(now + PARK_AFTER);
                parked = false;
                let mut batch = Batch::new();
                let mut flow = Flow::Continue;
                match frame {
                    None => { closing = Some(CloseReason::PeerClosed); }
                    Some(Err(e)) => { closing = Some(CloseReason::from_read_error(e)); }
                    Some(Ok(f)) => {
                        flow = protocol.on_frame(f, &mut batch);
                        // Everything already readable joins this batch, up to its caps.
                        while flow == Flow::Continue
                            && batch.events.len() < settings.max_batch_events
                            && batch.bytes < max_batch_bytes
                        {
                            match frames.next().now_or_never() {
                                Some(Some(Ok(f))) => flow = protocol.on_frame(f, &mut batch),
                                Some(Some(Err(e))) => {
                                    closing = Some(CloseReason::from_read_error(e));
                                    break;
                                }
                                Some(None) => { closing = Some(CloseReason::PeerClosed); break; }
                                None => break,
                            }
                        }
                    }
                }
                if flow == Flow::Close {
                    closing.get_or_insert(CloseReason::Protocol);
                }
                match settings.budget.try_reserve(batch.bytes) {
                    Some(reservation) => {
                        inflight_bytes += batch.bytes;
                        launch(&mut inflight, batch, reservation, &pipeline, &settings, &shutdown, peer);
                    }
                    None => {
                        // The node holds its limit: stop reading until this batch gets its room.
                        let budget = settings.budget.clone();
                        waiting = Some(async move {
                            let reservation = budget.reserve(batch.bytes).await;
                            (batch, reservation)
                        }.boxed());
                    }
                }
            }
            _ = &mut park, if !parked && closing.is_none() => {
                parked = true;
                if frames.read_buffer().is_empty() {
                    // The next read grows a new buffer from nothing, in a few steps.
                    *frames.read_buffer_mut() = BytesMut::new();
                }
            }
            _ = &mut idle, if closing.is_none() && inflight.is_empty() && waiting.is_none() => {
                tracing::debug!(%peer, "Closing an idle connection.");
                closing = Some(CloseReason::Idle);
            }
        }
    }
    let reason = closing.unwrap_or(CloseReason::PeerClosed);
    protocol.on_close(&reason, &mut out);
    if writable && !out.is_empty() {
        let _ = write_within(&mut writer, &out, settings.write_timeout).await;
    }
    let _ = tokio::time::timeout(settings.write_timeout, writer.shutdown()).await;
    reason
}

/// Writes `out` whole, or says why the connection must end.
async fn write_within<S: AsyncWrite>(
    writer: &mut WriteHalf<S>,
    out: &[u8],
    timeout: Duration,
) -> Result<(), CloseReason> {
    match tokio::time::timeout(timeout, writer.write_all(out)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(CloseReason::Broken(e.kind())),
        Err(_) => Err(CloseReason::WriteTimeout),
    }
}

/// Many senders (appliances, Python's `ssl` on `close()`) end TCP without a TLS close_notify;
/// rustls reports that as an error. For these protocols it is an ordinary end of stream: the
/// frames are self-delimiting, so the decoder still tells a complete stream from a truncated one.
pub struct UncleanCloseIsEof<R>(R);

impl<R: AsyncRead + Unpin> AsyncRead for UncleanCloseIsEof<R> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        match Pin::new(&mut self.get_mut().0).poll_read(cx, buf) {
            Poll::Ready(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => Poll::Ready(Ok(())),
            other => other,
        }
    }
}

/// Decodes what is already buffered, without reading the socket again.
fn drain_buffered<P: StreamProtocol, S: AsyncRead>(
    frames: &mut FramedRead<UncleanCloseIsEof<ReadHalf<S>>, P::Decoder>,
    protocol: &mut P,
    max: usize,
) -> (Batch<P::Tag>, Flow) {
    let mut batch = Batch::new();
    let mut flow = Flow::Continue;
    while flow == Flow::Continue && batch.events.len() < max {
        let (decoder, buf) = {
            // FramedRead exposes its decoder and buffer separately; decode from the buffer only.
            let buf = std::mem::take(frames.read_buffer_mut());
            (frames.decoder_mut(), buf)
        };
        let mut buf = buf;
        let frame = decoder.decode(&mut buf);
        *frames.read_buffer_mut() = buf;
        match frame {
            Ok(Some(f)) => flow = protocol.on_frame(f, &mut batch),
            _ => break,
        }
    }
    (batch, flow)
}

fn launch<T: Send + 'static>(
    inflight: &mut Inflight<T>,
    batch: Batch<T>,
    reservation: Reservation,
    pipeline: &Arc<Pipeline>,
    settings: &StreamSettings,
    shutdown: &CancellationToken,
    peer: SocketAddr,
) {
    if batch.items.is_empty() {
        return;
    }
    let (pipeline, shutdown, protocol) = (pipeline.clone(), shutdown.clone(), settings.protocol);
    let bytes = batch.bytes;
    inflight.push_back(
        async move {
            let received_at = chrono::Utc::now();
            let result = if batch.events.is_empty() {
                Ok(Vec::new())
            } else {
                let n = batch.events.len();
                let r = pipeline
                    .ingest_patiently(protocol, received_at, batch.events, &shutdown)
                    .await;
                if let Err(error) = &r {
                    tracing::error!(%peer, %error, events = n, "Events read from the connection could not be stored.");
                }
                r
            };
            drop(reservation);
            (batch.items, result, bytes)
        }
        .boxed(),
    );
}

#[cfg(test)]
mod tests;
