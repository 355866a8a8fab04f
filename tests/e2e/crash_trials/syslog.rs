//! syslog/TLS: rsyslog `omfwd` (GnuTLS, octet-counted) with a disk-assisted action queue
//! sends numbered messages. Syslog has no acknowledgement: rsyslog counts a message as sent
//! once its kernel took it, so what the host had read but not committed, and the bytes in both
//! kernels' socket buffers, are lost at a kill. The trial measures that loss and bounds it.

use super::rsyslog::{self, payload, seq_of};
use super::{kill_when_stored, port_of, Kills, Stored, KILLS};
use crate::support::senders::template;
use crate::support::*;
use std::time::{Duration, Instant};

const COUNT: usize = 200_000;
const TIMEOUT: Duration = Duration::from_secs(100);
/// Earlier than the other trials: each kill loses up to a tenth of the messages here, and the
/// last kill must still find rsyslog sending.
const KILL_AT_PERCENT: [usize; KILLS] = [15, 35, 55];

#[test]
fn rsyslog_omfwd_over_tls_loses_only_what_was_in_flight_at_each_kill() {
    let started = Instant::now();
    let deadline = started + TIMEOUT;
    let mut host = Host::start(&basic_config());
    host.pin_ports(&["syslog"]);
    let port = port_of(host.syslog_addr());
    let rules = format!(
        "{}ruleset(name=\"fwd\") {{\n  action(type=\"omfwd\" target=\"127.0.0.1\" port=\"{port}\" protocol=\"tcp\" \
         StreamDriver=\"gtls\" StreamDriverMode=\"1\" StreamDriverAuthMode=\"x509/name\" \
         StreamDriverPermittedPeers=\"localhost\" TCP_Framing=\"octet-counted\" template=\"Sekoia\" {})\n}}\n",
        template("Sekoia", PLAIN_KEY),
        rsyslog::action_queue(),
    );
    let (rsyslog, stats) = rsyslog::start(&host.scratch("rsyslog"), &host.ca, &rules);
    let feeder = rsyslog::feed(&rsyslog, COUNT);
    let mut kills = Kills::watching(port, rsyslog.pid().expect("rsyslogd runs"));
    for percent in KILL_AT_PERCENT {
        kill_when_stored(
            &mut kills,
            &mut host,
            "plain-a",
            COUNT * percent / 100,
            deadline,
            || rsyslog.diagnostics(),
        );
    }
    feeder.join().expect("feeder thread");
    rsyslog::wait_delivered(&rsyslog, &stats, COUNT, deadline);
    // rsyslog has sent everything; the host commits what it read.
    let mut last = usize::MAX;
    loop {
        std::thread::sleep(Duration::from_secs(1));
        let now = host.stored_count(Some("plain-a")).unwrap_or(0);
        if now == last {
            break;
        }
        last = now;
        assert!(Instant::now() < deadline, "the store keeps growing");
    }
    host.stop();

    let stored = Stored::read(&host, "plain-a");
    let mut first_copy: Vec<Option<&str>> = vec![None; COUNT];
    for (raw, ids) in &stored.copies {
        let seq = seq_of(raw).filter(|s| *s < COUNT && *raw == payload(*s));
        let seq = seq.unwrap_or_else(|| panic!("a stored event that was never sent: {raw:?}"));
        first_copy[seq] = Some(&ids[0]);
    }
    // A missing message is charged to the kill of the host that stored the last one before it.
    let mut missing = vec![0usize; KILLS + 1];
    let mut previous = None;
    for id in &first_copy {
        match id {
            Some(id) => previous = Some(*id),
            None => missing[previous.map_or(0, |id| kills.host_of(id))] += 1,
        }
    }
    let duplicates = stored.duplicates_per_kill(&kills);
    // Of each kill's loss, what the two kernels held (bytes / bytes per message) and what was
    // left for the host itself to have read and not committed.
    let wire = wire_bytes();
    let in_sockets: Vec<usize> = kills
        .queued
        .iter()
        .map(|(rx, tx)| ((rx + tx) / wire) as usize)
        .collect();
    let in_host: Vec<usize> = missing
        .iter()
        .zip(&in_sockets)
        .map(|(m, s)| m.saturating_sub(*s))
        .collect();
    eprintln!(
        "crash trial syslog: {COUNT} messages, {KILLS} kills; stored by each host {:?}; sent {COUNT}, stored {} \
         ({} unique), missing {} (per kill {:?}: in socket buffers {:?}, read by the host {:?}), duplicates {} \
         (per kill {:?}); socket buffers at each kill (host receive, sender send) {:?} bytes of {wire}-byte \
         messages; {:.1} s",
        stored.per_host(&kills),
        stored.total,
        stored.copies.len(),
        COUNT - stored.copies.len(),
        &missing[..KILLS],
        in_sockets,
        &in_host[..KILLS],
        stored.total - stored.copies.len(),
        &duplicates[..KILLS],
        kills.queued,
        started.elapsed().as_secs_f64()
    );
    assert_eq!(missing[KILLS], 0, "messages lost without a kill");
    for (k, ((rx, tx), lost)) in kills.queued.iter().zip(&missing).enumerate() {
        let bound = READ_AHEAD_EVENTS + ((rx + tx + PROCESS_BUFFER_BYTES) / wire) as usize;
        assert!(
            *lost <= bound,
            "kill {k}: {lost} messages lost, more than the {bound} in flight"
        );
    }
}

/// What the host reads ahead of its commits on one connection: `[syslog] inflight_batches` ×
/// `batch_events` at their defaults.
const READ_AHEAD_EVENTS: usize = 4 * 1024;
/// Bytes read from the socket but not yet framed into events: rustls' received plaintext and
/// the framer's buffer (a few records, 64 KiB at most).
const PROCESS_BUFFER_BYTES: u64 = 64 * 1024;

/// Bytes of one message on the wire before TLS: rsyslog's octet count, then the template (which
/// keeps the input's `Z` time) ending in LF.
fn wire_bytes() -> u64 {
    let line = format!(
        "<134>1 2024-05-06T07:08:09.123456Z crash-host crashapp - LOG [SEKOIA@53288 intake_key=\"{PLAIN_KEY}\"] {}\n",
        payload(0)
    );
    (format!("{} ", line.len()).len() + line.len()) as u64
}
