//! One FortiOS log as its key=value pairs.

pub(crate) struct Log<'a> {
    pub(crate) pairs: Vec<(&'a str, String)>,
}

impl Log<'_> {
    /// The value of `key`, if present: not empty, not a placeholder (`N/A`, `-`).
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty() && *v != "N/A" && *v != "-" && *v != "n/a")
    }

    /// `type`, lower case; `""` if missing.
    pub(crate) fn lower(&self, key: &str) -> String {
        self.get(key).unwrap_or_default().to_ascii_lowercase()
    }
}
