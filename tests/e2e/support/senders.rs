//! Real syslog senders nobody on the team wrote: rsyslog (omfwd over TLS, omrelp), syslog-ng's
//! loggen and util-linux logger. rsyslog runs in the foreground with a private configuration,
//! pid file and work directory; test messages go in through its `imtcp` input on a free
//! loopback port.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long rsyslog may take to open its feed port.
const RSYSLOG_START_TIMEOUT: Duration = Duration::from_secs(15);
/// How long rsyslog may take to stop (it tries to deliver its queues first).
const RSYSLOG_STOP_TIMEOUT: Duration = Duration::from_secs(15);

/// A loopback port that nothing listens on right now (the kernel's choice; there is a small
/// window in which another process could take it).
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    l.local_addr().expect("its address").port()
}

/// Whether something listens on TCP `port` (from /proc/net/tcp{,6}: no connection is made, so
/// TLS listeners log no aborted handshake).
pub fn is_listening(port: u16) -> bool {
    ["/proc/net/tcp", "/proc/net/tcp6"].iter().any(|table| {
        std::fs::read_to_string(table).is_ok_and(|text| {
            text.lines().skip(1).any(|line| {
                let cols: Vec<&str> = line.split_whitespace().collect();
                cols.len() > 3
                    && cols[3] == "0A"
                    && cols[1]
                        .rsplit_once(':')
                        .and_then(|(_, p)| u16::from_str_radix(p, 16).ok())
                        == Some(port)
            })
        })
    })
}

/// A private `rsyslogd -n`, stopped (SIGTERM, then SIGKILL) when dropped.
pub struct Rsyslog {
    child: Option<Child>,
    dir: PathBuf,
    /// The `imtcp` port test messages are fed into (ruleset `fwd`).
    pub feed_port: u16,
}

impl Rsyslog {
    /// Starts rsyslog in `dir` (created) with a configuration made of: a private work
    /// directory, `ca` as `defaultNetstreamDriverCAFile`, an `imtcp` input on a free loopback
    /// port bound to ruleset `fwd`, internal messages to `dir/internal.log`, then `rules`
    /// (which must define ruleset `fwd`). Waits until the feed port listens.
    pub fn start(dir: &Path, ca: &Path, rules: &str) -> Rsyslog {
        let work = dir.join("work");
        std::fs::create_dir_all(&work).expect("rsyslog work directory");
        let feed_port = free_port();
        let conf = format!(
            "global(workDirectory=\"{work}\" defaultNetstreamDriverCAFile=\"{ca}\" maxMessageSize=\"64k\")\n\
             module(load=\"imtcp\")\n\
             input(type=\"imtcp\" address=\"127.0.0.1\" port=\"{feed_port}\" ruleset=\"fwd\")\n\
             # rsyslog's own messages (errors) land in the default ruleset.\n\
             *.* action(type=\"omfile\" file=\"{internal}\")\n\n{rules}\n",
            work = work.display(),
            ca = ca.display(),
            internal = dir.join("internal.log").display(),
        );
        let conf_path = dir.join("rsyslog.conf");
        std::fs::write(&conf_path, conf).expect("write rsyslog.conf");
        let out = std::fs::File::create(dir.join("rsyslogd.out")).expect("rsyslogd.out");
        let err = out.try_clone().expect("rsyslogd.out");
        let child = Command::new("rsyslogd")
            // Absolute paths: rsyslogd changes to `/`.
            .arg("-n")
            .arg("-f")
            .arg(&conf_path)
            .arg("-i")
            .arg(dir.join("rsyslogd.pid"))
            .env("TZ", "UTC")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("run rsyslogd (scripts/install-deps.sh installs it)");
        let mut rsyslog = Rsyslog {
            child: Some(child),
            dir: dir.to_path_buf(),
            feed_port,
        };
        let deadline = Instant::now() + RSYSLOG_START_TIMEOUT;
        while !is_listening(feed_port) {
            if let Some(status) = rsyslog.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                rsyslog.child = None;
                panic!("rsyslogd exited ({status}) at start:\n{}", rsyslog.diagnostics());
            }
            assert!(
                Instant::now() < deadline,
                "rsyslogd did not listen on {feed_port} within {RSYSLOG_START_TIMEOUT:?}:\n{}",
                rsyslog.diagnostics()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        rsyslog
    }

    /// The process ID of rsyslogd (`None` once stopped).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// What rsyslog said: its stdout/stderr and its internal messages.
    pub fn diagnostics(&self) -> String {
        let read = |name: &str| std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
        format!(
            "--- rsyslogd.out ---\n{}\n--- internal.log ---\n{}",
            read("rsyslogd.out"),
            read("internal.log")
        )
    }

    /// Feeds `messages` over one TCP connection to the `imtcp` input, octet-counted (so any
    /// byte, LF included, goes through), and closes it.
    pub fn feed(&self, messages: &[String]) {
        let mut tcp = TcpStream::connect(("127.0.0.1", self.feed_port)).expect("connect to rsyslog's imtcp");
        let mut bytes = Vec::new();
        for m in messages {
            bytes.extend_from_slice(format!("{} {m}", m.len()).as_bytes());
        }
        tcp.write_all(&bytes).expect("feed rsyslog");
        tcp.flush().expect("feed rsyslog");
    }

    /// Sends one message with util-linux `logger --tcp --rfc5424` (LF framing) to the feed.
    pub fn logger(&self, tag: &str, priority: &str, message: &str) {
        let out = Command::new("logger")
            .args(["--tcp", "--server", "127.0.0.1", "--port"])
            .arg(self.feed_port.to_string())
            .args(["--rfc5424", "-t", tag, "-p", priority, "--", message])
            .stdin(Stdio::null())
            .output()
            .expect("run logger");
        assert!(
            out.status.success(),
            "logger failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// SIGTERM, then waits for rsyslogd to exit (SIGKILL after a timeout).
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else { return };
        let _ = Command::new("kill")
            .args(["-s", "TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + RSYSLOG_STOP_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for Rsyslog {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs syslog-ng's loggen (`scripts/loggen`) to completion.
pub fn loggen(args: &[&str]) -> Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/loggen");
    let out = Command::new(&script)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run scripts/loggen");
    assert_ne!(
        out.status.code(),
        Some(127),
        "loggen is missing: run scripts/install-deps.sh ({})",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The commercial intake template (`%msg%` ends in LF; octet counting counts it).
pub fn template(name: &str, key: &str) -> String {
    format!(
        "template(name=\"{name}\" type=\"string\" string=\"<%pri%>1 %timestamp:::date-rfc3339% %hostname% \
         %app-name% %procid% LOG [SEKOIA@53288 intake_key=\\\"{key}\\\"] %msg%\\n\")\n"
    )
}

/// An `omfwd` action over TLS to `port`.
pub fn omfwd(port: u16, driver: &str, framing: &str, template: &str) -> String {
    format!(
        "action(type=\"omfwd\" target=\"127.0.0.1\" port=\"{port}\" protocol=\"tcp\" \
         StreamDriver=\"{driver}\" StreamDriverMode=\"1\" StreamDriverAuthMode=\"x509/name\" \
         StreamDriverPermittedPeers=\"localhost\" TCP_Framing=\"{framing}\" template=\"{template}\" \
         queue.type=\"LinkedList\" queue.size=\"100000\" \
         action.resumeRetryCount=\"-1\" action.resumeInterval=\"1\")"
    )
}
