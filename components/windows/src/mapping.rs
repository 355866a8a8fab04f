//! What each event ID means in ECS: categorization, and the users, addresses and processes its
//! data names.

use edge_format_sdk::ecs::parse_ip;
use edge_format_sdk::{Fields, Related, Value};

use crate::codes::{kerberos_reason, logon_type_name, status_reason};
use crate::record::Record;

/// `event.category`, `event.type`, `event.action` of an event ID; `None` for IDs not in the table.
fn class(provider: Option<&str>, id: &str) -> Option<(&'static [&'static str], &'static [&'static str], &'static str)> {
    if provider.is_some_and(|p| p.contains("Sysmon")) {
        return match id {
            "1" => Some((&["process"], &["start"], "Process Create (rule: ProcessCreate)")),
            "3" => Some((
                &["network"],
                &["connection", "start"],
                "Network connection detected (rule: NetworkConnect)",
            )),
            "5" => Some((&["process"], &["end"], "Process terminated (rule: ProcessTerminate)")),
            _ => None,
        };
    }
    Some(match id {
        "4624" => (&["authentication"], &["start"], "logged-in"),
        "4625" => (&["authentication"], &["start"], "logon-failed"),
        "4634" | "4647" => (&["authentication"], &["end"], "logged-out"),
        "4648" => (&["authentication"], &["start"], "logged-in-explicit"),
        "4672" => (&["iam"], &["admin"], "logged-in-special"),
        "4688" => (&["process"], &["start"], "created-process"),
        "4689" => (&["process"], &["end"], "exited-process"),
        "4720" => (&["iam"], &["user", "creation"], "added-user-account"),
        "4722" => (&["iam"], &["user", "change"], "enabled-user-account"),
        "4723" => (&["iam"], &["user", "change"], "changed-password"),
        "4724" => (&["iam"], &["user", "change"], "reset-password"),
        "4725" => (&["iam"], &["user", "change"], "disabled-user-account"),
        "4726" => (&["iam"], &["user", "deletion"], "deleted-user-account"),
        "4738" => (&["iam"], &["user", "change"], "modified-user-account"),
        "4740" => (&["iam"], &["user", "change"], "locked-out-user-account"),
        "4767" => (&["iam"], &["user", "change"], "unlocked-user-account"),
        "4728" | "4732" | "4756" => (&["iam"], &["group", "change"], "added-member-to-group"),
        "4729" | "4733" | "4757" => (&["iam"], &["group", "change"], "removed-member-from-group"),
        "4768" => (
            &["authentication"],
            &["start"],
            "kerberos-authentication-ticket-requested",
        ),
        "4769" => (&["authentication"], &["start"], "kerberos-service-ticket-requested"),
        "4771" => (&["authentication"], &["start"], "kerberos-preauth-failed"),
        "4776" => (&["authentication"], &["start"], "credential-validated"),
        "1102" => (&["iam"], &["admin", "change"], "audit-log-cleared"),
        "4719" => (&["iam", "configuration"], &["admin", "change"], "changed-audit-config"),
        "7045" | "4697" => (&["iam", "configuration"], &["admin", "creation"], "service-installed"),
        _ => return None,
    })
}

/// The event being written.
pub struct Out<'r> {
    pub record: &'r Record,
    pub fields: Fields,
    pub related: Related,
}

impl Out<'_> {
    fn set(&mut self, key: &str, value: &str) {
        if !value.is_empty() && value != "-" {
            self.fields.insert(key.into(), Value::String(value.to_owned()));
        }
    }

    /// `key` from the event data `name`.
    fn copy(&mut self, key: &str, name: &str) -> Option<String> {
        let value = self.record.data(name)?.to_owned();
        self.set(key, &value);
        Some(value)
    }

    fn user(&mut self, prefix: &str, name: &str, domain: &str, sid: &str) {
        if let Some(user) = self.copy(&format!("{prefix}.name"), name) {
            self.related.user.insert(user);
        }
        self.copy(&format!("{prefix}.domain"), domain);
        self.copy(&format!("{prefix}.id"), sid);
    }

    /// `DOMAIN\user` (Sysmon's `User`) as `user.domain` and `user.name`.
    fn qualified_user(&mut self, name: &str) {
        let Some(value) = self.record.data(name).map(str::to_owned) else {
            return;
        };
        let (domain, user) = value.split_once('\\').unwrap_or(("", &value));
        self.set("user.domain", domain);
        self.set("user.name", user);
        self.related.user.insert(user.to_owned());
    }

    /// An address (`::ffff:192.0.2.5` read as IPv4) as `{prefix}.ip`.
    fn ip(&mut self, prefix: &str, name: &str) {
        let Some(value) = self.record.data(name) else { return };
        let value = value.strip_prefix("::ffff:").unwrap_or(value);
        if let Some(ip) = parse_ip(value) {
            self.fields
                .insert(format!("{prefix}.ip"), Value::String(ip.to_string()));
            self.related.add_ip(ip);
        }
    }

    fn port(&mut self, key: &str, name: &str) {
        if let Some(port) = self
            .record
            .data(name)
            .and_then(|p| p.parse::<u16>().ok())
            .filter(|p| *p > 0)
        {
            self.fields.insert(key.into(), Value::from(port));
        }
    }

    /// A process id, decimal or `0x…` hex (the Security log writes hex).
    fn pid(&mut self, key: &str, name: &str) {
        let Some(value) = self.record.data(name) else { return };
        let pid = match value.strip_prefix("0x").or_else(|| value.strip_prefix("0X")) {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => value.parse().ok(),
        };
        // 0 is the Security log's "no process" (a network logon), not a pid.
        if let Some(pid) = pid.filter(|p| *p > 0) {
            self.fields.insert(key.into(), Value::from(pid));
        }
    }

    /// `process.executable` and `process.name` (its last path part) under `prefix`.
    fn executable(&mut self, prefix: &str, name: &str) {
        let Some(path) = self.record.data(name).map(str::to_owned) else {
            return;
        };
        self.set(&format!("{prefix}.executable"), &path);
        let base = path.rsplit(['\\', '/']).next().unwrap_or(&path);
        self.set(&format!("{prefix}.name"), base);
    }

    fn host(&mut self, key: &str, name: &str) {
        if let Some(host) = self.copy(key, name) {
            self.related.add_host(&host);
        }
    }
}

/// The outcome the ID implies from its data, else from the audit keywords.
fn outcome(record: &Record) -> Option<&'static str> {
    let status_ok = |name: &str| {
        record
            .data(name)
            .map(|s| matches!(s.to_ascii_lowercase().as_str(), "0x0" | "0"))
    };
    let by_id = match record.event_id.as_str() {
        "4625" | "4771" => Some(false),
        "4768" | "4769" => status_ok("Status"),
        "4776" => status_ok("Status"),
        _ => None,
    };
    let by_keywords = || {
        record.keywords.iter().find_map(|k| match k.as_str() {
            "Audit Success" => Some(true),
            "Audit Failure" => Some(false),
            _ => None,
        })
    };
    by_id
        .or_else(by_keywords)
        .map(|ok| if ok { "success" } else { "failure" })
}

/// Writes categorization and the ID's own fields.
pub fn map(out: &mut Out<'_>) {
    let record = out.record;
    let id = record.event_id.as_str();
    out.set("event.kind", "event");
    if let Some((category, types, action)) = class(record.provider.as_deref(), id) {
        let list = |items: &[&str]| Value::Array(items.iter().map(|v| Value::from(*v)).collect());
        out.fields.insert("event.category".into(), list(category));
        out.fields.insert("event.type".into(), list(types));
        out.set("event.action", action);
    }
    if let Some(outcome) = outcome(record) {
        out.set("event.outcome", outcome);
    }
    if record.provider.as_deref().is_some_and(|p| p.contains("Sysmon")) {
        sysmon(out);
        return;
    }
    match id {
        "4624" | "4625" | "4634" | "4647" | "4648" => logon(out),
        "4672" => {
            out.user("user", "SubjectUserName", "SubjectDomainName", "SubjectUserSid");
            out.copy("winlog.logon.id", "SubjectLogonId");
        }
        "4688" => {
            out.user("user", "SubjectUserName", "SubjectDomainName", "SubjectUserSid");
            out.executable("process", "NewProcessName");
            out.pid("process.pid", "NewProcessId");
            out.pid("process.parent.pid", "ProcessId");
            out.executable("process.parent", "ParentProcessName");
            out.copy("process.command_line", "CommandLine");
            out.copy("winlog.logon.id", "SubjectLogonId");
        }
        "4689" => {
            out.user("user", "SubjectUserName", "SubjectDomainName", "SubjectUserSid");
            out.executable("process", "ProcessName");
            out.pid("process.pid", "ProcessId");
        }
        "4720" | "4722" | "4723" | "4724" | "4725" | "4726" | "4738" | "4740" | "4767" => {
            out.user("user", "SubjectUserName", "SubjectDomainName", "SubjectUserSid");
            out.user("user.target", "TargetUserName", "TargetDomainName", "TargetSid");
        }
        "4728" | "4729" | "4732" | "4733" | "4756" | "4757" => {
            out.user("user", "SubjectUserName", "SubjectDomainName", "SubjectUserSid");
            out.copy("group.name", "TargetUserName");
            out.copy("group.domain", "TargetDomainName");
            out.copy("group.id", "TargetSid");
            out.copy("user.target.id", "MemberSid");
            if let Some(member) = out.record.data("MemberName").map(str::to_owned) {
                // A distinguished name: `CN=alice,OU=…` → `alice`.
                let name = member
                    .strip_prefix("CN=")
                    .map_or(member.as_str(), |r| r.split(',').next().unwrap_or(r));
                out.set("user.target.name", name);
                out.related.user.insert(name.to_owned());
            }
        }
        "4768" | "4769" | "4771" => {
            out.user("user", "TargetUserName", "TargetDomainName", "TargetSid");
            out.ip("source", "IpAddress");
            out.port("source.port", "IpPort");
            out.copy("service.name", "ServiceName");
            if let Some(reason) = out.record.data("Status").and_then(kerberos_reason) {
                out.set("event.reason", reason);
            }
        }
        "4776" => {
            out.user("user", "TargetUserName", "", "");
            out.host("source.domain", "Workstation");
            if let Some(reason) = out.record.data("Status").and_then(status_reason) {
                out.set("event.reason", reason);
            }
        }
        "1102" => out.user("user", "SubjectUserName", "SubjectDomainName", "SubjectUserSid"),
        "4719" => out.user("user", "SubjectUserName", "SubjectDomainName", "SubjectUserSid"),
        "4697" => {
            out.user("user", "SubjectUserName", "SubjectDomainName", "SubjectUserSid");
            out.copy("service.name", "ServiceName");
        }
        "7045" => {
            out.copy("service.name", "ServiceName");
        }
        _ => {}
    }
}

/// 4624/4625/4634/4647/4648: the account logged on (the target), from where, how.
fn logon(out: &mut Out<'_>) {
    let id = out.record.event_id.clone();
    if id == "4648" {
        // The account that used explicit credentials, and the credentials it used.
        out.user("user", "SubjectUserName", "SubjectDomainName", "SubjectUserSid");
        out.user("user.target", "TargetUserName", "TargetDomainName", "");
        out.host("destination.domain", "TargetServerName");
    } else {
        out.user("user", "TargetUserName", "TargetDomainName", "TargetUserSid");
    }
    out.ip("source", "IpAddress");
    out.port("source.port", "IpPort");
    out.host("source.domain", "WorkstationName");
    out.executable("process", "ProcessName");
    out.pid("process.pid", "ProcessId");
    out.copy("winlog.logon.id", "TargetLogonId");
    if let Some(code) = out.record.data("LogonType").map(str::to_owned) {
        if let Some(name) = logon_type_name(&code) {
            out.set("winlog.logon.type", name);
        }
    }
    if id == "4625" {
        // SubStatus is the precise reason; Status alone when it is 0x0.
        let sub = out.record.data("SubStatus").filter(|s| !s.eq_ignore_ascii_case("0x0"));
        let reason = sub
            .and_then(status_reason)
            .or_else(|| out.record.data("Status").and_then(status_reason))
            .map(str::to_owned)
            .or_else(|| out.record.data("FailureReason").map(str::to_owned));
        if let Some(reason) = reason {
            out.set("event.reason", &reason);
        }
        out.copy("winlog.logon.failure.status", "Status");
        out.copy("winlog.logon.failure.sub_status", "SubStatus");
        out.copy("winlog.logon.failure.reason", "FailureReason");
    }
}

/// Sysmon 1 (process created), 3 (network connection), 5 (process terminated).
fn sysmon(out: &mut Out<'_>) {
    out.qualified_user("User");
    out.executable("process", "Image");
    out.pid("process.pid", "ProcessId");
    out.copy("process.entity_id", "ProcessGuid");
    out.copy("process.command_line", "CommandLine");
    out.copy("process.working_directory", "CurrentDirectory");
    out.executable("process.parent", "ParentImage");
    out.pid("process.parent.pid", "ParentProcessId");
    out.copy("process.parent.command_line", "ParentCommandLine");
    out.copy("process.parent.entity_id", "ParentProcessGuid");
    if let Some(hashes) = out.record.data("Hashes").map(str::to_owned) {
        for pair in hashes.split(',') {
            if let Some((algorithm, value)) = pair.split_once('=') {
                let algorithm = algorithm.trim().to_ascii_lowercase();
                if matches!(algorithm.as_str(), "md5" | "sha1" | "sha256" | "imphash") {
                    out.set(&format!("process.hash.{algorithm}"), value.trim());
                }
            }
        }
    }
    if out.record.event_id == "3" {
        out.ip("source", "SourceIp");
        out.port("source.port", "SourcePort");
        out.host("source.domain", "SourceHostname");
        out.ip("destination", "DestinationIp");
        out.port("destination.port", "DestinationPort");
        out.host("destination.domain", "DestinationHostname");
        if let Some(protocol) = out.record.data("Protocol").map(str::to_ascii_lowercase) {
            out.set("network.transport", &protocol);
        }
        if let Some(initiated) = out.record.data("Initiated") {
            let direction = if initiated == "true" { "egress" } else { "ingress" };
            out.set("network.direction", direction);
        }
    }
}
