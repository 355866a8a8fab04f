//! A hostile test component: the event `boom` makes `normalize` spin forever, so that the host
//! has to interrupt it (epoch deadline). Any other event is normalized like `plain`.

use edge_format_sdk::{describe, message_event, Description, Event, Fields, Format};
use std::hint::black_box;

pub struct HostileLoop;

/// Whether this event triggers the hostile behaviour.
pub fn is_boom(event: &Event) -> bool {
    event.raw.trim() == "boom"
}

/// Never returns; `black_box` keeps the optimizer from proving the loop useless.
fn spin() -> ! {
    let mut counter = 0u64;
    loop {
        counter = black_box(counter.wrapping_add(1));
    }
}

impl Format for HostileLoop {
    fn describe() -> Description {
        describe!(
            "hostile-loop",
            "Test component: the event `boom` loops forever; other events are normalized like plain",
            ["testing"],
            "hello",
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        if is_boom(&event) {
            spin();
        }
        message_event(event)
    }
}

edge_format_sdk::export_format!(HostileLoop);
