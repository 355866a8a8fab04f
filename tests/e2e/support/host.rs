//! A running `intake-edge serve` in its own temporary directory, with its log collected.

use super::pki::Pki;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long a host may take to bind its listener (it compiles its components first).
/// A maximum, not a wait: a host declaring many builtins compiles each at start (seconds each
/// on a busy 2-core box).
const START_TIMEOUT: Duration = Duration::from_secs(90);
/// Every listener starts on an ephemeral loopback port, so that hosts can run side by side.
const EPHEMERAL: &str = "127.0.0.1:0";
/// How long a graceful stop may take.
const STOP_TIMEOUT: Duration = Duration::from_secs(60);

/// The `intake-edge` binary under test: `$INTAKE_EDGE_BIN`, else the one cargo built next to
/// this test binary (`target/<profile>/deps/e2e-…` → `target/<profile>/intake-edge`).
pub fn bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let path = match std::env::var_os("INTAKE_EDGE_BIN") {
            Some(p) => PathBuf::from(p),
            None => {
                let exe = std::env::current_exe().expect("the test binary's path");
                exe.parent()
                    .and_then(Path::parent)
                    .map(|profile| profile.join("intake-edge"))
                    .expect("the test binary lives in target/<profile>/deps/")
            }
        };
        assert!(
            path.is_file(),
            "the intake-edge binary is missing at {}: build it first with \
             `cargo build --release -p intake-edge` and run this suite with \
             `cargo test --release -p e2e` (same profile), or set INTAKE_EDGE_BIN",
            path.display()
        );
        path
    })
}

/// Where the build put the format components, the hostile test ones included:
/// `$INTAKE_EDGE_COMPONENT_DIR`, else `<target dir>/wasm/wasm32-wasip2/release` (the host's
/// build script uses `$CARGO_TARGET_DIR/wasm`, and the binary is in `<target dir>/<profile>/`).
pub fn component_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let mut candidates = Vec::new();
        if let Some(dir) = std::env::var_os("INTAKE_EDGE_COMPONENT_DIR") {
            candidates.push(PathBuf::from(dir));
        }
        if let Some(target) = bin().parent().and_then(Path::parent) {
            candidates.push(target.join("wasm/wasm32-wasip2/release"));
        }
        candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/wasm/wasm32-wasip2/release"));
        candidates
            .iter()
            .find(|d| d.join("hostile_loop.wasm").is_file())
            .cloned()
            .unwrap_or_else(|| {
                panic!(
                    "no built components (hostile_loop.wasm) in any of {candidates:?}: \
                     `cargo build --release -p intake-edge` builds them"
                )
            })
    })
}

/// The host's stderr, one entry per line, shared with the thread that reads it.
#[derive(Clone, Default)]
pub struct Log {
    inner: Arc<(Mutex<Vec<String>>, Condvar)>,
}

impl Log {
    fn push(&self, line: String) {
        let (lines, changed) = &*self.inner;
        lines.lock().unwrap_or_else(|p| p.into_inner()).push(line);
        changed.notify_all();
    }

    /// Every line so far.
    pub fn lines(&self) -> Vec<String> {
        self.inner.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn len(&self) -> usize {
        self.inner.0.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// The JSON log entries from line `from` on (non-JSON lines are skipped).
    pub fn entries_from(&self, from: usize) -> Vec<Value> {
        self.lines()
            .iter()
            .skip(from)
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Every JSON log entry whose message is `message`.
    pub fn with_message(&self, message: &str) -> Vec<Value> {
        self.entries_from(0)
            .into_iter()
            .filter(|e| message_of(e) == message)
            .collect()
    }

    /// The first entry at or after line `from` that `pred` accepts.
    pub fn find_from(&self, from: usize, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        self.entries_from(from).into_iter().find(|e| pred(e))
    }

    /// Waits up to `timeout` for an entry at or after line `from` whose message starts with
    /// `prefix`; panics with the whole log otherwise.
    pub fn wait_for(&self, from: usize, prefix: &str, timeout: Duration) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(e) = self.find_from(from, |e| message_of(e).starts_with(prefix)) {
                return e;
            }
            let now = Instant::now();
            assert!(
                now < deadline,
                "no log line {prefix:?} within {timeout:?}; log:\n{}",
                self.dump()
            );
            self.wait_change(deadline - now);
        }
    }

    /// Blocks until a line is added or `timeout` (at most 50 ms) passes.
    fn wait_change(&self, timeout: Duration) {
        let (lines, changed) = &*self.inner;
        let guard = lines.lock().unwrap_or_else(|p| p.into_inner());
        let n = guard.len();
        let _ = changed
            .wait_timeout_while(guard, timeout.min(Duration::from_millis(50)), |l| l.len() == n)
            .unwrap_or_else(|p| p.into_inner());
    }

    pub fn dump(&self) -> String {
        self.lines().join("\n")
    }
}

/// `fields.message` of a JSON log entry.
pub fn message_of(entry: &Value) -> &str {
    entry["fields"]["message"].as_str().unwrap_or("")
}

/// How a host gets its TLS identity.
#[derive(Debug, Clone)]
enum Tls {
    /// The test PKI, through `[tls] cert/key`.
    Minted(Pki),
    /// No `[tls]`: the host generates `<data_dir>/tls/` on first start.
    SelfSigned,
}

/// Options for [`Host`]s that need more than [`Host::start`].
pub struct HostBuilder {
    body: String,
    self_signed: bool,
    env: Vec<(String, String)>,
    sections: Sections,
}

/// Settings the harness writes into the tables it owns (`[syslog]`, `[relp]`, `[tls]`): a test
/// body cannot open those tables again.
#[derive(Debug, Clone, Default)]
struct Sections {
    syslog: String,
    relp: String,
    admin: String,
    /// `Some(require_client_cert)`: `[tls] client_ca` is the test CA.
    client_ca: Option<bool>,
}

/// Where the listeners listen: port 0 until [`Host::pin_ports`].
#[derive(Debug, Clone)]
struct ListenAt {
    https: String,
    syslog: String,
    relp: String,
}

/// A listener bound to one intake (`[[syslog.bound]]`, `[[relp.bound]]`), as logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundListener {
    pub protocol: String,
    pub intake: String,
    pub addr: String,
}

impl HostBuilder {
    /// No `[tls]` section: the host generates its own CA and certificate.
    pub fn self_signed(mut self) -> Self {
        self.self_signed = true;
        self
    }

    /// An environment variable for the server process (e.g. `RUST_LOG`).
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// Extra `key = value` lines for the `[syslog]` table (e.g. `max_frame_bytes = 1024`).
    pub fn syslog_settings(mut self, lines: &str) -> Self {
        self.sections.syslog.push_str(lines);
        self.sections.syslog.push('\n');
        self
    }

    /// Extra `key = value` lines for the `[admin]` table (e.g. `token = "..."`).
    pub fn admin_settings(mut self, lines: &str) -> Self {
        self.sections.admin.push_str(lines);
        self.sections.admin.push('\n');
        self
    }

    /// Extra `key = value` lines for the `[relp]` table (e.g. `idle_timeout_secs = 1`).
    pub fn relp_settings(mut self, lines: &str) -> Self {
        self.sections.relp.push_str(lines);
        self.sections.relp.push('\n');
        self
    }

    /// `[tls] client_ca` = the test CA: syslog/RELP client certificates are verified (and
    /// required when `require` is set).
    pub fn client_ca(mut self, require: bool) -> Self {
        self.sections.client_ca = Some(require);
        self
    }

    pub fn start(self) -> Host {
        let dir = tempfile::Builder::new()
            .prefix("intake-edge-e2e-")
            .tempdir()
            .expect("temporary directory");
        let root = dir.path().to_path_buf();
        let (tls, ca) = if self.self_signed {
            (Tls::SelfSigned, root.join("data/tls/ca.pem"))
        } else {
            let pki = Pki::mint(&root.join("pki"));
            let ca = pki.ca.clone();
            (Tls::Minted(pki), ca)
        };
        let mut host = Host {
            config_path: root.join("intakes.toml"),
            data_dir: root.join("data"),
            ca,
            tls,
            body: self.body.clone(),
            sections: self.sections,
            listen: ListenAt {
                https: EPHEMERAL.into(),
                syslog: EPHEMERAL.into(),
                relp: EPHEMERAL.into(),
            },
            addr: String::new(),
            syslog_addr: None,
            relp_addr: None,
            admin_addr: None,
            bound: Vec::new(),
            child: None,
            log: Log::default(),
            env: self.env,
            files: AtomicUsize::new(0),
            dir,
        };
        host.write_config(&self.body);
        host.spawn();
        host
    }
}

/// A running (or stopped) `intake-edge serve`, in its own temporary directory.
pub struct Host {
    pub config_path: PathBuf,
    pub data_dir: PathBuf,
    /// The CA certificate that clients must trust.
    pub ca: PathBuf,
    tls: Tls,
    /// The body given at start, for [`Host::pin_ports`].
    body: String,
    sections: Sections,
    listen: ListenAt,
    /// `127.0.0.1:PORT` of the HTTPS listener, as logged.
    addr: String,
    /// The main syslog and RELP listeners, as logged (`None`: not enabled).
    syslog_addr: Option<String>,
    relp_addr: Option<String>,
    admin_addr: Option<String>,
    bound: Vec<BoundListener>,
    child: Option<Child>,
    log: Log,
    env: Vec<(String, String)>,
    files: AtomicUsize,
    // Last: removed after everything that uses it.
    dir: tempfile::TempDir,
}

impl Host {
    /// Writes `intakes.toml` (the test's `body` after `data_dir`, `[https]` on port 0 and
    /// `[tls]` with the test PKI) in a new temporary directory and serves it.
    pub fn start(body: &str) -> Host {
        Host::builder(body).start()
    }

    pub fn builder(body: &str) -> HostBuilder {
        HostBuilder {
            body: body.to_string(),
            self_signed: false,
            env: Vec::new(),
            sections: Sections::default(),
        }
    }

    /// The full configuration file for `body`, as [`Host::start`] writes it.
    pub fn config_text(&self, body: &str) -> String {
        let (l, s) = (&self.listen, &self.sections);
        let mut text = format!(
            "data_dir = {}\n\n[https]\nlisten = \"{}\"\n\n[admin]\nlisten = \"127.0.0.1:0\"\n{}\n[syslog]\nlisten = \"{}\"\n{}\n[relp]\nlisten = \"{}\"\n{}\n",
            toml_string(&self.data_dir),
            l.https,
            s.admin,
            l.syslog,
            s.syslog,
            l.relp,
            s.relp
        );
        let mut tls = String::new();
        if let Tls::Minted(pki) = &self.tls {
            tls.push_str(&format!(
                "cert = {}\nkey = {}\n",
                toml_string(&pki.cert),
                toml_string(&pki.key)
            ));
        }
        if let Some(require) = s.client_ca {
            tls.push_str(&format!(
                "client_ca = {}\nrequire_client_cert = {require}\n",
                toml_string(&self.ca)
            ));
        }
        if !tls.is_empty() {
            text.push_str(&format!("[tls]\n{tls}\n"));
        }
        text.push_str(body);
        text
    }

    /// Rewrites the configuration with the ports the listeners of `protocols` ("https",
    /// "syslog", "relp") got, so that a restart binds the same ones (senders such as rsyslog
    /// reconnect to a fixed port).
    pub fn pin_ports(&mut self, protocols: &[&str]) {
        for protocol in protocols {
            match *protocol {
                "https" => self.listen.https = self.addr.clone(),
                "syslog" => self.listen.syslog = self.syslog_addr().to_string(),
                "relp" => self.listen.relp = self.relp_addr().to_string(),
                other => panic!("no listener {other:?}"),
            }
        }
        let body = self.body.clone();
        self.write_config(&body);
    }

    /// The test PKI (not for [`HostBuilder::self_signed`] hosts).
    pub fn pki(&self) -> &Pki {
        match &self.tls {
            Tls::Minted(pki) => pki,
            Tls::SelfSigned => panic!("a self-signed host has no test PKI"),
        }
    }

    /// Replaces the configuration file with `body` (wrapped like [`Host::start`] does).
    pub fn write_config(&self, body: &str) {
        self.write_raw_config(&self.config_text(body));
    }

    /// Replaces the configuration file with exactly `text`.
    pub fn write_raw_config(&self, text: &str) {
        // Write then rename: a reload never reads a half-written file.
        let tmp = self.dir.path().join("intakes.toml.tmp");
        std::fs::write(&tmp, text).expect("write the configuration");
        std::fs::rename(&tmp, &self.config_path).expect("replace the configuration");
    }

    /// A fresh file path in the host's directory.
    pub fn scratch(&self, name: &str) -> PathBuf {
        let n = self.files.fetch_add(1, Ordering::Relaxed);
        self.dir.path().join(format!("{n}-{name}"))
    }

    pub fn log(&self) -> &Log {
        &self.log
    }

    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// `127.0.0.1:PORT` of the main syslog-over-TLS listener.
    pub fn syslog_addr(&self) -> &str {
        self.syslog_addr.as_deref().expect("the syslog listener is enabled")
    }

    /// `127.0.0.1:PORT` of the main RELP-over-TLS listener.
    /// The admin listener's address (plain HTTP).
    pub fn admin_addr(&self) -> &str {
        self.admin_addr
            .as_deref()
            .unwrap_or_else(|| panic!("no admin listener in the log:\n{}", self.log.dump()))
    }

    /// `GET http://ADMIN/PATH` with curl, no token: status and body.
    /// The value of the first `/metrics` line starting with `line_start` (0 if none).
    pub fn metric(&self, line_start: &str) -> u64 {
        let (_, metrics) = self.admin_get("/metrics");
        metrics
            .lines()
            .find(|l| l.starts_with(line_start))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    pub fn admin_get(&self, path: &str) -> (u16, String) {
        let out = Command::new("curl")
            .args(["-sS", "--max-time", "10", "-w", "\n%{http_code}"])
            .arg(format!("http://{}{path}", self.admin_addr()))
            .output()
            .expect("run curl");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let (body, code) = text.rsplit_once('\n').expect("curl status line");
        (code.trim().parse().expect("status"), body.to_string())
    }

    pub fn relp_addr(&self) -> &str {
        self.relp_addr.as_deref().expect("the RELP listener is enabled")
    }

    /// Every listener bound to one intake.
    pub fn bound(&self) -> &[BoundListener] {
        &self.bound
    }

    /// The address of the `protocol` listener bound to `intake`.
    pub fn bound_addr(&self, protocol: &str, intake: &str) -> &str {
        self.bound
            .iter()
            .find(|b| b.protocol == protocol && b.intake == intake)
            .map(|b| b.addr.as_str())
            .unwrap_or_else(|| panic!("no {protocol} listener bound to {intake}: {:?}", self.bound))
    }

    pub fn url(&self, path: &str) -> String {
        format!("https://{}{path}", self.addr)
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("the host is not running").id()
    }

    fn spawn(&mut self) {
        assert!(self.child.is_none(), "the host is already running");
        let from = self.log.len();
        let mut cmd = Command::new(bin());
        cmd.arg("serve")
            .arg("--config")
            .arg(&self.config_path)
            .args(["--log-format", "json"])
            .env_remove("RUST_LOG")
            .env_remove("INTAKE_EDGE_LOG_FORMAT")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn intake-edge serve");
        let stderr = child.stderr.take().expect("piped stderr");
        let log = self.log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                match line {
                    Ok(l) => log.push(l),
                    Err(_) => break,
                }
            }
        });
        self.child = Some(child);
        let deadline = Instant::now() + START_TIMEOUT;
        let ready = |e: &Value| message_of(e) == "Ready.";
        loop {
            let entries = self.log.entries_from(from);
            if entries.iter().any(ready) {
                self.read_addresses(&entries);
                break;
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                self.child = None;
                panic!(
                    "intake-edge serve exited ({status}) before it was ready; log:\n{}",
                    self.log.dump()
                );
            }
            if Instant::now() > deadline {
                self.kill9();
                panic!(
                    "intake-edge serve was not ready within {START_TIMEOUT:?}; log:\n{}",
                    self.log.dump()
                );
            }
            self.log.wait_change(Duration::from_millis(50));
        }
        assert!(
            self.addr.starts_with("127.0.0.1:") && !self.addr.ends_with(":0"),
            "bad bound address {:?}",
            self.addr
        );
        // "Ready." is logged before the SIGHUP/SIGTERM handlers are installed: wait until the
        // kernel shows them caught, or a signal sent now would kill the process.
        let pid = self.pid();
        super::poll("the server's signal handlers", START_TIMEOUT, || {
            caught_signals(pid).filter(|m| m & HANDLED == HANDLED)
        });
    }

    /// The listeners' addresses from the start-up log: "Listener bound." per listener, and
    /// "Listener bound to one intake." for the bound ones (which are also "Listener bound.").
    fn read_addresses(&mut self, entries: &[Value]) {
        let field = |e: &Value, name: &str| e["fields"][name].as_str().unwrap_or("").to_string();
        self.bound = entries
            .iter()
            .filter(|e| message_of(e) == "Listener bound to one intake.")
            .map(|e| BoundListener {
                protocol: field(e, "protocol"),
                intake: field(e, "intake"),
                addr: field(e, "addr"),
            })
            .collect();
        let main = |protocol: &str| {
            entries
                .iter()
                .filter(|e| message_of(e) == "Listener bound." && e["fields"]["protocol"] == protocol)
                .map(|e| field(e, "addr"))
                .find(|addr| !self.bound.iter().any(|b| &b.addr == addr))
        };
        let (https, syslog, relp) = (main("https"), main("syslog"), main("relp"));
        self.addr = https.unwrap_or_else(|| panic!("no HTTPS listener in the log:\n{}", self.log.dump()));
        self.syslog_addr = syslog;
        self.relp_addr = relp;
        self.admin_addr = main("admin");
    }

    /// Starts the server again on the same configuration and data directory.
    pub fn restart(&mut self) {
        self.spawn();
    }

    /// Sends `signal` (a name such as `TERM`) with kill(1).
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args(["-s", signal, &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -s {signal} failed: {status}");
    }

    /// Asks the server to reload its configuration file.
    pub fn sighup(&self) {
        self.signal("HUP");
    }

    /// Waits up to `timeout` for the server to exit.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            let child = self.child.as_mut().expect("the host is not running");
            if let Some(status) = child.try_wait().expect("wait for the server") {
                self.child = None;
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Graceful stop: SIGTERM, then the server must exit with status 0.
    pub fn stop(&mut self) {
        self.signal("TERM");
        let status = self.wait_exit(STOP_TIMEOUT);
        let Some(status) = status else {
            self.kill9();
            panic!(
                "the server did not stop within {STOP_TIMEOUT:?} of SIGTERM; log:\n{}",
                self.log.dump()
            );
        };
        assert!(
            status.success(),
            "the server exited with {status} after SIGTERM; log:\n{}",
            self.log.dump()
        );
    }

    /// SIGKILL: no chance to clean up.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Runs `intake-edge ARGS --config <this host's file>` to completion.
    pub fn cli(&self, args: &[&str]) -> Output {
        Command::new(bin())
            .args(args)
            .arg("--config")
            .arg(&self.config_path)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .output()
            .expect("run intake-edge")
    }

    /// `events get ID`, which must exist.
    pub fn events_get(&self, id: &str) -> Value {
        self.try_events_get(id).unwrap_or_else(|| {
            panic!("event {id} is not in the store");
        })
    }

    /// `events get ID`: `None` if it is not found (exit 1).
    pub fn try_events_get(&self, id: &str) -> Option<Value> {
        let out = self.cli(&["events", "get", id]);
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("no event"), "events get {id} failed: {stderr}");
            return None;
        }
        let text = String::from_utf8(out.stdout).expect("UTF-8 output");
        assert_eq!(text.lines().count(), 1, "one JSON line: {text}");
        Some(serde_json::from_str(&text).expect("events get prints JSON"))
    }

    /// `events list ARGS` (newest first).
    pub fn events_list(&self, args: &[&str]) -> Vec<Value> {
        let mut all = vec!["events", "list"];
        all.extend_from_slice(args);
        let out = self.cli(&all);
        assert!(
            out.status.success(),
            "events list failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("UTF-8 output")
            .lines()
            .map(|l| serde_json::from_str(l).expect("events list prints JSON lines"))
            .collect()
    }

    /// How many events the store holds.
    pub fn event_count(&self) -> usize {
        self.events_list(&["--limit", "1000000"]).len()
    }

    /// Streams `events list --intake INTAKE` (all of them) to `f`, one event at a time: for
    /// stores too big to hold as JSON values at once.
    pub fn for_each_event(&self, intake: &str, mut f: impl FnMut(Value)) {
        let mut child = Command::new(bin())
            .args(["events", "list", "--intake", intake, "--limit", "100000000", "--config"])
            .arg(&self.config_path)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run intake-edge events list");
        let stdout = child.stdout.take().expect("piped stdout");
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("read events list output");
            f(serde_json::from_str(&line).expect("events list prints JSON lines"));
        }
        let out = child.wait_with_output().expect("wait for events list");
        assert!(
            out.status.success(),
            "events list failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Every stored event of `intake` (newest first).
    pub fn intake_events(&self, intake: &str) -> Vec<Value> {
        self.events_list(&["--intake", intake, "--limit", "10000000"])
    }

    /// A cheap progress probe while senders run: how many events of `intake` (all if `None`)
    /// the store holds, read from its SQLite file directly (`None` if it cannot be read right
    /// now). Assertions use the CLI ([`Host::intake_events`]).
    pub fn stored_count(&self, intake: Option<&str>) -> Option<usize> {
        use rusqlite::{Connection, OpenFlags};
        let conn = Connection::open_with_flags(
            self.data_dir.join("events.sqlite3"),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .ok()?;
        conn.busy_timeout(Duration::from_secs(1)).ok()?;
        let n: i64 = conn
            .query_row(
                "SELECT coalesce(sum(events), 0) FROM blocks WHERE ?1 IS NULL OR intake = ?1",
                [intake],
                |r| r.get(0),
            )
            .ok()?;
        usize::try_from(n).ok()
    }

    /// The counters of `listener` ("syslog", "relp", "syslog:<intake>", …) from the last
    /// "Listener totals." line (logged at graceful shutdown).
    pub fn listener_totals(&self, listener: &str) -> std::collections::BTreeMap<String, u64> {
        let entry = self
            .log
            .with_message("Listener totals.")
            .into_iter()
            .rev()
            .find(|e| e["fields"]["listener"] == listener)
            .unwrap_or_else(|| panic!("no totals for listener {listener:?}; log:\n{}", self.log.dump()));
        let counts = entry["fields"]["counts"].as_str().unwrap_or("");
        counts
            .split_whitespace()
            .map(|pair| {
                let (k, v) = pair
                    .split_once('=')
                    .unwrap_or_else(|| panic!("bad counter {pair:?} in {entry}"));
                (
                    k.to_string(),
                    v.parse().unwrap_or_else(|_| panic!("bad counter {pair:?} in {entry}")),
                )
            })
            .collect()
    }

    /// The server's resident memory in KiB (`VmRSS`).
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).expect("read /proc/PID/status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/PID/status")
    }

    /// Polls until a wasm worker thread of the server is running (on CPU), e.g. spinning in a
    /// hostile component.
    pub fn wait_worker_busy(&self, timeout: Duration) {
        let pid = self.pid();
        super::poll("a busy wasm worker thread", timeout, || {
            let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
            tasks.flatten().find_map(|t| {
                let comm = std::fs::read_to_string(t.path().join("comm")).ok()?;
                let stat = std::fs::read_to_string(t.path().join("stat")).ok()?;
                // The state follows the parenthesised name.
                let state = stat.rsplit_once(") ")?.1.chars().next()?;
                (comm.starts_with("wasm-worker") && state == 'R').then_some(())
            })
        });
    }
}

/// SIGHUP, SIGINT and SIGTERM as bits of /proc/PID/status `SigCgt` (signal n is bit n - 1).
const HANDLED: u64 = (1 << 0) | (1 << 1) | (1 << 14);

/// The mask of signals the process catches.
fn caught_signals(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("SigCgt:"))?;
    u64::from_str_radix(line["SigCgt:".len()..].trim(), 16).ok()
}

impl Drop for Host {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A TOML basic string holding `path`.
fn toml_string(path: &Path) -> String {
    let s = path.to_str().expect("UTF-8 temporary path");
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
