//! `event.category` and `event.type` from the call (`eventSource` + `eventName`), for the calls
//! whose meaning is clear; any other call keeps `event.kind` alone rather than a guess.

/// The categories and types of a call, both ECS-allowed values (`kind` is always `event`).
pub(crate) use edge_format_sdk::json_values::Categories;

fn of(category: &[&'static str], types: &[&'static str]) -> Option<Categories> {
    Categories::event(category, types)
}

/// What a call does to what it names, read from its verb: `creation`, `deletion`, `change`
/// or `access` (reading).
fn verb(name: &str) -> Option<&'static str> {
    const CREATION: [&str; 8] = [
        "Create",
        "Add",
        "Allocate",
        "Import",
        "Register",
        "Upload",
        "Authorize",
        "Issue",
    ];
    const DELETION: [&str; 7] = [
        "Delete",
        "Remove",
        "Deregister",
        "Revoke",
        "Release",
        "Terminate",
        "Purge",
    ];
    const CHANGE: [&str; 19] = [
        "Update",
        "Modify",
        "Put",
        "Set",
        "Attach",
        "Detach",
        "Enable",
        "Disable",
        "Stop",
        "Start",
        "Change",
        "Reset",
        "Replace",
        "Associate",
        "Disassociate",
        "Tag",
        "Untag",
        "Cancel",
        "Schedule",
    ];
    const ACCESS: [&str; 8] = ["Get", "List", "Describe", "Head", "Lookup", "Search", "Batch", "Check"];
    let starts = |verbs: &[&str]| {
        verbs.iter().any(|v| {
            name.strip_prefix(v)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase()))
        })
    };
    if starts(&CREATION) {
        Some("creation")
    } else if starts(&DELETION) {
        Some("deletion")
    } else if starts(&CHANGE) {
        Some("change")
    } else if starts(&ACCESS) {
        Some("access")
    } else {
        None
    }
}

/// Services whose calls are configuration changes of the account's security or logging.
const CONFIGURATION_SERVICES: [&str; 10] = [
    "cloudtrail",
    "config",
    "guardduty",
    "securityhub",
    "access-analyzer",
    "organizations",
    "waf",
    "wafv2",
    "macie2",
    "inspector2",
];

/// EC2 calls that change what reaches the network: security groups, NACLs, routes, gateways.
const NETWORK_PARTS: [&str; 8] = [
    "SecurityGroup",
    "NetworkAcl",
    "Route",
    "InternetGateway",
    "NatGateway",
    "Vpc",
    "Subnet",
    "VpnConnection",
];

pub(crate) fn categorize(source: &str, name: &str) -> Option<Categories> {
    let service = source.strip_suffix(".amazonaws.com").unwrap_or(source);
    match (service, name) {
        (_, "ConsoleLogin" | "ExternalIdPDirectoryLogin" | "UserAuthentication") => of(&["authentication"], &["start"]),
        (_, "ConsoleLogout" | "Logout") => of(&["authentication"], &["end"]),
        (_, "SwitchRole" | "CheckMfa" | "CredentialChallenge" | "CredentialVerification") => {
            of(&["authentication"], &["info"])
        }
        ("sts", n) if n.starts_with("Assume") || n.starts_with("Get") && n.ends_with("Token") => {
            of(&["authentication", "iam"], &["info"])
        }
        ("iam", n) => iam(n),
        ("s3", n) => s3(n),
        ("ec2", "RunInstances" | "StartInstances") => of(&["host"], &["start"]),
        ("ec2", "TerminateInstances" | "StopInstances") => of(&["host"], &["end"]),
        ("ec2", "RebootInstances" | "ModifyInstanceAttribute") => of(&["host"], &["change"]),
        ("ec2", n) if NETWORK_PARTS.iter().any(|p| n.contains(p)) => {
            let change = verb(n)?;
            of(
                &["network", "configuration"],
                &[if change == "access" { "info" } else { change }],
            )
        }
        ("kms", "Decrypt" | "Encrypt" | "ReEncrypt" | "Sign" | "Verify" | "GenerateMac" | "VerifyMac") => {
            of(&["api"], &["access"])
        }
        ("kms", n) if n.starts_with("GenerateDataKey") || n.starts_with("GenerateRandom") => of(&["api"], &["access"]),
        ("kms", "ScheduleKeyDeletion") => of(&["configuration"], &["deletion"]),
        ("kms", n) => of(&["configuration"], &[verb(n)?]),
        ("lambda", n) if n.starts_with("Invoke") => of(&["api"], &["start"]),
        ("lambda", n) => of(&["configuration"], &[verb(n)?]),
        (s, n) if CONFIGURATION_SERVICES.contains(&s) => {
            // Reading logs is not a configuration change.
            if n == "LookupEvents" {
                return None;
            }
            of(&["configuration"], &[verb(n)?])
        }
        _ => None,
    }
}

/// IAM: the kind of principal (`user`, `group`, else `admin`) and what the call did to it.
fn iam(name: &str) -> Option<Categories> {
    const USER_PARTS: [&str; 8] = [
        "User",
        "LoginProfile",
        "AccessKey",
        "MFADevice",
        "SSHPublicKey",
        "ServiceSpecificCredential",
        "SigningCertificate",
        "Password",
    ];
    // Adding a user to a group or removing one changes the group; it creates nothing.
    let membership = name.starts_with("Add") || name.starts_with("Remove");
    let change = match verb(name) {
        Some(_) if membership => "change",
        Some("access") => "info",
        Some(v) => v,
        None => "info",
    };
    let principal = if name.contains("Group") {
        "group"
    } else if USER_PARTS.iter().any(|p| name.contains(p)) && !name.contains("AccountPasswordPolicy") {
        "user"
    } else {
        "admin"
    };
    of(&["iam"], &[principal, change])
}

/// S3: bucket settings are configuration, objects (data events) are files.
fn s3(name: &str) -> Option<Categories> {
    match name {
        "GetObject" | "HeadObject" | "ListObjects" | "ListObjectsV2" | "ListObjectVersions" | "SelectObjectContent" => {
            of(&["file"], &["access"])
        }
        "PutObject"
        | "CopyObject"
        | "CompleteMultipartUpload"
        | "UploadPart"
        | "UploadPartCopy"
        | "CreateMultipartUpload"
        | "RestoreObject" => of(&["file"], &["creation"]),
        "DeleteObject" | "DeleteObjects" => of(&["file"], &["deletion"]),
        n if n.contains("Object") => {
            let v = verb(n)?;
            of(&["file"], &[if v == "creation" { "change" } else { v }])
        }
        "CreateBucket" => of(&["configuration"], &["creation"]),
        "DeleteBucket" => of(&["configuration"], &["deletion"]),
        n if n.contains("Bucket") || n.contains("PublicAccessBlock") => of(&["configuration"], &[verb(n)?]),
        _ => None,
    }
}
