//! CloudTrail poller: log files announced on SQS (S3 event notifications, directly or through
//! SNS, or CloudTrail's own SNS notifications), events for the `aws-cloudtrail` format.
//!
//! Each call receives up to 10 messages (`AmazonSQS.ReceiveMessage`, JSON protocol, long
//! polling), fetches the S3 objects they name (gunzipped when gzip), and returns their
//! `Records` as events (source ID = `eventID`); the page's `ack` lists the receipt handles,
//! which `acknowledge` deletes (`AmazonSQS.DeleteMessageBatch`) once the page is stored. Every
//! request carries `X-Edge-Aws-Service: sqs` or `s3`: the host signs it (SigV4) for that service.
//!
//! Cursor: none, except when the records of one batch of messages exceed the page size
//! (`settings.max_events`): then the cursor holds the objects still to read (and how many
//! records of the first were returned) with the batch's receipt handles, the next calls read
//! them (the `ack` comes with the last of those pages), and the cursor `{}` ends it:
//! `{"objects": [{"bucket": "…", "key": "…", "skip": n}], "receipts": ["…"]}`.

use edge_poll_sdk::http::{self, Method, Response, Transport};
use edge_poll_sdk::{
    json, number_option, option, poller_description, required_option, serde_json, url, Description, Page, PollError,
    PolledEvent, Poller, Settings, Value,
};
use std::io::Read;

mod notification;

pub use notification::{parse_notification, Notification, S3Object};

pub struct CloudTrailPoller;

/// Messages per ReceiveMessage (SQS's maximum) and entries per DeleteMessageBatch.
pub const BATCH: usize = 10;
/// The largest S3 object read, as stored (gzip).
pub const MAX_OBJECT_BYTES: usize = 64 << 20;
/// The largest S3 object once gunzipped.
pub const MAX_UNZIPPED_BYTES: usize = 256 << 20;

const SERVICE: &str = "X-Edge-Aws-Service";

/// What the options say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub queue_url: String,
    /// Where SQS requests go: the queue URL's origin, path `/`.
    pub sqs_endpoint: String,
    pub region: String,
    pub s3_endpoint: Option<String>,
    pub wait_seconds: u64,
    pub visibility_timeout: Option<u64>,
}

impl Config {
    pub fn from_settings(settings: &Settings) -> Result<Self, PollError> {
        let fatal = |m: String| PollError::Fatal(format!("intake {}: {m}", settings.intake));
        let queue_url = required_option(settings, "queue_url")?.to_owned();
        let origin = url::origin(&queue_url)
            .ok_or_else(|| fatal(format!("`queue_url` must be an http(s) URL, not `{queue_url}`")))?;
        let sqs_endpoint = format!("{origin}/");
        let region = option(settings, "region").unwrap_or("us-east-1").to_owned();
        if !region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(fatal(format!("`region` is not an AWS region: `{region}`")));
        }
        let s3_endpoint = match option(settings, "s3_endpoint") {
            None => None,
            Some(endpoint) => {
                let endpoint = endpoint.trim_end_matches('/');
                if url::origin(endpoint).is_none() {
                    return Err(fatal(format!("`s3_endpoint` must be an http(s) URL, not `{endpoint}`")));
                }
                Some(endpoint.to_owned())
            }
        };
        Ok(Config {
            queue_url,
            sqs_endpoint,
            region,
            s3_endpoint,
            wait_seconds: number_option(settings, "wait_seconds", 10, 0, 20)?,
            visibility_timeout: match option(settings, "visibility_timeout") {
                None => None,
                Some(_) => Some(number_option(settings, "visibility_timeout", 0, 0, 43_200)?),
            },
        })
    }

    /// The URL of an object: path-style under `s3_endpoint` if set; else virtual-hosted
    /// (`https://{bucket}.s3.{region}.amazonaws.com/{key}`), or path-style on
    /// `s3.{region}.amazonaws.com` for a bucket with dots (whose name breaks the TLS wildcard).
    pub fn object_url(&self, object: &S3Object) -> String {
        let key = url::encode_path(&object.key);
        match &self.s3_endpoint {
            Some(endpoint) => format!("{endpoint}/{}/{key}", object.bucket),
            None if object.bucket.contains('.') => {
                format!("https://s3.{}.amazonaws.com/{}/{key}", self.region, object.bucket)
            }
            None => format!("https://{}.s3.{}.amazonaws.com/{key}", object.bucket, self.region),
        }
    }

    fn sqs<T: Transport>(&self, transport: &mut T, action: &str, body: Value) -> Result<Value, PollError> {
        let target = format!("AmazonSQS.{action}");
        let headers = [
            ("Content-Type", "application/x-amz-json-1.0"),
            ("X-Amz-Target", target.as_str()),
            (SERVICE, "sqs"),
        ];
        let response = transport.post(&self.sqs_endpoint, &headers, body.to_string().into_bytes())?;
        sqs_error(&response, action)?;
        serde_json::from_slice(&response.body)
            .map_err(|e| PollError::Transient(format!("SQS {action}: the answer is not JSON: {e}")))
    }
}

/// An SQS error answer (JSON protocol: `{"__type": "com.amazonaws.sqs#QueueDoesNotExist",
/// "message": "…"}`): throttling → rate-limited, other 400s → fatal, else as [`Response::check`].
pub fn sqs_error(response: &Response, action: &str) -> Result<(), PollError> {
    if response.status == 400 {
        let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
        let kind = body["__type"].as_str().unwrap_or("");
        let message = body["message"]
            .as_str()
            .or_else(|| body["Message"].as_str())
            .unwrap_or("");
        if kind.contains("Throttl") || kind.contains("RequestThrottled") {
            return Err(PollError::RateLimited(response.retry_after().min(60)));
        }
        if !kind.is_empty() {
            return Err(PollError::Fatal(format!("SQS {action}: {kind}: {message}")));
        }
    }
    response.check().map_err(|e| e.context(format!("SQS {action}")))
}

/// A received message: its receipt handle and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub receipt: String,
    pub body: String,
}

/// The messages of a ReceiveMessage answer.
pub fn messages(answer: &Value) -> Vec<Message> {
    answer["Messages"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|m| {
                    Some(Message {
                        receipt: m["ReceiptHandle"].as_str()?.to_owned(),
                        body: m["Body"].as_str()?.to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Objects still to read across calls, and the receipt handles to acknowledge after them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cursor {
    /// Objects to read, with the records of each already returned.
    pub objects: ObjectsLeft,
    pub receipts: Vec<String>,
}

impl Cursor {
    pub fn to_bytes(&self) -> Vec<u8> {
        if self.objects.is_empty() && self.receipts.is_empty() {
            return b"{}".to_vec();
        }
        let objects: Vec<Value> = self
            .objects
            .iter()
            .map(|(o, skip)| serde_json::json!({ "bucket": o.bucket, "key": o.key, "skip": skip }))
            .collect();
        serde_json::json!({ "objects": objects, "receipts": self.receipts })
            .to_string()
            .into_bytes()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        if bytes.is_empty() {
            return Ok(Cursor::default());
        }
        let value: Value = serde_json::from_slice(bytes).map_err(|e| format!("cursor is not JSON: {e}"))?;
        if !value.is_object() {
            return Err("cursor is not a JSON object".into());
        }
        let objects = value["objects"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|item| match (item["bucket"].as_str(), item["key"].as_str()) {
                        (Some(bucket), Some(key)) => Ok((
                            S3Object {
                                bucket: bucket.to_owned(),
                                key: key.to_owned(),
                            },
                            item["skip"].as_u64().unwrap_or(0),
                        )),
                        _ => Err("cursor: an object needs a `bucket` and a `key`".to_owned()),
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();
        let receipts = value["receipts"]
            .as_array()
            .map(|items| items.iter().filter_map(|r| r.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        Ok(Cursor { objects, receipts })
    }
}

/// The records of an object body (gzip or not) as JSON elements; `None` when it is not a
/// CloudTrail log file (not JSON, no `Records` array), which is skipped.
pub fn records_of(body: &[u8]) -> Result<Option<Vec<Box<serde_json::value::RawValue>>>, String> {
    let unzipped;
    let body = if body.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        let mut decoder = flate2::read::MultiGzDecoder::new(body).take(MAX_UNZIPPED_BYTES as u64 + 1);
        if let Err(e) = decoder.read_to_end(&mut out) {
            // Not gzip after all (or cut short): not a log file.
            return Err(format!("gunzip: {e}"));
        }
        if out.len() > MAX_UNZIPPED_BYTES {
            return Err(format!("larger than {MAX_UNZIPPED_BYTES} bytes once gunzipped"));
        }
        unzipped = out;
        &unzipped[..]
    } else {
        body
    };
    let Ok(Some(records)) = json::member(body, "Records") else {
        return Ok(None);
    };
    Ok(json::array_elements(records.get().as_bytes()).ok())
}

/// Objects to read, each with the number of its records already returned.
pub type ObjectsLeft = Vec<(S3Object, u64)>;

/// Reads objects in order, at most `max_events` records in all: the events, and what is left
/// (the object cut short, with the records it gave, then those not read).
pub fn read_objects<T: Transport>(
    transport: &mut T,
    config: &Config,
    objects: &[(S3Object, u64)],
    max_events: usize,
) -> Result<(Vec<PolledEvent>, ObjectsLeft), PollError> {
    let mut events = Vec::new();
    for (i, (object, skip)) in objects.iter().enumerate() {
        if events.len() >= max_events {
            return Ok((events, objects[i..].to_vec()));
        }
        if object.is_digest() {
            continue;
        }
        let object_url = config.object_url(object);
        let response = transport.send(
            Method::Get,
            &object_url,
            &[(SERVICE, "s3")],
            Vec::new(),
            MAX_OBJECT_BYTES,
        )?;
        if response.status == 404 {
            continue; // deleted since: nothing to read, ever
        }
        response
            .check()
            .map_err(|e| e.context(format!("s3://{}/{}", object.bucket, object.key)))?;
        let records = match records_of(&response.body) {
            Ok(Some(records)) => records,
            // Another kind of file in a shared bucket (an AWS Config snapshot, a check file):
            // nothing to read. A CloudTrail log file that does not read is an error.
            Ok(None) if !object.is_trail_log() => continue,
            Ok(None) => {
                return Err(PollError::Fatal(format!(
                    "s3://{}/{}: not a CloudTrail log file (no `Records` array)",
                    object.bucket, object.key
                )))
            }
            Err(e) => return Err(PollError::Fatal(format!("s3://{}/{}: {e}", object.bucket, object.key))),
        };
        let skip = usize::try_from(*skip).unwrap_or(usize::MAX).min(records.len());
        let take = (records.len() - skip).min(max_events - events.len());
        events.extend(json::events_of(&records[skip..skip + take], Some("eventID"), |_| {}));
        if skip + take < records.len() {
            let mut rest = vec![(object.clone(), (skip + take) as u64)];
            rest.extend_from_slice(&objects[i + 1..]);
            return Ok((events, rest));
        }
    }
    Ok((events, Vec::new()))
}

fn receipts_json(receipts: &[String]) -> Vec<u8> {
    serde_json::to_vec(receipts).unwrap_or_default()
}

/// One call: finish a batch left in the cursor, or receive a new one.
pub fn poll_with<T: Transport>(
    transport: &mut T,
    settings: &Settings,
    cursor: Option<&[u8]>,
) -> Result<Page, PollError> {
    let config = Config::from_settings(settings)?;
    let max_events = (settings.max_events as usize).max(1);
    let pending = Cursor::from_bytes(cursor.unwrap_or_default()).map_err(PollError::Fatal)?;
    if !pending.objects.is_empty() || !pending.receipts.is_empty() {
        let (events, rest) = read_objects(transport, &config, &pending.objects, max_events)?;
        let done = rest.is_empty();
        let cursor = Cursor {
            objects: rest,
            receipts: if done { Vec::new() } else { pending.receipts.clone() },
        };
        let ack = (done && !pending.receipts.is_empty()).then(|| receipts_json(&pending.receipts));
        return Ok(Page {
            cursor: Some(cursor.to_bytes()),
            more: true,
            ack,
            ..Page::with_events(events)
        });
    }

    let mut request = serde_json::json!({
        "QueueUrl": config.queue_url,
        "MaxNumberOfMessages": BATCH,
        "WaitTimeSeconds": config.wait_seconds,
    });
    if let Some(timeout) = config.visibility_timeout {
        request["VisibilityTimeout"] = timeout.into();
    }
    let answer = config.sqs(transport, "ReceiveMessage", request)?;
    let mut receipts = Vec::new();
    let mut objects: ObjectsLeft = Vec::new();
    for message in messages(&answer) {
        match parse_notification(&message.body) {
            // Not a notification this poller knows: left in the queue (for its redrive policy).
            Notification::Unknown => continue,
            Notification::Test => {}
            Notification::Objects(found) => {
                for object in found {
                    if !objects.iter().any(|(o, _)| *o == object) {
                        objects.push((object, 0));
                    }
                }
            }
        }
        receipts.push(message.receipt);
    }
    if receipts.is_empty() {
        return Ok(Page::empty());
    }
    let (events, rest) = read_objects(transport, &config, &objects, max_events)?;
    if !rest.is_empty() {
        let cursor = Cursor {
            objects: rest,
            receipts,
        };
        return Ok(Page {
            cursor: Some(cursor.to_bytes()),
            more: true,
            ..Page::with_events(events)
        });
    }
    Ok(Page {
        more: true,
        ack: Some(receipts_json(&receipts)),
        ..Page::with_events(events)
    })
}

/// Deletes the messages whose receipt handles `ack` lists (a JSON array of strings).
pub fn acknowledge_with<T: Transport>(transport: &mut T, settings: &Settings, ack: &[u8]) -> Result<(), PollError> {
    let config = Config::from_settings(settings)?;
    let receipts: Vec<String> =
        serde_json::from_slice(ack).map_err(|e| PollError::Fatal(format!("ack is not a JSON list of strings: {e}")))?;
    let mut failures = Vec::new();
    for chunk in receipts.chunks(BATCH) {
        let entries: Vec<Value> = chunk
            .iter()
            .enumerate()
            .map(|(i, receipt)| serde_json::json!({ "Id": i.to_string(), "ReceiptHandle": receipt }))
            .collect();
        let request = serde_json::json!({ "QueueUrl": config.queue_url, "Entries": entries });
        let answer = config
            .sqs(transport, "DeleteMessageBatch", request)
            .map_err(|e| match e {
                PollError::Fatal(m) => PollError::Transient(m),
                other => other,
            })?;
        for failed in answer["Failed"].as_array().into_iter().flatten() {
            failures.push(format!(
                "{}: {} {}",
                failed["Id"].as_str().unwrap_or("?"),
                failed["Code"].as_str().unwrap_or("?"),
                failed["Message"].as_str().unwrap_or("")
            ));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(PollError::Transient(format!(
            "SQS DeleteMessageBatch: {} failed: {}",
            failures.len(),
            failures.join("; ")
        )))
    }
}

impl Poller for CloudTrailPoller {
    fn describe() -> Description {
        poller_description!(
            "cloudtrail-poller",
            "AWS CloudTrail log files announced on SQS (S3 event notifications, raw or through SNS, or CloudTrail's SNS notifications): reads the objects, one event per record (source ID = eventID), deletes the messages once stored",
            "aws-cloudtrail",
            [
                ("queue_url", "the SQS queue URL (required), e.g. https://sqs.us-east-1.amazonaws.com/123456789012/cloudtrail"),
                ("region", "the bucket's region (default us-east-1)"),
                ("s3_endpoint", "an S3 endpoint URL, addressed path-style (optional; default https://{bucket}.s3.{region}.amazonaws.com)"),
                ("wait_seconds", "SQS long polling, 0 to 20 seconds (default 10)"),
                ("visibility_timeout", "seconds received messages stay hidden (optional; the queue's setting by default)"),
            ]
        )
    }

    fn poll(settings: Settings, cursor: Option<Vec<u8>>) -> Result<Page, PollError> {
        poll_with(&mut http::Wasi, &settings, cursor.as_deref())
    }

    fn acknowledge(settings: Settings, ack: Vec<u8>) -> Result<(), PollError> {
        acknowledge_with(&mut http::Wasi, &settings, &ack)
    }
}

edge_poll_sdk::export_poller!(CloudTrailPoller);

#[cfg(test)]
mod tests;
