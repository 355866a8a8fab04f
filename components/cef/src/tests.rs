use super::*;
use crate::parse::HEADER_SHAPE;
use crate::time::{canonical_time, days_from_civil, parse_time, year_of};
use edge_format_sdk::json;

fn event(raw: &str) -> Event {
    edge_format_sdk::fixtures::https_event(raw, 1_714_564_800)
}

fn ok(raw: &str) -> Value {
    Value::Object(Cef::normalize_one(event(raw)).expect("normalized"))
}

fn pairs(extension: &str) -> Vec<(String, String)> {
    parse_extension(extension)
        .expect("parsed")
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

fn p(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn extension_values_run_to_the_next_key() {
    assert_eq!(
        pairs("msg=User alice logged in  src=192.0.2.1 cs1Label=Rule Name cs1=Allow all   "),
        p(&[
            ("message", "User alice logged in"),
            ("sourceAddress", "192.0.2.1"),
            ("deviceCustomString1Label", "Rule Name"),
            ("deviceCustomString1", "Allow all")
        ])
    );
    // `=` inside a value (not preceded by ` key`) stays in the value.
    assert_eq!(
        pairs("request=https://example.com/a?b=1&c=2 ad.Key[0]=x-y"),
        p(&[("requestUrl", "https://example.com/a?b=1&c=2"), ("ad.Key[0]", "x-y")])
    );
    assert_eq!(pairs(""), p(&[]));
    assert_eq!(pairs("   "), p(&[]));
}

#[test]
fn extension_escapes() {
    assert_eq!(
        pairs(r"msg=a\=b c\\d e\nf\rg h\|i \t x=1"),
        p(&[("message", "a=b c\\d e\nf\rg h|i \\t"), ("x", "1")])
    );
    // An escaped `=` never starts a key.
    assert_eq!(
        pairs(r"msg=role\=admin user\=bob"),
        p(&[("message", "role=admin user=bob")])
    );
}

#[test]
fn empty_values_and_trailing_backslashes() {
    assert_eq!(
        pairs("cs3= cs3Label=Rule ID act="),
        p(&[
            ("deviceCustomString3", ""),
            ("deviceCustomString3Label", "Rule ID"),
            ("deviceAction", "")
        ])
    );
    assert_eq!(
        pairs(r"filePath=C:\Temp\\ fname=a.exe"),
        p(&[("filePath", r"C:\Temp\"), ("filename", "a.exe")])
    );
    // A lone trailing backslash is kept as it is, also at the very end.
    assert_eq!(
        pairs(r"filePath=C:\Temp\ dir=D:\"),
        p(&[("filePath", r"C:\Temp\"), ("dir", r"D:\")])
    );
}

#[test]
fn extension_must_start_with_a_key() {
    assert!(parse_extension("hello world").is_err());
    assert!(parse_extension("hello src=1").is_err());
    assert!(parse_extension("=x").is_err());
    assert!(parse_extension(r"\=x a=b").is_err());
}

#[test]
fn header_escapes_and_shapes() {
    let (h, ext) = parse_header(r"0|Acme\|Corp|Log\\Audit|1.0|100|a\b|5|x=1").expect("header");
    assert_eq!(h.vendor, "Acme|Corp");
    assert_eq!(h.product, r"Log\Audit");
    assert_eq!(h.name, r"a\b");
    assert_eq!(ext, "x=1");
    let (h, ext) = parse_header("1|V|P|1|100|Heartbeat|0").expect("no extension pipe");
    assert_eq!((h.version.as_str(), h.severity.as_str(), ext), ("1", "0", ""));
    assert_eq!(
        parse_header("0|V|P|1.0|100").map(|_| ()),
        Err(format!("truncated CEF header: 5 of 7 fields ({HEADER_SHAPE})"))
    );
    assert!(parse_header("0x|V|P|1|2|n|3|").is_err());
}

#[test]
fn severities() {
    for (s, n) in [
        ("0", Some(0)),
        ("10", Some(10)),
        ("7", Some(7)),
        ("11", None),
        ("-1", None),
    ] {
        assert_eq!(severity_number(s), n, "{s}");
    }
    for (s, n) in [("Low", 0), ("medium", 4), ("HIGH", 7), ("Very-High", 9)] {
        assert_eq!(severity_number(s), Some(n), "{s}");
    }
    assert_eq!(severity_number("Unknown"), None);
    assert_eq!(severity_number(""), None);
}

#[test]
fn times() {
    let now = 1_714_564_800; // 2024-05-01T12:00:00Z
    let t = |v: &str| parse_time(v, now, None).map(canonical_time);
    assert_eq!(t("1714564800000").as_deref(), Some("2024-05-01T12:00:00Z"));
    assert_eq!(t("1714564800250").as_deref(), Some("2024-05-01T12:00:00.250000Z"));
    assert_eq!(t("May 01 2024 12:00:00").as_deref(), Some("2024-05-01T12:00:00Z"));
    assert_eq!(
        t("May  1 2024 14:00:00.5 CEST").as_deref(),
        Some("2024-05-01T12:00:00.500000Z")
    );
    assert_eq!(
        t("May 1 2024 07:00:00 GMT-05:00").as_deref(),
        Some("2024-05-01T12:00:00Z")
    );
    assert_eq!(t("may 01 2024 13:00:00 +0100").as_deref(), Some("2024-05-01T12:00:00Z"));
    // No year: this year, unless that is more than a day ahead.
    assert_eq!(t("Apr 30 23:59:59").as_deref(), Some("2024-04-30T23:59:59Z"));
    assert_eq!(t("May 02 11:00:00").as_deref(), Some("2024-05-02T11:00:00Z"));
    assert_eq!(t("Dec 31 23:00:00").as_deref(), Some("2023-12-31T23:00:00Z"));
    assert_eq!(t("Feb 29 12:00:00").as_deref(), Some("2024-02-29T12:00:00Z"));
    for bad in [
        "",
        "yesterday",
        "Feb 30 2024 12:00:00",
        "May 01 2024 24:00:00",
        "May 01 2024 12:00",
        "May 01 2024 12:00:00 XYZ",
        "May 01 2024 12:00:00 UTC extra",
        "99999999999999999999",
        "1e12",
        "2024-13-01T12:00:00Z",
        "2024-05-01T12:00:00 Mars/Olympus",
        "May 01 2024 12:00:00 +aé1",
    ] {
        assert_eq!(t(bad), None, "{bad}");
    }
    // What senders write besides the spec's forms.
    assert_eq!(t("1714564800").as_deref(), Some("2024-05-01T12:00:00Z"));
    assert_eq!(t("1714564800123456").as_deref(), Some("2024-05-01T12:00:00.123456Z"));
    assert_eq!(
        t("2024-05-01T12:00:00.1234567Z").as_deref(),
        Some("2024-05-01T12:00:00.123456700Z")
    );
    assert_eq!(t("2024-05-01 14:00:00+02:00").as_deref(), Some("2024-05-01T12:00:00Z"));
    assert_eq!(t("2024/05/01 12:00:00").as_deref(), Some("2024-05-01T12:00:00Z"));
    // `dtz` applies only to times that name no zone.
    let paris = Zone::parse("Europe/Paris");
    let tz = |v: &str| parse_time(v, now, paris.as_ref()).map(canonical_time);
    assert_eq!(tz("May 01 2024 14:00:00").as_deref(), Some("2024-05-01T12:00:00Z"));
    assert_eq!(tz("Jan 01 2024 13:00:00").as_deref(), Some("2024-01-01T12:00:00Z"));
    assert_eq!(tz("May 01 2024 12:00:00 UTC").as_deref(), Some("2024-05-01T12:00:00Z"));
    assert_eq!(tz("2024-05-01T14:00:00").as_deref(), Some("2024-05-01T12:00:00Z"));
    assert_eq!(tz("1714564800000").as_deref(), Some("2024-05-01T12:00:00Z"));
    assert_eq!(year_of(1_795_474_800), 2026);
    assert_eq!(year_of(-1), 1969);
    assert_eq!(days_from_civil(2000, 3, 1), 11_017);
}

#[test]
fn maps_a_firewall_line() {
    let v = ok(
        "<134>May  1 12:00:00 fw1 CEF:0|Vendor|FW|1.0|100|Allowed|Medium|src=192.0.2.10 spt=51514 \
                dst=2001:DB8::80 dpt=443 proto=6 smac=00:50:56:a1:56:78 suser=alice shost=ws1.example.com \
                rt=1714564800000 outcome=Success in=100 out=200 dvc=198.51.100.1 dvchost=FW1",
    );
    assert_eq!(v["source.ip"], "192.0.2.10");
    assert_eq!(v["source.address"], "192.0.2.10");
    assert_eq!(v["source.domain"], "ws1.example.com");
    assert_eq!(v["source.registered_domain"], "example.com");
    assert_eq!(v["source.port"], 51514);
    assert_eq!(v["source.mac"], "00-50-56-A1-56-78");
    assert_eq!(v["destination.ip"], "2001:db8::80");
    assert_eq!(v["destination.address"], "2001:DB8::80");
    assert_eq!(v["network.transport"], "tcp");
    assert_eq!(v["network.iana_number"], "6");
    assert_eq!(v["event.severity"], 4);
    assert_eq!(v["event.outcome"], "success");
    assert_eq!(v["@timestamp"], "2024-05-01T12:00:00Z");
    assert_eq!(v["source.bytes"], 100);
    assert_eq!(v["observer.ip"], json!(["198.51.100.1"]));
    assert_eq!(v["message"], "Allowed");
    assert_eq!(v["related.ip"], json!(["192.0.2.10", "198.51.100.1", "2001:db8::80"]));
    assert_eq!(v["related.hosts"], json!(["fw1", "ws1.example.com"]));
    assert_eq!(v["cef.extensions.deviceHostName"], "FW1");
    assert_eq!(v["host.name"], "fw1");
}

#[test]
fn bad_values_stay_in_extensions_only() {
    let v = ok("CEF:0|V|P|1|100|n|Critical|src=999.1.1.1 spt=70000 rt=soon fsize=-1 smac=xx outcome=blocked");
    for absent in [
        "source.ip",
        "source.address",
        "source.port",
        "@timestamp",
        "file.size",
        "source.mac",
    ] {
        assert!(v.get(absent).is_none(), "{absent}");
    }
    assert!(v.get("event.severity").is_none());
    assert!(v.get("event.outcome").is_none());
    assert_eq!(v["cef.severity"], "Critical");
    assert_eq!(v["cef.extensions.sourceAddress"], "999.1.1.1");
    assert_eq!(v["cef.extensions.sourcePort"], "70000");
    // A host name that is an IP address is no domain; it stands in for a missing address.
    let v = ok("CEF:0|V|P|1|100|n|1|shost=192.0.2.7 dhost=db1");
    assert!(v.get("source.domain").is_none());
    assert_eq!(
        (&v["source.ip"], &v["source.address"]),
        (&json!("192.0.2.7"), &json!("192.0.2.7"))
    );
    assert_eq!(v["destination.domain"], "db1");
    assert_eq!(v["destination.address"], "db1");
}

#[test]
fn repeated_keys_and_full_names() {
    // The last non-empty value of a key wins, whichever name it came under.
    let v = ok(
        "CEF:0|V|P|1|100|n|1|sourceAddress=192.0.2.1 src=192.0.2.2 src=192.0.2.3 src= \
                destinationAddress=2001:db8::9 duser=a duser=b",
    );
    assert_eq!(v["source.ip"], "192.0.2.3");
    assert_eq!(v["cef.extensions.sourceAddress"], "192.0.2.3");
    assert_eq!(v["destination.ip"], "2001:db8::9");
    assert_eq!(v["destination.user.name"], "b");
    assert_eq!(v["related.user"], json!(["b"]));
}

#[test]
fn rejections() {
    let err = |raw: &str| Cef::normalize_one(event(raw)).expect_err("rejected");
    assert_eq!(err(" \r\n"), "empty event");
    assert!(err("Sep 19 08:26:10 host sshd[1]: CEF: no").starts_with("not a CEF event"));
    assert!(err("CEF:0|V|P|1").starts_with("truncated CEF header: 4 of 7"));
    assert!(err("CEF:0|V|P|1|2|n|3|garbage here").starts_with("CEF extension is not key=value"));
}

/// Every prefix and a few mutations of a busy line normalize or reject without panicking.
#[test]
fn never_panics_on_truncations() {
    let lines = [
        r"<13>CEF:0|A\|B|P\\Q|1|2|n é|High|msg=é\=x \\ rt=May 01 2024 12:00:00 GMT+01:00 src=2001:db8::1 spt=1 dvc=192.0.2.1 request=http://[2001:db8::1]:8080/a?b=c requestClientApplication=Mozilla/5.0 x=\",
        r#"1 2018-12-12T16:53:22.9+00:00 HÖST ATA 4688 Id CEF: 1|V|P|1|IPS|login|Very-High|dtz=Europe/Paris start=2018-12-12T18:52:58.0000000 end=Dec 12 18:53:00.5 cs1Label=a.b cs1="q" c6a2Label=Source c6a2=fe80::1%é request=é.example/x fileHash=ab"#,
        r"<5>1 2020-01-24T22:53:03Z V CEF:0|V|P|1|1|n|1|rt=1795857000123456789 flexDate1Label=d flexDate1=2024/05/01 12:00:00 cfp1Label=f cfp1=1e400 slat=91 slong=1",
    ];
    for line in lines {
        for end in 0..=line.len() {
            if let Some(prefix) = line.get(..end) {
                let _ = Cef::normalize_one(event(prefix));
                let _ = Cef::normalize_one(event(&prefix.replace(' ', "=")));
                let _ = Cef::normalize_one(event(&prefix.replace('=', "\\")));
            }
        }
    }
}

#[test]
fn describes_itself() {
    let d = Cef::describe();
    assert_eq!(d.name, "cef");
    assert_eq!(d.categories, ["firewall", "ids", "network"]);
    let v = ok(&d.sample);
    assert_eq!(v["observer.vendor"], "Palo Alto Networks");
    assert_eq!(v["@timestamp"], "2026-09-19T08:26:10Z");
}

edge_format_sdk::fixtures_test!(Cef);

/// The prefix fields of `line`, through the whole format.
fn prefix_of(line: &str) -> (Value, Value, Value, Value, Value) {
    let v = ok(line);
    let get = |k: &str| v.get(k).cloned().unwrap_or(Value::Null);
    (
        get("host.name"),
        get("process.name"),
        get("process.pid"),
        get("@timestamp"),
        get("log.syslog.priority"),
    )
}

#[test]
fn every_line_shape_gives_the_same_event() {
    let cef = "CEF:0|Vendor|FW|1.0|100|Allowed|5|src=192.0.2.10 dst=192.0.2.20 spt=1 dpt=2";
    let expected = ok(cef);
    let null = Value::Null;
    for (line, host, app, pid, time, pri) in [
        (
            format!("<134>Oct 11 22:14:15 fw1 {cef}"),
            json!("fw1"),
            &null,
            &null,
            json!("2023-10-11T22:14:15Z"),
            json!(134),
        ),
        (
            format!("Oct 11 22:14:15 fw1 {cef}"),
            json!("fw1"),
            &null,
            &null,
            json!("2023-10-11T22:14:15Z"),
            null.clone(),
        ),
        (
            format!("<134>Oct 11 22:14:15 fw1 {}", cef.replace("CEF:0", "CEF: 0")),
            json!("fw1"),
            &null,
            &null,
            json!("2023-10-11T22:14:15Z"),
            json!(134),
        ),
        (
            format!("Oct 11 22:14:15 fw1 product[77]: {cef}"),
            json!("fw1"),
            &json!("product"),
            &json!(77),
            json!("2023-10-11T22:14:15Z"),
            null.clone(),
        ),
        (
            format!("<134>Oct 11 22:14:15 {cef}"),
            null.clone(),
            &null,
            &null,
            json!("2023-10-11T22:14:15Z"),
            json!(134),
        ),
        (
            format!("2023-10-11T22:14:15+02:00 fw1 {cef}"),
            json!("fw1"),
            &null,
            &null,
            json!("2023-10-11T20:14:15Z"),
            null.clone(),
        ),
        (
            format!("<14>1 2023-10-11T22:14:15Z fw1 app 42 - - {cef}"),
            json!("fw1"),
            &json!("app"),
            &json!(42),
            json!("2023-10-11T22:14:15Z"),
            json!(14),
        ),
        (
            format!("   {cef}\r\n"),
            null.clone(),
            &null,
            &null,
            null.clone(),
            null.clone(),
        ),
    ] {
        let v = ok(&line);
        assert_eq!(prefix_of(&line), (host, app.clone(), pid.clone(), time, pri), "{line}");
        for key in [
            "source.ip",
            "destination.port",
            "rule.id",
            "message",
            "event.severity",
            "cef.extensions.sourceAddress",
        ] {
            assert_eq!(v[key], expected[key], "{key} of {line}");
        }
    }
}

#[test]
fn rt_wins_over_the_prefix_time_and_start_stands_in() {
    let v = ok("<134>Oct 11 22:14:15 fw1 CEF:0|V|P|1|1|n|1|rt=1714564800000");
    assert_eq!(v["@timestamp"], "2024-05-01T12:00:00Z");
    let v = ok("CEF:0|V|P|1|1|n|1|start=Apr 30 2024 10:00:00 end=Apr 30 2024 10:00:01.5");
    assert_eq!(v["@timestamp"], "2024-04-30T10:00:00Z");
    assert_eq!(v["event.duration"], 1_500_000_000_i64);
}

#[test]
fn labels_and_custom_fields() {
    let v = ok(
        "CEF:0|V|P|1|1|n|1|cs1Label=Policy cs1=Block cn1Label=Session ID cn1=42 cfp1Label=score cfp1=0.75 \
                flexDate1Label=first.seen flexDate1=1714564800000 cs2=unlabelled c6a2Label=Source IPv6 Address \
                c6a2=2001:db8::7 cs3Label= cs3=x",
    );
    assert_eq!(v["cef.labels.Policy"], "Block");
    assert_eq!(v["cef.labels.Session ID"], 42);
    assert_eq!(v["cef.labels.score"], 0.75);
    assert_eq!(v["cef.labels.first_seen"], "2024-05-01T12:00:00Z");
    assert_eq!(v["cef.labels.Source IPv6 Address"], "2001:db8::7");
    assert_eq!(v["cef.extensions.deviceCustomString1"], "Block");
    assert_eq!(v["cef.extensions.deviceCustomString1Label"], "Policy");
    assert_eq!(v["cef.extensions.deviceCustomString2"], "unlabelled");
    // An IPv6 address labelled as the source stands in for a missing `src`.
    assert_eq!(v["source.ip"], "2001:db8::7");
    let labels = v
        .as_object()
        .map_or(0, |o| o.keys().filter(|k| k.starts_with("cef.labels.")).count());
    assert_eq!(labels, 5);
}

#[test]
fn categorization() {
    let cat = |raw: &str| {
        let v = ok(raw);
        (
            v["event.kind"].clone(),
            v["event.category"].clone(),
            v["event.type"].clone(),
        )
    };
    assert_eq!(
        cat("CEF:0|Check Point|VPN-1 & FireWall-1|R81|Log|Drop|5|act=Drop src=192.0.2.1 dst=192.0.2.2"),
        (json!("event"), json!(["network"]), json!(["connection", "denied"]))
    );
    assert_eq!(
        cat("CEF:0|Trend Micro|Deep Security Agent|20|1001111|Test Intrusion Prevention Rule|3|act=IDS:Reset src=192.0.2.1"),
        (json!("alert"), json!(["intrusion_detection"]), json!(["info"]))
    );
    assert_eq!(
        cat("CEF:0|Trend Micro|Deep Security Manager|20|600|User Signed In|3|suser=admin"),
        (json!("event"), json!(["authentication"]), json!(["start"]))
    );
    assert_eq!(cat("CEF:0|Acme|Sensor|1|hb|Heartbeat|0|").0, json!("event"));
    assert_eq!(cat("CEF:0|Acme|Sensor|1|hb|Heartbeat|0|").1, Value::Null);
    // Short product words match whole words only.
    assert_eq!(cat("CEF:0|Philips|Guids Manager|1|1|n|0|").0, json!("event"));
}

#[test]
fn quoted_values_and_host_addresses() {
    let v = ok(
        r#"Mar 21 14:05:00 VAULT1 CEF:0|Cyber-Ark|Vault|12.1|22|CPM Verify Password|5|act="CPM Verify Password" suser=PasswordManager shost=10.0.0.10 dhost= cs2Label="Safe Name" cs2="re-dact-ted" msg="#,
    );
    assert_eq!(v["event.action"], "CPM Verify Password");
    assert_eq!(v["cef.labels.Safe Name"], "re-dact-ted");
    assert_eq!(v["source.ip"], "10.0.0.10");
    assert!(v.get("source.domain").is_none());
    assert_eq!(v["message"], "CPM Verify Password");
    assert_eq!(v["host.name"], "VAULT1");
}

#[test]
fn a_short_rfc5424_header() {
    // CyberArk's RFC 5424 header stops after HOSTNAME.
    let v = ok("<5>1 2020-01-24T22:53:03Z VAULT CEF:0|Cyber-Ark|Vault|10.9.0000|22|CPM Verify Password|5|suser=PasswordManager");
    assert_eq!(v["host.name"], "VAULT");
    assert_eq!(v["@timestamp"], "2020-01-24T22:53:03Z");
    assert_eq!(v["log.syslog.priority"], 5);
}

#[test]
fn an_rfc5424_prefix_without_pri() {
    let v = ok("1 2018-12-12T16:53:22.925757+00:00 CENTER ATA 4688 AbnormalSensitiveGroupMembership CEF:0|Microsoft|ATA|1.9.0.0|AbnormalSensitiveGroupMembershipChangeSuspiciousActivity|Abnormal modification of sensitive groups|5|start=2018-12-12T18:52:58.0000000Z app=GroupMembershipChangeEvent suser=krbtgt cs1Label=url cs1=https\\://192.0.2.220/suspiciousActivity/5c113d028ca1ec1250ca0491");
    assert_eq!(v["host.name"], "CENTER");
    assert_eq!((&v["process.name"], &v["process.pid"]), (&json!("ATA"), &json!(4688)));
    assert!(v.get("log.syslog.priority").is_none());
    assert_eq!(v["@timestamp"], "2018-12-12T16:53:22.925757Z");
    assert_eq!(v["event.start"], "2018-12-12T18:52:58Z");
    assert_eq!(
        v["cef.labels.url"],
        "https://192.0.2.220/suspiciousActivity/5c113d028ca1ec1250ca0491"
    );
}
