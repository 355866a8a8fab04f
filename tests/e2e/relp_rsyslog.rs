//! RELP over TLS from the real client, rsyslog `omrelp` (librelp 1.11): OpenSSL with the CA,
//! GnuTLS with a client certificate. The crash trial (three kills) is in `crash_trials/relp.rs`.

use crate::support::senders::Rsyslog;
use crate::support::*;
use std::time::{Duration, Instant};

/// The commercial intake template, as the README shows it for omrelp.
fn template(key: &str) -> String {
    format!(
        "template(name=\"Sekoia\" type=\"string\" string=\"<%pri%>1 %timestamp:::date-rfc3339% %hostname% \
         %app-name% %procid% LOG [SEKOIA@53288 intake_key=\\\"{key}\\\"] %msg%\\n\")\n"
    )
}

/// The TLS parameters of an omrelp action (OpenSSL + CA, or a client certificate).
pub(crate) fn tls_params(host: &Host, client_cert: bool) -> String {
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
