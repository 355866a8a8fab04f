//! NATS JetStream as a destination: one message per event on the intake's subject, with
//! `Nats-Msg-Id` set to the event ID so that the stream drops what a retry sends twice.

use super::ForwardError;
use crate::config::{Destination, ForwardSpec};
use async_nats::jetstream::{self, context::PublishAckFuture, stream};
use std::future::IntoFuture;
use std::time::Duration;

/// The stream's acknowledgement of one message, to await later.
pub type Ack = <PublishAckFuture as IntoFuture>::IntoFuture;

/// A connected JetStream context and the subject template.
pub struct Publisher {
    context: jetstream::Context,
    subject: String,
}

impl Publisher {
    /// Connects to the first reachable server of the spec and makes sure its stream exists
    /// (creating it unless `create_stream = false`).
    pub async fn connect(spec: &ForwardSpec) -> Result<Publisher, ForwardError> {
        let Destination::Nats {
            urls,
            stream,
            subject,
            create_stream,
            duplicate_window,
            replicas,
        } = &spec.destination
        else {
            return Err(ForwardError::Connect {
                destination: spec.name.clone(),
                reason: "not a NATS destination".into(),
            });
        };
        let destination = urls.iter().map(|u| super::redacted(u)).collect::<Vec<_>>().join(",");
        let client = async_nats::ConnectOptions::new()
            .name(format!("intake-edge forward {}", spec.name))
            .connection_timeout(Duration::from_secs(5))
            .connect(urls.as_slice())
            .await
            .map_err(|e| ForwardError::Connect {
                destination: destination.clone(),
                reason: e.to_string(),
            })?;
        // Publishing waits (instead of failing) when this many acknowledgements are pending.
        let context = jetstream::ContextBuilder::new()
            .max_ack_inflight(spec.max_in_flight.max(1))
            .backpressure_on_inflight(true)
            .timeout(Duration::from_secs(10))
            .build(client);
        let stream_err = |e: &dyn std::fmt::Display| ForwardError::Stream {
            stream: stream.clone(),
            reason: e.to_string(),
        };
        if *create_stream {
            context
                .get_or_create_stream(stream::Config {
                    name: stream.clone(),
                    subjects: vec![super::stream_subject(subject)],
                    duplicate_window: *duplicate_window,
                    num_replicas: *replicas,
                    ..Default::default()
                })
                .await
                .map_err(|e| stream_err(&e))?;
        } else {
            context.get_stream(stream).await.map_err(|e| stream_err(&e))?;
        }
        Ok(Publisher {
            context,
            subject: subject.clone(),
        })
    }

    /// The subject of an event of `intake`.
    pub fn subject(&self, intake: &str, entity: &str, format: &str) -> String {
        super::subject(&self.subject, intake, entity, format)
    }

    /// Sends one event; the returned future resolves with the stream's acknowledgement.
    pub async fn publish(&self, subject: String, id: &str, payload: bytes::Bytes) -> Result<Ack, ForwardError> {
        let mut headers = async_nats::HeaderMap::new();
        headers.insert("Nats-Msg-Id", id);
        self.context
            .publish_with_headers(subject, headers, payload)
            .await
            .map(IntoFuture::into_future)
            .map_err(|e| ForwardError::Publish(e.to_string()))
    }
}
