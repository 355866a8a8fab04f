use super::*;

fn raws(items: &[Item]) -> Vec<&str> {
    items.iter().map(|i| i.raw.as_str()).collect()
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
}

#[test]
fn single_event_with_key_and_timestamp() {
    let items = parse(
        Endpoint::Single,
        br#"{"intake_key":"K","json":"{\"a\":1}","@timestamp":1700000000}"#,
        None,
    )
    .expect("ok");
    assert_eq!(
        items,
        vec![Item {
            key: Some("K".into()),
            raw: r#"{"a":1}"#.into(),
            time: Some(TimeValue::Int(1_700_000_000))
        }]
    );
}

#[test]
fn single_event_object_is_serialised() {
    let items = parse(Endpoint::Single, br#"{"json":{"a":"b"}}"#, None).expect("ok");
    assert_eq!(raws(&items), vec![r#"{"a":"b"}"#]);
    assert_eq!(items[0].key, None);
}

#[test]
fn missing_json_field_is_a_clear_error() {
    let e = parse(Endpoint::Single, br#"{"intake_key":"K"}"#, None).expect_err("no json");
    assert_eq!(e, ApiError::BadRequest("missing field `json` (the event)".into()));
    let e = parse(Endpoint::Batch, br#"{"intake_key":"K","jsons":"x"}"#, None).expect_err("not a list");
    assert!(matches!(e, ApiError::BadRequest(m) if m.starts_with("malformed JSON body")));
}

#[test]
fn batch_shares_key_and_time() {
    let items = parse(
        Endpoint::Batch,
        br#"{"intake_key":"K","jsons":["a","b"],"@timestamp":"2026-11-22T00:00:00Z"}"#,
        None,
    )
    .expect("ok");
    assert_eq!(raws(&items), vec!["a", "b"]);
    assert!(items
        .iter()
        .all(|i| i.key.as_deref() == Some("K") && i.time == Some(TimeValue::Text("2026-11-22T00:00:00Z".into()))));
}

#[test]
fn array_carries_a_key_per_item() {
    let items = parse(
        Endpoint::Array,
        br#"[{"intake_key":"A","json":"x"},{"intake_key":"B","json":"y","@timestamp":1.5}]"#,
        None,
    )
    .expect("ok");
    assert_eq!(items[0].key.as_deref(), Some("A"));
    assert_eq!(items[1].key.as_deref(), Some("B"));
    assert_eq!(items[1].time, Some(TimeValue::Float(1.5)));
    let e = parse(Endpoint::Array, br#"[{"json":"x"},{"intake_key":"B"}]"#, None).expect_err("item 1");
    assert_eq!(
        e,
        ApiError::BadRequest("item 1: missing field `json` (the event)".into())
    );
}

#[test]
fn plain_strips_one_trailing_newline() {
    assert_eq!(
        raws(&parse(Endpoint::Plain, b"hello\r\n", None).expect("ok")),
        vec!["hello"]
    );
    assert_eq!(
        raws(&parse(Endpoint::Plain, b"a\nb\n", None).expect("ok")),
        vec!["a\nb"]
    );
    assert!(parse(Endpoint::Plain, b"\n", None).is_err());
}

#[test]
fn plain_batch_splits_lines_and_skips_empty_ones() {
    let items = parse(Endpoint::PlainBatch, b"one\r\ntwo\n\n\r\nthree", None).expect("ok");
    assert_eq!(raws(&items), vec!["one", "two", "three"]);
    let e = parse(Endpoint::PlainBatch, b"ok\n\xff\xfe", None).expect_err("not utf-8");
    assert_eq!(
        e,
        ApiError::BadRequest("the body is not valid UTF-8 (first bad byte at offset 3)".into())
    );
}

#[test]
fn jsons_takes_strings_and_objects() {
    let items = parse(Endpoint::Jsons, br#"["a",{"b":1},2]"#, None).expect("ok");
    assert_eq!(raws(&items), vec!["a", r#"{"b":1}"#, "2"]);
    assert!(parse(Endpoint::Jsons, br#"{"a":[]}"#, None).is_err());
    assert!(parse(Endpoint::Jsons, br#"[null]"#, None).is_err());
}

#[test]
fn jsons_path_selects_a_nested_array() {
    let body = br#"{"data":{"items":[{"x":1},{"x":2}]},"list":[{"deep":["q"]}]}"#;
    assert_eq!(
        raws(&parse(Endpoint::Jsons, body, Some("$.data.items")).expect("ok")),
        vec![r#"{"x":1}"#, r#"{"x":2}"#]
    );
    assert_eq!(
        raws(&parse(Endpoint::Jsons, body, Some("$.list[0].deep")).expect("ok")),
        vec!["q"]
    );
    assert_eq!(
        raws(&parse(Endpoint::Jsons, body, Some("$['data']['items']")).expect("ok")).len(),
        2
    );
    let e = parse(Endpoint::Jsons, body, Some("$.missing")).expect_err("nothing");
    assert_eq!(
        e,
        ApiError::BadRequest("path \"$.missing\" selects nothing in the body".into())
    );
    assert!(parse(Endpoint::Jsons, body, Some("data")).is_err());
    assert!(parse(Endpoint::Jsons, body, Some("$.data")).is_err());
}
