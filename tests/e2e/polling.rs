//! Polling intakes (`[intake.poll]`) against real protocol servers on loopback: fakes of Okta's
//! System Log API and of Microsoft's token endpoint + Management Activity API written from
//! their documentation (`tests/fakes/`, HTTPS with the test CA), and moto for S3 and SQS.
//! Each builtin poller survives a SIGKILL in the middle of a multi-page run: the store then
//! holds exactly the source's events, none missing, none twice.

use crate::support::fakes::{Fake, Moto};
use crate::support::{component_dir, poll, Host, Pki};
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

const OKTA_TOKEN: &str = "00e2eOktaToken-never-in-the-store-0000";
const M365_SECRET: &str = "e2e-m365-client-secret-never-logged";
const AWS_SECRET: &str = "e2e-aws-secret-access-key-never-logged";
const TENANT: &str = "6f1c2e4a-0b7d-4c5e-9a31-2d8f7e6b5a40";
const INTAKE_KEY: &str = "e2e-poll-intake-key-aaaaaaaaaaaaaaa";

/// A PKI for the fakes (the host trusts its CA through `ca_file`).
fn fake_pki() -> (tempfile::TempDir, Pki) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let pki = Pki::mint(dir.path());
    (dir, pki)
}

fn polling_intake(name: &str, format: &str, poll_lines: &str) -> String {
    format!(
        "[[intake]]\nname = \"{name}\"\nformat = \"{format}\"\nentity = \"cloud\"\nkey = \"{INTAKE_KEY}\"\n[intake.poll]\n{poll_lines}\n"
    )
}

/// The `[intake.poll]` lines of an Okta intake reading `url` (trusting `pki`'s CA) every
/// `every`, from 3 h back, authenticated with the secret `okta` ([`okta_secret`]).
fn okta_poll(url: &str, pki: &Pki, every: &str, extra: &str) -> String {
    format!(
        "component = \"builtin:okta-poller\"\nevery = \"{every}\"\nurl = \"{url}\"\nsecret = \"okta\"\nca_file = \"{}\"\nstart_at = \"3h\"\ndelay = \"0s\"\n{extra}\n",
        pki.ca.display()
    )
}

/// `INTAKE_EDGE_SECRET_OKTA`: the fakes' token, sent as `SSWS`.
fn okta_secret() -> String {
    format!("{{ type = \"token\", scheme = \"SSWS\", token = \"{OKTA_TOKEN}\" }}")
}

/// source ID (the `raw`'s own ID field) → how many times it is stored.
fn stored_ids(host: &Host, intake: &str, id_field: &str) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    host.for_each_event(intake, |e| {
        let raw: Value = serde_json::from_str(e["raw"].as_str().expect("raw")).expect("a JSON raw");
        let id = raw[id_field]
            .as_str()
            .unwrap_or_else(|| panic!("no {id_field} in {raw}"))
            .to_string();
        *seen.entry(id).or_default() += 1;
    });
    seen
}

fn assert_exactly_once(stored: &BTreeMap<String, usize>, expected: &[String]) {
    let twice: Vec<_> = stored.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "stored more than once: {twice:?}");
    let missing: Vec<_> = expected.iter().filter(|id| !stored.contains_key(*id)).collect();
    assert!(
        missing.is_empty(),
        "{} of {} missing, e.g. {:?}",
        missing.len(),
        expected.len(),
        missing.first()
    );
    assert_eq!(
        stored.len(),
        expected.len(),
        "events the source does not have were stored"
    );
}

fn show(host: &Host, intake: &str) -> Value {
    let out = host.cli(&["intakes", "show", intake, "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("intakes show --json")
}

/// SIGKILL once some of the run's pages are stored and not all, then restart.
fn kill_mid_run(host: &mut Host, intake: &str, total: usize) -> usize {
    let at = poll("some pages stored", Duration::from_secs(60), || {
        host.stored_count(Some(intake)).filter(|n| *n > 0)
    });
    host.kill9();
    assert!(
        at < total,
        "the run ended before the kill ({at} of {total} stored): no mid-run crash was tested"
    );
    host.restart();
    at
}

fn no_secret_anywhere(host: &Host, intake: &str, secrets: &[&str]) {
    let log = host.log().dump();
    let mut events = String::new();
    host.for_each_event(intake, |e| events.push_str(&e.to_string()));
    let config = std::fs::read_to_string(&host.config_path).expect("config");
    for s in secrets {
        assert!(!log.contains(s), "a secret is in the log");
        assert!(!events.contains(s), "a secret is in the store");
        assert!(!config.contains(s), "a secret is in intakes.toml");
    }
}

#[test]
fn okta_events_are_stored_exactly_once_through_a_sigkill_mid_run() {
    let (_d, pki) = fake_pki();
    // 1,000 events, pages of 50, 150 ms per page: a run of 20 pages takes seconds.
    let okta = Fake::start(
        "fake_okta.py",
        &["--events", "1000", "--token", OKTA_TOKEN, "--page-delay-ms", "150"],
        &pki,
    );
    let body = polling_intake(
        "okta-prod",
        "okta",
        &format!(
            "component = \"builtin:okta-poller\"\nevery = \"1s\"\nurl = \"{}\"\nsecret = \"okta-prod\"\nca_file = \"{}\"\nstart_at = \"3h\"\ndelay = \"0s\"\nmax_events_per_page = 50\n",
            okta.base(),
            pki.ca.display()
        ),
    );
    let mut host = Host::builder(&body)
        .env(
            "INTAKE_EDGE_SECRET_OKTA_PROD",
            &format!("{{ type = \"token\", scheme = \"SSWS\", token = \"{OKTA_TOKEN}\" }}"),
        )
        .start();
    let at = kill_mid_run(&mut host, "okta-prod", 1000);
    let expected: Vec<String> = okta
        .events()
        .iter()
        .map(|e| e["uuid"].as_str().expect("uuid").to_string())
        .collect();
    poll("every Okta event stored", Duration::from_secs(90), || {
        (host.stored_count(Some("okta-prod"))? >= expected.len()).then_some(())
    });
    // New events at the source reach the store at a later run, once.
    okta.post("/_fake/events?n=25");
    let expected: Vec<String> = okta
        .events()
        .iter()
        .map(|e| e["uuid"].as_str().expect("uuid").to_string())
        .collect();
    assert_eq!(expected.len(), 1025);
    poll("the new events stored", Duration::from_secs(60), || {
        (host.stored_count(Some("okta-prod"))? >= expected.len()).then_some(())
    });
    std::thread::sleep(Duration::from_secs(2));
    assert_exactly_once(&stored_ids(&host, "okta-prod", "uuid"), &expected);
    eprintln!("killed with {at} of 1000 stored");

    // Every request carried the host's credential; the events were normalized by `okta`.
    let requests = okta.requests();
    assert!(requests.len() >= 21, "{} requests", requests.len());
    for r in &requests {
        assert_eq!(
            r["authorization"].as_str(),
            Some(format!("SSWS {OKTA_TOKEN}").as_str()),
            "{r}"
        );
    }
    let sample = &host.intake_events("okta-prod")[0];
    assert_eq!(sample["status"], "ok", "{sample}");
    assert_eq!(sample["protocol"], "poll", "{sample}");
    let status = show(&host, "okta-prod");
    let p = &status["poll"];
    assert_eq!(p["component"], "builtin:okta-poller");
    assert!(p["last_success"].is_string() && p["last_error"].is_null(), "{p}");
    assert!(p["events_total"].as_u64().unwrap_or(0) >= 1025, "{p}");
    assert!(p["lag_secs"].as_i64().is_some_and(|l| l < 3600), "{p}");
    assert_eq!(p["secret"], "okta-prod");
    assert!(host.metric("intake_edge_poll_pages_total{intake=\"okta-prod\"}") > 0);
    // The admin API (what the admin page shows) has the same status, and never the token.
    let (code, body) = host.admin_get("/api/intakes/okta-prod");
    assert_eq!(code, 200, "{body}");
    let api: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(api["poll"]["component"], "builtin:okta-poller", "{api}");
    assert!(api["poll"]["last_success"].is_string(), "{api}");
    assert!(!body.contains(OKTA_TOKEN));
    no_secret_anywhere(&host, "okta-prod", &[OKTA_TOKEN]);
    assert!(!status.to_string().contains(OKTA_TOKEN));
}

#[test]
fn m365_content_is_stored_exactly_once_through_a_sigkill_and_expiring_tokens() {
    let (_d, pki) = fake_pki();
    let m365 = Fake::start(
        "fake_m365.py",
        &[
            "--tenant",
            TENANT,
            "--client-id",
            "e2e-client",
            "--client-secret",
            M365_SECRET,
            "--token-ttl",
            "4",
            "--blobs",
            "6",
            "--events-per-blob",
            "20",
            "--list-page",
            "2",
            "--page-delay-ms",
            "300",
            "--content-types",
            "Audit.General,Audit.AzureActiveDirectory",
        ],
        &pki,
    );
    let body = polling_intake(
        "m365",
        "m365",
        &format!(
            "component = \"builtin:m365-poller\"\nevery = \"1s\"\nurl = \"{}\"\nsecret = \"m365\"\nca_file = \"{}\"\nstart_at = \"6h\"\ndelay = \"0s\"\ntenant = \"{TENANT}\"\ncontent_types = \"Audit.General,Audit.AzureActiveDirectory\"\n",
            m365.base(),
            pki.ca.display()
        ),
    );
    let mut host = Host::builder("").start();
    let secrets = host.scratch("secrets.toml");
    std::fs::write(
        &secrets,
        format!(
            "[m365]\ntype = \"oauth2\"\ntoken_url = \"{}/{TENANT}/oauth2/v2.0/token\"\nclient_id = \"e2e-client\"\nclient_secret = \"{M365_SECRET}\"\nscope = \"https://manage.office.com/.default\"\n",
            m365.base()
        ),
    )
    .expect("write secrets");
    std::fs::set_permissions(&secrets, std::os::unix::fs::PermissionsExt::from_mode(0o600)).expect("chmod");
    host.write_config(&format!("[poll]\nsecrets = \"{}\"\n\n{body}", secrets.display()));
    host.stop();
    host.restart();
    let at = kill_mid_run(&mut host, "m365", 240);
    let expected: Vec<String> = m365
        .events()
        .iter()
        .map(|e| e["Id"].as_str().expect("Id").to_string())
        .collect();
    assert_eq!(expected.len(), 240);
    poll("every M365 record stored", Duration::from_secs(120), || {
        (host.stored_count(Some("m365"))? >= expected.len()).then_some(())
    });
    std::thread::sleep(Duration::from_secs(2));
    assert_exactly_once(&stored_ids(&host, "m365", "Id"), &expected);
    eprintln!("killed with {at} of 240 stored");

    // Tokens came from the token endpoint (more than one: they expire after 4 s, and the run
    // outlives one), and the API saw only bearer tokens, never the client secret.
    let requests = m365.requests();
    let tokens = requests
        .iter()
        .filter(|r| r["path"].as_str().is_some_and(|p| p.contains("/oauth2/")))
        .count();
    assert!(tokens >= 2, "{tokens} token requests");
    for r in requests
        .iter()
        .filter(|r| r["path"].as_str().is_some_and(|p| p.starts_with("/api/")))
    {
        assert!(
            r["authorization"].as_str().is_some_and(|a| a.starts_with("Bearer ")),
            "{r}"
        );
        assert!(!r.to_string().contains(M365_SECRET));
    }
    let events = host.intake_events("m365");
    assert!(events.iter().all(|e| e["status"] == "ok"), "{}", events[0]);
    no_secret_anywhere(&host, "m365", &[M365_SECRET]);
}

#[test]
fn cloudtrail_records_are_stored_exactly_once_and_messages_deleted_after_the_commit() {
    let moto = Moto::start();
    let seeded = moto.seed(&[
        "--bucket",
        "trail-bucket",
        "--queue",
        "trail-queue",
        "--files",
        "24",
        "--records-per-file",
        "15",
        "--visibility-timeout",
        "4",
        "--test-event",
    ]);
    let expected: Vec<String> = seeded["event_ids"]
        .as_array()
        .expect("event_ids")
        .iter()
        .map(|v| v.as_str().expect("id").to_string())
        .collect();
    assert_eq!(expected.len(), 360);
    let queue_url = seeded["queue_url"].as_str().expect("queue_url");
    // Two requests a second: a page (ten messages, ten objects) takes seconds, so the kill
    // lands in the middle of the run.
    let body = polling_intake(
        "trail",
        "aws-cloudtrail",
        &format!(
            "component = \"builtin:cloudtrail-poller\"\nevery = \"1s\"\nurl = \"{ep}\"\nsecret = \"aws\"\nallow = [\"{ep}\"]\ndelay = \"0s\"\nqueue_url = \"{queue_url}\"\ns3_endpoint = \"{ep}\"\nwait_seconds = 1\nrequests_per_second = 3\n",
            ep = moto.endpoint()
        ),
    );
    let mut host = Host::builder(&body)
        .env(
            "INTAKE_EDGE_SECRET_AWS",
            &format!("{{ type = \"aws\", access_key_id = \"AKIDE2E\", secret_access_key = \"{AWS_SECRET}\", region = \"us-east-1\" }}"),
        )
        .start();
    let at = kill_mid_run(&mut host, "trail", 360);
    poll("every CloudTrail record stored", Duration::from_secs(120), || {
        (host.stored_count(Some("trail"))? >= expected.len()).then_some(())
    });
    poll("every message deleted", Duration::from_secs(60), || {
        (moto.messages("trail-queue") == 0).then_some(())
    });
    assert_exactly_once(&stored_ids(&host, "trail", "eventID"), &expected);
    eprintln!("killed with {at} of 360 stored");
    let events = host.intake_events("trail");
    assert!(events.iter().all(|e| e["status"] == "ok"), "{}", events[0]);
    no_secret_anywhere(&host, "trail", &[AWS_SECRET]);
}

#[test]
fn a_429_is_waited_out_and_a_run_keeps_to_its_page_budget() {
    let (_d, pki) = fake_pki();
    let okta = Fake::start("fake_okta.py", &["--events", "400", "--token", OKTA_TOKEN], &pki);
    // The second request of the run answers 429 with Retry-After: 3.
    okta.post("/_fake/throttle?at=2&retry_after=3");
    let body = polling_intake(
        "okta-budget",
        "okta",
        &okta_poll(&okta.base(), &pki, "1h", "max_events_per_page = 20\nmax_pages = 5"),
    );
    let host = Host::builder(&body)
        .env("INTAKE_EDGE_SECRET_OKTA", &okta_secret())
        .start();
    poll("the run finished", Duration::from_secs(60), || {
        show(&host, "okta-budget")["poll"]["last_run"]
            .as_str()
            .map(str::to_string)
    });
    let requests = okta.requests();
    let i = requests
        .iter()
        .position(|r| r["status"] == 429)
        .expect("a 429 was served");
    let waited = requests[i + 1]["time"].as_f64().expect("time") - requests[i]["time"].as_f64().expect("time");
    eprintln!("waited {waited:.3} s after the 429");
    assert!(
        waited >= 3.0,
        "the next request came {waited:.3} s after Retry-After: 3"
    );
    assert!(waited < 6.0, "waited {waited:.3} s");
    // Five pages of 20, then the run stops (400 events wait at the source).
    let p = &show(&host, "okta-budget")["poll"];
    assert_eq!(p["last_run_pages"], 5, "{p}");
    assert_eq!(host.stored_count(Some("okta-budget")), Some(100));
    let ok_requests = requests.iter().filter(|r| r["status"] == 200).count();
    assert_eq!(ok_requests, 5, "{requests:?}");
    assert_eq!(
        host.metric("intake_edge_poll_throttled_total{intake=\"okta-budget\"}"),
        1
    );
}

#[test]
fn a_hostile_poller_cannot_leave_its_allowlist_or_see_the_secret() {
    let (_d, pki) = fake_pki();
    // The source the intake may reach, and a second server it may not.
    let off_list = Fake::start("fake_okta.py", &["--token", OKTA_TOKEN], &pki);
    let source = Fake::start(
        "fake_okta.py",
        &[
            "--events",
            "3",
            "--token",
            OKTA_TOKEN,
            "--redirect-to",
            &format!("{}/api/v1/logs", off_list.base()),
        ],
        &pki,
    );
    let wasm = component_dir().join("hostile_poller.wasm");
    let body = polling_intake(
        "hostile",
        "json",
        &format!(
            "component = \"{}\"\nevery = \"1h\"\nurl = \"{b}\"\nsecret = \"okta\"\nca_file = \"{}\"\noff_list_url = \"{}/api/v1/logs\"\nredirect_url = \"{b}/redirect-me\"\nallowed_url = \"{b}/api/v1/logs?limit=1\"\n",
            wasm.display(),
            pki.ca.display(),
            off_list.base(),
            b = source.base()
        ),
    );
    let host = Host::builder(&format!("[formats.json]\ncomponent = \"builtin:json\"\n\n{body}"))
        .env("INTAKE_EDGE_SECRET_OKTA", &okta_secret())
        .start();
    let events = poll("the hostile poller's report", Duration::from_secs(60), || {
        let events = host.intake_events("hostile");
        (!events.is_empty()).then_some(events)
    });
    let report: BTreeMap<String, String> = events
        .iter()
        .map(|e| {
            let raw: Value = serde_json::from_str(e["raw"].as_str().expect("raw")).expect("JSON");
            (
                raw["probe"].as_str().unwrap_or("?").to_string(),
                raw["result"].to_string(),
            )
        })
        .collect();
    eprintln!("{report:#?}");
    // Nothing reached the server off the list, directly or by the redirect.
    assert!(off_list.requests().is_empty(), "{:?}", off_list.requests());
    // The source saw the redirect request and the allowed ones, each with the host's
    // credential, never the component's own.
    let seen = source.requests();
    assert!(seen.iter().any(|r| r["path"] == "/redirect-me"), "{seen:?}");
    for r in &seen {
        assert_eq!(
            r["authorization"].as_str(),
            Some(format!("SSWS {OKTA_TOKEN}").as_str()),
            "{r}"
        );
    }
    assert!(seen
        .iter()
        .any(|r| r["path"].as_str().is_some_and(|p| p.starts_with("/api/v1/logs")) && r["status"] == 200));
    for reason in ["host", "redirect", "authorization"] {
        let n = host.metric(&format!(
            "intake_edge_poll_denied_total{{intake=\"hostile\",reason=\"{reason}\"}}"
        ));
        assert!(n >= 1, "denied {reason}: {n}");
    }
    // What the component was given holds the secret's name, not its value.
    let all = events.iter().map(|e| e.to_string()).collect::<String>();
    assert!(all.contains("okta"), "{all}");
    no_secret_anywhere(&host, "hostile", &[OKTA_TOKEN]);
}

#[test]
fn bad_poll_settings_are_named_and_a_loose_secrets_file_is_refused() {
    let (_d, pki) = fake_pki();
    let okta = Fake::start("fake_okta.py", &["--events", "5", "--token", OKTA_TOKEN], &pki);
    let host = Host::start("");
    let bad = format!(
        "{}\n{}",
        polling_intake(
            "p1",
            "okta",
            "component = \"builtin:no-such-poller\"\nurl = \"https://x.example\"\n"
        ),
        polling_intake(
            "p2",
            "okta",
            "component = \"builtin:okta-poller\"\nurl = \"ftp://x.example\"\napi_token = \"x\"\nevery = \"soon\"\n"
        )
        .replace(INTAKE_KEY, "e2e-poll-intake-key-bbbbbbbbbbbbbbb")
    );
    host.write_config(&bad);
    let out = host.cli(&["check"]);
    let text = String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{text}");
    for needle in ["no-such-poller", "ftp", "api_token", "every"] {
        assert!(text.contains(needle), "{needle} not named: {text}");
    }

    // A secrets file others may read: the run fails, and says why.
    let secrets = host.scratch("loose.toml");
    std::fs::write(
        &secrets,
        format!("[okta]\ntype = \"token\"\nscheme = \"SSWS\"\ntoken = \"{OKTA_TOKEN}\"\n"),
    )
    .expect("write");
    std::fs::set_permissions(&secrets, std::os::unix::fs::PermissionsExt::from_mode(0o644)).expect("chmod");
    host.write_config(&format!(
        "[poll]\nsecrets = \"{}\"\n\n{}",
        secrets.display(),
        polling_intake(
            "okta-loose",
            "okta",
            &format!(
                "component = \"builtin:okta-poller\"\nevery = \"1s\"\nurl = \"{}\"\nsecret = \"okta\"\nca_file = \"{}\"\ndelay = \"0s\"\n",
                okta.base(),
                pki.ca.display()
            )
        )
    ));
    host.sighup();
    let error = poll("the run's error", Duration::from_secs(30), || {
        show(&host, "okta-loose")["poll"]["last_error"]
            .as_str()
            .map(str::to_string)
    });
    assert!(error.contains("chmod 600"), "{error}");
    assert!(okta.requests().is_empty());
    // Fixed: the next run reads it.
    std::fs::set_permissions(&secrets, std::os::unix::fs::PermissionsExt::from_mode(0o600)).expect("chmod");
    poll("events after the fix", Duration::from_secs(30), || {
        (host.stored_count(Some("okta-loose"))? == 5).then_some(())
    });
    no_secret_anywhere(&host, "okta-loose", &[OKTA_TOKEN]);

    // Removed by a reload: its loop stops (it ran every second until then).
    host.write_config("");
    host.sighup();
    poll("the intake removed", Duration::from_secs(30), || {
        (!String::from_utf8_lossy(&host.cli(&["intakes", "list"]).stdout).contains("okta-loose")).then_some(())
    });
    std::thread::sleep(Duration::from_secs(2));
    let before = okta.requests().len();
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(okta.requests().len(), before, "requests after the intake was removed");
}

/// A source that answers too much or too slowly: the run ends with the reason, nothing of the
/// page is stored, and the cursor stays where it was.
#[test]
fn a_hostile_source_is_bounded_by_size_and_time() {
    let (_d, pki) = fake_pki();
    let big = Fake::start("fake_okta.py", &["--events", "200", "--token", OKTA_TOKEN], &pki);
    let slow = Fake::start(
        "fake_okta.py",
        &["--events", "5", "--token", OKTA_TOKEN, "--page-delay-ms", "4000"],
        &pki,
    );
    let intake = |name: &str, fake: &Fake, extra: &str| {
        polling_intake(name, "okta", &okta_poll(&fake.base(), &pki, "1s", extra))
    };
    let body = format!(
        "{}\n{}",
        // 200 Okta events are about 350 KB.
        intake("too-big", &big, "max_response_bytes = 65536"),
        intake("too-slow", &slow, "request_timeout = \"1s\"")
            .replace(INTAKE_KEY, "e2e-poll-intake-key-ccccccccccccccc")
    );
    let host = Host::builder(&body)
        .env("INTAKE_EDGE_SECRET_OKTA", &okta_secret())
        .start();
    for (name, needle) in [("too-big", "size"), ("too-slow", "timeout")] {
        let error = poll("the run's error", Duration::from_secs(30), || {
            show(&host, name)["poll"]["last_error"].as_str().map(str::to_string)
        });
        assert!(error.to_lowercase().contains(needle), "{name}: {error}");
        assert_eq!(host.stored_count(Some(name)).unwrap_or(0), 0, "{name}");
        assert!(
            show(&host, name)["poll"]["pages_total"].as_u64().unwrap_or(0) == 0,
            "{name}"
        );
    }
    assert!(host.metric("intake_edge_poll_errors_total{intake=\"too-big\"}") >= 1);
    // The node still serves: its other intakes and its API are unaffected.
    let (code, _) = host.admin_get("/ready");
    assert_eq!(code, 200);
}

/// The admin page shows a polling intake's state: a working one and one whose source is down.
#[test]
fn the_admin_page_shows_each_polling_intakes_state() {
    let (_d, pki) = fake_pki();
    let okta = Fake::start("fake_okta.py", &["--events", "30", "--token", OKTA_TOKEN], &pki);
    let down = format!("https://127.0.0.1:{}", crate::support::senders::free_port());
    let intake = |name: &str, url: &str, key: &str| {
        polling_intake(name, "okta", &okta_poll(url, &pki, "2s", "")).replace(INTAKE_KEY, key)
    };
    let body = format!(
        "{}\n{}",
        intake("okta-up", &okta.base(), "e2e-poll-page-key-aaaaaaaaaaaaaaaa"),
        intake("okta-down", &down, "e2e-poll-page-key-bbbbbbbbbbbbbbbb")
    );
    let host = Host::builder(&body)
        .env("INTAKE_EDGE_SECRET_OKTA", &okta_secret())
        .start();
    poll("both intakes ran", Duration::from_secs(30), || {
        let up = show(&host, "okta-up")["poll"]["last_success"].is_string();
        let down = show(&host, "okta-down")["poll"]["last_error"].is_string();
        (up && down).then_some(())
    });
    let shot = host.scratch("poll.png");
    let out = std::process::Command::new("python3")
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("browser/poll_page.py"))
        .arg(format!("http://{}", host.admin_addr()))
        .args(["okta-up", "okta-down"])
        .arg(&shot)
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.lines().any(|l| l == "OK"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&shot).expect("the screenshot");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{} bytes", png.len());
    if let Ok(dir) = std::env::var("INTAKE_EDGE_KEEP_SCREENSHOT") {
        let _ = std::fs::copy(&shot, std::path::Path::new(&dir).join("poll.png"));
    }
}

/// An event longer than `limits.max_event_bytes` is stored in error with the reason (not given
/// to the format, not dropped), and the run goes on past it; the page keeps its order.
#[test]
fn polled_events_over_the_event_limit_are_stored_in_error() {
    let (_d, pki) = fake_pki();
    let okta = Fake::start("fake_okta.py", &["--events", "60", "--token", OKTA_TOKEN], &pki);
    let source = okta.events();
    let mut sizes: Vec<usize> = source.iter().map(|e| e.to_string().len()).collect();
    sizes.sort_unstable();
    let limit = sizes[sizes.len() / 2];
    let body = format!(
        "[limits]\nmax_event_bytes = {limit}\n\n{}",
        polling_intake(
            "okta-limit",
            "okta",
            &okta_poll(&okta.base(), &pki, "1h", "max_events_per_page = 25"),
        )
    );
    let host = Host::builder(&body)
        .env("INTAKE_EDGE_SECRET_OKTA", &okta_secret())
        .start();
    poll("every event stored", Duration::from_secs(30), || {
        (host.stored_count(Some("okta-limit"))? == 60).then_some(())
    });
    let mut stored = host.intake_events("okta-limit");
    stored.reverse(); // oldest first: ID order
    let (mut over, mut within) = (0, 0);
    for (ev, src) in stored.iter().zip(&source) {
        let raw = ev["raw"].as_str().expect("raw");
        let raw_doc: Value = serde_json::from_str(raw).expect("JSON raw");
        assert_eq!(raw_doc["uuid"], src["uuid"], "stored in the source's order");
        if raw.len() > limit {
            over += 1;
            assert_eq!(ev["status"], "error", "{ev}");
            assert!(ev["error"].to_string().contains("limits.max_event_bytes"), "{ev}");
        } else {
            within += 1;
            assert_eq!(ev["status"], "ok", "{ev}");
        }
    }
    assert!(over > 0 && within > 0, "{over} over, {within} within {limit} bytes");
}
