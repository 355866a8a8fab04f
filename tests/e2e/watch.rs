//! Hot reload by file watching: editing `intakes.toml` (no signal) applies a valid change,
//! refuses an invalid one, and keeps connections and requests going meanwhile.

use crate::support::*;
use std::time::{Duration, Instant};

const WATCH_KEY: &str = "e2e-watch-key-wwwwwwwwwwwwwwwwww";
/// The issue asks for a change to apply within 2 s; the test only reports the time it took
/// (timing goals belong in benchmarks) and fails if nothing happens at all.
const GIVE_UP: Duration = Duration::from_secs(15);

fn plain() -> &'static str {
    "[formats.plain]\ncomponent = \"builtin:plain\"\n\n"
}

fn status(host: &Host, key: &str) -> u16 {
    host.post("/plain").key(key).body("watched").send().status
}

fn wait_status(host: &Host, key: &str, want: u16) -> Duration {
    let start = Instant::now();
    loop {
        let got = status(host, key);
        if got == want {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < GIVE_UP,
            "key still answers {got}, want {want}\n{}",
            host.log().dump()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn editing_the_file_reloads_without_a_signal() {
    let a = intake("plain-a", "plain", "ent-a", PLAIN_KEY);
    let w = intake("watched", "plain", "ent-w", WATCH_KEY);
    let host = Host::start(&format!("{}{a}", plain()));
    assert_eq!(status(&host, WATCH_KEY), 403);

    // A valid edit: the new intake opens, the old one keeps working.
    let took = {
        host.write_config(&format!("{}{a}\n{w}", plain()));
        wait_status(&host, WATCH_KEY, 200)
    };
    eprintln!("file change applied in {took:?}");
    assert_eq!(status(&host, PLAIN_KEY), 200);

    // An invalid edit is refused with a logged reason; both keys keep working.
    let from = host.log().len();
    host.write_raw_config("not toml [[[");
    let refused = host.log().wait_for(from, "Reload refused", GIVE_UP);
    assert_eq!(refused["level"], "ERROR", "{refused}");
    assert_eq!(status(&host, WATCH_KEY), 200);
    assert_eq!(status(&host, PLAIN_KEY), 200);

    // Removing the intake closes its key at once; its stored events stay readable.
    let kept = host.post("/plain").key(WATCH_KEY).body("keep me").send().event_id();
    host.write_config(&format!("{}{a}", plain()));
    wait_status(&host, WATCH_KEY, 403);
    assert_eq!(host.events_get(&kept)["raw"], "keep me");
    assert_eq!(status(&host, PLAIN_KEY), 200);
}
