use super::messages::duration_ns;
use super::*;
use edge_format_sdk::{json, Protocol, Value};

fn event(raw: &str) -> Event {
    Event {
        protocol: Protocol::Syslog,
        ..edge_format_sdk::fixtures::https_event(raw, 1_714_564_800)
    }
}

fn ok(raw: &str) -> Value {
    Value::Object(Unbound::normalize_one(event(raw)).expect("accepted"))
}

#[test]
fn query_line() {
    assert_eq!(
        ok("[764008:0] info: 198.51.100.10 www.example.co.uk. A IN"),
        json!({
            "message": "198.51.100.10 www.example.co.uk. A IN",
            "log.level": "info",
            "event.kind": "event",
            "event.action": "dns_query",
            "event.category": ["network"],
            "event.type": ["protocol"],
            "process.pid": 764008,
            "process.thread.id": 0,
            "source.ip": "198.51.100.10",
            "source.address": "198.51.100.10",
            "client.ip": "198.51.100.10",
            "related.ip": ["198.51.100.10"],
            "dns.question.name": "www.example.co.uk",
            "dns.question.type": "A",
            "dns.question.class": "IN",
            "dns.question.registered_domain": "example.co.uk",
            "dns.question.subdomain": "www",
            "dns.question.top_level_domain": "co.uk",
            "related.hosts": ["www.example.co.uk"],
            "dns.type": "query",
        })
    );
}

#[test]
fn whole_lines_of_every_shape() {
    let text = "[17265:13] info: 192.0.2.7 mail.example.com. MX IN";
    for raw in [
        text.to_string(),
        format!("  {text}"),
        format!("2019-10-08T11:29:05+02:00 hostfoo unbound[17265]: {text}"),
        format!("<30>2019-10-08T11:29:05+02:00 hostfoo unbound[17265]: {text}"),
        format!("Oct  8 11:29:05 hostfoo unbound: {text}"),
        format!("<30>1 2019-10-08T11:29:05+02:00 hostfoo unbound 17265 - - {text}"),
        "Oct 08 11:29:05 unbound[17265:13] info: 192.0.2.7 mail.example.com. MX IN".to_string(),
        "2019-10-08T11:29:05.250+02:00 unbound[17265:13] info: 192.0.2.7 mail.example.com. MX IN".to_string(),
        "[1570526945] unbound[17265:13] info: 192.0.2.7 mail.example.com. MX IN".to_string(),
    ] {
        let v = ok(&raw);
        assert_eq!(v["dns.question.registered_domain"], "example.com", "{raw:?}");
        assert_eq!(v["dns.question.subdomain"], "mail", "{raw:?}");
        assert_eq!(v["process.pid"], 17265, "{raw:?}");
        assert_eq!(v["process.thread.id"], 13, "{raw:?}");
        if raw.contains("hostfoo") {
            assert_eq!(v["host.name"], "hostfoo", "{raw:?}");
        }
        if raw.contains("2019-10-08T11:29:05+02:00") {
            assert_eq!(v["@timestamp"], "2019-10-08T09:29:05.000Z", "{raw:?}");
        }
    }
    assert_eq!(
        ok("[1570526945] unbound[17265:13] info: x")["@timestamp"],
        "2019-10-08T09:29:05Z"
    );
}

#[test]
fn reply_lines() {
    let v = ok("[1700000000] unbound[764008:a] info: 2001:db8::1 . NS IN SERVFAIL 1.250000 0 512");
    assert_eq!(v["@timestamp"], "2023-11-14T22:13:20Z");
    assert_eq!(v["process.name"], "unbound");
    assert_eq!(v["process.thread.id"], 10);
    assert_eq!(v["dns.question.name"], ".");
    assert!(v.get("dns.question.registered_domain").is_none());
    assert_eq!(v["dns.type"], "answer");
    assert_eq!(v["dns.response_code"], "SERVFAIL");
    assert_eq!(v["event.outcome"], "failure");
    assert_eq!(v["event.duration"], 1_250_000_000u64);
    assert_eq!(v["unbound.reply.cached"], false);
    assert_eq!(v["unbound.reply.size"], 512);
    let v = ok("[1:0] reply: 192.0.2.1 example.net. AAAA IN NOERROR 0.000000 1 83 on dot 192.0.2.53 853");
    assert_eq!(v["destination.ip"], "192.0.2.53");
    assert_eq!(v["destination.port"], 853);
    assert_eq!(v["network.transport"], "tcp");
    assert_eq!(v["unbound.reply.transport"], "dot");
    assert_eq!(v["related.ip"], json!(["192.0.2.1", "192.0.2.53"]));
    let v = ok("[1:0] info: 192.0.2.1 - - - FORMERR - - -");
    assert_eq!(v["dns.response_code"], "FORMERR");
    assert!(v.get("dns.question.name").is_none());
}

#[test]
fn resolver_and_daemon_messages() {
    let v = ok("[1:0] info: validation failure <bad.example.com. A IN>: signature expired from 192.0.2.99 for key example.com. while building chain of trust");
    assert_eq!(v["event.action"], "dns_validation_failure");
    assert_eq!(v["dns.question.registered_domain"], "example.com");
    assert_eq!(
        v["event.reason"],
        "signature expired from 192.0.2.99 for key example.com. while building chain of trust"
    );
    let v = ok("[1:0] error: SERVFAIL <www.example.org. A IN>: all the configured stub or forward servers failed, at zone . upstream server timeout");
    assert_eq!(v["dns.response_code"], "SERVFAIL");
    assert_eq!(v["log.level"], "error");
    let v = ok("[1:0] info: resolving www.example.org. AAAA IN");
    assert_eq!(v["event.action"], "dns_resolving");
    let v = ok("[1:0] info: generate keytag query _ta-4f66. NULL IN");
    assert_eq!(v["dns.question.name"], "_ta-4f66");
    assert!(v.get("dns.question.registered_domain").is_none());
    let v = ok("[1:0] info: reply from <example.org.> 2001:db8::35#53");
    assert_eq!(
        (v["server.ip"].clone(), v["server.port"].clone()),
        (json!("2001:db8::35"), json!(53))
    );
    let v = ok("[1:0] info: start of service (unbound 1.19.0).");
    assert_eq!(
        (v["event.action"].clone(), v["service.version"].clone()),
        (json!("service_start"), json!("1.19.0"))
    );
    let v = ok("[1:0] info: server stats for thread 1: 84 queries, 23 answers from cache, 61 recursions, 0 prefetch, 0 rejected by ip ratelimiting");
    assert_eq!(v["event.kind"], "metric");
    assert_eq!(v["unbound.stats.answers_from_cache"], 23);
    let v = ok("[1:0] info: server stats for thread 1: requestlist max 12 avg 1.5 exceeded 0 jostled 0");
    assert_eq!(v["unbound.stats.requestlist.avg"], 1.5);
    let v = ok("[764008:0] error: can't bind socket: Address already in use for 0.0.0.0 port 53");
    assert_eq!(v["log.level"], "error");
    assert!(v.get("dns.type").is_none() && v.get("event.action").is_none());
    assert_eq!(
        ok("[1:0] fatal error: could not open ports")["log.level"],
        "fatal error"
    );
    // An info line that only looks like a query is not one.
    assert!(ok("[1:0] info: 1.2.3.4 example.org A IN").get("source.ip").is_none());
}

#[test]
fn durations() {
    assert_eq!(duration_ns("0.000000"), Some(0));
    assert_eq!(duration_ns("0.000123"), Some(123_000));
    assert_eq!(duration_ns("12"), Some(12_000_000_000));
    assert_eq!(duration_ns("1.5"), Some(1_500_000_000));
    assert_eq!(duration_ns("x.1"), None);
    assert_eq!(duration_ns("1.0000000001"), None);
    assert_eq!(duration_ns("99999999999999999999.0"), None);
}

#[test]
fn rejects_other_lines() {
    for raw in [
        "",
        "   ",
        "hello world",
        "Accepted password for alice from 192.0.2.10 port 51022 ssh2",
        "Oct 11 22:14:15 host sshd[42]: Accepted password for alice",
        "[764008] info: x",
        "[764008:0]info: x",
        "[764008:zz] info: x",
        "[764008:0] INFO x",
        "[abc:0] info: x",
        "[99999999999999999999:0] info: x",
        "Oct 08 11:29:05 unbound[1:0] [2:0] info: x",
    ] {
        assert!(Unbound::normalize_one(event(raw)).is_err(), "{raw:?}");
    }
}

#[test]
fn describes_itself() {
    let d = Unbound::describe();
    assert_eq!(d.name, "unbound");
    assert_eq!(d.categories, ["network"]);
    assert_eq!(ok(&d.sample)["dns.type"], "answer");
}

edge_format_sdk::fixtures_test!(Unbound);
