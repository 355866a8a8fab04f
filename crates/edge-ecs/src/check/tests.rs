use super::*;
use serde_json::json;

fn nested(value: Value) -> Value {
    crate::nest_value(value).expect("no conflict")
}

#[test]
fn the_reference_is_ecs_9() {
    let r = reference();
    assert_eq!(r.version(), "9.4.0");
    assert!(r.len() > 2500, "{}", r.len());
    assert_eq!(r.field_type("source.ip"), Some("ip"));
    assert_eq!(r.field_type("@timestamp"), Some("date"));
    assert!(r.is_ecs("log.syslog.facility.code") && r.is_ecs("user.name") && r.is_ecs("message"));
    // Objects that take any key, and one that lists its keys.
    assert!(r.is_ecs("labels.env") && r.is_ecs("log.syslog.structured_data.meta@1.role"));
    assert!(!r.is_ecs("log.syslog.colour") && !r.is_ecs("source.ip.x") && !r.is_ecs("ssh.method"));
    assert_eq!(
        r.allowed_values("event.outcome"),
        Some(&["failure", "success", "unknown"][..])
    );
    assert!(r.expected_types("authentication").is_some_and(|t| t.contains(&"start")));
}

#[test]
fn warns_about_names_outside_ecs_and_the_namespace() {
    let doc = nested(json!({
        "@timestamp": "t", "message": "m", "source.ip": "192.0.2.1", "ssh.method": "password",
        "openssh.kex": "x", "log.syslog.structured_data": {"a@1": {"b": "c"}}, "labels": {"k": "v"},
        "dns.answers": [{"name": "a.example", "ttl": 5, "colour": "red"}], "related.ip": ["192.0.2.1"]
    }));
    let findings = check(&doc, "openssh");
    assert_eq!(findings.not_in_ecs, ["dns.answers.colour", "ssh.method"]);
    assert!(findings.errors.is_empty());
    assert_eq!(
        findings.warnings()[1],
        "field ssh.method is not in ECS 9.4.0 (vendor fields go under the format's name)"
    );
}

#[test]
fn fails_on_categorization_values_ecs_does_not_allow() {
    let doc = nested(json!({
        "event.kind": "event", "event.category": ["authentication", "login"],
        "event.type": ["start", "denied"], "event.outcome": "failed"
    }));
    let findings = check(&doc, "x");
    assert_eq!(findings.errors.len(), 2, "{findings:?}");
    assert!(findings.errors[0].starts_with("event.category: \"login\" is not a value ECS 9.4.0 allows (api, "));
    assert!(findings.errors[1].starts_with("event.outcome: \"failed\" is not a value"));
    assert_eq!(
        findings.unexpected_types,
        ["event.type \"denied\" is not one ECS expects with event.category \"authentication\" (start, end, info)"]
    );
    assert_eq!(check(&nested(json!({"event.kind": 3})), "x").errors.len(), 1);
    assert!(
        check(&nested(json!({"event.kind": "alert", "event.outcome": "success"})), "x")
            .errors
            .is_empty()
    );
}
