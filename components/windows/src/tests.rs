use super::*;
use edge_format_sdk::json;

edge_format_sdk::fixtures_test!(Windows);

fn ok(raw: &str) -> Value {
    let event = edge_format_sdk::fixtures::https_event(raw, 1_795_392_000);
    Value::Object(Windows::normalize_one(event).expect("normalized"))
}

fn err(raw: &str) -> String {
    let event = edge_format_sdk::fixtures::https_event(raw, 1_795_392_000);
    Windows::normalize_one(event).expect_err("rejected")
}

#[test]
fn the_three_shapes_agree() {
    let beat = ok(
        r#"{"winlog":{"event_id":"4625","channel":"Security","provider_name":"Microsoft-Windows-Security-Auditing","computer_name":"DC01","event_data":{"TargetUserName":"bob","Status":"0xc000006d","SubStatus":"0xc0000072","LogonType":"3","IpAddress":"192.0.2.7"}}}"#,
    );
    let nxlog = ok(
        r#"{"EventID":4625,"Channel":"Security","SourceName":"Microsoft-Windows-Security-Auditing","Hostname":"DC01","TargetUserName":"bob","Status":"0xc000006d","SubStatus":"0xc0000072","LogonType":3,"IpAddress":"192.0.2.7"}"#,
    );
    let xml = ok(
        r##"{"Event":{"System":{"EventID":"4625","Channel":"Security","Provider":{"@Name":"Microsoft-Windows-Security-Auditing"},"Computer":"DC01"},"EventData":{"Data":[{"@Name":"TargetUserName","#text":"bob"},{"@Name":"Status","#text":"0xc000006d"},{"@Name":"SubStatus","#text":"0xc0000072"},{"@Name":"LogonType","#text":"3"},{"@Name":"IpAddress","#text":"192.0.2.7"}]}}}"##,
    );
    for v in [&beat, &nxlog, &xml] {
        assert_eq!(v["event.code"], "4625");
        assert_eq!(v["event.outcome"], "failure");
        assert_eq!(v["user.name"], "bob");
        assert_eq!(v["source.ip"], "192.0.2.7");
        assert_eq!(v["winlog.logon.type"], "Network");
        assert_eq!(v["event.reason"], "User logon to account disabled by administrator");
        assert_eq!(v["host.name"], "DC01");
    }
}

#[test]
fn rejections_say_why() {
    assert_eq!(err(""), "empty event");
    assert!(err("no json here").contains("no JSON object"));
    assert!(err("[1, 2]").contains("no JSON object") || err("[1, 2]").contains("not a JSON object"));
    assert!(err(r#"{"a":1}"#).contains("not a Windows event"));
    assert!(err(r#"{"Event":{"Foo":1}}"#).contains("Event.System.EventID"));
}

#[test]
fn hex_and_zero_pids() {
    let v = ok(
        r#"{"EventID":4688,"Channel":"Security","SourceName":"Microsoft-Windows-Security-Auditing","NewProcessId":"0x1A2C","ProcessId":"0x0","NewProcessName":"C:\\x\\a.exe"}"#,
    );
    assert_eq!(v["process.pid"], 6700);
    assert!(v.get("process.parent.pid").is_none());
    assert_eq!(v["process.name"], "a.exe");
}

#[test]
fn nxlog_time_without_zone_is_utc() {
    let v = ok(r#"{"EventID":4634,"Channel":"Security","EventTime":"2026-11-22 22:44:57"}"#);
    assert_eq!(v["@timestamp"], "2026-11-22T22:44:57Z");
    assert_eq!(v["event.type"], json!(["end"]));
}

#[test]
fn dotted_event_data_names_do_not_nest() {
    let v = ok(r#"{"EventID":1,"Channel":"Application","SourceName":"App","a.b":"x"}"#);
    assert_eq!(v["winlog.event_data.a_b"], "x");
    assert_eq!(v["event.kind"], "event");
    assert!(v.get("event.category").is_none());
}
