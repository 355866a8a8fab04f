//! Syslog over TLS (RFC 5425, RFC 6587 framing): each message is attributed to an intake by
//! the key in its structured data (`[SEKOIA@53288 intake_key="…"]`), or by the listener's
//! bound intake. Syslog has no acknowledgement: a rejected message is counted and logged.

use super::attribution::Attributor;
use super::stream::{self, Batch, BatchItem, CloseReason, Flow, StreamProtocol, StreamSettings};
use super::ConnectionHandler;
use crate::config::SyslogSettings;
use crate::framing::syslog::{SyslogFrame, SyslogFramer};
use crate::pipeline::{Pipeline, PipelineError};
use crate::registry::RegistryHandle;
use crate::store::Protocol;
use crate::telemetry::{ListenerStats, Rejection};
use bytes::BytesMut;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpStream;
use tokio_rustls::server::TlsStream;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// A connection logs its first rejections in full, then one in this many.
const LOG_FIRST_REJECTIONS: u64 = 5;
const LOG_EVERY_NTH_REJECTION: u64 = 10_000;

#[derive(Clone)]
pub struct SyslogHandler {
    shared: Arc<Shared>,
}

struct Shared {
    attributor: Attributor,
    pipeline: Arc<Pipeline>,
    max_frame_bytes: usize,
    stream: StreamSettings,
    stats: Arc<ListenerStats>,
}

impl SyslogHandler {
    pub fn new(
        registry: Arc<RegistryHandle>,
        pipeline: Arc<Pipeline>,
        settings: &SyslogSettings,
        bound_intake: Option<String>,
        stats: Arc<ListenerStats>,
    ) -> SyslogHandler {
        SyslogHandler {
            shared: Arc::new(Shared {
                attributor: Attributor {
                    registry,
                    sd_id: settings.sd_id.clone(),
                    rfc3164_zone: settings.rfc3164_zone,
                    bound_intake,
                },
                pipeline,
                max_frame_bytes: settings.max_frame_bytes,
                stream: StreamSettings {
                    protocol: Protocol::Syslog,
                    max_batch_events: settings.batch_events,
                    max_inflight_batches: settings.inflight_batches,
                    idle_timeout: settings.idle_timeout,
                },
                stats,
            }),
        }
    }
}

impl ConnectionHandler for SyslogHandler {
    async fn handle(self, stream: TlsStream<TcpStream>, peer: SocketAddr, shutdown: CancellationToken) {
        let connection = SyslogConnection {
            shared: self.shared.clone(),
            peer,
            peer_text: peer.to_string(),
            rejections: 0,
        };
        let shared = self.shared.clone();
        stream::run_counted(
            stream,
            peer,
            connection,
            shared.pipeline.clone(),
            shared.stream.clone(),
            shutdown,
            &shared.stats,
        )
        .await;
    }
}

struct SyslogConnection {
    shared: Arc<Shared>,
    peer: SocketAddr,
    peer_text: String,
    rejections: u64,
}

impl SyslogConnection {
    fn reject(&mut self, why: Rejection, detail: &str) {
        self.shared.stats.reject(why);
        self.rejections += 1;
        if self.rejections <= LOG_FIRST_REJECTIONS || self.rejections.is_multiple_of(LOG_EVERY_NTH_REJECTION) {
            tracing::warn!(peer = %self.peer, reason = why.as_str(), detail, rejections_on_connection = self.rejections, "Syslog message rejected.");
        }
    }
}

impl StreamProtocol for SyslogConnection {
    type Decoder = SyslogFramer;
    type Tag = ();

    fn decoder(&self) -> SyslogFramer {
        SyslogFramer::new(self.shared.max_frame_bytes)
    }

    fn on_frame(&mut self, frame: SyslogFrame, batch: &mut Batch<()>) -> Flow {
        ListenerStats::add(&self.shared.stats.received, 1);
        let bytes = match frame {
            SyslogFrame::Oversized { len } => {
                let detail = format!("{len} bytes, limit {}", self.shared.max_frame_bytes);
                self.reject(Rejection::Oversized, &detail);
                return Flow::Continue;
            }
            SyslogFrame::Message(bytes) => bytes,
        };
        let result = self.shared.attributor.attribute(&bytes, &self.peer_text);
        match result {
            Ok(event) => batch.event(event, ()),
            Err((why, detail)) => self.reject(why, &detail),
        }
        Flow::Continue
    }

    fn on_committed(
        &mut self,
        items: Vec<BatchItem<()>>,
        result: Result<Vec<Uuid>, PipelineError>,
        _out: &mut BytesMut,
    ) {
        let stats = &self.shared.stats;
        match result {
            Ok(ids) => ListenerStats::add(&stats.stored, ids.len() as u64),
            Err(_) => ListenerStats::add(&stats.store_failures, items.len() as u64),
        }
    }

    fn on_close(&mut self, _reason: &CloseReason, _out: &mut BytesMut) {}
}
