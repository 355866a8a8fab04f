use super::*;
use crate::out::{leading_peer, pairs, peer, Peer};
use crate::record::is_queue_id;
use edge_format_sdk::{json, Protocol, SyslogHeader, Timestamp, Value};

edge_format_sdk::fixtures_test!(Postfix);

fn event(raw: &str, app: Option<&str>) -> Event {
    Event {
        raw: raw.into(),
        received_at: Timestamp {
            seconds: 1_732_300_000,
            nanoseconds: 0,
        },
        client_time: None,
        protocol: Protocol::Syslog,
        source_address: None,
        syslog: app.map(|app| SyslogHeader {
            facility: Some(2),
            severity: Some(6),
            version: None,
            hostname: Some("mx1".into()),
            app_name: Some(app.into()),
            procid: Some("77".into()),
            msgid: None,
            structured_data: None,
        }),
        metadata: Vec::new(),
    }
}

fn msg(raw: &str, app: &str) -> Value {
    Value::Object(Postfix::normalize_one(event(raw, Some(app))).expect("accepted"))
}

const SAMPLES: [&str; 12] = [
    "4F3A2B1C0D: to=<bob@example.net>, relay=mx.example.net[203.0.113.25]:25, delay=1.3, delays=0.08/0.02/0.6/0.6, dsn=2.0.0, status=sent (250 2.0.0 OK (x) y)",
    "NOQUEUE: reject: RCPT from unknown[203.0.113.77]: 454 4.7.1 <v@example.net>: Relay access denied; from=<s@example.com> to=<v@example.net> proto=ESMTP helo=<x>",
    "6C3F2B1D4E: reject: header Subject: hi from unknown[198.51.100.61]; from=<w@example.com> to=<f@example.org> proto=SMTP helo=<[198.51.100.61]>: 5.7.1 no",
    "disconnect from unknown[192.0.2.44] ehlo=1 auth=0/1 rset=1 quit=1 commands=3/4",
    "warning: unknown[192.0.2.44]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=a@b",
    "Anonymous TLS connection established from mail.example.org[198.51.100.23]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)",
    "7D4E3C2B1A: client=unknown[192.0.2.44]:51544, sasl_method=PLAIN, sasl_username=alice@example.org",
    "CONNECT from [192.0.2.201]:49812 to [198.51.100.10]:25",
    "DNSBL rank 4 for [203.0.113.66]:50122",
    "statistics: max connection rate 3/60s for (smtp:203.0.113.66) at Nov 22 11:11:00",
    "timeout after DATA (10452 bytes) from mail.example.com[198.51.100.44]",
    "daemon started -- version 3.7.11, configuration /etc/postfix",
];

#[test]
fn every_cut_of_a_line_is_handled_without_panic() {
    // Shippers cut long lines anywhere; no reader may slice past what it checked.
    for sample in SAMPLES {
        for (i, _) in sample.char_indices() {
            let _ = Postfix::normalize_one(event(&sample[..i], Some("postfix/smtpd")));
            let _ = Postfix::normalize_one(event(&sample[..i], None));
        }
    }
}

#[test]
fn every_line_shape_gives_the_same_fields() {
    let text = SAMPLES[1];
    let base = msg(text, "postfix/smtpd");
    assert_eq!(base["source.ip"], "203.0.113.77");
    for raw in [
        format!("Nov 22 10:20:11 mx1 postfix/smtpd[21455]: {text}"),
        format!("<22>Nov 22 10:20:11 mx1 postfix/smtpd[21455]: {text}"),
        format!("<22>1 2024-11-22T10:20:11Z mx1 postfix/smtpd 21455 - - {text}"),
        format!("2024-11-22T10:20:11+01:00 mx1 postfix/smtpd[21455]: {text}"),
        format!("postfix/smtpd[21455]: {text}"),
        format!("  {text}"),
    ] {
        let v = Value::Object(Postfix::normalize_one(event(&raw, None)).expect("accepted"));
        for key in [
            "event.action",
            "event.outcome",
            "source.ip",
            "postfix.response.code",
            "email.to.address",
            "message",
        ] {
            assert_eq!(v[key], base[key], "{key} of {raw:?}");
        }
        if raw.contains("smtpd[") || raw.contains("smtpd 21455") {
            assert_eq!(v["process.name"], "postfix/smtpd", "{raw:?}");
            assert_eq!(v["postfix.daemon"], "smtpd", "{raw:?}");
            assert_eq!(v["process.pid"], 21455, "{raw:?}");
        }
    }
}

#[test]
fn queue_ids() {
    for id in ["4F3A2B1C0D", "3C1F8C0AB", "4TkP2x0bQvz9Wd3", "3wjDN11YJ6zB3gR"] {
        assert!(is_queue_id(id), "{id}");
    }
    for id in [
        "warning",
        "NOQUEUE",
        "statistics",
        "DEADBEEF",
        "4f3a",
        "reject",
        "Anonymous TLS",
    ] {
        assert!(!is_queue_id(id), "{id}");
    }
}

#[test]
fn peers() {
    let p = |name, address, port| Peer { name, address, port };
    assert_eq!(
        peer("mx.example.net[203.0.113.25]:25"),
        Some(p(Some("mx.example.net"), Some("203.0.113.25"), Some(25)))
    );
    assert_eq!(peer("unknown[unknown]"), Some(p(Some("unknown"), None, None)));
    assert_eq!(peer("[2001:db8::1]:587"), Some(p(None, Some("2001:db8::1"), Some(587))));
    assert_eq!(peer("h[192.0.2.1]:x"), None);
    assert_eq!(peer("no brackets"), None);
    let (first, rest) = leading_peer("[192.0.2.1]:49812 to [198.51.100.10]:25").expect("a peer");
    assert_eq!(
        (first.address, first.port, rest),
        (Some("192.0.2.1"), Some(49812), " to [198.51.100.10]:25")
    );
}

#[test]
fn key_value_records() {
    let (items, rest) = pairs("from=<a@example.org>, size=12, nrcpt=1 (queue active)");
    assert_eq!(items.len(), 3);
    assert_eq!((items[2].value, items[2].note), ("1", Some("queue active")));
    assert_eq!(rest, "");
    let (items, rest) = pairs("from=<a>, status=expired, returned to sender");
    assert_eq!((items.len(), rest), (2, ", returned to sender"));
    let (items, rest) = pairs("from=<> to=<b@x> proto=ESMTP helo=<h>: 5.7.1 text");
    assert_eq!(items[0].value, "");
    assert_eq!((items.len(), rest), (4, ": 5.7.1 text"));
}

#[test]
fn outcomes_follow_the_status() {
    let status = |s: &str| {
        msg(
            &format!("ABC123DEF0: to=<a@example.net>, relay=none, delay=1, dsn=4.0.0, status={s} (x)"),
            "postfix/smtp",
        )
    };
    assert_eq!(status("sent")["event.outcome"], "success");
    assert!(status("sent").get("event.reason").is_none());
    for s in ["deferred", "bounced", "expired"] {
        assert_eq!(status(s)["event.outcome"], "failure", "{s}");
        assert_eq!(status(s)["event.reason"], "x", "{s}");
    }
}

#[test]
fn unknown_messages_of_postfix_are_kept_others_rejected() {
    let v = msg(
        "warning: database /etc/postfix/virtual.db is older than source file",
        "postfix/trivial-rewrite",
    );
    assert_eq!(v["event.kind"], "event");
    assert_eq!(v["log.level"], "warning");
    assert_eq!(v["postfix.daemon"], "trivial-rewrite");
    assert!(v.get("event.category").is_none());
    let v = msg("starting the Postfix mail system", "postfix/postfix-script");
    assert_eq!(v["postfix.daemon"], "postfix-script");
    assert!(Postfix::normalize_one(event("connect from x[192.0.2.1]", Some("sendmail"))).is_err());
    assert!(Postfix::normalize_one(event("warning: something odd", None)).is_err());
    assert_eq!(Postfix::normalize_one(event("", None)), Err("empty event".to_string()));
}

#[test]
fn describes_itself() {
    let d = Postfix::describe();
    assert_eq!(
        (d.name.as_str(), d.categories.clone()),
        ("postfix", vec!["email".to_string()])
    );
    let sample = Postfix::normalize_one(event(&d.sample, None)).expect("the sample is accepted");
    assert_eq!(Value::Object(sample)["event.action"], json!("sent"));
}
