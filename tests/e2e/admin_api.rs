//! The intakes JSON API of the admin listener, driven with curl: every endpoint, its errors, the
//! token, that an edit is in force (key accepted or refused) as soon as it is answered, and what a
//! hostile web page in a local browser gets (rebinding, cross-site requests, non-JSON writes).

use crate::admin::curl;
use crate::support::*;
use serde_json::Value;
use std::process::Command;

/// (status, body) of a curl request to the admin listener.
fn call(method: &str, url: &str, token: Option<&str>, body: Option<&str>) -> (u16, String) {
    let mut cmd = Command::new("curl");
    cmd.args(["-sS", "--max-time", "10", "-X", method, "-w", "\n%{http_code}", url]);
    if let Some(t) = token {
        cmd.args(["-H", &format!("Authorization: Bearer {t}")]);
    }
    if let Some(b) = body {
        cmd.args(["-H", "Content-Type: application/json", "--data-binary", b]);
    }
    let out = cmd.output().expect("run curl");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').expect("curl status line");
    (code.trim().parse().expect("status"), body.to_string())
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// Asserts the status and that the body is `{"error": ...}` containing `needle`.
fn expect_error((status, body): (u16, String), want: u16, needle: &str) {
    assert_eq!(status, want, "{body}");
    let v = json_of(&body);
    let message = v["error"].as_str().unwrap_or_else(|| panic!("no error: {body}"));
    assert!(message.contains(needle), "{message:?} lacks {needle:?}");
}

#[test]
fn list_show_events_and_formats() {
    let host = Host::start(&basic_config());
    let base = format!("http://{}", host.admin_addr());
    host.post("/plain/batch")
        .key(PLAIN_KEY)
        .body("a\nb\nc")
        .send()
        .expect(200);
    host.post("/plain/batch")
        .key(JSON_KEY)
        .body("not json")
        .send()
        .expect(200);

    let (status, body) = call("GET", &format!("{base}/api/intakes"), None, None);
    assert_eq!(status, 200, "{body}");
    let list = json_of(&body);
    let names: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|i| i["name"].as_str())
        .collect();
    assert_eq!(names, ["plain-a", "json-b", "other-c"]);
    assert!(
        !body.contains(PLAIN_KEY) && !body.contains("\"key\""),
        "keys listed: {body}"
    );
    let a = &list[0];
    assert_eq!(
        (a["format"].as_str(), a["entity"].as_str()),
        (Some("plain"), Some("ent-a"))
    );
    let daily = a["daily"].as_array().expect("daily");
    assert_eq!(daily.len(), 7);
    assert_eq!(daily[6]["events"], 3, "{body}");
    assert_eq!(a["events_7d"], 3);
    assert_eq!(a["errors_7d"], 0);
    let day = daily[6]["day"].as_str().expect("day");
    assert_eq!(day, chrono_like_today(), "{body}");
    assert_eq!(list[1]["errors_7d"], 1, "{body}");

    let (status, body) = call("GET", &format!("{base}/api/intakes/plain-a"), None, None);
    assert_eq!(status, 200, "{body}");
    let one = json_of(&body);
    assert_eq!(one["key"], PLAIN_KEY);
    assert_eq!(one["events_7d"], 3);
    expect_error(
        call("GET", &format!("{base}/api/intakes/nope"), None, None),
        404,
        "nope",
    );

    let (status, body) = call("GET", &format!("{base}/api/intakes/plain-a/events?limit=2"), None, None);
    assert_eq!(status, 200, "{body}");
    let events = json_of(&body);
    let raws: Vec<&str> = events
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|e| e["raw"].as_str())
        .collect();
    assert_eq!(raws, ["c", "b"], "newest first: {body}");
    assert_eq!(events[0]["status"], "ok");
    assert!(events[0]["normalized"].is_object(), "{body}");
    let (status, body) = call("GET", &format!("{base}/api/intakes/json-b/events?errors=1"), None, None);
    assert_eq!(status, 200, "{body}");
    let errors = json_of(&body);
    assert_eq!(errors.as_array().map(Vec::len), Some(1), "{body}");
    assert_eq!(errors[0]["status"], "error");
    assert_eq!(errors[0]["raw"], "not json");
    assert!(errors[0]["error"].as_str().is_some_and(|e| !e.is_empty()), "{body}");
    let (_, body) = call(
        "GET",
        &format!("{base}/api/intakes/plain-a/events?errors=1"),
        None,
        None,
    );
    assert_eq!(json_of(&body), serde_json::json!([]));
    expect_error(
        call("GET", &format!("{base}/api/intakes/plain-a/events?limit=0"), None, None),
        400,
        "limit",
    );
    expect_error(
        call("GET", &format!("{base}/api/intakes/nope/events"), None, None),
        404,
        "nope",
    );

    let (status, body) = call("GET", &format!("{base}/api/formats"), None, None);
    assert_eq!(status, 200, "{body}");
    let formats = json_of(&body);
    let names: Vec<&str> = formats
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    // The loaded formats first, then every other builtin (not compiled until an intake uses it).
    assert_eq!(names[..2], ["json", "plain"]);
    for builtin in ["nginx", "syslog", "paloalto", "okta", "m365"] {
        assert!(names.contains(&builtin), "{names:?}");
    }
    assert_eq!(names.len(), 19, "{names:?}");
    let loaded: Vec<bool> = formats
        .as_array()
        .expect("array")
        .iter()
        .map(|f| f["loaded"].as_bool().expect("loaded"))
        .collect();
    assert_eq!(loaded.iter().filter(|l| **l).count(), 2, "{loaded:?}");
    for f in formats.as_array().expect("array") {
        for field in ["component", "version", "description", "sample"] {
            assert!(f[field].as_str().is_some_and(|s| !s.is_empty()), "{field} of {f}");
        }
        assert!(f["categories"].is_array(), "{f}");
    }

    expect_error(
        call("PUT", &format!("{base}/api/intakes"), None, None),
        405,
        "GET, POST",
    );
    expect_error(
        call("POST", &format!("{base}/api/intakes/plain-a"), None, None),
        405,
        "GET, DELETE",
    );
    expect_error(call("POST", &format!("{base}/api/formats"), None, None), 405, "GET");
    expect_error(
        call("GET", &format!("{base}/api/nope"), None, None),
        404,
        "no such endpoint",
    );
}

/// Today (UTC) as `YYYY-MM-DD`, from `date`.
fn chrono_like_today() -> String {
    let out = Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .expect("run date");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn create_and_delete_apply_at_once() {
    let host = Host::start(&basic_config());
    let base = format!("http://{}", host.admin_addr());
    let url = format!("{base}/api/intakes");

    let (status, body) = call(
        "POST",
        &url,
        None,
        Some(r#"{"name":"new-d","format":"json","entity":"ent-d","created_by":"alice"}"#),
    );
    assert_eq!(status, 201, "{body}");
    let created = json_of(&body);
    let key = created["key"].as_str().expect("key").to_string();
    assert_eq!(key.len(), 32);
    assert_eq!(created["created_by"], "alice");
    assert!(
        created["created_at"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{body}"
    );
    // No waiting for the file watcher: the key works as soon as the answer is sent.
    host.post("/plain/batch")
        .key(&key)
        .body(r#"{"x":1}"#)
        .send()
        .expect(200);
    let text = std::fs::read_to_string(&host.config_path).expect("read the configuration");
    assert!(
        text.contains("name = \"new-d\"") && text.contains("created_by = \"alice\""),
        "{text}"
    );
    assert!(text.contains("[formats.plain]"), "{text}");
    let (_, body) = call("GET", &url, None, None);
    assert!(body.contains("\"new-d\""), "{body}");
    assert!(
        host.log().lines().iter().all(|l| !l.contains(&key)),
        "the key is in the log"
    );

    // Problems with the request.
    let post = |body: &str| call("POST", &url, None, Some(body));
    expect_error(
        post(r#"{"name":"new-d","format":"json","entity":"e"}"#),
        409,
        "already exists",
    );
    expect_error(
        post(r#"{"name":"bad name","format":"json","entity":"e"}"#),
        400,
        "invalid intake name",
    );
    expect_error(
        post(r#"{"name":"x","format":"nope","entity":"e"}"#),
        400,
        "unknown format \"nope\"",
    );
    expect_error(
        post(r#"{"name":"x","format":"json","entity":" "}"#),
        400,
        "must not be empty",
    );
    expect_error(post(r#"{"name":"x","format":"json"}"#), 400, "entity");
    expect_error(post("{not json"), 400, "invalid JSON");
    expect_error(
        post(r#"{"name":"x","format":"json","entity":"e","key":"mine"}"#),
        400,
        "key",
    );
    let big = format!(r#"{{"name":"x","format":"json","entity":"{}"}}"#, "e".repeat(70 * 1024));
    expect_error(post(&big), 413, "larger than");
    let (_, body) = call("GET", &url, None, None);
    assert_eq!(json_of(&body).as_array().map(Vec::len), Some(4), "{body}");

    // Delete.
    let (status, body) = call("DELETE", &format!("{url}/new-d"), None, None);
    assert_eq!((status, body.as_str()), (204, ""));
    host.post("/plain/batch")
        .key(&key)
        .body(r#"{"x":1}"#)
        .send()
        .expect_error(403, "unknown");
    expect_error(
        call("DELETE", &format!("{url}/new-d"), None, None),
        404,
        "no intake named",
    );
    let text = std::fs::read_to_string(&host.config_path).expect("read the configuration");
    assert!(!text.contains("new-d"), "{text}");
    // Stored events stay, and the CLI still reads the file the API wrote.
    let out = host.cli(&["intakes", "list", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
}

#[test]
fn the_api_requires_the_configured_token() {
    let token = "e2e-admin-token-tttttttttttttttt";
    let host = Host::builder(&basic_config())
        .admin_settings(&format!("token = \"{token}\""))
        .start();
    let base = format!("http://{}", host.admin_addr());
    let create = r#"{"name":"t-1","format":"plain","entity":"e"}"#;
    for (method, path, body) in [
        ("GET", "/api/intakes", None),
        ("GET", "/api/intakes/plain-a", None),
        ("GET", "/api/intakes/plain-a/events", None),
        ("GET", "/api/formats", None),
        ("POST", "/api/intakes", Some(create)),
        ("DELETE", "/api/intakes/plain-a", None),
    ] {
        let url = format!("{base}{path}");
        expect_error(call(method, &url, None, body), 401, "bearer token");
        expect_error(
            call(method, &url, Some("e2e-admin-token-wrong-wrongwrong"), body),
            401,
            "bearer token",
        );
    }
    let (status, body) = call("GET", &format!("{base}/api/intakes/plain-a"), Some(token), None);
    assert_eq!(status, 200, "{body}");
    assert_eq!(json_of(&body)["key"], PLAIN_KEY);
    let (status, body) = call("POST", &format!("{base}/api/intakes"), Some(token), Some(create));
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        call("DELETE", &format!("{base}/api/intakes/t-1"), Some(token), None).0,
        204
    );
    // Nothing was deleted without the token.
    let (_, body) = call("GET", &format!("{base}/api/intakes"), Some(token), None);
    assert_eq!(json_of(&body).as_array().map(Vec::len), Some(3), "{body}");
    // The page itself holds no data and is served without the token.
    let (status, page) = call("GET", &format!("{base}/"), None, None);
    assert_eq!(status, 200);
    assert!(page.contains("<title>intake-edge"), "{page}");
    assert_eq!(call("GET", &format!("{base}/intakes/plain-a"), None, None).0, 200);
    assert_eq!(call("POST", &format!("{base}/"), None, None).0, 405);
    assert!(
        host.log().lines().iter().all(|l| !l.contains(token)),
        "the token is in the log"
    );
}

/// The number of intakes the API lists (asked the way the page does).
fn intake_count(base: &str) -> usize {
    let (status, body) = call("GET", &format!("{base}/api/intakes"), None, None);
    assert_eq!(status, 200, "{body}");
    json_of(&body).as_array().map_or(0, Vec::len)
}

#[test]
fn a_rebinding_page_reads_no_key_and_creates_nothing() {
    let host = Host::start(&basic_config());
    let (base, addr) = (format!("http://{}", host.admin_addr()), host.admin_addr());
    let port = addr.rsplit_once(':').map(|(_, p)| p).expect("port");
    let before = std::fs::read_to_string(&host.config_path).expect("read the configuration");
    // evil.example now resolves to 127.0.0.1, and the page's requests are same-origin to the
    // browser: only the Host (and Origin) name the attacker's site.
    let resolve = format!("evil.example:{port}:127.0.0.1");
    let evil = format!("http://evil.example:{port}");
    let as_page = [
        "--resolve",
        &resolve,
        "-H",
        "Origin: http://evil.example",
        "-H",
        "Sec-Fetch-Site: same-origin",
    ];
    let read = curl("GET", &format!("{evil}/api/intakes/plain-a"), &as_page);
    assert_eq!(read.status, 421, "{}", read.body);
    assert!(!read.body.contains(PLAIN_KEY), "{}", read.body);
    let mut create = as_page.to_vec();
    create.extend([
        "-H",
        "Content-Type: application/json",
        "--data-binary",
        r#"{"name":"evil","format":"plain","entity":"e"}"#,
    ]);
    let made = curl("POST", &format!("{evil}/api/intakes"), &create);
    assert_eq!(made.status, 421, "{}", made.body);
    assert_eq!(
        curl("DELETE", &format!("{evil}/api/intakes/plain-a"), &as_page).status,
        421
    );
    assert_eq!(curl("GET", &format!("{evil}/"), &as_page).status, 421);
    assert_eq!(intake_count(&base), 3);
    let after = std::fs::read_to_string(&host.config_path).expect("read the configuration");
    assert_eq!(before, after, "the configuration changed");
}

#[test]
fn cross_site_requests_are_refused() {
    let host = Host::start(&basic_config());
    let base = format!("http://{}", host.admin_addr());
    let create = r#"{"name":"csrf","format":"plain","entity":"e"}"#;
    for headers in [
        ["-H", "Origin: http://evil.example"],
        ["-H", "Origin: null"],
        // Another port of this machine is another origin.
        ["-H", "Origin: http://127.0.0.1:1"],
        ["-H", "Sec-Fetch-Site: cross-site"],
        ["-H", "Sec-Fetch-Site: same-site"],
    ] {
        let read = curl("GET", &format!("{base}/api/intakes/plain-a"), &headers);
        assert_eq!(read.status, 403, "{headers:?}: {}", read.body);
        assert!(!read.body.contains(PLAIN_KEY), "{}", read.body);
        assert!(read.body.contains("cross-"), "{}", read.body);
        let mut args = headers.to_vec();
        args.extend(["-H", "Content-Type: application/json", "--data-binary", create]);
        assert_eq!(
            curl("POST", &format!("{base}/api/intakes"), &args).status,
            403,
            "{headers:?}"
        );
        assert_eq!(
            curl("DELETE", &format!("{base}/api/intakes/plain-a"), &headers).status,
            403
        );
    }
    assert_eq!(intake_count(&base), 3);
    // The page's own requests: same origin.
    let own = format!("Origin: {base}");
    let a = curl(
        "GET",
        &format!("{base}/api/intakes/plain-a"),
        &["-H", &own, "-H", "Sec-Fetch-Site: same-origin"],
    );
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body.contains(PLAIN_KEY), "{}", a.body);
}

#[test]
fn only_json_writes_are_accepted() {
    let host = Host::start(&basic_config());
    let base = format!("http://{}", host.admin_addr());
    let url = format!("{base}/api/intakes");
    let before = std::fs::read_to_string(&host.config_path).expect("read the configuration");
    // What a page may send cross-origin without a preflight: text/plain, a form, multipart.
    let body = r#"{"name":"sneaky","format":"plain","entity":"e"}"#;
    for content_type in [
        "Content-Type: text/plain",
        "Content-Type: application/x-www-form-urlencoded",
        "Content-Type: multipart/form-data; boundary=x",
        "Content-Type:",
    ] {
        let a = curl("POST", &url, &["-H", content_type, "--data-binary", body]);
        assert_eq!(a.status, 415, "{content_type}: {}", a.body);
        assert!(a.body.contains("application/json"), "{}", a.body);
    }
    let after = std::fs::read_to_string(&host.config_path).expect("read the configuration");
    assert_eq!(before, after, "the configuration changed");
    assert_eq!(intake_count(&base), 3);
    let a = curl(
        "POST",
        &url,
        &[
            "-H",
            "Content-Type: application/json; charset=utf-8",
            "--data-binary",
            body,
        ],
    );
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(intake_count(&base), 4);
}

#[test]
fn answers_carry_the_security_headers() {
    let host = Host::start(&basic_config());
    let base = format!("http://{}", host.admin_addr());
    let page = curl("GET", &format!("{base}/"), &[]);
    assert_eq!(page.status, 200);
    let csp = page.header("content-security-policy").expect("CSP");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    let key = curl("GET", &format!("{base}/api/intakes/plain-a"), &[]);
    assert_eq!(key.status, 200);
    assert_eq!(key.header("cache-control"), Some("no-store"));
    assert_eq!(key.header("x-content-type-options"), Some("nosniff"));
    for path in ["/metrics", "/health", "/api/nope"] {
        let a = curl("GET", &format!("{base}{path}"), &[]);
        assert_eq!(a.header("x-content-type-options"), Some("nosniff"), "{path}");
    }
}
