use super::*;

fn accepts(text: &str) -> bool {
    clean(text.as_bytes(), [b"@timestamp".as_slice()]).is_some()
}

/// Whether serde_json reads `text` as one valid JSON object.
fn serde_accepts(text: &str) -> bool {
    matches!(
        serde_json::from_str::<serde_json::Value>(text),
        Ok(serde_json::Value::Object(_))
    )
}

#[test]
fn valid_nested_documents_are_kept() {
    for text in [
        "{}",
        " { } ",
        r#"{"a":1}"#,
        r#"{"@timestamp":"2026-01-01T00:00:00Z","a":{"b":[1,2.5,-3e+7,0,-0.0,1E2],"c":true,"d":false,"e":null},"f":[],"g":[[]],"h":{},"i":"q\"\\\/\b\f\n\r\t é"}"#,
        "{\n  \"a\" : [ 1 , { \"b\" : 2 } ] ,\n  \"c\" : \"x\"\n}\n",
        // Keys in any order, none twice, at every level (senders' JSON).
        r#"{"b":1,"a":{"z":[{"y":1,"x":2}],"c":3},"c":[{"b":1},{"b":2}]}"#,
        r#"{"a":{"b":{"a":1},"a":{"b":2}},"b":{"a":1}}"#,
    ] {
        assert!(accepts(text), "{text}");
        assert!(serde_accepts(text), "{text}");
    }
    let time = [b"@timestamp".as_slice()];
    assert_eq!(clean(br#"{"@timestamp":"t","a":1}"#, time), Some([Some(14..17)]));
    assert_eq!(clean(br#"{"@timestamp" : null }"#, time), Some([Some(16..20)]));
    assert_eq!(clean(br#"{"a":{"@timestamp":1}}"#, time), Some([None]));
    let two = [b"@timestamp".as_slice(), b"timestamp"];
    assert_eq!(
        clean(br#"{"timestamp":1,"@timestamp":2}"#, two),
        Some([Some(28..29), Some(13..14)])
    );
    assert_eq!(clean(br#"{"b":{"timestamp":1},"a":2}"#, two), Some([None, None]));
}

#[test]
fn what_needs_a_closer_look_is_declined() {
    for text in [
        r#"{"a.b":1}"#,
        r#"{"a":{"b.c":1}}"#,
        r#"{"a":1,"a":2}"#,
        r#"{"b":1,"a":2,"b":3}"#,
        r#"{"c":{"b":1,"a":2,"a":3}}"#,
        r#"{"":1}"#,
        r#"{"a\"b":1}"#,
        r#"{"a":"\u00e9"}"#,
        r#"{"@timestamp":{"x":1}}"#,
        r#"[1]"#,
        r#""s""#,
    ] {
        assert!(!accepts(text), "{text}");
    }
    // Numbers serde_json could find out of range.
    assert!(!accepts(r#"{"a":1e400}"#));
    assert!(!accepts(&format!(r#"{{"a":{}}}"#, "9".repeat(400))));
    assert!(accepts(r#"{"a":1.5e99}"#));
    // Out of order: each key is compared with its siblings, up to a bound.
    let unordered = |n: usize| {
        let members: Vec<String> = (0..n).rev().map(|i| format!(r#""k{i:03}":{i}"#)).collect();
        format!("{{{}}}", members.join(","))
    };
    assert!(accepts(&unordered(MAX_UNORDERED_KEYS)));
    assert!(!accepts(&unordered(MAX_UNORDERED_KEYS + 1)));
    assert!(serde_accepts(&unordered(MAX_UNORDERED_KEYS + 1)));
    let deep = format!("{}{}{}", r#"{"a":"#.repeat(200), "1", "}".repeat(200));
    assert!(!accepts(&deep));
}

#[test]
fn invalid_json_is_declined() {
    for text in [
        "",
        "{",
        "}",
        "{]",
        r#"{"a"}"#,
        r#"{"a":}"#,
        r#"{"a":1,}"#,
        r#"{,"a":1}"#,
        r#"{"a":1 "b":2}"#,
        r#"{"a":[1,]}"#,
        r#"{"a":[,1]}"#,
        r#"{"a":[1 2]}"#,
        r#"{"a":01}"#,
        r#"{"a":1.}"#,
        r#"{"a":.5}"#,
        r#"{"a":1e}"#,
        r#"{"a":-}"#,
        r#"{"a":+1}"#,
        r#"{"a":tru}"#,
        r#"{"a":nul}"#,
        r#"{"a":"x}"#,
        "{\"a\":\"tab\there\"}",
        r#"{"a":"\x"}"#,
        r#"{"a":1} x"#,
        r#"{"a":1}}"#,
        r#"{"a":[}"#,
        r#"{"a":{"b":1]}"#,
        r#"{"a":NaN}"#,
        r#"{'a':1}"#,
    ] {
        assert!(!accepts(text), "{text:?}");
    }
}

/// Mutations of valid documents (a byte dropped, doubled or replaced by a JSON character):
/// whatever the scanner keeps, serde_json reads as a valid object.
#[test]
fn never_keeps_what_serde_json_rejects() {
    let seeds = [
        r#"{"@timestamp":"2026-01-01T00:00:00Z","client":{"ip":"10.2.74.229"},"event":{"category":["network"],"duration":11248000,"kind":"event"},"message":"a \"b\" c\\d","n":[1,-2.5e-3,{"x":null}],"t":true}"#,
        r#"{"a":[[],{}],"b":{"c":[1,2,[3]]},"d":"é\n"}"#,
    ];
    let alphabet = b"{}[]:,\"\\ .-+eE0123456789tfnaul/";
    let mut kept = 0;
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for seed in seeds {
        let bytes = seed.as_bytes();
        for _ in 0..20_000 {
            let at = (next() % bytes.len() as u64) as usize;
            let mut m = bytes.to_vec();
            match next() % 3 {
                0 => {
                    m.remove(at);
                }
                1 => m.insert(at, bytes[at]),
                _ => m[at] = alphabet[(next() % alphabet.len() as u64) as usize],
            }
            let Ok(text) = String::from_utf8(m) else { continue };
            if accepts(&text) {
                kept += 1;
                assert!(serde_accepts(&text), "kept invalid JSON: {text}");
            }
        }
    }
    assert!(kept > 100, "the mutations should leave some valid documents ({kept})");
}

/// The writer's escaping (which runs on [`plain_run`]) is serde_json's, byte for byte.
#[test]
fn strings_are_written_as_serde_json_writes_them() {
    let mut samples: Vec<String> = (0u8..0x80)
        .map(|b| format!("ab{}cdefghij{}", b as char, b as char))
        .collect();
    samples.extend(
        [
            "",
            "plain text longer than eight bytes",
            "[SEKOIA@53288 intake_key=\"k\"] \\ end",
            "é\u{1}ü\u{7f}\u{2028}\t\n\r\"",
            "0123456\"",
            "01234567\"",
            "012345678\\",
        ]
        .map(str::to_string),
    );
    for s in &samples {
        let mut ours = String::new();
        crate::nest::write::write_str(s, &mut ours);
        assert_eq!(ours, serde_json::to_string(s).expect("serializable"), "{s:?}");
        let plain = super::plain_run(s.as_bytes());
        let expected = s.bytes().take_while(|&b| b >= 0x20 && b != b'"' && b != b'\\').count();
        assert_eq!(plain, expected, "{s:?}");
        // The comparison without writing: the written text and more, not another string's.
        let written_len = crate::nest::write::written_str_len;
        let followed = format!("{ours},\"next\":1");
        assert_eq!(written_len(followed.as_bytes(), s), Some(ours.len()), "{s:?}");
        assert_eq!(written_len(&ours.as_bytes()[..ours.len() - 1], s), None, "{s:?}");
        assert_eq!(
            written_len(format!("{ours}x").as_bytes(), &format!("{s}x")),
            None,
            "{s:?}"
        );
        if !s.is_empty() {
            assert_eq!(written_len(followed.as_bytes(), &s[..s.len() - 1]), None, "{s:?}");
        }
    }
    assert_eq!(crate::nest::write::written_str_len(br#""a\"b""#, "a\"b"), Some(6));
    assert_eq!(crate::nest::write::written_str_len(br#""a\u0022b""#, "a\"b"), None);
    assert_eq!(crate::nest::write::written_str_len(br#"x"a""#, "a"), None);
}
