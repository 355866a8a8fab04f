use super::*;
use edge_format_sdk::json;

edge_format_sdk::fixtures_test!(PaloAlto);

const TRAFFIC: &str = "1,2026/11/22 22:44:57,012801012345,TRAFFIC,end,2561,2026/11/22 22:44:57,192.0.2.30,203.0.113.80,198.51.100.14,0.0.0.0,outbound-web,corp\\alice,,ssl,vsys1,trust,untrust,ethernet1/2,ethernet1/1,default,2026/11/22 22:44:57,123456,1,55123,443,17221,0,0x400053,tcp,allow,9413,2127,7286,23,2026/11/22 22:44:40,17,any,0,7190000123456,0x0,US,US,0,12,11,tcp-fin,0,0,0,0,,PA-3220";

fn event(raw: &str) -> Event {
    edge_format_sdk::fixtures::https_event(raw, 1_795_474_800)
}

fn ok(raw: &str) -> Fields {
    PaloAlto::normalize_one(event(raw)).expect("normalized")
}

fn without_prefix_fields(mut fields: Fields) -> Fields {
    fields.retain(|k, _| !k.starts_with("log.syslog.") && k != "host.name");
    fields
}

#[test]
fn whole_line_and_msg_alone_read_alike() {
    let alone = ok(TRAFFIC);
    for prefix in [
        "<14>Nov 22 22:44:57 PA-3220 ",
        "<14>1 2026-11-22T22:44:57+00:00 PA-3220 - - - - ",
        "2026-11-22T22:44:57+00:00 PA-3220 ",
        "<14>",
    ] {
        let whole = ok(&format!("{prefix}{TRAFFIC}"));
        assert_eq!(without_prefix_fields(whole), alone, "{prefix}");
    }
}

#[test]
fn traffic_core_mapping() {
    let f = ok(TRAFFIC);
    let get = |k: &str| f.get(k).cloned().unwrap_or(Value::Null);
    assert_eq!(get("source.nat.ip"), json!("198.51.100.14"));
    assert_eq!(get("destination.nat.ip"), Value::Null, "0.0.0.0 is no translation");
    assert_eq!(get("destination.nat.port"), Value::Null, "port 0 is no translation");
    assert_eq!(get("event.duration"), json!(17_000_000_000u64));
    assert_eq!(get("event.type"), json!(["connection", "end", "allowed"]));
    assert_eq!(get("observer.hostname"), json!("PA-3220"));
    assert_eq!(get("@timestamp"), json!("2026-11-22T22:44:57Z"));
}

#[test]
fn every_cut_of_a_line_is_handled_without_panic() {
    let line = format!("<14>Nov 22 22:44:57 PA-3220 {TRAFFIC},\"quoted, é\"");
    for end in 0..=line.len() {
        if let Some(cut) = line.get(..end) {
            let _ = PaloAlto::normalize_one(event(cut));
        }
    }
}

#[test]
fn a_date_inside_other_text_is_not_a_header() {
    let err = PaloAlto::normalize_one(event("backup x1,2026/11/22 22:44:57,done")).expect_err("rejected");
    assert!(err.starts_with("not a PAN-OS log"), "{err}");
}

#[test]
fn leef_and_csv_agree_on_the_session() {
    let leef = ok("LEEF:1.0|Palo Alto Networks|PAN-OS Syslog Integration|10.2.4|allow|cat=TRAFFIC|ReceiveTime=2026/11/22 22:44:57|SerialNumber=012801012345|Type=TRAFFIC|Subtype=end|devTime=Nov 22 2026 22:44:57 GMT|src=192.0.2.30|dst=203.0.113.80|srcPostNAT=198.51.100.14|dstPostNAT=0.0.0.0|RuleName=outbound-web|usrName=corp\\alice|Application=ssl|SourceZone=trust|DestinationZone=untrust|srcPort=55123|dstPort=443|srcPostNATPort=17221|proto=tcp|action=allow|srcBytes=2127|dstBytes=7286|ElapsedTime=17");
    let csv = ok(TRAFFIC);
    for key in [
        "@timestamp",
        "source.ip",
        "source.port",
        "source.nat.ip",
        "source.nat.port",
        "destination.ip",
        "destination.port",
        "rule.name",
        "user.name",
        "network.application",
        "network.transport",
        "observer.ingress.zone",
        "observer.egress.zone",
        "source.bytes",
        "destination.bytes",
        "event.duration",
        "event.outcome",
        "event.type",
    ] {
        assert_eq!(leef.get(key), csv.get(key), "{key}");
    }
}

#[test]
fn unknown_log_types_keep_the_header() {
    let f = ok("1,2026/11/22 22:44:57,012801012345,GTP,start,2561,2026/11/22 22:44:57,x,y");
    assert_eq!(f.get("event.kind"), Some(&json!("event")));
    assert_eq!(f.get("panw.panos.type"), Some(&json!("GTP")));
    assert_eq!(f.get("event.category"), None);
}
