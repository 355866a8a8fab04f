use super::*;
use edge_poll_sdk::http::Scripted;
use std::io::Write;

const QUEUE: &str = "https://sqs.eu-west-1.amazonaws.com/123456789012/cloudtrail";

fn settings(options: &[(&str, &str)], max_events: u32) -> Settings {
    let mut all = vec![
        ("queue_url".to_owned(), QUEUE.to_owned()),
        ("region".to_owned(), "eu-west-1".to_owned()),
    ];
    all.extend(options.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    Settings {
        intake: "trail".into(),
        url: String::new(),
        options: all,
        secret: Some("aws".into()),
        start_at: 0,
        until: 0,
        max_events,
    }
}

fn objects(n: &Notification) -> Vec<(String, String)> {
    match n {
        Notification::Objects(objects) => objects.iter().map(|o| (o.bucket.clone(), o.key.clone())).collect(),
        other => panic!("not objects: {other:?}"),
    }
}

const S3_EVENT: &str = r#"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-1","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"trail-bucket"},"object":{"key":"AWSLogs/123456789012/CloudTrail/eu-west-1/2026/12/01/123456789012_CloudTrail_eu-west-1_20261201T1000Z_a+b%2Bc.json.gz","size":1234}}}]}"#;

#[test]
fn s3_event_notification() {
    let n = parse_notification(S3_EVENT);
    assert_eq!(
        objects(&n),
        vec![(
            "trail-bucket".to_owned(),
            "AWSLogs/123456789012/CloudTrail/eu-west-1/2026/12/01/123456789012_CloudTrail_eu-west-1_20261201T1000Z_a b+c.json.gz"
                .to_owned()
        )]
    );
    // Removals name nothing to read; other event sources are not ours.
    let removed = S3_EVENT.replace("ObjectCreated:Put", "ObjectRemoved:Delete");
    assert_eq!(parse_notification(&removed), Notification::Objects(vec![]));
    let other = S3_EVENT.replace("aws:s3", "aws:sqs");
    assert_eq!(parse_notification(&other), Notification::Unknown);
    let bad_bucket = S3_EVENT.replace("trail-bucket", "evil.com/x?");
    assert_eq!(parse_notification(&bad_bucket), Notification::Objects(vec![]));
}

#[test]
fn s3_test_event() {
    let test = r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-12-01T10:00:00.000Z","Bucket":"trail-bucket","RequestId":"X","HostId":"Y"}"#;
    assert_eq!(parse_notification(test), Notification::Test);
}

#[test]
fn sns_envelopes() {
    let wrapped = serde_json::json!({
        "Type": "Notification",
        "MessageId": "m",
        "TopicArn": "arn:aws:sns:eu-west-1:123456789012:trail",
        "Message": S3_EVENT,
    })
    .to_string();
    assert_eq!(objects(&parse_notification(&wrapped)).len(), 1);
    let test = serde_json::json!({"Type": "Notification", "Message": "{\"Event\":\"s3:TestEvent\"}"}).to_string();
    assert_eq!(parse_notification(&test), Notification::Test);
    let nested = serde_json::json!({"Type": "Notification", "Message": wrapped}).to_string();
    assert_eq!(parse_notification(&nested), Notification::Unknown);
    assert_eq!(
        parse_notification(r#"{"Type":"Notification","Message":"not json"}"#),
        Notification::Unknown
    );
}

#[test]
fn cloudtrail_sns_message() {
    let message = r#"{"s3Bucket":"trail-bucket","s3ObjectKey":["AWSLogs/1/CloudTrail/eu-west-1/2026/12/01/a b+c.json.gz","AWSLogs/1/CloudTrail/eu-west-1/2026/12/01/d.json.gz"]}"#;
    let n = parse_notification(message);
    assert_eq!(
        objects(&n)[0].1,
        "AWSLogs/1/CloudTrail/eu-west-1/2026/12/01/a b+c.json.gz"
    );
    assert_eq!(objects(&n).len(), 2);
    let wrapped = serde_json::json!({"Type": "Notification", "Message": message}).to_string();
    assert_eq!(parse_notification(&wrapped), n);
    assert_eq!(parse_notification("hello"), Notification::Unknown);
    assert_eq!(parse_notification("{}"), Notification::Unknown);
}

#[test]
fn urls() {
    let c = Config::from_settings(&settings(&[], 10)).unwrap();
    assert_eq!(c.sqs_endpoint, "https://sqs.eu-west-1.amazonaws.com/");
    assert_eq!(c.wait_seconds, 10);
    let o = S3Object {
        bucket: "trail-bucket".into(),
        key: "AWSLogs/1/a b+c.json.gz".into(),
    };
    assert_eq!(
        c.object_url(&o),
        "https://trail-bucket.s3.eu-west-1.amazonaws.com/AWSLogs/1/a%20b%2Bc.json.gz"
    );
    let dotted = S3Object {
        bucket: "trail.example.com".into(),
        key: "k".into(),
    };
    assert_eq!(
        c.object_url(&dotted),
        "https://s3.eu-west-1.amazonaws.com/trail.example.com/k"
    );
    let local = Config::from_settings(&settings(&[("s3_endpoint", "http://127.0.0.1:9000/")], 10)).unwrap();
    assert_eq!(
        local.object_url(&o),
        "http://127.0.0.1:9000/trail-bucket/AWSLogs/1/a%20b%2Bc.json.gz"
    );
    assert!(Config::from_settings(&settings(&[("wait_seconds", "21")], 10)).is_err());
    assert!(Config::from_settings(&settings(&[("region", "eu-west-1/x")], 10)).is_err());
    assert!(Config::from_settings(&settings(&[("s3_endpoint", "minio:9000")], 10)).is_err());
    let mut no_queue = settings(&[], 10);
    no_queue.options.remove(0);
    assert!(matches!(Config::from_settings(&no_queue), Err(PollError::Fatal(m)) if m.contains("queue_url")));
}

#[test]
fn cursor_round_trip() {
    let cursor = Cursor {
        objects: vec![(
            S3Object {
                bucket: "b".into(),
                key: "k 1".into(),
            },
            3,
        )],
        receipts: vec!["r1".into(), "r2".into()],
    };
    assert_eq!(Cursor::from_bytes(&cursor.to_bytes()).unwrap(), cursor);
    assert_eq!(Cursor::default().to_bytes(), b"{}");
    assert_eq!(Cursor::from_bytes(b"{}").unwrap(), Cursor::default());
    assert_eq!(Cursor::from_bytes(b"").unwrap(), Cursor::default());
    assert!(Cursor::from_bytes(b"[]").is_err());
    assert!(Cursor::from_bytes(br#"{"objects":[{"bucket":"b"}]}"#).is_err());
}

fn gzip(text: &str) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text.as_bytes()).unwrap();
    encoder.finish().unwrap()
}

const LOG: &str = r#"{"Records":[{"eventVersion":"1.08","eventID":"e1","eventName":"ConsoleLogin"},{"eventID":"e2","eventName":"GetObject","n":1.50}]}"#;

fn receive(bodies: &[&str]) -> String {
    let messages: Vec<Value> = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| serde_json::json!({"MessageId": format!("m{i}"), "ReceiptHandle": format!("r{i}"), "Body": body}))
        .collect();
    serde_json::json!({ "Messages": messages }).to_string()
}

#[test]
fn records() {
    let records = records_of(&gzip(LOG)).unwrap().unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(records[1].get(), r#"{"eventID":"e2","eventName":"GetObject","n":1.50}"#);
    assert_eq!(records_of(LOG.as_bytes()).unwrap().unwrap().len(), 2);
    assert!(records_of(b"{\"configurationItems\":[]}").unwrap().is_none());
    assert!(records_of(b"not json").unwrap().is_none());
    assert!(records_of(&[0x1f, 0x8b, 0, 1, 2]).is_err());
}

#[test]
fn a_whole_batch() {
    let digest = r#"{"s3Bucket":"b","s3ObjectKey":["AWSLogs/1/CloudTrail-Digest/eu-west-1/x.json.gz"]}"#;
    let mut t = Scripted::default()
        .respond(
            200,
            &[],
            receive(&[S3_EVENT, r#"{"Event":"s3:TestEvent"}"#, "garbage", digest]),
        )
        .respond(200, &[], gzip(LOG));
    let page = poll_with(&mut t, &settings(&[("visibility_timeout", "300")], 100), None).unwrap();
    let receive_request = &t.sent[0];
    assert_eq!(receive_request.url, "https://sqs.eu-west-1.amazonaws.com/");
    assert!(receive_request
        .headers
        .contains(&("X-Amz-Target".into(), "AmazonSQS.ReceiveMessage".into())));
    assert!(receive_request
        .headers
        .contains(&("X-Edge-Aws-Service".into(), "sqs".into())));
    assert!(receive_request
        .headers
        .contains(&("Content-Type".into(), "application/x-amz-json-1.0".into())));
    let body: Value = serde_json::from_slice(&receive_request.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"QueueUrl": QUEUE, "MaxNumberOfMessages": 10, "WaitTimeSeconds": 10, "VisibilityTimeout": 300})
    );
    assert_eq!(t.sent.len(), 2, "the digest is not fetched");
    assert!(t.sent[1].url.ends_with("20261201T1000Z_a%20b%2Bc.json.gz"));
    assert!(t.sent[1].headers.contains(&("X-Edge-Aws-Service".into(), "s3".into())));
    assert_eq!(page.events.len(), 2);
    assert_eq!(page.events[0].source_id.as_deref(), Some("e1"));
    assert_eq!(
        page.events[1].raw,
        r#"{"eventID":"e2","eventName":"GetObject","n":1.50}"#
    );
    assert!(page.more);
    assert_eq!(page.cursor, None);
    // The garbage message is left in the queue.
    assert_eq!(page.ack.as_deref(), Some(&br#"["r0","r1","r3"]"#[..]));
}

#[test]
fn an_empty_queue() {
    let mut t = Scripted::default().respond(200, &[], "{}");
    let page = poll_with(&mut t, &settings(&[], 100), None).unwrap();
    assert_eq!(page, Page::empty());
    let mut t = Scripted::default().respond(200, &[], receive(&["garbage"]));
    assert!(!poll_with(&mut t, &settings(&[], 100), None).unwrap().more);
}

#[test]
fn a_batch_larger_than_a_page() {
    let two = r#"{"s3Bucket":"b","s3ObjectKey":["k1","k2"]}"#;
    let s = settings(&[], 3);
    let mut t = Scripted::default()
        .respond(200, &[], receive(&[two]))
        .respond(200, &[], gzip(LOG))
        .respond(200, &[], LOG);
    let page = poll_with(&mut t, &s, None).unwrap();
    assert_eq!(page.events.len(), 3);
    assert_eq!(page.ack, None);
    assert!(page.more);
    let cursor = Cursor::from_bytes(page.cursor.as_deref().unwrap()).unwrap();
    assert_eq!(
        cursor.objects,
        vec![(
            S3Object {
                bucket: "b".into(),
                key: "k2".into()
            },
            1
        )]
    );
    assert_eq!(cursor.receipts, vec!["r0"]);

    // The next call reads the rest, acknowledges, and clears the cursor.
    let mut t = Scripted::default().respond(200, &[], LOG);
    let page = poll_with(&mut t, &s, page.cursor.as_deref()).unwrap();
    assert_eq!(t.urls(), vec!["https://b.s3.eu-west-1.amazonaws.com/k2"]);
    assert_eq!(page.events.len(), 1);
    assert_eq!(page.events[0].source_id.as_deref(), Some("e2"));
    assert_eq!(page.ack.as_deref(), Some(&br#"["r0"]"#[..]));
    assert_eq!(page.cursor.as_deref(), Some(&b"{}"[..]));
    assert!(page.more);

    // Then a new batch is received as usual.
    let mut t = Scripted::default().respond(200, &[], "{}");
    assert_eq!(poll_with(&mut t, &s, page.cursor.as_deref()).unwrap(), Page::empty());
    assert!(t.urls()[0].starts_with("https://sqs."));
}

#[test]
fn errors() {
    let s = settings(&[], 100);
    let throttled = r#"{"__type":"com.amazonaws.sqs#RequestThrottled","message":"slow down"}"#;
    let mut t = Scripted::default().respond(400, &[("Retry-After", "2")], throttled);
    assert_eq!(poll_with(&mut t, &s, None), Err(PollError::RateLimited(2)));
    let missing = r#"{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}"#;
    let mut t = Scripted::default().respond(400, &[], missing);
    assert!(matches!(poll_with(&mut t, &s, None), Err(PollError::Fatal(m)) if m.contains("QueueDoesNotExist")));
    let mut t = Scripted::default().respond(503, &[], "");
    assert!(matches!(poll_with(&mut t, &s, None), Err(PollError::Transient(_))));
    // An object: 404 skipped, 403 fatal, 500 transient.
    let mut t = Scripted::default()
        .respond(200, &[], receive(&[S3_EVENT]))
        .respond(404, &[], "");
    assert_eq!(
        poll_with(&mut t, &s, None).unwrap().ack.as_deref(),
        Some(&br#"["r0"]"#[..])
    );
    let mut t = Scripted::default()
        .respond(200, &[], receive(&[S3_EVENT]))
        .respond(403, &[], "AccessDenied");
    assert!(matches!(poll_with(&mut t, &s, None), Err(PollError::Fatal(m)) if m.contains("s3://trail-bucket/")));
    let mut t = Scripted::default()
        .respond(200, &[], receive(&[S3_EVENT]))
        .respond(500, &[], "");
    assert!(matches!(poll_with(&mut t, &s, None), Err(PollError::Transient(_))));
    // A CloudTrail log file that does not read is an error; another kind of file is skipped.
    let mut t = Scripted::default()
        .respond(200, &[], receive(&[S3_EVENT]))
        .respond(200, &[], "<Error/>");
    assert!(matches!(poll_with(&mut t, &s, None), Err(PollError::Fatal(m)) if m.contains("not a CloudTrail log file")));
    let config = r#"{"s3Bucket":"b","s3ObjectKey":["AWSLogs/1/Config/ConfigWritabilityCheckFile"]}"#;
    let mut t = Scripted::default()
        .respond(200, &[], receive(&[config]))
        .respond(200, &[], "check");
    let page = poll_with(&mut t, &s, None).unwrap();
    assert!(page.events.is_empty());
    assert_eq!(page.ack.as_deref(), Some(&br#"["r0"]"#[..]));
}

#[test]
fn acknowledges_in_batches_of_ten() {
    let receipts: Vec<String> = (0..12).map(|i| format!("r{i}")).collect();
    let ack = serde_json::to_vec(&receipts).unwrap();
    let mut t = Scripted::default()
        .respond(200, &[], r#"{"Successful":[]}"#)
        .respond(200, &[], r#"{"Successful":[{"Id":"0"}],"Failed":[{"Id":"1","Code":"ReceiptHandleIsInvalid","SenderFault":true,"Message":"bad"}]}"#);
    let result = acknowledge_with(&mut t, &settings(&[], 10), &ack);
    assert!(matches!(result, Err(PollError::Transient(m)) if m.contains("ReceiptHandleIsInvalid")));
    assert_eq!(t.sent.len(), 2);
    assert!(t.sent[0]
        .headers
        .contains(&("X-Amz-Target".into(), "AmazonSQS.DeleteMessageBatch".into())));
    let first: Value = serde_json::from_slice(&t.sent[0].body).unwrap();
    assert_eq!(first["QueueUrl"], QUEUE);
    assert_eq!(first["Entries"].as_array().unwrap().len(), 10);
    assert_eq!(
        first["Entries"][9],
        serde_json::json!({"Id": "9", "ReceiptHandle": "r9"})
    );
    let second: Value = serde_json::from_slice(&t.sent[1].body).unwrap();
    assert_eq!(
        second["Entries"][1],
        serde_json::json!({"Id": "1", "ReceiptHandle": "r11"})
    );

    let mut t = Scripted::default().respond(200, &[], "{}");
    assert_eq!(acknowledge_with(&mut t, &settings(&[], 10), br#"["r"]"#), Ok(()));
    let mut t = Scripted::default().respond(400, &[], r#"{"__type":"com.amazonaws.sqs#QueueDoesNotExist"}"#);
    assert!(matches!(
        acknowledge_with(&mut t, &settings(&[], 10), br#"["r"]"#),
        Err(PollError::Transient(_))
    ));
    assert!(acknowledge_with(&mut Scripted::default(), &settings(&[], 10), b"nope").is_err());
}
