//! RFC 5424 STRUCTURED-DATA (section 6.3): `1*SD-ELEMENT`, each `"[" SD-ID *(SP SD-PARAM) "]"`,
//! with no SP between elements (an SP ends the structured data and starts MSG), and
//! `SD-PARAM = PARAM-NAME "=" %d34 PARAM-VALUE %d34`; and its serialisation back.
//!
//! Tolerated beyond the ABNF, since it is unambiguous and cheap: several SPs between parameters or
//! before `]`, and an unescaped `]` inside a quoted value (only `"` ends a value).

use crate::{first_char, ParseError, SdElement, SdParam};
use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// SD-ID and PARAM-NAME: at most 32 characters (RFC 5424 section 6.3.2/6.3.3).
const MAX_NAME: usize = 32;
const END: &str = "end of message";

/// Parses STRUCTURED-DATA on its own (`[a@1 x="1"][b@2]`, or `-` / `""` for none), for example
/// a syslog envelope's: the whole string must be elements.
pub fn parse_structured_data(s: &str) -> Result<Vec<SdElement<'_>>, ParseError> {
    if s.is_empty() || s == "-" {
        return Ok(Vec::new());
    }
    if !s.starts_with('[') {
        return Err(error(format!("expected '-' or '[', found {}", first_char(s, END))));
    }
    let (elements, rest) = sd_elements(s)?;
    if !rest.is_empty() {
        return Err(error(format!(
            "unexpected {} after the last element",
            first_char(rest, END)
        )));
    }
    Ok(elements)
}

/// The elements at the start of `s` (which starts with `[`) and what follows the last `]`.
pub(crate) fn sd_elements(s: &str) -> Result<(Vec<SdElement<'_>>, &str), ParseError> {
    let mut elements = Vec::new();
    let mut rest = s;
    while let Some(after) = rest.strip_prefix('[') {
        let (element, after) = element(after)?;
        elements.push(element);
        rest = after;
    }
    Ok((elements, rest))
}

/// One element after its `[`, up to and including its `]`.
fn element(s: &str) -> Result<(SdElement<'_>, &str), ParseError> {
    let (id, mut rest) = name(s).map_err(|e| match e {
        Some(long) => too_long("SD-ID", long),
        None => error(format!("expected SD-ID after '[', found {}", first_char(s, END))),
    })?;
    let mut params = Vec::new();
    loop {
        let spaced = rest.starts_with(' ');
        rest = rest.trim_start_matches(' ');
        match rest.as_bytes().first() {
            Some(b']') => return Ok((SdElement { id, params }, &rest[1..])),
            None => {
                return Err(error(format!(
                    "unterminated SD element [{id}: missing ']' at the end of the message"
                )))
            }
            Some(_) if !spaced => {
                return Err(error(format!(
                    "expected SP or ']' in SD element [{id}, found {}",
                    first_char(rest, END)
                )))
            }
            Some(_) => {}
        }
        let (param_name, after) = name(rest).map_err(|e| match e {
            Some(long) => too_long("PARAM-NAME", long),
            None => error(format!(
                "expected PARAM-NAME in SD element [{id}, found {}",
                first_char(rest, END)
            )),
        })?;
        let Some(after) = after.strip_prefix("=\"") else {
            return Err(error(match after.strip_prefix('=') {
                Some(v) => format!(
                    "expected '\"' after \"{param_name}=\" in SD element [{id}, found {}",
                    first_char(v, END)
                ),
                None => format!(
                    "expected '=' after PARAM-NAME {param_name:?} in SD element [{id}, found {}",
                    first_char(after, END)
                ),
            }));
        };
        let (value, after) = value(after).ok_or_else(|| {
            error(format!(
                "unterminated PARAM-VALUE of {param_name:?} in SD element [{id}: \
                 missing closing '\"'"
            ))
        })?;
        params.push(SdParam {
            name: param_name,
            value,
        });
        rest = after;
    }
}

/// An SD-ID or PARAM-NAME: 1..=32 PRINTUSASCII except `=`, SP, `]` and `"`. The error is `None`
/// when there is no name, the name when it is too long (formatted by the caller, which knows
/// the context, so the happy path does not allocate).
fn name(s: &str) -> Result<(&str, &str), Option<&str>> {
    let len = s
        .bytes()
        .take_while(|&c| matches!(c, b'!'..=b'~') && !matches!(c, b'=' | b']' | b'"'))
        .count();
    // Only ASCII bytes were counted, so `len` is a char boundary.
    let (name, rest) = s.split_at(len);
    match name.len() {
        0 => Err(None),
        1..=MAX_NAME => Ok((name, rest)),
        _ => Err(Some(name)),
    }
}

fn too_long(what: &str, name: &str) -> ParseError {
    error(format!("{what} {name:?} is longer than {MAX_NAME} characters"))
}

/// A PARAM-VALUE after its opening quote: the unescaped value (borrowed unless it had escapes)
/// and what follows the closing quote, or `None` if there is no closing quote.
fn value(s: &str) -> Option<(Cow<'_, str>, &str)> {
    let b = s.as_bytes();
    let mut escaped = false;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' if matches!(b.get(i + 1), Some(b'"' | b'\\' | b']')) => {
                escaped = true;
                i += 2;
            }
            b'"' => {
                // `i` is at an ASCII quote: both slices are on char boundaries.
                let raw = &s[..i];
                let value = if escaped {
                    Cow::Owned(unescape(raw))
                } else {
                    Cow::Borrowed(raw)
                };
                return Some((value, &s[i + 1..]));
            }
            _ => i += 1,
        }
    }
    None
}

/// Resolves `\"`, `\\` and `\]`; any other backslash is kept, as RFC 5424 section 6.3.3 says.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next @ ('"' | '\\' | ']')) = chars.peek() {
                out.push(next);
                chars.next();
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Serialises SD elements back to RFC 5424 form (`[id k="v"]...`, escaping `"` `\` `]`), used to
/// pass the remaining structured data (after the intake-key element is removed) as metadata.
/// No elements give `""` (not the NILVALUE `-`), so callers can test for "nothing left".
pub fn format_structured_data(elements: &[SdElement<'_>]) -> String {
    let mut out = String::new();
    for element in elements {
        out.push('[');
        out.push_str(element.id);
        for param in &element.params {
            out.push(' ');
            out.push_str(param.name);
            out.push_str("=\"");
            for c in param.value.chars() {
                if matches!(c, '"' | '\\' | ']') {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
        }
        out.push(']');
    }
    out
}

fn error(reason: String) -> ParseError {
    ParseError::StructuredData(reason)
}
