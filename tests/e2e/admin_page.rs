//! The admin page in a real browser: headless Chromium driven over WebDriver (Selenium) by
//! `tests/browser/intakes_page.py`, and a hostile page against the listener
//! (`tests/browser/hostile_page.py`). Needs `chromium`, `chromium-driver` and Python `selenium`
//! (`scripts/install-deps.sh`).

use crate::support::*;
use std::path::Path;
use std::process::Command;

#[test]
fn intakes_page_creates_shows_and_deletes_an_intake() {
    let host = Host::start(&basic_config());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("browser/intakes_page.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(format!("http://{}", host.admin_addr()))
        .arg(host.url(""))
        .arg(&host.ca)
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the browser test failed ({:?}):\n{stdout}\n{stderr}\nserver log:\n{}",
        out.status,
        host.log().dump()
    );
    assert!(stdout.lines().any(|l| l == "OK browser-made"), "{stdout}\n{stderr}");
    let text = std::fs::read_to_string(&host.config_path).expect("read the configuration");
    assert!(!text.contains("browser-made"), "{text}");
    assert_eq!(
        host.stored_count(Some("browser-made")),
        Some(6),
        "5 events and one in error"
    );
}

#[test]
fn a_hostile_page_in_the_browser_changes_and_reads_nothing() {
    let host = Host::start(&basic_config());
    let before = std::fs::read_to_string(&host.config_path).expect("read the configuration");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("browser/hostile_page.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(format!("http://{}", host.admin_addr()))
        .arg(PLAIN_KEY)
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.lines().any(|l| l == "OK"),
        "the hostile page test failed ({:?}):\n{stdout}\n{stderr}\nserver log:\n{}",
        out.status,
        host.log().dump()
    );
    let after = std::fs::read_to_string(&host.config_path).expect("read the configuration");
    assert_eq!(before, after, "the configuration changed");
}

/// The ten formats of the catalog issue, as builtins.
pub const CATALOG_FORMATS: [&str; 10] = [
    "postfix",
    "windows",
    "paloalto",
    "fortigate",
    "cisco-asa",
    "suricata",
    "squid",
    "haproxy",
    "aws-cloudtrail",
    "okta",
];

/// The catalog in the browser: every builtin is listed (declared or not), the category filter
/// shows exactly each category's formats, and an intake of each new format is created through
/// the form and then serves (`tests/browser/catalog_page.py`).
#[test]
fn the_catalog_filters_by_category_and_creates_an_intake_of_each_new_format() {
    // No [formats] table for them: every builtin is in the catalog, and an intake may name one.
    let host = Host::start(&basic_config());
    let shot = host.scratch("catalog.png");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("browser/catalog_page.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(format!("http://{}", host.admin_addr()))
        .arg(&shot)
        .args(CATALOG_FORMATS)
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.lines().any(|l| l == "OK 10"),
        "the catalog test failed ({:?}):\n{stdout}\n{stderr}\nserver log:\n{}",
        out.status,
        host.log().dump()
    );
    let png = std::fs::read(&shot).expect("the screenshot");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{} bytes", png.len());
    let text = std::fs::read_to_string(&host.config_path).expect("read the configuration");
    for f in CATALOG_FORMATS {
        assert!(
            text.contains(&format!("name = \"cat-{f}\"")),
            "{f} not created:\n{text}"
        );
    }
}
