use super::*;
use serde_json::json;

fn nested(text: &str) -> Result<String, NestError> {
    let document = Document::parse(text).expect("valid JSON object");
    if document.is_nested() {
        return Ok(text.to_string());
    }
    document.into_json()
}

#[test]
fn expands_dotted_keys_and_merges_with_objects() {
    assert_eq!(
        nested(r#"{"a.b.c":1,"a.b.d":2,"a.e":3,"f":4,"g.h.i.j":5,"g.k":6}"#),
        Ok(r#"{"a":{"b":{"c":1,"d":2},"e":3},"f":4,"g":{"h":{"i":{"j":5}},"k":6}}"#.into())
    );
    assert_eq!(
        nested(r#"{"@timestamp":"t","source.ip":"192.0.2.1","source.port":22,"user.name":"a"}"#),
        Ok(r#"{"@timestamp":"t","source":{"ip":"192.0.2.1","port":22},"user":{"name":"a"}}"#.into())
    );
    assert_eq!(
        nested(r#"{"log":{"syslog":{"hostname":"h"}},"log.level":"info","log.syslog.appname":"sshd"}"#),
        Ok(r#"{"log":{"level":"info","syslog":{"appname":"sshd","hostname":"h"}}}"#.into())
    );
    // Inside objects and arrays too, values kept as written.
    assert_eq!(
        nested(r#"{"a":{"b.c":[1,2.50,{"d.e":"\u00e9\n"}]},"x.y":[1, 2]}"#),
        Ok(r#"{"a":{"b":{"c":[1,2.5,{"d":{"e":"é\n"}}]}},"x":{"y":[1, 2]}}"#.into())
    );
}

#[test]
fn keeps_a_document_that_needs_nothing_as_it_is() {
    for text in [
        r#"{"message":"a.b","@timestamp":"2024-05-01T12:00:00Z","tags":["x.y"],"n":1.0}"#,
        r#"{"a":{"b":1,"c":{"d":[1,{"e":"f.g"}]}},"h":[{"i":null}]}"#,
        r#"{"a":{"c":1,"b":2}}"#,
    ] {
        assert!(Document::parse(text).expect("valid").is_nested(), "{text}");
    }
    for text in [
        r#"{"a.b":1}"#,
        r#"{"a":1,"a":1}"#,
        r#"{"a":{"b.c":1}}"#,
        r#"{"a":[{"b.c":1}]}"#,
        r#"{"a":{"b":1,"b":2}}"#,
        r#"{"a":{"c":1,"b":2,"c":3}}"#,
        r#"{"":1}"#,
        r#"{"a":{"":1}}"#,
    ] {
        assert!(!Document::parse(text).expect("valid").is_nested(), "{text}");
    }
}

#[test]
fn rejects_conflicts_naming_the_field() {
    let err = |text: &str| nested(text).expect_err("a conflict").to_string();
    assert_eq!(
        err(r#"{"source":"x","source.ip":"192.0.2.1"}"#),
        r#"conflicting fields: "source" is a value, and "source.ip" makes it an object"#
    );
    assert_eq!(
        err(r#"{"source.ip":"192.0.2.1","source":{"ip":"192.0.2.2"}}"#),
        r#"conflicting fields: "source.ip" is given twice"#
    );
    assert_eq!(err(r#"{"a":1,"a":2}"#), r#"conflicting fields: "a" is given twice"#);
    // In path order (one pass) or not (the general path), the same words.
    assert_eq!(
        err(r#"{"a.b":1,"a":2}"#),
        r#"conflicting fields: "a" is a value, and "a.b" makes it an object"#
    );
    assert_eq!(
        err(r#"{"a.b":1,"a.c":1,"a.b":2}"#),
        r#"conflicting fields: "a.b" is given twice"#
    );
    assert_eq!(
        err(r#"{"a.b":1,"a.b":2}"#),
        r#"conflicting fields: "a.b" is given twice"#
    );
    assert_eq!(
        err(r#"{"a":{"b":{"c":1}},"a.b":2}"#),
        r#"conflicting fields: "a.b" is a value, and "a.b.c" makes it an object"#
    );
    assert_eq!(
        err(r#"{"x":[{"a.b":1,"a":2}]}"#),
        r#"conflicting fields: "x.a" is a value, and "x.a.b" makes it an object"#
    );
    for (text, key) in [
        (r#"{"a..b":1}"#, "a..b"),
        (r#"{".a":1}"#, ".a"),
        (r#"{"a.":1}"#, "a."),
        (r#"{"":1}"#, ""),
    ] {
        assert_eq!(nested(text), Err(NestError::EmptyName { key: key.into() }), "{text}");
    }
    assert_eq!(
        nested(r#"{"o":{"a..b":1}}"#),
        Err(NestError::EmptyName { key: "o.a..b".into() })
    );
    let deep = format!("{{\"{}\":1}}", vec!["a"; MAX_DEPTH + 1].join("."));
    assert!(matches!(nested(&deep), Err(NestError::TooDeep { .. })));
    let limit = format!("{{\"{}\":1}}", vec!["a"; MAX_DEPTH].join("."));
    assert!(nested(&limit).is_ok());
}

#[test]
fn merges_objects_given_twice_and_sorts_unordered_keys() {
    assert_eq!(
        nested(r#"{"b":1,"a":{"x":1},"a":{"y":2},"a.z":3}"#),
        Ok(r#"{"a":{"x":1,"y":2,"z":3},"b":1}"#.into())
    );
    // `.` sorts first: `a-b` and `a0` are not in the way of `a`'s group.
    assert_eq!(
        nested(r#"{"a-b":1,"a.c":2,"a0":3,"a.b":4}"#),
        Ok(r#"{"a":{"b":4,"c":2},"a-b":1,"a0":3}"#.into())
    );
    // Escaped keys are read and written back escaped.
    assert_eq!(
        nested(r#"{"a\"q.b":1,"tab\t":{"k.\u0001":true}}"#),
        Ok(r#"{"a\"q":{"b":1},"tab\t":{"k":{"\u0001":true}}}"#.into())
    );
}

#[test]
fn set_replaces_or_puts_first() {
    let mut document = Document::parse(r#"{"a.b":1,"@timestamp":5}"#).expect("valid");
    assert_eq!(document.get("@timestamp"), Some("5"));
    document.set("@timestamp", "\"t\"");
    assert_eq!(document.into_json(), Ok(r#"{"@timestamp":"t","a":{"b":1}}"#.into()));
    let mut document = Document::parse(r#"{"a":1}"#).expect("valid");
    document.set("@timestamp", "\"t\"");
    assert_eq!(document.into_json(), Ok(r#"{"@timestamp":"t","a":1}"#.into()));
}

#[test]
fn refuses_what_is_not_an_object() {
    for text in ["[1]", "1", "\"s\"", "{", r#"{"a":1} x"#, ""] {
        assert!(Document::parse(text).is_err(), "{text}");
    }
}

#[test]
fn nests_values_for_comparisons() {
    assert_eq!(
        nest_value(json!({"source.ip": "x", "source": {"port": 1}, "n": 1.5})),
        Ok(json!({"source": {"ip": "x", "port": 1}, "n": 1.5}))
    );
    assert_eq!(nest_value(json!([{"a.b": 1}])), Ok(json!([{"a.b": 1}])));
    assert!(nest_value(json!({"a": 1, "a.b": 2})).is_err());
}

#[test]
fn objects_that_need_nothing_stay_on_the_one_pass_path_and_still_merge() {
    // The syslog format's shape: dotted scalars and one clean object, sorted.
    assert_eq!(
        nested(r#"{"log.syslog.hostname":"h","log.syslog.structured_data":{"x@1":{"k":"v"}},"message":"m"}"#)
            .expect("nests"),
        r#"{"log":{"syslog":{"hostname":"h","structured_data":{"x@1":{"k":"v"}}}},"message":"m"}"#
    );
    // An object value followed by a key below it merges (the general path), in either order.
    assert_eq!(
        nested(r#"{"a":{"b":1},"a.c":2}"#).expect("nests"),
        r#"{"a":{"b":1,"c":2}}"#
    );
    assert_eq!(
        nested(r#"{"a.c":2,"a":{"b":1}}"#).expect("nests"),
        r#"{"a":{"b":1,"c":2}}"#
    );
    // A scalar array followed by a key below it is still a conflict.
    assert!(matches!(
        nested(r#"{"a":[1],"a.b":2}"#),
        Err(NestError::ValueAndObject { .. })
    ));
}

#[test]
fn already_nested_documents_are_read_in_one_pass() {
    let doc = r#"{"@timestamp":"2026-01-01T00:00:00Z","event":{"category":["network"],"kind":"event"},"source":{"geo":{"name":"x"},"ip":"192.0.2.1"},"tags":[{"a":1},2]}"#;
    assert_eq!(
        already_nested(doc, "@timestamp"),
        Some(Some(r#""2026-01-01T00:00:00Z""#))
    );
    assert_eq!(already_nested(r#"{"message":"m"}"#, "@timestamp"), Some(None));
    assert_eq!(already_nested("{}", "@timestamp"), Some(None));
    // Keys in the sender's order, none twice: kept too.
    assert_eq!(
        already_nested(r#"{"b":1,"a":{"y":1,"x":2},"@timestamp":"t"}"#, "@timestamp"),
        Some(Some(r#""t""#))
    );
    assert_eq!(
        already_nested(r#" {"@timestamp":null} "#, "@timestamp"),
        Some(Some("null"))
    );
    // Everything that needs nesting or a closer look: the general path.
    for text in [
        r#"{"source.ip":"192.0.2.1"}"#,
        r#"{"source":{"ip.v4":"192.0.2.1"}}"#,
        r#"{"a":1,"a":2}"#,
        r#"{"a":{"y":1,"x":2,"y":3}}"#,
        r#"{"a":[{"b.c":1}]}"#,
        r#"{"":1}"#,
        r#"{"a":1"#,
        r#"{"a":1} x"#,
        r#"[1]"#,
    ] {
        assert_eq!(already_nested(text, "@timestamp"), None, "{text}");
    }
}

/// Found by the `component_output` fuzz target: serde_json reads an object whose first key is
/// its raw-value token as the JSON inside the string (or fails), so such a document would not
/// read back as it was stored. It is rejected, naming the field, at any level.
#[test]
fn serde_json_reserved_names_are_refused() {
    for text in [
        r#"{"$serde_json::private::RawValue":"fw0"}"#,
        r#"{"a":{"$serde_json::private::RawValue":"1"}}"#,
        r#"{"a.b":[{"$serde_json::private::Number":"1"}]}"#,
    ] {
        assert_eq!(already_nested(text, "@timestamp"), None, "{text}");
        let error = Document::parse(text).and_then(|d| {
            // Nested values are read when the document is nested.
            d.into_json().map_err(|e| serde::de::Error::custom(e.to_string()))
        });
        let message = error.expect_err("refused").to_string();
        assert!(message.contains("is reserved by the JSON reader"), "{text}: {message}");
    }
}
