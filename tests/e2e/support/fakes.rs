//! The cloud API fakes of `tests/fakes/` (Okta, Microsoft 365, each over HTTPS with a test CA)
//! and a moto server (S3 and SQS), run for one test and killed with it.

use super::senders::free_port;
use super::Pki;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// `tests/fakes/NAME`.
pub fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fakes").join(name)
}

/// A fake API server (`tests/fakes/fake_*.py`) on a free port.
pub struct Fake {
    child: Child,
    pub port: u16,
    ca: PathBuf,
}

impl Fake {
    /// Starts `script` over HTTPS with the server certificate of `pki`, with `args`.
    pub fn start(name: &str, args: &[&str], pki: &Pki) -> Fake {
        let mut child = Command::new("python3")
            .arg(script(name))
            .args(["--port", "0", "--cert"])
            .arg(&pki.cert)
            .arg("--key")
            .arg(&pki.key)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start {name}: {e}"));
        let stdout = child.stdout.take().expect("the fake's stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("read READY");
        let port = line
            .strip_prefix("READY ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} did not start: {line:?}"));
        Fake {
            child,
            port,
            ca: pki.ca.clone(),
        }
    }

    /// `https://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    fn curl(&self, method: &str, path: &str) -> Value {
        let out = Command::new("curl")
            .args(["-sS", "--fail-with-body", "-X", method, "--cacert"])
            .arg(&self.ca)
            .arg(format!("{}{path}", self.base()))
            .output()
            .expect("run curl");
        assert!(
            out.status.success(),
            "{method} {path}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
    }

    pub fn get(&self, path: &str) -> Value {
        self.curl("GET", path)
    }

    pub fn post(&self, path: &str) -> Value {
        self.curl("POST", path)
    }

    /// Every API request the fake served, in order.
    pub fn requests(&self) -> Vec<Value> {
        self.get("/_fake/requests").as_array().cloned().unwrap_or_default()
    }

    /// Every event the source holds.
    pub fn events(&self) -> Vec<Value> {
        self.get("/_fake/events").as_array().cloned().unwrap_or_default()
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A moto server (`python3 -m moto.server`) on a free port: S3 and SQS.
pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Moto {
    pub fn start() -> Moto {
        let port = free_port();
        let child = Command::new("python3")
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto");
        let moto = Moto { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ok = Command::new("curl")
                .args(["-sf", "-o", "/dev/null"])
                .arg(format!("{}/moto-api/", moto.endpoint()))
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return moto;
            }
            assert!(Instant::now() < deadline, "moto did not start on port {port}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Runs `tests/fakes/cloudtrail_seed.py` against this server.
    pub fn seed(&self, args: &[&str]) -> Value {
        let out = self.run_seed(args);
        assert!(out.status.success(), "seed: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout);
        serde_json::from_str(text.lines().last().unwrap_or("")).unwrap_or_else(|e| panic!("seed output {text:?}: {e}"))
    }

    fn run_seed(&self, args: &[&str]) -> Output {
        Command::new("python3")
            .arg(script("cloudtrail_seed.py"))
            .args(["--endpoint", &self.endpoint()])
            .args(args)
            .output()
            .expect("run cloudtrail_seed.py")
    }

    /// Messages left in `queue` (visible, in flight and delayed).
    pub fn messages(&self, queue: &str) -> u64 {
        let v = self.seed(&["--queue", queue, "--count-messages"]);
        v["total"].as_u64().unwrap_or(u64::MAX)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
