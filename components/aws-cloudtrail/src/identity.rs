//! `userIdentity`: who made the call → `user.*` and `aws.cloudtrail.user_identity.*`.

use edge_format_sdk::{Fields, Map, Related, Value};

use crate::values::{flag, object, text};

const PREFIX: &str = "aws.cloudtrail.user_identity.";

/// What CloudTrail writes instead of the name of an unknown user in a failed console login.
const HIDDEN: &str = "HIDDEN_DUE_TO_SECURITY_REASONS";

pub(crate) fn identity_fields(identity: &Map<String, Value>, fields: &mut Fields, related: &mut Related) {
    let mut put = |key: &str, value: &str| {
        fields.insert(format!("{PREFIX}{key}"), Value::String(value.to_owned()));
    };
    for (json, key) in [
        ("type", "type"),
        ("arn", "arn"),
        ("accountId", "account_id"),
        ("accessKeyId", "access_key_id"),
        ("invokedBy", "invoked_by"),
        ("identityProvider", "identity_provider"),
        ("credentialId", "credential_id"),
    ] {
        if let Some(value) = text(identity, json) {
            put(key, value);
        }
    }
    if let Some(on_behalf) = object(identity, "onBehalfOf") {
        if let Some(id) = text(on_behalf, "userId") {
            put("on_behalf_of.user_id", id);
        }
        if let Some(store) = text(on_behalf, "identityStoreArn") {
            put("on_behalf_of.identity_store_arn", store);
        }
    }
    let context = object(identity, "sessionContext");
    let issuer = context.and_then(|c| object(c, "sessionIssuer"));
    if let Some(context) = context {
        session_fields(context, fields);
    }
    if let Some(id) = text(identity, "principalId") {
        fields.insert("user.id".into(), Value::String(id.to_owned()));
    }
    // An assumed role names no user: the role (the issuer's name) is who acted, as Elastic's
    // CloudTrail pipeline reads it.
    let name = text(identity, "userName")
        .or_else(|| issuer.and_then(|i| text(i, "userName")))
        .filter(|n| *n != HIDDEN);
    if let Some(name) = name {
        fields.insert("user.name".into(), Value::String(name.to_owned()));
        related.add_user(name);
    }
}

fn session_fields(context: &Map<String, Value>, fields: &mut Fields) {
    let prefix = format!("{PREFIX}session_context.");
    if let Some(attributes) = object(context, "attributes") {
        if let Some(mfa) = attributes.get("mfaAuthenticated").and_then(flag) {
            fields.insert(format!("{prefix}mfa_authenticated"), Value::Bool(mfa));
        }
        if let Some(created) = text(attributes, "creationDate") {
            fields.insert(format!("{prefix}creation_date"), Value::String(created.to_owned()));
        }
    }
    if let Some(source) = text(context, "sourceIdentity") {
        fields.insert(format!("{prefix}source_identity"), Value::String(source.to_owned()));
    }
    if let Some(issuer) = object(context, "sessionIssuer") {
        for (json, key) in [
            ("type", "type"),
            ("principalId", "principal_id"),
            ("arn", "arn"),
            ("accountId", "account_id"),
            ("userName", "user_name"),
        ] {
            if let Some(value) = text(issuer, json) {
                fields.insert(format!("{prefix}session_issuer.{key}"), Value::String(value.to_owned()));
            }
        }
    }
}
