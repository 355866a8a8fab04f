//! Unbound's statistics lines (`statistics-interval`), as `event.kind` = `metric` events.

use edge_format_sdk::{Sink, Value};

use crate::messages::all_digits;

/// Statistics (`statistics-interval`): `server stats for thread <n>: <n> queries, <n> answers
/// from cache, ...`, `server stats for thread <n>: requestlist max <n> avg <x> exceeded <n>
/// jostled <n>`, `mesh has <n> recursion states ...`, `average recursion processing time <x>
/// sec`. `event.kind` = `metric`, the numbers under `unbound.stats.*` named by their words.
pub fn statistics<'a>(sink: &mut impl Sink<'a>, text: &'a str) -> bool {
    if let Some(rest) = text.strip_prefix("server stats for thread ") {
        let Some((thread, counters)) = rest.split_once(": ") else {
            return false;
        };
        if let Ok(thread) = thread.parse::<u64>() {
            sink.set("unbound.stats.thread", thread);
        }
        if let Some(list) = counters.strip_prefix("requestlist ") {
            // `max 3 avg 0.5 exceeded 0 jostled 0`: word, number, word, number...
            let mut words = list.split(' ');
            while let (Some(name), Some(value)) = (words.next(), words.next()) {
                insert_number(sink, "unbound.stats.requestlist", name, value);
            }
        } else {
            // `10 queries, 2 answers from cache, ...`: a number, then its name.
            for counter in counters.split(", ") {
                if let Some((value, name)) = counter.split_once(' ') {
                    insert_number(sink, "unbound.stats", &name.replace(' ', "_"), value);
                }
            }
        }
    } else if let Some(rest) = text.strip_prefix("average recursion processing time ") {
        let seconds = rest.trim_end_matches(" sec");
        insert_number(sink, "unbound.stats", "recursion_time_avg", seconds);
    } else if let Some(rest) = text.strip_prefix("mesh has ") {
        if let Some((states, _)) = rest.split_once(' ') {
            insert_number(sink, "unbound.stats.mesh", "recursion_states", states);
        }
    } else {
        return false;
    }
    sink.set("event.kind", "metric");
    sink.set("event.action", "statistics");
    true
}

fn insert_number<'a>(sink: &mut impl Sink<'a>, prefix: &str, name: &str, value: &str) {
    let value = if all_digits(value) {
        value.parse::<u64>().ok().map(Value::from)
    } else {
        value.parse::<f64>().ok().filter(|v| v.is_finite()).map(Value::from)
    };
    if let Some(value) = value {
        sink.set(format!("{prefix}.{name}"), value);
    }
}
