use super::*;

const LIMITS: BodyLimits = BodyLimits {
    max_events: 1000,
    max_event_bytes: 100,
};

fn parse_ok<'a>(endpoint: Endpoint, body: &'a [u8], path: Option<&str>) -> Parsed<'a> {
    parse(endpoint, body, path, &LIMITS).expect("parses")
}

fn raws<'a>(parsed: &'a Parsed<'a>) -> Vec<&'a str> {
    parsed.items.iter().map(|i| i.raw.as_ref()).collect()
}

#[test]
fn paths_map_to_endpoints() {
    assert_eq!(Endpoint::from_path("/"), Some(Endpoint::Single));
    assert_eq!(Endpoint::from_path("/batch"), Some(Endpoint::Batch));
    assert_eq!(Endpoint::from_path("/plain/batch/"), Some(Endpoint::PlainBatch));
    assert_eq!(Endpoint::from_path("/jsons"), Some(Endpoint::Jsons));
    assert_eq!(Endpoint::from_path("/array"), Some(Endpoint::Array));
    assert_eq!(Endpoint::from_path("/nope"), None);
    assert!(!Endpoint::Plain.takes_json());
    assert!(Endpoint::Jsons.takes_json());
    assert!(Endpoint::Batch.key_in_body() && !Endpoint::Jsons.key_in_body());
}

#[test]
fn single_event_with_key_and_timestamp() {
    let parsed = parse_ok(
        Endpoint::Single,
        br#"{"intake_key":"K","json":"{\"a\":1}","@timestamp":1700000000}"#,
        None,
    );
    assert_eq!(parsed.key.as_deref(), Some("K"));
    assert_eq!(parsed.time, Some(TimeValue::Int(1_700_000_000)));
    assert_eq!(raws(&parsed), vec![r#"{"a":1}"#]);
}

#[test]
fn single_event_object_is_kept_as_sent() {
    let parsed = parse_ok(Endpoint::Single, br#"{"json":{"a": "b"}}"#, None);
    assert_eq!(raws(&parsed), vec![r#"{"a": "b"}"#]);
    assert_eq!(parsed.key, None);
}

#[test]
fn events_without_escapes_are_borrowed_from_the_body() {
    let parsed = parse_ok(Endpoint::Batch, br#"{"jsons":["plain","esc\"aped"]}"#, None);
    assert!(matches!(parsed.items[0].raw, Cow::Borrowed("plain")));
    assert!(matches!(&parsed.items[1].raw, Cow::Owned(s) if s == "esc\"aped"));
}

#[test]
fn missing_json_field_is_a_clear_error() {
    let e = parse(Endpoint::Single, br#"{"intake_key":"K"}"#, None, &LIMITS).expect_err("no json");
    assert_eq!(e, ApiError::BadRequest("missing field `json` (the event)".into()));
    let e = parse(Endpoint::Batch, br#"{"intake_key":"K","jsons":"x"}"#, None, &LIMITS).expect_err("not a list");
    assert!(matches!(e, ApiError::BadRequest(m) if m.starts_with("malformed JSON body")));
    let e = parse(
        Endpoint::Batch,
        br#"{"intake_key":"K","jsons":[],"jsons":[]}"#,
        None,
        &LIMITS,
    )
    .expect_err("dup");
    assert!(matches!(e, ApiError::BadRequest(m) if m.contains("duplicate field `jsons`")));
}

#[test]
fn batch_reads_key_and_time_once() {
    let parsed = parse_ok(
        Endpoint::Batch,
        br#"{"intake_key":"K","jsons":["a","b"],"@timestamp":"2026-11-22T00:00:00Z","other":{"x":[1]}}"#,
        None,
    );
    assert_eq!(raws(&parsed), vec!["a", "b"]);
    assert_eq!(parsed.key.as_deref(), Some("K"));
    assert_eq!(parsed.time, Some(TimeValue::Text("2026-11-22T00:00:00Z".into())));
    assert!(parsed.items.iter().all(|i| i.key.is_none() && i.time.is_none()));
}

#[test]
fn array_carries_a_key_per_item() {
    let parsed = parse_ok(
        Endpoint::Array,
        br#"[{"intake_key":"A","json":"x"},{"intake_key":"B","json":"y","@timestamp":1.5}]"#,
        None,
    );
    assert_eq!(parsed.items[0].key.as_deref(), Some("A"));
    assert_eq!(parsed.items[1].key.as_deref(), Some("B"));
    assert_eq!(parsed.items[1].time, Some(TimeValue::Float(1.5)));
    let e = parse(Endpoint::Array, br#"[{"json":"x"},{"intake_key":"B"}]"#, None, &LIMITS).expect_err("item 1");
    assert_eq!(
        e,
        ApiError::BadRequest("item 1: missing field `json` (the event)".into())
    );
}

#[test]
fn plain_strips_one_trailing_newline() {
    assert_eq!(raws(&parse_ok(Endpoint::Plain, b"hello\r\n", None)), vec!["hello"]);
    assert_eq!(raws(&parse_ok(Endpoint::Plain, b"a\nb\n", None)), vec!["a\nb"]);
    assert!(parse(Endpoint::Plain, b"\n", None, &LIMITS).is_err());
}

#[test]
fn plain_batch_splits_lines_and_skips_empty_ones() {
    let parsed = parse_ok(Endpoint::PlainBatch, b"one\r\ntwo\n\n\r\nthree", None);
    assert_eq!(raws(&parsed), vec!["one", "two", "three"]);
    let e = parse(Endpoint::PlainBatch, b"ok\n\xff\xfe", None, &LIMITS).expect_err("not utf-8");
    assert_eq!(
        e,
        ApiError::BadRequest("the body is not valid UTF-8 (first bad byte at offset 3)".into())
    );
}

#[test]
fn jsons_takes_strings_and_objects() {
    let parsed = parse_ok(Endpoint::Jsons, br#"["a",{"b":1},2]"#, None);
    assert_eq!(raws(&parsed), vec!["a", r#"{"b":1}"#, "2"]);
    assert!(parse(Endpoint::Jsons, br#"{"a":[]}"#, None, &LIMITS).is_err());
    let e = parse(Endpoint::Jsons, br#"["a", null]"#, None, &LIMITS).expect_err("null");
    assert_eq!(e, ApiError::BadRequest("event 1 is null".into()));
}

#[test]
fn jsons_path_selects_a_nested_array() {
    let body = br#"{"data":{"items":[{"x":1},{"x":2}]},"list":[{"deep":["q"]}]}"#;
    assert_eq!(
        raws(&parse_ok(Endpoint::Jsons, body, Some("$.data.items"))),
        vec![r#"{"x":1}"#, r#"{"x":2}"#]
    );
    assert_eq!(
        raws(&parse_ok(Endpoint::Jsons, body, Some("$.list[0].deep"))),
        vec!["q"]
    );
    assert_eq!(
        parse_ok(Endpoint::Jsons, body, Some("$['data']['items']")).items.len(),
        2
    );
    let e = parse(Endpoint::Jsons, body, Some("$.missing"), &LIMITS).expect_err("nothing");
    assert_eq!(
        e,
        ApiError::BadRequest("path \"$.missing\" selects nothing in the body".into())
    );
    assert!(parse(Endpoint::Jsons, body, Some("data"), &LIMITS).is_err());
    assert!(parse(Endpoint::Jsons, body, Some("$.data"), &LIMITS).is_err());
}

/// Every endpoint stops at the first event over a limit, with a 413.
#[test]
fn limits_apply_while_parsing() {
    let limits = BodyLimits {
        max_events: 3,
        max_event_bytes: 5,
    };
    let too_many: [(Endpoint, &[u8]); 4] = [
        (Endpoint::PlainBatch, b"a\nb\nc\nd\n"),
        (Endpoint::Jsons, br#"["a","b","c","d"]"#),
        (Endpoint::Batch, br#"{"jsons":["a","b","c","d"]}"#),
        (
            Endpoint::Array,
            br#"[{"json":"a"},{"json":"b"},{"json":"c"},{"json":"d"}]"#,
        ),
    ];
    for (endpoint, body) in too_many {
        let e = parse(endpoint, body, None, &limits).expect_err("too many");
        assert_eq!(
            e,
            ApiError::TooLarge("more than 3 events in one request, over the limit of 3".into()),
            "{endpoint:?}"
        );
    }
    let too_big: [(Endpoint, &[u8], &str); 5] = [
        (Endpoint::PlainBatch, b"a\nbbbbbb\n", "event 1 is 6 bytes"),
        (Endpoint::Jsons, br#"["a",{"b":12}]"#, "event 1 is 8 bytes"),
        (Endpoint::Batch, br#"{"jsons":["123456"]}"#, "event 0 is 6 bytes"),
        (Endpoint::Single, br#"{"json":"123456"}"#, "the event is 6 bytes"),
        (Endpoint::Plain, b"123456", "the event is 6 bytes"),
    ];
    for (endpoint, body, message) in too_big {
        let e = parse(endpoint, body, None, &limits).expect_err("too big");
        assert!(
            matches!(&e, ApiError::TooLarge(m) if m.starts_with(message)),
            "{endpoint:?}: {e:?}"
        );
    }
}

/// A body that stops being valid after the limit is still refused for the limit: parsing
/// stopped there.
#[test]
fn the_count_limit_stops_parsing() {
    let limits = BodyLimits {
        max_events: 2,
        max_event_bytes: 5,
    };
    let e = parse(Endpoint::Jsons, br#"["a","b","c", garbage"#, None, &limits).expect_err("limit");
    assert!(matches!(e, ApiError::TooLarge(_)), "{e:?}");
}

#[test]
fn batch_events_may_carry_their_source_ids_and_times() {
    let parsed = parse_ok(
        Endpoint::Batch,
        br#"{"jsons":["a","b"],"source_ids":["s-1","s-2"],"@timestamps":["2026-01-01T00:00:00Z",1700000000]}"#,
        None,
    );
    let ids: Vec<_> = parsed.items.iter().map(|i| i.source_id.as_deref()).collect();
    assert_eq!(ids, vec![Some("s-1"), Some("s-2")]);
    assert_eq!(parsed.items[1].time, Some(TimeValue::Int(1_700_000_000)));
    let single = parse_ok(Endpoint::Single, br#"{"json":"x","source_id":"s"}"#, None);
    assert_eq!(single.items[0].source_id.as_deref(), Some("s"));
    let array = parse_ok(Endpoint::Array, br#"[{"json":"x","source_id":"s"},{"json":"y"}]"#, None);
    assert_eq!(array.items[0].source_id.as_deref(), Some("s"));
    assert_eq!(array.items[1].source_id, None);
}

#[test]
fn source_ids_must_match_the_events_and_be_short() {
    let e = parse(
        Endpoint::Batch,
        br#"{"jsons":["a","b"],"source_ids":["s"]}"#,
        None,
        &LIMITS,
    )
    .expect_err("one short");
    assert_eq!(
        e,
        ApiError::BadRequest(
            "`source_ids` has 1 values for 2 events: give one per event, in the order of `jsons`".into()
        )
    );
    let long = format!(r#"{{"jsons":["a"],"source_ids":["{}"]}}"#, "x".repeat(129));
    let e = parse(Endpoint::Batch, long.as_bytes(), None, &LIMITS).expect_err("too long");
    assert!(
        matches!(&e, ApiError::BadRequest(m) if m.contains("`source_ids` value 0 is 129 bytes")),
        "{e:?}"
    );
    let empty = parse(Endpoint::Single, br#"{"json":"x","source_id":""}"#, None, &LIMITS).expect_err("empty");
    assert!(
        matches!(&empty, ApiError::BadRequest(m) if m.contains("source ID")),
        "{empty:?}"
    );
    let long_time = format!(r#"{{"jsons":["a"],"@timestamps":["{}"]}}"#, "1".repeat(65));
    let e = parse(Endpoint::Batch, long_time.as_bytes(), None, &LIMITS).expect_err("time too long");
    assert!(
        matches!(&e, ApiError::BadRequest(m) if m.contains("`@timestamps` value 0 is 65 bytes")),
        "{e:?}"
    );
    let many = format!(r#"{{"jsons":["a"],"source_ids":[{}]}}"#, vec![r#""s""#; 1001].join(","));
    let e = parse(Endpoint::Batch, many.as_bytes(), None, &LIMITS).expect_err("too many");
    assert!(matches!(e, ApiError::TooLarge(_)), "{e:?}");
}
