//! Finding the `%ASA-6-302013: ` tag (also `%FTD-`, `%PIX-`, `%FWSM-`, and
//! `%ASA-session-6-302013` with a class word) and what stands before it.

/// What the tag says and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag<'a> {
    /// `ASA`, `FTD`, `PIX` or `FWSM`.
    pub product: &'a str,
    /// The optional word between the product and the severity (`session`).
    pub suffix: Option<&'a str>,
    pub severity: u8,
    pub id: &'a str,
}

const PRODUCTS: [&str; 4] = ["ASA", "FTD", "PIX", "FWSM"];

/// Reads a tag at the start of `text` (`%ASA-6-302013` with or without its `:`), returning it
/// and the rest of the text.
pub fn read_tag(text: &str) -> Option<(Tag<'_>, &str)> {
    let body = text.strip_prefix('%')?;
    let (product, rest) = body.split_once('-')?;
    if !PRODUCTS.contains(&product) {
        return None;
    }
    let (suffix, rest) = match rest.split_once('-') {
        Some((word, after)) if !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphabetic()) => (Some(word), after),
        _ => (None, rest),
    };
    let (severity, rest) = rest.split_once('-')?;
    let severity = match severity.as_bytes() {
        [d @ b'0'..=b'7'] => d - b'0',
        _ => return None,
    };
    let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let (id, rest) = rest.split_at(end);
    if id.is_empty() || id.len() > 7 {
        return None;
    }
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    Some((
        Tag {
            product,
            suffix,
            severity,
            id,
        },
        rest.trim_start(),
    ))
}

/// The first tag in a line: (text before it, the tag, the message after it).
pub fn find_tag(line: &str) -> Option<(&str, Tag<'_>, &str)> {
    let mut from = 0;
    while let Some(at) = line[from..].find('%') {
        let start = from + at;
        if let Some((tag, message)) = read_tag(&line[start..]) {
            return Some((&line[..start], tag, message));
        }
        from = start + 1;
    }
    None
}

/// ASA's names of its eight severity levels (`logging trap informational`).
pub fn level_name(severity: u8) -> &'static str {
    match severity {
        0 => "emergencies",
        1 => "alerts",
        2 => "critical",
        3 => "errors",
        4 => "warnings",
        5 => "notifications",
        6 => "informational",
        _ => "debugging",
    }
}
