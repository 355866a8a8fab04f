//! Syslog over TLS (RFC 5425, RFC 6587 framing): each message is attributed to an intake by
//! the key in its structured data (`[SEKOIA@53288 intake_key="…"]`), or by the listener's
//! bound intake. Syslog has no acknowledgement: a rejected message is counted and logged.

use super::attribution::Attributor;
use super::stream::{self, Batch, BatchItem, CloseReason, Flow, StreamProtocol, StreamSettings};
use super::{ClientStream, ConnectionHandler, Node};
use crate::config::SyslogSettings;
use crate::event::Protocol;
use crate::framing::syslog::{SyslogFrame, SyslogFramer};
use crate::pipeline::{Pipeline, PipelineError};
use crate::telemetry::log_limit::truncate;
use crate::telemetry::{ListenerStats, Rejection};
use bytes::BytesMut;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

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
        node: &Node,
        settings: &SyslogSettings,
        bound_intake: Option<String>,
        stats: Arc<ListenerStats>,
    ) -> SyslogHandler {
        SyslogHandler {
            shared: Arc::new(Shared {
                attributor: Attributor {
                    registry: node.registry.clone(),
                    sd_id: settings.sd_id.clone(),
                    rfc3164_zone: settings.rfc3164_zone,
                    bound_intake,
                },
                pipeline: node.pipeline.clone(),
                max_frame_bytes: settings.max_frame_bytes,
                stream: StreamSettings {
                    protocol: Protocol::Syslog,
                    max_batch_events: settings.batch_events,
                    max_inflight_batches: settings.inflight_batches,
                    idle_timeout: settings.idle_timeout,
                    write_timeout: node.limits.write_timeout,
                    max_buffered_bytes: node.limits.max_connection_buffered_bytes,
                    budget: node.budget.clone(),
                },
                stats,
            }),
        }
    }
}

impl ConnectionHandler for SyslogHandler {
    async fn handle(self, stream: ClientStream, peer: SocketAddr, shutdown: CancellationToken) {
        let connection = SyslogConnection {
            shared: self.shared.clone(),
            peer,
            peer_text: peer.to_string(),
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
}

impl SyslogConnection {
    /// Counted always; logged at the listener's rate, whatever the number of connections. The
    /// detail is only formatted for a line that is logged.
    fn reject(&mut self, why: Rejection, detail: &dyn std::fmt::Display) {
        self.shared.stats.reject(why);
        if let Some(suppressed) = self.shared.stats.log.admit() {
            let detail = detail.to_string();
            tracing::warn!(peer = %self.peer, reason = why.as_str(), detail = %truncate(&detail), suppressed, "Syslog message rejected.");
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
                let limit = self.shared.max_frame_bytes;
                self.reject(Rejection::Oversized, &format_args!("{len} bytes, limit {limit}"));
                return Flow::Continue;
            }
            SyslogFrame::Message(bytes) => bytes,
        };
        let result = self.shared.attributor.attribute(&bytes, &self.peer_text);
        match result {
            Ok(event) => batch.event(event, ()),
            Err(e) => self.reject(e.rejection(), &e),
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
