//! Real senders of the catalog's formats: HAProxy in front of a local HTTP server, Squid proxying
//! curl, Postfix delivering mail, each run by the test with its own configuration in a temporary
//! directory (the packages come from scripts/install-deps.sh). What they log is posted to intakes
//! of the matching formats, and the stored events must be normalized (status `ok`) with the
//! fields each request or message implies.

use crate::support::{intake, poll, senders::free_port, Host};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const HAPROXY_KEY: &str = "e2e-haproxy-key-aaaaaaaaaaaaaaaaa";
const SQUID_KEY: &str = "e2e-squid-key-bbbbbbbbbbbbbbbbbbb";
const POSTFIX_KEY: &str = "e2e-postfix-key-ccccccccccccccccc";

fn config() -> String {
    format!(
        "[formats.haproxy]\ncomponent = \"builtin:haproxy\"\n[formats.squid]\ncomponent = \"builtin:squid\"\n\
         [formats.postfix]\ncomponent = \"builtin:postfix\"\n{}{}{}",
        intake("haproxy-logs", "haproxy", "web", HAPROXY_KEY),
        intake("squid-logs", "squid", "proxy", SQUID_KEY),
        intake("postfix-logs", "postfix", "mail", POSTFIX_KEY),
    )
}

/// A child process killed (and reaped) on drop.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `python3 -m http.server` on a free port, serving an empty directory (`/` answers 200, any
/// other path 404).
fn backend(dir: &std::path::Path) -> (Running, u16) {
    let port = free_port();
    let child = Command::new("python3")
        .args([
            "-m",
            "http.server",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 http.server");
    poll("the backend to listen", Duration::from_secs(20), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).ok()
    });
    (Running(child), port)
}

fn curl(args: &[&str]) -> String {
    let out = Command::new("curl")
        .args(["-s", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}"])
        .args(args)
        .output()
        .expect("curl");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Posts `lines` to the intake of `key` and returns the stored events, in order.
fn store(host: &Host, key: &str, lines: &[String]) -> Vec<Value> {
    let ids = host
        .post("/plain/batch")
        .key(key)
        .body(lines.join("\n"))
        .send()
        .event_ids();
    ids.iter().map(|id| host.events_get(id)).collect()
}

/// Every event normalized (not in error): the format read what the real program wrote.
fn all_ok(events: &[Value]) {
    for e in events {
        assert_eq!(e["status"], "ok", "{e:#}");
    }
}

fn statuses(events: &[Value]) -> Vec<u64> {
    let mut s: Vec<u64> = events
        .iter()
        .filter_map(|e| e["normalized"]["http"]["response"]["status_code"].as_u64())
        .collect();
    s.sort_unstable();
    s
}

#[test]
fn haproxy_http_and_tcp_logs_are_normalized() {
    let host = Host::start(&config());
    let dir = tempfile::tempdir().expect("temp dir");
    let (backend, backend_port) = backend(dir.path());
    let (http_port, tcp_port) = (free_port(), free_port());
    let cfg = dir.path().join("haproxy.cfg");
    std::fs::write(
        &cfg,
        format!(
            "global\n  log stdout format rfc3164 local0 info\n\
             defaults\n  log global\n  option dontlognull\n  timeout connect 2s\n  timeout client 5s\n  timeout server 5s\n\
             frontend web\n  mode http\n  option httplog\n  bind 127.0.0.1:{http_port}\n  default_backend app\n\
             backend app\n  mode http\n  server app1 127.0.0.1:{backend_port}\n\
             frontend tcp_in\n  mode tcp\n  option tcplog\n  bind 127.0.0.1:{tcp_port}\n  default_backend app_tcp\n\
             backend app_tcp\n  mode tcp\n  server app1 127.0.0.1:{backend_port}\n"
        ),
    )
    .expect("haproxy.cfg");
    let mut child = Command::new("haproxy")
        .arg("-db")
        .arg("-f")
        .arg(&cfg)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("haproxy (scripts/install-deps.sh installs it)");
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let stdout = child.stdout.take().expect("stdout");
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            sink.lock().unwrap_or_else(|p| p.into_inner()).push(line);
        }
    });
    let _haproxy = Running(child);
    poll("haproxy to listen", Duration::from_secs(20), || {
        std::net::TcpStream::connect(("127.0.0.1", http_port)).ok()
    });
    let web = format!("http://127.0.0.1:{http_port}");
    assert_eq!(curl(&[&format!("{web}/")]), "200");
    assert_eq!(curl(&[&format!("{web}/missing?x=1"), "-A", "e2e-agent/1.0"]), "404");
    assert_eq!(curl(&[&format!("http://127.0.0.1:{tcp_port}/")]), "200");
    drop(backend);
    assert_eq!(curl(&[&format!("{web}/down")]), "503");
    let logged: Vec<String> = poll("four log lines", Duration::from_secs(20), || {
        let l = lines.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let requests: Vec<String> = l.into_iter().filter(|l| l.contains("127.0.0.1:")).collect();
        (requests.len() >= 4).then_some(requests)
    });
    let events = store(&host, HAPROXY_KEY, &logged);
    all_ok(&events);
    assert_eq!(statuses(&events), [200, 404, 503], "{events:#?}");
    for e in &events {
        let n = &e["normalized"];
        assert_eq!(n["source"]["ip"], "127.0.0.1", "{n:#}");
        let frontend = n["haproxy"]["frontend_name"].as_str().expect("haproxy.frontend_name");
        assert!(frontend == "web" || frontend == "tcp_in", "{n:#}");
    }
    let not_found = events
        .iter()
        .find(|e| e["normalized"]["http"]["response"]["status_code"] == 404)
        .expect("the 404");
    assert_eq!(not_found["normalized"]["http"]["request"]["method"], "GET");
    assert_eq!(not_found["normalized"]["url"]["path"], "/missing");
}

#[test]
fn squid_access_logs_are_normalized() {
    let host = Host::start(&config());
    let dir = tempfile::tempdir().expect("temp dir");
    let (_backend, backend_port) = backend(dir.path());
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).expect("logs dir");
    // Squid drops root for its `proxy` user: its files live where that user can write.
    let chown = Command::new("chown").arg("-R").arg("proxy:proxy").arg(&logs).status();
    assert!(chown.is_ok_and(|s| s.success()), "chown proxy");
    let port = free_port();
    let cfg = dir.path().join("squid.conf");
    std::fs::write(
        &cfg,
        format!(
            "http_port 127.0.0.1:{port}\npid_filename {l}/squid.pid\naccess_log stdio:{l}/access.log squid\n\
             cache_log {l}/cache.log\ncache_store_log none\ncoredump_dir {l}\ncache deny all\n\
             acl blocked dstdomain .blocked.example\nhttp_access deny blocked\nacl SSL_ports port 1-65535\n\
             acl CONNECT method CONNECT\nhttp_access allow localhost\nhttp_access deny all\nshutdown_lifetime 1 seconds\n",
            l = logs.display()
        ),
    )
    .expect("squid.conf");
    let child = Command::new("squid")
        .args(["-N", "-f"])
        .arg(&cfg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("squid (scripts/install-deps.sh installs it)");
    let _squid = Running(child);
    poll("squid to listen", Duration::from_secs(30), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).ok()
    });
    let proxy = format!("http://127.0.0.1:{port}");
    let target = format!("http://127.0.0.1:{backend_port}");
    assert_eq!(curl(&["-x", &proxy, &format!("{target}/")]), "200");
    assert_eq!(curl(&["-x", &proxy, &format!("{target}/nope")]), "404");
    assert_eq!(curl(&["-x", &proxy, "http://www.blocked.example/"]), "403");
    assert_eq!(curl(&["-p", "-x", &proxy, &format!("{target}/")]), "200");
    let access = logs.join("access.log");
    // Squid logs a tunnel when it closes, and the readiness probe above may log a line of its
    // own (NONE_NONE/000): wait for the lines of the four requests, whatever else is there.
    let logged: Vec<String> = poll("the four requests' log lines", Duration::from_secs(20), || {
        let text = std::fs::read_to_string(&access).unwrap_or_default();
        let complete = text.ends_with('\n')
            && ["CONNECT ", "TCP_DENIED/403", "/nope ", "/200 "]
                .iter()
                .all(|m| text.contains(m));
        complete.then(|| text.lines().map(str::to_string).collect())
    });
    let events = store(&host, SQUID_KEY, &logged);
    all_ok(&events);
    for e in &events {
        assert_eq!(e["normalized"]["source"]["ip"], "127.0.0.1", "{e:#}");
    }
    let methods: Vec<&str> = events
        .iter()
        .filter_map(|e| e["normalized"]["http"]["request"]["method"].as_str())
        .collect();
    assert!(methods.contains(&"CONNECT") && methods.contains(&"GET"), "{methods:?}");
    let s = statuses(&events);
    assert!(s.contains(&404) && s.contains(&403) && s.contains(&200), "{s:?}");
}

/// A Postfix instance of its own (configuration, queue, data and log file in a temporary
/// directory; `maillog_file`, so no syslog daemon is needed) on a free port.
struct Postfix {
    dir: tempfile::TempDir,
    port: u16,
}

impl Postfix {
    fn start() -> Postfix {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let d = dir.path();
        for sub in ["etc", "spool", "data", "mail"] {
            std::fs::create_dir_all(d.join(sub)).expect("postfix dirs");
        }
        let main_cf = format!(
            "compatibility_level = 3.6\nqueue_directory = {d}/spool\ndata_directory = {d}/data\n\
             maillog_file = {d}/maillog\nmaillog_file_prefixes = {d}\nmail_spool_directory = {d}/mail\n\
             myhostname = edge-test.localdomain\nmydestination = localhost, edge-test.localdomain\n\
             inet_interfaces = 127.0.0.1\ninet_protocols = ipv4\nalias_maps =\nalias_database =\n\
             mail_owner = postfix\nsetgid_group = postdrop\n",
            d = d.display()
        );
        std::fs::write(d.join("etc/main.cf"), main_cf).expect("main.cf");
        let master = std::fs::read_to_string("/etc/postfix/master.cf")
            .expect("/etc/postfix/master.cf (scripts/install-deps.sh installs postfix)");
        // smtpd on our port, not chrooted (the chroot would need a copy of /etc files).
        let master: String = master
            .lines()
            .map(|l| {
                if l.starts_with("smtp ") && l.contains(" inet ") {
                    format!("127.0.0.1:{port} inet n - n - - smtpd")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(d.join("etc/master.cf"), master + "\n").expect("master.cf");
        let chown = Command::new("chown").arg("postfix").arg(d.join("data")).status();
        assert!(chown.is_ok_and(|s| s.success()), "chown postfix");
        let started = Command::new("postfix")
            .arg("-c")
            .arg(d.join("etc"))
            .arg("start")
            .status()
            .expect("postfix");
        assert!(
            started.success(),
            "postfix start: {:?}",
            std::fs::read_to_string(d.join("maillog"))
        );
        poll("postfix to listen", Duration::from_secs(30), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).ok()
        });
        Postfix { dir, port }
    }

    fn log_lines(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("maillog"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

impl Drop for Postfix {
    fn drop(&mut self) {
        let _ = Command::new("postfix")
            .arg("-c")
            .arg(self.dir.path().join("etc"))
            .arg("stop")
            .status();
    }
}

#[test]
fn postfix_smtp_sessions_and_deliveries_are_normalized() {
    let host = Host::start(&config());
    let postfix = Postfix::start();
    // One recipient refused (unknown user), one message accepted and delivered locally.
    let script = format!(
        "import smtplib\n\
         s = smtplib.SMTP('127.0.0.1', {port}, local_hostname='client.example')\n\
         try:\n    s.sendmail('alice@example.org', ['nobody-here@edge-test.localdomain'], 'Subject: x\\r\\n\\r\\nx')\n\
         except smtplib.SMTPRecipientsRefused:\n    pass\n\
         s.sendmail('alice@example.org', ['root@edge-test.localdomain'], 'Subject: hi\\r\\nMessage-ID: <e2e-1@example.org>\\r\\n\\r\\nhello')\n\
         s.quit()\n",
        port = postfix.port
    );
    let sent = Command::new("python3")
        .arg("-c")
        .arg(&script)
        .status()
        .expect("python3");
    assert!(sent.success());
    let lines = poll("the delivery to be logged", Duration::from_secs(30), || {
        let lines = postfix.log_lines();
        lines.iter().any(|l| l.contains("removed")).then_some(lines)
    });
    let session: Vec<String> = lines
        .into_iter()
        .filter(|l| ["smtpd[", "cleanup[", "qmgr[", "local["].iter().any(|p| l.contains(p)))
        .collect();
    let events = store(&host, POSTFIX_KEY, &session);
    all_ok(&events);
    let field = |e: &Value, path: &[&str]| -> Value { path.iter().fold(e["normalized"].clone(), |v, k| v[*k].clone()) };
    let reject = events
        .iter()
        .find(|e| e["raw"].as_str().is_some_and(|r| r.contains("NOQUEUE: reject")))
        .expect("the rejected recipient");
    assert_eq!(field(reject, &["event", "outcome"]), "failure", "{reject:#}");
    // ECS email addresses are arrays; one string is accepted too.
    let from = field(reject, &["email", "from", "address"]);
    assert!(
        from == "alice@example.org"
            || from
                .as_array()
                .is_some_and(|a| a.iter().any(|v| v == "alice@example.org")),
        "{reject:#}"
    );
    let delivered = events
        .iter()
        .find(|e| e["raw"].as_str().is_some_and(|r| r.contains("status=sent")))
        .expect("the delivery");
    assert_eq!(field(delivered, &["event", "outcome"]), "success", "{delivered:#}");
    let connect = events
        .iter()
        .find(|e| e["raw"].as_str().is_some_and(|r| r.contains("connect from localhost")))
        .expect("the connection");
    assert_eq!(field(connect, &["source", "ip"]), "127.0.0.1", "{connect:#}");
}
