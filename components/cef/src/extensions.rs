//! The extension pairs of one event, looked up by full name.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

pub(crate) struct Extensions<'a> {
    /// `(full name, unescaped value)` in the order sent.
    pub pairs: Vec<(&'a str, String)>,
    /// Full name → index in `pairs` of its last value that says something: not empty, not a
    /// placeholder.
    index: HashMap<&'a str, usize, BuildHasherDefault<Fnv>>,
    /// One bit per (length, first byte, last byte) class of the names in `index`: most of the
    /// ~100 lookups per event are for keys not sent, and end here without hashing.
    present: u64,
}

fn class_bit(name: &str) -> u64 {
    let b = name.as_bytes();
    let (first, last) = (b.first().copied().unwrap_or(0), b.last().copied().unwrap_or(0));
    let class = b
        .len()
        .wrapping_add(usize::from(first) * 7)
        .wrapping_add(usize::from(last) * 13);
    1 << (class % 64)
}

impl<'a> Extensions<'a> {
    pub(crate) fn new(pairs: Vec<(&'a str, String)>) -> Self {
        let mut index = HashMap::with_capacity_and_hasher(pairs.len(), BuildHasherDefault::default());
        let mut present = 0;
        for (i, (key, value)) in pairs.iter().enumerate() {
            if !is_placeholder(value) {
                index.insert(*key, i);
                present |= class_bit(key);
            }
        }
        Extensions { pairs, index, present }
    }

    /// The last value of a key (by its full name) that is not empty nor a placeholder, whichever
    /// name it was sent under.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        if self.present & class_bit(name) == 0 {
            return None;
        }
        self.index
            .get(name)
            .and_then(|&i| self.pairs.get(i))
            .map(|(_, value)| value.as_str())
    }
}

/// An empty value, or one that stands for "none" (`-`, F5's and Trend Micro's `N/A`): kept in
/// `cef.extensions`, never mapped.
fn is_placeholder(value: &str) -> bool {
    value.is_empty() || value == "-" || value.eq_ignore_ascii_case("n/a")
}

/// FNV-1a: SipHash was an eighth of the format's time with ~100 lookups per event, and a binary
/// search over the sorted names cost more than either in wasm (byte-wise `memcmp`). A sender
/// that crafts colliding keys slows down only its own events, within the call's deadline.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_value_that_says_something_wins() {
        let pairs = vec![
            ("sourceAddress", "192.0.2.1".to_string()),
            ("destinationPort", "80".to_string()),
            ("sourceAddress", "192.0.2.2".to_string()),
            ("sourceAddress", "N/A".to_string()),
            ("message", "-".to_string()),
            ("deviceAction", String::new()),
        ];
        let ext = Extensions::new(pairs);
        assert_eq!(ext.get("sourceAddress"), Some("192.0.2.2"));
        assert_eq!(ext.get("destinationPort"), Some("80"));
        for absent in ["message", "deviceAction", "sourcePort", "", "sourceAddres"] {
            assert_eq!(ext.get(absent), None, "{absent}");
        }
    }
}
