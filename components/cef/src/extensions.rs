//! The extension pairs of one event, looked up by full name.

use std::collections::HashMap;

pub(crate) struct Extensions<'a> {
    /// `(full name, unescaped value)` in the order sent.
    pub pairs: Vec<(&'a str, String)>,
    /// Full name → index in `pairs` of its last value that says something: not empty, not a
    /// placeholder.
    index: HashMap<&'a str, usize>,
}

impl<'a> Extensions<'a> {
    pub(crate) fn new(pairs: Vec<(&'a str, String)>) -> Self {
        let mut index = HashMap::with_capacity(pairs.len());
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
