//! The extension pairs of one event, looked up by full name.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

pub(crate) struct Extensions<'a> {
    /// `(full name, unescaped value)` in the order sent.
    pub pairs: Vec<(&'a str, String)>,
    /// Full name → index in `pairs` of its last value that says something: not empty, not a
    /// placeholder.
    index: HashMap<&'a str, usize, BuildHasherDefault<Fnv>>,
}

impl<'a> Extensions<'a> {
    pub(crate) fn new(pairs: Vec<(&'a str, String)>) -> Self {
        let mut index = HashMap::with_capacity_and_hasher(pairs.len(), BuildHasherDefault::default());
        for (i, (key, value)) in pairs.iter().enumerate() {
            if !is_placeholder(value) {
                index.insert(*key, i);
            }
        }
        Extensions { pairs, index }
    }

    /// The last value of a key (by its full name) that is not empty nor a placeholder, whichever
    /// name it was sent under.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
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

/// FNV-1a: keys are short, trusted names (the sender picks them, but a collision only costs a
/// probe), and SipHash was an eighth of the format's time with ~100 lookups per event.
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
