//! RELP over TLS, byte by byte: hand-written librelp-style sessions with exact expectations for
//! every answer (`rsp`, `serverclose`), the error cases of librelp's protocol, hostile and idle
//! sessions, client certificates, and SIGTERM in the middle of a session.

use crate::support::tls::{client_config, TlsClient, ANSWER_TIMEOUT};
use crate::support::*;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const UNKNOWN_KEY: &str = "e2e-unknown-key-uuuuuuuuuuuuuuuu";
const TS: &str = "2024-05-06T07:08:09.123456Z";
/// What librelp 1.11 offers in its `open`.
const OFFERS: &str = "relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog";
const SERVERCLOSE: &str = "0 serverclose 0\n";
/// `relp.max_data_bytes` where a test sets it.
const MAX_DATA: usize = 1024;

/// `TXNR COMMAND DATALEN[ DATA]\n`.
fn frame(txnr: u32, command: &str, data: &str) -> String {
    if data.is_empty() {
        format!("{txnr} {command} 0\n")
    } else {
        format!("{txnr} {command} {} {data}\n", data.len())
    }
}

/// The server's answer `TXNR rsp DATALEN[ DATA]\n`.
fn rsp(txnr: u32, data: &str) -> String {
    frame(txnr, "rsp", data)
}

fn ok(txnr: u32) -> String {
    rsp(txnr, "200 OK")
}

/// The answer to `open`.
fn open_answer() -> String {
    format!(
        "200 OK\nrelp_version=0\nrelp_software=intake-edge,{}\ncommands=syslog",
        env!("CARGO_PKG_VERSION")
    )
}

/// An RFC 5424 message with the key of `key` (no SD element if `None`).
fn msg(key: Option<&str>, text: &str) -> String {
    let sd = key.map_or("-".to_string(), sd_key);
    format!("<134>1 {TS} relp-host relpapp 99 MID {sd} {text}")
}

/// Connects and opens a session (txnr 1).
fn open(addr: &str, host: &Host) -> TlsClient {
    let mut c = TlsClient::connect(addr, &host.ca);
    c.send(frame(1, "open", OFFERS).as_bytes());
    c.expect(rsp(1, &open_answer()).as_bytes());
    c
}

fn relp_header() -> Header<'static> {
    Header {
        facility: Some(16),
        severity: Some(6),
        version: Some(1),
        hostname: Some("relp-host"),
        appname: Some("relpapp"),
        procid: Some("99"),
        msgid: Some("MID"),
        structured_data: None,
    }
}

#[test]
fn session_transcript_window_and_counters() {
    let mut host = Host::start(&basic_config());
    let addr = host.relp_addr().to_string();

    // librelp's own transcript: open, syslog, close, rsp 0, serverclose.
    let mut c = open(&addr, &host);
    c.send(frame(2, "syslog", &msg(Some(PLAIN_KEY), "message one")).as_bytes());
    c.expect(ok(2).as_bytes());
    // DATA is opaque: an LF inside it is part of the message.
    c.send(frame(3, "syslog", &msg(Some(PLAIN_KEY), "line one\nline two")).as_bytes());
    c.expect(ok(3).as_bytes());
    c.send(frame(4, "close", "").as_bytes());
    c.expect_closed_after(format!("{}{SERVERCLOSE}", rsp(4, "")).as_bytes(), ANSWER_TIMEOUT);

    // A window of frames in one write, rejected ones among them: answers in frame order.
    let mut c = open(&addr, &host);
    let (mut sent, mut answers, mut stored) = (String::new(), String::new(), Vec::new());
    for txnr in 2..=201u32 {
        let (f, a) = match txnr {
            50 => (
                frame(txnr, "syslog", &msg(None, "no key")),
                rsp(txnr, "500 no SEKOIA@53288 intake_key element"),
            ),
            100 => (
                frame(txnr, "syslog", &msg(Some(UNKNOWN_KEY), "unknown key")),
                rsp(txnr, "500 unknown intake key"),
            ),
            150 => (
                frame(
                    txnr,
                    "syslog",
                    &format!("<999>1 {TS} h a - - {} bad", sd_key(PLAIN_KEY)),
                ),
                rsp(txnr, "500 invalid PRI: <999> is above 191"),
            ),
            175 => (frame(txnr, "starttls", ""), rsp(txnr, "500 unknown command starttls")),
            _ => {
                let text = format!("window frame {txnr}");
                stored.push(text.clone());
                (frame(txnr, "syslog", &msg(Some(PLAIN_KEY), &text)), ok(txnr))
            }
        };
        sent.push_str(&f);
        answers.push_str(&a);
    }
    c.send(sent.as_bytes());
    c.expect(answers.as_bytes());
    c.send(frame(202, "close", "").as_bytes());
    c.expect_closed_after(format!("{}{SERVERCLOSE}", rsp(202, "")).as_bytes(), ANSWER_TIMEOUT);
    host.stop();

    stored.extend(["message one".to_string(), "line one\nline two".to_string()]);
    stored.sort();
    let events = host.intake_events("plain-a");
    assert_eq!(sorted_raws(&events), stored);
    for ev in &events {
        assert_syslog_event(
            ev,
            "relp",
            "plain-a",
            ev["raw"].as_str().unwrap_or(""),
            &relp_header(),
            Some(TS),
        );
    }
    assert_eq!(
        host.listener_totals("relp"),
        totals(&[
            ("connections", 2),
            ("received", 201),
            ("stored", 198),
            ("rejected_no_key", 1),
            ("rejected_unknown_key", 1),
            ("rejected_malformed", 1),
        ])
    );
    assert_no_key_in_log(host.log(), &[PLAIN_KEY, UNKNOWN_KEY, OTHER_KEY, JSON_KEY]);
}

#[test]
fn protocol_errors_end_or_continue_the_session_like_librelp() {
    let body = format!(
        "{}\n[[relp.bound]]\nlisten = \"127.0.0.1:0\"\nintake = \"other-c\"\n",
        basic_config()
    );
    let mut host = Host::builder(&body)
        .relp_settings(&format!("max_data_bytes = {MAX_DATA}"))
        .env("RUST_LOG", "debug,wasmtime=warn,cranelift=warn")
        .start();
    let addr = host.relp_addr().to_string();
    let good = |txnr: u32, text: &str| frame(txnr, "syslog", &msg(Some(PLAIN_KEY), text));
    let mut stored = vec![];

    // syslog before open: 500, serverclose, closed.
    let mut c = TlsClient::connect(&addr, &host.ca);
    c.send(good(1, "before open").as_bytes());
    let want = format!("{}{SERVERCLOSE}", rsp(1, "500 session not open: send open first"));
    c.expect_closed_after(want.as_bytes(), ANSWER_TIMEOUT);

    // open without relp_version: refused.
    let mut c = TlsClient::connect(&addr, &host.ca);
    c.send(frame(1, "open", "commands=syslog").as_bytes());
    let want = format!("{}{SERVERCLOSE}", rsp(1, "500 open without relp_version offer"));
    c.expect_closed_after(want.as_bytes(), ANSWER_TIMEOUT);

    // A transaction number that is not the previous one + 1.
    let mut c = open(&addr, &host);
    c.send(good(3, "skipped txnr 2").as_bytes());
    let want = format!("{}{SERVERCLOSE}", rsp(3, "500 wrong transaction number 3, expected 2"));
    c.expect_closed_after(want.as_bytes(), ANSWER_TIMEOUT);

    // A second open.
    let mut c = open(&addr, &host);
    c.send(frame(2, "open", OFFERS).as_bytes());
    let want = format!("{}{SERVERCLOSE}", rsp(2, "500 session already open"));
    c.expect_closed_after(want.as_bytes(), ANSWER_TIMEOUT);

    // Unknown commands, refused messages and oversized frames are answered; the session goes on.
    let mut c = open(&addr, &host);
    c.send(frame(2, "starttls", "").as_bytes());
    c.expect(rsp(2, "500 unknown command starttls").as_bytes());
    c.send(frame(3, "syslog", &msg(None, "no key")).as_bytes());
    c.expect(rsp(3, "500 no SEKOIA@53288 intake_key element").as_bytes());
    c.send(frame(4, "syslog", &msg(Some(UNKNOWN_KEY), "unknown key")).as_bytes());
    c.expect(rsp(4, "500 unknown intake key").as_bytes());
    c.send(frame(5, "syslog", "<13>1 not-a-time h a - - - x").as_bytes());
    c.expect(
        rsp(
            5,
            "500 invalid RFC 5424 timestamp \"not-a-time\": expected 4-digit year at byte 0",
        )
        .as_bytes(),
    );
    let big = msg(Some(PLAIN_KEY), &"x".repeat(2 * MAX_DATA));
    c.send(frame(6, "syslog", &big).as_bytes());
    let over = format!("500 syslog frame of {} bytes, over the limit of {MAX_DATA}", big.len());
    c.expect(rsp(6, &over).as_bytes());
    c.send(good(7, "after the refusals").as_bytes());
    c.expect(ok(7).as_bytes());
    stored.push("after the refusals".to_string());
    c.send(frame(8, "syslog", "").as_bytes());
    c.expect(rsp(8, "500 empty message").as_bytes());
    c.send(frame(9, "close", "").as_bytes());
    c.expect_closed_after(format!("{}{SERVERCLOSE}", rsp(9, "")).as_bytes(), ANSWER_TIMEOUT);

    // Transaction numbers wrap from 999999999 to 1, as librelp's do.
    let mut c = TlsClient::connect(&addr, &host.ca);
    c.send(frame(999_999_998, "open", OFFERS).as_bytes());
    c.expect(rsp(999_999_998, &open_answer()).as_bytes());
    c.send(good(999_999_999, "txnr 999999999").as_bytes());
    c.expect(ok(999_999_999).as_bytes());
    c.send(good(1, "txnr wrapped to 1").as_bytes());
    c.expect(ok(1).as_bytes());
    stored.extend(["txnr 999999999".to_string(), "txnr wrapped to 1".to_string()]);
    c.send(frame(2, "close", "").as_bytes());
    c.expect_closed_after(format!("{}{SERVERCLOSE}", rsp(2, "")).as_bytes(), ANSWER_TIMEOUT);

    // Malformed frames end the session without an answer, as in librelp.
    for bad in [
        "abc syslog 3 xyz\n".to_string(),
        "2 syslog 5 hello!!\n".to_string(),
        "2 syslog 5x hello\n".to_string(),
        "1234567890 syslog 1 x\n".to_string(),
        format!("2 {} 1 x\n", "a".repeat(33)),
    ] {
        let mut c = open(&addr, &host);
        c.send(bad.as_bytes());
        c.expect_closed_after(b"", ANSWER_TIMEOUT);
    }

    // DATALEN 999999999: answered at once, then skipped as it streams in, never buffered.
    let rss_before = host.rss_kib();
    let mut huge = open(&addr, &host);
    huge.send(b"2 syslog 999999999 ");
    huge.expect(
        rsp(
            2,
            &format!("500 syslog frame of 999999999 bytes, over the limit of {MAX_DATA}"),
        )
        .as_bytes(),
    );
    let chunk = vec![b'z'; 256 * 1024];
    for _ in 0..64 {
        huge.send(&chunk);
    }
    // Other sessions are served meanwhile.
    let mut c = open(&addr, &host);
    c.send(good(2, "beside a huge frame").as_bytes());
    c.expect(ok(2).as_bytes());
    stored.push("beside a huge frame".to_string());
    let grown = host.rss_kib().saturating_sub(rss_before);
    assert!(
        grown < 32 * 1024,
        "the server grew by {grown} KiB while skipping 16 MiB"
    );
    c.send(frame(3, "close", "").as_bytes());
    c.expect_closed_after(format!("{}{SERVERCLOSE}", rsp(3, "")).as_bytes(), ANSWER_TIMEOUT);

    // The listener bound to other-c needs no key.
    let mut c = open(host.bound_addr("relp", "other-c"), &host);
    c.send(frame(2, "syslog", &msg(None, "bound, no key")).as_bytes());
    c.expect(ok(2).as_bytes());
    c.send(frame(3, "close", "").as_bytes());
    c.expect_closed_after(format!("{}{SERVERCLOSE}", rsp(3, "")).as_bytes(), ANSWER_TIMEOUT);

    // A graceful stop with the huge session still open tells it so.
    host.signal("TERM");
    huge.expect_closed_after(SERVERCLOSE.as_bytes(), ANSWER_TIMEOUT);
    let status = host.wait_exit(Duration::from_secs(30));
    assert!(status.is_some_and(|s| s.success()), "graceful stop: {status:?}");

    stored.sort();
    assert_eq!(sorted_raws(&host.intake_events("plain-a")), stored);
    let bound = host.intake_events("other-c");
    assert_eq!(bound.len(), 1);
    assert_syslog_event(&bound[0], "relp", "other-c", "bound, no key", &relp_header(), Some(TS));
    assert_eq!(
        host.listener_totals("relp"),
        totals(&[
            // before open, no version, txnr, second open, refusals, wrap, 5 malformed, huge, beside
            ("connections", 13),
            // Refused before open or for its txnr: not counted; the oversized and huge ones are.
            ("received", 10),
            ("stored", 4),
            ("rejected_no_key", 1),
            ("rejected_unknown_key", 1),
            ("rejected_malformed", 2),
            ("rejected_oversized", 2),
            ("framing_errors", 5),
        ])
    );
    assert_eq!(
        host.listener_totals("relp:other-c"),
        totals(&[("connections", 1), ("received", 1), ("stored", 1)])
    );
    assert_no_key_in_log(host.log(), &[PLAIN_KEY, UNKNOWN_KEY, OTHER_KEY, JSON_KEY]);
}

#[test]
fn idle_and_half_open_sessions_never_block_others() {
    let mut host = Host::builder(&basic_config())
        .relp_settings("idle_timeout_secs = 1")
        .start();
    let addr = host.relp_addr().to_string();

    // A client that never sends open, and one that stops in the middle of a frame.
    let since = Instant::now();
    let mut silent = TlsClient::connect(&addr, &host.ca);
    let mut half = open(&addr, &host);
    half.send(b"2 syslog 80 <134>1 2024-05-06T07:08:09Z h a - - - half a fra");

    // Meanwhile a whole session goes through.
    let mut c = open(&addr, &host);
    c.send(frame(2, "syslog", &msg(Some(PLAIN_KEY), "beside idle sessions")).as_bytes());
    c.expect(ok(2).as_bytes());
    c.send(frame(3, "close", "").as_bytes());
    c.expect_closed_after(format!("{}{SERVERCLOSE}", rsp(3, "")).as_bytes(), ANSWER_TIMEOUT);

    // After relp.idle_timeout_secs both idle sessions are closed: the half-open one with a
    // serverclose hint, the silent one (it never spoke RELP) without a word.
    for (name, client, hint) in [("silent", &mut silent, ""), ("half-open", &mut half, SERVERCLOSE)] {
        client.expect_closed_after(hint.as_bytes(), ANSWER_TIMEOUT);
        let waited = since.elapsed();
        assert!(
            waited >= Duration::from_millis(900) && waited < Duration::from_secs(8),
            "the {name} session was closed after {waited:?}, not after the 1 s idle timeout"
        );
    }
    host.stop();
    assert_eq!(sorted_raws(&host.intake_events("plain-a")), ["beside idle sessions"]);
    assert_eq!(
        host.listener_totals("relp"),
        totals(&[("connections", 2), ("received", 1), ("stored", 1)])
    );
}

#[test]
fn client_certificates_are_verified_when_required() {
    let mut host = Host::builder(&basic_config()).client_ca(true).start();
    let addr = host.relp_addr().to_string();
    let pki = host.pki().clone();

    // No certificate: the handshake (TLS 1.3: the first read) fails.
    let refused = TlsClient::try_connect(&addr, client_config(&host.ca, None)).and_then(|mut c| {
        c.try_send(frame(1, "open", OFFERS).as_bytes())?;
        let (got, end) = c.read_to_end(ANSWER_TIMEOUT);
        if got.is_empty() && end.closed() {
            Err(std::io::Error::other("closed"))
        } else {
            Ok(got)
        }
    });
    assert!(
        refused.is_err(),
        "a client without a certificate was served: {refused:?}"
    );

    // A certificate from another CA: refused too.
    let stranger = Pki::mint(&host.scratch("stranger-pki"));
    let foreign = client_config(&host.ca, Some((&stranger.client_cert, &stranger.client_key)));
    let refused = TlsClient::try_connect(&addr, foreign).and_then(|mut c| {
        c.try_send(frame(1, "open", OFFERS).as_bytes())?;
        let (got, end) = c.read_to_end(ANSWER_TIMEOUT);
        if got.is_empty() && end.closed() {
            Err(std::io::Error::other("closed"))
        } else {
            Ok(got)
        }
    });
    assert!(
        refused.is_err(),
        "a client certificate from another CA was accepted: {refused:?}"
    );

    // The test CA's client certificate: served, on RELP and syslog alike.
    let config = client_config(&host.ca, Some((&pki.client_cert, &pki.client_key)));
    let mut c = TlsClient::try_connect(&addr, config.clone()).expect("TLS with a client certificate");
    c.send(frame(1, "open", OFFERS).as_bytes());
    c.expect(rsp(1, &open_answer()).as_bytes());
    c.send(frame(2, "syslog", &msg(Some(PLAIN_KEY), "with a client certificate")).as_bytes());
    c.expect(ok(2).as_bytes());
    c.send(frame(3, "close", "").as_bytes());
    c.expect_closed_after(format!("{}{SERVERCLOSE}", rsp(3, "")).as_bytes(), ANSWER_TIMEOUT);
    let mut s = TlsClient::try_connect(host.syslog_addr(), config).expect("syslog with a client certificate");
    s.send(format!("{}\n", msg(Some(PLAIN_KEY), "syslog with a client certificate")).as_bytes());
    s.close();
    host.stop();
    assert_eq!(
        sorted_raws(&host.intake_events("plain-a")),
        ["syslog with a client certificate", "with a client certificate"]
    );
}

/// Parses the server's `TXNR rsp DATALEN DATA\n` frames off the front of `bytes`; returns them
/// and what is left.
fn parse_rsps(mut bytes: &[u8]) -> (Vec<(u32, String)>, &[u8]) {
    let mut out = Vec::new();
    loop {
        let text = String::from_utf8_lossy(bytes);
        let mut parts = text.splitn(4, ' ');
        let (Some(txnr), Some("rsp"), Some(len)) = (parts.next(), parts.next(), parts.next()) else {
            return (out, bytes);
        };
        let (Ok(txnr), Ok(len)) = (txnr.parse::<u32>(), len.trim_end_matches('\n').parse::<usize>()) else {
            return (out, bytes);
        };
        let head = format!("{txnr} rsp {len} ").len();
        if bytes.len() < head + len + 1 {
            return (out, bytes);
        }
        assert_eq!(bytes[head + len], b'\n', "rsp not terminated by LF");
        out.push((txnr, String::from_utf8_lossy(&bytes[head..head + len]).into_owned()));
        bytes = &bytes[head + len + 1..];
    }
}

#[test]
fn sigterm_mid_session_answers_what_it_read_and_keeps_every_acked_frame() {
    const FRAMES: u32 = 3000;
    let mut host = Host::start(&basic_config());
    let mut c = open(host.relp_addr(), &host);
    let text = |txnr: u32| format!("sigterm frame {txnr:05} {}", "p".repeat(100));
    let syslog = |txnr: u32| frame(txnr, "syslog", &msg(Some(PLAIN_KEY), &text(txnr)));
    // The first frames are acknowledged before the signal.
    c.send((2..=101).map(syslog).collect::<String>().as_bytes());
    c.expect((2..=101).map(ok).collect::<String>().as_bytes());

    // The rest streams in, 50 frames per write, answers read as they come (like librelp), while
    // the server stops.
    let mut answers = Vec::new();
    let mut sent_after = 0;
    for (i, txnrs) in (102..FRAMES + 102).collect::<Vec<_>>().chunks(50).enumerate() {
        if i == 4 {
            host.signal("TERM");
        }
        if c.try_send(txnrs.iter().map(|t| syslog(*t)).collect::<String>().as_bytes())
            .is_err()
        {
            break;
        }
        sent_after += txnrs.len();
        let (got, end) = c.read_until(Duration::from_millis(1), |_| false);
        answers.extend(got);
        if end.closed() {
            break;
        }
    }
    let (got, end) = c.read_to_end(Duration::from_secs(30));
    answers.extend(got);
    assert!(end.closed(), "the server did not close the session");
    let status = host.wait_exit(Duration::from_secs(30));
    assert!(status.is_some_and(|s| s.success()), "graceful stop: {status:?}");

    let (rsps, rest) = parse_rsps(&answers);
    assert_eq!(
        String::from_utf8_lossy(rest),
        SERVERCLOSE,
        "the session must end with a serverclose hint after the last rsp"
    );
    let mut acked: BTreeSet<String> = (2..=101).map(text).collect();
    for (i, (txnr, data)) in rsps.iter().enumerate() {
        assert_eq!(*txnr, 102 + i as u32, "answers in frame order, none skipped: {rsps:?}");
        assert_eq!(data, "200 OK", "frame {txnr}");
        acked.insert(text(*txnr));
    }
    eprintln!(
        "SIGTERM mid-session: {sent_after} frames sent after the first 100, {} of them acknowledged",
        rsps.len()
    );

    // The store, read with the server stopped.
    let stored = sorted_raws(&host.intake_events("plain-a"));
    let stored_set: BTreeSet<String> = stored.iter().cloned().collect();
    assert_eq!(stored.len(), stored_set.len(), "an event stored twice");
    let missing: Vec<_> = acked.difference(&stored_set).collect();
    assert!(missing.is_empty(), "acknowledged but not stored: {missing:?}");
    // What was read was answered: nothing is stored without its 200 OK.
    let unacked: Vec<_> = stored_set.difference(&acked).collect();
    assert!(unacked.is_empty(), "stored without an answer: {unacked:?}");
}

/// A client that sends and never reads: once its answers fill the socket buffers, the server's
/// write waits `limits.write_timeout_secs` and then ends that connection alone; other sessions
/// are served meanwhile.
#[test]
fn a_client_that_never_reads_its_answers_is_dropped_after_the_write_timeout() {
    let mut host = Host::start(&format!("{}\n[limits]\nwrite_timeout_secs = 2\n", basic_config()));
    let addr = host.relp_addr().to_string();
    let mut deaf =
        TlsClient::try_connect_with(&addr, client_config(&host.ca, None), None, Some(4096)).expect("connect");
    deaf.send(frame(1, "open", OFFERS).as_bytes());
    // Unknown commands are answered with an error rsp and cost no commit: each 12-byte frame
    // makes a 36-byte answer, so the answers fill the buffers long before the frames do.
    let started = Instant::now();
    let mut txnr = 2u32;
    let mut sent = 0usize;
    let flood = loop {
        let chunk: String = (txnr..txnr + 1000).map(|t| frame(t, "nop", "")).collect();
        txnr += 1000;
        if let Err(e) = deaf.try_send(chunk.as_bytes()) {
            break e;
        }
        sent += 1000;
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server kept taking frames"
        );
    };
    let flood_secs = started.elapsed().as_secs_f64();
    eprintln!("write timeout: the deaf client sent {sent} frames and was cut off after {flood_secs:.1} s ({flood})");
    // Meanwhile, and after, other sessions are served.
    let mut c = open(&addr, &host);
    c.send(frame(2, "syslog", &msg(Some(PLAIN_KEY), "beside a deaf client")).as_bytes());
    c.expect(ok(2).as_bytes());
    c.send(frame(3, "close", "").as_bytes());
    c.expect_closed_after(format!("{}{SERVERCLOSE}", rsp(3, "")).as_bytes(), ANSWER_TIMEOUT);
    host.log().wait_for(
        0,
        "Closed a connection that did not read its answers in time.",
        ANSWER_TIMEOUT,
    );
    host.stop();
    let totals = host.listener_totals("relp");
    assert_eq!(totals["write_timeouts"], 1, "{totals:?}");
}
