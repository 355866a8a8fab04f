//! Edits of `intakes.toml` that keep its comments and layout: add, remove and re-key the
//! `[[intake]]` tables of a [`toml_edit`] document.
//!
//! Pure functions on a [`DocumentMut`]: reading and writing the file is the caller's job, and so
//! is checking the result with [`validate`] before writing it (the whole file, as a reload would).

use crate::config::{Config, ConfigError};
use std::path::Path;
use toml_edit::{value, ArrayOfTables, DocumentMut, Item, Table};

#[cfg(test)]
mod tests;

/// Why an edit was refused. Never echoes a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("invalid TOML: {0}")]
    Syntax(String),
    #[error("invalid intake name {0:?}: a name uses only letters, digits, '-', '_' and '.' (1 to 128 characters)")]
    BadName(String),
    #[error("intake {intake:?}: `{field}` must not be empty")]
    Empty { intake: String, field: &'static str },
    #[error("an intake named {0:?} already exists")]
    DuplicateName(String),
    #[error("unknown format {format:?} (the file's formats and the builtins: {known})")]
    UnknownFormat { format: String, known: String },
    #[error("no intake named {0:?}")]
    UnknownIntake(String),
    #[error("`intake` is not an array of tables (`[[intake]]`); edit it by hand")]
    NotArrayOfTables,
    #[error("the edited file would be invalid; nothing written. {0}")]
    Invalid(ConfigError),
}

/// The fields of a new `[[intake]]` table, in the order they are written.
#[derive(Debug, Clone, Copy)]
pub struct NewIntake<'a> {
    pub name: &'a str,
    pub format: &'a str,
    pub entity: &'a str,
    pub key: &'a str,
    pub created_by: &'a str,
    /// RFC 3339.
    pub created_at: &'a str,
}

/// Parses `text`, keeping its comments and layout. The error names a line, not the text (which
/// may hold keys).
pub fn parse(text: &str) -> Result<DocumentMut, EditError> {
    text.parse::<DocumentMut>().map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let message = e.message().trim_end();
        EditError::Syntax(match line {
            Some(line) => format!("line {line}: {message}"),
            None => message.to_string(),
        })
    })
}

/// Validates the whole edited document as if it were the file at `path`.
pub fn validate(doc: &DocumentMut, path: &Path) -> Result<Config, EditError> {
    Config::parse(&doc.to_string(), path).map_err(EditError::Invalid)
}

/// The names of the `[formats]` table, sorted.
pub fn format_names(doc: &DocumentMut) -> Vec<String> {
    let mut names: Vec<String> = doc
        .get("formats")
        .and_then(Item::as_table_like)
        .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// The names of the `[[intake]]` tables, in file order.
pub fn intake_names(doc: &DocumentMut) -> Result<Vec<String>, EditError> {
    Ok(intakes(doc)?
        .map(|a| a.iter().filter_map(|t| field(t, "name").map(str::to_string)).collect())
        .unwrap_or_default())
}

/// The `[[intake]]` table named `name`.
pub fn find<'d>(doc: &'d DocumentMut, name: &str) -> Result<Option<&'d Table>, EditError> {
    Ok(intakes(doc)?.and_then(|a| a.iter().find(|t| field(t, "name") == Some(name))))
}

/// A string field of a table.
pub fn field<'t>(table: &'t Table, key: &str) -> Option<&'t str> {
    table.get(key).and_then(Item::as_str)
}

/// Appends a `[[intake]]` table at the end of the document (after its last table and its
/// trailing comments), leaving everything before it byte for byte. Checks the name, that it is
/// unused and that the format is one of `[formats]` or a builtin (which needs no table).
pub fn add(doc: &mut DocumentMut, new: &NewIntake<'_>) -> Result<(), EditError> {
    if !valid_name(new.name) {
        return Err(EditError::BadName(new.name.to_string()));
    }
    for (field, v) in [("format", new.format), ("entity", new.entity), ("key", new.key)] {
        if v.trim().is_empty() {
            return Err(EditError::Empty {
                intake: new.name.to_string(),
                field,
            });
        }
    }
    if intake_names(doc)?.iter().any(|n| n == new.name) {
        return Err(EditError::DuplicateName(new.name.to_string()));
    }
    let formats = format_names(doc);
    if !formats.iter().any(|f| f == new.format) && !crate::builtins::names().contains(&new.format) {
        return Err(EditError::UnknownFormat {
            format: new.format.to_string(),
            known: formats
                .iter()
                .map(String::as_str)
                .chain(
                    crate::builtins::names()
                        .into_iter()
                        .filter(|b| !formats.iter().any(|f| f == b)),
                )
                .collect::<Vec<_>>()
                .join(", "),
        });
    }

    let mut table = Table::new();
    for (k, v) in [
        ("name", new.name),
        ("format", new.format),
        ("entity", new.entity),
        ("key", new.key),
        ("created_by", new.created_by),
        ("created_at", new.created_at),
    ] {
        table.insert(k, value(v));
    }
    // Whatever followed the last table (comments, blank lines) stays before the new one.
    let mut prefix = doc.trailing().as_str().unwrap_or("").to_string();
    if !prefix.is_empty() && !prefix.ends_with('\n') {
        prefix.push('\n');
    }
    let empty = doc.as_table().is_empty() && prefix.is_empty();
    if !empty && !prefix.ends_with("\n\n") {
        prefix.push('\n');
    }
    table.decor_mut().set_prefix(prefix);
    doc.set_trailing("");
    table.set_position(max_position(doc.as_table()) + 1);

    match doc.get_mut("intake") {
        Some(Item::ArrayOfTables(a)) => a.push(table),
        Some(_) => return Err(EditError::NotArrayOfTables),
        None => {
            let mut a = ArrayOfTables::new();
            a.push(table);
            doc.insert("intake", Item::ArrayOfTables(a));
        }
    }
    Ok(())
}

/// Removes the `[[intake]]` table named `name`. Comments above it are kept (they move to the
/// next table, or to the end of the file), as is everything else.
pub fn remove(doc: &mut DocumentMut, name: &str) -> Result<(), EditError> {
    let Some(Item::ArrayOfTables(array)) = doc.get_mut("intake") else {
        return match doc.get("intake") {
            Some(_) => Err(EditError::NotArrayOfTables),
            None => Err(EditError::UnknownIntake(name.to_string())),
        };
    };
    let index = array
        .iter()
        .position(|t| field(t, "name") == Some(name))
        .ok_or_else(|| EditError::UnknownIntake(name.to_string()))?;
    let removed = array.remove(index);
    let empty = array.is_empty();
    if empty {
        doc.remove("intake");
    }
    let comments = removed.decor().prefix().and_then(|p| p.as_str()).unwrap_or("");
    if comments.contains('#') {
        let position = removed.position().unwrap_or(isize::MAX);
        match next_table(doc.as_table_mut(), position) {
            Some(next) => {
                let own = next.decor().prefix().and_then(|p| p.as_str()).unwrap_or("").to_string();
                next.decor_mut().set_prefix(format!("{comments}{own}"));
            }
            None => {
                let trailing = doc.trailing().as_str().unwrap_or("").to_string();
                doc.set_trailing(format!("{comments}{trailing}"));
            }
        }
    }
    Ok(())
}

/// Replaces the key of the intake named `name`, keeping the value's surrounding whitespace and
/// comment.
pub fn set_key(doc: &mut DocumentMut, name: &str, key: &str) -> Result<(), EditError> {
    if key.trim().is_empty() {
        return Err(EditError::Empty {
            intake: name.to_string(),
            field: "key",
        });
    }
    let table = match doc.get_mut("intake") {
        Some(Item::ArrayOfTables(a)) => a.iter_mut().find(|t| field(t, "name") == Some(name)),
        Some(_) => return Err(EditError::NotArrayOfTables),
        None => None,
    }
    .ok_or_else(|| EditError::UnknownIntake(name.to_string()))?;
    let mut new = toml_edit::Value::from(key);
    if let Some(old) = table.get("key").and_then(Item::as_value) {
        *new.decor_mut() = old.decor().clone();
    }
    match table.get_mut("key") {
        Some(item) => *item = Item::Value(new),
        None => {
            table.insert("key", Item::Value(new));
        }
    }
    Ok(())
}

/// The same rule as the configuration's (`config::valid_name`), checked before editing so that
/// the message is about the name rather than the whole file.
fn valid_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

fn intakes(doc: &DocumentMut) -> Result<Option<&ArrayOfTables>, EditError> {
    match doc.get("intake") {
        Some(Item::ArrayOfTables(a)) => Ok(Some(a)),
        Some(_) => Err(EditError::NotArrayOfTables),
        None => Ok(None),
    }
}

/// The largest position of a table in `table` (recursively).
fn max_position(table: &Table) -> isize {
    let of = |t: &Table| t.position().unwrap_or(0).max(max_position(t));
    table
        .iter()
        .map(|(_, item)| match item {
            Item::Table(t) => of(t),
            Item::ArrayOfTables(a) => a.iter().map(of).max().unwrap_or(0),
            _ => 0,
        })
        .max()
        .unwrap_or(0)
}

/// The table written first after `position` (recursively), if any.
fn next_table(table: &mut Table, position: isize) -> Option<&mut Table> {
    let target = first_position_after(table, position)?;
    table_at(table, target)
}

/// The smallest position of an explicit table greater than `position`.
fn first_position_after(table: &Table, position: isize) -> Option<isize> {
    let of = |t: &Table| {
        let own = t.position().filter(|p| *p > position && !t.is_implicit());
        [own, first_position_after(t, position)].into_iter().flatten().min()
    };
    table
        .iter()
        .filter_map(|(_, item)| match item {
            Item::Table(t) => of(t),
            Item::ArrayOfTables(a) => a.iter().filter_map(of).min(),
            _ => None,
        })
        .min()
}

/// The explicit table at `position`.
fn table_at(table: &mut Table, position: isize) -> Option<&mut Table> {
    for (_, item) in table.iter_mut() {
        let tables: Vec<&mut Table> = match item {
            Item::Table(t) => vec![t],
            Item::ArrayOfTables(a) => a.iter_mut().collect(),
            _ => Vec::new(),
        };
        for t in tables {
            if t.position() == Some(position) && !t.is_implicit() {
                return Some(t);
            }
            if let Some(inner) = table_at(t, position) {
                return Some(inner);
            }
        }
    }
    None
}
