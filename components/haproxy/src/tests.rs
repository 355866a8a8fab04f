use super::*;
use edge_format_sdk::{json, TIMESTAMP};

fn normalize(raw: &str) -> Result<Fields, String> {
    HaProxy::normalize_one(edge_format_sdk::fixtures::https_event(raw, 1_795_474_800))
}

edge_format_sdk::fixtures_test!(HaProxy);

const HTTP: &str = r#"192.0.2.7:53210 [22/Nov/2026:22:44:57.123] www app/web1 0/0/1/2/3 200 1234 - - ---- 1/1/0/0/0 0/0 "GET /a?b=c HTTP/1.1""#;

#[test]
fn describes_itself_with_a_sample_it_reads() {
    let d = HaProxy::describe();
    assert_eq!(d.name, "haproxy");
    assert_eq!(d.categories, vec!["web".to_string(), "network".to_string()]);
    let fields = normalize(&d.sample).expect("the sample reads");
    assert_eq!(fields["http.response.status_code"], 200);
    assert_eq!(fields["tls.established"], true);
}

#[test]
fn whole_lines_of_every_shape_give_the_same_event() {
    for line in [
        HTTP.to_owned(),
        format!("  {HTTP}\n"),
        format!("haproxy[1234]: {HTTP}"),
        format!("<134>Nov 22 22:44:57 haproxy[1234]: {HTTP}"),
        format!("<134>Nov 22 22:44:57 lb1 haproxy[1234]: {HTTP}"),
        format!("Nov 22 22:44:57 lb1 haproxy[1234]: {HTTP}"),
        format!("2026-11-22T22:44:57.200+00:00 lb1 haproxy[1234]: {HTTP}"),
        format!("<134>1 2026-11-22T22:44:57.200Z lb1 haproxy 1234 - - {HTTP}"),
    ] {
        let fields = normalize(&line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
        assert_eq!(fields[TIMESTAMP], "2026-11-22T22:44:57.123+00:00", "{line:?}");
        assert_eq!(fields["url.query"], "b=c", "{line:?}");
        assert_eq!(fields["event.duration"], 3_000_000, "{line:?}");
        if line.contains("haproxy[1234]") || line.contains("haproxy 1234") {
            assert_eq!(fields["process.pid"], 1234, "{line:?}");
            assert_eq!(fields["process.name"], "haproxy", "{line:?}");
        }
    }
}

#[test]
fn termination_states_say_why() {
    let fields = normalize(
        "192.0.2.7:1 [22/Nov/2026:22:44:57.123] fe be/srv 0/-1/-1/-1/30001 504 194 - - sH-- 3/3/1/1/0 0/0 \"GET / HTTP/1.1\"",
    )
    .expect("valid test input");
    assert_eq!(
        fields["event.reason"],
        "the server-side timeout expired while waiting for the response headers"
    );
    assert_eq!(fields["haproxy.connection_wait_time_ms"], -1);
    assert_eq!(fields["event.outcome"], "failure");
    let fields = normalize("192.0.2.7:1 [22/Nov/2026:22:44:57.123] fe be/srv 0/0/+3 0 CD 1/1/1/1/+1 0/0")
        .expect("valid test input");
    assert_eq!(fields["haproxy.connections.retries"], 1);
    assert_eq!(fields["event.type"], json!(["connection", "end"]));
}

#[test]
fn rejects_what_is_not_haproxy() {
    for (raw, reason) in [("", "empty event"), (" \r\n", "empty event")] {
        assert_eq!(normalize(raw), Err(reason.to_string()), "{raw:?}");
    }
    for raw in [
        "Nov 22 22:45:01 gw sshd[42]: Accepted password for bob from 192.0.2.1 port 22 ssh2",
        r#"192.0.2.10 - - [22/Nov/2026:22:44:57 +0100] "GET / HTTP/1.1" 200 612"#,
        "192.0.2.7:1 [22/Nov/2026:22:44:57.123] fe be/srv 0/0 200 1 - - ---- 1/1/1/1/0 0/0",
        "192.0.2.7:1 [22/Nov/2026:22:44:57.123] fe be/srv 0/0/0/0/0 200 1 - - -- 1/1/1/1/0 0/0",
        "Server is fine",
    ] {
        let error = normalize(raw).expect_err(raw);
        assert!(error.starts_with("not an HAProxy log line"), "{raw:?}: {error}");
    }
}

#[test]
fn never_panics_on_cut_lines() {
    let whole = "haproxy[1]: 2001:db8::7:53210 [22/Nov/2026:22:44:57.123] fé~ app/wéb1 0/0/1/2/3 200 1234 - - ---- 1/1/0/0/0 0/0 {é|b} {c} \"GET /é HTTP/1.1\" 0/0/0/0/1 é/TLSv1.3/X";
    for end in (0..whole.len()).filter(|i| whole.is_char_boundary(*i)) {
        let _ = normalize(&whole[..end]);
    }
    for odd in [
        "Server a/b ('x",
        "Health check for server /",
        "[WARNING] (x : y",
        "Connect from 1 to 2",
        "Proxy",
    ] {
        let _ = normalize(odd);
    }
}
