//! The `okta` format: Okta System Log events (the items of `/api/v1/logs`), normalized to ECS
//! after Elastic's `okta.system` integration.
//!
//! - Input (`input.rs`): one event object per event, alone or after a syslog or time prefix
//!   (or a short tag such as `okta: `), whose host, program and priority become `host.name`,
//!   `process.*` and `log.syslog.*`; also the only item of an array, of an event hook's
//!   `data.events`, or the `detail` of an EventBridge log stream event (several events are
//!   rejected: send one per event). Non-JSON and JSON that is not a System Log event (no
//!   `eventType`, `published` and `uuid` or `actor`) are rejected.
//! - `published` → `@timestamp`, `uuid` → `event.id`, `eventType` → `event.action`,
//!   `displayMessage` → `message`, `severity` → `log.level` and `event.severity` (DEBUG 1 ..
//!   ERROR 4), `outcome` → `event.outcome` (`SUCCESS`/`ALLOW` success, `FAILURE`/`DENY`
//!   failure, others unknown) and `event.reason`; each also under `okta.*`.
//! - `actor` (`actors.rs`) → `user.name` (alternateId), `user.id`, `user.full_name` for a `User`
//!   actor, and `okta.actor.*`; `target[]` → `okta.target` (kept whole) and `user.target.*`
//!   (first `User` target; `user.target.group.*` from the first `UserGroup`).
//! - `client` (`client.rs`) → `source.address`/`ip`, `source.geo.*` (city, region, country,
//!   postal code, location), `user_agent.*` (uap-core, from `rawUserAgent`),
//!   `okta.client.*`; `securityContext` → `source.as.*` and `okta.security_context.*`;
//!   `request.ipChain` → `okta.request.ip_chain`.
//! - `authenticationContext`, `debugContext.debugData` and `transaction` (`context.rs`) →
//!   `okta.authentication_context.*`, `okta.debug_context.debug_data.*` (snake_case keys; `risk`
//!   and `behaviors` read into objects, `risk_level`/`risk_reasons`), `okta.transaction.*`.
//! - Categorization (`categorize.rs`) by the event type's family: sessions, authentication,
//!   MFA, account and lifecycle changes, group and application memberships, policies, API
//!   tokens, threats (`event.kind` `alert`); any other event type keeps `event.kind` `event`.

mod actors;
mod categorize;
mod client;
mod context;
mod input;
mod values;

use edge_format_sdk::{
    describe, insert_envelope, insert_metadata, line, Description, Event, Fields, Format, Map, Related, Value, MESSAGE,
    TIMESTAMP,
};

use values::{is_rfc3339, object, text};

pub struct Okta;

impl Format for Okta {
    fn describe() -> Description {
        describe!(
            "okta",
            "Okta System Log events (the items of /api/v1/logs, also after a syslog prefix or from an event hook), normalized to ECS",
            ["authentication", "cloud"],
            r#"{"uuid":"9f3b2c1e-8a7d-11ef-b864-0242ac120002","published":"2026-03-02T09:15:27.412Z","eventType":"user.session.start","version":"0","displayMessage":"User login to Okta","severity":"INFO","actor":{"id":"00u1a2b3c4d5e6f7g8h9","type":"User","alternateId":"alice@example.com","displayName":"Alice Martin"},"client":{"userAgent":{"rawUserAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0","os":"Windows 10","browser":"FIREFOX"},"zone":"null","device":"Computer","ipAddress":"203.0.113.24","geographicalContext":{"city":"Lyon","state":"Auvergne-Rhone-Alpes","country":"France","postalCode":"69001","geolocation":{"lat":45.7578,"lon":4.832}}},"authenticationContext":{"authenticationStep":0,"externalSessionId":"102abcdEFghIJkLmnOPqrs"},"outcome":{"result":"SUCCESS"},"securityContext":{"asNumber":64500,"asOrg":"example telecom","isp":"example isp","domain":"example.net","isProxy":false},"debugContext":{"debugData":{"requestId":"ZfEXAMPLE1a2b3c4d5e6f","requestUri":"/api/v1/authn","threatSuspected":"false","url":"/api/v1/authn?"}},"transaction":{"type":"WEB","id":"ZfEXAMPLE1a2b3c4d5e6f","detail":{}},"request":{"ipChain":[{"ip":"203.0.113.24","geographicalContext":{"city":"Lyon","country":"France"},"version":"V4"}]},"target":[]}"#,
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        let mut fields = Fields::with_capacity(48);
        {
            let located = input::locate(&event.raw)?;
            event_fields(&located.event, &mut fields);
            line::insert_prefix_fields(&mut fields, &located.prefix, &event);
        }
        insert_envelope(&mut fields, &event);
        insert_metadata(&mut fields, &event.metadata);
        Ok(fields)
    }
}

/// One System Log event → ECS fields and `okta.*`.
fn event_fields(event: &Map<String, Value>, fields: &mut Fields) {
    let mut related = Related::new();
    if let Some(time) = text(event, "published").filter(|t| is_rfc3339(t)) {
        fields.insert(TIMESTAMP.into(), Value::String(time.to_owned()));
    }
    let event_type = text(event, "eventType").unwrap_or_default();
    let mut put = |key: &str, value: &str| {
        fields.insert(key.into(), Value::String(value.to_owned()));
    };
    put("event.action", event_type);
    put("okta.event_type", event_type);
    for (json, keys) in [
        ("uuid", ["event.id", "okta.uuid"]),
        ("displayMessage", [MESSAGE, "okta.display_message"]),
    ] {
        if let Some(value) = text(event, json) {
            keys.iter().for_each(|key| put(key, value));
        }
    }
    for (json, key) in [
        ("version", "okta.version"),
        ("legacyEventType", "okta.legacy_event_type"),
    ] {
        if let Some(value) = text(event, json) {
            put(key, value);
        }
    }
    if let Some(severity) = text(event, "severity") {
        context::severity_fields(severity, fields);
    }
    let outcome = object(event, "outcome").and_then(|o| context::outcome_fields(o, fields));
    if let Some(actor) = object(event, "actor") {
        actors::actor_fields(actor, fields, &mut related);
    }
    if let Some(Value::Array(targets)) = event.get("target") {
        actors::target_fields(targets, fields, &mut related);
    }
    if let Some(client) = object(event, "client") {
        client::client_fields(client, fields, &mut related);
    }
    if let Some(security) = object(event, "securityContext") {
        client::security_fields(security, fields);
    }
    if let Some(request) = object(event, "request") {
        client::ip_chain_fields(request, fields, &mut related);
    }
    if let Some(authentication) = object(event, "authenticationContext") {
        context::authentication_fields(authentication, fields);
    }
    if let Some(data) = object(event, "debugContext").and_then(|d| object(d, "debugData")) {
        context::debug_fields(data, fields);
    }
    if let Some(transaction) = object(event, "transaction") {
        context::transaction_fields(transaction, fields);
    }
    match categorize::categorize(event_type) {
        Some(mut categories) => {
            // A sign-in that failed started no session.
            if outcome == Some("failure") && categories.types == ["start"] {
                categories.types = vec!["info"];
            }
            fields.insert("event.kind".into(), Value::from(categories.kind));
            fields.insert("event.category".into(), Value::from(categories.category));
            fields.insert("event.type".into(), Value::from(categories.types));
        }
        None => {
            fields.insert("event.kind".into(), Value::from("event"));
        }
    }
    related.insert_into(fields);
}

edge_format_sdk::export_format!(Okta);

#[cfg(test)]
mod tests;
