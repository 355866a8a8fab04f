//! `intake-edge formats bench FORMAT LINES_FILE`: the normalization throughput of one format on
//! one worker thread, in the batches `formats test` and the intakes use.

use crate::cli::load;
use anyhow::Context;
use clap::Args;
use intake_edge::event::{Event, Protocol};
use intake_edge::fixtures;
use intake_edge::runtime::{self, Runtime};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Args)]
pub struct BenchArgs {
    /// A format of the configuration, else `builtin:NAME`, else a `.wasm` component file.
    pub format: String,
    /// One event's raw text per line (received now over HTTPS, no envelope); empty lines are
    /// skipped. A `.jsonl` file holds one fixture `input` object per line instead, for an
    /// envelope: `{"message": RAW, "log.syslog.appname": "sshd", ...}` (received now unless it
    /// gives `received_at`).
    pub lines_file: PathBuf,
    /// Measured passes over the whole file, after one warm-up pass.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub repeat: u32,
    /// Events per component call (default: the configuration's `runtime.batch_size`).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub batch: Option<u64>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// The registry and settings file (default: intakes.toml if it exists, else built-in defaults).
    #[arg(long, env = "INTAKE_EDGE_CONFIG")]
    pub config: Option<PathBuf>,
}

/// Kernel clock ticks per second of `/proc/*/stat` times: USER_HZ, 100 on every Linux
/// architecture this runs on (`getconf CLK_TCK`).
const CLOCK_TICKS_PER_SECOND: f64 = 100.0;
/// Below this much CPU time (100 ticks) the figure is off by more than 1 %: a note says so.
const PRECISE_CPU_SECONDS: f64 = 1.0;
/// How many rejections the warning quotes.
const QUOTED_REJECTIONS: usize = 3;

/// Normalizes every line of a file `repeat` times on one worker thread, in batches, and reports
/// events/s (wall clock) and the CPU time of the process per event. Rejections are counted; more
/// than 1 % of them earns a warning on stderr.
pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let config = load::file_or_defaults(args.config.as_deref())?;
    let spec = fixtures::resolve_format(&args.format, &config)?;
    let (events, line_numbers) = read_bench_events(&args.lines_file, chrono::Utc::now())?;
    let lines = events.len();
    let batch_size = match args.batch {
        Some(n) => usize::try_from(n).context("--batch is too large")?,
        None => config.runtime.batch_size.max(1),
    };
    let runtime = load::one_worker_runtime(&config, Some(batch_size))?;
    let format = runtime.load_format(&spec, None)?;
    let mut batches: Vec<Vec<Event>> = Vec::with_capacity(lines.div_ceil(batch_size));
    let mut events = events.into_iter().peekable();
    while events.peek().is_some() {
        batches.push(events.by_ref().take(batch_size).collect());
    }

    // Warm-up: instantiates the component and touches every code path once; not measured.
    let mut rejections = Vec::new();
    run_pass(&runtime, &format, &mut batches, |index, reason| {
        if rejections.len() < QUOTED_REJECTIONS {
            rejections.push((line_numbers.get(index).copied().unwrap_or_default(), reason.to_string()));
        }
    })?;

    let cpu_before = process_cpu_seconds();
    let started = Instant::now();
    let mut total = PassCounts::default();
    for _ in 0..args.repeat {
        let pass = run_pass(&runtime, &format, &mut batches, |_, _| {})?;
        total.ok += pass.ok;
        total.errors += pass.errors;
    }
    let seconds = started.elapsed().as_secs_f64();
    let cpu_seconds = cpu_before.zip(process_cpu_seconds()).map(|(a, b)| b - a);
    runtime.shutdown();

    let events = total.ok + total.errors;
    let per_second = if seconds > 0.0 { events as f64 / seconds } else { 0.0 };
    let cpu_us_per_event = cpu_seconds.map(|cpu| cpu * 1e6 / events.max(1) as f64);
    if total.errors * 100 > events {
        eprintln!(
            "warning: {} of {events} events ({:.1} %) were rejected: the lines are probably not {} lines. First rejections:",
            total.errors,
            total.errors as f64 * 100.0 / events.max(1) as f64,
            args.format
        );
        for (line, reason) in &rejections {
            eprintln!("  {}:{line}: {reason}", args.lines_file.display());
        }
    }
    if let Some(cpu) = cpu_seconds.filter(|s| *s < PRECISE_CPU_SECONDS) {
        eprintln!(
            "note: the CPU time ({cpu:.2} s) is counted in ticks of {:.0} ms: too short a run to be precise; raise --repeat",
            1000.0 / CLOCK_TICKS_PER_SECOND
        );
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        let report = serde_json::json!({
            "format": args.format,
            "component": spec.source.to_string(),
            "lines": lines,
            "repeat": args.repeat,
            "batch": batch_size,
            "workers": 1,
            "events": events,
            "ok": total.ok,
            "errors": total.errors,
            "seconds": (seconds * 1e6).round() / 1e6,
            "events_per_second": per_second.round(),
            "cpu_seconds": cpu_seconds.map(|s| (s * 100.0).round() / 100.0),
            "cpu_us_per_event": cpu_us_per_event.map(|us| (us * 1000.0).round() / 1000.0),
        });
        writeln!(out, "{report}")?;
    } else {
        let cpu = match (cpu_seconds, cpu_us_per_event) {
            (Some(s), Some(us)) => format!("{us:.3} µs CPU/event ({s:.2} s CPU)"),
            _ => "CPU time unknown (no /proc/self/stat)".to_string(),
        };
        writeln!(
            out,
            "{}: {events} events ({lines} lines x {}), {} ok, {} errors, {seconds:.3} s, {per_second:.0} events/s, {cpu}; 1 worker, batches of {batch_size}",
            args.format, args.repeat, total.ok, total.errors
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The events of a bench file, with the line number of each (1-based).
fn read_bench_events(path: &Path, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<(Vec<Event>, Vec<usize>)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let jsonl = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("jsonl"));
    let now_text = now.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let mut events = Vec::new();
    let mut line_numbers = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let event = if jsonl {
            if line.trim().is_empty() {
                continue;
            }
            input_event(line, &now_text).with_context(|| format!("{}:{}", path.display(), i + 1))?
        } else {
            if line.is_empty() {
                continue;
            }
            Event::new(line.to_string(), now, Protocol::Https)
        };
        events.push(event);
        line_numbers.push(i + 1);
    }
    anyhow::ensure!(
        !events.is_empty(),
        "{}: no events (every line is empty)",
        path.display()
    );
    Ok((events, line_numbers))
}

/// A `.jsonl` line: a fixture `input` object, built as `formats test` builds it.
fn input_event(line: &str, received_at: &str) -> anyhow::Result<Event> {
    let mut input: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(line).context("not a JSON object (a fixture `input`)")?;
    input
        .entry("received_at")
        .or_insert_with(|| serde_json::Value::from(received_at));
    fixtures::build_event(input).map_err(anyhow::Error::msg)
}

#[derive(Default)]
struct PassCounts {
    ok: u64,
    errors: u64,
}

/// One pass over every batch; each batch comes back from the worker and is reused, so no event
/// is copied. `on_rejection(index of the event in the file, reason)`.
fn run_pass(
    runtime: &Runtime,
    format: &std::sync::Arc<runtime::LoadedFormat>,
    batches: &mut [Vec<Event>],
    mut on_rejection: impl FnMut(usize, &str),
) -> anyhow::Result<PassCounts> {
    let mut counts = PassCounts::default();
    let mut index = 0;
    for slot in batches.iter_mut() {
        let batch = runtime
            .normalize_blocking(format.clone(), std::mem::take(slot))
            .context("cannot normalize a batch")?;
        for outcome in &batch.outcomes {
            match &outcome.normalized {
                Ok(_) => counts.ok += 1,
                Err(reason) => {
                    counts.errors += 1;
                    on_rejection(index, reason);
                }
            }
            index += 1;
        }
        *slot = batch.events;
    }
    Ok(counts)
}

/// utime + stime of this process, all its threads, in seconds (`/proc/self/stat`); `None` where
/// there is no such file.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) as f64 / CLOCK_TICKS_PER_SECOND)
}
