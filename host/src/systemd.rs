//! systemd's service notifications (sd_notify(3)) without libsystemd: with `Type=notify`,
//! `systemctl start` returns once the node says `READY=1`, that is once every listener is bound;
//! `RELOADING=1` and `STOPPING=1` show reloads and the graceful stop in `systemctl status`.
//! Outside systemd (`NOTIFY_SOCKET` unset) every call does nothing.

use std::os::unix::net::{SocketAddr, UnixDatagram};

/// Sends `state` (newline-separated `KEY=VALUE` assignments) to the service manager; `Ok(false)`
/// when not run by one.
pub fn notify(state: &str) -> std::io::Result<bool> {
    let Some(socket) = std::env::var_os("NOTIFY_SOCKET") else {
        return Ok(false);
    };
    let socket = socket.to_string_lossy().into_owned();
    let addr = match socket.strip_prefix('@') {
        // A name in Linux's abstract namespace (systemd's usual choice).
        Some(name) => {
            use std::os::linux::net::SocketAddrExt;
            SocketAddr::from_abstract_name(name.as_bytes())?
        }
        None => SocketAddr::from_pathname(&socket)?,
    };
    let sender = UnixDatagram::unbound()?;
    sender.send_to_addr(state.as_bytes(), &addr)?;
    Ok(true)
}

/// [`notify`], with a failure logged rather than returned: a lost notification must not stop
/// the node (systemd then reports the start as timed out, which says enough).
pub fn tell(state: &str) {
    if let Err(error) = notify(state) {
        tracing::warn!(%error, state, "Cannot notify the service manager.");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_reach_the_socket_systemd_names() {
        let dir = std::env::temp_dir().join(format!("intake-edge-notify-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("notify.sock");
        let listener = UnixDatagram::bind(&path).expect("bind");
        // The variable is process-wide: this is the only test that sets it.
        std::env::set_var("NOTIFY_SOCKET", &path);
        assert!(notify("READY=1\nSTATUS=serving").expect("sent"));
        std::env::remove_var("NOTIFY_SOCKET");
        let mut buf = [0u8; 64];
        let n = listener.recv(&mut buf).expect("received");
        assert_eq!(&buf[..n], b"READY=1\nSTATUS=serving");
        assert!(!notify("READY=1").expect("no socket: nothing to do"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
