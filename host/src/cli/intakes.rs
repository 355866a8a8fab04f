//! `intake-edge intakes …`: edits `intakes.toml` in place, keeping its comments and layout
//! (`registry::edit`); every edit is validated as a whole file, then written atomically. A
//! running server applies it on its next reload. Counts come from the store, if there is one.

use super::load::{ConfigArg, StoreArgs};
use anyhow::bail;
use clap::{Args, Subcommand};
use intake_edge::config::{Config, Intake};
use intake_edge::registry::edit::{self, NewIntake};
use intake_edge::registry::file::edit_file;
use intake_edge::registry::keys::generate_key;
use intake_edge::store::{self, IntakeStats, Reader};
use serde_json::json;
use std::io::Write;
use std::process::ExitCode;

const RELOAD_NOTE: &str = "a running server applies it when it reloads the file (SIGHUP)";

#[derive(Subcommand)]
pub enum IntakesCommand {
    /// Add an intake with a new random key; prints the key.
    Add(IntakesAddArgs),
    /// List the intakes with their events of the last 7 days (keys are not shown).
    List(IntakesListArgs),
    /// Everything about one intake, its key included, and its events per day for 7 days.
    Show(IntakesShowArgs),
    /// Remove an intake (its stored events stay).
    Remove(IntakesNameArgs),
    /// Give an intake a new random key; prints it. The old key stops working on reload.
    RotateKey(IntakesNameArgs),
}

#[derive(Args)]
pub struct IntakesAddArgs {
    /// Letters, digits, '-', '_' and '.'; unused in the file.
    #[arg(long)]
    pub name: String,
    /// A format of the file's `[formats]`.
    #[arg(long)]
    pub format: String,
    #[arg(long)]
    pub entity: String,
    /// Recorded in the file (default: $USER, else "unknown").
    #[arg(long)]
    pub created_by: Option<String>,
    /// Print a JSON object instead of the key alone.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub config: ConfigArg,
}

#[derive(Args)]
pub struct IntakesListArgs {
    /// JSON lines.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args)]
pub struct IntakesShowArgs {
    pub name: String,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args)]
pub struct IntakesNameArgs {
    pub name: String,
    /// Print a JSON object.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub config: ConfigArg,
}

pub fn run(command: IntakesCommand) -> anyhow::Result<ExitCode> {
    match command {
        IntakesCommand::Add(args) => add(args),
        IntakesCommand::List(args) => list(args),
        IntakesCommand::Show(args) => show(args),
        IntakesCommand::Remove(args) => remove(args),
        IntakesCommand::RotateKey(args) => rotate_key(args),
    }
}

fn add(args: IntakesAddArgs) -> anyhow::Result<ExitCode> {
    let path = &args.config.config;
    let key = generate_key()?;
    let created_by = args
        .created_by
        .or_else(|| std::env::var("USER").ok())
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "unknown".into());
    let created_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let new = NewIntake {
        name: &args.name,
        format: &args.format,
        entity: &args.entity,
        key: &key,
        created_by: &created_by,
        created_at: &created_at,
    };
    edit_file(path, |doc| edit::add(doc, &new))?;
    if args.json {
        let out = json!({
            "name": args.name,
            "key": key,
            "format": args.format,
            "entity": args.entity,
            "created_by": created_by,
            "created_at": created_at,
            "config": path.display().to_string(),
        });
        println!("{out}");
    } else {
        println!("{key}");
        eprintln!(
            "Added intake {:?} (format {}, entity {}) to {}; {RELOAD_NOTE}. Its key is above.",
            args.name,
            args.format,
            args.entity,
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn remove(args: IntakesNameArgs) -> anyhow::Result<ExitCode> {
    let path = &args.config.config;
    edit_file(path, |doc| edit::remove(doc, &args.name))?;
    if args.json {
        println!("{}", json!({"name": args.name, "removed": true}));
    }
    eprintln!(
        "Removed intake {:?} from {}; {RELOAD_NOTE}. Its stored events stay.",
        args.name,
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn rotate_key(args: IntakesNameArgs) -> anyhow::Result<ExitCode> {
    let path = &args.config.config;
    let key = generate_key()?;
    edit_file(path, |doc| edit::set_key(doc, &args.name, &key))?;
    if args.json {
        println!("{}", json!({"name": args.name, "key": key}));
    } else {
        println!("{key}");
        eprintln!(
            "New key for intake {:?} in {}; {RELOAD_NOTE}, and the old key stops working then.",
            args.name,
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn list(args: IntakesListArgs) -> anyhow::Result<ExitCode> {
    let config = args.store.source().load()?;
    let counts = Counts::open(&config)?;
    let mut rows = Vec::with_capacity(config.intakes.len());
    for intake in &config.intakes {
        let stats = counts.stats(&intake.name)?;
        rows.push((intake, stats.events, stats.errors));
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        for (i, events, errors) in rows {
            let line = json!({
                "name": i.name,
                "format": i.format,
                "entity": i.entity,
                "events_7d": events,
                "errors_7d": errors,
                "created_by": i.created_by,
                "created_at": i.created_at,
            });
            writeln!(out, "{line}")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let header = [
        "NAME",
        "FORMAT",
        "ENTITY",
        "EVENTS_7D",
        "ERRORS_7D",
        "CREATED_BY",
        "CREATED_AT",
    ]
    .map(String::from);
    let mut table = vec![header];
    for (i, events, errors) in rows {
        table.push([
            i.name.clone(),
            i.format.clone(),
            i.entity.clone(),
            events.to_string(),
            errors.to_string(),
            i.created_by.clone().unwrap_or_else(|| "-".into()),
            i.created_at.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|c| table.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    for row in &table {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(s, w)| format!("{s:<w$}")).collect();
        writeln!(out, "{}", cells.join("  ").trim_end())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn show(args: IntakesShowArgs) -> anyhow::Result<ExitCode> {
    let config = args.store.source().load()?;
    let Some(intake) = config.intake(&args.name) else {
        bail!("no intake named {:?} in {}", args.name, config.path.display());
    };
    let stats = Counts::open(&config)?.stats(&intake.name)?;
    if args.json {
        let out = json!({
            "name": intake.name,
            "format": intake.format,
            "entity": intake.entity,
            "key": intake.key.expose(),
            "created_by": intake.created_by,
            "created_at": intake.created_at,
            "events_7d": stats.events,
            "errors_7d": stats.errors,
            "days": stats.days,
            "reasons": stats.reasons,
            "poll": intake_edge::poll::status_json(intake, &config.store_path()),
        });
        println!("{out}");
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    let Intake {
        name,
        format,
        entity,
        key,
        created_by,
        created_at,
        poll: _,
    } = intake;
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    writeln!(out, "name:        {name}")?;
    writeln!(out, "format:      {format}")?;
    writeln!(out, "entity:      {entity}")?;
    writeln!(out, "key:         {}", key.expose())?;
    writeln!(out, "created_by:  {}", dash(created_by))?;
    writeln!(out, "created_at:  {}", dash(created_at))?;
    if let Some(poll) = intake_edge::poll::status_json(intake, &config.store_path()) {
        writeln!(out, "poll:")?;
        if let Some(fields) = poll.as_object() {
            for (k, v) in fields {
                let v = match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => "-".into(),
                    other => other.to_string(),
                };
                writeln!(out, "  {k:<17} {v}")?;
            }
        }
    }
    writeln!(out, "last 7 days: {} events, {} errors", stats.events, stats.errors)?;
    for d in &stats.days {
        writeln!(out, "  {}  events {:>10}  errors {:>10}", d.day, d.events, d.errors)?;
    }
    if !stats.reasons.is_empty() {
        writeln!(out, "rejection reasons, last 7 days:")?;
        for r in &stats.reasons {
            writeln!(out, "  {:>10}  {}", r.count, r.reason)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The store's counts; all zero when the server has never run with this data directory.
struct Counts {
    reader: Option<Reader>,
}

impl Counts {
    fn open(config: &Config) -> anyhow::Result<Counts> {
        let path = config.store_path();
        let reader = if path.is_file() {
            Some(Reader::open(&path)?)
        } else {
            None
        };
        Ok(Counts { reader })
    }

    fn stats(&self, intake: &str) -> anyhow::Result<IntakeStats> {
        Ok(match &self.reader {
            Some(r) => r.stats(intake, store::today())?,
            None => IntakeStats::empty(store::today()),
        })
    }
}
