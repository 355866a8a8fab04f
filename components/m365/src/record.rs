//! One audit record of the common schema → ECS fields, the workload schemas' own mappings
//! (`workloads.rs`), and what is left under `o365.audit.*`.

use edge_format_sdk::{user_agent_fields, Fields, Map, Related, Value, TIMESTAMP};

use crate::address::{self, Host};
use crate::categorize::categorize;
use crate::record_types;
use crate::values::{as_text, utc_time};
use crate::{audit, workloads};

/// The record being read: what is left of it (`audit`, written under `o365.audit.*` at the
/// end), and what was read from it.
pub(crate) struct Record<'f> {
    pub audit: Map<String, Value>,
    pub fields: &'f mut Fields,
    pub related: Related,
}

impl Record<'_> {
    /// A non-empty string of the record.
    pub fn text(&self, key: &str) -> Option<String> {
        match self.audit.get(key) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        }
    }

    /// Takes a non-empty string out of the record (Elastic's `rename` to an ECS field).
    pub fn take(&mut self, key: &str) -> Option<String> {
        let value = self.text(key)?;
        self.audit.remove(key);
        Some(value)
    }

    /// Takes a non-empty string out of an object of the record (`SharePointMetaData.FileName`).
    pub fn take_in(&mut self, object: &str, key: &str) -> Option<String> {
        let Some(Value::Object(inner)) = self.audit.get_mut(object) else {
            return None;
        };
        match inner.get(key) {
            Some(Value::String(s)) if !s.is_empty() => {}
            _ => return None,
        }
        match inner.remove(key) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    pub fn put(&mut self, key: &str, value: impl Into<Value>) {
        self.fields.insert(key.into(), value.into());
    }

    pub fn has(&self, key: &str) -> bool {
        self.fields.contains_key(key)
    }
}

/// `alice@contoso.com` → (`alice`, `contoso.com`); anything else (a SID, a service name) is
/// not a user principal name.
fn upn(id: &str) -> Option<(&str, &str)> {
    let (name, domain) = id.split_once('@')?;
    (!name.is_empty() && !domain.is_empty() && !domain.contains('@')).then_some((name, domain))
}

pub(crate) fn record_fields(record: Map<String, Value>, fields: &mut Fields) {
    let mut r = Record {
        audit: record,
        fields,
        related: Related::new(),
    };
    audit::reshape(&mut r.audit);
    if let Some(time) = r.text("CreationTime").and_then(|t| utc_time(&t)) {
        r.put(TIMESTAMP, time);
    }
    let code = r
        .audit
        .get("RecordType")
        .and_then(as_text)
        .and_then(|t| record_types::name(&t).map(str::to_owned))
        .unwrap_or_default();
    if !code.is_empty() {
        r.put("event.code", code.as_str());
    }
    let operation = r.take("Operation").unwrap_or_default();
    r.put("event.action", operation.as_str());
    for (json, ecs) in [("Id", "event.id"), ("Workload", "event.provider")] {
        if let Some(value) = r.take(json) {
            r.put(ecs, value);
        }
    }
    if let Some(organization) = r.take("OrganizationId") {
        r.put("organization.id", organization.to_ascii_lowercase());
    }
    if let Some(severity) = r.text("Severity").and_then(|s| severity(&s)) {
        r.put("event.severity", severity);
    }
    // Why a sign-in failed (`InvalidUserNameOrPassword`), kept under `o365.audit` too.
    if let Some(reason) = r.text("LogonError") {
        r.put("event.reason", reason);
    }
    let alert_category = r.text("Category");
    let mut outcome = outcome(r.text("ResultStatus").as_deref(), &operation);
    match code.as_str() {
        "ExchangeAdmin" => workloads::exchange_admin(&mut r),
        "ExchangeItem" | "ExchangeItemGroup" | "ExchangeItemAggregated" => workloads::exchange_item(&mut r),
        "SecurityComplianceAlerts" => {
            workloads::alert(&mut r);
            if r.text("ResultStatus").is_none() {
                outcome = None;
            }
        }
        "ComplianceDLPSharePoint" | "ComplianceDLPExchange" => {
            if let Some(dlp) = workloads::dlp(&mut r, &operation) {
                outcome = Some(dlp);
            }
        }
        "Yammer" => workloads::yammer(&mut r),
        "MicrosoftTeams" => workloads::teams(&mut r),
        _ => {}
    }
    workloads::sharepoint(&mut r, &code);
    let categories = categorize(&code, &operation, alert_category.as_deref());
    user_fields(
        &mut r,
        &code,
        &operation,
        categories.as_ref().map(|c| c.types.as_slice()),
    );
    client_fields(&mut r);
    agent_fields(&mut r);
    match categories {
        Some(mut categories) => {
            // A sign-in that failed started nothing.
            if outcome == Some("failure") && categories.types == ["start"] {
                categories.types = vec!["info"];
            }
            r.put("event.kind", categories.kind);
            if !categories.category.is_empty() {
                r.put("event.category", categories.category);
                r.put("event.type", categories.types);
            }
        }
        None => r.put("event.kind", "event"),
    }
    if let Some(outcome) = outcome {
        r.put("event.outcome", outcome);
    }
    let Record { audit, fields, related } = r;
    related.insert_into(fields);
    audit::write(audit, fields);
}

/// `ResultStatus` → `event.outcome`; a record without one tells of an operation that was done
/// (Elastic's default), and a failed sign-in failed whatever its status says.
fn outcome(status: Option<&str>, operation: &str) -> Option<&'static str> {
    if operation == "UserLoginFailed" {
        return Some("failure");
    }
    let Some(status) = status else {
        return Some("success");
    };
    Some(match status.to_ascii_lowercase().as_str() {
        "succeeded" | "success" | "partiallysucceeded" | "true" => "success",
        "failed" | "failure" | "false" => "failure",
        _ => "unknown",
    })
}

/// `Severity` (alerts, DLP rules) → `event.severity`, higher for worse.
pub(crate) fn severity(severity: &str) -> Option<u8> {
    Some(match severity.to_ascii_lowercase().as_str() {
        "informational" => 1,
        "low" => 2,
        "medium" => 3,
        "high" => 4,
        _ => return None,
    })
}

/// `UserId` → `user.id`, and for a user principal name `user.email`, `user.name` (the part
/// before `@`) and `user.domain`, as Elastic splits it; Azure AD's `ObjectId` of a user or role
/// change → `user.target.*` the same way.
fn user_fields(r: &mut Record, code: &str, operation: &str, types: Option<&[&str]>) {
    let id = r.text("UserId").or_else(|| match code {
        "ExchangeItem" | "ExchangeItemGroup" | "ExchangeItemAggregated" => r.text("LogonUserSid"),
        "Yammer" => r.audit.get("ActorYammerUserId").and_then(as_text),
        _ => None,
    });
    if let Some(id) = id {
        r.put("user.id", id.as_str());
        split("user", &id, r);
    }
    if !r.has("user.email") {
        // The mailbox's owner, the Yammer actor: their address when `UserId` is not one.
        let email = match code {
            "ExchangeItem" | "ExchangeItemGroup" | "ExchangeItemAggregated" => r.take("MailboxOwnerUPN"),
            "Yammer" => r.take("ActorUserId"),
            _ => None,
        };
        if let Some(email) = email {
            r.related.add_user(&email);
            r.put("user.email", email);
        }
    }
    let user_change = types.is_some_and(|t| t.iter().any(|t| matches!(*t, "user" | "admin")));
    let target = match (code, operation) {
        ("AzureActiveDirectory", _) => r.text("ObjectId").filter(|o| user_change || upn(o).is_some()),
        ("MicrosoftTeams", "Delete user.") => r.take("ObjectId"),
        _ => None,
    };
    if let Some(target) = target {
        r.put("user.target.id", target.as_str());
        split("user.target", deleted_upn(&target), r);
    }
}

/// Azure AD names a deleted user by its object id (32 hex digits) and its UPN run together
/// (`2c3d4e5f...5e6fbob@contoso.com`): the UPN is after the id.
fn deleted_upn(id: &str) -> &str {
    match (id.get(..32), id.get(32..)) {
        (Some(hex), Some(upn)) if hex.bytes().all(|b| b.is_ascii_hexdigit()) && upn.contains('@') => upn,
        _ => id,
    }
}

fn split(prefix: &str, id: &str, r: &mut Record) {
    if let Some((name, domain)) = upn(id) {
        r.put(&format!("{prefix}.email"), id);
        r.put(&format!("{prefix}.name"), name);
        r.put(&format!("{prefix}.domain"), domain);
        r.related.add_user(name);
        r.related.add_user(id);
    }
}

/// The client's address: `ClientIPAddress` (Exchange), else `ClientIP`, else `ActorIpAddress`
/// (Azure AD), the first that reads as an address → `client.*` (Elastic's fields) and
/// `source.*`, `network.type`.
fn client_fields(r: &mut Record) {
    let found = ["ClientIPAddress", "ClientIP", "ActorIpAddress"]
        .into_iter()
        .find_map(|key| Some((key, address::client(&r.text(key)?)?)));
    let Some((key, client)) = found else {
        return;
    };
    r.audit.remove(key);
    for prefix in ["client", "source"] {
        match &client.host {
            Host::Ip(ip) => {
                r.put(&format!("{prefix}.address"), ip.to_string());
                r.put(&format!("{prefix}.ip"), ip.to_string());
            }
            Host::Domain(domain) => {
                r.put(&format!("{prefix}.address"), domain.as_str());
                r.put(&format!("{prefix}.domain"), domain.as_str());
            }
        }
        if let Some(port) = client.port {
            r.put(&format!("{prefix}.port"), port);
        }
    }
    match client.host {
        Host::Ip(ip) => {
            r.put("network.type", if ip.is_ipv6() { "ipv6" } else { "ipv4" });
            r.related.add_ip(ip);
        }
        Host::Domain(domain) => r.related.add_host(&domain),
    }
}

/// `UserAgent` (SharePoint), else the `UserAgent` of `ExtendedProperties` (Azure AD sign-ins).
fn agent_fields(r: &mut Record) {
    let agent = r
        .take("UserAgent")
        .or_else(|| r.take_in("ExtendedProperties", "UserAgent"));
    if let Some(agent) = agent {
        user_agent_fields(&agent, r.fields);
    }
}
