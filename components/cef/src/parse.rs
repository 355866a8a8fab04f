//! The CEF grammar: where the event starts in a line, the seven header fields and the extension's
//! `key=value` pairs, with their escapes.

use crate::keys::full_name;

/// The seven header fields, unescaped.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Header {
    pub version: String,
    pub vendor: String,
    pub product: String,
    pub device_version: String,
    pub class_id: String,
    pub name: String,
    pub severity: String,
}

pub(crate) const HEADER_SHAPE: &str =
    "CEF:Version|Device Vendor|Device Product|Device Version|Device Event Class ID|Name|Severity|Extension";

/// Where the CEF event starts in `raw` (the `C` of the first `CEF:` followed by a version, spaces
/// allowed in between as some relays write `CEF: 0|`) and where its version starts.
pub(crate) fn cef_start(raw: &str) -> Option<(usize, usize)> {
    raw.match_indices("CEF:").find_map(|(i, _)| {
        let after = &raw[i + 4..];
        let version = after.trim_start_matches(' ');
        version
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_digit)
            .then(|| (i, raw.len() - version.len()))
    })
}

/// Splits `text` (from the version on) into the header and the extension.
pub(crate) fn parse_header(text: &str) -> Result<(Header, &str), String> {
    let bytes = text.as_bytes();
    let mut fields: Vec<String> = Vec::with_capacity(7);
    let mut current = String::new();
    let (mut i, mut segment) = (0, 0);
    while i < bytes.len() && fields.len() < 7 {
        match bytes[i] {
            b'\\' if matches!(bytes.get(i + 1), Some(b'|' | b'\\')) => {
                current.push_str(&text[segment..i]);
                current.push(char::from(bytes[i + 1]));
                i += 2;
                segment = i;
            }
            b'|' => {
                current.push_str(&text[segment..i]);
                fields.push(std::mem::take(&mut current));
                i += 1;
                segment = i;
            }
            _ => i += 1,
        }
    }
    let extension = if fields.len() == 7 {
        &text[i..]
    } else if fields.len() == 6 {
        // `...|Name|Severity` without the `|` of an empty extension.
        current.push_str(&text[segment..]);
        fields.push(current);
        ""
    } else {
        return Err(format!(
            "truncated CEF header: {} of 7 fields ({HEADER_SHAPE})",
            fields.len() + 1
        ));
    };
    let mut it = fields.into_iter();
    let mut next = || it.next().unwrap_or_default();
    let header = Header {
        version: next(),
        vendor: next(),
        product: next(),
        device_version: next(),
        class_id: next(),
        name: next(),
        severity: next(),
    };
    if !header.version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("invalid CEF version {:?}", excerpt(&header.version)));
    }
    Ok((header, extension))
}

/// The first 60 characters of `s`, for error messages.
pub(crate) fn excerpt(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

fn is_key_byte(b: u8) -> bool {
    // `,` as in `ad.Error_,Code=` of Windows events relayed by ArcSight connectors.
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'[' | b']' | b'-' | b',')
}

/// Splits a CEF extension into `(key, unescaped value)` pairs, in order: a key starts the
/// extension or follows a space, and its value runs to the space before the next key. Keys come
/// out under their full name (`src` → `sourceAddress`).
pub(crate) fn parse_extension(extension: &str) -> Result<Vec<(&str, String)>, String> {
    let ext = extension.trim_start();
    let b = ext.as_bytes();
    // (key start, `=` offset) of every key; `run` is where the current run of key bytes starts.
    let mut keys = Vec::with_capacity(32);
    let mut run = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'=' && run < i && (run == 0 || b[run - 1] == b' ') {
            keys.push((run, i));
        }
        if !is_key_byte(c) {
            run = i + 1;
        }
    }
    match keys.first() {
        None if ext.trim_end().is_empty() => return Ok(Vec::new()),
        Some(&(0, _)) => {}
        _ => return Err(format!("CEF extension is not key=value pairs: {:?}", excerpt(ext))),
    }
    let mut pairs = Vec::with_capacity(keys.len());
    for (n, &(start, eq)) in keys.iter().enumerate() {
        // The next key is preceded by a space (not part of this value).
        let end = keys.get(n + 1).map_or(b.len(), |&(next, _)| next - 1);
        let value = ext.get(eq + 1..end).unwrap_or_default().trim();
        pairs.push((full_name(&ext[start..eq]), unescape_value(unquote(value))));
    }
    Ok(pairs)
}

/// A value wrapped whole in double quotes without one inside (CyberArk's `act="Logon"`), without
/// them: CEF has no quoting, so such quotes are the sender's syntax, not the value.
fn unquote(value: &str) -> &str {
    match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) if !inner.contains('"') => inner,
        _ => value,
    }
}

/// `\=` `\\` `\|` `\n` `\r` `\:` of an extension value; any other backslash is kept as it is
/// (Windows paths are often sent unescaped).
pub(crate) fn unescape_value(value: &str) -> String {
    if !value.contains('\\') {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let unescaped = match chars.peek() {
            Some('=') => '=',
            Some('\\') => '\\',
            Some('|') => '|',
            Some('n') => '\n',
            Some('r') => '\r',
            // `https\://` as Microsoft ATA writes URLs; a Windows path never has `\:`.
            Some(':') => ':',
            _ => {
                out.push('\\');
                continue;
            }
        };
        chars.next();
        out.push(unescaped);
    }
    out
}

/// CEF severity as a number: an integer 0–10 as given, or the spec's names at the bottom of their
/// range (`Low` 0–3 → 0, `Medium` 4–6 → 4, `High` 7–8 → 7, `Very-High` 9–10 → 9), as Elastic's
/// `decode_cef` does. `Unknown` and anything else give none.
pub(crate) fn severity_number(severity: &str) -> Option<u8> {
    let s = severity.trim();
    if !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok().filter(|&n| n <= 10);
    }
    if s.eq_ignore_ascii_case("low") {
        Some(0)
    } else if s.eq_ignore_ascii_case("medium") {
        Some(4)
    } else if s.eq_ignore_ascii_case("high") {
        Some(7)
    } else if s.eq_ignore_ascii_case("very-high") || s.eq_ignore_ascii_case("very high") {
        Some(9)
    } else {
        None
    }
}
