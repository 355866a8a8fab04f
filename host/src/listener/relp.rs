//! RELP over TLS (rsyslog's reliable protocol, version 0 as librelp speaks it).
//!
//! Each `syslog` frame carries one syslog message that goes through the same attribution and
//! pipeline as syslog/TLS. Its `rsp 200` is written only once the event's transaction has
//! committed; frames of a connection are in flight together up to the client's window, answers
//! keep frame order, and all answers that are ready go out in one write (the client corks its
//! socket per batch: one write per `rsp` with Nagle would stall it).

use super::attribution::Attributor;
use super::stream::{self, Batch, BatchItem, CloseReason, Flow, StreamProtocol, StreamSettings};
use super::{ClientStream, ConnectionHandler, Node};
use crate::config::{RelpSettings, SyslogSettings};
use crate::event::Protocol;
use crate::framing::relp::{RelpFrame, RelpFramer};
use crate::pipeline::{Pipeline, PipelineError};
use crate::telemetry::log_limit::truncate;
use crate::telemetry::{ListenerStats, Rejection};
use bytes::{BufMut, BytesMut};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// librelp wraps transaction numbers after this one back to 1.
const MAX_TXNR: u32 = 999_999_999;
/// librelp keeps the human-readable text of an `rsp` within 80 characters.
const MAX_RSP_TEXT: usize = 80;

#[derive(Clone)]
pub struct RelpHandler {
    shared: Arc<Shared>,
}

struct Shared {
    attributor: Attributor,
    pipeline: Arc<Pipeline>,
    max_data_bytes: usize,
    stream: StreamSettings,
    stats: Arc<ListenerStats>,
}

impl RelpHandler {
    pub fn new(
        node: &Node,
        relp: &RelpSettings,
        syslog: &SyslogSettings,
        bound_intake: Option<String>,
        stats: Arc<ListenerStats>,
    ) -> RelpHandler {
        RelpHandler {
            shared: Arc::new(Shared {
                attributor: Attributor {
                    registry: node.registry.clone(),
                    sd_id: syslog.sd_id.clone(),
                    rfc3164_zone: syslog.rfc3164_zone,
                    bound_intake,
                },
                pipeline: node.pipeline.clone(),
                max_data_bytes: relp.max_data_bytes,
                stream: StreamSettings {
                    protocol: Protocol::Relp,
                    max_batch_events: relp.batch_events,
                    max_inflight_batches: relp.inflight_batches,
                    idle_timeout: relp.idle_timeout,
                    write_timeout: node.limits.write_timeout,
                    max_buffered_bytes: node.limits.max_connection_buffered_bytes,
                    budget: node.budget.clone(),
                },
                stats,
            }),
        }
    }
}

impl ConnectionHandler for RelpHandler {
    async fn handle(self, stream: ClientStream, peer: SocketAddr, shutdown: CancellationToken) {
        self.session(stream, peer, shutdown).await;
    }
}

impl RelpHandler {
    /// One RELP session over any byte stream (TLS in the listener, `tokio::io::duplex` in tests).
    async fn session<S: AsyncRead + AsyncWrite + Unpin>(
        &self,
        stream: S,
        peer: SocketAddr,
        shutdown: CancellationToken,
    ) -> CloseReason {
        let session = RelpSession {
            shared: self.shared.clone(),
            peer,
            peer_text: peer.to_string(),
            open: false,
            last_txnr: None,
        };
        let shared = &self.shared;
        stream::run_counted(
            stream,
            peer,
            session,
            shared.pipeline.clone(),
            shared.stream.clone(),
            shutdown,
            &shared.stats,
        )
        .await
    }
}

/// What to answer for a frame.
pub enum Reply {
    /// `200 OK` once the event is committed (or an error if the commit failed).
    Ack,
    /// A fixed answer, e.g. `500 unknown command` or the `open` offers.
    Text(String),
    /// An `rsp` with no data: librelp's answer to `close`.
    Empty,
}

pub struct Tag {
    txnr: u32,
    reply: Reply,
}

struct RelpSession {
    shared: Arc<Shared>,
    peer: SocketAddr,
    peer_text: String,
    open: bool,
    last_txnr: Option<u32>,
}

impl RelpSession {
    /// Answered always; logged at the listener's rate, whatever the number of connections.
    fn error(&mut self, batch: &mut Batch<Tag>, txnr: u32, why: Option<Rejection>, reason: &str) {
        if let Some(why) = why {
            self.shared.stats.reject(why);
        }
        if let Some(suppressed) = self.shared.stats.log.admit() {
            tracing::warn!(peer = %self.peer, txnr, reason = %truncate(reason), suppressed, "RELP frame refused.");
        }
        batch.control(Tag {
            txnr,
            reply: Reply::Text(format!("500 {reason}")),
        });
    }

    /// Transaction numbers go up by one from frame to frame (and wrap after 999999999).
    fn check_txnr(&mut self, txnr: u32) -> Result<(), String> {
        let expected = match self.last_txnr {
            None => txnr,
            Some(MAX_TXNR) => 1,
            Some(last) => last + 1,
        };
        if txnr == 0 || txnr > MAX_TXNR || txnr != expected {
            return Err(format!("wrong transaction number {txnr}, expected {expected}"));
        }
        self.last_txnr = Some(txnr);
        Ok(())
    }

    fn open(&mut self, txnr: u32, offers: &[u8], batch: &mut Batch<Tag>) -> Flow {
        if self.open {
            self.error(batch, txnr, None, "session already open");
            return Flow::Close;
        }
        let offers = String::from_utf8_lossy(offers);
        let has_version = offers
            .lines()
            .any(|l| l.split_once('=').is_some_and(|(k, _)| k.trim() == "relp_version"));
        if !has_version {
            self.error(batch, txnr, None, "open without relp_version offer");
            return Flow::Close;
        }
        self.open = true;
        // We speak version 0, which librelp clients offer; they abort on a higher answer.
        let answer = format!(
            "200 OK\nrelp_version=0\nrelp_software=intake-edge,{}\ncommands=syslog",
            env!("CARGO_PKG_VERSION")
        );
        batch.control(Tag {
            txnr,
            reply: Reply::Text(answer),
        });
        Flow::Continue
    }
}

impl StreamProtocol for RelpSession {
    type Decoder = RelpFramer;
    type Tag = Tag;

    fn decoder(&self) -> RelpFramer {
        RelpFramer::new(self.shared.max_data_bytes)
    }

    fn on_frame(&mut self, frame: RelpFrame, batch: &mut Batch<Tag>) -> Flow {
        let (txnr, command, data) = match frame {
            RelpFrame::Oversized { txnr, command, len } => {
                if let Err(reason) = self.check_txnr(txnr) {
                    self.error(batch, txnr, None, &reason);
                    return Flow::Close;
                }
                ListenerStats::add(&self.shared.stats.received, u64::from(command == "syslog"));
                let reason = format!(
                    "{command} frame of {len} bytes, over the limit of {}",
                    self.shared.max_data_bytes
                );
                self.error(batch, txnr, Some(Rejection::Oversized), &reason);
                return Flow::Continue;
            }
            RelpFrame::Frame { txnr, command, data } => (txnr, command, data),
        };
        if let Err(reason) = self.check_txnr(txnr) {
            self.error(batch, txnr, None, &reason);
            return Flow::Close;
        }
        match command.as_str() {
            "open" => self.open(txnr, &data, batch),
            "syslog" if !self.open => {
                self.error(batch, txnr, None, "session not open: send open first");
                Flow::Close
            }
            "syslog" => {
                ListenerStats::add(&self.shared.stats.received, 1);
                match self.shared.attributor.attribute(&data, &self.peer_text) {
                    Ok(event) => batch.event(
                        event,
                        Tag {
                            txnr,
                            reply: Reply::Ack,
                        },
                    ),
                    Err(e) => self.error(batch, txnr, Some(e.rejection()), &e.to_string()),
                }
                Flow::Continue
            }
            "close" => {
                batch.control(Tag {
                    txnr,
                    reply: Reply::Empty,
                });
                Flow::Close
            }
            other => {
                let reason = format!("unknown command {other}");
                self.error(batch, txnr, None, &reason);
                Flow::Continue
            }
        }
    }

    fn on_committed(
        &mut self,
        items: Vec<BatchItem<Tag>>,
        result: Result<Vec<Uuid>, PipelineError>,
        out: &mut BytesMut,
    ) {
        let stats = &self.shared.stats;
        match &result {
            Ok(ids) => ListenerStats::add(&stats.stored, ids.len() as u64),
            Err(_) => {
                let n = items.iter().filter(|i| matches!(i, BatchItem::Event(_))).count();
                ListenerStats::add(&stats.store_failures, n as u64);
            }
        }
        for item in items {
            let tag = match item {
                BatchItem::Event(tag) | BatchItem::Control(tag) => tag,
            };
            match (&tag.reply, &result) {
                (Reply::Ack, Ok(_)) => write_rsp(out, tag.txnr, "200 OK"),
                // Not stored: an error makes the client keep the message and send it again.
                (Reply::Ack, Err(_)) => write_rsp(out, tag.txnr, "500 cannot store the event now, retry"),
                (Reply::Text(text), _) => write_rsp(out, tag.txnr, text),
                (Reply::Empty, _) => write_rsp(out, tag.txnr, ""),
            }
        }
    }

    fn on_close(&mut self, reason: &CloseReason, out: &mut BytesMut) {
        // Tell a live client that the server ends the session (txnr 0: a hint, never answered).
        if matches!(
            reason,
            CloseReason::Shutdown | CloseReason::Idle | CloseReason::Protocol | CloseReason::StoreFailed
        ) {
            out.put_slice(b"0 serverclose 0\n");
        }
    }
}

/// `TXNR rsp DATALEN DATA LF`; the human text of an error stays within librelp's 80 characters.
fn write_rsp(out: &mut BytesMut, txnr: u32, data: &str) {
    let data = shorten(data);
    if data.is_empty() {
        out.put_slice(format!("{txnr} rsp 0\n").as_bytes());
    } else {
        out.put_slice(format!("{txnr} rsp {} {data}\n", data.len()).as_bytes());
    }
}

fn shorten(data: &str) -> &str {
    // Only the first line (code + text) is bounded; the open answer carries offers after it.
    let first_line = data.split('\n').next().unwrap_or("");
    if first_line.len() <= MAX_RSP_TEXT || data.contains('\n') {
        return data;
    }
    let mut end = MAX_RSP_TEXT;
    while !data.is_char_boundary(end) {
        end -= 1;
    }
    &data[..end]
}

#[cfg(test)]
mod tests;
