use super::*;
use edge_format_sdk::json;

edge_format_sdk::fixtures_test!(FortiGate);

const TRAFFIC: &str = r#"date=2026-11-22 time=22:44:57 devname="FGT60F" devid="FGT60FTK21001234" eventtime=1795383897412345678 tz="+0100" logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" srcip=192.0.2.25 srcport=53480 srcintf="internal" dstip=198.51.100.53 dstport=443 dstintf="wan1" proto=6 action="close" policyid=3 policyname="LAN-to-WAN" service="HTTPS" transip=203.0.113.2 transport=61012 duration=12 sentbyte=1820 rcvdbyte=5930 sentpkt=12 rcvdpkt=11"#;

fn event(raw: &str) -> Event {
    edge_format_sdk::fixtures::https_event(raw, 1_795_474_800)
}

fn ok(raw: &str) -> Fields {
    FortiGate::normalize_one(event(raw)).expect("normalized")
}

#[test]
fn whole_line_and_msg_alone_read_alike() {
    let alone = ok(TRAFFIC);
    for prefix in [
        "<189>",
        "<189>Nov 22 22:44:57 FGT60F ",
        "<189>1 2026-11-22T22:44:57+01:00 FGT60F - - - - ",
        "2026-11-22T22:44:57+01:00 FGT60F ",
    ] {
        let mut whole = ok(&format!("{prefix}{TRAFFIC}"));
        whole.retain(|k, _| !k.starts_with("log.syslog.") && k != "host.name");
        assert_eq!(whole, alone, "{prefix}");
    }
}

#[test]
fn traffic_core_mapping() {
    let f = ok(TRAFFIC);
    let get = |k: &str| f.get(k).cloned().unwrap_or(Value::Null);
    assert_eq!(get("@timestamp"), json!("2026-11-22T21:44:57.412345678Z"));
    assert_eq!(get("network.transport"), json!("tcp"));
    assert_eq!(get("network.bytes"), json!(7750));
    assert_eq!(get("source.nat.port"), json!(61012));
    assert_eq!(get("rule.name"), json!("LAN-to-WAN"));
    assert_eq!(get("event.type"), json!(["connection", "end", "allowed"]));
    assert_eq!(get("fortinet.firewall.vd"), json!("root"));
    assert_eq!(get("fortinet.firewall.srcip"), Value::Null, "mapped as it is");
}

#[test]
fn escaped_quotes_stay_in_values() {
    let f = ok(
        r#"devname="FGT60F" devid="FGT60FTK21001234" logid="0100032001" type="event" subtype="system" msg="User \"admin\" logged in" user="admin" action="login" status="success""#,
    );
    assert_eq!(f.get(MESSAGE), Some(&json!("User \"admin\" logged in")));
    assert_eq!(f.get("event.outcome"), Some(&json!("success")));
}

#[test]
fn every_cut_of_a_line_is_handled_without_panic() {
    let line = format!("<189>{TRAFFIC} msg=\"é \\\" x\"");
    for end in 0..=line.len() {
        if let Some(cut) = line.get(..end) {
            let _ = FortiGate::normalize_one(event(cut));
        }
    }
}

#[test]
fn a_key_inside_a_word_does_not_start_the_log() {
    let err = FortiGate::normalize_one(event("CEF:0|Fortinet|Fortigate|7|13|x|3|FTNTFGTlogid=13 devname=x"))
        .expect_err("rejected");
    assert!(err.starts_with("not a FortiGate log"), "{err}");
}
