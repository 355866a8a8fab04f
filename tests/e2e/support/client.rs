//! The real HTTPS clients: curl (HTTP/1.1 and HTTP/2) and Python `requests`.

use super::host::Host;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const META: &str = "\n@@curl-meta@@\n";
const HEADERS: &str = "\n@@curl-headers@@\n";

/// One curl invocation, built step by step.
pub struct Request<'h> {
    host: &'h Host,
    method: String,
    path: String,
    args: Vec<String>,
    body: Option<Vec<u8>>,
    gzip: bool,
    /// `None`: curl's default; `Some(None)`: no Content-Type at all; `Some(Some(ct))`.
    content_type: Option<Option<String>>,
}

/// What curl got back.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// `1.1` or `2`, as curl negotiated it.
    pub http_version: String,
    /// Header names in lowercase, every value.
    pub headers: BTreeMap<String, Vec<String>>,
    pub text: String,
}

impl Host {
    /// A POST to `path` (e.g. `/plain/batch?x=y`).
    pub fn post(&self, path: &str) -> Request<'_> {
        self.request("POST", path)
    }

    pub fn request(&self, method: &str, path: &str) -> Request<'_> {
        Request {
            host: self,
            method: method.to_string(),
            path: path.to_string(),
            args: Vec::new(),
            body: None,
            gzip: false,
            content_type: None,
        }
    }
}

impl Request<'_> {
    /// HTTP/1.1 only.
    pub fn http1(self) -> Self {
        self.arg("--http1.1")
    }

    /// HTTP/2 (negotiated with ALPN).
    pub fn http2(self) -> Self {
        self.arg("--http2")
    }

    /// `--http1.1` when `h2` is false, else `--http2`.
    pub fn version(self, h2: bool) -> Self {
        if h2 {
            self.http2()
        } else {
            self.http1()
        }
    }

    pub fn arg(mut self, arg: &str) -> Self {
        self.args.push(arg.to_string());
        self
    }

    pub fn header(self, name: &str, value: &str) -> Self {
        self.arg("-H").arg(&format!("{name}: {value}"))
    }

    /// The intake key in `X-SEKOIAIO-INTAKE-KEY`.
    pub fn key(self, key: &str) -> Self {
        self.header("X-SEKOIAIO-INTAKE-KEY", key)
    }

    /// HTTP Basic authentication (`curl -u user:password`).
    pub fn basic(self, user: &str, password: &str) -> Self {
        self.arg("-u").arg(&format!("{user}:{password}"))
    }

    /// The client event time in `X-SEKOIAIO-EVENT-TIMESTAMP`.
    pub fn timestamp(self, value: &str) -> Self {
        self.header("X-SEKOIAIO-EVENT-TIMESTAMP", value)
    }

    pub fn content_type(mut self, ct: &str) -> Self {
        self.content_type = Some(Some(ct.to_string()));
        self
    }

    /// No Content-Type header (curl sends a form type with a body by default).
    pub fn no_content_type(mut self) -> Self {
        self.content_type = Some(None);
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// `body` as JSON with `Content-Type: application/json`.
    pub fn json(self, body: &Value) -> Self {
        self.content_type("application/json").body(body.to_string())
    }

    /// Raw bytes as a JSON body (`Content-Type: application/json`), for bodies too large or too
    /// odd to build as a `Value`.
    pub fn json_bytes(self, body: Vec<u8>) -> Self {
        self.content_type("application/json").body(body)
    }

    /// Gzips the body and sets `Content-Encoding: gzip`.
    pub fn gzip(mut self) -> Self {
        self.gzip = true;
        self.header("Content-Encoding", "gzip")
    }

    /// Runs curl; panics if curl itself fails (connection, TLS, …).
    pub fn send(self) -> Response {
        let out = self.run();
        assert!(
            out.status.success(),
            "curl failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        parse(&out)
    }

    /// Runs curl; `Err(curl's stderr)` when curl fails (e.g. connection refused).
    pub fn try_send(self) -> Result<Response, String> {
        let out = self.run();
        if out.status.success() {
            Ok(parse(&out))
        } else {
            Err(format!("curl {}: {}", out.status, String::from_utf8_lossy(&out.stderr)))
        }
    }

    fn run(self) -> Output {
        let mut cmd = Command::new("curl");
        cmd.args(["-sS", "--max-time", "60", "--cacert"])
            .arg(&self.host.ca)
            .arg("-w")
            .arg(format!("{META}%{{json}}{HEADERS}%{{header_json}}"));
        if self.body.is_none() || self.method != "POST" {
            cmd.args(["-X", &self.method]);
        }
        match &self.content_type {
            None => {}
            Some(None) => {
                cmd.args(["-H", "Content-Type:"]);
            }
            Some(Some(ct)) => {
                cmd.args(["-H", &format!("Content-Type: {ct}")]);
            }
        }
        if let Some(body) = &self.body {
            let bytes = if self.gzip { gzip(body) } else { body.clone() };
            let file = self.host.scratch("body");
            std::fs::write(&file, bytes).expect("write the request body");
            cmd.arg("--data-binary").arg(format!("@{}", file.display()));
        }
        cmd.args(&self.args).arg(self.host.url(&self.path));
        cmd.stdin(Stdio::null()).output().expect("run curl")
    }
}

fn parse(out: &Output) -> Response {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let (text, meta) = stdout
        .rsplit_once(META)
        .unwrap_or_else(|| panic!("no curl metadata in {stdout:?}"));
    let (meta, headers) = meta
        .split_once(HEADERS)
        .unwrap_or_else(|| panic!("no curl headers in {stdout:?}"));
    let meta: Value = serde_json::from_str(meta).expect("curl %{json}");
    let headers: BTreeMap<String, Vec<String>> = serde_json::from_str(headers).expect("curl %{header_json}");
    Response {
        status: meta["http_code"]
            .as_u64()
            .and_then(|c| u16::try_from(c).ok())
            .expect("http_code"),
        http_version: meta["http_version"].as_str().unwrap_or("").to_string(),
        headers,
        text: text.to_string(),
    }
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip")
}

impl Response {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("response body is not JSON ({e}): {:?}", self.text))
    }

    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    /// Asserts the status, a JSON content type, and returns the JSON body.
    pub fn expect(&self, status: u16) -> Value {
        assert_eq!(
            self.status, status,
            "expected {status}, got {} with {:?}",
            self.status, self.text
        );
        assert_eq!(self.header("content-type"), Some("application/json"), "{self:?}");
        self.json()
    }

    /// Asserts an error answer: `status` and `{"error": "…needle…"}`; returns the message.
    pub fn expect_error(&self, status: u16, needle: &str) -> String {
        let body = self.expect(status);
        let obj = body.as_object().expect("an object");
        assert_eq!(obj.len(), 1, "only `error` in {body}");
        let error = body["error"].as_str().expect("a string `error`").to_string();
        assert!(
            error.contains(needle),
            "the error {error:?} does not mention {needle:?}"
        );
        error
    }

    /// 200 with `{"event_id"}`: the ID.
    pub fn event_id(&self) -> String {
        let body = self.expect(200);
        assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{body}");
        body["event_id"]
            .as_str()
            .unwrap_or_else(|| panic!("no event_id in {body}"))
            .to_string()
    }

    /// 200 with `{"event_ids"}`: the IDs.
    pub fn event_ids(&self) -> Vec<String> {
        let body = self.expect(200);
        assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{body}");
        super::strings(&body["event_ids"])
    }
}

/// Runs `python3 SCRIPT ARGS`; the output, whatever the exit status.
pub fn python(script: &Path, args: &[&str]) -> Output {
    Command::new("python3")
        .arg(script)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run python3")
}
