//! Cases moved from the host's and the SDK's parsers (`host/src/syslog/tests.rs`,
//! `components/sdk/src/syslog_line.rs`), which each had their own copy of this grammar.
//! Expected values are written out by hand (instants in UTC, offsets applied mentally). Captured
//! vectors are bytes that rsyslog (omfwd gtls/ossl), loggen and logger sent to a TCP sink.

use crate::civil::{civil_from_days, days_from_civil};
use crate::*;
use std::borrow::Cow;
use std::format;
use std::string::{String, ToString};
use std::vec::Vec;

mod errors;
mod fuzz;
mod priority;
mod rfc3164;
mod rfc5424;

/// What a caller gives [`DateTime::to_timestamp`]: the reception time (to infer a missing year)
/// and the zone of zone-less times, in seconds east of UTC (the host's `rfc3164_timezone`).
#[derive(Debug, Clone, Copy)]
struct ParseOptions {
    now: i64,
    rfc3164_zone: i32,
}

fn utc(y: i64, mo: u32, d: u32, h: i64, mi: i64, s: i64) -> i64 {
    days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s
}

fn zone(seconds: i32) -> i32 {
    seconds
}

/// Reference options: now is 2026-11-23T12:00:00Z, RFC 3164 times are UTC.
fn opts() -> ParseOptions {
    ParseOptions {
        now: utc(2026, 11, 23, 12, 0, 0),
        rfc3164_zone: zone(0),
    }
}

fn ok(line: &str) -> SyslogLine<'_> {
    parse(line).unwrap_or_else(|e| panic!("{line:?}: {e}"))
}

/// The instant of the line's timestamp, as RFC 3339 with the shortest exact fraction of 3, 6 or
/// 9 digits (none for a whole second).
fn ts_at(m: &SyslogLine<'_>, opts: &ParseOptions) -> Option<String> {
    let now = Unix {
        seconds: opts.now,
        nanoseconds: 0,
    };
    m.timestamp
        .and_then(|t| t.to_timestamp(now, opts.rfc3164_zone))
        .map(rfc3339)
}

fn ts(m: &SyslogLine<'_>) -> Option<String> {
    ts_at(m, &opts())
}

fn rfc3339(t: Unix) -> String {
    let (y, mo, d) = civil_from_days(t.seconds.div_euclid(86_400));
    let s = t.seconds.rem_euclid(86_400);
    let mut out = format!("{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
    let n = t.nanoseconds;
    if n.is_multiple_of(1_000_000) && n > 0 {
        out.push_str(&format!(".{:03}", n / 1_000_000));
    } else if n.is_multiple_of(1_000) && n > 0 {
        out.push_str(&format!(".{:06}", n / 1_000));
    } else if n > 0 {
        out.push_str(&format!(".{n:09}"));
    }
    out.push('Z');
    out
}

type Sd = &'static [(&'static str, &'static [(&'static str, &'static str)])];

/// One expected parse; `..BARE` fills in "absent".
struct Case {
    line: &'static str,
    flavor: Flavor,
    pri: Option<u8>,
    version: Option<u16>,
    ts: Option<&'static str>,
    host: Option<&'static str>,
    app: Option<&'static str>,
    procid: Option<&'static str>,
    msgid: Option<&'static str>,
    sd: Sd,
    msg: &'static str,
}

/// `<PRI>` + free text (the host's "raw"): RFC 3164 with nothing but a priority and MSG.
const BARE: Case = Case {
    line: "",
    flavor: Flavor::Rfc3164,
    pri: None,
    version: None,
    ts: None,
    host: None,
    app: None,
    procid: None,
    msgid: None,
    sd: &[],
    msg: "",
};

const KEY_SD: Sd = &[("SEKOIA@53288", &[("intake_key", "KEY")])];

fn check(cases: &[Case], opts: &ParseOptions) {
    for c in cases {
        let m = parse(c.line).unwrap_or_else(|e| panic!("{:?}: {e}", c.line));
        let sd: Vec<(&str, Vec<(&str, &str)>)> = m
            .structured_data
            .iter()
            .map(|e| {
                let params = e.params.iter().map(|p| (p.name, p.value.as_ref())).collect();
                (e.id, params)
            })
            .collect();
        let want_sd: Vec<(&str, Vec<(&str, &str)>)> = c.sd.iter().map(|(id, ps)| (*id, ps.to_vec())).collect();
        let l = c.line;
        assert_eq!(m.flavor, c.flavor, "flavor of {l:?}");
        assert_eq!(m.priority.map(Priority::value), c.pri, "PRI of {l:?}");
        assert_eq!(m.version, c.version, "VERSION of {l:?}");
        assert_eq!(ts_at(&m, opts).as_deref(), c.ts, "TIMESTAMP of {l:?}");
        assert_eq!(m.hostname, c.host, "HOSTNAME of {l:?}");
        assert_eq!(m.app_name, c.app, "APP-NAME of {l:?}");
        assert_eq!(m.procid, c.procid, "PROCID of {l:?}");
        assert_eq!(m.msgid, c.msgid, "MSGID of {l:?}");
        assert_eq!(sd, want_sd, "STRUCTURED-DATA of {l:?}");
        assert_eq!(m.msg, c.msg, "MSG of {l:?}");
    }
}

const V1: Case = Case {
    flavor: Flavor::Rfc5424,
    version: Some(1),
    ..BARE
};
