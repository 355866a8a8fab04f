//! A hostile test component: the event `boom` makes `normalize` panic (a trap: components are
//! built with `panic = "abort"`). Any other event is normalized like `plain`.

use edge_format_sdk::{describe, message_event, Description, Event, Fields, Format};

pub struct HostilePanic;

/// Whether this event triggers the hostile behaviour.
pub fn is_boom(event: &Event) -> bool {
    event.raw.trim() == "boom"
}

impl Format for HostilePanic {
    fn describe() -> Description {
        describe!(
            "hostile-panic",
            "Test component: the event `boom` panics; other events are normalized like plain",
            ["testing"],
            "hello",
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        if is_boom(&event) {
            panic!("hostile-panic: the event was `boom`");
        }
        message_event(event)
    }
}

edge_format_sdk::export_format!(HostilePanic);
