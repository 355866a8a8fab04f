//! `RecordType` → its name (`event.code`), as the Management Activity API's schema documents
//! them and Elastic's `o365` integration names them.

const NAMES: &[(u16, &str)] = &[
    (1, "ExchangeAdmin"),
    (2, "ExchangeItem"),
    (3, "ExchangeItemGroup"),
    (4, "SharePoint"),
    (6, "SharePointFileOperation"),
    (7, "OneDrive"),
    (8, "AzureActiveDirectory"),
    (9, "AzureActiveDirectoryAccountLogon"),
    (10, "DataCenterSecurityCmdlet"),
    (11, "ComplianceDLPSharePoint"),
    (12, "Sway"),
    (13, "ComplianceDLPExchange"),
    (14, "SharePointSharingOperation"),
    (15, "AzureActiveDirectoryStsLogon"),
    (16, "SkypeForBusinessPSTNUsage"),
    (17, "SkypeForBusinessUsersBlocked"),
    (18, "SecurityComplianceCenterEOPCmdlet"),
    (19, "ExchangeAggregatedOperation"),
    (20, "PowerBIAudit"),
    (21, "CRM"),
    (22, "Yammer"),
    (23, "SkypeForBusinessCmdlets"),
    (24, "Discovery"),
    (25, "MicrosoftTeams"),
    (28, "ThreatIntelligence"),
    (29, "MailSubmission"),
    (30, "MicrosoftFlow"),
    (31, "AeD"),
    (32, "MicrosoftStream"),
    (33, "ComplianceDLPSharePointClassification"),
    (34, "ThreatFinder"),
    (35, "Project"),
    (36, "SharePointListOperation"),
    (37, "SharePointCommentOperation"),
    (38, "DataGovernance"),
    (39, "Kaizala"),
    (40, "SecurityComplianceAlerts"),
    (41, "ThreatIntelligenceUrl"),
    (42, "SecurityComplianceInsights"),
    (43, "MIPLabel"),
    (44, "WorkplaceAnalytics"),
    (45, "PowerAppsApp"),
    (46, "PowerAppsPlan"),
    (47, "ThreatIntelligenceAtpContent"),
    (48, "LabelContentExplorer"),
    (49, "TeamsHealthcare"),
    (50, "ExchangeItemAggregated"),
    (51, "HygieneEvent"),
    (52, "DataInsightsRestApiAudit"),
    (53, "InformationBarrierPolicyApplication"),
    (54, "SharePointListItemOperation"),
    (55, "SharePointContentTypeOperation"),
    (56, "SharePointFieldOperation"),
    (57, "MicrosoftTeamsAdmin"),
    (58, "HRSignal"),
    (59, "MicrosoftTeamsDevice"),
    (60, "MicrosoftTeamsAnalytics"),
    (61, "InformationWorkerProtection"),
    (62, "Campaign"),
    (63, "DLPEndpoint"),
    (64, "AirInvestigation"),
    (65, "Quarantine"),
    (66, "MicrosoftForms"),
    (67, "ApplicationAudit"),
    (68, "ComplianceSupervisionExchange"),
    (69, "CustomerKeyServiceEncryption"),
    (70, "OfficeNative"),
    (71, "MipAutoLabelSharePointItem"),
    (72, "MipAutoLabelSharePointPolicyLocation"),
    (73, "MicrosoftTeamsShifts"),
    (75, "MipAutoLabelExchangeItem"),
    (76, "CortanaBriefing"),
    (78, "WDATPAlerts"),
    (82, "SensitivityLabelPolicyMatch"),
    (83, "SensitivityLabelAction"),
    (84, "SensitivityLabeledFileAction"),
    (85, "AttackSim"),
    (86, "AirManualInvestigation"),
    (87, "SecurityComplianceRBAC"),
    (88, "UserTraining"),
    (89, "AirAdminActionInvestigation"),
    (90, "MSTIC"),
    (91, "PhysicalBadgingSignal"),
    (93, "AipDiscover"),
    (94, "AipSensitivityLabelAction"),
    (95, "AipProtectionAction"),
    (96, "AipFileDeleted"),
    (97, "AipHeartBeat"),
    (98, "MCASAlerts"),
    (99, "OnPremisesFileShareScannerDlp"),
    (100, "OnPremisesSharePointScannerDlp"),
    (101, "ExchangeSearch"),
    (102, "SharePointSearch"),
    (103, "PrivacyInsights"),
    (105, "MyAnalyticsSettings"),
    (106, "SecurityComplianceUserChange"),
    (107, "ComplianceDLPExchangeClassification"),
    (109, "MipExactDataMatch"),
    (113, "MS365DCustomDetection"),
    (147, "CoreReportingSettings"),
    (148, "ComplianceConnector"),
    (174, "DataShareOperation"),
    (181, "EduDataLakeDownloadOperation"),
];

/// The name of a record type given as its number (`15`) or already as its name
/// (`AzureActiveDirectoryStsLogon`, as some exports write it); `None` for a number not listed.
pub(crate) fn name(record_type: &str) -> Option<&str> {
    match record_type.parse::<u16>() {
        Ok(number) => NAMES
            .binary_search_by_key(&number, |(n, _)| *n)
            .ok()
            .map(|at| NAMES[at].1),
        Err(_) if record_type.bytes().all(|b| b.is_ascii_alphanumeric()) => Some(record_type),
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names() {
        assert!(
            NAMES.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted for the binary search"
        );
        assert_eq!(name("15"), Some("AzureActiveDirectoryStsLogon"));
        assert_eq!(name("2"), Some("ExchangeItem"));
        assert_eq!(name("6"), Some("SharePointFileOperation"));
        assert_eq!(name("50"), Some("ExchangeItemAggregated"));
        assert_eq!(name("181"), Some("EduDataLakeDownloadOperation"));
        assert_eq!(name("5"), None);
        assert_eq!(name("SharePointFileOperation"), Some("SharePointFileOperation"));
        assert_eq!(name("not a type"), None);
    }
}
