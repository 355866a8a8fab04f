//! The `m365` format: Microsoft 365 (Office 365) audit records of the Management Activity API,
//! normalized to ECS after Elastic's `o365` integration.
//!
//! - Input (`input.rs`): one record per event (an item of a content blob), alone or after a
//!   syslog or time prefix (or a short tag such as `o365: `), whose host, program and priority
//!   become `host.name`, `process.*` and `log.syslog.*`; also the only item of a JSON array,
//!   and the `AuditData` of a `Search-UnifiedAuditLog` / Purview audit search result. Several
//!   records, a content listing, non-JSON and JSON that is not a record of the common schema
//!   (no `CreationTime`, `Operation`, `RecordType` and `Id` or `Workload`) are rejected.
//! - Common schema (`record.rs`): `CreationTime` (UTC, written without a zone) → `@timestamp`,
//!   `Id` → `event.id`, `Operation` → `event.action`, `RecordType` → `event.code` (its name:
//!   15 `AzureActiveDirectoryStsLogon`, 50 `ExchangeItemAggregated`, ...; `record_types.rs`),
//!   `Workload` → `event.provider`, `OrganizationId` → `organization.id` (lower case),
//!   `ResultStatus` → `event.outcome` (`Succeeded`/`Success`/`PartiallySucceeded`/`True`
//!   success, `Failed`/`Failure`/`False` failure, other values unknown, none success;
//!   `UserLoginFailed` always failure), `Severity` → `event.severity`; `UserId` → `user.id`, and
//!   for a UPN `user.email`, `user.name` (before `@`) and `user.domain`; `ClientIPAddress`,
//!   `ClientIP` or `ActorIpAddress` (`192.0.2.1`, `192.0.2.1:50123`, `[2001:db8::1]:443`, IPv6,
//!   `::ffff:` mapped IPv4; `address.rs`) → `client.*` and `source.*` (address, ip, port),
//!   `network.type`; `UserAgent` or the `UserAgent` of `ExtendedProperties` → `user_agent.*`.
//! - Workload schemas (`workloads.rs`): Exchange (`organization.name`, `server.*` from
//!   `OriginatingServer`, `user.full_name`, `process.name`, the mailbox owner as `user.email`
//!   when `UserId` is not a UPN), Azure AD user and role changes (`user.target.*` from
//!   `ObjectId`), SharePoint and OneDrive (`url.*` from a URL `ObjectId`, `file.name`,
//!   `file.directory`, `file.extension`), Security & Compliance alerts (`message`, `rule.*`),
//!   DLP matches (`file.*`, `url.original`, `source.user.email`, `destination.user.email`,
//!   `rule.id`/`name` of the rules matched, `event.severity`, the outcome from `BlockAccess`),
//!   Yammer and Teams (`group.name`, `destination.user.*`, members in `related.user`).
//! - Everything else stays under `o365.audit.<original name>` as Elastic keeps it (`audit.rs`):
//!   `Parameters` and `ExtendedProperties` as name → value objects, `ModifiedProperties` as
//!   name → `{NewValue, OldValue}`, an alert's `Data` read (`Data.flattened` and its known
//!   keys), identifiers as text; what was read into ECS is taken out (Elastic renames it).
//! - Categorization (`categorize.rs`) by record type and operation family: sign-ins
//!   (`authentication`), file and folder operations and sharing (`file`), Azure AD directory
//!   changes and Exchange role/permission/group cmdlets (`iam`), other admin cmdlets and inbox
//!   rules (`configuration`), mailbox item operations (`email`), Teams and Yammer changes; DLP
//!   matches and alerts are `event.kind` `alert`; other operations keep `event.kind` `event`.

mod address;
mod audit;
mod categorize;
mod input;
mod record;
mod record_types;
mod values;
mod workloads;

use edge_format_sdk::{describe, insert_envelope, insert_metadata, line, Description, Event, Fields, Format};

pub struct M365;

impl Format for M365 {
    fn describe() -> Description {
        describe!(
            "m365",
            "Microsoft 365 audit records of the Management Activity API (Azure AD, Exchange, SharePoint/OneDrive, Teams, DLP, alerts), also after a syslog prefix, normalized to ECS",
            ["authentication", "cloud", "email"],
            r#"{"CreationTime":"2026-03-02T09:15:27","Id":"3f2b7c1e-8a7d-4c5b-9e6f-0a1b2c3d4e5f","Operation":"UserLoggedIn","OrganizationId":"B7C1D2E3-F4A5-4B6C-8D7E-9F0A1B2C3D4E","RecordType":15,"ResultStatus":"Success","UserKey":"10032001A2B3C4D5","UserType":0,"Version":1,"Workload":"AzureActiveDirectory","ClientIP":"203.0.113.24","ObjectId":"00000003-0000-0ff1-ce00-000000000000","UserId":"alice@contoso.com","AzureActiveDirectoryEventType":1,"ExtendedProperties":[{"Name":"ResultStatusDetail","Value":"Redirect"},{"Name":"UserAgent","Value":"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0"},{"Name":"RequestType","Value":"OAuth2:Authorize"}],"ModifiedProperties":[],"Actor":[{"ID":"5f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9","Type":0},{"ID":"alice@contoso.com","Type":5}],"ActorContextId":"b7c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e","ActorIpAddress":"203.0.113.24","InterSystemsId":"6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d","IntraSystemId":"0f1e2d3c-4b5a-4697-8a9b-0c1d2e3f4a5b","Target":[{"ID":"00000003-0000-0ff1-ce00-000000000000","Type":0}],"TargetContextId":"b7c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e","ApplicationId":"89bee1f7-5e6e-4d8a-9f3d-ecd601259da7","ErrorNumber":"0"}"#,
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        let mut fields = Fields::with_capacity(48);
        {
            let located = input::locate(&event.raw)?;
            record::record_fields(located.record, &mut fields);
            line::insert_prefix_fields(&mut fields, &located.prefix, &event);
        }
        insert_envelope(&mut fields, &event);
        insert_metadata(&mut fields, &event.metadata);
        Ok(fields)
    }
}

edge_format_sdk::export_format!(M365);

#[cfg(test)]
mod tests;
