//! Logins and commands on the ASA itself: AAA (113004/113005/113012/113015), management logins
//! (611101/611102, 605004/605005) and commands (111008/111009/111010).

use crate::endpoint::address;
use crate::out::Out;

/// `AAA user authentication Successful : server =  192.0.2.50 : user = alice`, `AAA user
/// authentication Rejected : reason = Invalid password : local database : user = ***** : user IP
/// = 198.51.100.7` (also `authorization`, `accounting`).
pub fn aaa(text: &str, out: &mut Out) -> Option<()> {
    let mut parts = text.split(" : ");
    let head = parts.next()?;
    let mut words = head.split_whitespace();
    if (words.next(), words.next()) != (Some("AAA"), Some("user")) {
        return None;
    }
    let service = words.next()?;
    let success = words.next()? == "Successful";
    for part in parts {
        let Some((key, value)) = part.split_once('=') else {
            out.str("cisco.asa.aaa.server", part.trim());
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "server" => {
                out.str("cisco.asa.aaa.server", value);
                out.ip_only("server.ip", value);
            }
            "user" => out.user("user.name", value),
            "user IP" => {
                out.ip("source", value);
            }
            "reason" => out.str("event.reason", value),
            _ => {}
        }
    }
    let outcome = if success { "success" } else { "failure" };
    let (category, action) = match service {
        "authentication" => ("authentication", "authentication"),
        "authorization" => ("iam", "authorization"),
        _ => ("session", "accounting"),
    };
    out.class("event", &[category], &["info"], &format!("aaa-{action}"), Some(outcome));
    Some(())
}

/// 611101 `User authentication succeeded: IP address: 192.0.2.5, Uname: admin` and 611102
/// `… failed: …` (the address is missing on older releases).
pub fn management_login(id: &str, text: &str, out: &mut Out) -> Option<()> {
    let uname = text.split_once("Uname: ")?.1;
    out.user("user.name", uname.trim());
    if let Some((_, rest)) = text.split_once("IP address: ") {
        out.ip("source", rest.split(',').next().unwrap_or_default());
    }
    let (outcome, types): (&str, &[&str]) = if id == "611101" {
        ("success", &["start"])
    } else {
        ("failure", &["info"])
    };
    out.class("event", &["authentication"], types, "login", Some(outcome));
    Some(())
}

/// 605004 `Login denied from 198.51.100.7/51234 to outside:203.0.113.1/ssh for user "admin"`,
/// 605005 `Login permitted from 192.0.2.5/51234 to inside:192.0.2.1/https for user "admin"`.
pub fn console_login(id: &str, text: &str, out: &mut Out) -> Option<()> {
    let source = text.split_once(" from ")?.1.split_whitespace().next()?;
    let (_, ip, port) = address(source)?;
    out.ip("source", ip);
    out.port("source.port", port);
    if let Some(target) = text.split_once(" to ").and_then(|(_, r)| r.split_whitespace().next()) {
        if let Some((interface, ip, service)) = address(target) {
            out.ip("destination", ip);
            if let Some(interface) = interface {
                out.str("observer.ingress.interface.name", interface);
                out.str("cisco.asa.source_interface", interface);
            }
            match service {
                Some(port) if port.bytes().all(|b| b.is_ascii_digit()) => out.port("destination.port", Some(port)),
                Some(name) => out.str("network.protocol", &name.to_ascii_lowercase()),
                None => {}
            }
        }
    }
    if let Some((_, user)) = text.split_once(" for user ") {
        out.user("user.name", user.trim().trim_matches(['"', '\'']));
    }
    let (outcome, types): (&str, &[&str]) = if id == "605005" {
        ("success", &["start"])
    } else {
        ("failure", &["info"])
    };
    out.class("event", &["authentication"], types, "login", Some(outcome));
    Some(())
}

/// The text between the first pair of single quotes after `from`.
fn quoted(text: &str) -> Option<(&str, &str)> {
    let (_, rest) = text.split_once('\'')?;
    rest.split_once('\'')
}

/// 111008 `User 'admin' executed the 'write memory' command.`, 111009 `User 'enable_15'
/// executed cmd: show running-config`, 111010 `User 'admin', running 'CLI' from IP 192.0.2.5,
/// executed 'write memory'`.
pub fn command(id: &str, text: &str, out: &mut Out) -> Option<()> {
    let (user, rest) = quoted(text)?;
    out.user("user.name", user);
    let command = match id {
        "111009" => rest.split_once("cmd: ").map(|(_, c)| c.trim()),
        "111010" => {
            let (client, after_client) = quoted(rest)?;
            out.str("cisco.asa.command_source", client);
            if let Some((_, from)) = after_client.split_once(" from IP ") {
                out.ip("source", from.split(',').next().unwrap_or_default());
            }
            after_client
                .split_once("executed ")
                .and_then(|(_, c)| quoted(c).map(|q| q.0).or(Some(c.trim())))
        }
        _ => quoted(rest).map(|(c, _)| c),
    };
    if let Some(command) = command {
        out.str("cisco.asa.command_line", command);
    }
    // A `show` reads the configuration; anything else may change it.
    let reads = command.is_some_and(|c| c.trim_start().starts_with("show ") || c.trim() == "show");
    let types: &[&str] = if reads { &["access"] } else { &["change"] };
    out.class("event", &["configuration"], types, "command-executed", Some("success"));
    Some(())
}
