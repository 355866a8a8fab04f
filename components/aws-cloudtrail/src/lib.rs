//! The `aws-cloudtrail` format: AWS CloudTrail records, normalized to ECS after Elastic's
//! `aws.cloudtrail` integration.
//!
//! - Input (`input.rs`): one record of a log file's `Records[]` per event (what a poller of
//!   the trail's S3 objects produces, and what people post over HTTPS); also a whole
//!   `{"Records":[...]}` document holding exactly one record (several are rejected: send one
//!   record per event), the `detail` of an EventBridge "AWS API Call via CloudTrail" event, and
//!   the JSON after a syslog or time prefix (or a short tag such as `CloudTrail: `), whose
//!   host, program and priority become `host.name`, `process.*` and `log.syslog.*`.
//!   Non-JSON, JSON that is not a record (no `eventName`, `eventSource` and `eventVersion` or
//!   `eventTime`) and digest files are rejected.
//! - Record (`record.rs`): `eventTime` → `@timestamp`, `eventName` → `event.action`,
//!   `eventSource` → `event.provider`, `eventID` → `event.id`, `awsRegion` → `cloud.region`,
//!   `recipientAccountId` (else the caller's account) → `cloud.account.id`, `cloud.provider`
//!   `aws`; `sourceIPAddress` → `source.address` and `source.ip`, or `source.domain` (+ public
//!   suffix split) for an AWS service name; `userAgent` → `user_agent.*` (parsed unless it is a
//!   service name or `AWS Internal`); `tlsDetails` → `tls.version_protocol`/`version`/`cipher`/
//!   `client.server_name`; `errorCode`/`errorMessage` → `error.code`/`message` (and
//!   `aws.cloudtrail.error_*`) and `event.outcome` `failure`, else `success` (a console login's
//!   outcome is its `responseElements.ConsoleLogin`; service events and insights have none).
//! - `userIdentity` (`identity.rs`) → `user.id` (`principalId`), `user.name` (`userName`, else
//!   the issuer of an assumed role's session), `aws.cloudtrail.user_identity.*` (type, arn,
//!   account_id, access_key_id, invoked_by, session_context.*).
//! - Vendor fields under `aws.cloudtrail.*` with Elastic's names; `requestParameters`,
//!   `responseElements`, `additionalEventData`, `serviceEventDetails`, `resources`,
//!   `insightDetails` kept whole as objects (dots in their keys become `_`, so that the host's
//!   nesting never meets a conflict). IAM calls also give `user.target.*`, `user.changes.name`
//!   and `group.*`.
//! - Categorization (`categorize.rs`): `event.kind` `event`; `event.category`/`type` only for
//!   calls whose meaning is clear (sign-in, STS, IAM, S3, EC2 instances and network settings,
//!   KMS, Lambda, trail and security-service settings).

mod categorize;
mod identity;
mod input;
mod record;
mod values;

use edge_format_sdk::{describe, insert_envelope, insert_metadata, line, Description, Event, Fields, Format};

pub struct CloudTrail;

impl Format for CloudTrail {
    fn describe() -> Description {
        describe!(
            "aws-cloudtrail",
            "AWS CloudTrail records (one of Records[] per event, also after a syslog prefix or from EventBridge), normalized to ECS",
            ["cloud"],
            r#"{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLEID1234567","arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012","accessKeyId":"AKIAIOSFODNN7EXAMPLE","userName":"alice"},"eventTime":"2026-03-02T09:15:27Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.24","userAgent":"aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22 prompt/off command/iam.create-user","requestParameters":{"userName":"bob"},"responseElements":{"user":{"path":"/","userName":"bob","userId":"AIDAEXAMPLEID7654321","arn":"arn:aws:iam::123456789012:user/bob","createDate":"Mar 2, 2026 9:15:27 AM"}},"requestID":"4f1c2a3b-7d6e-4c5b-9a8f-1e2d3c4b5a69","eventID":"0b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a8b","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012","eventCategory":"Management"}"#,
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        let mut fields = Fields::with_capacity(48);
        {
            let located = input::locate(&event.raw)?;
            record::record_fields(&located.record, &mut fields);
            line::insert_prefix_fields(&mut fields, &located.prefix, &event);
        }
        insert_envelope(&mut fields, &event);
        insert_metadata(&mut fields, &event.metadata);
        Ok(fields)
    }
}

edge_format_sdk::export_format!(CloudTrail);

#[cfg(test)]
mod tests;
