//! `source.*` and `destination.*`: one mapping, two sets of extension keys.

use std::net::IpAddr;

use edge_format_sdk::domain_fields;
use edge_format_sdk::ecs::parse_ip;

use super::{mac, Mapper};
use crate::extensions::Extensions;

impl<'a> Mapper<'a> {
    /// An IPv6 address sent in a custom field whose label names `side` (Check Point's
    /// `c6a2Label=Source IPv6 Address`), for events without `src`/`dst`.
    fn labelled_ip(&self, side: &str) -> Option<IpAddr> {
        const CUSTOM_IPV6: [(&str, &str); 4] = [
            ("deviceCustomIPv6Address1", "deviceCustomIPv6Address1Label"),
            ("deviceCustomIPv6Address2", "deviceCustomIPv6Address2Label"),
            ("deviceCustomIPv6Address3", "deviceCustomIPv6Address3Label"),
            ("deviceCustomIPv6Address4", "deviceCustomIPv6Address4Label"),
        ];
        CUSTOM_IPV6.iter().find_map(|(value, label)| {
            let label = self.ext.get(label)?.to_ascii_lowercase();
            let matches = match side {
                "source" => label.contains("source") || label.starts_with("src"),
                _ => label.contains("destination") || label.starts_with("dst"),
            };
            matches.then(|| self.ext.get(value)).flatten().and_then(parse_ip)
        })
    }

    /// `{side}.ip`, `.domain` (+ public suffix split), `.address`, `.port`, `.mac`, `.user.*`,
    /// `.nat.*`, `.bytes` and `.geo.location` of `source` or `destination`.
    pub(super) fn endpoint(&mut self, n: &EndpointNames) {
        let (side, to) = (n.side, &n.targets);
        // A host name that is an IP address (CyberArk's `shost=10.0.0.10`) stands in for a
        // missing address, as does a labelled custom IPv6 address.
        let ip = self
            .ext
            .get(n.address)
            .and_then(parse_ip)
            .or_else(|| self.labelled_ip(side))
            .or_else(|| self.ext.get(n.host).and_then(parse_ip));
        if let Some(ip) = ip {
            self.put(to.ip, ip.to_string());
            self.related.add_ip(ip);
        }
        // A host name sent as an IP address is not a domain: it stays in `cef.extensions`.
        let ext: &'a Extensions<'a> = self.ext;
        let host = ext.get(n.host).filter(|h| parse_ip(h).is_none());
        if let Some(host) = host {
            self.put(to.domain, host);
            self.related.add_host(host);
            domain_fields(side, host, self.fields);
        }
        // `.address` as sent: the IP's text, else the host name.
        let sent = ext.get(n.address).filter(|a| parse_ip(a).is_some());
        let address = sent
            .map(str::to_owned)
            .or_else(|| ip.map(|i| i.to_string()))
            .or_else(|| host.map(str::to_owned));
        if let Some(address) = address {
            self.put(to.address, address);
        }
        self.port(to.port, n.port);
        if let Some(mac) = self.ext.get(n.mac).and_then(mac) {
            self.put(to.mac, mac);
        }
        if let Some(user) = self.string(to.user_name, n.user) {
            self.related.add_user(user);
        }
        self.string(to.user_id, n.user_id);
        self.string(to.user_domain, n.nt_domain);
        self.string(to.user_group, n.privileges);
        if let Some(nat) = self.ext.get(n.nat_address).and_then(parse_ip) {
            self.put(to.nat_ip, nat.to_string());
            self.related.add_ip(nat);
        }
        self.port(to.nat_port, n.nat_port);
        self.unsigned(to.bytes, n.bytes);
        let lat = self.ext.get(n.latitude).and_then(|v| v.parse::<f64>().ok());
        let lon = self.ext.get(n.longitude).and_then(|v| v.parse::<f64>().ok());
        if let (Some(lat), Some(lon)) = (lat, lon) {
            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) {
                let location = edge_format_sdk::json!({ "lat": lat, "lon": lon });
                self.put(to.geo, location);
            }
        }
    }
}

/// The ECS keys of one side, spelled out once (no `format!` per event).
struct Targets {
    ip: &'static str,
    domain: &'static str,
    address: &'static str,
    port: &'static str,
    mac: &'static str,
    user_name: &'static str,
    user_id: &'static str,
    user_domain: &'static str,
    user_group: &'static str,
    nat_ip: &'static str,
    nat_port: &'static str,
    bytes: &'static str,
    geo: &'static str,
}

macro_rules! targets {
    ($side:literal) => {
        Targets {
            ip: concat!($side, ".ip"),
            domain: concat!($side, ".domain"),
            address: concat!($side, ".address"),
            port: concat!($side, ".port"),
            mac: concat!($side, ".mac"),
            user_name: concat!($side, ".user.name"),
            user_id: concat!($side, ".user.id"),
            user_domain: concat!($side, ".user.domain"),
            user_group: concat!($side, ".user.group.name"),
            nat_ip: concat!($side, ".nat.ip"),
            nat_port: concat!($side, ".nat.port"),
            bytes: concat!($side, ".bytes"),
            geo: concat!($side, ".geo.location"),
        }
    };
}

/// The extension keys (full names) of one side, `source` or `destination`.
pub(super) struct EndpointNames {
    side: &'static str,
    targets: Targets,
    address: &'static str,
    host: &'static str,
    port: &'static str,
    mac: &'static str,
    user: &'static str,
    user_id: &'static str,
    nt_domain: &'static str,
    privileges: &'static str,
    nat_address: &'static str,
    nat_port: &'static str,
    bytes: &'static str,
    latitude: &'static str,
    longitude: &'static str,
}

pub(super) const SOURCE: EndpointNames = EndpointNames {
    side: "source",
    targets: targets!("source"),
    address: "sourceAddress",
    host: "sourceHostName",
    port: "sourcePort",
    mac: "sourceMacAddress",
    user: "sourceUserName",
    user_id: "sourceUserId",
    nt_domain: "sourceNtDomain",
    privileges: "sourceUserPrivileges",
    nat_address: "sourceTranslatedAddress",
    nat_port: "sourceTranslatedPort",
    bytes: "bytesIn",
    latitude: "sourceGeoLatitude",
    longitude: "sourceGeoLongitude",
};

pub(super) const DESTINATION: EndpointNames = EndpointNames {
    side: "destination",
    targets: targets!("destination"),
    address: "destinationAddress",
    host: "destinationHostName",
    port: "destinationPort",
    mac: "destinationMacAddress",
    user: "destinationUserName",
    user_id: "destinationUserId",
    nt_domain: "destinationNtDomain",
    privileges: "destinationUserPrivileges",
    nat_address: "destinationTranslatedAddress",
    nat_port: "destinationTranslatedPort",
    bytes: "bytesOut",
    latitude: "destinationGeoLatitude",
    longitude: "destinationGeoLongitude",
};
