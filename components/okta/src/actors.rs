//! Who acted and on what: `actor` → `user.*` and `okta.actor.*`; `target[]` →
//! `okta.target` and `user.target.*` (the first `User` target; its group, the first
//! `UserGroup` target).

use edge_format_sdk::{Fields, Map, Related, Value};

use crate::values::{storable, text};

pub(crate) fn actor_fields(actor: &Map<String, Value>, fields: &mut Fields, related: &mut Related) {
    for (json, key) in [
        ("id", "id"),
        ("type", "type"),
        ("alternateId", "alternate_id"),
        ("displayName", "display_name"),
    ] {
        if let Some(value) = text(actor, json) {
            fields.insert(format!("okta.actor.{key}"), Value::String(value.to_owned()));
        }
    }
    // Only a person is a user; an app, the system principal or an API token acts as itself.
    if text(actor, "type") != Some("User") {
        return;
    }
    // A failed sign-in with an unknown login has the id `unknown` and the login typed.
    if let Some(id) = text(actor, "id").filter(|id| *id != "unknown") {
        fields.insert("user.id".into(), Value::String(id.to_owned()));
    }
    if let Some(login) = text(actor, "alternateId").filter(|l| *l != "unknown") {
        fields.insert("user.name".into(), Value::String(login.to_owned()));
        related.add_user(login);
    }
    if let Some(name) = text(actor, "displayName").filter(|n| *n != "unknown") {
        fields.insert("user.full_name".into(), Value::String(name.to_owned()));
    }
}

pub(crate) fn target_fields(targets: &[Value], fields: &mut Fields, related: &mut Related) {
    if targets.is_empty() {
        return;
    }
    let of_type = |kind: &str| {
        targets
            .iter()
            .filter_map(Value::as_object)
            .find(|t| text(t, "type") == Some(kind))
    };
    if let Some(user) = of_type("User") {
        for (json, key) in [("id", "id"), ("alternateId", "name"), ("displayName", "full_name")] {
            if let Some(value) = text(user, json) {
                fields.insert(format!("user.target.{key}"), Value::String(value.to_owned()));
            }
        }
    }
    for target in targets.iter().filter_map(Value::as_object) {
        if text(target, "type") == Some("User") {
            if let Some(login) = text(target, "alternateId") {
                related.add_user(login);
            }
        }
    }
    if let Some(group) = of_type("UserGroup") {
        for (json, key) in [("id", "id"), ("displayName", "name")] {
            if let Some(value) = text(group, json) {
                fields.insert(format!("user.target.group.{key}"), Value::String(value.to_owned()));
            }
        }
    }
    fields.insert("okta.target".into(), storable(&Value::Array(targets.to_vec())));
}
