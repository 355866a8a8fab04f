//! sshd's own messages (texts from openssh-portable: `auth.c`, `auth2.c`, `sshd.c`,
//! `sshd-session.c`, `packet.c`, `serverloop.c`, `session.c`, `kex.c`).

use crate::parsed::*;

/// `Accepted|Failed|Postponed|Partial <method> for [invalid user ]<user> from <ip> port <n> ssh2[: <key>]`
fn login(msg: &str) -> Option<Parsed<'_>> {
    let (verdict, rest) = msg.split_once(' ')?;
    let (kind, outcome) = match verdict {
        "Accepted" => (START, SUCCESS),
        "Failed" => (INFO, FAILURE),
        "Partial" => (INFO, SUCCESS),
        "Postponed" => (INFO, UNKNOWN),
        _ => return None,
    };
    let (method, rest) = rest.split_once(" for ")?;
    let (user, address, port, tail) = from_address_port(rest)?;
    // sshd has always written the port here: without it the line was cut short.
    port?;
    let user = user.strip_prefix("invalid user ").unwrap_or(user);
    let mut parsed = Parsed::new("ssh_login", AUTHENTICATION, kind, outcome)
        .user(Some(user))
        .peer(address, port)
        .extra("openssh.method", method);
    let signature = strip_preauth(tail).trim_start_matches(" ssh2").strip_prefix(": ");
    if let Some(signature) = signature.filter(|s| !s.is_empty()) {
        parsed = parsed.extra("openssh.signature", signature);
    }
    Some(parsed)
}

/// Authentication refusals and failures that are not an `Accepted`/`Failed` line.
fn refusal(msg: &str) -> Option<Parsed<'_>> {
    if let Some(rest) = msg.strip_prefix("Invalid user ") {
        // `Invalid user <user> from <ip> port <n>`; the user may be empty (`Invalid user  from`).
        let rest = rest.strip_prefix("from ").map_or(rest, |r| r);
        let (user, address, port) = match from_address_port(rest) {
            Some((user, address, port, _)) => (user, address, port),
            None => {
                let (address, port, _) = address_port(rest)?;
                ("", address, port)
            }
        };
        let parsed = Parsed::new("ssh_invalid_user", AUTHENTICATION, INFO, FAILURE);
        return Some(parsed.user(Some(user)).peer(address, port));
    }
    if let Some(rest) = msg.strip_prefix("maximum authentication attempts exceeded for ") {
        let (user, address, port, _) = from_address_port(rest)?;
        let user = user.strip_prefix("invalid user ").unwrap_or(user);
        let parsed = Parsed::new("ssh_max_auth_attempts_exceeded", AUTHENTICATION, INFO, FAILURE);
        return Some(parsed.user(Some(user)).peer(address, port));
    }
    if let Some(rest) = msg.strip_prefix("input_userauth_request: invalid user ") {
        let parsed = Parsed::new("ssh_invalid_user", AUTHENTICATION, INFO, FAILURE);
        return Some(parsed.user(Some(strip_preauth(rest))));
    }
    if let Some(rest) = msg.strip_prefix("ROOT LOGIN REFUSED FROM ") {
        let (address, port, _) = address_port(rest)?;
        let parsed = Parsed::new("ssh_login_refused", AUTHENTICATION, INFO, FAILURE);
        return Some(parsed.user(Some("root")).peer(address, port));
    }
    if let Some(rest) = msg.strip_prefix("User ") {
        // `User <u> from <host> not allowed because <why>` / `User <u> not allowed because <why>`
        let (who, why) = rest.split_once(" not allowed because ")?;
        let parsed = Parsed::new("ssh_login_refused", AUTHENTICATION, INFO, FAILURE).reason(why);
        return Some(match who.rsplit_once(" from ") {
            Some((user, host)) => parsed.user(Some(user)).peer(host, None),
            None => parsed.user(Some(who)),
        });
    }
    if let Some(rest) = msg.strip_prefix("PAM: Authentication failure for ") {
        // `error: PAM: Authentication failure for [illegal user ]<u> from <host>`
        let (user, host) = rest.rsplit_once(" from ")?;
        let user = user.strip_prefix("illegal user ").unwrap_or(user);
        let parsed = Parsed::new("authentication_failure", AUTHENTICATION, INFO, FAILURE);
        return Some(parsed.user(Some(user)).peer(strip_preauth(host), None));
    }
    if let Some(rest) = msg.strip_prefix("PAM: User not known to the underlying authentication module for ") {
        let (user, host) = rest.rsplit_once(" from ")?;
        let user = user.strip_prefix("illegal user ").unwrap_or(user);
        let parsed = Parsed::new("ssh_invalid_user", AUTHENTICATION, INFO, FAILURE);
        return Some(parsed.user(Some(user)).peer(strip_preauth(host), None));
    }
    None
}

/// Ends of connections and sessions, from the client or from sshd.
fn disconnect(msg: &str) -> Option<Parsed<'_>> {
    if let Some(rest) = msg.strip_prefix("Received disconnect from ") {
        // `<ip> port <n>:<code>: <reason>`; old sshd: `<ip>: <code>: <reason>`.
        let (address, port, tail) = address_port(rest)?;
        let tail = tail.trim_start_matches(':').trim_start();
        let (code, reason) = tail.split_once(':').unwrap_or(("", tail));
        let code: Option<u32> = code.trim().parse().ok();
        // 11 is SSH2_DISCONNECT_BY_APPLICATION: the client said goodbye.
        let outcome = if code == Some(11) { SUCCESS } else { FAILURE };
        let mut parsed = Parsed::new("ssh_disconnect", NETWORK, CONNECTION_END, outcome)
            .peer(address, port)
            .reason(reason);
        if let Some(code) = code {
            parsed = parsed.extra("openssh.disconnect.code", code);
        }
        return Some(parsed);
    }
    if let Some(rest) = msg.strip_prefix("Disconnecting ") {
        // `Disconnecting [authenticating |invalid ]user <u> <ip> port <n>: <reason>`; old sshd:
        // `Disconnecting: <reason>` (`Too many authentication failures for root`).
        if let Some(reason) = rest.strip_prefix(": ") {
            let user = reason.split_once(" for ").map(|(_, u)| strip_preauth(u));
            let parsed = Parsed::new("ssh_disconnect", NETWORK, CONNECTION_END, FAILURE).reason(reason);
            return Some(parsed.user(user));
        }
        let (head, reason) = rest.split_once(": ").unwrap_or((rest, ""));
        let peer = user_address_port(head)?;
        let parsed = Parsed::new("ssh_disconnect", NETWORK, CONNECTION_END, FAILURE);
        return Some(parsed.user(peer.user).peer(peer.address, peer.port).reason(reason));
    }
    let (action, rest) = if let Some(rest) = msg.strip_prefix("Disconnected from ") {
        ("ssh_disconnect", rest)
    } else if let Some(rest) = msg.strip_prefix("Connection closed by ") {
        ("ssh_connection_closed", rest)
    } else if let Some(rest) = msg.strip_prefix("Connection reset by ") {
        ("ssh_connection_reset", rest)
    } else if let Some(rest) = msg.strip_prefix("Closing connection to ") {
        ("ssh_connection_closed", rest)
    } else {
        return None;
    };
    let Peer {
        user,
        unauthenticated,
        address,
        port,
        ..
    } = user_address_port(rest)?;
    let failed = unauthenticated || is_preauth(msg) || action == "ssh_connection_reset";
    let parsed = if user.is_some() && !failed {
        // The end of an authenticated user's session.
        Parsed::new(action, SESSION, END, SUCCESS)
    } else {
        Parsed::new(action, NETWORK, CONNECTION_END, if failed { FAILURE } else { SUCCESS })
    };
    Some(parsed.user(user).peer(address, port))
}

/// Connections that fail before authentication: identification, banner, key exchange, timeouts.
fn protocol(msg: &str) -> Option<Parsed<'_>> {
    let failed = |action| Parsed::new(action, NETWORK, PROTOCOL, FAILURE);
    if let Some(rest) = msg.strip_prefix("Connection from ") {
        // `Connection from <ip> port <n> on <ip> port <n>[ rdomain "<d>"]`
        let (address, port, tail) = address_port(rest)?;
        let mut parsed = Parsed::new("ssh_connection", NETWORK, CONNECTION_START, SUCCESS).peer(address, port);
        if let Some((local, local_port, _)) = tail.strip_prefix(" on ").and_then(address_port) {
            parsed.local = Some((local, local_port));
        }
        return Some(parsed);
    }
    if let Some(rest) = msg.strip_prefix("Did not receive identification string from ") {
        let (address, port, _) = address_port(rest)?;
        return Some(failed("ssh_no_identification").peer(address, port));
    }
    if let Some(rest) = msg.strip_prefix("banner exchange: Connection from ") {
        // `banner exchange: Connection from <ip> port <n>: <reason>`
        let (address, port, tail) = address_port(rest)?;
        let reason = tail.trim_start_matches(':');
        return Some(failed("ssh_banner_exchange_failed").peer(address, port).reason(reason));
    }
    if let Some(reason) = msg.strip_prefix("kex_exchange_identification: ") {
        return Some(failed("ssh_kex_identification_failed").reason(reason));
    }
    if let Some(rest) = msg.strip_prefix("Unable to negotiate with ") {
        // `Unable to negotiate with <ip> port <n>: no matching <what> found. Their offer: <list>`
        let (address, port, tail) = address_port(rest)?;
        let tail = strip_preauth(tail.trim_start_matches(':'));
        let (reason, offer) = tail.split_once(". Their offer: ").unwrap_or((tail, ""));
        let mut parsed = failed("ssh_negotiation_failed").peer(address, port).reason(reason);
        if !offer.is_empty() {
            parsed = parsed.extra("openssh.their_offer", offer);
        }
        return Some(parsed);
    }
    if let Some(rest) = msg.strip_prefix("Bad protocol version identification ") {
        // `Bad protocol version identification '<text>' from <ip> port <n>`
        let (_, address, port, _) = from_address_port(rest)?;
        return Some(failed("ssh_bad_protocol_version").peer(address, port));
    }
    if let Some(rest) = msg.strip_prefix("ssh_dispatch_run_fatal: Connection from ") {
        let peer = user_address_port(rest)?;
        let reason = peer.rest.trim_start_matches(':');
        let parsed = failed("ssh_dispatch_failed").user(peer.user);
        return Some(parsed.peer(peer.address, peer.port).reason(reason));
    }
    for (prefix, action) in [
        ("Timeout before authentication for ", "ssh_auth_timeout"),
        ("Timeout, client not responding from ", "ssh_client_timeout"),
        ("Read error from remote host ", "ssh_read_error"),
    ] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            let peer = user_address_port(rest)?;
            let reason = peer.rest.trim_start_matches(':');
            let parsed = Parsed::new(action, NETWORK, CONNECTION_END, FAILURE).user(peer.user);
            return Some(parsed.peer(peer.address, peer.port).reason(reason));
        }
    }
    if let Some(rest) = msg.strip_prefix("reverse mapping checking getaddrinfo for ") {
        // `reverse mapping checking getaddrinfo for <host> [<ip>] failed[ - POSSIBLE BREAK-IN ATTEMPT!]`
        let (host, rest) = rest.split_once(" [")?;
        let (ip, _) = rest.split_once(']')?;
        let parsed = Parsed::new("ssh_reverse_mapping_failed", NETWORK, INFO, FAILURE);
        return Some(parsed.peer(ip, None).extra("openssh.reverse_mapping.host", host));
    }
    if let Some(rest) = msg.strip_prefix("Address ") {
        // `Address <ip> maps to <host>, but this does not map back to the address[ - POSSIBLE BREAK-IN ATTEMPT!]`
        let (ip, rest) = rest.split_once(" maps to ")?;
        let (host, _) = rest.split_once(", but this does not map back")?;
        let parsed = Parsed::new("ssh_reverse_mapping_failed", NETWORK, INFO, FAILURE);
        return Some(parsed.peer(ip, None).extra("openssh.reverse_mapping.host", host));
    }
    if let Some(rest) = msg.strip_prefix("drop connection #") {
        // `drop connection #<n> from [<ip>]:<port> on [<ip>]:<port> <reason>` (MaxStartups, penalties)
        let (_, rest) = rest.split_once(" from [")?;
        let (address, rest) = rest.split_once("]:")?;
        let (port, rest) = rest.split_once(" on [")?;
        let (local, rest) = rest.split_once("]:")?;
        let (local_port, reason) = rest.split_once(' ').unwrap_or((rest, ""));
        let mut parsed = Parsed::new("ssh_connection_dropped", NETWORK, CONNECTION_DENIED, FAILURE)
            .peer(address, port.parse().ok())
            .reason(reason);
        parsed.local = Some((local, local_port.parse().ok()));
        return Some(parsed);
    }
    None
}

/// Sessions after login, and the daemon's own life.
fn daemon(msg: &str) -> Option<Parsed<'_>> {
    if let Some(rest) = msg.strip_prefix("Starting session: ") {
        // `Starting session: <shell|command|subsystem 'sftp'|forced-command ...>[ on <tty>] for <u> from <ip> port <n> id <n>`
        let (what, rest) = rest.rsplit_once(" for ")?;
        let (user, address, port, tail) = from_address_port(rest)?;
        let (kind, tty) = what.rsplit_once(" on ").unwrap_or((what, ""));
        let mut parsed = Parsed::new("ssh_session_start", SESSION, START, SUCCESS)
            .user(Some(user))
            .peer(address, port)
            .extra("openssh.session.type", kind);
        if !tty.is_empty() {
            parsed = parsed.extra("openssh.session.tty", tty);
        }
        if let Some(id) = tail.strip_prefix(" id ").and_then(leading_number::<u64>) {
            parsed = parsed.extra("openssh.session.id", id);
        }
        return Some(parsed);
    }
    if let Some(rest) = msg.strip_prefix("Close session: user ") {
        let (user, address, port, _) = from_address_port(rest)?;
        let parsed = Parsed::new("ssh_session_close", SESSION, END, SUCCESS);
        return Some(parsed.user(Some(user)).peer(address, port));
    }
    if let Some(rest) = msg.strip_prefix("subsystem request for ") {
        // `subsystem request for <name> by user <u>[ failed, <why>]`
        let (name, rest) = rest.split_once(" by user ").unwrap_or((rest, ""));
        let (user, why) = rest.split_once(" failed, ").unwrap_or((rest, ""));
        let outcome = if why.is_empty() { SUCCESS } else { FAILURE };
        let parsed = Parsed::new("ssh_subsystem_request", SESSION, START, outcome)
            .user(Some(user))
            .reason(why)
            .extra("openssh.subsystem", name);
        return Some(parsed);
    }
    if let Some(rest) = msg.strip_prefix("User child is on pid ") {
        let pid = leading_number::<u64>(rest)?;
        let parsed = Parsed::new("ssh_user_child", PROCESS, START, SUCCESS);
        return Some(parsed.extra("openssh.child.pid", pid));
    }
    if let Some(rest) = msg.strip_prefix("Transferred: sent ") {
        // `Transferred: sent <n>, received <n> bytes`: sent by this server (the destination).
        let sent = leading_number::<u64>(rest)?;
        let received = leading_number::<u64>(rest.split_once(", received ")?.1)?;
        let mut parsed = Parsed::new("ssh_transferred", NETWORK, INFO, SUCCESS);
        parsed.extra.push(("destination.bytes", sent.into()));
        parsed.extra.push(("source.bytes", received.into()));
        return Some(parsed);
    }
    if let Some(rest) = msg.strip_prefix("Server listening on ") {
        // `Server listening on <ip> port <n>[ rdomain <d>].`
        // This server's own address: `server.*`, and not `related.ip` (`0.0.0.0`, `::`).
        let (address, port, _) = address_port(rest)?;
        let mut parsed = Parsed::new("ssh_server_listening", PROCESS, START, SUCCESS).extra("server.address", address);
        if let Some(ip) = edge_format_sdk::ecs::parse_ip(address) {
            parsed = parsed.extra("server.ip", ip.to_string());
        }
        if let Some(port) = port {
            parsed = parsed.extra("server.port", port);
        }
        return Some(parsed);
    }
    if let Some(rest) = msg.strip_prefix("Received signal ") {
        // `Received signal 15; terminating.`
        let signal = leading_number::<u32>(rest)?;
        let parsed = Parsed::new("ssh_server_stop", PROCESS, END, SUCCESS);
        return Some(parsed.extra("openssh.signal", signal));
    }
    if msg.starts_with("Received SIGHUP; restarting") {
        return Some(Parsed::new("ssh_server_restart", PROCESS, START, SUCCESS));
    }
    None
}

/// An sshd message without its `error: ` / `fatal: ` level (see [`crate::level`]).
pub fn parse(msg: &str) -> Option<Parsed<'_>> {
    login(msg)
        .or_else(|| disconnect(msg))
        .or_else(|| refusal(msg))
        .or_else(|| protocol(msg))
        .or_else(|| daemon(msg))
}
