use super::*;
use crate::categorize::categorize;
use crate::values::{is_rfc3339, storable};
use edge_format_sdk::{json, Value};

edge_format_sdk::fixtures_test!(CloudTrail);

fn normalize(raw: &str) -> Result<Value, String> {
    CloudTrail::normalize_one(edge_format_sdk::fixtures::https_event(raw, 1_772_400_000)).map(Value::Object)
}

const RECORD: &str = r#"{"eventVersion":"1.09","eventTime":"2026-03-02T09:15:27Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","userIdentity":{"type":"IAMUser","userName":"alice"}}"#;

#[test]
fn every_layout_gives_the_same_record() {
    let alone = normalize(RECORD).expect("record");
    for raw in [
        format!("{{\"Records\":[{RECORD}]}}"),
        format!("CloudTrail: {RECORD}"),
        format!("  {RECORD}\n"),
        format!(r#"{{"detail-type":"AWS API Call via CloudTrail","source":"aws.s3","detail":{RECORD}}}"#),
    ] {
        assert_eq!(normalize(&raw).as_ref(), Ok(&alone), "{raw}");
    }
    assert_eq!(alone["event.action"], "ListBuckets");
    assert_eq!(alone["related.user"], json!(["alice"]));
}

#[test]
fn rejections_say_why() {
    assert_eq!(
        normalize(r#"{"Records":[]}"#),
        Err("a CloudTrail log file with no records".into())
    );
    assert_eq!(
        normalize(r#"{"Records":{}}"#),
        Err("not a CloudTrail record: \"Records\" is not an array".into())
    );
    assert_eq!(
        normalize("[1,2]"),
        Err("not a CloudTrail record: no JSON object".into())
    );
    assert_eq!(
        normalize(r#"{"eventName":"X","eventSource":"s3.amazonaws.com"}"#),
        Err("not a CloudTrail record: no eventName, eventSource and eventVersion or eventTime".into())
    );
    // Text before the object longer than a tag is not a prefix.
    let long = format!("{} {RECORD}", "x".repeat(200));
    assert!(normalize(&long).is_err());
}

#[test]
fn an_unreadable_time_is_left_to_the_host() {
    let raw = RECORD.replace("2026-03-02T09:15:27Z", "yesterday");
    let fields = normalize(&raw).expect("record");
    assert!(fields.get("@timestamp").is_none());
    assert!(is_rfc3339("2026-03-02T09:15:27.123+01:00"));
    assert!(!is_rfc3339("2026-03-02"));
    assert!(!is_rfc3339("Mar 2, 2026, 9:15:27 AM"));
}

#[test]
fn kept_objects_never_conflict_when_nested() {
    assert_eq!(
        storable(&json!({"a.b": 1, "": {"c.d": [{"e.f": 2}]}, "a": 3})),
        json!({"a_b": 1, "_": {"c_d": [{"e_f": 2}]}, "a": 3})
    );
}

#[test]
fn categories_follow_the_call() {
    let cat = |s: &str, n: &str| categorize(s, n).map(|c| (c.category, c.types));
    assert_eq!(
        cat("iam.amazonaws.com", "RemoveUserFromGroup"),
        Some((vec!["iam"], vec!["group", "change"]))
    );
    assert_eq!(
        cat("iam.amazonaws.com", "CreateRole"),
        Some((vec!["iam"], vec!["admin", "creation"]))
    );
    assert_eq!(
        cat("iam.amazonaws.com", "UpdateAccountPasswordPolicy"),
        Some((vec!["iam"], vec!["admin", "change"]))
    );
    assert_eq!(
        cat("s3.amazonaws.com", "PutObjectAcl"),
        Some((vec!["file"], vec!["change"]))
    );
    assert_eq!(
        cat("s3.amazonaws.com", "ListBuckets"),
        Some((vec!["configuration"], vec!["access"]))
    );
    assert_eq!(
        cat("ec2.amazonaws.com", "DescribeSecurityGroups"),
        Some((vec!["network", "configuration"], vec!["info"]))
    );
    assert_eq!(
        cat("kms.amazonaws.com", "GenerateDataKeyWithoutPlaintext"),
        Some((vec!["api"], vec!["access"]))
    );
    assert_eq!(cat("sts.amazonaws.com", "GetCallerIdentity"), None);
    assert_eq!(cat("dynamodb.amazonaws.com", "PutItem"), None);
    // A verb must end at a capital: `Settle` is not `Set`.
    assert_eq!(cat("config.amazonaws.com", "Settle"), None);
}

#[test]
fn service_sources_and_agents_are_not_parsed_as_addresses_or_browsers() {
    let raw = RECORD
        .replace("192.0.2.1", "AWS Internal")
        .replace(r#""awsRegion""#, r#""userAgent":"AWS Internal","awsRegion""#);
    let fields = normalize(&raw).expect("record");
    assert_eq!(fields["source.address"], "AWS Internal");
    assert!(fields.get("source.domain").is_none() && fields.get("source.ip").is_none());
    assert_eq!(fields["user_agent.original"], "AWS Internal");
    assert!(fields.get("user_agent.name").is_none());
}

#[test]
fn describes_itself_with_a_sample_it_reads() {
    let d = CloudTrail::describe();
    assert_eq!(d.name, "aws-cloudtrail");
    assert_eq!(d.categories, ["cloud"]);
    let fields = normalize(&d.sample).expect("sample");
    assert_eq!(fields["user.target.name"], "bob");
    assert_eq!(fields["event.type"], json!(["user", "creation"]));
}
