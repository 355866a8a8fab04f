//! The access line grammar: `client ident user [time] "request" status bytes "referrer"
//! "user agent"`, what follows, and a virtual host in front.

/// One access log line, borrowed from the raw text. Quoted values are unescaped (`\"`, `\\`;
/// other escapes such as Apache's `\x16` are kept as written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLine<'a> {
    pub client: &'a str,
    pub ident: &'a str,
    pub user: &'a str,
    /// As logged, without the brackets: `22/Nov/2026:22:44:57 +0100`.
    pub time: &'a str,
    /// Empty when the line ends before it.
    pub request: String,
    /// `""` when the line ends before it.
    pub status: &'a str,
    pub bytes: &'a str,
    /// `None` for the common format.
    pub referrer: Option<String>,
    pub user_agent: Option<String>,
    /// What follows the user agent.
    pub extras: Vec<Extra<'a>>,
    /// The line ended inside a quoted value or before the status.
    pub truncated: bool,
}

/// One item after the user agent: `value`, `"value"`, `[value]`, or `key=value` /
/// `key="value"` (then `key` is set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extra<'a> {
    pub key: Option<&'a str>,
    /// Without its quotes (unescaped) or brackets.
    pub value: String,
    pub form: ExtraForm,
}

/// How an [`Extra`] was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtraForm {
    Bare,
    Quoted,
    Bracketed,
}

struct Cursor<'a> {
    rest: &'a str,
    truncated: bool,
}

impl<'a> Cursor<'a> {
    fn skip_spaces(&mut self) {
        self.rest = self.rest.trim_start_matches(' ');
    }

    fn at_end(&mut self) -> bool {
        self.skip_spaces();
        self.rest.is_empty()
    }

    fn token(&mut self, what: &str) -> Result<&'a str, String> {
        self.skip_spaces();
        let end = self.rest.find(' ').unwrap_or(self.rest.len());
        let (token, rest) = self.rest.split_at(end);
        if token.is_empty() {
            return Err(format!("missing {what}"));
        }
        self.rest = rest;
        Ok(token)
    }

    /// A token, or `""` at the end of a truncated line.
    fn optional_token(&mut self) -> &'a str {
        if self.at_end() {
            self.truncated = true;
            return "";
        }
        self.token("").unwrap_or_default()
    }

    fn bracketed(&mut self, what: &str) -> Result<&'a str, String> {
        self.skip_spaces();
        let inner = self
            .rest
            .strip_prefix('[')
            .ok_or_else(|| format!("expected [{what}]"))?;
        let end = inner.find(']').ok_or_else(|| format!("unterminated [{what}]"))?;
        self.rest = &inner[end + 1..];
        Ok(&inner[..end])
    }

    /// A `"..."` value; backslash escapes `\"` and `\\` are undone, others kept as written. A
    /// value the line ends in is taken as it is, and the line marked truncated.
    fn quoted(&mut self, what: &str) -> Result<String, String> {
        self.skip_spaces();
        let inner = self
            .rest
            .strip_prefix('"')
            .ok_or_else(|| format!("expected quoted {what}"))?;
        let mut out = String::with_capacity(inner.len().min(256));
        let mut chars = inner.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.rest = &inner[i + 1..];
                    return Ok(out);
                }
                '\\' => match chars.next() {
                    Some((_, e @ ('"' | '\\'))) => out.push(e),
                    Some((_, e)) => {
                        out.push('\\');
                        out.push(e);
                    }
                    None => out.push('\\'),
                },
                c => out.push(c),
            }
        }
        self.rest = "";
        self.truncated = true;
        Ok(out)
    }

    /// A quoted value, `None` at the end of the line.
    fn optional_quoted(&mut self, what: &str) -> Result<Option<String>, String> {
        if self.at_end() || !self.rest.starts_with('"') {
            return Ok(None);
        }
        self.quoted(what).map(Some)
    }

    /// The items after the user agent, in order. Never fails: an item is a quoted value, a
    /// bracketed one or a token, each with an optional `key=`.
    fn extras(&mut self) -> Vec<Extra<'a>> {
        let mut extras = Vec::new();
        while !self.at_end() {
            let rest = self.rest;
            let key_end = rest.find(['=', ' ', '"', '[']).filter(|&i| rest.as_bytes()[i] == b'=');
            let key = key_end.map(|i| &rest[..i]).filter(|k| !k.is_empty());
            if let Some(i) = key_end {
                self.rest = &rest[i + 1..];
            }
            let (value, form) = if self.rest.starts_with('"') {
                (self.quoted("value").unwrap_or_default(), ExtraForm::Quoted)
            } else if let Some(inner) = self.rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
                self.rest = inner.1;
                (inner.0.to_owned(), ExtraForm::Bracketed)
            } else {
                let end = self.rest.find(' ').unwrap_or(self.rest.len());
                let (token, rest) = self.rest.split_at(end);
                self.rest = rest;
                (token.to_owned(), ExtraForm::Bare)
            };
            extras.push(Extra { key, value, form });
        }
        extras
    }
}

fn is_number_or_dash(value: &str) -> bool {
    value == "-" || (!value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()))
}

/// Parses a common or combined access log line, and what follows it. The client, ident, user
/// and `[time]` are required; the line may end anywhere after them.
pub fn parse_access_line(line: &str) -> Result<AccessLine<'_>, String> {
    let mut c = Cursor {
        rest: line.trim(),
        truncated: false,
    };
    let client = c.token("client address")?;
    let ident = c.token("ident")?;
    let user = c.token("user")?;
    let time = c.bracketed("time")?;
    let request = if c.at_end() {
        c.truncated = true;
        String::new()
    } else {
        c.quoted("request")?
    };
    let status = c.optional_token();
    let bytes = c.optional_token();
    if !status.is_empty() && (!is_number_or_dash(status) || status.len() > 3) {
        return Err(format!("invalid status {status:?}"));
    }
    if !bytes.is_empty() && !is_number_or_dash(bytes) {
        return Err(format!("invalid byte count {bytes:?}"));
    }
    let referrer = c.optional_quoted("referrer")?;
    // A referrer without a user agent is a combined line cut short.
    let user_agent = match referrer {
        Some(_) if !c.truncated => {
            let ua = c.optional_quoted("user agent")?;
            c.truncated |= ua.is_none();
            ua
        }
        _ => None,
    };
    let extras = c.extras();
    Ok(AccessLine {
        client,
        ident,
        user,
        time,
        request,
        status,
        bytes,
        referrer,
        user_agent,
        extras,
        truncated: c.truncated,
    })
}

/// A line with a virtual host first (Apache's `vhost_combined`, `%v:%p %h ...`, or an nginx
/// `log_format` starting with `$host`): the line as [`parse_access_line`] reads it with no
/// virtual host, else the first word as the host and the rest as the line. A first word that is
/// an IP address is a client, never a host.
pub fn parse_vhost_access_line(line: &str) -> Result<(Option<&str>, AccessLine<'_>), String> {
    let error = match parse_access_line(line) {
        Ok(parsed) => return Ok((None, parsed)),
        Err(e) => e,
    };
    let line = line.trim_start_matches(' ');
    if let Some((vhost, rest)) = line.split_once(' ') {
        let name = vhost.rsplit_once(':').map_or(vhost, |(name, _)| name);
        if crate::ecs::parse_ip(vhost).is_none() && !name.is_empty() && !name.contains(['[', '"']) {
            if let Ok(parsed) = parse_access_line(rest) {
                return Ok((Some(vhost), parsed));
            }
        }
    }
    Err(error)
}
