//! An event being built field by field: ECS fields, `related.*`, and the small conversions that
//! key=value and CSV firewall logs need (IP addresses, NAT addresses, ports, counters, users,
//! MACs, categorization). Shared by the `fortigate` and `paloalto` formats.

use crate::ecs::parse_ip;
use crate::{address_fields, Fields, Related, Value};

#[derive(Default)]
pub struct Out {
    pub fields: Fields,
    pub related: Related,
}

impl Out {
    pub fn new() -> Out {
        Out {
            fields: Fields::with_capacity(64),
            related: Related::new(),
        }
    }

    pub fn str(&mut self, key: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.fields.insert(key.into(), Value::String(value.to_owned()));
        }
    }

    /// A counter or port; a value that is not a number writes nothing.
    pub fn num(&mut self, key: &str, value: Option<&str>) -> Option<u64> {
        let n = value?.parse::<u64>().ok()?;
        self.fields.insert(key.into(), Value::from(n));
        Some(n)
    }

    pub fn array(&mut self, key: &str, values: &[&str]) {
        self.fields.insert(
            key.into(),
            Value::Array(values.iter().map(|v| Value::from(*v)).collect()),
        );
    }

    /// `{prefix}.address` and `.ip` (or `.domain`), into `related`.
    pub fn address(&mut self, prefix: &str, value: Option<&str>) {
        if let Some(value) = value {
            address_fields(prefix, value, &mut self.fields, &mut self.related);
        }
    }

    /// A translated (NAT) address: `0.0.0.0` and `::` mean "not translated".
    pub fn nat_ip(&mut self, key: &str, value: Option<&str>) {
        let Some(ip) = value.and_then(parse_ip) else { return };
        if ip.is_unspecified() {
            return;
        }
        self.fields.insert(key.into(), Value::String(ip.to_string()));
        self.related.add_ip(ip);
    }

    /// A port where `0` means none (NAT ports).
    pub fn port(&mut self, key: &str, value: Option<&str>) {
        if let Some(port) = value.and_then(|v| v.parse::<u16>().ok()).filter(|p| *p != 0) {
            self.fields.insert(key.into(), Value::from(port));
        }
    }

    pub fn user(&mut self, key: &str, value: Option<&str>) {
        if let Some(user) = value {
            self.str(key, Some(user));
            self.related.add_user(user);
        }
    }

    /// A MAC address in ECS's form: upper case, `-` separated.
    pub fn mac(&mut self, key: &str, value: Option<&str>) {
        let Some(mac) = value else { return };
        let hex: Vec<&str> = mac.split([':', '-']).collect();
        if hex.len() == 6
            && hex
                .iter()
                .all(|h| h.len() == 2 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            self.str(key, Some(&hex.join("-").to_ascii_uppercase()));
        }
    }

    /// `event.kind`, `event.category` and `event.type` (ECS-allowed values only).
    pub fn categorize(&mut self, kind: &str, category: &[&str], types: &[&str]) {
        self.str("event.kind", Some(kind));
        if !category.is_empty() {
            self.array("event.category", category);
        }
        if !types.is_empty() {
            self.array("event.type", types);
        }
    }

    pub fn outcome(&mut self, success: Option<bool>) {
        if let Some(success) = success {
            self.str("event.outcome", Some(if success { "success" } else { "failure" }));
        }
    }
}

/// A vendor's word severity (`informational`/`info`, `low`, `medium`, `high`, `critical`, any
/// case) as `event.severity`: 1 .. 5, as Elastic's firewall integrations number them.
pub fn severity_number(severity: &str) -> Option<u64> {
    Some(match severity.to_ascii_lowercase().as_str() {
        "informational" | "info" => 1,
        "low" => 2,
        "medium" => 3,
        "high" => 4,
        "critical" => 5,
        _ => return None,
    })
}
