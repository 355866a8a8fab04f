//! Reading a record's values: non-empty strings, numbers written as text, times without a zone,
//! and objects kept whole in a form the host stores without a conflict (`json_values::storable`).

pub(crate) use edge_format_sdk::json_values::{is_rfc3339, storable, storable_key};
use edge_format_sdk::Value;

/// A string, or a number written as text (`RecordType` is `15` from the API and `"15"` from
/// some exports).
pub(crate) fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A time of the Management Activity API as RFC 3339: `CreationTime` is UTC written without a
/// zone (`2026-03-02T09:15:27`), which gets its `Z`; a time with a zone is kept; anything else
/// is left to the host (`None`).
pub(crate) fn utc_time(time: &str) -> Option<String> {
    let time = time.trim();
    if is_rfc3339(time) {
        return Some(time.to_owned());
    }
    let zoned = time.ends_with(['Z', 'z']) || time.get(11..).is_some_and(|t| t.contains(['+', '-']));
    let with_zone = format!("{time}Z");
    (!zoned && is_rfc3339(&with_zone)).then_some(with_zone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_without_a_zone_are_utc() {
        assert_eq!(utc_time("2026-03-02T09:15:27").as_deref(), Some("2026-03-02T09:15:27Z"));
        assert_eq!(
            utc_time("2026-03-02T09:15:27.1234567").as_deref(),
            Some("2026-03-02T09:15:27.1234567Z")
        );
        assert_eq!(
            utc_time("2026-03-02T09:15:27Z").as_deref(),
            Some("2026-03-02T09:15:27Z")
        );
        assert_eq!(
            utc_time("2026-03-02T10:15:27+01:00").as_deref(),
            Some("2026-03-02T10:15:27+01:00")
        );
        assert_eq!(utc_time("2026-03-02T10:15:27+0100"), None);
        assert_eq!(utc_time("2026-03-02"), None);
        assert_eq!(utc_time("3/2/2026 9:15:27 AM"), None);
    }

    #[test]
    fn numbers_and_strings_as_text() {
        assert_eq!(as_text(&Value::from(15)).as_deref(), Some("15"));
        assert_eq!(as_text(&Value::from("15")).as_deref(), Some("15"));
        assert_eq!(as_text(&Value::from("")), None);
        assert_eq!(as_text(&Value::Null), None);
    }
}
