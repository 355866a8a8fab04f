//! `intake-edge events …`: reads stored events (`get`, `list`) and normalizes an intake's stored
//! events again with its current component (`renormalize`).

use super::load::StoreArgs;
use anyhow::Context;
use clap::{Args, Subcommand};
use intake_edge::runtime::Runtime;
use intake_edge::store::{EventFilter, Reader};
use std::io::Write;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum EventsCommand {
    /// Print one event as JSON.
    Get(GetArgs),
    /// Print events as JSON lines, newest first.
    List(ListArgs),
    /// Run an intake's stored raw events through its current component again and update the
    /// ones whose result changed, keeping their IDs (after a parser fix).
    Renormalize(RenormalizeArgs),
}

#[derive(Args)]
pub struct GetArgs {
    pub id: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args)]
pub struct ListArgs {
    /// Only this intake.
    #[arg(long)]
    pub intake: Option<String>,
    /// Only events in error.
    #[arg(long)]
    pub errors: bool,
    /// Instead of events: the rejection reasons of the last 7 days with their counts, one JSON
    /// line per intake and reason, most frequent first (implies --errors).
    #[arg(long, conflicts_with = "after")]
    pub reasons: bool,
    /// Oldest first, from a cursor: the events whose ID comes after this one (`0`: from the
    /// start). Print the next page with the last ID printed.
    #[arg(long, value_name = "ID", conflicts_with = "errors")]
    pub after: Option<String>,
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args)]
pub struct RenormalizeArgs {
    /// The intake whose events to normalize again (its format in the file decides the component).
    #[arg(long)]
    pub intake: String,
    /// Only events received since then: a datetime (`2026-11-20T00:00:00Z`, `2026-11-20`) or an
    /// age (`90m`, `12h`, `7d`).
    #[arg(long)]
    pub since: Option<String>,
    /// Events per transaction.
    #[arg(long, default_value_t = 4096)]
    pub page: usize,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub fn run(command: EventsCommand) -> anyhow::Result<ExitCode> {
    match command {
        EventsCommand::Get(args) => get(args),
        EventsCommand::List(args) => list(args),
        EventsCommand::Renormalize(args) => renormalize(args),
    }
}

fn get(args: GetArgs) -> anyhow::Result<ExitCode> {
    let config = args.store.source().load()?;
    let id = uuid::Uuid::parse_str(args.id.trim()).with_context(|| format!("{:?} is not a UUID", args.id))?;
    let reader = Reader::open(&config.store_path())?;
    match reader.get(id)? {
        Some(ev) => {
            println!("{}", serde_json::to_string(&ev)?);
            Ok(ExitCode::SUCCESS)
        }
        None => {
            eprintln!("no event {id}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Events read per step of `events list --after`.
const CURSOR_PAGE: usize = 4096;

fn list(args: ListArgs) -> anyhow::Result<ExitCode> {
    let config = args.store.source().load()?;
    if let Some(name) = &args.intake {
        if config.intake(name).is_none() {
            eprintln!(
                "note: {name:?} is not an intake of {} (listing its stored events anyway)",
                config.path.display()
            );
        }
    }
    let reader = Reader::open(&config.store_path())?;
    let mut out = std::io::stdout().lock();
    if args.reasons {
        for (intake, r) in reader.reasons(args.intake.as_deref(), intake_edge::store::today())? {
            let line = serde_json::json!({
                "intake": intake,
                "reason": r.reason,
                "count": r.count,
                "last_day": r.last_day,
            });
            writeln!(out, "{line}")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(after) = &args.after {
        let cursor = match after.as_str() {
            "0" => None,
            id => Some(uuid::Uuid::parse_str(id).with_context(|| format!("--after {id:?} is not an event ID"))?),
        };
        // Page by page, as a forwarder reads: memory stays bounded whatever --limit says.
        let mut cursor = cursor;
        let mut left = args.limit;
        while left > 0 {
            let page = reader.after(cursor, args.intake.as_deref(), left.min(CURSOR_PAGE))?;
            let Some(last) = page.last() else { break };
            cursor = Some(uuid::Uuid::parse_str(&last.id)?);
            left -= page.len();
            for ev in &page {
                writeln!(out, "{}", serde_json::to_string(ev)?)?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let filter = EventFilter {
        intake: args.intake,
        errors_only: args.errors,
        limit: args.limit,
    };
    for ev in reader.list(&filter)? {
        writeln!(out, "{}", serde_json::to_string(&ev)?)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `90m`, `12h`, `7d`, `30s` before `now`, else a datetime the host understands.
fn parse_since(value: &str, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    let value = value.trim();
    let age = value
        .char_indices()
        .last()
        .and_then(|(i, unit)| Some((value[..i].parse::<i64>().ok()?, unit)))
        .and_then(|(n, unit)| match unit {
            's' => chrono::TimeDelta::try_seconds(n),
            'm' => chrono::TimeDelta::try_minutes(n),
            'h' => chrono::TimeDelta::try_hours(n),
            'd' => chrono::TimeDelta::try_days(n),
            _ => None,
        });
    if let Some(age) = age {
        return now
            .checked_sub_signed(age)
            .with_context(|| format!("--since {value:?} is too far back"));
    }
    intake_edge::timeparse::parse_datetime(value, now)
        .with_context(|| format!("--since {value:?} is neither a datetime nor an age such as 12h or 7d"))
}

fn renormalize(args: RenormalizeArgs) -> anyhow::Result<ExitCode> {
    let config = args.store.source().load()?;
    let intake = config
        .intake(&args.intake)
        .with_context(|| format!("no intake named {:?} in {}", args.intake, config.path.display()))?;
    let spec = config
        .formats
        .get(&intake.format)
        .with_context(|| format!("intake {:?} names an unknown format {:?}", intake.name, intake.format))?;
    let since = args
        .since
        .as_deref()
        .map(|s| parse_since(s, chrono::Utc::now()))
        .transpose()?;
    // All the configured workers: a whole intake's history may pass through them.
    let runtime = Runtime::start(&config.runtime, config.store.enqueue_timeout)?;
    let format = runtime.load_format(spec, None)?;
    let scope = intake_edge::renormalize::Scope {
        intake: &intake.name,
        format_name: &intake.format,
        since,
        page: args.page,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let started = std::time::Instant::now();
    let report = rt.block_on(intake_edge::renormalize::run(
        &runtime,
        format,
        &config.store_path(),
        &scope,
        |r| tracing::debug!(scanned = r.scanned, rewritten = r.rewritten, "Renormalizing."),
    ))?;
    runtime.shutdown();
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        let mut out = serde_json::to_value(&report)?;
        out["intake"] = serde_json::Value::from(intake.name.clone());
        out["format"] = serde_json::Value::from(intake.format.clone());
        out["seconds"] = serde_json::Value::from((seconds * 1000.0).round() / 1000.0);
        println!("{out}");
    } else {
        println!(
            "{}: {} events read, {} rewritten ({} fixed, {} now rejected), {} in error, {seconds:.1} s",
            intake.name, report.scanned, report.rewritten, report.fixed, report.now_rejected, report.errors
        );
        if report.unreadable > 0 {
            println!(
                "{} stored events cannot be read back and were left as they are{}:",
                report.unreadable,
                if report.unreadable > report.unreadable_rows.len() as u64 {
                    format!(" (the first {})", report.unreadable_rows.len())
                } else {
                    String::new()
                }
            );
            for row in &report.unreadable_rows {
                println!("  {}: {}", row.id, row.reason);
            }
        }
    }
    // Exit 1 when rows were left unread: the run did not cover everything it was asked to.
    Ok(if report.unreadable > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_takes_ages_and_datetimes() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z")
            .map(|t| t.to_utc())
            .expect("valid");
        let at = |s: &str| parse_since(s, now).map(|t| t.to_rfc3339());
        assert_eq!(at("12h").ok().as_deref(), Some("2026-11-23T00:00:00+00:00"));
        assert_eq!(at("7d").ok().as_deref(), Some("2026-11-16T12:00:00+00:00"));
        assert_eq!(at("90m").ok().as_deref(), Some("2026-11-23T10:30:00+00:00"));
        assert_eq!(at("2026-11-20").ok().as_deref(), Some("2026-11-20T00:00:00+00:00"));
        assert!(at("soon").is_err());
        assert!(at("12x").is_err());
    }
}
