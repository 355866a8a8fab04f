//! The ECS field reference: every field of one ECS release with its type, and the allowed values
//! of `event.kind`, `event.category`, `event.type` and `event.outcome`.
//!
//! `reference/ecs.txt` is generated from the published reference (`generated/ecs/ecs_flat.yml`
//! of a release tag of github.com/elastic/ecs) by `reference/generate.py`; regenerate it to move
//! to another ECS version.

use std::collections::BTreeMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("reference/ecs.txt");

/// The reference, read once from the embedded data.
#[derive(Debug)]
pub struct Reference {
    version: &'static str,
    fields: BTreeMap<&'static str, &'static str>,
    allowed: BTreeMap<&'static str, Vec<&'static str>>,
    expected: BTreeMap<&'static str, Vec<&'static str>>,
}

/// The embedded ECS reference.
pub fn reference() -> &'static Reference {
    static REFERENCE: OnceLock<Reference> = OnceLock::new();
    REFERENCE.get_or_init(|| Reference::parse(DATA))
}

impl Reference {
    fn parse(data: &'static str) -> Reference {
        let mut reference = Reference {
            version: "",
            fields: BTreeMap::new(),
            allowed: BTreeMap::new(),
            expected: BTreeMap::new(),
        };
        for line in data.lines() {
            let mut words = line.split(' ');
            match (words.next(), words.next()) {
                (Some("version"), Some(version)) => reference.version = version,
                (Some("field"), Some(name)) => {
                    reference.fields.insert(name, words.next().unwrap_or(""));
                }
                (Some("allowed"), Some(name)) => {
                    reference.allowed.insert(name, words.collect());
                }
                (Some("expected"), Some(category)) => {
                    reference.expected.insert(category, words.collect());
                }
                _ => {}
            }
        }
        reference
    }

    /// The ECS version, such as `9.4.0`.
    pub fn version(&self) -> &'static str {
        self.version
    }

    /// How many fields the reference has.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The ECS type of a field (`keyword`, `ip`, `long`, `object`, …), by its dotted name.
    pub fn field_type(&self, name: &str) -> Option<&'static str> {
        self.fields.get(name).copied()
    }

    /// Whether a dotted name is an ECS field, or lies under an ECS object that takes any key
    /// (`labels.env`, `log.syslog.structured_data.meta@1.x`, `container.labels.app`).
    pub fn is_ecs(&self, name: &str) -> bool {
        if self.fields.contains_key(name) {
            return true;
        }
        let mut at = name.len();
        while let Some(dot) = name[..at].rfind('.') {
            let parent = &name[..dot];
            if let Some(kind) = self.fields.get(parent) {
                return matches!(*kind, "object" | "flattened" | "nested") && !self.has_children(parent);
            }
            at = dot;
        }
        false
    }

    /// Fields listed below `name` (`log.syslog` has; `labels` has not).
    fn has_children(&self, name: &str) -> bool {
        let prefix = format!("{name}.");
        self.fields
            .range(prefix.as_str()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
    }

    /// The values ECS allows for `event.kind`, `event.category`, `event.type` or `event.outcome`.
    pub fn allowed_values(&self, field: &str) -> Option<&[&'static str]> {
        self.allowed.get(field).map(Vec::as_slice)
    }

    /// The `event.type` values ECS expects with an `event.category` value.
    pub fn expected_types(&self, category: &str) -> Option<&[&'static str]> {
        self.expected.get(category).map(Vec::as_slice)
    }
}
