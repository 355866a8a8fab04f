//! What the workload schemas add to the common one, after Elastic's integration: Exchange
//! (organization, originating server, the mailbox user's name and process), SharePoint and
//! OneDrive (the object's URL, the file), Security & Compliance alerts (`rule.*`, `message`),
//! DLP matches (file, mail sender and recipients, the rules matched, whether access was
//! blocked), Yammer and Teams (groups, members).

use edge_format_sdk::{Value, MESSAGE};

use crate::address;
use crate::record::{severity, Record};
use crate::values::{as_text, utc_time};

/// `OrganizationName` → `organization.name`; `OriginatingServer` → `server.domain` (and its IP
/// address when it gives one), the text itself kept under `o365.audit` (it holds Exchange's
/// build number).
fn organization_and_server(r: &mut Record) {
    if let Some(name) = r.take("OrganizationName") {
        r.put("organization.name", name);
    }
    let Some(text) = r.text("OriginatingServer") else {
        return;
    };
    // Written with a line break at its end.
    let trimmed = text.trim_end();
    if trimmed.len() < text.len() {
        r.audit.insert("OriginatingServer".into(), Value::from(trimmed));
    }
    if let Some((name, ip)) = address::server(&text) {
        r.put("server.domain", name);
        match ip {
            Some(ip) => {
                r.put("server.address", ip.to_string());
                r.put("server.ip", ip.to_string());
                r.related.add_ip(ip);
            }
            None => r.put("server.address", name),
        }
    }
}

pub(crate) fn exchange_admin(r: &mut Record) {
    organization_and_server(r);
}

/// Mailbox audit records (`ExchangeItem`, `ExchangeItemGroup`, `ExchangeItemAggregated` such as
/// `MailItemsAccessed`): `LogonUserDisplayName` → `user.full_name`, `ClientProcessName` →
/// `process.name`, `MailboxOwnerUPN` in `related.user`.
pub(crate) fn exchange_item(r: &mut Record) {
    organization_and_server(r);
    if let Some(name) = r.take("LogonUserDisplayName") {
        r.put("user.full_name", name);
    }
    if let Some(process) = r.take("ClientProcessName") {
        r.put("process.name", process);
    }
    // The mailbox's owner is seen too (a delegate reads someone else's mail).
    if let Some(owner) = r.text("MailboxOwnerUPN") {
        r.related.add_user(&owner);
    }
}

/// `ObjectId` that is a URL (SharePoint, OneDrive, Forms...) → `url.*`; for file and sharing
/// operations, `SourceFileName`, `SourceRelativeUrl`, `SourceFileExtension` → `file.name`,
/// `file.directory`, `file.extension` (a page viewed is no file: they stay under `o365.audit`).
pub(crate) fn sharepoint(r: &mut Record, code: &str) {
    // A DLP match names the file's URL itself (`FilePathUrl`).
    let url = r
        .text("ObjectId")
        .filter(|o| (o.starts_with("https://") || o.starts_with("http://")) && !r.has("url.original"));
    if url.is_some() {
        r.audit.remove("ObjectId");
    }
    if let Some(url) = url {
        url_fields(r, &url);
    }
    if !matches!(code, "SharePointFileOperation" | "SharePointSharingOperation") {
        return;
    }
    for (json, ecs) in [
        ("SourceFileName", "file.name"),
        ("SourceRelativeUrl", "file.directory"),
        ("SourceFileExtension", "file.extension"),
    ] {
        if let Some(value) = r.take(json) {
            r.put(ecs, value);
        }
    }
}

/// `url.original`, and its scheme, host, path and query.
fn url_fields(r: &mut Record, url: &str) {
    r.put("url.original", url);
    let Some((scheme, rest)) = url.split_once("://") else {
        return;
    };
    r.put("url.scheme", scheme.to_ascii_lowercase());
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host.split_once(':').map_or(host, |(h, _)| h);
    if !host.is_empty() {
        r.put("url.domain", host.to_ascii_lowercase());
    }
    let after = &rest[end..];
    let after = after.split_once('#').map_or(after, |(before, _)| before);
    let (path, query) = after.split_once('?').unwrap_or((after, ""));
    if !path.is_empty() {
        r.put("url.path", path);
    }
    if !query.is_empty() {
        r.put("url.query", query);
    }
}

/// Security & Compliance alerts: `Comments` → `message`, `Name`/`PolicyId`/`Category`/
/// `EntityType` → `rule.name`/`id`/`category`/`ruleset`, `AlertLinks` → `rule.reference`.
pub(crate) fn alert(r: &mut Record) {
    for (json, ecs) in [
        ("Comments", MESSAGE),
        ("Name", "rule.name"),
        ("PolicyId", "rule.id"),
        ("Category", "rule.category"),
        ("EntityType", "rule.ruleset"),
    ] {
        if let Some(value) = r.take(json) {
            r.put(ecs, value);
        }
    }
    if let Some(links) = r.audit.remove("AlertLinks") {
        r.put("rule.reference", links);
    }
}

/// DLP rule matches: the file (SharePoint, OneDrive: name, URL, owner, id, modification time)
/// or the mail (Exchange: sender, recipients, subject as `message`) that matched, the
/// rules matched (`rule.id`, `rule.name`, the highest `Severity` as `event.severity`), and the
/// outcome as Elastic reads it: a rule that blocks access makes the user's action fail, unless
/// the match was undone or overridden.
pub(crate) fn dlp(r: &mut Record, operation: &str) -> Option<&'static str> {
    const SP: &str = "SharePointMetaData";
    if let Some(url) = r.take_in(SP, "FilePathUrl") {
        url_fields(r, &url);
    }
    for (json, ecs) in [
        ("FileName", "file.name"),
        ("UniqueId", "file.inode"),
        ("UniqueID", "file.inode"),
        ("FileOwner", "file.owner"),
    ] {
        if let Some(value) = r.take_in(SP, json) {
            if ecs == "file.owner" {
                r.related.add_user(&value);
            }
            r.put(ecs, value);
        }
    }
    let modified = r
        .audit
        .get(SP)
        .and_then(|m| m.get("LastModifiedTime"))
        .and_then(Value::as_str)
        .and_then(utc_time);
    if let Some(time) = modified {
        r.put("file.mtime", time);
    }
    const EX: &str = "ExchangeMetaData";
    if let Some(from) = r.take_in(EX, "From") {
        r.put("source.user.email", from);
    }
    if let Some(subject) = r.take_in(EX, "Subject") {
        r.put(MESSAGE, subject);
    }
    let recipients: Vec<Value> = ["To", "CC", "BCC"]
        .into_iter()
        .filter_map(|key| r.audit.get(EX)?.get(key))
        .flat_map(|v| match v {
            Value::Array(items) => items.clone(),
            Value::String(s) => vec![Value::String(s.clone())],
            _ => Vec::new(),
        })
        .filter(|v| v.as_str().is_some_and(|s| !s.is_empty()))
        .collect();
    if !recipients.is_empty() {
        r.put("destination.user.email", recipients);
    }
    policy_details(r, operation)
}

fn policy_details(r: &mut Record, operation: &str) -> Option<&'static str> {
    let Some(Value::Array(policies)) = r.audit.get("PolicyDetails") else {
        return None;
    };
    let (mut ids, mut names) = (Vec::new(), Vec::new());
    let mut highest = 0;
    let mut blocked = false;
    let rules = policies.iter().filter_map(|p| p.get("Rules")?.as_array()).flatten();
    for rule in rules {
        let id = rule.get("RuleId").and_then(Value::as_str);
        let name = rule.get("RuleName").and_then(Value::as_str);
        if let (Some(id), Some(name)) = (id, name) {
            ids.push(Value::from(id));
            names.push(Value::from(name));
        }
        if let Some(level) = rule.get("Severity").and_then(Value::as_str).and_then(severity) {
            highest = highest.max(level);
        }
        let actions = rule.get("Actions").and_then(Value::as_array);
        blocked |= actions.is_some_and(|a| a.iter().any(|a| a == "BlockAccess"));
    }
    if !ids.is_empty() {
        r.put("rule.id", ids);
        r.put("rule.name", names);
    }
    if highest > 0 {
        r.put("event.severity", highest);
    }
    let overridden = r.audit.get("ExceptionInfo").is_some_and(|e| !crate::audit::empty(e));
    Some(match operation {
        _ if !blocked => "success",
        "DlpRuleUndo" => "success",
        "DlpInfo" => "failure",
        _ if overridden => "success",
        _ => "failure",
    })
}

/// Yammer: the file, the group, and the user acted on (`destination.user.*`).
pub(crate) fn yammer(r: &mut Record) {
    for (json, ecs) in [
        ("FileId", "file.inode"),
        ("FileName", "file.name"),
        ("GroupName", "group.name"),
        ("TargetUserId", "destination.user.email"),
        ("TargetYammerUserId", "destination.user.id"),
    ] {
        if let Some(value) = r.audit.get(json).and_then(as_text) {
            r.audit.remove(json);
            r.put(ecs, value);
        }
    }
}

/// Teams: `TeamName` → `group.name`; the members' UPNs → `related.user`.
pub(crate) fn teams(r: &mut Record) {
    if let Some(team) = r.take("TeamName") {
        r.put("group.name", team);
    }
    let members: Vec<String> = match r.audit.get("Members") {
        Some(Value::Array(members)) => members
            .iter()
            .filter_map(|m| m.get("UPN")?.as_str())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    for upn in members {
        r.related.add_user(&upn);
    }
}
