use super::*;
use crate::json;

#[test]
fn parses_combined_and_common() {
    let line = parse_access_line(
        r#"192.0.2.10 - alice [22/Nov/2026:22:44:57 +0100] "GET /a\"b HTTP/1.1" 200 1234 "-" "curl/8.5.0" "203.0.113.9""#,
    )
    .expect("valid test input");
    assert_eq!(line.client, "192.0.2.10");
    assert_eq!(line.user, "alice");
    assert_eq!(line.time, "22/Nov/2026:22:44:57 +0100");
    assert_eq!(line.request, "GET /a\"b HTTP/1.1");
    assert_eq!(line.referrer.as_deref(), Some("-"));
    assert_eq!(line.user_agent.as_deref(), Some("curl/8.5.0"));
    let common = parse_access_line(r#"::1 - - [22/Nov/2026:22:44:57 +0000] "-" 408 - "#).expect("valid test input");
    assert_eq!((common.status, common.bytes, common.referrer), ("408", "-", None));
}

#[test]
fn rejects_what_is_not_an_access_line() {
    assert_eq!(parse_access_line(""), Err("missing client address".into()));
    assert_eq!(parse_access_line("hello world"), Err("missing user".into()));
    assert_eq!(parse_access_line("a b c d"), Err("expected [time]".into()));
    assert_eq!(parse_access_line("a b c [d"), Err("unterminated [time]".into()));
    assert_eq!(
        parse_access_line(r#"a - - [t] "GET /" abc 1"#),
        Err(r#"invalid status "abc""#.into())
    );
    assert_eq!(
        parse_access_line(r#"a - - [t] "GET /" 200 1k"#),
        Err(r#"invalid byte count "1k""#.into())
    );
    assert_eq!(
        parse_access_line(r#"a - - [t] GET / 200 1"#),
        Err("expected quoted request".into())
    );
}

#[test]
fn truncated_lines_keep_what_they_have() {
    let line = parse_access_line(r#"a - - [t] "GET /very/long/pa"#).expect("valid test input");
    assert_eq!(
        (line.request.as_str(), line.status, line.truncated),
        ("GET /very/long/pa", "", true)
    );
    let line = parse_access_line(r#"a - - [t] "GET / HTTP/1.1" 200 1 "https://r/" "Mozilla/5.0 (Win"#)
        .expect("valid test input");
    assert_eq!(line.user_agent.as_deref(), Some("Mozilla/5.0 (Win"));
    assert!(line.truncated);
    let line = parse_access_line(r#"a - - [t] "GET / HTTP/1.1" 200 1 "https://r/""#).expect("valid test input");
    assert_eq!(
        (line.referrer.as_deref(), line.user_agent, line.truncated),
        (Some("https://r/"), None, true)
    );
    let line = parse_access_line("a - - [t]").expect("valid test input");
    assert_eq!((line.request.as_str(), line.truncated), ("", true));
    let line = parse_access_line(r#"a - - [t] "GET /" 200 1"#).expect("valid test input");
    assert!(!line.truncated);
}

#[test]
fn extras_after_the_user_agent() {
    let line = parse_access_line(
        r#"a - - [t] "GET /" 200 1 "-" "curl/8" 0.012 "203.0.113.9, 10.0.0.1" rt=0.5 urt="0.1, 0.2" [up-stream] 1234"#,
    )
    .expect("valid test input");
    let extra = |key: Option<&'static str>, value: &str, form: ExtraForm| Extra {
        key,
        value: value.to_owned(),
        form,
    };
    let (bare, quoted) = (ExtraForm::Bare, ExtraForm::Quoted);
    assert_eq!(
        line.extras,
        vec![
            extra(None, "0.012", bare),
            extra(None, "203.0.113.9, 10.0.0.1", quoted),
            extra(Some("rt"), "0.5", bare),
            extra(Some("urt"), "0.1, 0.2", quoted),
            extra(None, "up-stream", ExtraForm::Bracketed),
            extra(None, "1234", bare),
        ]
    );
    // The common format followed by a number (`%D`) has no referrer.
    let line = parse_access_line(r#"a - - [t] "GET /" 200 1 5230"#).expect("valid test input");
    assert_eq!((line.referrer, line.extras), (None, vec![extra(None, "5230", bare)]));
}

#[test]
fn virtual_hosts_first() {
    let vhost = |line: &'static str| parse_vhost_access_line(line).map(|(host, l)| (host, l.client));
    assert_eq!(vhost(r#"192.0.2.1 - - [t] "GET /" 200 1"#), Ok((None, "192.0.2.1")));
    assert_eq!(
        vhost(r#"www.example.org:443 192.0.2.1 - - [t] "GET /" 200 1"#),
        Ok((Some("www.example.org:443"), "192.0.2.1"))
    );
    assert_eq!(
        vhost(r#"shop.example.com 2001:db8::1 - - [t] "GET /" 200 1"#),
        Ok((Some("shop.example.com"), "2001:db8::1"))
    );
    assert_eq!(vhost("192.0.2.1 hello world"), Err("expected [time]".into()));
}

#[test]
fn forwarded_for_lists() {
    let mut fields = Fields::new();
    let mut related = Related::new();
    assert!(forwarded_for_fields(
        "203.0.113.9, 2001:db8::2",
        &mut fields,
        &mut related
    ));
    related.insert_into(&mut fields);
    assert_eq!(
        Value::Object(fields),
        json!({"network.forwarded_ip": "203.0.113.9", "related.ip": ["2001:db8::2", "203.0.113.9"]})
    );
    for not in ["-", "", "unknown", "203.0.113.9, x"] {
        assert!(
            !forwarded_for_fields(not, &mut Fields::new(), &mut Related::new()),
            "{not}"
        );
    }
}

#[test]
fn quoted_extras_are_addresses_or_hosts() {
    let run = |value: &str| {
        let mut fields = Fields::new();
        let mut related = Related::new();
        forwarded_for_or_host_fields(value, &mut fields, &mut related);
        related.insert_into(&mut fields);
        Value::Object(fields)
    };
    assert_eq!(
        run("198.51.100.2"),
        json!({"network.forwarded_ip": "198.51.100.2", "related.ip": ["198.51.100.2"]})
    );
    assert_eq!(
        run("www.example.org:8443"),
        json!({"url.domain": "www.example.org", "url.port": 8443, "url.registered_domain": "example.org",
               "url.subdomain": "www", "url.top_level_domain": "org", "related.hosts": ["www.example.org"]})
    );
    for nothing in ["-", "", "hello world", "localhost", "-x.example", "a/b.c"] {
        assert_eq!(run(nothing), json!({}), "{nothing}");
    }
}

#[test]
fn clf_times_in_rfc3339() {
    assert_eq!(
        clf_time_to_rfc3339("22/Nov/2026:22:44:57 +0100").as_deref(),
        Some("2026-11-22T22:44:57+01:00")
    );
    assert_eq!(
        clf_time_to_rfc3339("01/Jan/2000:00:00:00.123 -0700").as_deref(),
        Some("2000-01-01T00:00:00.123-07:00")
    );
    for not in [
        "",
        "22/Nov/2026:22:44:57",
        "22/Foo/2026:22:44:57 +0100",
        "2/Nov/2026:22:44:57 +0100",
        "22/Nov/2026:22:44:5x +0100",
        "22/Nov/2026:22:44:57 0100",
        "22/Nov/2026:22:44:57. +0100",
    ] {
        assert_eq!(clf_time_to_rfc3339(not), None, "{not}");
    }
}

#[test]
fn seconds_as_nanos() {
    assert_eq!(seconds_to_nanos("0.125"), Some(125_000_000));
    assert_eq!(seconds_to_nanos("12"), Some(12_000_000_000));
    assert_eq!(seconds_to_nanos("1.0000000019"), Some(1_000_000_001));
    assert_eq!(seconds_to_nanos("-1"), None);
    assert_eq!(seconds_to_nanos("."), None);
    assert_eq!(seconds_to_nanos("0.1, 0.2"), None);
}

#[test]
fn maps_requests_and_urls() {
    let run = |request: &str| {
        let mut fields = Fields::new();
        let mut related = Related::new();
        let ok = request_fields(request, &mut fields, &mut related);
        related.insert_into(&mut fields);
        (ok, Value::Object(fields))
    };
    assert_eq!(
        run("GET /p/a.tar.gz?q=1&r=2#top HTTP/2.0"),
        (
            true,
            json!({"http.request.method": "GET", "url.original": "/p/a.tar.gz?q=1&r=2#top", "url.path": "/p/a.tar.gz", "url.extension": "gz",
                   "url.query": "q=1&r=2", "url.fragment": "top", "http.version": "2.0"})
        )
    );
    assert_eq!(
        run("GET http://www.Example.com:8080/x? HTTP/1.1"),
        (
            true,
            json!({"http.request.method": "GET", "url.original": "http://www.Example.com:8080/x?",
                   "url.scheme": "http", "url.domain": "www.Example.com", "url.port": 8080, "url.path": "/x",
                   "url.registered_domain": "example.com", "url.subdomain": "www", "url.top_level_domain": "com",
                   "http.version": "1.1", "related.hosts": ["www.example.com"]})
        )
    );
    assert_eq!(
        run("CONNECT example.org:443 HTTP/1.1"),
        (
            true,
            json!({"http.request.method": "CONNECT", "url.original": "example.org:443", "http.version": "1.1"})
        )
    );
    assert_eq!(
        run("GET /"),
        (
            true,
            json!({"http.request.method": "GET", "url.original": "/", "url.path": "/"})
        )
    );
    assert_eq!(
        run("GET /a b HTTP/1.0"),
        (
            true,
            json!({"http.request.method": "GET", "url.original": "/a b", "url.path": "/a b", "http.version": "1.0"})
        )
    );
    for bad in [
        "-",
        "\\x16\\x03\\x01\\x02\\x00\\x01\\x00",
        "get / HTTP/1.1",
        "GET / FTP/1",
        "GET / HTTP/1.1 x",
        "GET",
        "GET  HTTP/1.1",
    ] {
        assert_eq!(run(bad), (false, json!({})), "{bad}");
    }
}

#[test]
fn maps_hosts() {
    let run = |host: &str| {
        let mut fields = Fields::new();
        let mut related = Related::new();
        host_fields(host, &mut fields, &mut related);
        related.insert_into(&mut fields);
        Value::Object(fields)
    };
    assert_eq!(
        run("[2001:db8::1]:443"),
        json!({"url.domain": "2001:db8::1", "url.port": 443, "related.ip": ["2001:db8::1"]})
    );
    assert_eq!(
        run("2001:db8::1"),
        json!({"url.domain": "2001:db8::1", "related.ip": ["2001:db8::1"]})
    );
    assert_eq!(
        run("localhost"),
        json!({"url.domain": "localhost", "related.hosts": ["localhost"]})
    );
    assert_eq!(run("-"), json!({}));
}
