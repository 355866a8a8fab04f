//! FortiOS `key=value` pairs: `date=2026-11-22 devname="FGT60F" msg="User \"bob\" logged in"`.
//!
//! Values are bare (to the next space) or double-quoted, with `\"` and `\\` escaped inside
//! quotes. A quoted value that never closes (a line cut by a relay) runs to the end. A word
//! without `=` after a bare value is a space inside that value (some FortiOS 5.x messages).

/// Pairs in order, values unescaped. Err when the text does not start with `key=`.
pub(crate) fn parse(text: &str) -> Result<Vec<(&str, String)>, String> {
    let mut pairs: Vec<(&str, String)> = Vec::with_capacity(48);
    let mut rest = text.trim_start();
    let mut last_bare = false;
    while !rest.is_empty() {
        let word_end = rest.find([' ', '\t']).unwrap_or(rest.len());
        let key_end = rest[..word_end].find('=');
        let key = key_end.map(|i| &rest[..i]).filter(|k| is_key(k));
        let Some(key) = key else {
            let word = &rest[..word_end];
            match pairs.last_mut() {
                Some((_, value)) if last_bare => {
                    value.push(' ');
                    value.push_str(word);
                }
                _ => return Err(format!("not FortiOS key=value text at {:?}", preview(rest))),
            }
            rest = rest[word_end..].trim_start();
            continue;
        };
        let after = &rest[key.len() + 1..];
        let (value, remaining) = match after.strip_prefix('"') {
            Some(quoted) => {
                last_bare = false;
                unquote(quoted)
            }
            None => {
                last_bare = true;
                let end = after.find([' ', '\t']).unwrap_or(after.len());
                (after[..end].to_owned(), &after[end..])
            }
        };
        pairs.push((key, value));
        rest = remaining.trim_start();
    }
    Ok(pairs)
}

/// The value of a quoted string whose opening quote is gone, and what follows its closing one.
fn unquote(s: &str) -> (String, &str) {
    let mut value = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (value, &s[i + 1..]),
            '\\' => match chars.next() {
                Some((_, '"')) => value.push('"'),
                Some((_, '\\')) => value.push('\\'),
                Some((_, other)) => {
                    value.push('\\');
                    value.push(other);
                }
                None => value.push('\\'),
            },
            c => value.push(c),
        }
    }
    (value, "")
}

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

fn preview(s: &str) -> &str {
    let end = s.char_indices().nth(40).map_or(s.len(), |(i, _)| i);
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Vec<(String, String)> {
        parse(text)
            .expect("parsed")
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect()
    }

    #[test]
    fn quoted_and_bare_values() {
        assert_eq!(
            p(r#"a=1 b="two words" c="say \"hi\" \\ ok" d= e="""#),
            [
                ("a", "1"),
                ("b", "two words"),
                ("c", "say \"hi\" \\ ok"),
                ("d", ""),
                ("e", "")
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert_eq!(p(r#"msg="cut here"#), [("msg".to_owned(), "cut here".to_owned())]);
        assert_eq!(p("msg=a b c x=1")[0].1, "a b c");
        assert!(parse("hello world").is_err());
    }
}
