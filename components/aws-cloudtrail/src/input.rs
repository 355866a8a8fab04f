//! Finding the CloudTrail record in an event: the record alone (what a poller of the S3 log
//! files or a relay sends), after a syslog or time prefix, as the only record of a whole
//! `{"Records":[...]}` log file, or as the `detail` of an EventBridge "via CloudTrail" event.

use edge_format_sdk::serde_json;
use edge_format_sdk::{line, Map, Value};

/// The record and the line's prefix (empty when the event is the JSON alone).
pub(crate) struct Located<'a> {
    pub prefix: line::Prefixed<'a>,
    pub record: Map<String, Value>,
}

pub(crate) fn locate(raw: &str) -> Result<Located<'_>, String> {
    let prefix = line::json_document(raw, &['{']).map_err(|e| match e {
        line::NoJson::Empty => "empty event".to_string(),
        line::NoJson::Missing => "not a CloudTrail record: no JSON object".to_string(),
    })?;
    let json = prefix.msg;
    let document = match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(object)) => object,
        Ok(_) => return Err("not a CloudTrail record: expected a JSON object".into()),
        Err(e) => return Err(format!("not a CloudTrail record: invalid JSON: {e}")),
    };
    let record = unwrap_record(document)?;
    Ok(Located { prefix, record })
}

/// The record inside a log file or an EventBridge event, or the document itself.
fn unwrap_record(mut document: Map<String, Value>) -> Result<Map<String, Value>, String> {
    if let Some(records) = document.remove("Records") {
        let Value::Array(mut records) = records else {
            return Err("not a CloudTrail record: \"Records\" is not an array".into());
        };
        return match records.len() {
            1 => match records.pop() {
                Some(Value::Object(record)) => checked(record),
                _ => Err("not a CloudTrail record: the record in \"Records\" is not an object".into()),
            },
            0 => Err("a CloudTrail log file with no records".into()),
            n => Err(format!(
                "a CloudTrail log file with {n} records: send one record of \"Records\" per event"
            )),
        };
    }
    // EventBridge wraps the record: {"detail-type": "AWS API Call via CloudTrail", "detail": {...}}.
    let via_cloudtrail = document
        .get("detail-type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.contains("via CloudTrail"));
    if via_cloudtrail {
        if let Some(Value::Object(detail)) = document.remove("detail") {
            return checked(detail);
        }
    }
    if document.contains_key("digestStartTime") || document.contains_key("logFiles") {
        return Err("a CloudTrail digest file, not an event record".into());
    }
    checked(document)
}

/// Whether the object is a CloudTrail record: it names the call and the service (an Insights
/// event names them in its `insightDetails`), and carries the record's version or time.
fn checked(record: Map<String, Value>) -> Result<Map<String, Value>, String> {
    let text = |key: &str| record.get(key).and_then(Value::as_str).is_some_and(|s| !s.is_empty());
    let call = text("eventName") && text("eventSource");
    let insight = record.get("eventType").and_then(Value::as_str) == Some("AwsCloudTrailInsight")
        && record.get("insightDetails").is_some_and(Value::is_object);
    if (call || insight) && (text("eventVersion") || text("eventTime")) {
        Ok(record)
    } else {
        Err("not a CloudTrail record: no eventName, eventSource and eventVersion or eventTime".into())
    }
}
