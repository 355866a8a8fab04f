//! Every error, with its exact text.

use super::*;

#[test]
fn invalid_inputs_give_exact_errors() {
    let header = |s: &str| ParseError::Header(s.to_owned());
    let sd = |s: &str| ParseError::StructuredData(s.to_owned());
    let pri = |s: &str| ParseError::Pri(s.to_owned());
    let ts = |v: &str, r: &str| ParseError::Timestamp {
        value: v.to_owned(),
        reason: r.to_owned(),
    };
    let cases: Vec<(&str, ParseError)> = vec![
        ("", ParseError::Empty),
        ("\n", ParseError::Empty),
        ("\r\n", ParseError::Empty),
        ("\0", ParseError::Empty),
        // PRI
        ("<", pri("expected a digit after '<', found end of input")),
        ("<>x", pri("expected a digit after '<', found '>'")),
        ("<html>", pri("expected a digit after '<', found 'h'")),
        ("<é>", pri("expected a digit after '<', found 'é'")),
        ("<13", pri("expected '>' after \"<13\"")),
        ("<13 x", pri("expected '>' after \"<13\"")),
        ("<1000>1 - - - - - -", pri("\"<1000...\" has more than 3 digits")),
        ("<0013>x", pri("\"<0013...\" has more than 3 digits")),
        ("<192>1 - - - - - -", pri("<192> is above 191")),
        ("<999>x", pri("<999> is above 191")),
        // TIMESTAMP
        (
            "<13>1 2026-11-23 00:00:00Z h a - - -",
            ts("2026-11-23", "expected 'T' at byte 10"),
        ),
        (
            "<13>1 26-11-23T00:00:00Z h a - - -",
            ts("26-11-23T00:00:00Z", "expected 4-digit year at byte 0"),
        ),
        (
            "<13>1 2026-11-23T0:00:00Z - - - - -",
            ts("2026-11-23T0:00:00Z", "expected 2-digit hour at byte 11"),
        ),
        (
            "<13>1 2026-11-23T00:00:00.Z - - - - -",
            ts("2026-11-23T00:00:00.Z", "expected 1 to 9 fractional digits, found 0"),
        ),
        (
            "<13>1 2026-11-23T00:00:00.1234567890Z - - - - -",
            ts(
                "2026-11-23T00:00:00.1234567890Z",
                "expected 1 to 9 fractional digits, found 10",
            ),
        ),
        (
            "<13>1 2026-02-29T00:00:00Z - - - - -",
            ts("2026-02-29T00:00:00Z", "2026-02-29 is not a date"),
        ),
        (
            "<13>1 2026-11-23T24:00:00Z - - - - -",
            ts("2026-11-23T24:00:00Z", "time 24:00:00 is out of range"),
        ),
        (
            "<13>1 2026-11-23T00:00:61Z - - - - -",
            ts("2026-11-23T00:00:61Z", "time 00:00:61 is out of range"),
        ),
        (
            "<13>1 2026-11-23T00:00:00+0100 - - - - -",
            ts("2026-11-23T00:00:00+0100", "expected ':' in the offset at byte 22"),
        ),
        (
            "<13>1 2026-11-23T00:00:00+01:60 - - - - -",
            ts("2026-11-23T00:00:00+01:60", "offset 01:60 is out of range"),
        ),
        (
            "<13>1 2026-11-23T00:00:00Zjunk - - - - -",
            ts(
                "2026-11-23T00:00:00Zjunk",
                "unexpected text after the offset at byte 20",
            ),
        ),
        (
            "<13>1 2026-11-23T00:00:00GMT - - - - -",
            ts(
                "2026-11-23T00:00:00GMT",
                "expected 'Z', '+hh:mm' or '-hh:mm' at byte 19",
            ),
        ),
        ("<13>1 hello world", ts("hello", "expected 4-digit year at byte 0")),
        ("<13>1 ", ts("", "empty TIMESTAMP (two spaces in a row?)")),
        ("<13>1  - - - - -", ts("", "empty TIMESTAMP (two spaces in a row?)")),
        // Header fields
        ("<13>1 -", header("missing HOSTNAME: the header ends before it")),
        ("<13>1 - host", header("missing APP-NAME: the header ends before it")),
        (
            "<13>1 - host app pid",
            header("missing MSGID: the header ends before it"),
        ),
        (
            "<13>1 -  host app - - -",
            header("empty HOSTNAME (two spaces in a row?)"),
        ),
        ("<13>1 - host app  - - -", header("empty PROCID (two spaces in a row?)")),
        (
            "<13>1 - hé app - - -",
            header("HOSTNAME \"hé\" contains 'é', not printable US-ASCII"),
        ),
        (
            "<13>1 - h a\tb - - -",
            header("APP-NAME \"a\\tb\" contains '\\t', not printable US-ASCII"),
        ),
        // STRUCTURED-DATA
        ("<13>1 - - - - - x", sd("expected '-' or '[' after MSGID, found 'x'")),
        ("<13>1 - - - - -  x", sd("expected '-' or '[' after MSGID, found ' '")),
        (
            "<13>1 - - - - - -x",
            sd("expected SP or end of message after STRUCTURED-DATA, found 'x'"),
        ),
        (
            "<13>1 - - - - - [a@1]x",
            sd("expected SP or end of message after STRUCTURED-DATA, found 'x'"),
        ),
        (
            "<13>1 - - - - - [a@1",
            sd("unterminated SD element [a@1: missing ']' at the end of the message"),
        ),
        (
            "<13>1 - - - - - [a@1 x=\"1\"",
            sd("unterminated SD element [a@1: missing ']' at the end of the message"),
        ),
        (
            "<13>1 - - - - - [a@1 x=\"1] msg",
            sd("unterminated PARAM-VALUE of \"x\" in SD element [a@1: missing closing '\"'"),
        ),
        (
            "<13>1 - - - - - [a@1 x=\"1\\\"]",
            sd("unterminated PARAM-VALUE of \"x\" in SD element [a@1: missing closing '\"'"),
        ),
        (
            "<13>1 - - - - - [a@1 x=1]",
            sd("expected '\"' after \"x=\" in SD element [a@1, found '1'"),
        ),
        (
            "<13>1 - - - - - [a@1 x]",
            sd("expected '=' after PARAM-NAME \"x\" in SD element [a@1, found ']'"),
        ),
        (
            "<13>1 - - - - - [a@1 x",
            sd("expected '=' after PARAM-NAME \"x\" in SD element [a@1, found end of message"),
        ),
        (
            "<13>1 - - - - - [a@1 =\"1\"]",
            sd("expected PARAM-NAME in SD element [a@1, found '='"),
        ),
        (
            "<13>1 - - - - - [a@1 x=\"1\"y=\"2\"]",
            sd("expected SP or ']' in SD element [a@1, found 'y'"),
        ),
        (
            "<13>1 - - - - - [a\"b]",
            sd("expected SP or ']' in SD element [a, found '\"'"),
        ),
        ("<13>1 - - - - - []", sd("expected SD-ID after '[', found ']'")),
        ("<13>1 - - - - - [ a]", sd("expected SD-ID after '[', found ' '")),
        ("<13>1 - - - - - [é]", sd("expected SD-ID after '[', found 'é'")),
        (
            "<13>1 - - - - - [",
            sd("expected SD-ID after '[', found end of message"),
        ),
        (
            "<13>1 - - - - - [abcdefghijabcdefghijabcdefghij@12]",
            sd("SD-ID \"abcdefghijabcdefghijabcdefghij@12\" is longer than 32 characters"),
        ),
        (
            "<13>1 - - - - - [a@1 abcdefghijabcdefghijabcdefghijklm=\"v\"]",
            sd("PARAM-NAME \"abcdefghijabcdefghijabcdefghijklm\" is longer than 32 characters"),
        ),
    ];
    for (line, want) in cases {
        assert_eq!(parse(line), Err(want), "{line:?}");
    }
}

#[test]
fn error_messages_display() {
    let cases: &[(&str, &str)] = &[
        ("", "empty message"),
        ("<192>x", "invalid PRI: <192> is above 191"),
        (
            "<13>1 - h",
            "invalid RFC 5424 header: missing APP-NAME: the header ends before it",
        ),
        (
            "<13>1 2026-11-23 - - - - -",
            "invalid RFC 5424 timestamp \"2026-11-23\": expected 'T' at byte 10",
        ),
        (
            "<13>1 - - - - - [a",
            "invalid structured data: unterminated SD element [a: missing ']' at the end of the message",
        ),
    ];
    for (line, want) in cases {
        let e = parse(line).expect_err("invalid");
        assert_eq!(e.to_string(), *want);
    }
}
