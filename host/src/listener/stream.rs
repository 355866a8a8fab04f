//! The one connection loop of the stream protocols (syslog, RELP): frames in, batches through
//! the pipeline, answers out in order.
//!
//! Frames already buffered are grouped into one batch (a component call and a commit have a
//! fixed cost); a bounded number of batches per connection are in flight at once, and when
//! that many wait for the store the connection stops reading, so a slow disk slows the sender
//! through TCP instead of growing memory. Answers (RELP `rsp`) are produced in frame order and
//! all answers that are ready go out in one write.

use crate::framing::FramingError;
use crate::pipeline::{Incoming, Pipeline, PipelineError};
use crate::store::Protocol;
use crate::telemetry::ListenerStats;
use bytes::BytesMut;
use futures_util::stream::{FuturesOrdered, StreamExt};
use futures_util::FutureExt;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWriteExt, ReadBuf, ReadHalf};
use tokio::net::TcpStream;
use tokio_rustls::server::TlsStream;
use tokio_util::codec::{Decoder, FramedRead};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Frames of one batch: the events to ingest and, in frame order, what to answer for each.
pub struct Batch<T> {
    pub events: Vec<Incoming>,
    pub items: Vec<BatchItem<T>>,
}

impl<T> Batch<T> {
    fn new() -> Batch<T> {
        Batch {
            events: Vec::new(),
            items: Vec::new(),
        }
    }

    /// Adds an event to ingest; `tag` is answered once it is committed.
    pub fn event(&mut self, event: Incoming, tag: T) {
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
    Protocol,
    /// The store can take no more writes (see `StoreError::is_fatal`): reading on would only
    /// take events from the sender that cannot be stored.
    StoreFailed,
}

/// What differs between stream protocols.
pub trait StreamProtocol: Send + 'static {
    type Decoder: Decoder<Error = FramingError> + Send + 'static;
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
}

type Committed<T> = (Vec<BatchItem<T>>, Result<Vec<Uuid>, PipelineError>);

/// Runs one connection to its end, keeping the listener's connection and framing-error counts.
pub async fn run_counted<P: StreamProtocol>(
    stream: TlsStream<TcpStream>,
    peer: SocketAddr,
    protocol: P,
    pipeline: Arc<Pipeline>,
    settings: StreamSettings,
    shutdown: CancellationToken,
    stats: &ListenerStats,
) -> CloseReason {
    ListenerStats::add(&stats.connections, 1);
    let reason = run(stream, peer, protocol, pipeline, settings, shutdown).await;
    if let CloseReason::Framing(_) = reason {
        ListenerStats::add(&stats.framing_errors, 1);
    }
    reason
}

/// Runs one connection to its end.
pub async fn run<P: StreamProtocol>(
    stream: TlsStream<TcpStream>,
    peer: SocketAddr,
    mut protocol: P,
    pipeline: Arc<Pipeline>,
    settings: StreamSettings,
    shutdown: CancellationToken,
) -> CloseReason {
    let (reader, mut writer) = tokio::io::split(stream);
    let mut frames = FramedRead::new(UncleanCloseIsEof(reader), protocol.decoder());
    let mut inflight = FuturesOrdered::new();
    let mut out = BytesMut::new();
    let mut closing: Option<CloseReason> = None;
    let idle = tokio::time::sleep(settings.idle_timeout);
    tokio::pin!(idle);

    loop {
        if closing.is_some() && inflight.is_empty() {
            break;
        }
        let can_read = closing.is_none() && inflight.len() < settings.max_inflight_batches;
        tokio::select! {
            biased;
            Some(done) = inflight.next(), if !inflight.is_empty() => {
                let (items, result): Committed<P::Tag> = done;
                let mut fatal = result.as_ref().is_err_and(PipelineError::is_fatal);
                protocol.on_committed(items, result, &mut out);
                // Answers of other batches that are done too go out in the same write.
                while let Some(Some((items, result))) = inflight.next().now_or_never() {
                    fatal |= result.as_ref().is_err_and(PipelineError::is_fatal);
                    protocol.on_committed(items, result, &mut out);
                }
                if fatal {
                    closing.get_or_insert(CloseReason::StoreFailed);
                }
                if !out.is_empty() && writer.write_all(&out).await.is_err() {
                    closing.get_or_insert(CloseReason::PeerClosed);
                    out.clear();
                }
                out.clear();
            }
            _ = shutdown.cancelled(), if closing.is_none() => {
                // Stop reading; what was already read gets committed and answered.
                let (batch, _) = drain_buffered(&mut frames, &mut protocol, settings.max_batch_events);
                launch(&mut inflight, batch, &pipeline, &settings, &shutdown, peer);
                closing = Some(CloseReason::Shutdown);
            }
            frame = frames.next(), if can_read => {
                idle.as_mut().reset(tokio::time::Instant::now() + settings.idle_timeout);
                let mut batch = Batch::new();
                let mut flow = Flow::Continue;
                match frame {
                    None => { closing = Some(CloseReason::PeerClosed); }
                    Some(Err(e)) => {
                        tracing::warn!(%peer, error = %e, "Closing the connection: the stream cannot be decoded.");
                        closing = Some(CloseReason::Framing(e));
                    }
                    Some(Ok(f)) => {
                        flow = protocol.on_frame(f, &mut batch);
                        // Everything already readable joins this batch.
                        while flow == Flow::Continue && batch.events.len() < settings.max_batch_events {
                            match frames.next().now_or_never() {
                                Some(Some(Ok(f))) => flow = protocol.on_frame(f, &mut batch),
                                Some(Some(Err(e))) => {
                                    tracing::warn!(%peer, error = %e, "Closing the connection: the stream cannot be decoded.");
                                    closing = Some(CloseReason::Framing(e));
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
                launch(&mut inflight, batch, &pipeline, &settings, &shutdown, peer);
            }
            _ = &mut idle, if closing.is_none() && inflight.is_empty() => {
                tracing::debug!(%peer, "Closing an idle connection.");
                closing = Some(CloseReason::Idle);
            }
        }
    }
    let reason = closing.unwrap_or(CloseReason::PeerClosed);
    protocol.on_close(&reason, &mut out);
    if !out.is_empty() {
        let _ = writer.write_all(&out).await;
    }
    let _ = writer.shutdown().await;
    reason
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
fn drain_buffered<P: StreamProtocol>(
    frames: &mut FramedRead<UncleanCloseIsEof<ReadHalf<TlsStream<TcpStream>>>, P::Decoder>,
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
    inflight: &mut FuturesOrdered<futures_util::future::BoxFuture<'static, Committed<T>>>,
    batch: Batch<T>,
    pipeline: &Arc<Pipeline>,
    settings: &StreamSettings,
    shutdown: &CancellationToken,
    peer: SocketAddr,
) {
    if batch.items.is_empty() {
        return;
    }
    let (pipeline, shutdown, protocol) = (pipeline.clone(), shutdown.clone(), settings.protocol);
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
            (batch.items, result)
        }
        .boxed(),
    );
}
