//! Validation of a raw configuration: every problem is collected, none stops the others.

use super::raw::{self, RawConfig, RawFormat, RawIntake};
use super::*;
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub(super) struct Validator {
    pub(super) base: PathBuf,
    pub(super) problems: Vec<Problem>,
}

impl Validator {
    pub(super) fn config(&mut self, raw: RawConfig, path: &Path) -> Config {
        let data_dir = self.resolve(raw.data_dir.as_deref().unwrap_or(DEFAULT_DATA_DIR));
        let https_listen = self.address(
            "https.listen",
            raw.https.listen.as_deref().unwrap_or(DEFAULT_HTTPS_LISTEN),
        );
        let https = self.https(&raw.https);
        let tls = self.tls(raw.tls);
        let syslog = self.syslog(raw.syslog);
        let relp = self.relp(raw.relp);
        let admin = self.admin(raw.admin);
        let limits = self.limits(raw.limits);
        let store = self.store(raw.store);
        let runtime = self.runtime(raw.runtime);
        let mut formats: BTreeMap<String, FormatSpec> = raw
            .formats
            .into_iter()
            .map(|(name, f)| {
                let spec = self.format(&name, f, &runtime.default_limits);
                (name, spec)
            })
            .collect();
        // An intake may name a builtin that no [formats] table declares: it runs with the
        // default limits. Builtins no intake names are not loaded (not compiled).
        for intake in &raw.intakes {
            let Some(name) = intake.format.as_deref() else { continue };
            if !formats.contains_key(name) && crate::builtins::names().contains(&name) {
                formats.insert(
                    name.to_string(),
                    FormatSpec {
                        name: name.to_string(),
                        source: ComponentSource::Builtin(name.to_string()),
                        limits: runtime.default_limits,
                    },
                );
            }
        }
        let poll = self.poll_settings(raw.poll);
        let intakes = self.intakes(raw.intakes, &formats);
        for (section, b) in syslog
            .bound
            .iter()
            .map(|b| ("syslog", b))
            .chain(relp.bound.iter().map(|b| ("relp", b)))
        {
            if !intakes.iter().any(|i| i.name == b.intake) {
                self.problems.push(Problem::BadListener {
                    listener: format!("{section}.bound {}", b.listen),
                    reason: format!("unknown intake {:?}", b.intake),
                });
            }
        }
        let forwards = self.forwards(raw.forwards, &intakes);
        self.port_clashes(https_listen, &syslog, &relp, &admin);
        Config {
            path: path.to_path_buf(),
            data_dir,
            https_listen,
            https,
            syslog,
            relp,
            admin,
            tls,
            limits,
            store,
            runtime,
            formats,
            intakes,
            forwards,
            poll,
        }
    }

    pub(super) fn resolve(&self, p: &str) -> PathBuf {
        let p = Path::new(p);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base.join(p)
        }
    }

    pub(super) fn address(&mut self, field: &'static str, value: &str) -> SocketAddr {
        value.parse().unwrap_or_else(|e: std::net::AddrParseError| {
            self.problems.push(Problem::BadAddress {
                field,
                value: value.to_string(),
                reason: format!("{e} (expected IP:PORT, e.g. 0.0.0.0:8443)"),
            });
            SocketAddr::from(([0, 0, 0, 0], 0))
        })
    }

    fn tls(&mut self, raw: raw::RawTls) -> TlsSettings {
        let client_ca = raw.client_ca.map(|p| self.resolve(&p));
        if let Some(ca) = &client_ca {
            if !ca.is_file() {
                self.problems
                    .push(Problem::Tls(format!("client_ca {} not found", ca.display())));
            }
        }
        let require_client_cert = raw.require_client_cert.unwrap_or(false);
        if require_client_cert && client_ca.is_none() {
            self.problems.push(Problem::Tls(
                "require_client_cert needs client_ca to verify certificates against".into(),
            ));
        }
        let cert_and_key = match (raw.cert, raw.key) {
            (None, None) => None,
            (Some(cert), Some(key)) => {
                let (cert, key) = (self.resolve(&cert), self.resolve(&key));
                for p in [&cert, &key] {
                    if !p.is_file() {
                        self.problems.push(Problem::Tls(format!("{} not found", p.display())));
                    }
                }
                Some((cert, key))
            }
            _ => {
                self.problems.push(Problem::Tls(
                    "set both `cert` and `key`, or neither for a self-signed certificate".into(),
                ));
                None
            }
        };
        TlsSettings {
            cert_and_key,
            client_ca,
            require_client_cert,
        }
    }

    fn syslog(&mut self, raw: raw::RawSyslog) -> SyslogSettings {
        let listen = self.address("syslog.listen", raw.listen.as_deref().unwrap_or(DEFAULT_SYSLOG_LISTEN));
        let sd_id = raw.sd_id.unwrap_or_else(|| DEFAULT_SYSLOG_SD_ID.to_string());
        if sd_id.is_empty() || sd_id.len() > 32 || !sd_id.bytes().all(|b| b.is_ascii_graphic() && !b"=]\"".contains(&b))
        {
            self.problems.push(Problem::BadLimit {
                key: "syslog.sd_id".into(),
                reason: format!("{sd_id:?} is not an RFC 5424 SD-ID (1-32 printable characters, no = ] \" or space)"),
            });
        }
        let zone_text = raw.rfc3164_timezone.unwrap_or_else(|| "+00:00".into());
        let rfc3164_zone = parse_offset(&zone_text).unwrap_or_else(|| {
            self.problems.push(Problem::BadLimit {
                key: "syslog.rfc3164_timezone".into(),
                reason: format!("{zone_text:?} is not a UTC offset like +01:00, -05:00 or UTC"),
            });
            chrono::Offset::fix(&chrono::Utc)
        });
        let bound = raw
            .bound
            .into_iter()
            .map(|b| BoundListener {
                listen: self.address("syslog.bound.listen", &b.listen),
                intake: b.intake,
            })
            .collect();
        SyslogSettings {
            enabled: raw.enabled.unwrap_or(true),
            listen,
            sd_id,
            rfc3164_zone,
            max_frame_bytes: self.limit(
                "syslog.max_frame_bytes",
                raw.max_frame_bytes,
                DEFAULT_SYSLOG_MAX_FRAME_BYTES,
                ceiling::EVENT_BYTES,
            ) as usize,
            idle_timeout: secs(self.limit(
                "syslog.idle_timeout_secs",
                raw.idle_timeout_secs,
                DEFAULT_SYSLOG_IDLE_TIMEOUT_SECS,
                ceiling::STREAM_IDLE_SECS,
            )),
            batch_events: self.limit(
                "syslog.batch_events",
                raw.batch_events,
                DEFAULT_STREAM_BATCH_EVENTS,
                ceiling::BATCH_EVENTS,
            ) as usize,
            inflight_batches: self.limit(
                "syslog.inflight_batches",
                raw.inflight_batches,
                DEFAULT_STREAM_INFLIGHT_BATCHES,
                ceiling::INFLIGHT_BATCHES,
            ) as usize,
            bound,
        }
    }

    fn relp(&mut self, raw: raw::RawRelp) -> RelpSettings {
        let listen = self.address("relp.listen", raw.listen.as_deref().unwrap_or(DEFAULT_RELP_LISTEN));
        let bound = raw
            .bound
            .into_iter()
            .map(|b| BoundListener {
                listen: self.address("relp.bound.listen", &b.listen),
                intake: b.intake,
            })
            .collect();
        RelpSettings {
            enabled: raw.enabled.unwrap_or(true),
            listen,
            max_data_bytes: self.limit(
                "relp.max_data_bytes",
                raw.max_data_bytes,
                DEFAULT_RELP_MAX_DATA_BYTES,
                ceiling::EVENT_BYTES,
            ) as usize,
            idle_timeout: secs(self.limit(
                "relp.idle_timeout_secs",
                raw.idle_timeout_secs,
                DEFAULT_SYSLOG_IDLE_TIMEOUT_SECS,
                ceiling::STREAM_IDLE_SECS,
            )),
            batch_events: self.limit(
                "relp.batch_events",
                raw.batch_events,
                DEFAULT_STREAM_BATCH_EVENTS,
                ceiling::BATCH_EVENTS,
            ) as usize,
            inflight_batches: self.limit(
                "relp.inflight_batches",
                raw.inflight_batches,
                DEFAULT_RELP_INFLIGHT_BATCHES,
                ceiling::INFLIGHT_BATCHES,
            ) as usize,
            bound,
        }
    }

    /// Two listeners on one port cannot both bind: say so before trying.
    fn port_clashes(&mut self, https: SocketAddr, syslog: &SyslogSettings, relp: &RelpSettings, admin: &AdminSettings) {
        let mut seen: Vec<(SocketAddr, String)> = vec![(https, "https.listen".into())];
        let mut others = Vec::new();
        if syslog.enabled {
            others.push((syslog.listen, "syslog.listen".to_string()));
        }
        others.extend(
            syslog
                .bound
                .iter()
                .map(|b| (b.listen, format!("syslog.bound for {}", b.intake))),
        );
        if relp.enabled {
            others.push((relp.listen, "relp.listen".to_string()));
        }
        others.extend(
            relp.bound
                .iter()
                .map(|b| (b.listen, format!("relp.bound for {}", b.intake))),
        );
        if admin.enabled {
            others.push((admin.listen, "admin.listen".to_string()));
        }
        for (addr, name) in others {
            let clash = seen.iter().find(|(a, _)| {
                a.port() == addr.port()
                    && addr.port() != 0
                    && (a.ip() == addr.ip() || a.ip().is_unspecified() || addr.ip().is_unspecified())
            });
            if let Some((_, other)) = clash {
                self.problems.push(Problem::BadListener {
                    listener: name.clone(),
                    reason: format!("port {} is also used by {other}", addr.port()),
                });
            }
            seen.push((addr, name));
        }
    }

    /// A positive integer limit: zero and absurd values are refused.
    pub(super) fn limit(&mut self, key: &str, value: Option<u64>, default: u64, max: u64) -> u64 {
        let Some(v) = value else { return default };
        if v == 0 || v > max {
            self.problems.push(Problem::BadLimit {
                key: key.to_string(),
                reason: format!("{v} is out of range 1..={max}"),
            });
            return default;
        }
        v
    }

    fn limits(&mut self, raw: raw::RawLimits) -> Limits {
        let l = &raw;
        Limits {
            max_event_bytes: self.limit(
                "limits.max_event_bytes",
                l.max_event_bytes,
                DEFAULT_MAX_EVENT_BYTES,
                ceiling::EVENT_BYTES,
            ) as usize,
            max_request_bytes: self.limit(
                "limits.max_request_bytes",
                l.max_request_bytes,
                DEFAULT_MAX_REQUEST_BYTES,
                ceiling::REQUEST_BYTES,
            ) as usize,
            max_batch_events: self.limit(
                "limits.max_batch_events",
                l.max_batch_events,
                DEFAULT_MAX_BATCH_EVENTS,
                ceiling::REQUEST_EVENTS,
            ) as usize,
            max_connections: self.limit(
                "limits.max_connections",
                l.max_connections,
                DEFAULT_MAX_CONNECTIONS,
                ceiling::CONNECTIONS,
            ) as usize,
            idle_timeout: secs(self.limit(
                "limits.idle_timeout_secs",
                l.idle_timeout_secs,
                DEFAULT_IDLE_TIMEOUT_SECS,
                ceiling::HTTP_IDLE_SECS,
            )),
            tls_handshake_timeout: secs(self.limit(
                "limits.tls_handshake_timeout_secs",
                l.tls_handshake_timeout_secs,
                DEFAULT_TLS_HANDSHAKE_TIMEOUT_SECS,
                ceiling::TIMEOUT_SECS,
            )),
            shutdown_grace: secs(self.limit(
                "limits.shutdown_grace_secs",
                l.shutdown_grace_secs,
                DEFAULT_SHUTDOWN_GRACE_SECS,
                ceiling::TIMEOUT_SECS,
            )),
            max_connections_per_source: self.limit(
                "limits.max_connections_per_source",
                l.max_connections_per_source,
                DEFAULT_MAX_CONNECTIONS_PER_SOURCE,
                ceiling::CONNECTIONS,
            ) as usize,
            first_byte_timeout: secs(self.limit(
                "limits.first_byte_timeout_secs",
                l.first_byte_timeout_secs,
                DEFAULT_FIRST_BYTE_TIMEOUT_SECS,
                ceiling::TIMEOUT_SECS,
            )),
            body_timeout: secs(self.limit(
                "limits.body_timeout_secs",
                l.body_timeout_secs,
                DEFAULT_BODY_TIMEOUT_SECS,
                ceiling::TIMEOUT_SECS,
            )),
            min_body_rate: match l.min_body_rate_bytes {
                Some(0) => 0,
                v => self.limit(
                    "limits.min_body_rate_bytes",
                    v,
                    DEFAULT_MIN_BODY_RATE_BYTES,
                    ceiling::BODY_RATE_BYTES,
                ),
            },
            write_timeout: secs(self.limit(
                "limits.write_timeout_secs",
                l.write_timeout_secs,
                DEFAULT_WRITE_TIMEOUT_SECS,
                ceiling::TIMEOUT_SECS,
            )),
            max_buffered_bytes: self.limit(
                "limits.max_buffered_bytes",
                l.max_buffered_bytes,
                DEFAULT_MAX_BUFFERED_BYTES,
                ceiling::BUFFERED_BYTES,
            ) as usize,
            max_connection_buffered_bytes: self.limit(
                "limits.max_connection_buffered_bytes",
                l.max_connection_buffered_bytes,
                DEFAULT_MAX_CONNECTION_BUFFERED_BYTES,
                ceiling::CONNECTION_BUFFERED_BYTES,
            ) as usize,
        }
    }

    fn https(&mut self, raw: &raw::RawHttps) -> HttpsSettings {
        HttpsSettings {
            max_concurrent_streams: self.limit(
                "https.max_concurrent_streams",
                raw.max_concurrent_streams,
                DEFAULT_HTTPS_MAX_CONCURRENT_STREAMS,
                ceiling::HTTP2_STREAMS,
            ) as u32,
            keepalive_timeout: secs(self.limit(
                "https.keepalive_timeout_secs",
                raw.keepalive_timeout_secs,
                DEFAULT_HTTPS_KEEPALIVE_TIMEOUT_SECS,
                ceiling::TIMEOUT_SECS,
            )),
            // hyper's HTTP/1 read buffer cannot be smaller than 8 KiB.
            max_header_bytes: self
                .limit(
                    "https.max_header_bytes",
                    raw.max_header_bytes,
                    DEFAULT_HTTPS_MAX_HEADER_BYTES,
                    ceiling::HEADER_BYTES,
                )
                .max(8192) as usize,
        }
    }

    fn store(&mut self, raw: raw::RawStore) -> StoreSettings {
        StoreSettings {
            max_commit_events: self.limit(
                "store.max_commit_events",
                raw.max_commit_events,
                DEFAULT_MAX_COMMIT_EVENTS,
                ceiling::COMMIT_EVENTS,
            ) as usize,
            block_events: self.limit(
                "store.block_events",
                raw.block_events,
                DEFAULT_BLOCK_EVENTS,
                ceiling::BLOCK_EVENTS,
            ) as usize,
            compression_level: self.limit(
                "store.compression_level",
                raw.compression_level,
                DEFAULT_COMPRESSION_LEVEL,
                ceiling::COMPRESSION_LEVEL,
            ) as i32,
            queue_requests: self.limit(
                "store.queue_requests",
                raw.queue_requests,
                DEFAULT_STORE_QUEUE_REQUESTS,
                ceiling::QUEUE_LENGTH,
            ) as usize,
            enqueue_timeout: Duration::from_millis(self.limit(
                "store.enqueue_timeout_ms",
                raw.enqueue_timeout_ms,
                DEFAULT_ENQUEUE_TIMEOUT_MS,
                ceiling::TIMEOUT_MS,
            )),
            dedupe_window: Duration::from_secs(self.limit(
                "store.dedupe_window_secs",
                raw.dedupe_window_secs,
                DEFAULT_DEDUPE_WINDOW_SECS,
                ceiling::DEDUPE_WINDOW_SECS,
            )),
            retention: self.retention(&raw),
        }
    }

    /// `retention_days` and `max_disk_mib`: 0 (the default) keeps everything.
    fn retention(&mut self, raw: &raw::RawStore) -> RetentionSettings {
        let on_full = match raw.on_full.as_deref() {
            None | Some("refuse") => OnFull::Refuse,
            Some("drop_oldest") => OnFull::DropOldest,
            Some(other) => {
                self.problems.push(Problem::BadLimit {
                    key: "store.on_full".into(),
                    reason: format!("{other:?} is neither \"refuse\" nor \"drop_oldest\""),
                });
                OnFull::Refuse
            }
        };
        let mut bounded = |key: &str, value: Option<u64>, max: u64| match value {
            None | Some(0) => None,
            Some(v) if v > max => {
                self.problems.push(Problem::BadLimit {
                    key: key.into(),
                    reason: format!("{v} is out of range 0..={max}"),
                });
                None
            }
            Some(v) => Some(v),
        };
        RetentionSettings {
            max_age: bounded("store.retention_days", raw.retention_days, 36_500)
                .map(|d| Duration::from_secs(d * 86_400)),
            max_bytes: bounded("store.max_disk_mib", raw.max_disk_mib, 1 << 30).map(|m| m << 20),
            on_full,
        }
    }

    fn runtime(&mut self, raw: raw::RawRuntime) -> RuntimeSettings {
        let workers = match raw.workers {
            None | Some(0) => std::thread::available_parallelism().map_or(2, |n| n.get()),
            Some(n) => self.limit("runtime.workers", Some(n), 1, ceiling::WORKERS) as usize,
        };
        let default_limits = ComponentLimits {
            deadline: Duration::from_millis(self.limit(
                "runtime.deadline_ms",
                raw.deadline_ms,
                DEFAULT_DEADLINE_MS,
                ceiling::TIMEOUT_MS,
            )),
            memory_bytes: (self.limit(
                "runtime.memory_mib",
                raw.memory_mib,
                DEFAULT_MEMORY_MIB,
                ceiling::MEMORY_MIB,
            ) as usize)
                << 20,
            max_table_elements: self.limit(
                "runtime.max_table_elements",
                raw.max_table_elements,
                DEFAULT_MAX_TABLE_ELEMENTS,
                ceiling::TABLE_ELEMENTS,
            ) as usize,
            max_output_bytes: self.limit(
                "runtime.max_output_bytes",
                raw.max_output_bytes,
                DEFAULT_MAX_OUTPUT_BYTES,
                ceiling::OUTPUT_BYTES,
            ) as usize,
        };
        RuntimeSettings {
            workers,
            batch_size: self.limit(
                "runtime.batch_size",
                raw.batch_size,
                DEFAULT_BATCH_SIZE,
                ceiling::BATCH_EVENTS,
            ) as usize,
            queue_batches: self.limit(
                "runtime.queue_batches",
                raw.queue_batches,
                DEFAULT_QUEUE_BATCHES,
                ceiling::QUEUE_LENGTH,
            ) as usize,
            epoch_tick: Duration::from_millis(self.limit(
                "runtime.epoch_tick_ms",
                raw.epoch_tick_ms,
                DEFAULT_EPOCH_TICK_MS,
                ceiling::EPOCH_TICK_MS,
            )),
            slow_call: Duration::from_millis(self.limit(
                "runtime.slow_call_ms",
                raw.slow_call_ms,
                DEFAULT_SLOW_CALL_MS,
                ceiling::TIMEOUT_MS,
            )),
            default_limits,
        }
    }

    fn format(&mut self, name: &str, raw: RawFormat, defaults: &ComponentLimits) -> FormatSpec {
        if !valid_name(name) {
            self.problems.push(Problem::BadFormat {
                format: name.to_string(),
                reason: "a format name uses only letters, digits, '-', '_' and '.'".into(),
            });
        }
        let source = match raw.component.strip_prefix("builtin:") {
            Some(builtin) => {
                if !crate::builtins::names().contains(&builtin) {
                    self.problems.push(Problem::BadFormat {
                        format: name.to_string(),
                        reason: format!(
                            "no builtin component {builtin:?} (builtins: {})",
                            crate::builtins::names().join(", ")
                        ),
                    });
                }
                ComponentSource::Builtin(builtin.to_string())
            }
            None => {
                let path = self.resolve(&raw.component);
                if !path.is_file() {
                    self.problems.push(Problem::MissingComponent {
                        format: name.to_string(),
                        path: path.display().to_string(),
                    });
                }
                ComponentSource::File(path)
            }
        };
        let key = |k: &str| format!("formats.{name}.{k}");
        let limits = ComponentLimits {
            deadline: match raw.deadline_ms {
                Some(ms) => Duration::from_millis(self.limit(&key("deadline_ms"), Some(ms), 0, ceiling::TIMEOUT_MS)),
                None => defaults.deadline,
            },
            memory_bytes: match raw.memory_mib {
                Some(m) => (self.limit(&key("memory_mib"), Some(m), 0, ceiling::MEMORY_MIB) as usize) << 20,
                None => defaults.memory_bytes,
            },
            max_table_elements: match raw.max_table_elements {
                Some(n) => self.limit(&key("max_table_elements"), Some(n), 0, ceiling::TABLE_ELEMENTS) as usize,
                None => defaults.max_table_elements,
            },
            max_output_bytes: match raw.max_output_bytes {
                Some(b) => self.limit(&key("max_output_bytes"), Some(b), 0, ceiling::OUTPUT_BYTES) as usize,
                None => defaults.max_output_bytes,
            },
        };
        FormatSpec {
            name: name.to_string(),
            source,
            limits,
        }
    }

    fn intakes(&mut self, raw: Vec<RawIntake>, formats: &BTreeMap<String, FormatSpec>) -> Vec<Intake> {
        let mut names: HashMap<String, usize> = HashMap::new();
        let mut keys: HashMap<String, String> = HashMap::new();
        let mut out = Vec::with_capacity(raw.len());
        for (i, r) in raw.into_iter().enumerate() {
            let index = i + 1;
            let mut missing = |v: Option<String>, field| {
                v.filter(|s| !s.trim().is_empty()).or_else(|| {
                    self.problems.push(Problem::MissingField { index, field });
                    None
                })
            };
            let (name, format, entity, key) = (
                missing(r.name, "name"),
                missing(r.format, "format"),
                missing(r.entity, "entity"),
                missing(r.key, "key"),
            );
            let (Some(name), Some(format), Some(entity), Some(key)) = (name, format, entity, key) else {
                continue;
            };
            if !valid_name(&name) {
                self.problems.push(Problem::BadIntake {
                    intake: name.clone(),
                    reason: "a name uses only letters, digits, '-', '_' and '.'".into(),
                });
            }
            if let Some(first_index) = names.get(&name) {
                self.problems.push(Problem::DuplicateName {
                    intake: name.clone(),
                    first_index: *first_index,
                });
            } else {
                names.insert(name.clone(), index);
            }
            if !formats.contains_key(&format) {
                self.problems.push(Problem::UnknownFormat {
                    intake: name.clone(),
                    format: format.clone(),
                });
            }
            if let Some(reason) = weak_key_reason(&key) {
                self.problems.push(Problem::BadIntake {
                    intake: name.clone(),
                    reason: format!("key {reason}"),
                });
            }
            if let Some(other) = keys.get(&key) {
                self.problems.push(Problem::DuplicateKey {
                    intake: name.clone(),
                    other: other.clone(),
                });
            } else {
                keys.insert(key.clone(), name.clone());
            }
            if let Some(at) = &r.created_at {
                if chrono::DateTime::parse_from_rfc3339(at).is_err() {
                    self.problems.push(Problem::BadIntake {
                        intake: name.clone(),
                        reason: format!("created_at {at:?} is not an RFC 3339 datetime"),
                    });
                }
            }
            let poll = r.poll.map(|p| self.poll(&name, p));
            out.push(Intake {
                name,
                format,
                entity,
                key: IntakeKey(key),
                created_by: r.created_by,
                created_at: r.created_at,
                poll,
            });
        }
        out
    }
}

impl Validator {
    fn forwards(&mut self, raw: Vec<raw::RawForward>, intakes: &[Intake]) -> Vec<ForwardSpec> {
        let mut out: Vec<ForwardSpec> = Vec::new();
        for (i, r) in raw.into_iter().enumerate() {
            let name = r.name.clone().unwrap_or_else(|| format!("#{}", i + 1));
            let ca_file = r.ca_file.as_ref().map(|f| self.base.join(f));
            let timeout = secs(self.limit(
                &format!("forward {name:?} timeout_secs"),
                r.timeout_secs,
                DEFAULT_FORWARD_TIMEOUT_SECS,
                3600,
            ));
            let batch_bytes = self.limit(
                &format!("forward {name:?} batch_bytes"),
                r.batch_bytes,
                DEFAULT_FORWARD_BATCH_BYTES,
                1 << 30,
            ) as usize;
            let mut bad = |reason: String| {
                self.problems.push(Problem::BadForward {
                    forward: name.clone(),
                    reason,
                })
            };
            if r.name.is_none() {
                bad("missing field `name`".into());
            } else if !valid_name(&name) {
                bad("a name uses only letters, digits, '-', '_' and '.'".into());
            } else if out.iter().any(|f| f.name == name) {
                bad("duplicate name".into());
            }
            for intake in r.intakes.iter().flatten() {
                if !intakes.iter().any(|i| &i.name == intake) {
                    bad(format!("unknown intake {intake:?}"));
                }
            }
            let destination = match r.kind.as_deref() {
                Some("nats") => {
                    let urls: Vec<String> = r
                        .urls
                        .clone()
                        .unwrap_or_default()
                        .into_iter()
                        .chain(r.url.clone())
                        .collect();
                    if urls.is_empty() {
                        bad("missing field `url` (or `urls`)".into());
                    }
                    for url in &urls {
                        if !(url.starts_with("nats://") || url.starts_with("tls://")) {
                            bad(format!("url {url:?} is not nats:// or tls://"));
                        }
                    }
                    let stream = r.stream.clone().unwrap_or_default();
                    // NATS stream names: no spaces, dots, `*`, `>`, path separators.
                    if stream.is_empty() || !stream.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)) {
                        bad(format!("stream {stream:?}: letters, digits, '-' and '_' only"));
                    }
                    let subject = r.subject.clone().unwrap_or_else(|| DEFAULT_FORWARD_SUBJECT.into());
                    if let Err(reason) = check_subject_template(&subject) {
                        bad(format!("subject {subject:?}: {reason}"));
                    }
                    Some(Destination::Nats {
                        urls,
                        stream,
                        subject,
                        create_stream: r.create_stream.unwrap_or(true),
                        duplicate_window: secs(
                            r.duplicate_window_secs.unwrap_or(DEFAULT_FORWARD_DUPLICATE_WINDOW_SECS),
                        ),
                        replicas: match r.replicas {
                            None => 1,
                            Some(n @ 1..=5) => n as usize,
                            Some(n) => {
                                bad(format!("replicas {n}: JetStream keeps 1 to 5"));
                                1
                            }
                        },
                    })
                }
                Some("https") => {
                    let url = r.url.clone().unwrap_or_default();
                    if !(url.starts_with("https://") || url.starts_with("http://")) {
                        bad(format!(
                            "url {:?} is not https:// (or http://)",
                            crate::forward::redacted(&url)
                        ));
                    }
                    if r.urls.is_some() {
                        bad("`urls` is for NATS: an HTTPS upstream has one `url`".into());
                    }
                    let keys = r.keys.clone().unwrap_or_default();
                    if keys.is_empty() {
                        bad("missing field `keys` (the upstream's intake key for each intake forwarded)".into());
                    }
                    for (intake, k) in &keys {
                        if !intakes.iter().any(|i| &i.name == intake) {
                            bad(format!("keys: unknown intake {intake:?}"));
                        }
                        if k.is_empty() || k.bytes().any(|b| b.is_ascii_control()) {
                            bad(format!(
                                "keys: the key of {intake:?} is empty or has control characters"
                            ));
                        }
                    }
                    for intake in r.intakes.iter().flatten() {
                        if !keys.contains_key(intake) {
                            bad(format!("intake {intake:?} has no upstream key in `keys`"));
                        }
                    }
                    let endpoint = match r.endpoint.as_deref() {
                        None | Some("batch") => UpstreamEndpoint::Batch,
                        Some("jsons") => UpstreamEndpoint::Jsons,
                        Some("plain") => UpstreamEndpoint::Plain,
                        Some(other) => {
                            bad(format!("endpoint {other:?} is not \"batch\", \"jsons\" or \"plain\""));
                            UpstreamEndpoint::Batch
                        }
                    };
                    if let Some(f) = &ca_file {
                        if !f.is_file() {
                            bad(format!("ca_file {} is not a readable file", f.display()));
                        }
                    }
                    Some(Destination::Https {
                        url: url.trim_end_matches('/').to_string(),
                        endpoint,
                        keys: keys.into_iter().map(|(i, k)| (i, Secret(k))).collect(),
                        ca_file: ca_file.clone(),
                        gzip: r.gzip.unwrap_or(true),
                        timeout,
                        batch_bytes,
                    })
                }
                Some(other) => {
                    bad(format!("unknown type {other:?} (\"nats\" or \"https\")"));
                    None
                }
                None => {
                    bad("missing field `type`".into());
                    None
                }
            };
            let key = |k: &str| format!("forward {name:?} {k}");
            let max_in_flight = self.limit(
                &key("max_in_flight"),
                r.max_in_flight,
                DEFAULT_FORWARD_MAX_IN_FLIGHT,
                1 << 20,
            );
            let batch_events = self.limit(
                &key("batch_events"),
                r.batch_events,
                DEFAULT_FORWARD_BATCH_EVENTS,
                1 << 20,
            );
            if let Some(destination) = destination {
                // An HTTPS upstream takes the intakes it has keys for, unless told fewer.
                let intakes = match (&destination, r.intakes) {
                    (Destination::Https { keys, .. }, None) => Some(keys.keys().cloned().collect()),
                    (_, intakes) => intakes,
                };
                out.push(ForwardSpec {
                    name,
                    destination,
                    intakes,
                    errors: r.errors.unwrap_or(true),
                    max_in_flight: max_in_flight as usize,
                    batch_events: batch_events as usize,
                });
            }
        }
        out
    }
}

/// A subject template: NATS tokens (no spaces, no empty token, no wildcard) with `{intake}`,
/// `{entity}` and `{format}` placeholders, which expand to names that are tokens themselves.
fn check_subject_template(subject: &str) -> Result<(), String> {
    let expanded = subject
        .replace("{intake}", "i")
        .replace("{entity}", "e")
        .replace("{format}", "f");
    if expanded.contains(['{', '}']) {
        return Err("placeholders are {intake}, {entity} and {format}".into());
    }
    if expanded.is_empty() || expanded.split('.').any(|t| t.is_empty()) {
        return Err("empty token".into());
    }
    if expanded
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b == b'*' || b == b'>' || b.is_ascii_control())
    {
        return Err("no spaces or wildcards".into());
    }
    Ok(())
}

/// `+01:00`, `-0500`, `UTC`/`Z`.
fn parse_offset(text: &str) -> Option<chrono::FixedOffset> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("utc") || t.eq_ignore_ascii_case("z") {
        return Some(chrono::Offset::fix(&chrono::Utc));
    }
    let (sign, rest) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    chrono::FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

pub(super) fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

pub(super) fn valid_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// Why a key is unacceptable, never echoing the key itself.
pub(super) fn weak_key_reason(key: &str) -> Option<String> {
    if key.chars().count() < MIN_KEY_CHARS {
        return Some(format!("is shorter than {MIN_KEY_CHARS} characters"));
    }
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Some("must be printable ASCII without spaces".into());
    }
    None
}
