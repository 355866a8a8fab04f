use super::*;
use crate::categorize::categorize;
use crate::values::snake_case;
use edge_format_sdk::json;

edge_format_sdk::fixtures_test!(Okta);

fn normalize(raw: &str) -> Result<Value, String> {
    Okta::normalize_one(edge_format_sdk::fixtures::https_event(raw, 1_772_400_000)).map(Value::Object)
}

const EVENT: &str = r#"{"uuid":"u-1","published":"2026-03-02T09:15:27.412Z","eventType":"user.session.start","severity":"INFO","actor":{"id":"00u1","type":"User","alternateId":"alice@example.com"},"outcome":{"result":"SUCCESS"},"client":{"ipAddress":"192.0.2.1"}}"#;

#[test]
fn every_layout_gives_the_same_event() {
    let alone = normalize(EVENT).expect("event");
    for raw in [
        format!("[{EVENT}]"),
        format!("okta: {EVENT}"),
        format!(r#"{{"eventType":"com.okta.event_hook","data":{{"events":[{EVENT}]}}}}"#),
        format!(r#"{{"detail-type":"SystemLog","detail":{EVENT}}}"#),
    ] {
        assert_eq!(normalize(&raw).as_ref(), Ok(&alone), "{raw}");
    }
    assert_eq!(alone["related.user"], json!(["alice@example.com"]));
    assert_eq!(alone["event.type"], json!(["start"]));
}

#[test]
fn rejections_say_why() {
    assert_eq!(normalize("[]"), Err("a JSON array with no Okta event".into()));
    assert_eq!(
        normalize(r#"{"eventType":"com.okta.event_hook","data":{"events":[1]}}"#),
        Err("not an Okta System Log event: the item of an event hook is not an object".into())
    );
    assert_eq!(
        normalize("42"),
        Err("not an Okta System Log event: no JSON object".into())
    );
    assert_eq!(
        normalize("[42]"),
        Err("not an Okta System Log event: the item of a JSON array is not an object".into())
    );
}

#[test]
fn outcomes_are_what_ecs_allows() {
    for (result, outcome) in [
        ("SUCCESS", "success"),
        ("ALLOW", "success"),
        ("FAILURE", "failure"),
        ("DENY", "failure"),
        ("SKIPPED", "unknown"),
        ("UNKNOWN", "unknown"),
        ("CHALLENGE", "unknown"),
    ] {
        let raw = EVENT.replace("SUCCESS", result);
        assert_eq!(normalize(&raw).expect("event")["event.outcome"], outcome, "{result}");
    }
}

#[test]
fn non_user_actors_are_not_users() {
    let raw = EVENT.replace(r#""type":"User""#, r#""type":"SystemPrincipal""#);
    let fields = normalize(&raw).expect("event");
    assert_eq!(fields["okta.actor.type"], "SystemPrincipal");
    assert!(fields.get("user.name").is_none() && fields.get("user.id").is_none());
}

#[test]
fn an_unreadable_time_is_left_to_the_host() {
    let fields = normalize(&EVENT.replace("2026-03-02T09:15:27.412Z", "soon")).expect("event");
    assert!(fields.get("@timestamp").is_none());
}

#[test]
fn keys_in_snake_case() {
    assert_eq!(snake_case("requestUri"), "request_uri");
    assert_eq!(snake_case("dtHash"), "dt_hash");
    assert_eq!(snake_case("threatSuspected"), "threat_suspected");
    assert_eq!(snake_case("a.b"), "a_b");
    assert_eq!(snake_case(""), "_");
}

#[test]
fn categories_follow_the_event_type_family() {
    let cat = |t: &str| categorize(t).map(|c| (c.kind, c.category, c.types));
    assert_eq!(
        cat("user.lifecycle.unsuspend"),
        Some(("event", vec!["iam"], vec!["user", "change"]))
    );
    assert_eq!(
        cat("group.lifecycle.create"),
        Some(("event", vec!["iam"], vec!["group", "creation"]))
    );
    assert_eq!(
        cat("policy.rule.add"),
        Some(("event", vec!["configuration"], vec!["creation"]))
    );
    assert_eq!(cat("security.threat.detected").map(|c| c.0), Some("alert"));
    assert_eq!(
        cat("user.session.impersonation.grant"),
        Some(("event", vec!["session"], vec!["info"]))
    );
    assert_eq!(cat("system.org.rate_limit.violation"), None);
}

#[test]
fn describes_itself_with_a_sample_it_reads() {
    let d = Okta::describe();
    assert_eq!(d.name, "okta");
    assert_eq!(d.categories, ["authentication", "cloud"]);
    let fields = normalize(&d.sample).expect("sample");
    assert_eq!(fields["source.as.number"], 64500);
    assert_eq!(fields["source.geo.city_name"], "Lyon");
}
