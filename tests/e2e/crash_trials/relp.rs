//! RELP/TLS: rsyslog `omrelp` (OpenSSL, librelp's default window) with a disk-assisted action
//! queue sends numbered messages. librelp keeps every frame until its `rsp 200`, which the
//! host writes only after the commit, and sends the unanswered ones again after reconnecting:
//! every message must be stored; frames committed whose `rsp` was lost to a kill come twice.

use super::rsyslog::{self, payload, seq_of};
use super::{distinct_stored, kill_when_stored, port_of, Kills, Stored, KILLS, KILL_AT_PERCENT};
use crate::relp_rsyslog::tls_params;
use crate::support::senders::template;
use crate::support::*;
use std::time::{Duration, Instant};

const COUNT: usize = 100_000;
const TIMEOUT: Duration = Duration::from_secs(100);

#[test]
fn rsyslog_omrelp_loses_no_message_over_three_kills() {
    let started = Instant::now();
    let deadline = started + TIMEOUT;
    let mut host = Host::start(&basic_config());
    // rsyslog reconnects to the same port: restarts must bind it again.
    host.pin_ports(&["relp"]);
    let port = port_of(host.relp_addr());
    let rules = format!(
        "module(load=\"omrelp\" tls.tlslib=\"openssl\")\n{}ruleset(name=\"fwd\") {{\n  \
         action(type=\"omrelp\" target=\"127.0.0.1\" port=\"{port}\" template=\"Sekoia\" {} {})\n}}\n",
        template("Sekoia", PLAIN_KEY),
        tls_params(&host, false),
        rsyslog::action_queue(),
    );
    let (rsyslog, stats) = rsyslog::start(&host.scratch("rsyslog"), &host.ca, &rules);
    let feeder = rsyslog::feed(&rsyslog, COUNT);
    let mut kills = Kills::new();
    for percent in KILL_AT_PERCENT {
        kill_when_stored(
            &mut kills,
            &mut host,
            "plain-a",
            COUNT * percent / 100,
            deadline,
            || rsyslog.diagnostics(),
        );
        assert_eq!(port_of(host.relp_addr()), port, "the restarted host listens elsewhere");
    }
    feeder.join().expect("feeder thread");
    // rsyslog's queues are empty: every message is in librelp's window or acknowledged, and
    // librelp sends the window again until each frame is answered.
    let action = rsyslog::wait_delivered(&rsyslog, &stats, COUNT, deadline);
    while distinct_stored(&host, "plain-a").unwrap_or(0) < COUNT && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    host.stop();

    let stored = Stored::read(&host, "plain-a");
    let mut seen = vec![false; COUNT];
    let mut stray = Vec::new();
    for raw in stored.copies.keys() {
        match seq_of(raw).filter(|s| *s < COUNT && *raw == payload(*s)) {
            Some(seq) => seen[seq] = true,
            None => stray.push(raw.clone()),
        }
    }
    let missing = seen.iter().filter(|s| !**s).count();
    let duplicates = stored.duplicates_per_kill(&kills);
    eprintln!(
        "crash trial relp: {COUNT} messages, {KILLS} kills; stored by each host {:?}; delivered by rsyslog {} \
         (action resumed {} times), stored {} ({} unique), missing {missing}, duplicates {} (per kill {:?}, \
         after the last {}); {:.1} s",
        stored.per_host(&kills),
        action["processed"],
        action["resumed"],
        stored.total,
        stored.copies.len(),
        stored.total - stored.copies.len(),
        &duplicates[..KILLS],
        duplicates[KILLS],
        started.elapsed().as_secs_f64()
    );
    assert!(
        stray.is_empty(),
        "events never sent: {:?}",
        &stray[..stray.len().min(10)]
    );
    assert_eq!(missing, 0, "acknowledged messages missing");
}
