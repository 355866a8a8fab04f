use super::*;
use crate::endpoint::{duration_nanos, endpoint};
use crate::header::find_tag;
use edge_format_sdk::json;

edge_format_sdk::fixtures_test!(CiscoAsa);

fn ok(raw: &str) -> Value {
    let event = edge_format_sdk::fixtures::https_event(raw, 1_795_392_000);
    Value::Object(CiscoAsa::normalize_one(event).expect("normalized"))
}

const BUILT: &str = "%ASA-6-302013: Built outbound TCP connection 123 for outside:203.0.113.5/443 (203.0.113.5/443) to inside:192.0.2.10/51234 (198.51.100.2/51234)";

#[test]
fn every_prefix_gives_the_same_fields() {
    let base = ok(BUILT);
    for raw in [
        format!("<166>Nov 22 2026 22:44:57 fw1 : {BUILT}"),
        format!("<166>Nov 22 2026 22:44:57: {BUILT}"),
        format!("Nov 22 22:44:57 fw1 {BUILT}"),
        format!("<166>1 2026-11-22T22:44:57Z fw1 - - - - {BUILT}"),
        format!("2026-11-22T22:44:57+01:00 fw1 : {BUILT}"),
        format!("fw1 : {BUILT}"),
    ] {
        let v = ok(&raw);
        for key in [
            "source.ip",
            "source.nat.ip",
            "destination.ip",
            "event.code",
            "message",
            "network.direction",
        ] {
            assert_eq!(v[key], base[key], "{key} of {raw:?}");
        }
        if raw.contains("fw1") {
            assert_eq!(v["host.name"], "fw1", "{raw:?}");
        }
    }
    let v = ok(&format!("<166>Nov 22 2026 22:44:57 fw1 : {BUILT}"));
    assert_eq!(v["@timestamp"], "2026-11-22T22:44:57.000Z");
}

#[test]
fn tags() {
    let (prefix, tag, text) = find_tag("x 100% done %FTD-session-6-302013: Built").expect("tag");
    assert_eq!(
        (prefix, tag.product, tag.suffix, tag.severity, tag.id, text),
        ("x 100% done ", "FTD", Some("session"), 6, "302013", "Built")
    );
    assert!(find_tag("%ASA-9-302013: x").is_none());
    assert!(find_tag("%IOS-6-302013: x").is_none());
    assert!(find_tag("%ASA-6-: x").is_none());
}

#[test]
fn endpoints_with_ipv6_interfaces_and_users() {
    let e = endpoint("outside:2001:db8::1/443(LOCAL\\alice)").expect("endpoint");
    assert_eq!(
        (e.interface, e.ip, e.port, e.user),
        (Some("outside"), "2001:db8::1", Some("443"), Some("LOCAL\\alice"))
    );
    let e = endpoint("2001:db8::1/443").expect("endpoint");
    assert_eq!((e.interface, e.ip), (None, "2001:db8::1"));
    assert!(endpoint("outside:not-an-ip/443").is_none());
}

#[test]
fn durations() {
    assert_eq!(duration_nanos("0:01:02"), Some(62_000_000_000));
    assert_eq!(duration_nanos("125:00:00"), Some(450_000_000_000_000));
    assert_eq!(duration_nanos("1h:10m:05s"), Some(4_205_000_000_000));
    assert_eq!(duration_nanos("2d 0h:00m:01s"), Some(172_801_000_000_000));
    assert_eq!(duration_nanos("x"), None);
    assert_eq!(duration_nanos("1:2"), None);
}

#[test]
fn known_id_with_unexpected_text_keeps_common_fields_only() {
    let v = ok("%ASA-6-302013: Built something else entirely");
    assert_eq!(v["event.code"], "302013");
    assert_eq!(v["event.kind"], "event");
    assert!(v.get("source.ip").is_none());
    assert!(v.get("event.category").is_none());
}

#[test]
fn ftd_pairs_keep_commas_inside_values() {
    let pairs = ftd::pairs("Message: a, b, c, SrcIP: 192.0.2.1, URL: http://x/?a=1, b=2");
    assert_eq!(
        pairs,
        vec![
            ("Message", "a, b, c"),
            ("SrcIP", "192.0.2.1"),
            ("URL", "http://x/?a=1, b=2")
        ]
    );
}

#[test]
fn ftd_uses_its_own_tag_for_asa_ids() {
    let v = ok("%FTD-6-106023: Deny udp src inside:192.0.2.5/5353 dst outside:198.51.100.9/53 by access-group \"CSM_FW_ACL_\" [0x97aa021a, 0x0]");
    assert_eq!(v["observer.product"], "FTD");
    assert_eq!(v["rule.name"], "CSM_FW_ACL_");
    assert_eq!(v["event.type"], json!(["connection", "denied"]));
}

#[test]
fn masked_users_are_not_users() {
    let v = ok("%ASA-6-113005: AAA user authentication Rejected : reason = AAA failure : server = 192.0.2.50 : user = ***** : user IP = 198.51.100.7");
    assert!(v.get("user.name").is_none());
    assert!(v.get("related.user").is_none());
}

#[test]
fn truncated_and_hostile_lines_do_not_panic() {
    for raw in [
        "%ASA-6-302013:",
        "%ASA-6-302014: Teardown TCP connection",
        "%ASA-6-302020: Built inbound ICMP connection for faddr",
        "%ASA-4-106100: access-list",
        "%ASA-4-733100: [",
        "%ASA-4-113019: Group = , Username = , IP = , Duration: 99999999999999999999h:0m:0s",
        "%FTD-1-430003: : , : ,",
        "%ASA-6-305012: Teardown dynamic TCP translation from inside:192.0.2.1/1 to",
    ] {
        let event = edge_format_sdk::fixtures::https_event(raw, 1_795_392_000);
        assert!(CiscoAsa::normalize_one(event).is_ok(), "{raw}");
    }
}
