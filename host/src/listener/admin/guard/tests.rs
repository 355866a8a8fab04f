use super::*;
use crate::config::Config;
use std::path::Path;

/// The admin settings of a file whose `[admin]` table holds `lines`.
fn settings(lines: &str) -> AdminSettings {
    let text = format!("[admin]\n{lines}\n");
    Config::parse(&text, Path::new("/etc/edge/intakes.toml"))
        .expect("valid admin settings")
        .admin
}

fn loopback() -> AdminSettings {
    settings(r#"listen = "127.0.0.1:8444""#)
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (name, value) in pairs {
        h.append(*name, HeaderValue::from_str(value).expect("valid header value"));
    }
    h
}

fn host(value: &str, s: &AdminSettings) -> Result<Option<Authority>, Refusal> {
    check_host(
        Version::HTTP_11,
        &Uri::from_static("/"),
        &headers(&[("host", value)]),
        s,
    )
}

#[test]
fn loopback_names_pass_with_or_without_a_port() {
    let s = loopback();
    for ok in [
        "localhost",
        "localhost:8444",
        "LOCALHOST.:8444",
        "127.0.0.1",
        "127.0.0.1:8444",
        "127.1.2.3:9",
        "[::1]",
        "[::1]:8444",
    ] {
        assert!(host(ok, &s).is_ok(), "{ok} refused");
    }
}

#[test]
fn other_names_are_misdirected() {
    let s = loopback();
    for bad in [
        "evil.example",
        "evil.example:8444",
        "localhost.evil.example",
        "10.0.0.5:8444",
    ] {
        let refusal = host(bad, &s).expect_err(bad);
        assert_eq!(refusal, Refusal::UnknownHost(bad.into()));
        assert_eq!(refusal.status(), StatusCode::MISDIRECTED_REQUEST);
    }
    for malformed in [
        "",
        "::1",
        "a:b:c",
        "user@localhost",
        "localhost:+80",
        "localhost:99999",
        "[::1",
    ] {
        let refusal = host(malformed, &s).expect_err(malformed);
        assert_eq!(
            (refusal.clone(), refusal.status()),
            (Refusal::BadHost, StatusCode::BAD_REQUEST)
        );
    }
}

#[test]
fn a_missing_or_repeated_host_is_a_bad_request() {
    let s = loopback();
    let uri = Uri::from_static("/");
    let none = HeaderMap::new();
    assert_eq!(check_host(Version::HTTP_11, &uri, &none, &s), Err(Refusal::MissingHost));
    assert_eq!(check_host(Version::HTTP_10, &uri, &none, &s), Ok(None));
    let two = headers(&[("host", "localhost"), ("host", "evil.example")]);
    assert_eq!(
        check_host(Version::HTTP_11, &uri, &two, &s),
        Err(Refusal::DuplicateHost)
    );
}

#[test]
fn an_absolute_uri_wins_over_the_host_header() {
    let s = loopback();
    let h = headers(&[("host", "localhost")]);
    let uri: Uri = "http://evil.example/api/intakes".parse().expect("uri");
    assert!(matches!(
        check_host(Version::HTTP_11, &uri, &h, &s),
        Err(Refusal::UnknownHost(n)) if n == "evil.example"
    ));
}

#[test]
fn the_listeners_own_address_and_configured_names_pass() {
    let s = settings(
        r#"listen = "10.0.0.5:8444"
token = "a-token-of-sixteen-chars"
allowed_hosts = ["admin.example", "proxy.example:443"]"#,
    );
    for ok in ["10.0.0.5:8444", "admin.example", "Admin.Example:9", "proxy.example:443"] {
        assert!(host(ok, &s).is_ok(), "{ok} refused");
    }
    for bad in ["10.0.0.6:8444", "proxy.example", "proxy.example:8444", "evil.example"] {
        assert!(matches!(host(bad, &s), Err(Refusal::UnknownHost(_))), "{bad} passed");
    }
    // On every interface: any address (it cannot be rebound), still no other name.
    let any = settings("listen = \"0.0.0.0:8444\"\ntoken = \"a-token-of-sixteen-chars\"");
    assert!(host("192.168.1.20:8444", &any).is_ok());
    assert!(host("evil.example", &any).is_err());
}

fn site(pairs: &[(&'static str, &str)], s: &AdminSettings) -> Result<(), Refusal> {
    let own = Authority::parse("127.0.0.1:8444");
    check_site(&headers(pairs), s, own.as_ref())
}

#[test]
fn cross_site_requests_are_forbidden() {
    let s = loopback();
    assert_eq!(site(&[], &s), Ok(()), "curl sends neither header");
    assert_eq!(site(&[("sec-fetch-site", "same-origin")], &s), Ok(()));
    assert_eq!(site(&[("sec-fetch-site", "none")], &s), Ok(()));
    assert_eq!(site(&[("origin", "http://127.0.0.1:8444")], &s), Ok(()));
    for fetch in ["cross-site", "same-site", "bogus"] {
        let refusal = site(&[("sec-fetch-site", fetch)], &s).expect_err(fetch);
        assert_eq!(
            (refusal.status(), refusal),
            (StatusCode::FORBIDDEN, Refusal::CrossSite(fetch.into()))
        );
    }
    for origin in [
        "http://evil.example",
        "http://evil.example:8444",
        // Another loopback origin (a local dev server's page) is another origin.
        "http://localhost:3000",
        "http://127.0.0.1:3000",
        "null",
        "file://",
        "http://127.0.0.1:8444/path",
    ] {
        let refusal = site(&[("origin", origin)], &s).expect_err(origin);
        assert_eq!(refusal, Refusal::CrossOrigin(origin.into()));
        assert_eq!(refusal.status(), StatusCode::FORBIDDEN);
    }
}

#[test]
fn a_configured_name_may_be_the_origin_behind_a_proxy() {
    let s = settings(r#"allowed_hosts = ["admin.example"]"#);
    assert_eq!(site(&[("origin", "https://admin.example")], &s), Ok(()));
    assert!(site(&[("origin", "https://evil.example")], &s).is_err());
    // No Host (HTTP/1.0): the origin must name this listener by itself.
    let h = headers(&[("origin", "http://localhost:8444")]);
    assert_eq!(check_site(&h, &s, None), Ok(()));
    let h = headers(&[("origin", "http://evil.example")]);
    assert!(check_site(&h, &s, None).is_err());
}

#[test]
fn the_token_is_checked_when_set() {
    let token = AdminToken::new("the-right-token-0123456789");
    let with = |v: &str| headers(&[("authorization", v)]);
    assert_eq!(check_token(&HeaderMap::new(), None), Ok(()));
    assert_eq!(check_token(&with("Bearer anything"), None), Ok(()));
    assert_eq!(
        check_token(&with("Bearer the-right-token-0123456789"), Some(&token)),
        Ok(())
    );
    for wrong in [
        "Bearer the-right-token-012345678",
        "Bearer the-right-token-01234567890",
        "Bearer ",
        "the-right-token-0123456789",
        "Basic dGhlLXJpZ2h0LXRva2Vu",
    ] {
        assert_eq!(check_token(&with(wrong), Some(&token)), Err(Refusal::Token), "{wrong}");
    }
    assert_eq!(check_token(&HeaderMap::new(), Some(&token)), Err(Refusal::Token));
    assert_eq!(Refusal::Token.status(), StatusCode::UNAUTHORIZED);
}

#[test]
fn the_token_cannot_print_itself() {
    let s = settings(r#"token = "the-right-token-0123456789""#);
    let shown = format!("{s:?}");
    assert!(!shown.contains("the-right-token"), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
}

#[test]
fn writes_must_be_json() {
    let json = |v: &str| headers(&[("content-type", v), ("content-length", "2")]);
    assert_eq!(check_json(&Method::POST, &json("application/json")), Ok(()));
    assert_eq!(
        check_json(&Method::POST, &json("Application/JSON; charset=utf-8")),
        Ok(())
    );
    for other in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
    ] {
        let refusal = check_json(&Method::POST, &json(other)).expect_err(other);
        assert_eq!(
            (refusal.status(), refusal),
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, Refusal::NotJson)
        );
    }
    assert_eq!(check_json(&Method::POST, &HeaderMap::new()), Err(Refusal::NotJson));
    // A GET or DELETE without a body needs no type; with one, it must be JSON.
    assert_eq!(check_json(&Method::GET, &HeaderMap::new()), Ok(()));
    assert_eq!(
        check_json(&Method::DELETE, &headers(&[("content-length", "0")])),
        Ok(())
    );
    let body = headers(&[("content-type", "text/plain"), ("content-length", "5")]);
    assert_eq!(check_json(&Method::DELETE, &body), Err(Refusal::NotJson));
    let chunked = headers(&[("transfer-encoding", "chunked")]);
    assert_eq!(check_json(&Method::PUT, &chunked), Err(Refusal::NotJson));
}
