//! The native fixture runner: a format crate's `cargo test` runs its `tests/fixtures/*.json`
//! through `normalize_one` without building wasm ([`check_fixtures`], [`crate::fixtures_test!`]).
//!
//! It reads fixtures exactly as the host's runner does (`intake-edge formats test`, in
//! `host/src/fixtures.rs`); keep the two in step. A file holds one case
//! `{"input": {"message": RAW, ...envelope}, "expected": {...}}` or an array of them:
//!
//! - `input`: `message` (the raw event, required); `received_at`, `client_time` (RFC 3339;
//!   `received_at` defaults to [`DEFAULT_RECEIVED_AT`] so that results are reproducible);
//!   `protocol` (`https`, `syslog`, `relp`, `poll`; default `syslog` if a `log.syslog.*` key is
//!   given, else `https`); `source_address`; the syslog header under its ECS names
//!   ([`SYSLOG_KEYS`]); any other key is a metadata pair.
//! - `expected`: the normalized object after the host's own step; a rejected event reads as
//!   `{"error": REASON}`. The value `"*"` means "present, any value", at any depth (so
//!   `{"error": "*"}` accepts any rejection).
//! - optional `name`: shown in the report.
//!
//! The host's own step is applied as far as it can be without the host ([`outcome_value`]):
//! rejection reasons are cut to [`MAX_REASON_BYTES`]; a missing or `null` `@timestamp` becomes
//! the client time, else the reception time, and an RFC 3339 `@timestamp` is rewritten to the
//! host's canonical form (`…T12:00:00Z`, `…T12:00:00.250000Z`). Other datetime forms (epoch
//! numbers, other layouts) are compared as the component wrote them, and only the host rejects
//! an unreadable one: expect `"*"` there, or run `intake-edge formats test`.

use crate::{format_rfc3339, Event, Fields, Protocol, SyslogHeader, Timestamp, Value, TIMESTAMP};
use std::fmt;

/// The reception time of a case that gives none (the host's runner uses the same).
pub const DEFAULT_RECEIVED_AT: &str = "2026-01-01T00:00:00Z";
/// In `expected`: any value, as long as the field is present.
pub const ANY: &str = "*";
/// The host cuts rejection reasons to this many bytes (at a character boundary) and appends `…`.
pub const MAX_REASON_BYTES: usize = 2048;
/// The syslog header fields of `input`, under their ECS names.
pub const SYSLOG_KEYS: [&str; 8] = [
    "log.syslog.facility.code",
    "log.syslog.severity.code",
    "log.syslog.version",
    "log.syslog.hostname",
    "log.syslog.appname",
    "log.syslog.procid",
    "log.syslog.msgid",
    "log.syslog.structured_data",
];

/// One case, ready to run.
#[derive(Debug, Clone)]
pub struct Case {
    /// `FILE[i]` (`FILE` alone for a file of one case), then the case's `name` if it has one.
    pub label: String,
    pub event: Event,
    pub expected: Value,
}

/// One way `actual` differs from `expected`, at a path such as `log.syslog.hostname`,
/// `user.name` (nested) or `tags[1]`.
#[derive(Debug, Clone, PartialEq)]
pub enum Difference {
    Missing {
        path: String,
        expected: Value,
    },
    Unexpected {
        path: String,
        actual: Value,
    },
    Different {
        path: String,
        expected: Value,
        actual: Value,
    },
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { path, expected } => write!(f, "missing field {path}: expected {expected}"),
            Self::Unexpected { path, actual } => write!(f, "unexpected field {path}: {actual}"),
            Self::Different { path, expected, actual } => {
                write!(f, "different value at {path}: expected {expected}, got {actual}")
            }
        }
    }
}

/// An event as a test builds it: `raw` sent over HTTPS at `received_at` (seconds since the Unix
/// epoch), with no client time and no envelope. Unit tests of format crates start from this.
pub fn https_event(raw: &str, received_at: i64) -> Event {
    Event {
        raw: raw.into(),
        received_at: Timestamp {
            seconds: received_at,
            nanoseconds: 0,
        },
        client_time: None,
        protocol: Protocol::Https,
        source_address: None,
        syslog: None,
        metadata: Vec::new(),
    }
}

/// Parses a fixture: one case object or an array of them. `file` names it in labels and errors.
pub fn parse_cases(text: &str, file: &str) -> Result<Vec<Case>, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("{file}: invalid fixture: not valid JSON: {e}"))?;
    cases_of(value, file)
}

fn cases_of(value: Value, file: &str) -> Result<Vec<Case>, String> {
    let (items, single) = match value {
        Value::Array(items) => (items, false),
        object @ Value::Object(_) => (vec![object], true),
        _ => {
            return Err(format!(
                "{file}: invalid fixture: expected a case object or an array of them"
            ))
        }
    };
    if items.is_empty() {
        return Err(format!("{file}: invalid fixture: no cases"));
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let label = if single {
                file.to_string()
            } else {
                format!("{file}[{i}]")
            };
            parse_case(item, label)
        })
        .collect()
}

fn parse_case(item: Value, mut label: String) -> Result<Case, String> {
    let fail = |label: &str, reason: &str| format!("{label}: {reason}");
    let Value::Object(mut case) = item else {
        return Err(fail(&label, "a case is a JSON object"));
    };
    if let Some(name) = case.remove("name") {
        match name {
            Value::String(name) => label = format!("{label} ({name})"),
            _ => return Err(fail(&label, "\"name\" must be a string")),
        }
    }
    let input = match case.remove("input") {
        Some(Value::Object(input)) => input,
        Some(_) => return Err(fail(&label, "\"input\" must be an object")),
        None => return Err(fail(&label, "no \"input\"")),
    };
    let expected = match case.remove("expected") {
        Some(expected @ Value::Object(_)) => expected,
        Some(_) => return Err(fail(&label, "\"expected\" must be an object")),
        None => return Err(fail(&label, "no \"expected\"")),
    };
    if let Some(key) = case.keys().next() {
        return Err(fail(
            &label,
            &format!("unknown key {key:?} (a case has \"input\", \"expected\" and \"name\")"),
        ));
    }
    let event = event_from_input(&input).map_err(|reason| fail(&label, &format!("input: {reason}")))?;
    Ok(Case { label, event, expected })
}

/// The event the host would hand the component for a fixture's `input` (see the module
/// documentation for the keys).
pub fn event_from_input(input: &Fields) -> Result<Event, String> {
    let mut input = input.clone();
    let raw = match input.remove("message") {
        Some(Value::String(raw)) => raw,
        Some(_) => return Err("\"message\" must be a string".into()),
        None => return Err("no \"message\" (the raw event)".into()),
    };
    let received_at = match input.remove("received_at") {
        Some(v) => datetime(&v, "received_at")?,
        None => datetime(&Value::String(DEFAULT_RECEIVED_AT.into()), "received_at")?,
    };
    let client_time = match input.remove("client_time") {
        None | Some(Value::Null) => None,
        Some(v) => Some(datetime(&v, "client_time")?),
    };
    let source_address = match input.remove("source_address") {
        None | Some(Value::Null) => None,
        Some(v) => Some(scalar(&v, "source_address")?),
    };
    let any_syslog = input.keys().any(|k| k.starts_with("log.syslog."));
    let protocol = match input.remove("protocol") {
        None if any_syslog => Protocol::Syslog,
        None => Protocol::Https,
        Some(Value::String(p)) => match p.as_str() {
            "https" => Protocol::Https,
            "syslog" => Protocol::Syslog,
            "relp" => Protocol::Relp,
            "poll" => Protocol::Poll,
            other => return Err(format!("protocol {other:?}: expected https, syslog, relp or poll")),
        },
        Some(_) => return Err("\"protocol\" must be a string".into()),
    };
    let mut header = SyslogHeader {
        facility: None,
        severity: None,
        version: None,
        hostname: None,
        app_name: None,
        procid: None,
        msgid: None,
        structured_data: None,
    };
    let mut has_header = matches!(protocol, Protocol::Syslog | Protocol::Relp);
    for key in SYSLOG_KEYS {
        let Some(value) = input.remove(key) else {
            continue;
        };
        if value.is_null() {
            continue;
        }
        has_header = true;
        match key {
            "log.syslog.facility.code" => header.facility = Some(number(&value, key)?),
            "log.syslog.severity.code" => header.severity = Some(number(&value, key)?),
            "log.syslog.version" => header.version = Some(number(&value, key)?),
            "log.syslog.hostname" => header.hostname = Some(scalar(&value, key)?),
            "log.syslog.appname" => header.app_name = Some(scalar(&value, key)?),
            "log.syslog.procid" => header.procid = Some(scalar(&value, key)?),
            "log.syslog.msgid" => header.msgid = Some(scalar(&value, key)?),
            _ => header.structured_data = Some(scalar(&value, key)?),
        }
    }
    let metadata = input
        .into_iter()
        .map(|(k, v)| scalar(&v, &k).map(|v| (k, v)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Event {
        raw,
        received_at,
        client_time,
        protocol,
        source_address,
        syslog: has_header.then_some(header),
        metadata,
    })
}

fn datetime(value: &Value, key: &str) -> Result<Timestamp, String> {
    let Value::String(text) = value else {
        return Err(format!("{key:?} must be an RFC 3339 string"));
    };
    parse_rfc3339(text).map_err(|e| format!("{key:?}: {text:?} is not RFC 3339: {e}"))
}

/// A metadata value: strings as they are, numbers and booleans as their JSON text.
fn scalar(value: &Value, key: &str) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(_) | Value::Bool(_) => Ok(value.to_string()),
        _ => Err(format!("{key:?} must be a string, a number or a boolean")),
    }
}

/// A header code: a JSON number or a string of digits, within the type's range.
fn number<T: TryFrom<u64>>(value: &Value, key: &str) -> Result<T, String> {
    let n = match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    n.and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| format!("{key:?} must be a small non-negative integer, got {value}"))
}

/// Parses an RFC 3339 date-time as the host does (chrono's `parse_from_rfc3339`): `T`, `t` or a
/// space between date and time, any number of fraction digits (nanoseconds kept), `Z`/`z` or an
/// offset within ±23:59, a leap second `:60` kept as `:59` plus one second of nanoseconds.
pub fn parse_rfc3339(text: &str) -> Result<Timestamp, &'static str> {
    const INVALID: &str = "input contains invalid characters";
    const TOO_SHORT: &str = "premature end of input";
    const OUT_OF_RANGE: &str = "input is out of range";
    let b = text.as_bytes();
    if b.len() < 19 {
        return Err(TOO_SHORT);
    }
    let digits = |range: std::ops::Range<usize>| -> Result<u32, &'static str> {
        b[range].iter().try_fold(0u32, |n, &c| {
            if c.is_ascii_digit() {
                Ok(n * 10 + u32::from(c - b'0'))
            } else {
                Err(INVALID)
            }
        })
    };
    let year = digits(0..4)?;
    if b[4] != b'-' {
        return Err(INVALID);
    }
    let month = digits(5..7)?;
    if b[7] != b'-' {
        return Err(INVALID);
    }
    let day = digits(8..10)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return Err(OUT_OF_RANGE);
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return Err(INVALID);
    }
    let hour = digits(11..13)?;
    if b[13] != b':' {
        return Err(INVALID);
    }
    let minute = digits(14..16)?;
    if b[16] != b':' {
        return Err(INVALID);
    }
    let (second, mut nanos) = match digits(17..19)? {
        60 => (59, 1_000_000_000),
        s => (s, 0),
    };
    let mut rest = &b[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let count = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if count == 0 {
            return Err(if fraction.is_empty() { TOO_SHORT } else { INVALID });
        }
        let mut scale = 100_000_000;
        for &c in &fraction[..count.min(9)] {
            nanos += u32::from(c - b'0') * scale;
            scale /= 10;
        }
        rest = &fraction[count..];
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(OUT_OF_RANGE);
    }
    // The checks in chrono's order, for the same messages.
    let two_digits = |s: &[u8]| match s {
        [a, b, ..] if a.is_ascii_digit() && b.is_ascii_digit() => Ok(i64::from((a - b'0') * 10 + (b - b'0'))),
        [_, _, ..] => Err(INVALID),
        _ => Err(TOO_SHORT),
    };
    let (offset, rest) = match rest {
        [b'Z' | b'z', rest @ ..] => (0, rest),
        [] => return Err(TOO_SHORT),
        _ => {
            let (negative, hm) = match rest {
                [b'+', hm @ ..] => (false, hm),
                [b'-', hm @ ..] => (true, hm),
                // U+2212 MINUS SIGN, in UTF-8
                [0xE2, 0x88, 0x92, hm @ ..] => (true, hm),
                _ => return Err(INVALID),
            };
            let hours = two_digits(hm)?;
            let m = match &hm[2..] {
                [b':', m @ ..] => m,
                [] => return Err(TOO_SHORT),
                _ => return Err(INVALID),
            };
            let minutes = match two_digits(m)? {
                m if m > 59 => return Err(OUT_OF_RANGE),
                m => m,
            };
            let offset = hours * 3600 + minutes * 60;
            (if negative { -offset } else { offset }, &m[2..])
        }
    };
    if !rest.is_empty() {
        return Err("trailing input");
    }
    if offset.abs() >= 86_400 {
        return Err(OUT_OF_RANGE);
    }
    let days = days_from_civil(i64::from(year), month, day);
    let seconds = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset;
    Ok(Timestamp {
        seconds,
        nanoseconds: nanos,
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400; // [0, 399]
    let mp = i64::from((month + 9) % 12); // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The host's canonical `@timestamp`: RFC 3339 UTC with `Z`, no fraction for a whole second,
/// 6 digits for whole microseconds, else 9 (`2026-11-22T22:44:57Z`, `…57.123456Z`).
pub fn canonical_rfc3339(ts: Timestamp) -> String {
    let text = format_rfc3339(ts);
    // format_rfc3339 writes 3, 6 or 9 digits: only the 3-digit (millisecond) form differs.
    match text.rsplit_once('.') {
        Some((head, "000Z")) => format!("{head}Z"),
        Some((head, fraction)) if fraction.len() == 4 => format!("{head}.{}000Z", &fraction[..3]),
        _ => text,
    }
}

/// What a case compares against `expected`, after what the host does to every result (as far
/// as it can be done natively): `{"error": REASON}` with the reason cut to [`MAX_REASON_BYTES`],
/// or the object with `@timestamp` set from `fallback` (the client time, else the reception
/// time) when missing or `null`, and rewritten to [`canonical_rfc3339`] when it is RFC 3339.
pub fn outcome_value(result: Result<Fields, String>, fallback: Timestamp) -> Value {
    let mut fields = match result {
        Ok(fields) => fields,
        Err(reason) => return crate::json!({ "error": truncate_reason(reason) }),
    };
    let canonical = match fields.get(TIMESTAMP) {
        None | Some(Value::Null) => Some(canonical_rfc3339(fallback)),
        Some(Value::String(text)) => parse_rfc3339(text).ok().map(canonical_rfc3339),
        Some(_) => None,
    };
    if let Some(canonical) = canonical {
        fields.insert(TIMESTAMP.into(), Value::String(canonical));
    }
    Value::Object(fields)
}

fn truncate_reason(mut reason: String) -> String {
    if reason.len() > MAX_REASON_BYTES {
        let mut end = MAX_REASON_BYTES;
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        reason.truncate(end);
        reason.push('…');
    }
    reason
}

/// Every difference between `expected` and `actual`; `"*"` in `expected` matches any value.
/// Numbers compare by value (`1` equals `1.0`), two different integers never do.
pub fn diff(expected: &Value, actual: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    diff_at("", expected, actual, &mut out);
    out
}

fn diff_at(path: &str, expected: &Value, actual: &Value, out: &mut Vec<Difference>) {
    match (expected, actual) {
        (Value::String(any), _) if any == ANY => {}
        (Value::Object(e), Value::Object(a)) => {
            for (key, ev) in e {
                let p = key_path(path, key);
                match a.get(key) {
                    Some(av) => diff_at(&p, ev, av, out),
                    None => out.push(Difference::Missing {
                        path: p,
                        expected: ev.clone(),
                    }),
                }
            }
            for (key, av) in a {
                if !e.contains_key(key) {
                    out.push(Difference::Unexpected {
                        path: key_path(path, key),
                        actual: av.clone(),
                    });
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            for (i, ev) in e.iter().enumerate() {
                let p = format!("{}[{i}]", root(path));
                match a.get(i) {
                    Some(av) => diff_at(&p, ev, av, out),
                    None => out.push(Difference::Missing {
                        path: p,
                        expected: ev.clone(),
                    }),
                }
            }
            for (i, av) in a.iter().enumerate().skip(e.len()) {
                out.push(Difference::Unexpected {
                    path: format!("{}[{i}]", root(path)),
                    actual: av.clone(),
                });
            }
        }
        (Value::Number(e), Value::Number(a)) if e == a || e.as_f64() == a.as_f64() && !both_integers(e, a) => {}
        _ if expected == actual => {}
        _ => out.push(Difference::Different {
            path: root(path).to_string(),
            expected: expected.clone(),
            actual: actual.clone(),
        }),
    }
}

/// `1` and `1.0` are equal; two different integers are never (even beyond f64 precision).
fn both_integers(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    !a.is_f64() && !b.is_f64()
}

fn root(path: &str) -> &str {
    if path.is_empty() {
        "(the event)"
    } else {
        path
    }
}

/// Top-level keys as they are (flat dotted ECS names); nested ones as `.key`, or `["k.e.y"]` when
/// the key is not a plain identifier.
fn key_path(path: &str, key: &str) -> String {
    if path.is_empty() {
        return key.to_string();
    }
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '@');
    if plain {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", Value::String(key.to_string()))
    }
}

/// Runs one case through `normalize` and returns the differences (empty when it passed) and
/// what it produced.
pub fn run_case(case: Case, normalize: fn(Event) -> Result<Fields, String>) -> (Vec<Difference>, Value) {
    let fallback = case.event.client_time.unwrap_or(case.event.received_at);
    let actual = outcome_value(normalize(case.event), fallback);
    (diff(&case.expected, &actual), actual)
}

/// Runs a format over the fixture files of `dir` (every `*.json`, sorted; see the module
/// documentation) and returns the number of cases, or one message per failing case or
/// unreadable file. Used by the formats' native tests ([`crate::fixtures_test!`]); reading files
/// needs a native target.
///
/// With `EDGE_FIXTURES_BLESS=1` in the environment, each case's `expected` is rewritten to what
/// the format produced (review the diff!). `@timestamp` is kept when it matched, else written as
/// `"*"`: this runner does not interpret every datetime form the host does.
pub fn check_fixtures(dir: &str, normalize: fn(Event) -> Result<Fields, String>) -> Result<usize, Vec<String>> {
    let mut failures = Vec::new();
    let mut paths: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => return Err(vec![format!("{dir}: {e}")]),
    };
    paths.retain(|p| p.extension().is_some_and(|x| x == "json"));
    paths.sort();
    let bless = std::env::var_os("EDGE_FIXTURES_BLESS").is_some();
    let mut count = 0;
    for path in &paths {
        let file = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                failures.push(format!("{file}: cannot read: {e}"));
                continue;
            }
        };
        let mut document: Value = match serde_json::from_str(&text) {
            Ok(document) => document,
            Err(e) => {
                failures.push(format!("{file}: invalid fixture: not valid JSON: {e}"));
                continue;
            }
        };
        let cases = match cases_of(document.clone(), &file) {
            Ok(cases) => cases,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        count += cases.len();
        let mut blessed = Vec::with_capacity(cases.len());
        for case in cases {
            let label = case.label.clone();
            let expected = case.expected.clone();
            let (differences, actual) = run_case(case, normalize);
            if bless {
                blessed.push(bless_expected(&expected, actual, &differences));
            } else if !differences.is_empty() {
                let mut report = format!("{label}:");
                for d in &differences {
                    report.push_str(&format!("\n  {d}"));
                }
                report.push_str(&format!("\n  got {actual}"));
                failures.push(report);
            }
        }
        if bless {
            match &mut document {
                Value::Array(items) => {
                    for (item, expected) in items.iter_mut().zip(blessed) {
                        item["expected"] = expected;
                    }
                }
                single => single["expected"] = blessed.into_iter().next().unwrap_or_default(),
            }
            if let Err(e) = std::fs::write(path, fixture_text(&document)) {
                failures.push(format!("{file}: {e}"));
            }
        }
    }
    if failures.is_empty() {
        Ok(count)
    } else {
        Err(failures)
    }
}

/// The `expected` that `EDGE_FIXTURES_BLESS` writes: what was produced, with `@timestamp` kept
/// as expected when it matched and `"*"` otherwise.
fn bless_expected(expected: &Value, mut actual: Value, differences: &[Difference]) -> Value {
    let timestamp_matched = !differences.iter().any(|d| match d {
        Difference::Missing { path, .. } | Difference::Unexpected { path, .. } | Difference::Different { path, .. } => {
            path == TIMESTAMP
        }
    });
    if let Some(ts) = actual.get_mut(TIMESTAMP) {
        *ts = match expected.get(TIMESTAMP) {
            Some(kept) if timestamp_matched => kept.clone(),
            _ => Value::from(ANY),
        };
    }
    actual
}

/// A fixture file's text: cases keep their keys in the order `name`, `input`, `expected`.
fn fixture_text(document: &Value) -> String {
    fn case_text(case: &Value, indent: &str) -> String {
        let Value::Object(case) = case else {
            return serde_json::to_string_pretty(case).unwrap_or_default();
        };
        let mut keys: Vec<&String> = case.keys().collect();
        let rank = |k: &str| ["name", "input", "expected"].iter().position(|x| *x == k).unwrap_or(3);
        keys.sort_by_key(|k| rank(k));
        let fields: Vec<String> = keys
            .into_iter()
            .map(|k| {
                let value = serde_json::to_string_pretty(&case[k]).unwrap_or_default();
                let value = value.replace('\n', &format!("\n{indent}  "));
                format!("{indent}  {}: {value}", Value::String(k.clone()))
            })
            .collect();
        format!("{{\n{}\n{indent}}}", fields.join(",\n"))
    }
    match document {
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|c| format!("  {}", case_text(c, "  "))).collect();
            format!("[\n{}\n]\n", items.join(",\n"))
        }
        case => case_text(case, "") + "\n",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn one(text: &str) -> Case {
        let mut cases = parse_cases(text, "f.json").expect("valid fixture");
        assert_eq!(cases.len(), 1);
        cases.remove(0)
    }

    fn pair(t: Timestamp) -> (i64, u32) {
        (t.seconds, t.nanoseconds)
    }

    fn ts(seconds: i64, nanoseconds: u32) -> Timestamp {
        Timestamp { seconds, nanoseconds }
    }

    #[test]
    fn parses_one_case_or_an_array() {
        let case = one(r#"{"input": {"message": "hi"}, "expected": {"message": "hi"}}"#);
        assert_eq!(case.label, "f.json");
        assert_eq!(case.event.raw, "hi");
        assert_eq!(case.expected, json!({"message": "hi"}));
        let cases = parse_cases(
            r#"[{"input": {"message": "a"}, "expected": {}}, {"name": "b", "input": {"message": "b"}, "expected": {}}]"#,
            "f.json",
        )
        .expect("valid fixture");
        let labels: Vec<_> = cases.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["f.json[0]", "f.json[1] (b)"]);
        assert_eq!(cases[1].event.raw, "b");
    }

    #[test]
    fn refuses_malformed_fixtures() {
        let err = |text: &str| parse_cases(text, "f.json").expect_err("invalid");
        assert!(err("{").contains("not valid JSON"));
        assert!(err("[]").contains("no cases"));
        assert!(err("3").contains("expected a case object"));
        assert!(err(r#"{"expected": {}}"#).contains("no \"input\""));
        assert!(err(r#"{"input": {"message": "x"}}"#).contains("no \"expected\""));
        assert!(err(r#"{"input": {}, "expected": {}}"#).contains("no \"message\""));
        assert!(err(r#"{"input": {"message": "x"}, "expect": {}}"#).contains("no \"expected\""));
        assert!(err(r#"{"input": {"message": "x"}, "expected": {}, "x": 1}"#).contains("unknown key \"x\""));
        assert!(err(r#"{"input": {"message": "x", "protocol": "ftp"}, "expected": {}}"#).contains("ftp"));
        assert!(err(r#"{"input": {"message": "x", "received_at": "yesterday"}, "expected": {}}"#).contains("RFC 3339"));
        assert!(
            err(r#"{"input": {"message": "x", "log.syslog.facility.code": 300}, "expected": {}}"#).contains("facility")
        );
        assert!(err(r#"{"input": {"message": "x", "k": {"a": 1}}, "expected": {}}"#).contains("\"k\""));
        assert!(err(r#"[{"input": {"message": "x"}, "expected": []}]"#).starts_with("f.json[0]: "));
    }

    #[test]
    fn builds_the_event_the_host_would() {
        let plain = one(r#"{"input": {"message": "m", "X-Forwarded-For": "1.2.3.4", "n": 5}, "expected": {}}"#).event;
        assert_eq!(plain.protocol, Protocol::Https);
        assert!(plain.syslog.is_none() && plain.client_time.is_none() && plain.source_address.is_none());
        // DEFAULT_RECEIVED_AT, 2026-01-01T00:00:00Z
        assert_eq!(pair(plain.received_at), (1_767_225_600, 0));
        assert_eq!(
            plain.metadata,
            [
                ("X-Forwarded-For".to_string(), "1.2.3.4".to_string()),
                ("n".into(), "5".into())
            ]
        );

        let syslog = one(
            r#"{"input": {"message": "m", "received_at": "2024-05-01T14:00:00.5+02:00",
                "client_time": "2024-05-01T11:59:59Z", "source_address": "192.0.2.1:514",
                "log.syslog.facility.code": 4, "log.syslog.severity.code": "6", "log.syslog.version": 1,
                "log.syslog.hostname": "fw1", "log.syslog.appname": "sshd", "log.syslog.procid": "42",
                "log.syslog.msgid": "ID1", "log.syslog.structured_data": "[a@1 b=\"c\"]"}, "expected": {}}"#,
        )
        .event;
        assert_eq!(syslog.protocol, Protocol::Syslog);
        assert_eq!(pair(syslog.received_at), (1_714_564_800, 500_000_000));
        assert_eq!(syslog.client_time.map(pair), Some((1_714_564_799, 0)));
        assert_eq!(syslog.source_address.as_deref(), Some("192.0.2.1:514"));
        assert!(syslog.metadata.is_empty());
        let h = syslog.syslog.expect("a syslog header");
        assert_eq!((h.facility, h.severity, h.version), (Some(4), Some(6), Some(1)));
        assert_eq!(h.hostname.as_deref(), Some("fw1"));
        assert_eq!(h.app_name.as_deref(), Some("sshd"));
        assert_eq!(h.procid.as_deref(), Some("42"));
        assert_eq!(h.msgid.as_deref(), Some("ID1"));
        assert_eq!(h.structured_data.as_deref(), Some("[a@1 b=\"c\"]"));

        let relp = one(r#"{"input": {"message": "m", "protocol": "relp"}, "expected": {}}"#).event;
        assert_eq!(relp.protocol, Protocol::Relp);
        assert!(relp.syslog.is_some());

        // As in the host: `log.source.address` is not the envelope's address but a metadata pair.
        let ecs = one(r#"{"input": {"message": "m", "log.source.address": "192.0.2.1:514"}, "expected": {}}"#).event;
        assert!(ecs.source_address.is_none());
        assert_eq!(
            ecs.metadata,
            [("log.source.address".to_string(), "192.0.2.1:514".to_string())]
        );
    }

    #[test]
    fn parses_rfc3339_as_chrono_does() {
        assert_eq!(parse_rfc3339(DEFAULT_RECEIVED_AT).map(pair), Ok((1_767_225_600, 0)));
        assert_eq!(parse_rfc3339("2026-11-23T23:00:00Z").map(pair), Ok((1_795_474_800, 0)));
        assert_eq!(parse_rfc3339("1970-01-01t00:00:00z").map(pair), Ok((0, 0)));
        assert_eq!(
            parse_rfc3339("1969-12-31 23:59:59.123456789123-00:00").map(pair),
            Ok((-1, 123_456_789))
        );
        assert_eq!(
            parse_rfc3339("2024-02-29T14:00:00.25+02:30").map(pair),
            Ok((1_709_206_200, 250_000_000))
        );
        assert_eq!(
            parse_rfc3339("2024-05-01T14:00:00\u{2212}01:00").map(pair),
            Ok((1_714_575_600, 0))
        );
        assert_eq!(
            parse_rfc3339("2016-12-31T23:59:60Z").map(pair),
            Ok((1_483_228_799, 1_000_000_000))
        );
        for bad in [
            "2024-05-01",
            "2024-05-01T12:00:00",
            "2024-05-01T12:00:00.Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T12:00:00+24:00",
            "2024-05-01T12:00:00+0200",
            "2024-05-01T12:00:00Z ",
            "2024-05-01X12:00:00Z",
            "yesterday at noon",
        ] {
            assert!(parse_rfc3339(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn applies_the_hosts_timestamp_and_reason_steps() {
        let at = ts(1_714_564_800, 0);
        let ok = |v: Value| match v {
            Value::Object(fields) => Ok(fields),
            _ => unreachable!(),
        };
        assert_eq!(
            outcome_value(ok(json!({"m": 1})), at),
            json!({"m": 1, "@timestamp": "2024-05-01T12:00:00Z"})
        );
        assert_eq!(
            outcome_value(ok(json!({"@timestamp": null})), ts(1_714_564_800, 250_000_000)),
            json!({"@timestamp": "2024-05-01T12:00:00.250000Z"})
        );
        assert_eq!(
            outcome_value(ok(json!({"@timestamp": "2024-05-01T14:00:00.000+02:00"})), at),
            json!({"@timestamp": "2024-05-01T12:00:00Z"})
        );
        assert_eq!(
            outcome_value(ok(json!({"@timestamp": "2024-05-01T12:00:00.000000001Z"})), at),
            json!({"@timestamp": "2024-05-01T12:00:00.000000001Z"})
        );
        // What only the host interprets is left as the component wrote it.
        assert_eq!(
            outcome_value(ok(json!({"@timestamp": 1714564800})), at),
            json!({"@timestamp": 1714564800})
        );
        assert_eq!(
            outcome_value(ok(json!({"@timestamp": "May  1 12:00:00"})), at),
            json!({"@timestamp": "May  1 12:00:00"})
        );
        assert_eq!(outcome_value(Err("bad".into()), at), json!({"error": "bad"}));
        let long = "é".repeat(MAX_REASON_BYTES);
        let Value::String(cut) = outcome_value(Err(long), at)["error"].take() else {
            unreachable!()
        };
        assert_eq!(cut, "é".repeat(MAX_REASON_BYTES / 2) + "…");
    }

    #[test]
    fn diffs_field_by_field() {
        let expected = json!({"a": 1, "b": "x", "c": "*", "d": {"e": [1, 2], "f.g": true}, "h": 1.0});
        assert!(diff(
            &expected,
            &json!({"a": 1, "b": "x", "c": null, "d": {"e": [1, 2], "f.g": true}, "h": 1})
        )
        .is_empty());
        let found = diff(
            &expected,
            &json!({"a": 2, "d": {"e": [1, 3, 4], "f.g": true, "z": 0}, "h": 1, "extra": "y"}),
        );
        let text: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "different value at a: expected 1, got 2",
                "missing field b: expected \"x\"",
                "missing field c: expected \"*\"",
                "different value at d.e[1]: expected 2, got 3",
                "unexpected field d.e[2]: 4",
                "unexpected field d.z: 0",
                "unexpected field extra: \"y\"",
            ]
        );
        let nested = diff(&json!({"d": {"f.g": 1}}), &json!({"d": {"f.g": 2}}));
        assert_eq!(
            nested[0].to_string(),
            "different value at d[\"f.g\"]: expected 1, got 2"
        );
        assert_eq!(
            diff(&json!({"n": 9007199254740993_u64}), &json!({"n": 9007199254740992_u64})).len(),
            1
        );
    }

    #[test]
    fn an_error_wildcard_accepts_any_rejection_and_only_rejections() {
        let run = |text: &str| {
            let case = one(text);
            run_case(case, crate::message_event).0
        };
        assert!(run(r#"{"input": {"message": " "}, "expected": {"error": "*"}}"#).is_empty());
        assert!(run(r#"{"input": {"message": " "}, "expected": {"error": "empty event"}}"#).is_empty());
        let wrong = run(r#"{"input": {"message": " "}, "expected": {"error": "other"}}"#);
        assert_eq!(
            wrong[0].to_string(),
            "different value at error: expected \"other\", got \"empty event\""
        );
        let accepted = run(r#"{"input": {"message": "x"}, "expected": {"error": "*"}}"#);
        assert_eq!(accepted.len(), 3, "{accepted:?}");
    }

    #[test]
    fn honours_received_at_and_client_time() {
        let run = |text: &str| run_case(one(text), crate::message_event);
        let (differences, actual) =
            run(r#"{"input": {"message": "x"}, "expected": {"message": "x", "@timestamp": "*"}}"#);
        assert!(differences.is_empty());
        assert_eq!(actual["@timestamp"], json!("2026-01-01T00:00:00Z"));
        let (differences, _) = run(
            r#"{"input": {"message": "x", "received_at": "2024-05-01T12:00:01.250Z"},
                "expected": {"message": "x", "@timestamp": "2024-05-01T12:00:01.250000Z"}}"#,
        );
        assert!(differences.is_empty(), "{differences:?}");
        let (differences, _) = run(
            r#"{"input": {"message": "x", "received_at": "2024-05-01T12:00:01Z", "client_time": "2024-05-01T14:00:00+02:00"},
                "expected": {"message": "x", "@timestamp": "2024-05-01T12:00:00Z"}}"#,
        );
        assert!(differences.is_empty(), "{differences:?}");
    }

    /// `plain` is `message_event`: its fixtures (arrays of cases, `received_at`, `client_time`,
    /// `source_address`, `protocol`, metadata, a rejection) pass here as in the host's runner.
    #[test]
    fn the_plain_fixtures_pass_natively() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../plain/tests/fixtures");
        assert_eq!(check_fixtures(dir, crate::message_event), Ok(5));
    }

    #[test]
    fn reports_every_failing_case_of_a_file() {
        let dir = std::env::temp_dir().join(format!("edge-sdk-fixtures-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("valid test input");
        std::fs::write(
            dir.join("a.json"),
            r#"[{"name": "ok", "input": {"message": "x"}, "expected": {"message": "x", "@timestamp": "2026-01-01T00:00:00Z"}},
                {"name": "ko", "input": {"message": "y"}, "expected": {"message": "x", "@timestamp": "*"}},
                {"input": {"message": ""}, "expected": {"error": "*"}}]"#,
        )
        .expect("valid test input");
        std::fs::write(dir.join("b.json"), r#"{"input": {"message": 1}, "expected": {}}"#).expect("valid test input");
        std::fs::write(dir.join("ignored.txt"), "not a fixture").expect("valid test input");
        let failures =
            check_fixtures(dir.to_str().expect("valid test input"), crate::message_event).expect_err("failures");
        std::fs::remove_dir_all(&dir).expect("valid test input");
        assert_eq!(failures.len(), 2, "{failures:?}");
        assert!(failures[0].ends_with("a.json[1] (ko):\n  different value at message: expected \"x\", got \"y\"\n  got {\"@timestamp\":\"2026-01-01T00:00:00Z\",\"message\":\"y\"}"), "{}", failures[0]);
        assert!(
            failures[1].ends_with("b.json: input: \"message\" must be a string"),
            "{}",
            failures[1]
        );
    }

    #[test]
    fn blessing_keeps_names_inputs_and_matching_timestamps() {
        let document = json!([
            {"name": "n", "input": {"message": "x"}, "expected": {}},
            {"input": {"message": "y"}, "expected": {}}
        ]);
        let a = outcome_value(Ok(Fields::from_iter([("m".to_string(), json!(1))])), ts(0, 0));
        let kept = bless_expected(&json!({"@timestamp": "1970-01-01T00:00:00Z"}), a.clone(), &[]);
        assert_eq!(kept, json!({"m": 1, "@timestamp": "1970-01-01T00:00:00Z"}));
        let differences = diff(&json!({"@timestamp": "2000-01-01T00:00:00Z"}), &a);
        assert_eq!(
            bless_expected(&json!({}), a, &differences),
            json!({"m": 1, "@timestamp": "*"})
        );
        assert_eq!(
            fixture_text(&document),
            "[\n  {\n    \"name\": \"n\",\n    \"input\": {\n      \"message\": \"x\"\n    },\n    \"expected\": {}\n  },\n  {\n    \"input\": {\n      \"message\": \"y\"\n    },\n    \"expected\": {}\n  }\n]\n"
        );
        assert_eq!(
            fixture_text(&json!({"expected": {"a": 1}, "input": {"message": "x"}})),
            "{\n  \"input\": {\n    \"message\": \"x\"\n  },\n  \"expected\": {\n    \"a\": 1\n  }\n}\n"
        );
    }
}
