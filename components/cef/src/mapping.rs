//! The ECS fields an extension gives, after Elastic's `decode_cef` mapping where ECS has a field
//! for the key (see the module doc of the crate for the table).

use edge_format_sdk::access_log::{host_fields, url_fields};
use edge_format_sdk::ecs::parse_ip;
use edge_format_sdk::{user_agent_fields, Fields, Related, Value, TIMESTAMP};

use crate::extensions::Extensions;
use crate::keys::{label_key, CustomKind, CUSTOM_FIELDS};
use crate::time::{canonical_time, parse_time, Zone};

mod endpoint;

use endpoint::{DESTINATION, SOURCE};

const LABELS: &str = "cef.labels.";

/// Writes the ECS fields of one event.
pub(crate) struct Mapper<'a> {
    pub ext: &'a Extensions<'a>,
    pub fields: &'a mut Fields,
    pub related: Related,
    /// `related.hash`: the SDK's `Related` has no hash set.
    pub hashes: Vec<String>,
    /// Reception time (seconds since the epoch), for times without a year.
    pub now: i64,
    /// The event's `dtz`, for times without a zone.
    pub zone: Option<Zone>,
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

pub(crate) fn number<T: std::str::FromStr>(s: &str) -> Option<T> {
    all_digits(s).then(|| s.parse().ok()).flatten()
}

/// `aa:bb:cc:dd:ee:ff` (or with `-`, or 8 groups) as ECS writes it: `AA-BB-CC-DD-EE-FF`.
pub(crate) fn mac(value: &str) -> Option<String> {
    let groups: Vec<&str> = value.split([':', '-']).collect();
    let valid = (groups.len() == 6 || groups.len() == 8)
        && groups
            .iter()
            .all(|g| g.len() == 2 && g.bytes().all(|b| b.is_ascii_hexdigit()));
    valid.then(|| groups.join("-").to_ascii_uppercase())
}

/// The transport name of common IANA protocol numbers.
fn iana_transport(number: &str) -> Option<&'static str> {
    Some(match number {
        "1" => "icmp",
        "2" => "igmp",
        "6" => "tcp",
        "17" => "udp",
        "47" => "gre",
        "50" => "esp",
        "51" => "ah",
        "58" => "ipv6-icmp",
        "132" => "sctp",
        _ => return None,
    })
}

/// `event.outcome` from what senders write; only ECS's three values come out.
fn outcome(value: &str) -> Option<&'static str> {
    let v = value.trim_start_matches('/').to_ascii_lowercase();
    match v.as_str() {
        "success" | "successful" | "succeeded" | "succeed" | "ok" | "true" => Some("success"),
        "failure" | "failed" | "fail" | "failed attempt" | "false" | "error" => Some("failure"),
        "unknown" => Some("unknown"),
        _ => None,
    }
}

/// The algorithm of a hex digest by its length.
fn hash_algorithm(hash: &str) -> Option<&'static str> {
    if !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match hash.len() {
        32 => Some("md5"),
        40 => Some("sha1"),
        64 => Some("sha256"),
        128 => Some("sha512"),
        _ => None,
    }
}

/// A URL without a scheme that starts with a host name (`www.example.org/a?b`, `example.com`):
/// the host (with its port) and the rest (from the `/`, or empty).
fn schemeless(url: &str) -> Option<(&str, &str)> {
    if url.contains("://") {
        return None;
    }
    let end = url.find(['/', '?', '#']).unwrap_or(url.len());
    let host = &url[..end];
    let looks_like_host = host.contains('.')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']' | b'_'));
    looks_like_host.then(|| (host, &url[end..]))
}

/// The last component of a Windows or POSIX path.
fn base_name(path: &str) -> &str {
    path.rsplit(['\\', '/']).next().unwrap_or(path)
}

impl<'a> Mapper<'a> {
    fn put(&mut self, target: &str, value: impl Into<Value>) {
        self.fields.insert(target.to_owned(), value.into());
    }

    fn string(&mut self, target: &str, name: &str) -> Option<&'a str> {
        let ext: &'a Extensions<'a> = self.ext;
        let value = ext.get(name)?;
        self.put(target, value);
        Some(value)
    }

    fn unsigned(&mut self, target: &str, name: &str) -> Option<u64> {
        let n = self.ext.get(name).and_then(number::<u64>)?;
        self.put(target, n);
        Some(n)
    }

    fn port(&mut self, target: &str, name: &str) {
        if let Some(n) = self.ext.get(name).and_then(number::<u16>) {
            self.put(target, n);
        }
    }

    fn time_of(&self, name: &str) -> Option<edge_format_sdk::Timestamp> {
        self.ext
            .get(name)
            .and_then(|v| parse_time(v, self.now, self.zone.as_ref()))
    }

    fn time(&mut self, target: &str, name: &str) -> Option<edge_format_sdk::Timestamp> {
        let ts = self.time_of(name)?;
        self.put(target, canonical_time(ts));
        Some(ts)
    }

    /// `process.*` from the source process, else the device's: the process the event is about
    /// (ECS has no `source.process`). The destination process is left in `cef.extensions`:
    /// senders fill it with anything from a target service to a client type (Imperva's
    /// `dproc=Browser`).
    fn process(&mut self) {
        let families = [
            ("sourceProcessName", "sourceProcessId"),
            ("deviceProcessName", "deviceProcessId"),
        ];
        let ext: &'a Extensions<'a> = self.ext;
        let chosen = families
            .iter()
            .find(|(name, pid)| ext.get(name).is_some() || ext.get(pid).is_some());
        let Some(&(name, pid)) = chosen else { return };
        if let Some(name) = ext.get(name) {
            let base = base_name(name);
            if base.len() < name.len() && !base.is_empty() {
                self.put("process.executable", name);
            }
            self.put("process.name", base);
        }
        self.unsigned("process.pid", pid);
    }

    fn observer(&mut self) {
        if let Some(ip) = self.ext.get("deviceAddress").and_then(parse_ip) {
            self.put("observer.ip", vec![Value::String(ip.to_string())]);
            self.related.add_ip(ip);
        }
        if let Some(host) = self.string("observer.hostname", "deviceHostName") {
            self.related.add_host(host);
        }
        if let Some(mac) = self.ext.get("deviceMacAddress").and_then(mac) {
            self.put("observer.mac", vec![Value::String(mac)]);
        }
        self.string("observer.name", "deviceExternalId");
        self.string("observer.ingress.interface.name", "deviceInboundInterface");
        self.string("observer.egress.interface.name", "deviceOutboundInterface");
        self.string("agent.name", "agentHostName");
        self.string("agent.id", "agentId");
        self.string("agent.type", "agentType");
        self.string("agent.version", "agentVersion");
    }

    fn network(&mut self) {
        if let Some(proto) = self.ext.get("transportProtocol") {
            if all_digits(proto) {
                self.put("network.iana_number", proto);
                if let Some(name) = iana_transport(proto) {
                    self.put("network.transport", name);
                }
            } else {
                self.put("network.transport", proto.to_ascii_lowercase());
            }
        }
        // The spec's application protocol (`HTTPS`), which senders such as PAN-OS fill with their
        // application name (`web-browsing`): ECS's protocol and, as Elastic maps it, application.
        if let Some(app) = self.ext.get("applicationProtocol") {
            let app = app.to_ascii_lowercase();
            self.put("network.protocol", app.as_str());
            self.put("network.application", app);
        }
        match self.ext.get("deviceDirection") {
            Some("0") => self.put("network.direction", "inbound"),
            Some("1") => self.put("network.direction", "outbound"),
            _ => {}
        }
        let bytes_in = self.ext.get("bytesIn").and_then(number::<u64>);
        let bytes_out = self.ext.get("bytesOut").and_then(number::<u64>);
        if let (Some(i), Some(o)) = (bytes_in, bytes_out) {
            self.put("network.bytes", i.saturating_add(o));
        }
    }

    fn event(&mut self) {
        self.string("event.action", "deviceAction");
        self.string("event.reason", "reason");
        if self.string("event.id", "externalId").is_none() {
            self.string("event.id", "eventId");
        }
        // ArcSight connectors' `categoryOutcome` (`/Success`, `/Failure`) when `outcome` says none.
        let outcome = ["eventOutcome", "categoryOutcome"]
            .iter()
            .find_map(|k| self.ext.get(k).and_then(outcome));
        if let Some(outcome) = outcome {
            self.put("event.outcome", outcome);
        }
        self.time(TIMESTAMP, "deviceReceiptTime");
        let start = self.time("event.start", "startTime");
        let end = self.time("event.end", "endTime");
        if let (Some(start), Some(end)) = (start, end) {
            let nanos =
                |t: edge_format_sdk::Timestamp| i128::from(t.seconds) * 1_000_000_000 + i128::from(t.nanoseconds);
            if let Ok(duration) = i64::try_from(nanos(end) - nanos(start)) {
                if duration >= 0 {
                    self.put("event.duration", duration);
                }
            }
        }
        self.time("event.created", "agentReceiptTime");
        self.string("event.timezone", "deviceTimeZone");
    }

    fn web(&mut self) {
        if let Some(url) = self.ext.get("requestUrl") {
            match schemeless(url) {
                // PAN-OS and Imperva send `www.example.org/a?b`: the host is still the host.
                Some((host, rest)) => {
                    if rest.starts_with('/') {
                        url_fields(rest, self.fields, &mut self.related);
                    }
                    host_fields(host, self.fields, &mut self.related);
                    self.put("url.original", url);
                }
                None => url_fields(url, self.fields, &mut self.related),
            }
        }
        self.string("http.request.method", "requestMethod");
        if let Some(referrer) = self.ext.get("requestContext").filter(|r| r.starts_with("http")) {
            self.put("http.request.referrer", referrer);
        }
        if let Some(ua) = self.ext.get("requestClientApplication") {
            user_agent_fields(ua, self.fields);
        }
    }

    fn file(&mut self) {
        let ext: &'a Extensions<'a> = self.ext;
        let path = self.string("file.path", "filePath");
        match ext.get("filename") {
            Some(name) => self.put("file.name", name),
            None => {
                if let Some(base) = path.map(base_name).filter(|b| !b.is_empty()) {
                    self.put("file.name", base);
                }
            }
        }
        self.unsigned("file.size", "fileSize");
        self.string("file.type", "fileType");
        self.string("file.inode", "fileId");
        self.time("file.created", "fileCreateTime");
        self.time("file.mtime", "fileModificationTime");
        if let Some(hash) = ext.get("fileHash") {
            if let Some(algorithm) = hash_algorithm(hash) {
                self.put(&format!("file.hash.{algorithm}"), hash.to_ascii_lowercase());
            }
            self.hashes.push(hash.to_owned());
        }
    }

    /// `user.*`: the source user, else the destination user (the user the event is about).
    fn user(&mut self) {
        let side = if self.ext.get("sourceUserName").is_some() {
            ("sourceUserName", "sourceNtDomain", "sourceUserId")
        } else {
            ("destinationUserName", "destinationNtDomain", "destinationUserId")
        };
        if self.string("user.name", side.0).is_some() {
            self.string("user.domain", side.1);
            self.string("user.id", side.2);
        }
    }

    /// `cef.labels.<label>`: each labelled custom field's value under its label, typed (numbers,
    /// RFC 3339 times) when it reads as its type, else as sent.
    fn labels(&mut self) {
        let ext: &'a Extensions<'a> = self.ext;
        // Only the labels sent (a few), not every custom field of the spec (24 lookups).
        let sent = ext.pairs.iter().filter(|(key, _)| key.ends_with("Label"));
        let custom = sent.filter_map(|(key, _)| CUSTOM_FIELDS.iter().find(|(_, label, _)| label == key));
        for &(value_key, label_name, kind) in custom {
            let (Some(value), Some(label)) = (ext.get(value_key), ext.get(label_name)) else {
                continue;
            };
            let Some(label) = label_key(label) else { continue };
            let typed = match kind {
                CustomKind::Integer => value.parse::<i64>().ok().map(Value::from),
                CustomKind::Float => value.parse::<f64>().ok().filter(|f| f.is_finite()).map(Value::from),
                CustomKind::Time => self.time_of(value_key).map(|ts| Value::String(canonical_time(ts))),
                CustomKind::Text => None,
            };
            let value = typed.unwrap_or_else(|| Value::String(value.to_owned()));
            let mut name = String::with_capacity(LABELS.len() + label.len());
            name.push_str(LABELS);
            name.push_str(&label);
            self.fields.insert(name, value);
        }
    }

    /// Every mapping, then `related.*`.
    pub(crate) fn map_all(mut self) {
        self.endpoint(&SOURCE);
        self.endpoint(&DESTINATION);
        self.process();
        self.observer();
        self.network();
        self.event();
        self.web();
        self.file();
        self.user();
        self.labels();
        if !self.hashes.is_empty() {
            self.hashes.sort();
            self.hashes.dedup();
            let hashes = self.hashes.drain(..).map(Value::String).collect::<Vec<_>>();
            self.put("related.hash", hashes);
        }
        let related = std::mem::take(&mut self.related);
        related.insert_into(self.fields);
    }
}
