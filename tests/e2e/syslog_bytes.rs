//! Syslog over TLS, byte by byte: every RFC 6587 framing edge case, key handling, parser corner
//! cases and hostile connections, written with a raw TLS client; the listener's counters are
//! checked from its "Listener totals." line after a graceful stop.

use crate::support::tls::{TlsClient, ANSWER_TIMEOUT};
use crate::support::*;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const UNKNOWN_KEY: &str = "e2e-unknown-key-uuuuuuuuuuuuuuuu";
const TS: &str = "2024-05-06T07:08:09.123456Z";
/// `syslog.max_frame_bytes` of these tests.
const MAX_FRAME: usize = 1024;

/// An RFC 5424 message: `<PRI>1 TS edge-host APP 42 ID1 SD MSG`.
fn m5424(pri: u8, app: &str, sd: &str, msg: &str) -> String {
    format!("<{pri}>1 {TS} edge-host {app} 42 ID1 {sd} {msg}")
}

/// `LEN SP MSG`.
fn octet(msg: &[u8]) -> Vec<u8> {
    let mut frame = format!("{} ", msg.len()).into_bytes();
    frame.extend_from_slice(msg);
    frame
}

/// The header of [`m5424`] messages.
fn header(pri: u8, app: &str) -> Header<'_> {
    Header {
        facility: Some(pri / 8),
        severity: Some(pri % 8),
        version: Some(1),
        hostname: Some("edge-host"),
        appname: Some(app),
        procid: Some("42"),
        msgid: Some("ID1"),
        structured_data: None,
    }
}

fn by_raw(events: Vec<Value>) -> HashMap<String, Value> {
    let mut map = HashMap::new();
    for ev in events {
        let raw = ev["raw"].as_str().expect("raw").to_string();
        assert!(map.insert(raw.clone(), ev).is_none(), "stored twice: {raw:?}");
    }
    map
}

#[test]
fn framing_edge_cases_keys_and_counters() {
    let mut host = Host::builder(&basic_config())
        .syslog_settings(&format!("max_frame_bytes = {MAX_FRAME}"))
        .env("RUST_LOG", "debug,wasmtime=warn,cranelift=warn")
        .start();
    let key = sd_key(PLAIN_KEY);
    let mut stored: Vec<(String, Header)> = Vec::new();
    let mut expect = |raw: &str, h: Header<'static>| stored.push((raw.to_string(), h));

    // One connection, frames of every kind back to back, in writes that split frames.
    let mut stream: Vec<u8> = Vec::new();
    stream.extend(octet(m5424(13, "octet", &key, "octet counted one").as_bytes()));
    expect("octet counted one", header(13, "octet"));
    stream.extend(format!("{}\n", m5424(14, "lf", &key, "lf framed two")).as_bytes());
    expect("lf framed two", header(14, "lf"));
    stream.extend(format!("{}\r\n", m5424(15, "crlf", &key, "crlf framed three")).as_bytes());
    expect("crlf framed three", header(15, "crlf"));
    stream.extend(format!("{}\0", m5424(16, "nul", &key, "nul framed four")).as_bytes());
    expect("nul framed four", header(16, "nul"));
    let five = m5424(17, "zeros", &key, "leading zero count five");
    stream.extend(format!("{:09} {five}", five.len()).as_bytes());
    expect("leading zero count five", header(17, "zeros"));
    stream.extend(octet(
        m5424(18, "multi", &key, "first line\nsecond line six").as_bytes(),
    ));
    expect("first line\nsecond line six", header(18, "multi"));
    // rsyslog counts the template's LF inside the frame: one trailing LF is not the message's.
    stream.extend(octet(
        format!("{}\n", m5424(19, "trail", &key, "trailing lf seven")).as_bytes(),
    ));
    expect("trailing lf seven", header(19, "trail"));
    // Stray terminators between frames.
    stream.extend(b"\n\n\r\n\0\n");
    // An oversized octet-counted frame is skipped and counted; the next one is read.
    let big = m5424(20, "big", &key, &"x".repeat(2 * MAX_FRAME));
    stream.extend(octet(big.as_bytes()));
    stream.extend(octet(
        m5424(21, "after", &key, "after an oversized octet frame").as_bytes(),
    ));
    expect("after an oversized octet frame", header(21, "after"));
    // The same for an oversized LF-framed line.
    stream.extend(format!("{big}\n").as_bytes());
    stream.extend(format!("{}\n", m5424(22, "after", &key, "after an oversized line")).as_bytes());
    expect("after an oversized line", header(22, "after"));
    // A BOM before MSG (RFC 5424 MSG-UTF8), and UTF-8 text.
    stream.extend(format!("{}\n", m5424(23, "bom", &key, "\u{feff}bom héllo 日本 eight")).as_bytes());
    expect("bom héllo 日本 eight", header(23, "bom"));
    // Rejected: no key, an unknown key, garbage, a broken PRI, a broken RFC 5424 header.
    stream.extend(format!("{}\n", m5424(24, "nokey", "-", "no key at all")).as_bytes());
    stream.extend(format!("{}\n", m5424(25, "unknown", &sd_key(UNKNOWN_KEY), "unknown key")).as_bytes());
    stream.extend(b"\x01\x02garbage \xff\xfe bytes\n");
    stream.extend(format!("<999>1 {TS} h a - - {key} bad pri\n").as_bytes());
    stream.extend(format!("<13>1 not-a-time h a - - {key} bad timestamp\n").as_bytes());
    // The key among other SD elements: stored without it, the others re-escaped.
    let sd = format!(r#"[a@1 x="q\"uote\]br\\bs" n="2"]{key}[b@2 y="é"]"#);
    stream.extend(format!("{}\n", m5424(26, "sd", &sd, "key among other elements")).as_bytes());
    expect(
        "key among other elements",
        Header {
            structured_data: Some(r#"[a@1 x="q\"uote\]br\\bs" n="2"][b@2 y="é"]"#),
            ..header(26, "sd")
        },
    );
    // Another intake's key on the same connection.
    stream.extend(format!("{}\n", m5424(27, "other", &sd_key(OTHER_KEY), "for the other intake")).as_bytes());

    let mut c = TlsClient::connect(host.syslog_addr(), &host.ca);
    for chunk in stream.chunks(333) {
        c.send(chunk);
    }
    c.close();

    // EOF inside an octet-counted frame: counted as a framing error; the frame before it stays.
    let mut c = TlsClient::connect(host.syslog_addr(), &host.ca);
    let mut tail = format!("{}\n", m5424(28, "eof", &key, "before a truncated frame")).into_bytes();
    tail.extend(b"100 <13>1 2024-05-06T07:08:09Z h a - - - cut short");
    c.send(&tail);
    c.close();
    expect("before a truncated frame", header(28, "eof"));

    // A last LF-framed message without its LF: the sender closed right after it.
    let mut c = TlsClient::connect(host.syslog_addr(), &host.ca);
    c.send(m5424(29, "last", &key, "no final newline").as_bytes());
    c.close();
    expect("no final newline", header(29, "last"));

    // Every connection is closed by the server after its events were committed.
    host.stop();
    let events = by_raw(host.intake_events("plain-a"));
    let mut want: Vec<&str> = stored.iter().map(|(r, _)| r.as_str()).collect();
    want.sort_unstable();
    let mut got: Vec<&str> = events.keys().map(String::as_str).collect();
    got.sort_unstable();
    assert_eq!(got, want, "stored events of plain-a");
    for (raw, h) in &stored {
        assert_syslog_event(&events[raw.as_str()], "syslog", "plain-a", raw, h, Some(TS));
    }
    let other = host.intake_events("other-c");
    assert_eq!(other.len(), 1, "{other:?}");
    assert_syslog_event(
        &other[0],
        "syslog",
        "other-c",
        "for the other intake",
        &header(27, "other"),
        Some(TS),
    );
    assert!(host.intake_events("json-b").is_empty());

    assert_eq!(
        host.listener_totals("syslog"),
        totals(&[
            ("connections", 3),
            ("received", 21),
            ("stored", 14),
            ("rejected_no_key", 2),
            ("rejected_unknown_key", 1),
            ("rejected_malformed", 2),
            ("rejected_oversized", 2),
            ("framing_errors", 1),
        ]),
        "log:\n{}",
        host.log().dump()
    );
    // The listener logs up to 10 rejections per 10 s, whatever the connections, with the reason.
    let reasons: Vec<Value> = host
        .log()
        .with_message("Syslog message rejected.")
        .iter()
        .map(|e| e["fields"]["reason"].clone())
        .collect();
    assert_eq!(
        reasons,
        [
            "message over the size limit",
            "message over the size limit",
            "no intake key",
            "unknown intake key",
            "no intake key",
            "malformed message",
            "malformed message",
        ]
    );
    assert_no_key_in_log(host.log(), &[PLAIN_KEY, OTHER_KEY, UNKNOWN_KEY, JSON_KEY]);
}

/// Sends one good message on a new connection and waits until it is stored.
fn assert_serves(host: &Host, intake_count: &mut usize, text: &str) {
    let mut c = TlsClient::connect(host.syslog_addr(), &host.ca);
    c.send(format!("{}\n", m5424(13, "alive", &sd_key(PLAIN_KEY), text)).as_bytes());
    c.close();
    *intake_count += 1;
    let n = host.stored_count(Some("plain-a"));
    assert_eq!(n, Some(*intake_count), "{text}: stored events of plain-a");
}

#[test]
fn hostile_connections_close_alone_and_never_block_the_host() {
    let mut host = Host::builder(&format!(
        "{}\n[limits]\ntls_handshake_timeout_secs = 1\n",
        basic_config()
    ))
    .syslog_settings(&format!("max_frame_bytes = {MAX_FRAME}"))
    .start();
    let addr = host.syslog_addr().to_string();
    let key = sd_key(PLAIN_KEY);
    let mut n = 0;

    // TLS handshakes that never complete: a silent TCP client, and one sending garbage.
    let silent = TcpStream::connect(&addr).expect("connect");
    let mut garbage = TcpStream::connect(&addr).expect("connect");
    garbage
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nnot a ClientHello at all\n")
        .expect("write garbage");
    assert_serves(&host, &mut n, "served during pending handshakes");

    // A malformed octet count closes that connection only (the frame before it is stored).
    for bad in [&b"12x <13>1 bad count"[..], b"1234567890 ten digits", b"0 zero length"] {
        let mut c = TlsClient::connect(&addr, &host.ca);
        let mut bytes = format!("{}\n", m5424(13, "before", &key, "before a bad count")).into_bytes();
        bytes.extend_from_slice(bad);
        c.send(&bytes);
        n += 1;
        let (closed, got) = c.closed_within(ANSWER_TIMEOUT);
        assert!(closed, "the server kept the connection open after {bad:?}");
        assert!(got.is_empty(), "syslog answers nothing: {got:?}");
        assert_serves(&host, &mut n, "served after a malformed count");
    }

    // A huge count: skipped as it streams in, never buffered.
    let rss_before = host.rss_kib();
    let mut huge = TlsClient::connect(&addr, &host.ca);
    huge.send(b"999999999 ");
    let chunk = vec![b'z'; 256 * 1024];
    for _ in 0..64 {
        huge.send(&chunk);
    }
    assert_serves(&host, &mut n, "served while a huge frame streams in");
    let grown = host.rss_kib().saturating_sub(rss_before);
    assert!(
        grown < 32 * 1024,
        "the server grew by {grown} KiB while skipping 16 MiB of a 999999999-byte frame"
    );

    // A client that stops in the middle of a frame and goes quiet.
    let mut stalled = TlsClient::connect(&addr, &host.ca);
    stalled.send(b"150 <13>1 2024-05-06T07:08:09Z h a - - - half a fr");
    assert_serves(&host, &mut n, "served beside a stalled frame");

    // The garbage handshake was refused at once; a silent one is dropped after
    // tls_handshake_timeout_secs, while the host goes on serving.
    garbage.set_read_timeout(Some(ANSWER_TIMEOUT)).expect("read timeout");
    let refused = garbage.read_to_end(&mut Vec::new());
    assert!(
        !refused
            .as_ref()
            .is_err_and(|e| matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)),
        "a garbage handshake was not closed: {refused:?}"
    );
    for mut tcp in [silent, TcpStream::connect(&addr).expect("connect")] {
        let since = Instant::now();
        tcp.set_read_timeout(Some(ANSWER_TIMEOUT)).expect("read timeout");
        let read = tcp.read(&mut [0u8; 64]);
        let waited = since.elapsed();
        assert!(
            matches!(read, Ok(0))
                || read
                    .as_ref()
                    .is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionReset),
            "a silent TLS client should be dropped after the 1 s handshake timeout: {read:?} after {waited:?}"
        );
        assert!(waited < Duration::from_secs(5), "dropped only after {waited:?}");
    }
    let since = Instant::now();
    let mut silent = TcpStream::connect(&addr).expect("connect");
    silent.set_read_timeout(Some(ANSWER_TIMEOUT)).expect("read timeout");
    let _ = silent.read(&mut [0u8; 64]);
    let waited = since.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "a silent TLS client was dropped after {waited:?}, not after the 1 s handshake timeout"
    );
    assert_serves(&host, &mut n, "served after the hostile handshakes");

    // Graceful stop with the stalled and the huge connections still open.
    host.stop();
    drop((stalled, huge));
    assert_eq!(host.intake_events("plain-a").len(), n);
    assert_eq!(
        host.listener_totals("syslog"),
        totals(&[
            // 7 good connections, 3 malformed counts, the huge and the stalled one.
            ("connections", 12),
            ("received", n as u64 + 1),
            ("stored", n as u64),
            ("rejected_oversized", 1),
            ("framing_errors", 3),
        ]),
        "log:\n{}",
        host.log().dump()
    );
}

#[test]
fn rfc3164_timezone_and_a_listener_bound_to_one_intake() {
    let body = format!(
        "{}\n[[syslog.bound]]\nlisten = \"127.0.0.1:0\"\nintake = \"other-c\"\n",
        basic_config()
    );
    let mut host = Host::builder(&body)
        .syslog_settings("rfc3164_timezone = \"+02:00\"\nsd_id = \"custom@32473\"\nidle_timeout_secs = 1")
        .start();
    assert_eq!(host.bound().len(), 1, "{:?}", host.bound());
    let bound = host.bound_addr("syslog", "other-c").to_string();
    assert_ne!(bound, host.syslog_addr());

    // Bound listener: no key needed; RFC 3164 times read in +02:00.
    let mut c = TlsClient::connect(&bound, &host.ca);
    c.send(b"<13>Jan  2 2024 03:04:05 myhost app[12]: bound 3164 with a year\n");
    c.send(b"<14>Feb 10 11:12:13 h2 tag: bound 3164 without a year\n");
    c.send(b"<38>2024-01-02T03:04:05 localhost prg00000[1234]: loggen legacy form\n");
    c.send(b"just a line, no header at all\n");
    c.send(format!("{}\n", m5424(13, "nosd", "-", "bound 5424 without SD")).as_bytes());
    // A key in a message on a bound listener changes nothing, and is not stored either.
    let custom = format!("[custom@32473 intake_key=\"{PLAIN_KEY}\"]");
    c.send(format!("{}\n", m5424(13, "keyed", &custom, "bound with a key")).as_bytes());
    c.close();

    // Main listener: the key is in the `syslog.sd_id` element; RFC 5424 times without an offset
    // are read in +02:00 too. RFC 3164 has no structured data: no key, rejected.
    let mut c = TlsClient::connect(host.syslog_addr(), &host.ca);
    c.send(format!("<13>1 2024-01-02T03:04:05 h app - - {custom} no offset\n").as_bytes());
    c.send(
        format!(
            "<13>1 2024-01-02T03:04:05 h app - - {} default SD-ID\n",
            sd_key(PLAIN_KEY)
        )
        .as_bytes(),
    );
    c.send(b"<13>Jan  2 2024 03:04:05 myhost app[12]: 3164 on the main listener\n");
    c.close();

    // syslog.idle_timeout_secs: a quiet connection is closed.
    let since = Instant::now();
    let mut quiet = TlsClient::connect(host.syslog_addr(), &host.ca);
    let (closed, got) = quiet.closed_within(Duration::from_secs(8));
    let waited = since.elapsed();
    assert!(
        closed && got.is_empty(),
        "a quiet syslog connection stayed open ({got:?})"
    );
    assert!(
        waited >= Duration::from_millis(900),
        "closed after {waited:?}, before the 1 s idle timeout"
    );
    host.stop();

    let events = by_raw(host.intake_events("other-c"));
    assert_eq!(events.len(), 6, "{:?}", events.keys());
    let h3164 = |f, s, host, app, pid| Header {
        facility: Some(f),
        severity: Some(s),
        hostname: Some(host),
        appname: Some(app),
        procid: pid,
        ..Header::default()
    };
    let raw = "bound 3164 with a year";
    let want = h3164(1, 5, "myhost", "app", Some("12"));
    assert_syslog_event(
        &events[raw],
        "syslog",
        "other-c",
        raw,
        &want,
        Some("2024-01-02T01:04:05Z"),
    );
    let raw = "bound 3164 without a year";
    let ev = &events[raw];
    assert_syslog_event(ev, "syslog", "other-c", raw, &h3164(1, 6, "h2", "tag", None), None);
    let at = ev["normalized"]["@timestamp"].as_str().unwrap_or("");
    assert!(
        at.ends_with("-02-10T09:12:13Z"),
        "11:12:13 at +02:00 is 09:12:13Z: {at}"
    );
    let raw = "loggen legacy form";
    let want = h3164(4, 6, "localhost", "prg00000", Some("1234"));
    assert_syslog_event(
        &events[raw],
        "syslog",
        "other-c",
        raw,
        &want,
        Some("2024-01-02T01:04:05Z"),
    );
    let raw = "just a line, no header at all";
    assert_syslog_event(&events[raw], "syslog", "other-c", raw, &Header::default(), None);
    let raw = "bound 5424 without SD";
    assert_syslog_event(&events[raw], "syslog", "other-c", raw, &header(13, "nosd"), Some(TS));
    let raw = "bound with a key";
    assert_syslog_event(&events[raw], "syslog", "other-c", raw, &header(13, "keyed"), Some(TS));

    let main = host.intake_events("plain-a");
    assert_eq!(main.len(), 1, "{main:?}");
    assert_syslog_event(
        &main[0],
        "syslog",
        "plain-a",
        "no offset",
        &Header {
            facility: Some(1),
            severity: Some(5),
            version: Some(1),
            hostname: Some("h"),
            appname: Some("app"),
            ..Header::default()
        },
        Some("2024-01-02T01:04:05Z"),
    );
    assert_eq!(
        host.listener_totals("syslog:other-c"),
        totals(&[("connections", 1), ("received", 6), ("stored", 6)])
    );
    // The quiet connection never reached the syslog session: it sent nothing.
    assert_eq!(
        host.listener_totals("syslog"),
        totals(&[
            ("connections", 1),
            ("received", 3),
            ("stored", 1),
            ("rejected_no_key", 2)
        ])
    );
    assert_no_key_in_log(host.log(), &[PLAIN_KEY, OTHER_KEY, JSON_KEY]);
}

/// A sender that ends its TLS session with a TCP FIN and no close_notify (Python's
/// `ssl_sock.close()`, many appliances) after complete frames did nothing wrong: its frames are
/// stored, and no framing error is counted or logged for it.
#[test]
fn tcp_close_without_close_notify_after_complete_frames_is_not_a_framing_error() {
    let mut host = Host::start(&basic_config());
    let key = sd_key(PLAIN_KEY);
    let mut c = TlsClient::connect(host.syslog_addr(), &host.ca);
    let mut bytes = octet(m5424(13, "fin", &key, "octet frame before a FIN").as_bytes());
    bytes.extend(format!("{}\n", m5424(13, "fin", &key, "lf frame before a FIN")).as_bytes());
    c.send(&bytes);
    // FIN without close_notify; the server then closes its side.
    let (closed, _) = c.fin_without_close_notify();
    assert!(closed, "the server did not close the connection after the client's FIN");
    host.stop();
    assert_eq!(
        sorted_raws(&host.intake_events("plain-a")),
        ["lf frame before a FIN", "octet frame before a FIN"]
    );
    let warnings: Vec<Value> = host
        .log()
        .with_message("Closing the connection: the stream cannot be decoded.");
    assert_eq!(
        host.listener_totals("syslog"),
        totals(&[("connections", 1), ("received", 2), ("stored", 2)]),
        "a clean TCP close at a frame boundary is not a framing error; logged: {warnings:?}"
    );
    assert!(warnings.is_empty(), "{warnings:?}");
}

/// `syslog.max_frame_bytes` bounds the message, whatever the framing and however TCP splits it:
/// a CRLF-terminated message of exactly the limit whose LF arrives in a later read is a
/// message of the limit's size, not an oversized one.
#[test]
fn frames_at_the_size_limit_are_accepted_however_they_are_split() {
    let mut host = Host::builder(&basic_config())
        .syslog_settings(&format!("max_frame_bytes = {MAX_FRAME}"))
        .start();
    let key = sd_key(PLAIN_KEY);
    // A message of exactly `MAX_FRAME` bytes, its text ending in `tag`.
    let exact = |tag: &str| {
        let head = m5424(13, "limit", &key, "");
        let text = format!("{tag} {}", "l".repeat(MAX_FRAME - head.len() - tag.len() - 1));
        (format!("{head}{text}"), text)
    };
    let mut want = Vec::new();
    let mut c = TlsClient::connect(host.syslog_addr(), &host.ca);
    let (m, text) = exact("octet");
    c.send(&octet(m.as_bytes()));
    want.push(text);
    let (m, text) = exact("lf");
    c.send(format!("{m}\n").as_bytes());
    want.push(text);
    let (m, text) = exact("crlf");
    c.send(format!("{m}\r\n").as_bytes());
    want.push(text);
    // One byte over, octet-counted: oversized.
    c.send(&octet(format!("{}x", exact("over").0).as_bytes()));
    // The CRLF message again, its LF in a later record: give the server time to read the
    // first part on its own (it rejects it at once if it counts the CR).
    let (m, text) = exact("split");
    c.send(format!("{m}\r").as_bytes());
    let from = host.log().len();
    let deadline = Instant::now() + Duration::from_secs(1);
    while Instant::now() < deadline
        && host
            .log()
            .find_from(from, |e| e["fields"]["message"] == "Syslog message rejected.")
            .is_none()
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    c.send(b"\n");
    want.push(text);
    c.close();
    host.stop();
    want.sort();
    let tags = |raws: &[String]| -> Vec<String> {
        raws.iter()
            .map(|r| r.split(' ').next().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(
        tags(&sorted_raws(&host.intake_events("plain-a"))),
        tags(&want),
        "stored"
    );
    assert_eq!(sorted_raws(&host.intake_events("plain-a")), want);
    assert_eq!(
        host.listener_totals("syslog"),
        totals(&[
            ("connections", 1),
            ("received", 5),
            ("stored", 4),
            ("rejected_oversized", 1)
        ])
    );
}
