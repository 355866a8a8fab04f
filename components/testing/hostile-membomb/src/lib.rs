//! A hostile test component: the event `boom` makes `normalize` allocate and touch memory
//! without bound (1 MiB at a time), so that it hits the host's memory cap. Any other event is
//! normalized like `plain`.

use edge_format_sdk::{describe, message_event, Description, Event, Fields, Format};
use std::hint::black_box;

pub struct HostileMembomb;

const CHUNK: usize = 1 << 20;
const PAGE: usize = 4096;

/// Whether this event triggers the hostile behaviour.
pub fn is_boom(event: &Event) -> bool {
    event.raw.trim() == "boom"
}

/// Never returns: grows the heap until the host refuses (the allocation failure aborts).
fn hog() -> ! {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        let mut chunk = Vec::<u8>::with_capacity(CHUNK);
        // Write every page so that the memory is really used, not just reserved.
        chunk.extend((0..CHUNK).map(|i| (i / PAGE) as u8 | 1));
        hoard.push(black_box(chunk));
        black_box(&hoard);
    }
}

impl Format for HostileMembomb {
    fn describe() -> Description {
        describe!(
            "hostile-membomb",
            "Test component: the event `boom` allocates memory without bound; other events are normalized like plain",
            ["testing"],
            "hello",
        )
    }

    fn normalize_one(event: Event) -> Result<Fields, String> {
        if is_boom(&event) {
            hog();
        }
        message_event(event)
    }
}

edge_format_sdk::export_format!(HostileMembomb);
