//! The extension pairs of one event, looked up by full name.

pub(crate) struct Extensions<'a> {
    /// `(full name, unescaped value)` in the order sent.
    pub pairs: Vec<(&'a str, String)>,
    /// `(full name, index in pairs)` of each key's last value that says something (not empty,
    /// not a placeholder), sorted by name: a binary search per lookup, no hashing (~100 lookups
    /// per event, most for keys not sent) and no worst case a sender could craft.
    index: Vec<(&'a str, usize)>,
    /// One bit per (length, first byte, last byte) class of the names in `index`: most lookups
    /// are for keys not sent and end here.
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
        let mut index: Vec<(&'a str, usize)> = pairs
            .iter()
            .enumerate()
            .filter(|(_, (_, value))| !is_placeholder(value))
            .map(|(i, (key, _))| (*key, i))
            .collect();
        // Stable: the values of one key stay in the order sent, and the last one is kept.
        index.sort_by(|a, b| a.0.cmp(b.0));
        index.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                *earlier = *later;
            }
            same
        });
        let present = index.iter().fold(0, |bits, (key, _)| bits | class_bit(key));
        Extensions { pairs, index, present }
    }

    /// The last value of a key (by its full name) that is not empty nor a placeholder, whichever
    /// name it was sent under.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        if self.present & class_bit(name) == 0 {
            return None;
        }
        let at = self.index.binary_search_by(|(key, _)| (*key).cmp(name)).ok()?;
        self.index
            .get(at)
            .and_then(|&(_, i)| self.pairs.get(i))
            .map(|(_, value)| value.as_str())
    }
}

/// An empty value, or one that stands for "none" (`-`, F5's and Trend Micro's `N/A`): kept in
/// `cef.extensions`, never mapped.
fn is_placeholder(value: &str) -> bool {
    value.is_empty() || value == "-" || value.eq_ignore_ascii_case("n/a")
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
