//! Where the request came from: `client` → `source.*` (address, geo), `user_agent.*` and
//! `okta.client.*`; `securityContext` → `source.as.*` and `okta.security_context.*`;
//! `request.ipChain` → `okta.request.ip_chain`.

use edge_format_sdk::{address_fields, user_agent_fields, Fields, Map, Related, Value};

use crate::values::{flag, object, storable, text};

/// What Okta writes for a value it does not know.
fn known(value: &str) -> bool {
    !value.eq_ignore_ascii_case("unknown") && value != "null"
}

pub(crate) fn client_fields(client: &Map<String, Value>, fields: &mut Fields, related: &mut Related) {
    if let Some(ip) = text(client, "ipAddress") {
        address_fields("source", ip, fields, related);
        fields.insert("okta.client.ip".into(), Value::String(ip.to_owned()));
    }
    for (json, key) in [("zone", "zone"), ("device", "device"), ("id", "id")] {
        if let Some(value) = text(client, json).filter(|v| known(v)) {
            fields.insert(format!("okta.client.{key}"), Value::String(value.to_owned()));
        }
    }
    if let Some(agent) = object(client, "userAgent") {
        for (json, key) in [("rawUserAgent", "raw_user_agent"), ("os", "os"), ("browser", "browser")] {
            if let Some(value) = text(agent, json).filter(|v| known(v)) {
                fields.insert(format!("okta.client.user_agent.{key}"), Value::String(value.to_owned()));
            }
        }
        if let Some(raw) = text(agent, "rawUserAgent").filter(|v| known(v)) {
            user_agent_fields(raw, fields);
        }
    }
    if let Some(geo) = object(client, "geographicalContext") {
        geo_fields(geo, fields);
    }
}

fn geo_fields(geo: &Map<String, Value>, fields: &mut Fields) {
    for (json, key) in [
        ("city", "city_name"),
        ("state", "region_name"),
        ("country", "country_name"),
        ("postalCode", "postal_code"),
    ] {
        if let Some(value) = text(geo, json) {
            fields.insert(format!("source.geo.{key}"), Value::String(value.to_owned()));
        }
    }
    let location = object(geo, "geolocation");
    let lat = location.and_then(|l| l.get("lat")).and_then(Value::as_f64);
    let lon = location.and_then(|l| l.get("lon")).and_then(Value::as_f64);
    if let (Some(lat), Some(lon)) = (lat, lon) {
        let mut point = Map::new();
        point.insert("lat".into(), Value::from(lat));
        point.insert("lon".into(), Value::from(lon));
        fields.insert("source.geo.location".into(), Value::Object(point));
    }
}

pub(crate) fn security_fields(security: &Map<String, Value>, fields: &mut Fields) {
    const PREFIX: &str = "okta.security_context.";
    if let Some(number) = security.get("asNumber").and_then(Value::as_u64) {
        fields.insert("source.as.number".into(), Value::from(number));
        fields.insert(format!("{PREFIX}as.number"), Value::from(number));
    }
    if let Some(org) = text(security, "asOrg") {
        fields.insert("source.as.organization.name".into(), Value::String(org.to_owned()));
        fields.insert(format!("{PREFIX}as.organization.name"), Value::String(org.to_owned()));
    }
    for (json, key) in [("isp", "isp"), ("domain", "domain")] {
        if let Some(value) = text(security, json) {
            fields.insert(format!("{PREFIX}{key}"), Value::String(value.to_owned()));
        }
    }
    if let Some(proxy) = security.get("isProxy").and_then(flag) {
        fields.insert(format!("{PREFIX}is_proxy"), Value::Bool(proxy));
    }
}

/// The addresses the request went through, each with its own geography.
pub(crate) fn ip_chain_fields(request: &Map<String, Value>, fields: &mut Fields, related: &mut Related) {
    let Some(Value::Array(chain)) = request.get("ipChain") else {
        return;
    };
    if chain.is_empty() {
        return;
    }
    for hop in chain {
        if let Some(ip) = hop.get("ip").and_then(Value::as_str) {
            if let Some(ip) = edge_format_sdk::ecs::parse_ip(ip) {
                related.add_ip(ip);
            }
        }
    }
    fields.insert("okta.request.ip_chain".into(), storable(&Value::Array(chain.clone())));
}
