//! What a package ships, checked without building one (the shipping build takes minutes): the
//! default configuration it installs passes `intake-edge check`, the systemd unit passes
//! `systemd-analyze verify` (its binary path pointed at the build under test) with an
//! exposure score of at most 2.0, and `--version` names the release, the commit and the
//! builtin formats. `packaging/build-deb.sh` builds the package itself.

use crate::support::bin;
use std::path::Path;
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is one level below the repository root")
}

#[test]
fn the_packaged_configuration_passes_check() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("intakes.toml");
    let made = Command::new(repo().join("packaging/default-config.sh"))
        .arg(&config)
        .status()
        .expect("run default-config.sh");
    assert!(made.success());
    let text = std::fs::read_to_string(&config).expect("the packaged file");
    assert!(text.contains("data_dir = \"/var/lib/intake-edge\""), "{text}");
    let out = Command::new(bin())
        .arg("check")
        .arg("--config")
        .arg(&config)
        .output()
        .expect("run check");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_unit_verifies_and_is_hardened() {
    let dir = tempfile::tempdir().expect("temp dir");
    let unit = std::fs::read_to_string(repo().join("packaging/intake-edge.service")).expect("the unit");
    assert!(unit.contains("ExecStart=/usr/bin/intake-edge serve"));
    assert!(unit.contains("Type=notify") && unit.contains("ExecReload=/bin/kill -HUP $MAINPID"));
    let local = unit.replace("/usr/bin/intake-edge", &bin().display().to_string());
    let path = dir.path().join("intake-edge.service");
    std::fs::write(&path, local).expect("write the unit");
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&path)
        .output()
        .expect("systemd-analyze (scripts/install-deps.sh installs systemd)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new("systemd-analyze")
        .args(["security", "--offline=yes"])
        .arg(&path)
        .output()
        .expect("systemd-analyze security");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let score: f64 = text
        .lines()
        .find_map(|l| l.split("exposure level for intake-edge.service: ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no exposure level in:\n{text}"));
    assert!(score <= 2.0, "exposure {score}:\n{text}");
}

#[test]
fn version_names_the_release_the_commit_and_the_builtin_formats() {
    let out = Command::new(bin()).arg("--version").output().expect("run --version");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let version = env!("CARGO_PKG_VERSION");
    assert!(text.starts_with(&format!("intake-edge {version} (commit ")), "{text}");
    let commit = text
        .split("(commit ")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .expect("a commit");
    assert!(
        commit == "unknown" || (commit.len() == 12 && commit.bytes().all(|b| b.is_ascii_hexdigit())),
        "{commit}"
    );
    let formats = text
        .lines()
        .find_map(|l| l.strip_prefix("builtin formats: "))
        .unwrap_or_else(|| panic!("no builtin formats line in {text}"));
    let listed: Vec<(&str, &str)> = formats.split(", ").filter_map(|f| f.split_once(' ')).collect();
    for format in [
        "plain", "json", "syslog", "cef", "nginx", "apache", "openssh", "unbound",
    ] {
        let (_, v) = listed
            .iter()
            .find(|(name, _)| *name == format)
            .unwrap_or_else(|| panic!("{format} not in {formats}"));
        assert_eq!(v.split('.').count(), 3, "{format} {v}");
    }
    let pollers = text
        .lines()
        .find_map(|l| l.strip_prefix("builtin pollers: "))
        .unwrap_or_else(|| panic!("no builtin pollers line in {text}"));
    for poller in ["okta-poller", "m365-poller", "cloudtrail-poller"] {
        assert!(pollers.contains(&format!("{poller} 0.")), "{poller} not in {pollers}");
    }
}

/// systemd's side of `Type=notify`, played by the test: a datagram socket named in
/// `NOTIFY_SOCKET`. `READY=1` comes once the HTTPS listener accepts connections, `RELOADING=1`
/// then `READY=1` around a SIGHUP reload, `STOPPING=1` at SIGTERM.
#[test]
fn the_node_tells_systemd_when_it_is_ready_reloading_and_stopping() {
    use std::os::unix::net::UnixDatagram;
    use std::time::Duration;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("notify.sock");
    let socket = UnixDatagram::bind(&path).expect("bind the notify socket");
    socket.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let next = || {
        let mut buf = [0u8; 512];
        let n = socket.recv(&mut buf).expect("a notification");
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    let mut host = crate::support::Host::builder(&crate::support::basic_config())
        .env("NOTIFY_SOCKET", &path.display().to_string())
        .start();
    let ready = next();
    assert!(ready.starts_with("READY=1\nSTATUS=serving HTTPS on "), "{ready:?}");
    std::net::TcpStream::connect(host.addr()).expect("serving when READY=1 came");
    host.sighup();
    assert_eq!(next(), "RELOADING=1");
    assert_eq!(next(), "READY=1");
    host.stop();
    assert_eq!(next(), "STOPPING=1");
}
