use super::*;
use crate::categorize::categorize;
use edge_format_sdk::{json, Value};

edge_format_sdk::fixtures_test!(M365);

fn normalize(raw: &str) -> Result<Value, String> {
    M365::normalize_one(edge_format_sdk::fixtures::https_event(raw, 1_772_400_000)).map(Value::Object)
}

const RECORD: &str = r#"{"CreationTime":"2026-03-02T09:15:27","Id":"r-1","Operation":"FileAccessed","OrganizationId":"ORG-1","RecordType":6,"UserId":"alice@contoso.com","Workload":"SharePoint","ClientIP":"192.0.2.1","ObjectId":"https://contoso.sharepoint.com/sites/Finance/Shared Documents/q1.xlsx","SourceFileName":"q1.xlsx"}"#;

#[test]
fn every_layout_gives_the_same_record() {
    let alone = normalize(RECORD).expect("record");
    for raw in [
        format!("[{RECORD}]"),
        format!("o365: {RECORD}"),
        format!("  {RECORD}\r\n"),
        format!(
            r#"{{"RecordType":"SharePointFileOperation","CreationDate":"2026-03-02T09:15:27Z","UserIds":"alice@contoso.com","Operations":"FileAccessed","AuditData":{}}}"#,
            json!(RECORD)
        ),
        format!(r#"{{"RecordType":6,"AuditData":{RECORD}}}"#),
    ] {
        assert_eq!(normalize(&raw).as_ref(), Ok(&alone), "{raw}");
    }
    assert_eq!(alone["@timestamp"], "2026-03-02T09:15:27Z");
    assert_eq!(alone["event.code"], "SharePointFileOperation");
    assert_eq!(alone["organization.id"], "org-1");
    assert_eq!(alone["related.user"], json!(["alice", "alice@contoso.com"]));
    assert_eq!(alone["url.domain"], "contoso.sharepoint.com");
    assert_eq!(alone["url.path"], "/sites/Finance/Shared Documents/q1.xlsx");
    assert_eq!(alone["event.type"], json!(["access"]));
}

#[test]
fn rejections_say_why() {
    assert_eq!(
        normalize("[]"),
        Err("a JSON array with no Microsoft 365 audit record".into())
    );
    assert_eq!(
        normalize("[1]"),
        Err("not a Microsoft 365 audit record: the item of a JSON array is not an object".into())
    );
    assert_eq!(
        normalize("42"),
        Err("not a Microsoft 365 audit record: no JSON object".into())
    );
    assert_eq!(
        normalize(r#"{"AuditData":"{oops"}"#),
        Err("not a Microsoft 365 audit record: AuditData is not a JSON object".into())
    );
    assert_eq!(
        normalize(&RECORD.replace(r#""RecordType":6,"#, "")),
        Err("not a Microsoft 365 audit record: no CreationTime, Operation, RecordType and Id or Workload".into())
    );
    // Text before the object longer than a tag is not a prefix.
    let long = format!("{} {RECORD}", "x".repeat(200));
    assert!(normalize(&long).is_err());
}

#[test]
fn outcomes_are_what_ecs_allows() {
    for (status, outcome) in [
        ("Succeeded", "success"),
        ("Success", "success"),
        ("PartiallySucceeded", "success"),
        ("True", "success"),
        ("Failed", "failure"),
        ("Failure", "failure"),
        ("False", "failure"),
        ("Interrupted", "unknown"),
    ] {
        let raw = RECORD.replace(r#""Id":"r-1","#, &format!(r#""Id":"r-1","ResultStatus":"{status}","#));
        assert_eq!(normalize(&raw).expect("record")["event.outcome"], outcome, "{status}");
    }
    assert_eq!(normalize(RECORD).expect("record")["event.outcome"], "success");
}

#[test]
fn a_failed_sign_in_started_nothing() {
    let raw = r#"{"CreationTime":"2026-03-02T09:15:27","Id":"r-2","Operation":"UserLoginFailed","RecordType":15,"ResultStatus":"Success","UserId":"bob@contoso.com","Workload":"AzureActiveDirectory","ActorIpAddress":"[2001:db8::7]:443"}"#;
    let fields = normalize(raw).expect("record");
    assert_eq!(fields["event.outcome"], "failure");
    assert_eq!(fields["event.type"], json!(["info"]));
    assert_eq!(fields["source.ip"], "2001:db8::7");
    assert_eq!(fields["source.port"], 443);
    assert_eq!(fields["network.type"], "ipv6");
}

#[test]
fn an_unreadable_time_is_left_to_the_host() {
    let fields = normalize(&RECORD.replace("2026-03-02T09:15:27", "yesterday")).expect("record");
    assert!(fields.get("@timestamp").is_none());
    assert_eq!(fields["o365.audit.CreationTime"], "yesterday");
}

#[test]
fn user_ids_that_are_not_upns_stay_ids() {
    let raw = RECORD.replace("alice@contoso.com", r"NT AUTHORITY\\SYSTEM (w3wp.exe)");
    let fields = normalize(&raw).expect("record");
    assert_eq!(fields["user.id"], r"NT AUTHORITY\SYSTEM (w3wp.exe)");
    assert!(fields.get("user.name").is_none() && fields.get("related.user").is_none());
}

#[test]
fn categories_follow_the_operation_family() {
    let cat = |code: &str, op: &str| categorize(code, op, None).map(|c| (c.kind, c.category, c.types));
    assert_eq!(
        cat("ExchangeAdmin", "New-InboxRule"),
        Some(("event", vec!["configuration"], vec!["creation"]))
    );
    assert_eq!(
        cat("ExchangeAdmin", "Add-MailboxPermission"),
        Some(("event", vec!["iam"], vec!["change"]))
    );
    assert_eq!(
        cat("ExchangeAdmin", "Add-RoleGroupMember"),
        Some(("event", vec!["iam"], vec!["admin", "change"]))
    );
    assert_eq!(cat("ExchangeAdmin", "Get-Mailbox"), None);
    assert_eq!(
        cat("ExchangeItemAggregated", "MailItemsAccessed"),
        Some(("event", vec!["email"], vec!["info"]))
    );
    assert_eq!(
        cat("AzureActiveDirectory", "Add member to role."),
        Some(("event", vec!["iam"], vec!["admin", "change"]))
    );
    assert_eq!(
        cat("SharePointFileOperation", "FileDeletedFirstStageRecycleBin"),
        Some(("event", vec!["file"], vec!["deletion"]))
    );
    assert_eq!(cat("ComplianceDLPExchange", "DlpRuleMatch").map(|c| c.0), Some("alert"));
    assert_eq!(
        categorize("SecurityComplianceAlerts", "AlertTriggered", Some("ThreatManagement")).map(|c| c.category),
        Some(vec!["malware"])
    );
    assert_eq!(cat("PowerBIAudit", "ViewReport"), None);
}

#[test]
fn describes_itself_with_a_sample_it_reads() {
    let d = M365::describe();
    assert_eq!(d.name, "m365");
    assert_eq!(d.categories, ["authentication", "cloud", "email"]);
    let fields = normalize(&d.sample).expect("sample");
    assert_eq!(fields["event.code"], "AzureActiveDirectoryStsLogon");
    assert_eq!(fields["user.email"], "alice@contoso.com");
    assert_eq!(fields["user_agent.name"], "Firefox");
    assert_eq!(
        fields["o365.audit.ExtendedProperties"],
        json!({"ResultStatusDetail": "Redirect", "RequestType": "OAuth2:Authorize"})
    );
}
