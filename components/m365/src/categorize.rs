//! `event.kind`, `event.category` and `event.type` by the record type and the operation's
//! family: sign-ins, file and folder operations, sharing, Azure AD directory changes, Exchange
//! admin cmdlets (inbox rules, permissions, roles, groups, settings), mailbox item operations,
//! Teams and Yammer changes; DLP matches and Security & Compliance alerts are `alert`s.
//! Operations outside these families keep `event.kind` `event` alone rather than a guess.

pub(crate) use edge_format_sdk::json_values::Categories;

fn of(category: &[&'static str], types: &[&'static str]) -> Option<Categories> {
    Categories::event(category, types)
}

fn alert(category: &[&'static str], types: &[&'static str]) -> Option<Categories> {
    Categories::alert(category, types)
}

/// `code` is the record type's name, `alert_category` a Security & Compliance alert's
/// `Category`.
pub(crate) fn categorize(code: &str, operation: &str, alert_category: Option<&str>) -> Option<Categories> {
    match code {
        "SecurityComplianceAlerts" => {
            return match alert_category {
                Some("AccessGovernance") => alert(&["authentication"], &["info"]),
                Some("DataGovernance" | "DataLossPrevention") => alert(&["file"], &["info"]),
                Some("ThreatManagement") => alert(&["malware"], &["info"]),
                _ => alert(&[], &[]),
            }
        }
        "ComplianceDLPSharePoint" | "ComplianceDLPExchange" => return alert(&["file"], &["access"]),
        "Yammer" => return yammer(operation),
        _ => {}
    }
    if let Some(categories) = by_operation(operation)
        .or_else(|| file(operation))
        .or_else(|| sharing(operation))
        .or_else(|| directory(operation))
    {
        return Some(categories);
    }
    match code {
        "ExchangeAdmin"
        | "SecurityComplianceCenterEOPCmdlet"
        | "DataCenterSecurityCmdlet"
        | "SkypeForBusinessCmdlets"
        | "MicrosoftTeamsAdmin" => cmdlet(operation),
        // Reading, sending, moving and deleting mail: what happened is in `event.action`.
        "ExchangeItem" | "ExchangeItemGroup" | "ExchangeItemAggregated" => of(&["email"], &["info"]),
        "SharePointSharingOperation" => of(&["file"], &["info"]),
        _ => None,
    }
}

fn by_operation(operation: &str) -> Option<Categories> {
    match operation {
        "UserLoggedIn" | "UserLoginFailed" | "MailboxLogin" => of(&["authentication"], &["start"]),
        "TeamsSessionStarted" => of(&["session"], &["start"]),
        "PageViewed" | "PageViewedExtended" => of(&["web"], &["access"]),
        "UpdateInboxRules" | "ComplianceSettingChanged" => of(&["configuration"], &["change"]),
        "AddFolderPermissions" | "ModifyFolderPermissions" | "RemoveFolderPermissions" => of(&["iam"], &["change"]),
        // Teams.
        "TeamCreated" => of(&["iam"], &["group", "creation"]),
        "TeamDeleted" => of(&["iam"], &["group", "deletion"]),
        "MemberAdded" | "MemberRemoved" | "MemberRoleChanged" => of(&["iam"], &["group", "change"]),
        "ChannelAdded" => of(&["configuration"], &["creation"]),
        "ChannelDeleted" => of(&["configuration"], &["deletion"]),
        "TeamSettingChanged" | "ChannelSettingChanged" | "TeamsTenantSettingChanged" => {
            of(&["configuration"], &["change"])
        }
        "AppInstalled" => of(&["package"], &["installation"]),
        "AppUninstalled" => of(&["package"], &["deletion"]),
        _ => None,
    }
}

/// SharePoint and OneDrive file and folder operations.
fn file(operation: &str) -> Option<Categories> {
    let kind = match operation {
        "FileAccessed"
        | "FileAccessedExtended"
        | "FileDownloaded"
        | "FilePreviewed"
        | "FileSyncDownloadedFull"
        | "FileSyncDownloadedPartial" => "access",
        "FileUploaded" | "FileCopied" | "FileSyncUploadedFull" | "FolderCopied" | "FolderCreated" => "creation",
        "FileModified"
        | "FileModifiedExtended"
        | "FileMoved"
        | "FileRenamed"
        | "FileRestored"
        | "FileCheckedIn"
        | "FileCheckedOut"
        | "FileCheckOutDiscarded"
        | "FileSyncUploadedPartial"
        | "FileSensitivityLabelApplied"
        | "FileSensitivityLabelChanged"
        | "FileSensitivityLabelRemoved"
        | "FolderModified"
        | "FolderMoved"
        | "FolderRenamed"
        | "FolderRestored" => "change",
        "FileDeleted"
        | "FileDeletedFirstStageRecycleBin"
        | "FileDeletedSecondStageRecycleBin"
        | "FileRecycled"
        | "FileVersionsAllDeleted"
        | "FileVersionRecycled"
        | "FolderDeleted"
        | "FolderDeletedFirstStageRecycleBin"
        | "FolderDeletedSecondStageRecycleBin"
        | "FolderRecycled" => "deletion",
        _ => return None,
    };
    of(&["file"], &[kind])
}

/// Sharing a file or folder changes who may read it; using a link or an invitation reads it.
fn sharing(operation: &str) -> Option<Categories> {
    match operation {
        "SharingSet"
        | "SharingInvitationCreated"
        | "SharingInvitationUpdated"
        | "SharingInvitationRevoked"
        | "SharingInheritanceBroken"
        | "SharingRevoked"
        | "AnonymousLinkCreated"
        | "AnonymousLinkUpdated"
        | "AnonymousLinkRemoved"
        | "CompanyLinkCreated"
        | "CompanyLinkRemoved"
        | "SecureLinkCreated"
        | "SecureLinkUpdated"
        | "SecureLinkDeleted"
        | "AddedToSecureLink"
        | "RemovedFromSecureLink" => of(&["file"], &["change"]),
        "SharingInvitationAccepted" | "AnonymousLinkUsed" | "CompanyLinkUsed" | "SecureLinkUsed" => {
            of(&["file"], &["access"])
        }
        _ => None,
    }
}

/// Azure AD directory changes (`Add user.`, `Add member to role.`, ...).
fn directory(operation: &str) -> Option<Categories> {
    match operation {
        "Add user." => of(&["iam"], &["user", "creation"]),
        "Delete user." | "Hard Delete user." => of(&["iam"], &["user", "deletion"]),
        "Update user."
        | "Disable account."
        | "Enable account."
        | "Restore user."
        | "Reset user password."
        | "Change user password."
        | "Set force change user password."
        | "Change user license."
        | "Set user manager."
        | "Update StsRefreshTokenValidFrom Timestamp."
        | "User registered security info."
        | "User deleted security info." => of(&["iam"], &["user", "change"]),
        "Add group." => of(&["iam"], &["group", "creation"]),
        "Delete group." | "Hard Delete group." => of(&["iam"], &["group", "deletion"]),
        "Update group."
        | "Add member to group."
        | "Remove member from group."
        | "Add owner to group."
        | "Remove owner from group." => of(&["iam"], &["group", "change"]),
        "Add member to role."
        | "Remove member from role."
        | "Add eligible member to role."
        | "Remove eligible member from role."
        | "Add scoped member to role."
        | "Remove scoped member from role." => of(&["iam"], &["admin", "change"]),
        "Add service principal." => of(&["iam"], &["creation"]),
        "Remove service principal." => of(&["iam"], &["deletion"]),
        "Update service principal."
        | "Add service principal credentials."
        | "Remove service principal credentials."
        | "Consent to application."
        | "Add delegated permission grant."
        | "Remove delegated permission grant."
        | "Add app role assignment to service principal."
        | "Remove app role assignment from service principal."
        | "Add app role assignment grant to user." => of(&["iam"], &["change"]),
        "Add application." | "Add policy." | "Add domain to company." => of(&["configuration"], &["creation"]),
        "Delete application." | "Delete policy." | "Remove domain from company." => {
            of(&["configuration"], &["deletion"])
        }
        "Update application."
        | "Update policy."
        | "Set Company Information."
        | "Set domain authentication."
        | "Set federation settings on domain."
        | "Update domain."
        | "Verify domain."
        | "Set DirSyncEnabled flag." => of(&["configuration"], &["change"]),
        _ => None,
    }
}

/// What a cmdlet's verb does to what its noun names; reading cmdlets (`Get-`, `Search-`,
/// `Test-`...) and the like have none.
fn verb_type(verb: &str) -> Option<&'static str> {
    match verb {
        "New" | "Add" => Some("creation"),
        "Remove" => Some("deletion"),
        "Set" | "Enable" | "Disable" | "Update" => Some("change"),
        _ => None,
    }
}

/// Exchange Online, Security & Compliance and Teams PowerShell cmdlets (`Verb-Noun`).
fn cmdlet(operation: &str) -> Option<Categories> {
    let (verb, noun) = operation.split_once('-')?;
    let verb_type = verb_type(verb)?;
    match noun {
        _ if noun.ends_with("InboxRule") => of(&["configuration"], &[verb_type]),
        "MailboxPermission" | "RecipientPermission" | "MailboxFolderPermission" | "ADPermission" => {
            of(&["iam"], &["change"])
        }
        "RoleGroupMember" => of(&["iam"], &["admin", "change"]),
        "ManagementRoleAssignment" | "ManagementRole" | "RoleGroup" | "ManagementScope" => {
            of(&["iam"], &["admin", verb_type])
        }
        "DistributionGroupMember" | "UnifiedGroupLinks" => of(&["iam"], &["group", "change"]),
        "DistributionGroup" | "UnifiedGroup" => of(&["iam"], &["group", verb_type]),
        _ => of(&["configuration"], &[verb_type]),
    }
}

/// Yammer, after Elastic's integration (file updates are changes here).
fn yammer(operation: &str) -> Option<Categories> {
    match operation {
        "NetworkConfigurationUpdated"
        | "SoftDeleteSettingsUpdated"
        | "ProcessProfileFields"
        | "SupervisorAdminToggled" => of(&["configuration"], &["change"]),
        "NetworkSecurityConfigurationUpdated" => of(&["configuration"], &["change"]),
        "GroupCreation" => of(&["iam"], &["group", "creation"]),
        "GroupDeletion" => of(&["iam"], &["group", "deletion"]),
        "NetworkUserSuspended" | "UserSuspension" => of(&["iam"], &["user", "change"]),
        "FileCreated" => of(&["file"], &["creation"]),
        "FileDownloaded" | "FileShared" | "FileVisited" => of(&["file"], &["access"]),
        "FileUpdateDescription" | "FileUpdateName" => of(&["file"], &["change"]),
        _ => None,
    }
}
