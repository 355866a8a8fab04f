use super::*;
use crate::registry::keys::{generate_key, KEY_ALPHABET, KEY_CHARS};
use std::collections::HashSet;

const FILE: &str = r#"# Top comment: kept byte for byte.
data_dir = "data"   # trailing comment

[https]
listen = "127.0.0.1:8443"

[formats.plain]
component = "builtin:plain"   # the builtin

[formats.json]
component = "builtin:json"
# deadline_ms = 200

# The demo intakes.
[[intake]]
name = "a"
format = "plain"
entity = "ent"
key = "aaaaaaaaaaaaaaaaaaaaaaaa"    # a's key

# About b.
[[intake]]
name  =  "b"
format = "json"
entity = "ent"
key = "bbbbbbbbbbbbbbbbbbbbbbbb"

# [[intake]]
# name = "commented-out"
"#;

fn path() -> &'static Path {
    Path::new("/etc/intake-edge/intakes.toml")
}

fn new_intake<'a>(name: &'a str, format: &'a str, key: &'a str) -> NewIntake<'a> {
    NewIntake {
        name,
        format,
        entity: "ent-c",
        key,
        created_by: "alice",
        created_at: "2026-11-23T10:00:00Z",
    }
}

fn edited(f: impl FnOnce(&mut DocumentMut) -> Result<(), EditError>) -> String {
    let mut doc = parse(FILE).expect("parse");
    f(&mut doc).expect("edit");
    validate(&doc, path()).expect("valid");
    doc.to_string()
}

#[test]
fn an_unedited_document_is_written_back_unchanged() {
    assert_eq!(parse(FILE).expect("parse").to_string(), FILE);
}

#[test]
fn add_appends_after_everything_and_keeps_the_rest_byte_for_byte() {
    let key = generate_key().expect("key");
    let text = edited(|d| add(d, &new_intake("c", "plain", &key)));
    let expected = format!(
        "{FILE}\n[[intake]]\nname = \"c\"\nformat = \"plain\"\nentity = \"ent-c\"\nkey = \"{key}\"\n\
         created_by = \"alice\"\ncreated_at = \"2026-11-23T10:00:00Z\"\n"
    );
    assert_eq!(text, expected);
    let config = Config::parse(&text, path()).expect("valid");
    let c = config.intake("c").expect("added");
    assert_eq!((c.format.as_str(), c.entity.as_str()), ("plain", "ent-c"));
    assert_eq!(c.key.expose(), key);
    assert_eq!(c.created_by.as_deref(), Some("alice"));
}

#[test]
fn add_goes_to_the_end_even_when_intakes_are_not_last() {
    let text = "[formats.plain]\ncomponent = \"builtin:plain\"\n\n[[intake]]\nname = \"a\"\nformat = \"plain\"\n\
                entity = \"e\"\nkey = \"aaaaaaaaaaaaaaaaaaaa\"\n\n[limits]\nmax_connections = 10\n";
    let mut doc = parse(text).expect("parse");
    add(&mut doc, &new_intake("c", "plain", "cccccccccccccccccccc")).expect("add");
    let out = doc.to_string();
    assert!(out.starts_with(text), "{out}");
    assert!(out[text.len()..].starts_with("\n[[intake]]\nname = \"c\""), "{out}");
    Config::parse(&out, path()).expect("valid");
}

#[test]
fn add_to_a_file_without_intakes() {
    let text = "[formats.plain]\ncomponent = \"builtin:plain\"\n";
    let mut doc = parse(text).expect("parse");
    add(&mut doc, &new_intake("c", "plain", "cccccccccccccccccccc")).expect("add");
    let out = doc.to_string();
    assert!(out.starts_with(&format!("{text}\n[[intake]]\n")), "{out}");
    let config = Config::parse(&out, path()).expect("valid");
    assert_eq!(config.intakes.len(), 1);
}

#[test]
fn add_refuses_bad_names_duplicates_unknown_formats_and_empty_fields() {
    let mut doc = parse(FILE).expect("parse");
    let key = "cccccccccccccccccccccccc";
    assert_eq!(
        add(&mut doc, &new_intake("a", "plain", key)),
        Err(EditError::DuplicateName("a".into()))
    );
    for bad in ["", "with space", "slash/name", "é"] {
        assert_eq!(
            add(&mut doc, &new_intake(bad, "plain", key)),
            Err(EditError::BadName(bad.into()))
        );
    }
    let err = add(&mut doc, &new_intake("c", "nope", key)).expect_err("unknown format");
    let EditError::UnknownFormat { format, known } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(format, "nope");
    assert!(
        known.starts_with("json, plain, ") && known.contains("paloalto"),
        "{known}"
    );
    assert_eq!(known.matches("plain").count(), 1, "{known}");
    let mut empty_entity = new_intake("c", "plain", key);
    empty_entity.entity = " ";
    assert!(matches!(
        add(&mut doc, &empty_entity),
        Err(EditError::Empty { field: "entity", .. })
    ));
    assert_eq!(doc.to_string(), FILE, "a refused edit changes nothing");
    // A builtin needs no [formats] table: the intake alone is added.
    add(&mut doc, &new_intake("fw", "fortigate", key)).expect("a builtin");
    assert!(!doc.to_string().contains("[formats.fortigate]"));
}

#[test]
fn validation_catches_what_the_edit_does_not() {
    // A weak key passes the edit's own checks; validating the whole file refuses it.
    let mut doc = parse(FILE).expect("parse");
    add(&mut doc, &new_intake("c", "plain", "short")).expect("edit");
    let Err(EditError::Invalid(e)) = validate(&doc, path()) else {
        panic!("a weak key must be refused");
    };
    assert!(e.to_string().contains("shorter than 16"), "{e}");
    assert!(!e.to_string().contains("short\""), "the key is not echoed: {e}");

    // A duplicate key, too.
    let mut doc = parse(FILE).expect("parse");
    add(&mut doc, &new_intake("c", "plain", "aaaaaaaaaaaaaaaaaaaaaaaa")).expect("edit");
    let Err(EditError::Invalid(e)) = validate(&doc, path()) else {
        panic!("a duplicate key must be refused");
    };
    assert!(e.to_string().contains("duplicate key"), "{e}");

    // Problems elsewhere in the file are reported too.
    let mut doc = parse(&FILE.replace("127.0.0.1:8443", "nowhere")).expect("parse");
    add(&mut doc, &new_intake("c", "plain", "cccccccccccccccccccccccc")).expect("edit");
    assert!(matches!(validate(&doc, path()), Err(EditError::Invalid(_))));
}

#[test]
fn syntax_errors_name_the_line_not_the_text() {
    let text = "[formats.plain]\ncomponent = \"builtin:plain\"\nkey = \"secret-secret-secret\" x\n";
    let Err(EditError::Syntax(message)) = parse(text) else {
        panic!("invalid TOML must be refused");
    };
    assert!(message.starts_with("line 3:"), "{message}");
    assert!(!message.contains("secret"), "{message}");
}

#[test]
fn remove_keeps_other_tables_and_the_comments_above_the_removed_one() {
    let text = edited(|d| remove(d, "a"));
    let expected = FILE.replace(
        "[[intake]]\nname = \"a\"\nformat = \"plain\"\nentity = \"ent\"\nkey = \"aaaaaaaaaaaaaaaaaaaaaaaa\"    # a's key\n",
        "",
    );
    assert_eq!(text, expected);
    let config = Config::parse(&text, path()).expect("valid");
    assert_eq!(config.intakes.len(), 1);
    assert!(config.intake("a").is_none());
}

#[test]
fn remove_the_last_intake_keeps_the_end_of_the_file() {
    let text = edited(|d| remove(d, "b"));
    assert!(text.contains("# About b.\n"), "{text}");
    assert!(text.ends_with("# [[intake]]\n# name = \"commented-out\"\n"), "{text}");
    assert!(!text.contains("bbbbbbbb"), "{text}");
    let both = edited(|d| remove(d, "b").and_then(|()| remove(d, "a")));
    assert!(!both.contains("[[intake]]\nname"), "{both}");
    assert!(both.starts_with("# Top comment: kept byte for byte.\ndata_dir = \"data\"   # trailing comment\n"));
}

#[test]
fn remove_and_set_key_refuse_unknown_intakes() {
    let mut doc = parse(FILE).expect("parse");
    assert_eq!(remove(&mut doc, "zz"), Err(EditError::UnknownIntake("zz".into())));
    assert_eq!(
        set_key(&mut doc, "zz", "cccccccccccccccccccccccc"),
        Err(EditError::UnknownIntake("zz".into()))
    );
    let mut none = parse("[formats.plain]\ncomponent = \"builtin:plain\"\n").expect("parse");
    assert_eq!(remove(&mut none, "a"), Err(EditError::UnknownIntake("a".into())));
    let mut odd = parse("intake = 3\n").expect("parse");
    assert_eq!(remove(&mut odd, "a"), Err(EditError::NotArrayOfTables));
    assert_eq!(doc.to_string(), FILE);
}

#[test]
fn set_key_changes_only_the_key_and_keeps_its_comment() {
    let key = generate_key().expect("key");
    let text = edited(|d| set_key(d, "a", &key));
    assert_eq!(
        text,
        FILE.replace(
            "key = \"aaaaaaaaaaaaaaaaaaaaaaaa\"    # a's key",
            &format!("key = \"{key}\"    # a's key")
        )
    );
}

#[test]
fn find_and_names() {
    let doc = parse(FILE).expect("parse");
    assert_eq!(intake_names(&doc), Ok(vec!["a".to_string(), "b".to_string()]));
    assert_eq!(format_names(&doc), vec!["json".to_string(), "plain".to_string()]);
    let b = find(&doc, "b").expect("ok").expect("found");
    assert_eq!(field(b, "format"), Some("json"));
    assert!(find(&doc, "zz").expect("ok").is_none());
}

#[test]
fn generated_keys_use_the_alphabet_have_the_length_and_differ() {
    let mut seen = HashSet::new();
    let mut used = HashSet::new();
    for _ in 0..1000 {
        let key = generate_key().expect("key");
        assert_eq!(key.len(), KEY_CHARS);
        assert!(key.bytes().all(|b| KEY_ALPHABET.contains(&b)), "{key}");
        used.extend(key.bytes());
        assert!(seen.insert(key), "a key repeated");
    }
    // 32000 draws over 62 characters: every character shows up.
    assert_eq!(used.len(), KEY_ALPHABET.len());
}

#[test]
fn config_and_edit_agree_on_names() {
    for name in ["ok-name_1.x", "with space", ""] {
        let text = format!(
            "[formats.plain]\ncomponent = \"builtin:plain\"\n[[intake]]\nname = \"{name}\"\nformat = \"plain\"\n\
             entity = \"e\"\nkey = \"cccccccccccccccccccccccc\"\n"
        );
        assert_eq!(valid_name(name), Config::parse(&text, path()).is_ok(), "{name:?}");
    }
}
