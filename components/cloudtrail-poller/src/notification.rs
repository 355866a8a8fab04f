//! The SQS message bodies that announce CloudTrail log files.

use edge_poll_sdk::{serde_json, url, Value};

/// An S3 object: bucket and key (decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Object {
    pub bucket: String,
    pub key: String,
}

impl S3Object {
    /// A CloudTrail digest file (`…/CloudTrail-Digest/…`): no events, skipped.
    pub fn is_digest(&self) -> bool {
        self.key.contains("CloudTrail-Digest")
    }

    /// Where CloudTrail writes its log files (`AWSLogs/…/CloudTrail/…`, `…/CloudTrail-Insight/…`).
    pub fn is_trail_log(&self) -> bool {
        self.key.contains("/CloudTrail/") || self.key.contains("/CloudTrail-Insight/")
    }
}

/// What a message says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notification {
    /// Objects to read (maybe none: an S3 notification of removals only).
    Objects(Vec<S3Object>),
    /// S3's test event (`s3:TestEvent`), sent when notifications are set up: acknowledged only.
    Test,
    /// Not a notification of these kinds: left in the queue.
    Unknown,
}

/// A bucket name as S3 allows it (also legacy names with capitals and `_`): nothing that would
/// change the URL it goes in.
fn valid_bucket(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

fn object(bucket: &str, key: String) -> Option<S3Object> {
    (valid_bucket(bucket) && !key.is_empty()).then(|| S3Object {
        bucket: bucket.to_owned(),
        key,
    })
}

/// Reads a message body: an S3 event notification (`{"Records": [{"eventSource": "aws:s3",
/// "s3": {"bucket": {"name"}, "object": {"key"}}}]}`, keys URL-encoded with `+` for a space),
/// S3's test event, CloudTrail's SNS message (`{"s3Bucket": "…", "s3ObjectKey": ["…"]}`, keys
/// as they are), or an SNS envelope (`{"Type": "Notification", "Message": "<JSON text>"}`)
/// around any of them.
pub fn parse_notification(body: &str) -> Notification {
    let Ok(value) = serde_json::from_str::<Value>(body) else {
        return Notification::Unknown;
    };
    parse_value(&value, true)
}

fn parse_value(value: &Value, envelope_allowed: bool) -> Notification {
    if envelope_allowed && value["Type"] == "Notification" {
        if let Some(message) = value["Message"].as_str() {
            return match serde_json::from_str::<Value>(message) {
                Ok(inner) => parse_value(&inner, false),
                Err(_) => Notification::Unknown,
            };
        }
    }
    if value["Event"] == "s3:TestEvent" {
        return Notification::Test;
    }
    if let Some(records) = value["Records"].as_array() {
        let s3_records: Vec<&Value> = records.iter().filter(|r| r["eventSource"] == "aws:s3").collect();
        if s3_records.is_empty() {
            return Notification::Unknown;
        }
        let objects = s3_records
            .into_iter()
            // Creations only (removals, restores and the like name no new log file).
            .filter(|r| {
                r["eventName"]
                    .as_str()
                    .is_none_or(|name| name.starts_with("ObjectCreated"))
            })
            .filter_map(|r| {
                let bucket = r["s3"]["bucket"]["name"].as_str()?;
                let key = url::percent_decode(r["s3"]["object"]["key"].as_str()?, true)?;
                object(bucket, key)
            })
            .collect();
        return Notification::Objects(objects);
    }
    if let (Some(bucket), Some(keys)) = (value["s3Bucket"].as_str(), value["s3ObjectKey"].as_array()) {
        let objects = keys
            .iter()
            .filter_map(|k| object(bucket, k.as_str()?.to_owned()))
            .collect();
        return Notification::Objects(objects);
    }
    Notification::Unknown
}
