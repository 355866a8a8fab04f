//! RELP over TLS from the real client, rsyslog `omrelp` (librelp 1.11): OpenSSL with the CA,
//! GnuTLS with a client certificate, and a crash test in which the host is killed with SIGKILL
//! twice while rsyslog sends through a disk-assisted queue: nothing may be missing.

use crate::support::senders::Rsyslog;
use crate::support::*;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The commercial intake template, as the README shows it for omrelp.
fn template(key: &str) -> String {
    format!(
        "template(name=\"Sekoia\" type=\"string\" string=\"<%pri%>1 %timestamp:::date-rfc3339% %hostname% \
         %app-name% %procid% LOG [SEKOIA@53288 intake_key=\\\"{key}\\\"] %msg%\\n\")\n"
    )
}

/// The TLS parameters of an omrelp action (OpenSSL + CA, or a client certificate).
fn tls_params(host: &Host, client_cert: bool) -> String {
    let pki = host.pki();
    let mut p = format!(
        "tls=\"on\" tls.caCert=\"{}\" tls.authMode=\"name\" tls.permittedPeer=[\"localhost\"]",
        pki.ca.display()
    );
    if client_cert {
        p.push_str(&format!(
            " tls.myCert=\"{}\" tls.myPrivKey=\"{}\"",
            pki.client_cert.display(),
            pki.client_key.display()
        ));
    }
    p
}

fn port_of(addr: &str) -> u16 {
    addr.rsplit_once(':').and_then(|(_, p)| p.parse().ok()).expect("a port")
}

/// `<134>1 TS relp-host relpapp - - - TEXT` messages for the imtcp feed.
fn feed_lines(texts: impl Iterator<Item = String>) -> Vec<String> {
    texts
        .map(|t| format!("<134>1 2024-05-06T07:08:09.123456Z relp-host relpapp - - - {t}"))
        .collect()
}

/// rsyslog omrelp (`tlslib`, optionally with a client certificate) sends `n` messages: all
/// are stored exactly once.
fn omrelp_case(tlslib: &str, client_cert: bool, n: usize) {
    let builder = Host::builder(&basic_config());
    let mut host = if client_cert { builder.client_ca(true) } else { builder }.start();
    let rules = format!(
        "module(load=\"omrelp\" tls.tlslib=\"{tlslib}\")\n{}ruleset(name=\"fwd\") {{\n  \
         action(type=\"omrelp\" target=\"127.0.0.1\" port=\"{}\" template=\"Sekoia\" {} \
         action.resumeRetryCount=\"-1\" action.resumeInterval=\"1\" \
         queue.type=\"LinkedList\" queue.size=\"100000\")\n}}\n",
        template(PLAIN_KEY),
        port_of(host.relp_addr()),
        tls_params(&host, client_cert),
    );
    let mut rsyslog = Rsyslog::start(&host.scratch("rsyslog"), &host.ca, &rules);
    let texts: Vec<String> = (0..n)
        .map(|i| format!("relp {tlslib} message {i:05} \"q\" ] \\ é"))
        .collect();
    rsyslog.feed(&feed_lines(texts.iter().cloned()));
    let deadline = Instant::now() + Duration::from_secs(60);
    while host.stored_count(Some("plain-a")).unwrap_or(0) < n {
        assert!(
            Instant::now() < deadline,
            "only {:?} of {n} messages arrived\n{}\nhost log:\n{}",
            host.stored_count(Some("plain-a")),
            rsyslog.diagnostics(),
            host.log().dump()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    rsyslog.stop();
    host.stop();

    let events = host.intake_events("plain-a");
    let mut want = texts.clone();
    want.sort();
    assert_eq!(sorted_raws(&events), want, "every message exactly once");
    let header = Header {
        facility: Some(16),
        severity: Some(6),
        version: Some(1),
        hostname: Some("relp-host"),
        appname: Some("relpapp"),
        procid: None,
        msgid: Some("LOG"),
        structured_data: None,
    };
    for ev in &events {
        let raw = ev["raw"].as_str().unwrap_or("");
        assert_syslog_event(ev, "relp", "plain-a", raw, &header, Some("2024-05-06T07:08:09.123456Z"));
    }
    let t = host.listener_totals("relp");
    assert_eq!((t["received"], t["stored"]), (n as u64, n as u64), "{t:?}");
    assert_eq!(t["framing_errors"] + t["store_failures"], 0, "{t:?}");
    assert_no_key_in_log(host.log(), &[PLAIN_KEY]);
}

#[test]
fn rsyslog_omrelp_openssl_with_the_ca() {
    omrelp_case("openssl", false, 2000);
}

#[test]
fn rsyslog_omrelp_gnutls_with_a_client_certificate() {
    omrelp_case("gnutls", true, 500);
}

/// rsyslog sends 100k messages through an omrelp action with a disk-assisted queue while the
/// host is killed with SIGKILL twice (after ~20 % and ~60 % arrived) and restarted on the same
/// port and data directory: every message ends up stored; duplicates (frames committed whose
/// `rsp` was lost, resent by librelp) are allowed and counted.
#[test]
fn rsyslog_omrelp_survives_two_host_crashes_without_losing_a_message() {
    const COUNT: usize = 100_000;
    const TIMEOUT: Duration = Duration::from_secs(180);
    let started = Instant::now();
    let mut host = Host::start(&basic_config());
    // rsyslog reconnects to the same port: restarts must bind it again.
    host.pin_ports(&["relp"]);
    let relp_addr = host.relp_addr().to_string();
    let work = host.scratch("rsyslog");
    let rules = format!(
        "main_queue(queue.size=\"300000\")\nmodule(load=\"omrelp\" tls.tlslib=\"openssl\")\n{}\
         ruleset(name=\"fwd\") {{\n  action(type=\"omrelp\" target=\"127.0.0.1\" port=\"{}\" template=\"Sekoia\" {} \
         queue.type=\"LinkedList\" queue.filename=\"relpq\" queue.size=\"300000\" queue.saveOnShutdown=\"on\" \
         queue.maxDiskSpace=\"1g\" action.resumeRetryCount=\"-1\" action.resumeInterval=\"1\")\n}}\n",
        template(PLAIN_KEY),
        port_of(host.relp_addr()),
        tls_params(&host, false),
    );
    let mut rsyslog = Rsyslog::start(&work, &host.ca, &rules);
    let lines = feed_lines((0..COUNT).map(|i| format!("crash seq={i:06}")));
    let feeder = {
        let port = rsyslog.feed_port;
        std::thread::spawn(move || {
            use std::io::Write;
            let mut tcp = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect to imtcp");
            let mut bytes = Vec::new();
            for m in &lines {
                bytes.extend_from_slice(format!("{} {m}", m.len()).as_bytes());
            }
            tcp.write_all(&bytes).expect("feed rsyslog");
        })
    };
    let wait_count = |host: &Host, rsyslog: &Rsyslog, n: usize| loop {
        let got = host.stored_count(Some("plain-a")).unwrap_or(0);
        if got >= n {
            return got;
        }
        assert!(
            started.elapsed() < TIMEOUT,
            "only {got} stored after {TIMEOUT:?} (waiting for {n})\n{}\nhost log:\n{}",
            rsyslog.diagnostics(),
            host.log().dump()
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut kills = Vec::new();
    for fraction in [20, 60] {
        let at = wait_count(&host, &rsyslog, COUNT * fraction / 100);
        host.kill9();
        kills.push(at);
        host.restart();
        assert_eq!(host.relp_addr(), relp_addr, "the restarted host listens elsewhere");
    }
    feeder.join().expect("feeder thread");

    // Wait until every sequence number is there (duplicates make the count alone misleading).
    let mut seen: HashMap<usize, usize>;
    let mut floor = COUNT;
    loop {
        let n = wait_count(&host, &rsyslog, floor);
        seen = HashMap::new();
        let mut stray = Vec::new();
        host.for_each_event("plain-a", |ev| {
            let raw = ev["raw"].as_str().unwrap_or("");
            match raw.strip_prefix("crash seq=").and_then(|s| s.parse::<usize>().ok()) {
                Some(seq) if seq < COUNT => *seen.entry(seq).or_default() += 1,
                _ => stray.push(raw.to_string()),
            }
        });
        assert!(
            stray.is_empty(),
            "unexpected events: {:?}",
            &stray[..stray.len().min(10)]
        );
        if seen.len() == COUNT {
            break;
        }
        // Some are still in rsyslog's queue or librelp's window: wait for more to arrive.
        floor = n + 1;
    }
    rsyslog.stop();
    host.stop();

    let mut duplicated: Vec<(usize, usize)> = seen.iter().filter(|(_, n)| **n > 1).map(|(s, n)| (*s, *n)).collect();
    duplicated.sort_unstable();
    let extra: usize = duplicated.iter().map(|(_, n)| n - 1).sum();
    eprintln!(
        "crash test: killed at {kills:?} stored events; {COUNT} messages all stored; {extra} duplicate \
         events ({} messages stored more than once: {:?}); {:?} in all",
        duplicated.len(),
        &duplicated[..duplicated.len().min(20)],
        started.elapsed()
    );
    assert_eq!(seen.len(), COUNT, "messages missing");
}
