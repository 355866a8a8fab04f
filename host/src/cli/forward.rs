//! `intake-edge forward status`: where each `[[forward]]` destination stands.

use super::load::StoreArgs;
use clap::Subcommand;
use intake_edge::config::{Destination, UpstreamEndpoint};
use intake_edge::store::Reader;
use serde::Serialize;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ForwardCommand {
    /// One JSON line per destination: its cursor, its lag in events and seconds, its last error.
    Status(StoreArgs),
}

pub fn run(command: ForwardCommand) -> anyhow::Result<ExitCode> {
    match command {
        ForwardCommand::Status(args) => status(&args),
    }
}

/// A destination's state as `forward status` prints it.
#[derive(Serialize)]
struct Status {
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    destination: String,
    /// The last block (commit order) acknowledged, and the last one stored.
    cursor: i64,
    stored: i64,
    forwarded: u64,
    lag_events: u64,
    lag_seconds: f64,
    updated_at: Option<String>,
    last_error: Option<String>,
}

fn status(args: &StoreArgs) -> anyhow::Result<ExitCode> {
    let config = args.source().load()?;
    let reader = Reader::open(&config.store_path())?;
    let stored = reader.last_seq()?;
    let now_us = chrono::Utc::now().timestamp_micros();
    for spec in &config.forwards {
        let cursor = reader.cursor(&spec.name)?;
        let backlog = reader.backlog(cursor.seq)?;
        let (kind, destination) = match &spec.destination {
            Destination::Nats { urls, stream, .. } => {
                let urls: Vec<String> = urls.iter().map(|u| intake_edge::forward::redacted(u)).collect();
                ("nats", format!("{} stream {stream}", urls.join(",")))
            }
            Destination::Https { url, endpoint, .. } => {
                let path = match endpoint {
                    UpstreamEndpoint::Batch => "/batch",
                    UpstreamEndpoint::Jsons => "/jsons",
                    UpstreamEndpoint::Plain => "/plain/batch",
                };
                ("https", format!("{}{path}", intake_edge::forward::redacted(url)))
            }
        };
        let status = Status {
            name: spec.name.clone(),
            kind,
            destination,
            cursor: cursor.seq,
            stored,
            forwarded: cursor.forwarded,
            lag_events: backlog.events,
            lag_seconds: backlog
                .oldest_us
                .map_or(0.0, |t| (now_us.saturating_sub(t).max(0) as f64) / 1e6),
            updated_at: (cursor.updated_at_us > 0)
                .then(|| chrono::DateTime::from_timestamp_micros(cursor.updated_at_us))
                .flatten()
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            last_error: cursor.last_error,
        };
        println!("{}", serde_json::to_string(&status)?);
    }
    if config.forwards.is_empty() {
        eprintln!("no [[forward]] destination in {}", config.path.display());
    }
    Ok(ExitCode::SUCCESS)
}
