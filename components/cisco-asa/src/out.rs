//! The event being built: flat ECS fields, `related.*`, and small typed setters.

use edge_format_sdk::ecs::parse_ip;
use edge_format_sdk::{Fields, Related, Value};

/// Fields and related values of one event.
#[derive(Default)]
pub struct Out {
    pub fields: Fields,
    pub related: Related,
}

/// One end of a flow as a message names it: `outside:192.0.2.1/443`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Endpoint<'a> {
    pub interface: Option<&'a str>,
    pub ip: &'a str,
    pub port: Option<&'a str>,
    /// The mapped (NAT) address and port, `(203.0.113.5/443)` after the real one.
    pub mapped_ip: Option<&'a str>,
    pub mapped_port: Option<&'a str>,
    /// An identity firewall or AAA user, `(LOCAL\alice)`.
    pub user: Option<&'a str>,
}

impl Out {
    pub fn str(&mut self, key: &str, value: &str) {
        let value = value.trim();
        if !value.is_empty() {
            self.fields.insert(key.into(), Value::String(value.to_owned()));
        }
    }

    pub fn num(&mut self, key: &str, value: u64) {
        self.fields.insert(key.into(), Value::from(value));
    }

    /// A number as logged; anything else writes nothing.
    pub fn num_str(&mut self, key: &str, value: &str) {
        if let Ok(n) = value.trim().parse::<u64>() {
            self.num(key, n);
        }
    }

    pub fn list(&mut self, key: &str, values: &[&str]) {
        let values = values.iter().map(|v| Value::from(*v)).collect();
        self.fields.insert(key.into(), Value::Array(values));
    }

    /// `{prefix}.ip` and `.address` when `ip` is an IP address (also `related.ip`); false otherwise.
    pub fn ip(&mut self, prefix: &str, ip: &str) -> bool {
        let Some(parsed) = parse_ip(ip.trim()) else {
            return false;
        };
        let text = parsed.to_string();
        self.fields
            .insert(format!("{prefix}.address"), Value::String(text.clone()));
        self.fields.insert(format!("{prefix}.ip"), Value::String(text));
        self.related.add_ip(parsed);
        true
    }

    /// An IP address only (`source.nat.ip`, `server.ip`), also in `related.ip`.
    pub fn ip_only(&mut self, key: &str, ip: &str) {
        if let Some(parsed) = parse_ip(ip.trim()) {
            self.fields.insert(key.into(), Value::String(parsed.to_string()));
            self.related.add_ip(parsed);
        }
    }

    pub fn port(&mut self, key: &str, port: Option<&str>) {
        if let Some(port) = port.and_then(|p| p.trim().parse::<u16>().ok()) {
            self.num(key, u64::from(port));
        }
    }

    /// `user.name` (and `related.user`); a masked (`*****`) or empty name writes nothing.
    pub fn user(&mut self, key: &str, name: &str) {
        let name = name.trim();
        if name.is_empty() || name.bytes().all(|b| b == b'*') || name == "-" {
            return;
        }
        self.str(key, name);
        self.related.add_user(name);
    }

    /// `event.kind`, `event.category`, `event.type`, `event.action` and (if known) `event.outcome`.
    pub fn class(&mut self, kind: &str, category: &[&str], types: &[&str], action: &str, outcome: Option<&str>) {
        self.str("event.kind", kind);
        self.list("event.category", category);
        self.list("event.type", types);
        self.str("event.action", action);
        if let Some(outcome) = outcome {
            self.str("event.outcome", outcome);
        }
    }

    /// `network.transport` from a protocol as ASA writes it (`TCP`, `udp`, `ICMPv6`), or
    /// `network.iana_number` for a number.
    pub fn transport(&mut self, protocol: &str) {
        let lower = protocol.to_ascii_lowercase();
        match lower.as_str() {
            "icmpv6" | "icmp6" => self.str("network.transport", "ipv6-icmp"),
            "tcp" | "udp" | "icmp" | "gre" | "esp" | "ah" | "sctp" | "igmp" | "ipv6-icmp" => {
                self.str("network.transport", &lower)
            }
            n if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                self.str("network.iana_number", n);
                let name = match n {
                    "1" => "icmp",
                    "6" => "tcp",
                    "17" => "udp",
                    "47" => "gre",
                    "50" => "esp",
                    "51" => "ah",
                    "58" => "ipv6-icmp",
                    _ => "",
                };
                self.str("network.transport", name);
            }
            _ => {}
        }
    }

    /// The source or destination side of a flow: address, port, the interface it was seen on
    /// (`observer.ingress`/`egress.interface.name`), its NAT address when it differs, its user.
    pub fn endpoint(&mut self, side: Side, e: &Endpoint<'_>) {
        let (prefix, interface_key, vendor) = match side {
            Side::Source => ("source", "observer.ingress.interface.name", "source"),
            Side::Destination => ("destination", "observer.egress.interface.name", "destination"),
        };
        self.ip(prefix, e.ip);
        self.port(&format!("{prefix}.port"), e.port);
        if let Some(interface) = e.interface {
            self.str(interface_key, interface);
            self.str(&format!("cisco.asa.{vendor}_interface"), interface);
        }
        if let Some(mapped) = e.mapped_ip {
            self.ip_only(&format!("cisco.asa.mapped_{vendor}_ip"), mapped);
            self.port(&format!("cisco.asa.mapped_{vendor}_port"), e.mapped_port);
            // Only a real translation is NAT: ASA repeats the address when nothing is mapped.
            if mapped != e.ip || e.mapped_port != e.port {
                self.ip_only(&format!("{prefix}.nat.ip"), mapped);
                self.port(&format!("{prefix}.nat.port"), e.mapped_port);
            }
        }
        if let Some(user) = e.user {
            self.user(&format!("{prefix}.user.name"), user);
            self.user(&format!("cisco.asa.{vendor}_username"), user);
        }
    }
}

/// Which end of a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Source,
    Destination,
}
