//! The extension pairs of one event, looked up by full name.

use std::collections::HashMap;

pub(crate) struct Extensions<'a> {
    /// `(full name, unescaped value)` in the order sent.
    pub pairs: Vec<(&'a str, String)>,
    /// Full name → index in `pairs` of its last non-empty value.
    index: HashMap<&'a str, usize>,
}

impl<'a> Extensions<'a> {
    pub(crate) fn new(pairs: Vec<(&'a str, String)>) -> Self {
        let mut index = HashMap::with_capacity(pairs.len());
        for (i, (key, value)) in pairs.iter().enumerate() {
            if !value.is_empty() {
                index.insert(*key, i);
            }
        }
        Extensions { pairs, index }
    }

    /// The last non-empty value of a key (by its full name), whichever name it was sent under.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.index
            .get(name)
            .and_then(|&i| self.pairs.get(i))
            .map(|(_, value)| value.as_str())
    }
}
