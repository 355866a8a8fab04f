//! Fuzzing entry points: one function per parser, driving the real code and panicking when an
//! invariant breaks. Not part of the API (hidden from the docs); it exists so that the
//! cargo-fuzz crate (`host/fuzz/`) and the bounded pass of the test suite (`fuzzing/tests.rs`)
//! reach private parsers through one door and check the same things.
//!
//! Every target takes arbitrary bytes. The first few bytes choose parameters (a limit, a chunk
//! pattern, an endpoint) and the rest is the input, so libFuzzer explores both at once; a short
//! input means defaults.

mod bodies;
mod documents;
mod framers;
mod parsers;
#[cfg(test)]
mod tests;

pub use bodies::{admin_api, https_body};
pub use documents::component_output;
pub use framers::{relp_framer, syslog_framer};
pub use parsers::{syslog_message, timeparse};

/// A fuzz target: any bytes in, a panic when an invariant breaks.
pub type Target = fn(&[u8]);

/// Every target by name, as the fuzz crate and the seed corpus (`host/fuzz/corpus/<name>/`)
/// call them.
pub const TARGETS: &[(&str, Target)] = &[
    ("syslog_framer", syslog_framer),
    ("relp_framer", relp_framer),
    ("syslog_message", syslog_message),
    ("timeparse", timeparse),
    ("https_body", https_body),
    ("admin_api", admin_api),
    ("component_output", component_output),
];

/// Reads parameters off the front of a fuzz input; past its end every read gives zero.
struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    fn new(data: &'a [u8]) -> Input<'a> {
        Input { data }
    }

    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    /// Up to 8 bytes as a little-endian number.
    fn number(&mut self, bytes: usize) -> u64 {
        (0..bytes.min(8)).fold(0, |n, i| n | u64::from(self.byte()) << (8 * i))
    }

    /// The next `len` bytes (fewer at the end).
    fn take(&mut self, len: usize) -> &'a [u8] {
        let (head, rest) = self.data.split_at(len.min(self.data.len()));
        self.data = rest;
        head
    }

    fn rest(self) -> &'a [u8] {
        self.data
    }
}

/// A small deterministic generator (xorshift64*), for chunk sizes drawn from one seed byte.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        // Xorshift never leaves zero: mix the seed into a nonzero state.
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Whether `inner` lies inside `outer` in memory: a parser that claims to borrow from its input
/// returns slices of it. Empty slices are exempt (they may point at a static `""`).
fn is_slice_of(outer: &str, inner: &str) -> bool {
    let (start, end) = (outer.as_ptr() as usize, outer.as_ptr() as usize + outer.len());
    let at = inner.as_ptr() as usize;
    inner.is_empty() || (at >= start && at + inner.len() <= end)
}
