use super::*;
use edge_format_sdk::{json, TIMESTAMP};

fn normalize(raw: &str) -> Result<Fields, String> {
    Suricata::normalize_one(edge_format_sdk::fixtures::https_event(raw, 1_795_474_800))
}

edge_format_sdk::fixtures_test!(Suricata);

const ALERT: &str = r#"{"timestamp":"2026-11-22T23:44:57.123456+0100","flow_id":42,"event_type":"alert","src_ip":"203.0.113.45","src_port":51234,"dest_ip":"192.0.2.10","dest_port":80,"proto":"TCP","alert":{"action":"blocked","signature_id":2024897,"rev":3,"signature":"ET X","category":"Misc activity","severity":2}}"#;

#[test]
fn describes_itself_with_a_sample_it_reads() {
    let d = Suricata::describe();
    assert_eq!(d.name, "suricata");
    assert_eq!(d.categories, vec!["ids".to_string(), "network".to_string()]);
    let fields = normalize(&d.sample).expect("the sample reads");
    assert_eq!(fields["event.kind"], "alert");
    assert_eq!(fields["rule.id"], "2024897");
}

#[test]
fn whole_lines_of_every_shape_give_the_same_event() {
    for line in [
        ALERT.to_owned(),
        format!("  {ALERT}\n"),
        format!("suricata[1234]: {ALERT}"),
        format!("suricata: @cee: {ALERT}"),
        format!("<190>Nov 22 22:45:01 sensor1 suricata[1234]: {ALERT}"),
        format!("Nov 22 22:45:01 sensor1 suricata[1234]: {ALERT}"),
        format!("2026-11-22T22:45:01.5+00:00 sensor1 suricata[1234]: {ALERT}"),
        format!("<190>1 2026-11-22T22:45:01Z sensor1 suricata 1234 - - {ALERT}"),
    ] {
        let fields = normalize(&line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
        assert_eq!(fields[TIMESTAMP], "2026-11-22T22:44:57.123456Z", "{line:?}");
        assert_eq!(fields["event.type"], json!(["denied"]), "{line:?}");
        assert_eq!(fields["event.outcome"], "failure", "{line:?}");
        assert_eq!(fields["suricata.eve.flow_id"], 42, "{line:?}");
        if line.contains("suricata[1234]") || line.contains(" 1234 ") {
            assert_eq!(fields["process.pid"], 1234, "{line:?}");
            assert_eq!(fields["process.name"], "suricata", "{line:?}");
        }
    }
}

#[test]
fn times_in_every_zone_form() {
    for (text, expected) in [
        ("2026-11-22T22:44:57.123456+0000", Some("2026-11-22T22:44:57.123456Z")),
        ("2026-11-22T22:44:57.123456-0530", Some("2026-11-23T04:14:57.123456Z")),
        ("2026-11-22T22:44:57+01:00", Some("2026-11-22T21:44:57.000Z")),
        ("2026-11-22T22:44:57", Some("2026-11-22T22:44:57.000Z")),
        ("2026-11-22 22:44:57Z", Some("2026-11-22T22:44:57.000Z")),
        ("2026-02-30T22:44:57+0000", None),
        ("2026-11-22T25:44:57+0000", None),
        ("2026-11-22T22:44:57.+0000", None),
        ("2026-11-22T22:44:57+9", None),
        ("22/11/2026", None),
        ("2026-11-22T22:44:5é", None),
    ] {
        assert_eq!(time::rfc3339(text).as_deref(), expected, "{text}");
    }
    assert_eq!(
        time::duration_nanos("2026-11-22T22:44:57.5+0000", "2026-11-22T22:45:00.25+0000"),
        Some(2_750_000_000)
    );
    assert_eq!(
        time::duration_nanos("2026-11-22T22:45:00+0000", "2026-11-22T22:44:00+0000"),
        None
    );
}

#[test]
fn unmapped_keys_stay_under_the_vendor_namespace() {
    let fields = normalize(
        r#"{"event_type":"smb","src_ip":"192.0.2.1","smb":{"command":"SMB2_COMMAND_CREATE"},"pcap_cnt":7,"tx_id":0,"nothing":null,"empty":{}}"#,
    )
    .expect("valid test input");
    assert_eq!(fields["suricata.eve.smb"], json!({"command": "SMB2_COMMAND_CREATE"}));
    assert_eq!(fields["suricata.eve.pcap_cnt"], 7);
    assert_eq!(fields["event.type"], json!(["protocol"]));
    assert!(!fields.contains_key("suricata.eve.nothing"));
    assert!(!fields.contains_key("suricata.eve.empty"));
    assert!(!fields.contains_key("@timestamp"));
}

#[test]
fn rejects_what_is_not_suricata() {
    for (raw, reason) in [
        ("", "empty event"),
        ("   \n", "empty event"),
        (r#"{"message":"hello"}"#, "not a Suricata EVE event: no event_type"),
        (r#"{"event_type": 3}"#, "not a Suricata EVE event: no event_type"),
    ] {
        assert_eq!(normalize(raw), Err(reason.to_string()), "{raw:?}");
    }
    for raw in [
        "[1,2]",
        r#"{"event_type":"alert""#,
        "Nov 22 22:45:01 gw sshd[42]: Accepted password for bob from 192.0.2.1 port 22 ssh2",
        "Notice: suricata: this has no program to say it is Suricata's",
    ] {
        let error = normalize(raw).expect_err(raw);
        assert!(error.starts_with("not a Suricata EVE event"), "{raw:?}: {error}");
    }
}

#[test]
fn never_panics_on_cut_or_odd_input() {
    let whole = r#"{"timestamp":"2026-11-22T22:44:57.123456+0000","event_type":"dns","dns":{"version":2,"type":"answer","id":1,"flags":"8180","rrname":"é.example","answers":[{"rrname":"é.example","rrtype":"A","ttl":1,"rdata":"192.0.2.1"}]}}"#;
    for end in (0..whole.len()).filter(|i| whole.is_char_boundary(*i)) {
        let _ = normalize(&whole[..end]);
    }
    for odd in [
        r#"{"event_type":"dns","dns":{"type":"answer","flags":"zz","answers":"x","grouped":[1]}}"#,
        r#"{"event_type":"tls","tls":{"version":"TLS ","subject":",,=,CN=","ja3":"x","notbefore":5}}"#,
        r#"{"event_type":"flow","flow":{"start":"x","end":"2026-11-22T22:44:57+0000","bytes_toserver":-1}}"#,
        r#"{"event_type":"http","http":{"status":"abc","url":"","hostname":"-"},"src_port":70000}"#,
        r#"{"event_type":"smtp","email":{"from":"<>","to":[1,null]},"smtp":{"rcpt_to":["<"]}}"#,
        "[99999999999999999999 - x] <Notice>",
        "[1 - ] 2026-11-22 22:44:57 Info: x",
        "22/11/2026 -- 25:00:00 - <Info> -",
    ] {
        let _ = normalize(odd);
    }
}

#[test]
fn own_messages_read_level_logger_and_code() {
    let fields = normalize("Nov 22 22:45:01 sensor1 suricata[7]: <Error> - [ERRCODE: SC_ERR_AFP_CREATE(190)] - Couldn't init AF_PACKET socket").expect("valid test input");
    assert_eq!(fields["log.level"], "error");
    assert_eq!(fields["error.code"], "SC_ERR_AFP_CREATE");
    assert_eq!(fields["message"], "Couldn't init AF_PACKET socket");
    let fields = normalize("suricata: Notice: threads: Threads created -> W: 4 FM: 1 FR: 1   Engine started.")
        .expect("valid test input");
    assert_eq!(fields["log.logger"], "threads");
    assert_eq!(
        fields["message"],
        "Threads created -> W: 4 FM: 1 FR: 1   Engine started."
    );
    assert_eq!(fields["event.kind"], "event");
}
