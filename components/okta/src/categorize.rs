//! `event.kind`, `event.category` and `event.type` by the `eventType` family; event types
//! outside these families keep `event.kind` `event` alone rather than a guess.

pub(crate) use edge_format_sdk::json_values::Categories;

fn of(category: &[&'static str], types: &[&'static str]) -> Option<Categories> {
    Categories::event(category, types)
}

/// What a lifecycle verb (the last part of the event type) does: `creation`, `deletion` or
/// `change`.
fn lifecycle(verb: &str) -> &'static str {
    match verb {
        "create" | "add" => "creation",
        "delete" | "delete.initiated" | "delete.completed" | "remove" => "deletion",
        _ => "change",
    }
}

pub(crate) fn categorize(event_type: &str) -> Option<Categories> {
    let t = event_type;
    match t {
        "user.session.start" => of(&["authentication", "session"], &["start"]),
        "user.session.end" => of(&["authentication", "session"], &["end"]),
        "policy.evaluate_sign_on" => of(&["authentication"], &["info"]),
        "user.authentication.sso" => of(&["authentication"], &["start"]),
        "security.threat.detected" | "security.attack.start" | "security.breached_credential.detected" => {
            Categories::alert(&["intrusion_detection"], &["info"])
        }
        "security.attack.end" => of(&["intrusion_detection"], &["info"]),
        "security.request.blocked" => of(&["intrusion_detection"], &["denied"]),
        "system.api_token.create" => of(&["iam"], &["admin", "creation"]),
        "system.api_token.revoke" => of(&["iam"], &["admin", "deletion"]),
        _ if t.starts_with("user.session.") => of(&["session"], &["info"]),
        _ if t.starts_with("user.authentication.") => of(&["authentication"], &["info"]),
        // Enrolling or resetting a factor changes the user's credentials; the rest is a check.
        _ if t.starts_with("user.mfa.factor.") => of(&["iam"], &["user", "change"]),
        _ if t.starts_with("user.mfa.") => of(&["authentication"], &["info"]),
        _ if t.starts_with("user.account.privilege.") => of(&["iam"], &["admin", "change"]),
        _ if t.starts_with("user.account.") || t.starts_with("user.credential.") => of(&["iam"], &["user", "change"]),
        _ => family(t),
    }
}

/// Lifecycle families: users, groups, memberships, applications and policies.
fn family(t: &str) -> Option<Categories> {
    if let Some(verb) = t.strip_prefix("user.lifecycle.") {
        return of(&["iam"], &["user", lifecycle(verb)]);
    }
    if t.starts_with("group.user_membership.") || t.starts_with("group.profile.") {
        return of(&["iam"], &["group", "change"]);
    }
    if let Some(verb) = t.strip_prefix("group.lifecycle.") {
        return of(&["iam"], &["group", lifecycle(verb)]);
    }
    if t.starts_with("group.privilege.") {
        return of(&["iam"], &["admin", "change"]);
    }
    if t.starts_with("application.user_membership.") || t.starts_with("app.user_membership.") {
        return of(&["iam"], &["user", "change"]);
    }
    if let Some(verb) = t.strip_prefix("application.lifecycle.") {
        return of(&["configuration"], &[lifecycle(verb)]);
    }
    if let Some(rest) = t
        .strip_prefix("policy.lifecycle.")
        .or_else(|| t.strip_prefix("policy.rule."))
    {
        return of(&["configuration"], &[lifecycle(rest)]);
    }
    None
}
