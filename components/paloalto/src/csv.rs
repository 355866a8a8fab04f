//! Splits a PAN-OS syslog CSV payload into its fields.
//!
//! PAN-OS quotes a field that holds a comma or a quote (`"example.com/a,b"`, `"User 'x' ..."`)
//! and doubles the quotes inside it. A quote inside an unquoted field is kept as it is, and a
//! quoted field that never closes (a line cut by a relay) runs to the end of the line.

/// The fields of `line`, unquoted.
pub(crate) fn split(line: &str) -> Vec<String> {
    let mut fields = Vec::with_capacity(64);
    let mut chars = line.chars().peekable();
    loop {
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        field.push('"');
                    } else {
                        break;
                    }
                } else {
                    field.push(c);
                }
            }
            // Anything between a closing quote and the next comma belongs to the field too.
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                field.push(c);
                chars.next();
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                field.push(c);
                chars.next();
            }
        }
        fields.push(field);
        if chars.next().is_none() {
            return fields;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn quoted_fields_keep_commas_and_doubled_quotes() {
        assert_eq!(
            split("a,\"b,c\",,\"say \"\"hi\"\"\",d"),
            ["a", "b,c", "", "say \"hi\"", "d"]
        );
        assert_eq!(split(""), [""]);
        assert_eq!(split("a,"), ["a", ""]);
        assert_eq!(split("x,\"unterminated, still"), ["x", "unterminated, still"]);
        assert_eq!(split("it's,5\" disk"), ["it's", "5\" disk"]);
    }
}
