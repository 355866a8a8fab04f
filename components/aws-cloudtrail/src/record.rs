//! One CloudTrail record → ECS fields and `aws.cloudtrail.*`.

use edge_format_sdk::{domain_fields, user_agent_fields, Fields, Map, Related, Value, TIMESTAMP};

use crate::categorize::categorize;
use crate::identity::identity_fields;
use crate::values::{flag, is_rfc3339, object, storable, text};

const NS: &str = "aws.cloudtrail.";

/// Record keys kept whole (objects or arrays) under `aws.cloudtrail.<name>`.
const KEPT: [(&str, &str); 7] = [
    ("requestParameters", "request_parameters"),
    ("responseElements", "response_elements"),
    ("additionalEventData", "additional_eventdata"),
    ("serviceEventDetails", "service_event_details"),
    ("insightDetails", "insight_details"),
    ("edgeDeviceDetails", "edge_device_details"),
    ("addendum", "addendum"),
];

/// Record strings copied to `aws.cloudtrail.<name>`.
const COPIED: [(&str, &str); 9] = [
    ("eventVersion", "event_version"),
    ("eventType", "event_type"),
    ("eventCategory", "event_category"),
    ("requestID", "request_id"),
    ("apiVersion", "api_version"),
    ("recipientAccountId", "recipient_account_id"),
    ("sharedEventID", "shared_event_id"),
    ("vpcEndpointId", "vpc_endpoint_id"),
    ("vpcEndpointAccountId", "vpc_endpoint_account_id"),
];

pub(crate) fn record_fields(record: &Map<String, Value>, fields: &mut Fields) {
    let mut related = Related::new();
    let name = text(record, "eventName").unwrap_or_default();
    let source = text(record, "eventSource").unwrap_or_default();
    if let Some(time) = text(record, "eventTime").filter(|t| is_rfc3339(t)) {
        fields.insert(TIMESTAMP.into(), Value::String(time.to_owned()));
    }
    let mut put = |key: &str, value: &str| {
        fields.insert(key.into(), Value::String(value.to_owned()));
    };
    // An insight names the call it is about only in `insightDetails`: it is not that call.
    if !name.is_empty() {
        put("event.action", name);
    }
    if !source.is_empty() {
        put("event.provider", source);
    }
    put("cloud.provider", "aws");
    for (json, key) in [("eventID", "event.id"), ("awsRegion", "cloud.region")] {
        if let Some(value) = text(record, json) {
            put(key, value);
        }
    }
    for (json, key) in COPIED {
        if let Some(value) = text(record, json) {
            fields.insert(format!("{NS}{key}"), Value::String(value.to_owned()));
        }
    }
    for (json, key) in [
        ("readOnly", "read_only"),
        ("managementEvent", "management_event"),
        ("sessionCredentialFromConsole", "session_credential_from_console"),
    ] {
        if let Some(value) = record.get(json).and_then(flag) {
            fields.insert(format!("{NS}{key}"), Value::Bool(value));
        }
    }
    for (json, key) in KEPT {
        match record.get(json) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s.is_empty() => {}
            Some(value) => {
                fields.insert(format!("{NS}{key}"), storable(value));
            }
        }
    }
    if let Some(Value::Array(resources)) = record.get("resources") {
        fields.insert(
            format!("{NS}resources"),
            Value::Array(resources.iter().map(resource).collect()),
        );
    }
    let identity = object(record, "userIdentity");
    if let Some(identity) = identity {
        identity_fields(identity, fields, &mut related);
    }
    // The account whose trail recorded the call, else the caller's.
    let account = text(record, "recipientAccountId").or_else(|| identity.and_then(|i| text(i, "accountId")));
    if let Some(account) = account {
        fields.insert("cloud.account.id".into(), Value::String(account.to_owned()));
    }
    if let Some(address) = text(record, "sourceIPAddress") {
        source_fields(address, fields, &mut related);
    }
    if let Some(agent) = text(record, "userAgent") {
        agent_fields(agent, fields);
    }
    if let Some(tls) = object(record, "tlsDetails") {
        tls_fields(tls, fields);
    }
    let failed = error_fields(record, fields);
    if source == "iam.amazonaws.com" {
        iam_target_fields(record, fields, &mut related);
    }
    let outcome = outcome(record, name, failed);
    if name == "ConsoleLogin" {
        console_login_fields(record, fields);
    }
    fields.insert("event.kind".into(), Value::from("event"));
    if let Some(outcome) = outcome {
        fields.insert("event.outcome".into(), Value::from(outcome));
    }
    if let Some(mut categories) = categorize(source, name) {
        // A login that failed started nothing (as the openssh format writes failures).
        if outcome == Some("failure") && categories.types == ["start"] {
            categories.types = vec!["info"];
        }
        fields.insert("event.category".into(), Value::from(categories.category));
        fields.insert("event.type".into(), Value::from(categories.types));
    }
    related.insert_into(fields);
}

/// A resource with Elastic's names: `ARN` → `arn`, `accountId` → `account_id`.
fn resource(value: &Value) -> Value {
    let Value::Object(object) = storable(value) else {
        return storable(value);
    };
    Value::Object(
        object
            .into_iter()
            .map(|(key, value)| match key.as_str() {
                "ARN" => ("arn".to_owned(), value),
                "accountId" => ("account_id".to_owned(), value),
                _ => (key, value),
            })
            .collect(),
    )
}

/// `sourceIPAddress`: an IP address, or the AWS service that made the call on the caller's
/// behalf (`ec2.amazonaws.com`), or a placeholder such as `AWS Internal`.
fn source_fields(address: &str, fields: &mut Fields, related: &mut Related) {
    fields.insert("source.address".into(), Value::String(address.to_owned()));
    if let Some(ip) = edge_format_sdk::ecs::parse_ip(address) {
        fields.insert("source.ip".into(), Value::String(ip.to_string()));
        related.add_ip(ip);
    } else if is_host_name(address) {
        fields.insert("source.domain".into(), Value::String(address.to_owned()));
        domain_fields("source", address, fields);
    }
}

fn is_host_name(name: &str) -> bool {
    name.contains('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_')
}

/// `userAgent`: browsers, the CLI and SDKs are parsed; an AWS service name
/// (`lambda.amazonaws.com`) or `AWS Internal` is kept as it is.
fn agent_fields(agent: &str, fields: &mut Fields) {
    let service = is_host_name(agent) || agent.starts_with("AWS Internal");
    if !service {
        // The console wraps agents in brackets: `[Mozilla/5.0 (...)]`.
        let inner = agent
            .strip_prefix('[')
            .and_then(|a| a.strip_suffix(']'))
            .unwrap_or(agent);
        user_agent_fields(inner, fields);
    }
    fields.insert("user_agent.original".into(), Value::String(agent.to_owned()));
}

/// `tlsDetails`: `TLSv1.2` → `tls.version_protocol` `tls` + `tls.version` `1.2`.
fn tls_fields(tls: &Map<String, Value>, fields: &mut Fields) {
    if let Some((protocol, version)) = text(tls, "tlsVersion").and_then(|v| v.split_once('v')) {
        fields.insert(
            "tls.version_protocol".into(),
            Value::String(protocol.to_ascii_lowercase()),
        );
        fields.insert("tls.version".into(), Value::String(version.to_owned()));
    }
    if let Some(cipher) = text(tls, "cipherSuite") {
        fields.insert("tls.cipher".into(), Value::String(cipher.to_owned()));
    }
    if let Some(host) = text(tls, "clientProvidedHostHeader") {
        fields.insert("tls.client.server_name".into(), Value::String(host.to_owned()));
    }
}

/// `errorCode`/`errorMessage` → `error.*` (and `aws.cloudtrail.error_*`, Elastic's names);
/// whether the call failed.
fn error_fields(record: &Map<String, Value>, fields: &mut Fields) -> bool {
    let mut failed = false;
    for (json, ecs, vendor) in [
        ("errorCode", "error.code", "error_code"),
        ("errorMessage", "error.message", "error_message"),
    ] {
        if let Some(value) = text(record, json) {
            fields.insert(ecs.into(), Value::String(value.to_owned()));
            fields.insert(format!("{NS}{vendor}"), Value::String(value.to_owned()));
            failed = true;
        }
    }
    failed
}

/// Whether the call worked: a console login says so in `responseElements.ConsoleLogin`, any
/// other call failed when it has an error. Service events and insights are not calls.
fn outcome(record: &Map<String, Value>, name: &str, failed: bool) -> Option<&'static str> {
    if name == "ConsoleLogin" {
        if let Some(result) = object(record, "responseElements").and_then(|r| text(r, "ConsoleLogin")) {
            return Some(if result.eq_ignore_ascii_case("success") {
                "success"
            } else {
                "failure"
            });
        }
    }
    if failed {
        return Some("failure");
    }
    match text(record, "eventType") {
        Some("AwsServiceEvent" | "AwsCloudTrailInsight") => None,
        _ => Some("success"),
    }
}

/// `additionalEventData` of a console login as Elastic names it: `MFAUsed`, `MobileVersion`
/// (`Yes`/`No`) and `LoginTo`.
fn console_login_fields(record: &Map<String, Value>, fields: &mut Fields) {
    let Some(data) = object(record, "additionalEventData") else {
        return;
    };
    let prefix = format!("{NS}console_login.additional_eventdata.");
    for (json, key) in [("MFAUsed", "mfa_used"), ("MobileVersion", "mobile_version")] {
        if let Some(value) = text(data, json) {
            fields.insert(format!("{prefix}{key}"), Value::Bool(value.eq_ignore_ascii_case("yes")));
        }
    }
    if let Some(to) = text(data, "LoginTo") {
        fields.insert(format!("{prefix}login_to"), Value::String(to.to_owned()));
    }
}

/// The user or group an IAM call acts on: `user.target.*`, `user.changes.name`, `group.*`.
fn iam_target_fields(record: &Map<String, Value>, fields: &mut Fields, related: &mut Related) {
    if let Some(request) = object(record, "requestParameters") {
        if let Some(user) = text(request, "userName") {
            fields.insert("user.target.name".into(), Value::String(user.to_owned()));
            related.add_user(user);
        }
        if let Some(user) = text(request, "newUserName") {
            fields.insert("user.changes.name".into(), Value::String(user.to_owned()));
            related.add_user(user);
        }
        if let Some(group) = text(request, "groupName") {
            fields.insert("group.name".into(), Value::String(group.to_owned()));
        }
    }
    if let Some(response) = object(record, "responseElements") {
        if let Some(id) = object(response, "user").and_then(|u| text(u, "userId")) {
            fields.insert("user.target.id".into(), Value::String(id.to_owned()));
        }
        if let Some(id) = object(response, "group").and_then(|g| text(g, "groupId")) {
            fields.insert("group.id".into(), Value::String(id.to_owned()));
        }
    }
}
