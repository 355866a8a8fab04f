//! Syslog over TLS from real senders: rsyslog `omfwd` (GnuTLS and OpenSSL stream drivers, octet
//! counting and LF framing, the commercial intake template, two intakes routed by key) fed
//! through its `imtcp` input (raw frames and util-linux `logger`), and syslog-ng's `loggen`.

use crate::support::senders::{loggen, omfwd, template, Rsyslog};
use crate::support::*;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// How long the messages of one rsyslog run may take to arrive.
const ARRIVAL_TIMEOUT: Duration = Duration::from_secs(60);
/// Messages per rsyslog run.
const N: usize = 500;

/// What a stored event must look like.
struct Expected {
    intake: &'static str,
    facility: u8,
    severity: u8,
    hostname: Option<String>,
    appname: String,
    procid: Option<String>,
    /// The exact instant, or (for RFC 3164 inputs, whose year rsyslog infers) the suffix of
    /// the canonical `@timestamp` after the year.
    timestamp: Option<String>,
    timestamp_suffix: Option<String>,
}

/// Message `i` as fed to rsyslog (RFC 5424 or RFC 3164), and what the host must store.
fn message(i: usize) -> (String, String, Expected) {
    let alpha = i.is_multiple_of(2);
    let (intake, app_prefix) = if alpha {
        ("plain-a", "alpha")
    } else {
        ("other-c", "beta")
    };
    let pri = (i * 37 % 184) as u8 + 8; // every facility but kern (rsyslog rewrites kern from the network)
    let (facility, severity) = (pri / 8, pri % 8);
    let text = match i % 5 {
        0 => format!("msg {i} \"quoted\" and ] bracket \\ backslash"),
        1 => format!("msg {i} héllo wörld 日本語 ✓ emoji 🚀"),
        2 => format!("msg {i} [not=\"structured data\"] key=value a\\\\b"),
        3 => format!("msg {i} path=C:\\temp\\x \\\"esc\\\" ]]]"),
        _ => format!("msg {i} plain ascii with = and : and [brackets]"),
    };
    let host = format!("host-{}", i % 7);
    if i.is_multiple_of(3) {
        // RFC 3164: `<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG`.
        let (day, hh, mm, ss) = (1 + i % 28, i % 24, i % 60, (i * 7) % 60);
        let app = format!("{app_prefix}-bsd{}", i % 4);
        let with_pid = i % 2 == 1;
        let tag = if with_pid { format!("{app}[{i}]") } else { app.clone() };
        let fed = format!("<{pri}>Mar {day:>2} {hh:02}:{mm:02}:{ss:02} {host} {tag}: {text}");
        let expected = Expected {
            intake,
            facility,
            severity,
            hostname: Some(host),
            appname: app,
            procid: with_pid.then(|| i.to_string()),
            timestamp: None,
            timestamp_suffix: Some(format!("-03-{day:02}T{hh:02}:{mm:02}:{ss:02}Z")),
        };
        (fed, text, expected)
    } else {
        // RFC 5424, with a fraction, sometimes an offset, sometimes the sender's own SD (which
        // the template drops).
        let (day, hh, mm, ss, us) = (1 + i % 28, 10 + i % 12, i % 60, (i * 11) % 60, i * 1013 % 1_000_000);
        let (offset, utc_hh) = if i % 4 == 1 { ("+02:00", hh - 2) } else { ("Z", hh) };
        let app = format!("{app_prefix}-app{}", i % 5);
        let procid = i.is_multiple_of(2).then(|| format!("{}", 1000 + i));
        let sd = if i % 5 == 2 {
            r#"[origin@1 ip="10.0.0.1" q="a\"b\]c\\d"]"#
        } else {
            "-"
        };
        let fed = format!(
            "<{pri}>1 2024-04-{day:02}T{hh:02}:{mm:02}:{ss:02}.{us:06}{offset} {host} {app} {} MID{i} {sd} {text}",
            procid.as_deref().unwrap_or("-")
        );
        let expected = Expected {
            intake,
            facility,
            severity,
            hostname: Some(host),
            appname: app,
            procid,
            timestamp: Some(format!("2024-04-{day:02}T{utc_hh:02}:{mm:02}:{ss:02}.{us:06}Z")),
            timestamp_suffix: None,
        };
        (fed, text, expected)
    }
}

fn check(ev: &Value, raw: &str, e: &Expected) {
    let header = Header {
        facility: Some(e.facility),
        severity: Some(e.severity),
        version: Some(1),
        hostname: e.hostname.as_deref(),
        appname: Some(&e.appname),
        procid: e.procid.as_deref(),
        msgid: Some("LOG"),
        structured_data: None,
    };
    assert_syslog_event(ev, "syslog", e.intake, raw, &header, e.timestamp.as_deref());
    if let Some(suffix) = &e.timestamp_suffix {
        let at = ev["normalized"]["@timestamp"].as_str().unwrap_or("");
        assert!(
            at.ends_with(suffix.as_str()),
            "@timestamp {at:?} should end with {suffix}: {ev}"
        );
    }
}

/// Polls until `n` events are stored (any intake).
fn wait_stored(host: &Host, rsyslog: &Rsyslog, n: usize) {
    let deadline = std::time::Instant::now() + ARRIVAL_TIMEOUT;
    loop {
        let got = host.stored_count(None).unwrap_or(0);
        if got >= n {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "only {got} of {n} events arrived within {ARRIVAL_TIMEOUT:?}\n{}\nhost log:\n{}",
            rsyslog.diagnostics(),
            host.log().dump()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// rsyslog forwards N messages (RFC 5424 and RFC 3164 inputs, two intakes) over TLS with
/// `driver` and `framing`; every message arrives once, in its intake, with its header.
fn omfwd_case(driver: &str, framing: &str, with_logger: bool) {
    let mut host = Host::start(&basic_config());
    let port = host
        .syslog_addr()
        .rsplit_once(':')
        .expect("port")
        .1
        .parse()
        .expect("port");
    let rules = format!(
        "{}{}ruleset(name=\"fwd\") {{\n  if $app-name startswith \"alpha\" then {{\n    {}\n  }} else {{\n    {}\n  }}\n}}\n",
        template("KeyA", PLAIN_KEY),
        template("KeyC", OTHER_KEY),
        omfwd(port, driver, framing, "KeyA"),
        omfwd(port, driver, framing, "KeyC"),
    );
    let mut rsyslog = Rsyslog::start(&host.scratch("rsyslog"), &host.ca, &rules);

    let mut expected: HashMap<String, Expected> = HashMap::new();
    let mut fed = Vec::new();
    for i in 0..N {
        let (line, raw, e) = message(i);
        fed.push(line);
        assert!(expected.insert(raw, e).is_none());
    }
    rsyslog.feed(&fed);
    let mut loggers = 0;
    if with_logger {
        // util-linux logger (LF framing, its own RFC 5424 header) into the same imtcp input.
        for i in 0..20 {
            let (app, intake) = if i % 2 == 0 {
                ("alpha-logger", "plain-a")
            } else {
                ("beta-logger", "other-c")
            };
            let raw = format!("logger {i} says \"hi\" ] \\ é");
            rsyslog.logger(app, "local3.warning", &raw);
            expected.insert(
                raw,
                Expected {
                    intake,
                    facility: 19,
                    severity: 4,
                    hostname: None,
                    appname: app.into(),
                    procid: None,
                    timestamp: None,
                    timestamp_suffix: None,
                },
            );
            loggers += 1;
        }
    }
    let total = N + loggers;
    wait_stored(&host, &rsyslog, total);
    // rsyslog closes its connections on stop; anything sent twice would be stored by then.
    rsyslog.stop();
    host.stop();

    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for intake in ["plain-a", "other-c"] {
        for ev in host.intake_events(intake) {
            let raw = ev["raw"].as_str().expect("raw").to_string();
            *seen.entry(raw.clone()).or_default() += 1;
            let e = expected
                .get(&raw)
                .unwrap_or_else(|| panic!("stored but never sent: {raw:?}"));
            if e.hostname.is_none() {
                // logger's own header: check what we chose, and that the rest is there.
                assert_eq!(ev["intake"], e.intake, "{ev}");
                assert_eq!(
                    field(&ev["normalized"], "log.syslog.appname"),
                    e.appname.as_str(),
                    "{ev}"
                );
                assert_eq!(field(&ev["normalized"], "log.syslog.priority"), 156, "{ev}");
                assert_eq!(field(&ev["normalized"], "log.syslog.msgid"), "LOG", "{ev}");
                assert!(field(&ev["normalized"], "log.hostname").is_string(), "{ev}");
                assert_eq!(ev["status"], "ok", "{ev}");
            } else {
                check(&ev, &raw, e);
            }
        }
    }
    let duplicates: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(duplicates.is_empty(), "stored more than once: {duplicates:?}");
    let missing: Vec<_> = expected.keys().filter(|r| !seen.contains_key(*r)).collect();
    assert!(missing.is_empty(), "never stored: {missing:?}");
    assert_eq!(seen.len(), total);

    let t = host.listener_totals("syslog");
    assert_eq!((t["received"], t["stored"]), (total as u64, total as u64), "{t:?}");
    let rejected: u64 = t
        .iter()
        .filter(|(k, _)| k.starts_with("rejected_"))
        .map(|(_, v)| v)
        .sum();
    assert_eq!(rejected + t["store_failures"], 0, "{t:?}");
    assert_eq!(t["connections"], 2, "one connection per omfwd action: {t:?}");
    assert_eq!(t["framing_errors"], 0, "{t:?}\n{}", host.log().dump());
    assert_no_key_in_log(host.log(), &[PLAIN_KEY, OTHER_KEY]);
}

#[test]
fn rsyslog_omfwd_gtls_octet_counted() {
    omfwd_case("gtls", "octet-counted", false);
}

#[test]
fn rsyslog_omfwd_gtls_lf_framing() {
    omfwd_case("gtls", "traditional", false);
}

#[test]
fn rsyslog_omfwd_ossl_octet_counted() {
    omfwd_case("ossl", "octet-counted", true);
}

#[test]
fn rsyslog_omfwd_ossl_lf_framing() {
    omfwd_case("ossl", "traditional", true);
}

#[test]
fn loggen_rfc5424_over_tls_delivers_every_message() {
    const COUNT: usize = 20_000;
    let mut host = Host::start(&basic_config());
    let (ip, port) = host.syslog_addr().rsplit_once(':').expect("address");
    let sd = sd_key(PLAIN_KEY);
    let out = loggen(&[
        "-U",
        "-P",
        "-p",
        &sd,
        "-s",
        "300",
        "-r",
        "100000000",
        "-n",
        &COUNT.to_string(),
        "-I",
        "120",
        ip,
        port,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "loggen failed: {stderr}");
    poll("every loggen message stored", ARRIVAL_TIMEOUT, || {
        (host.stored_count(Some("plain-a")) == Some(COUNT)).then_some(())
    });
    host.stop();

    let events = host.intake_events("plain-a");
    assert_eq!(events.len(), COUNT, "loggen: {stderr}");
    let mut seqs = vec![0usize; COUNT];
    for ev in &events {
        assert_eq!(ev["status"], "ok", "{ev}");
        assert_eq!(ev["protocol"], "syslog", "{ev}");
        let raw = ev["raw"].as_str().expect("raw");
        assert!(!raw.starts_with('\u{feff}'), "the BOM is not part of MSG: {raw:?}");
        assert!(!raw.contains("intake_key"), "{raw:?}");
        let seq: usize = raw
            .strip_prefix("seq: ")
            .and_then(|r| r.split(',').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no loggen sequence number in {raw:?}"));
        assert!(seq < COUNT, "{raw:?}");
        seqs[seq] += 1;
        let n = &ev["normalized"];
        assert_eq!(field(n, "log.syslog.appname"), "prg00000", "{ev}");
        assert_eq!(field(n, "log.syslog.priority"), 38, "{ev}");
    }
    let wrong: Vec<_> = seqs.iter().enumerate().filter(|(_, n)| **n != 1).collect();
    assert!(wrong.is_empty(), "sequence numbers not stored exactly once: {wrong:?}");
    let t = host.listener_totals("syslog");
    assert_eq!((t["received"], t["stored"]), (COUNT as u64, COUNT as u64), "{t:?}");
    assert_eq!(t["framing_errors"], 0, "{t:?}");
}
