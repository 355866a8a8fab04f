use super::*;
use std::path::Path;

const KEY_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaa";
const KEY_B: &str = "bbbbbbbbbbbbbbbbbbbbbbbb";

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("/etc/edge/intakes.toml"))
}

fn problems(text: &str) -> Vec<Problem> {
    match parse(text) {
        Ok(_) => panic!("expected problems in:\n{text}"),
        Err(e) => e.problems,
    }
}

#[test]
fn defaults_apply_to_an_empty_file() {
    let c = parse("").expect("empty file is valid");
    assert_eq!(c.data_dir, Path::new("/etc/edge/data"));
    assert_eq!(c.https_listen.to_string(), DEFAULT_HTTPS_LISTEN);
    assert_eq!(c.limits.max_event_bytes, 250 * 1024);
    assert_eq!(c.limits.max_request_bytes, 10 * 1024 * 1024);
    assert_eq!(c.runtime.default_limits.memory_bytes, 64 << 20);
    assert!(c.intakes.is_empty());
}

#[test]
fn a_complete_file_is_read() {
    let text = format!(
        r#"
data_dir = "/var/lib/edge"
[https]
listen = "127.0.0.1:9443"
[limits]
max_event_bytes = 1000
[runtime]
deadline_ms = 50
[formats.plain]
component = "builtin:plain"
memory_mib = 8
[[intake]]
name = "fw"
format = "plain"
entity = "site-a"
key = "{KEY_A}"
created_by = "alice"
created_at = "2026-11-23T10:00:00Z"
"#
    );
    let c = parse(&text).expect("valid");
    assert_eq!(c.data_dir, Path::new("/var/lib/edge"));
    assert_eq!(c.https_listen.port(), 9443);
    assert_eq!(c.limits.max_event_bytes, 1000);
    let f = &c.formats["plain"];
    assert_eq!(f.source, ComponentSource::Builtin("plain".into()));
    assert_eq!(f.limits.memory_bytes, 8 << 20);
    assert_eq!(f.limits.deadline, Duration::from_millis(50));
    let i = c.intake("fw").expect("intake");
    assert_eq!(i.entity, "site-a");
    assert_eq!(i.key.expose(), KEY_A);
    assert_eq!(i.created_by.as_deref(), Some("alice"));
}

#[test]
fn every_problem_is_reported_at_once_and_names_the_intake() {
    let text = format!(
        r#"
[https]
listen = "nowhere:99999"
[limits]
max_request_bytes = 0
[formats.plain]
component = "builtin:plain"
[formats.custom]
component = "missing/custom.wasm"
[[intake]]
name = "one"
format = "plain"
entity = "e"
key = "{KEY_A}"
[[intake]]
name = "one"
format = "nope"
entity = "e"
key = "{KEY_A}"
[[intake]]
name = "three"
format = "plain"
entity = "e"
key = "short"
[[intake]]
format = "plain"
entity = "e"
key = "{KEY_B}"
"#
    );
    let p = problems(&text);
    let text: Vec<String> = p.iter().map(|p| p.to_string()).collect();
    assert!(
        matches!(
            &p[0],
            Problem::BadAddress {
                field: "https.listen",
                ..
            }
        ),
        "{text:?}"
    );
    assert!(p.contains(&Problem::BadLimit {
        key: "limits.max_request_bytes".into(),
        reason: "0 is out of range 1..=1073741824".into()
    }));
    assert!(p.contains(&Problem::MissingComponent {
        format: "custom".into(),
        path: "/etc/edge/missing/custom.wasm".into()
    }));
    assert!(p.contains(&Problem::DuplicateName {
        intake: "one".into(),
        first_index: 1
    }));
    assert!(p.contains(&Problem::UnknownFormat {
        intake: "one".into(),
        format: "nope".into()
    }));
    assert!(p.contains(&Problem::DuplicateKey {
        intake: "one".into(),
        other: "one".into()
    }));
    assert!(p.contains(&Problem::BadIntake {
        intake: "three".into(),
        reason: "key is shorter than 16 characters".into()
    }));
    assert!(p.contains(&Problem::MissingField {
        index: 4,
        field: "name"
    }));
    assert_eq!(p.len(), 8, "{text:#?}");
}

#[test]
fn keys_never_appear_in_errors_or_debug_output() {
    let text = format!(
        "[formats.plain]\ncomponent = \"builtin:plain\"\n[[intake]]\nname = \"a\"\nformat = \"plain\"\nentity = \"e\"\nkey = \"{KEY_A}\"\n[[intake]]\nname = \"b\"\nformat = \"plain\"\nentity = \"e\"\nkey = \"{KEY_A}\"\n"
    );
    let err = parse(&text).expect_err("duplicate key");
    assert!(!err.to_string().contains(KEY_A), "{err}");
    let ok = parse(&text.replace(
        &format!("key = \"{KEY_A}\"\n[[intake]]\nname = \"b\""),
        &format!("key = \"{KEY_B}\"\n[[intake]]\nname = \"b\""),
    ))
    .expect("valid");
    assert!(!format!("{ok:?}").contains(KEY_B));
}

#[test]
fn unknown_keys_and_bad_toml_are_errors() {
    let p = problems("[https]\nlisten = \"127.0.0.1:1\"\nport = 3\n");
    assert!(
        matches!(&p[..], [Problem::Syntax(msg)] if msg.contains("unknown field `port`")),
        "{p:?}"
    );
    let p = problems("[[intake]\n");
    assert!(matches!(&p[..], [Problem::Syntax(_)]), "{p:?}");
}

#[test]
fn half_a_tls_pair_is_refused() {
    let p = problems("[tls]\ncert = \"c.pem\"\n");
    assert!(matches!(&p[..], [Problem::Tls(m)] if m.contains("both")), "{p:?}");
}

#[test]
fn unknown_builtin_is_named() {
    let p = problems("[formats.x]\ncomponent = \"builtin:nothing\"\n");
    assert!(
        matches!(&p[..], [Problem::BadFormat { format, reason }] if format == "x" && reason.contains("nothing")),
        "{p:?}"
    );
}

#[test]
fn a_reachable_admin_listener_needs_a_token() {
    let p = problems("[admin]\nlisten = \"0.0.0.0:8444\"\n");
    let listen: std::net::SocketAddr = "0.0.0.0:8444".parse().expect("address");
    assert_eq!(p, [Problem::AdminWithoutToken { listen }]);
    assert!(p[0].to_string().contains("set admin.token"), "{}", p[0]);
    parse("[admin]\nlisten = \"0.0.0.0:8444\"\ntoken = \"a-token-of-sixteen-chars\"\n").expect("with a token");
    parse("[admin]\nlisten = \"[::1]:8444\"\n").expect("IPv6 loopback");
    parse("[admin]\nenabled = false\nlisten = \"0.0.0.0:8444\"\n").expect("disabled");
    // The command line can expose a file's loopback listener: checked after the overrides.
    let overrides = Overrides {
        admin: Some(listen),
        ..Overrides::default()
    };
    let err = Config::parse_with("", Path::new("/etc/edge/intakes.toml"), &overrides).expect_err("exposed");
    assert_eq!(err.problems, [Problem::AdminWithoutToken { listen }]);
}

#[test]
fn allowed_hosts_are_host_names_with_optional_ports() {
    let c = parse("[admin]\nallowed_hosts = [\"Admin.Example.\", \"10.0.0.5:8444\", \"[::1]\"]\n").expect("valid");
    let hosts: Vec<(HostName, Option<u16>)> = c.admin.allowed_hosts.into_iter().map(|a| (a.host, a.port)).collect();
    assert_eq!(
        hosts,
        [
            (HostName::Name("admin.example".into()), None),
            (HostName::Ip([10, 0, 0, 5].into()), Some(8444)),
            (HostName::Ip(std::net::Ipv6Addr::LOCALHOST.into()), None),
        ]
    );
    let p = problems("[admin]\nallowed_hosts = [\"http://admin.example\", \"*.example\", \"ok.example\", \"a:b\"]\n");
    assert_eq!(p.len(), 3, "{p:?}");
    assert!(
        p.iter()
            .all(|p| matches!(p, Problem::BadLimit { key, .. } if key == "admin.allowed_hosts")),
        "{p:?}"
    );
}

#[test]
fn the_admin_token_is_kept_as_a_digest() {
    let c = parse("[admin]\ntoken = \"a-token-of-sixteen-chars\"\n").expect("valid");
    let token = c.admin.token.as_ref().expect("token");
    assert!(token.matches("a-token-of-sixteen-chars"));
    assert!(!token.matches("a-token-of-sixteen-chars "));
    assert!(!format!("{c:?}").contains("a-token-of"));
    let p = problems("[admin]\ntoken = \"short\"\n");
    assert!(
        matches!(&p[..], [Problem::BadLimit { key, reason }] if key == "admin.token" && !reason.contains("short\"")),
        "{p:?}"
    );
}

#[test]
fn sandbox_limits_have_keys_and_per_format_overrides() {
    let text = r#"
[runtime]
max_table_elements = 2000
slow_call_ms = 20
[formats.plain]
component = "builtin:plain"
[formats.json]
component = "builtin:json"
max_table_elements = 500
"#;
    let c = parse(text).expect("valid");
    assert_eq!(c.runtime.slow_call, Duration::from_millis(20));
    assert_eq!(c.runtime.default_limits.max_table_elements, 2000);
    assert_eq!(c.formats["plain"].limits.max_table_elements, 2000);
    assert_eq!(c.formats["json"].limits.max_table_elements, 500);
    let d = parse("").expect("defaults");
    assert_eq!(
        d.runtime.default_limits.max_table_elements,
        DEFAULT_MAX_TABLE_ELEMENTS as usize
    );
    assert_eq!(d.runtime.slow_call, Duration::from_millis(DEFAULT_SLOW_CALL_MS));
    let bad = problems("[formats.plain]\ncomponent = \"builtin:plain\"\nmax_table_elements = 0\n");
    assert!(
        bad.iter()
            .any(|p| p.to_string().contains("formats.plain.max_table_elements")),
        "{bad:?}"
    );
}

#[test]
fn the_shipped_intakes_toml_shows_the_defaults() {
    // intakes.toml documents every setting with its default: it must say what the code does.
    let shipped = parse(include_str!("../../../intakes.toml")).expect("the shipped file is valid");
    let defaults = parse("").expect("defaults");
    assert_eq!(shipped.runtime, defaults.runtime);
    assert_eq!(shipped.limits, defaults.limits);
    assert_eq!(shipped.store, defaults.store);
    assert_eq!(shipped.https, defaults.https);
}

#[test]
fn forward_destinations_are_read_with_defaults() {
    let text = format!(
        "[formats.plain]\ncomponent = \"builtin:plain\"\n[[intake]]\nname = \"fw\"\nformat = \"plain\"\nentity = \"e\"\nkey = \"{KEY_A}\"\n\
         [[forward]]\nname = \"central\"\ntype = \"nats\"\nurls = [\"nats://a:4222\", \"tls://b:4222\"]\nstream = \"S\"\nintakes = [\"fw\"]\n"
    );
    let c = parse(&text).expect("valid");
    let f = &c.forwards[0];
    assert_eq!(f.name, "central");
    assert_eq!(f.intakes.as_deref(), Some(&["fw".to_string()][..]));
    assert!(f.errors);
    assert_eq!(f.max_in_flight as u64, DEFAULT_FORWARD_MAX_IN_FLIGHT);
    assert_eq!(
        f.destination,
        Destination::Nats {
            urls: vec!["nats://a:4222".into(), "tls://b:4222".into()],
            stream: "S".into(),
            subject: DEFAULT_FORWARD_SUBJECT.into(),
            create_stream: true,
            duplicate_window: Duration::from_secs(DEFAULT_FORWARD_DUPLICATE_WINDOW_SECS),
            replicas: 1,
        }
    );
}

#[test]
fn bad_forward_destinations_are_named() {
    let found = problems(
        "[[forward]]\nname = \"a\"\ntype = \"kafka\"\n\
         [[forward]]\nname = \"b\"\ntype = \"nats\"\nstream = \"has space\"\nsubject = \"x.{host}\"\nintakes = [\"nope\"]\n\
         [[forward]]\nname = \"b\"\ntype = \"nats\"\nurl = \"http://x\"\nstream = \"S\"\nsubject = \"a..b\"\nmax_in_flight = 0\n\
         [[forward]]\ntype = \"nats\"\nurl = \"nats://x:4222\"\nstream = \"S\"\n",
    );
    let text: Vec<String> = found.iter().map(ToString::to_string).collect();
    let has = |needle: &str| assert!(text.iter().any(|t| t.contains(needle)), "{needle:?} not in {text:#?}");
    has(r#"forward "a": unknown type "kafka""#);
    has(r#"forward "b": unknown intake "nope""#);
    has(r#"forward "b": missing field `url`"#);
    has(r#"forward "b": stream "has space""#);
    has(r#"forward "b": subject "x.{host}": placeholders are"#);
    has(r#"forward "b": duplicate name"#);
    has(r#"forward "b": url "http://x" is not nats://"#);
    has(r#"forward "b": subject "a..b": empty token"#);
    has(r#"forward "b" max_in_flight: 0 is out of range"#);
    has(r##"forward "#4": missing field `name`"##);
}

#[test]
fn retention_keys_are_read_and_off_by_default() {
    assert_eq!(parse("").expect("valid").store.retention, RetentionSettings::default());
    let c = parse("[store]\nretention_days = 7\nmax_disk_mib = 512\non_full = \"drop_oldest\"\n").expect("valid");
    assert_eq!(
        c.store.retention,
        RetentionSettings {
            max_age: Some(Duration::from_secs(7 * 86_400)),
            max_bytes: Some(512 << 20),
            on_full: OnFull::DropOldest,
        }
    );
    let text: Vec<String> = problems("[store]\non_full = \"panic\"\nretention_days = 99999\n")
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(text.iter().any(|t| t.contains("store.on_full")), "{text:?}");
    assert!(
        text.iter()
            .any(|t| t.contains("store.retention_days: 99999 is out of range")),
        "{text:?}"
    );
}

#[test]
fn https_upstreams_take_their_keys_intakes_and_never_show_a_key() {
    let text = format!(
        "[formats.plain]\ncomponent = \"builtin:plain\"\n\
         [[intake]]\nname = \"fw\"\nformat = \"plain\"\nentity = \"e\"\nkey = \"{KEY_A}\"\n\
         [[intake]]\nname = \"other\"\nformat = \"plain\"\nentity = \"e\"\nkey = \"{KEY_B}\"\n\
         [[forward]]\nname = \"up\"\ntype = \"https\"\nurl = \"https://central.example/\"\nkeys = {{ fw = \"remote-secret\" }}\n"
    );
    let c = parse(&text).expect("valid");
    let f = &c.forwards[0];
    assert_eq!(f.intakes.as_deref(), Some(&["fw".to_string()][..]));
    let Destination::Https {
        url,
        endpoint,
        keys,
        gzip,
        batch_bytes,
        ..
    } = &f.destination
    else {
        panic!("not https: {:?}", f.destination);
    };
    assert_eq!(url, "https://central.example");
    assert_eq!(*endpoint, UpstreamEndpoint::Batch);
    assert_eq!(keys["fw"].0, "remote-secret");
    assert!(*gzip);
    assert_eq!(*batch_bytes as u64, DEFAULT_FORWARD_BATCH_BYTES);
    assert!(!format!("{c:?}").contains("remote-secret"), "a key in Debug output");

    let found = problems(
        "[[forward]]\nname = \"u\"\ntype = \"https\"\nurl = \"ftp://x\"\nendpoint = \"bulk\"\nintakes = [\"fw\"]\nkeys = { nope = \"k\" }\n\
         [[forward]]\nname = \"v\"\ntype = \"https\"\nurl = \"https://x\"\nca_file = \"/nonexistent/ca.pem\"\n",
    );
    let text: Vec<String> = found.iter().map(ToString::to_string).collect();
    let has = |needle: &str| assert!(text.iter().any(|t| t.contains(needle)), "{needle:?} not in {text:#?}");
    has(r#"forward "u": url "ftp://x" is not https://"#);
    has(r#"forward "u": keys: unknown intake "nope""#);
    has(r#"forward "u": intake "fw" has no upstream key"#);
    has(r#"forward "u": endpoint "bulk""#);
    has(r#"forward "v": missing field `keys`"#);
    has(r#"forward "v": ca_file /nonexistent/ca.pem"#);
}

#[test]
fn an_intake_may_name_a_builtin_without_a_formats_table() {
    let text = format!(
        "[[intake]]\nname = \"fw\"\nformat = \"paloalto\"\nentity = \"e\"\nkey = \"{KEY_A}\"\n\
         [[intake]]\nname = \"other\"\nformat = \"no-such-format\"\nentity = \"e\"\nkey = \"{KEY_B}\"\n"
    );
    let p = problems(&text);
    assert_eq!(
        p,
        vec![Problem::UnknownFormat {
            intake: "other".into(),
            format: "no-such-format".into()
        }],
        "only the unknown one is refused"
    );
    let c = parse(&format!(
        "[[intake]]\nname = \"fw\"\nformat = \"paloalto\"\nentity = \"e\"\nkey = \"{KEY_A}\"\n"
    ))
    .expect("valid");
    let spec = &c.formats["paloalto"];
    assert_eq!(spec.source, ComponentSource::Builtin("paloalto".into()));
    assert_eq!(spec.limits, c.runtime.default_limits);
    assert_eq!(c.formats.len(), 1, "builtins no intake names are not loaded");
}

#[test]
fn poll_tables_are_read_with_defaults_and_their_problems_named() {
    let text = format!(
        r#"
[poll]
secrets = "secrets.toml"
[[intake]]
name = "okta"
format = "okta"
entity = "it"
key = "{KEY_A}"
[intake.poll]
component = "builtin:okta-poller"
url = "https://acme.okta.com/"
secret = "okta-prod"
every = "5m"
limit = 200
"#
    );
    let c = parse(&text).expect("valid");
    assert_eq!(c.poll.secrets.as_deref(), Some(Path::new("/etc/edge/secrets.toml")));
    let p = c.intakes[0].poll.as_ref().expect("poll");
    assert_eq!(p.component, ComponentSource::Builtin("okta-poller".into()));
    assert_eq!(p.every, std::time::Duration::from_secs(300));
    assert_eq!(p.start_at, std::time::Duration::from_secs(86_400));
    assert_eq!(p.allow, vec![Origin::parse("https://acme.okta.com").expect("origin")]);
    assert_eq!(p.allow[0].port, 443);
    assert_eq!(p.options, vec![("limit".to_string(), "200".to_string())]);
    assert_eq!(p.secret.as_deref(), Some("okta-prod"));

    let bad = format!(
        r#"
[[intake]]
name = "p"
format = "okta"
entity = "it"
key = "{KEY_B}"
[intake.poll]
component = "builtin:nope"
url = "ftp://x"
allow = ["https://a.example/path", "https://user:pw@b.example"]
every = "soon"
client_secret = "do-not-echo"
"#
    );
    let found = problems(&bad)
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    for needle in [
        "builtin:nope",
        "ftp",
        "without a path",
        "credentials do not belong",
        "every",
        "client_secret",
    ] {
        assert!(found.contains(needle), "{needle} missing in:\n{found}");
    }
    assert!(!found.contains("do-not-echo"), "{found}");
    assert!(!found.contains("pw@"), "{found}");
}

#[test]
fn durations_read_units() {
    let d = |s| parse_duration(s).map(|d| d.as_millis());
    assert_eq!(d("60"), Some(60_000));
    assert_eq!(d("60s"), Some(60_000));
    assert_eq!(d("500ms"), Some(500));
    assert_eq!(d("5m"), Some(300_000));
    assert_eq!(d("24h"), Some(86_400_000));
    assert_eq!(d("7d"), Some(604_800_000));
    assert_eq!(d("soon"), None);
    assert_eq!(d("5 weeks"), None);
}
