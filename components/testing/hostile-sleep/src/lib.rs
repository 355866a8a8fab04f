//! A hostile test component: the event `boom` makes `normalize` sleep for an hour in a host
//! call (`std::thread::sleep` is `monotonic-clock.subscribe-duration` + `pollable.block` on
//! wasm32-wasip2), which an epoch deadline cannot interrupt: the host must refuse the blocking
//! call. Any other event is normalized like `plain`.

use edge_format_sdk::{describe, message_event, Description, Event, Fields, Format};
use std::time::Duration;

pub struct HostileSleep;

const NAP: Duration = Duration::from_secs(3600);

/// Whether this event triggers the hostile behaviour.
pub fn is_boom(event: &Event) -> bool {
    event.raw.trim() == "boom"
}

impl Format for HostileSleep {
    fn describe() -> Description {
        describe!(
            "hostile-sleep",
            "Test component: the event `boom` sleeps for an hour in a host call; other events are normalized like plain",
            ["testing"],
            "hello",
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        if is_boom(&event) {
            // Sleep again if the host returns early: only a trap may end this call.
            loop {
                std::thread::sleep(NAP);
            }
        }
        message_event(event)
    }
}

edge_format_sdk::export_format!(HostileSleep);
