//! Writing a normalized event as the nested document the host stores: `{"source.ip": …,
//! "source.port": …}` becomes `{"source":{"ip":…,"port":…}}` in one pass over the map's sorted
//! keys, so that the host only checks the document instead of rebuilding it.
//!
//! Keys of one object (`source.*`) are contiguous in a sorted map, so each key only needs the one
//! before it: the objects they do not share are closed, the new ones opened. What one pass cannot
//! write (a value at `a` and a key `a.b`, a key below an object value, an empty name) makes
//! [`write`] give up; the caller then writes the flat keys and the host nests them, or names
//! the conflict, as it does for any component.

use serde_json::{Map, Value};

use crate::sink::Val;

/// A value the nested writer can write.
pub(crate) trait WriteJson {
    fn write_json(&self, out: &mut Vec<u8>);
}

impl WriteJson for &Value {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_value(self, out);
    }
}

impl WriteJson for &Val<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Val::Str(s) => write_str(s, out),
            Val::U64(n) => write_u64(*n, out),
            Val::Bool(true) => out.extend_from_slice(b"true"),
            Val::Bool(false) => out.extend_from_slice(b"false"),
            Val::Json(v) => write_value(v, out),
        }
    }
}

/// Writes `fields` nested into `out`; `false` (and `out` left in any state) when one pass
/// cannot.
pub(crate) fn write(fields: &Map<String, Value>, out: &mut Vec<u8>) -> bool {
    write_pairs(fields.iter().map(|(k, v)| (k.as_str(), v)), out)
}

/// [`write`] for any `(key, value)` pairs in increasing byte order of keys, none twice.
pub(crate) fn write_pairs<'k, V: WriteJson>(pairs: impl Iterator<Item = (&'k str, V)>, out: &mut Vec<u8>) -> bool {
    out.push(b'{');
    let mut previous: &[u8] = b"";
    // Objects open below the top: the dots of the previous key.
    let mut open = 0;
    for (i, (key, value)) in pairs.enumerate() {
        let k = key.as_bytes();
        // The bytes and the whole names both keys share (`start`: where the first name they do
        // not share begins).
        let (mut j, mut shared, mut start) = (0, 0, 0);
        while j < previous.len() && j < k.len() && previous[j] == k[j] {
            if k[j] == b'.' {
                shared += 1;
                start = j + 1;
            }
            j += 1;
        }
        if i > 0 {
            // Keys in increasing byte order make names increase within each object (so none is
            // written twice), except where the new name ends at `j`: `a` then `a.b` (a value
            // meets an object: the host names the conflict, or merges an object value with the
            // keys below it), or `a-b` then `a.b` (`a` written twice). A map not sorted
            // byte-wise also ends here.
            let increasing = j < k.len() && (j == previous.len() || previous[j] < k[j]);
            if !increasing || k[j] == b'.' {
                return false;
            }
            for _ in shared..open {
                out.push(b'}');
            }
            out.push(b',');
        }
        // The names from `start` on, copied byte by byte with the dots turned into `":{"` (in
        // a component, each short `memcpy` is a call out of the sandbox). A name that is empty
        // (`a..b`, `.a`, `a.`, ``) or needs an escape (a vendor's odd key) is left to the flat
        // path.
        let mut depth = shared;
        let rest = &k[start..];
        out.reserve(rest.len() + 8);
        out.push(b'"');
        let mut name_start = true;
        for &b in rest {
            match b {
                b'.' if name_start => return false,
                b'.' => {
                    out.push(b'"');
                    out.push(b':');
                    out.push(b'{');
                    out.push(b'"');
                    depth += 1;
                    name_start = true;
                    continue;
                }
                b'"' | b'\\' | 0..=0x1f => return false,
                _ => out.push(b),
            }
            name_start = false;
        }
        if name_start {
            return false;
        }
        out.push(b'"');
        out.push(b':');
        value.write_json(out);
        open = depth;
        previous = k;
    }
    for _ in 0..open {
        out.push(b'}');
    }
    out.push(b'}');
    true
}

fn write_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::String(s) => write_str(s, out),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Null => out.extend_from_slice(b"null"),
        // Writing into a Vec cannot fail.
        other => {
            let _ = serde_json::to_writer(&mut *out, other);
        }
    }
}

/// A JSON string.
fn write_str(s: &str, out: &mut Vec<u8>) {
    let _ = serde_json::to_writer(&mut *out, s);
}

/// A number's digits, without a formatter.
pub(crate) fn write_u64(mut n: u64, out: &mut Vec<u8>) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nested(v: Value) -> Option<Value> {
        let Value::Object(map) = v else { panic!("an object") };
        let mut out = Vec::new();
        write(&map, &mut out).then(|| serde_json::from_slice(&out).expect("valid JSON"))
    }

    #[test]
    fn dotted_keys_become_objects() {
        let got = nested(json!({
            "@timestamp": "2026-01-01T00:00:00Z",
            "event.category": ["network"],
            "event.kind": "event",
            "message": "a \"quoted\" \\ line\n",
            "source.geo.name": "x",
            "source.ip": "192.0.2.1",
            "source.port": 22,
            "log.syslog.structured_data": {"meta@1": {"site": "paris"}},
            "z": null,
            "t": true,
            "f": 1.5,
        }));
        assert_eq!(
            got,
            Some(json!({
                "@timestamp": "2026-01-01T00:00:00Z",
                "event": {"category": ["network"], "kind": "event"},
                "message": "a \"quoted\" \\ line\n",
                "source": {"geo": {"name": "x"}, "ip": "192.0.2.1", "port": 22},
                "log": {"syslog": {"structured_data": {"meta@1": {"site": "paris"}}}},
                "z": null,
                "t": true,
                "f": 1.5,
            }))
        );
    }

    #[test]
    fn the_written_text_is_what_serde_json_writes_for_the_nested_value() {
        let map = json!({"a.b": "x\u{1}y", "a.c": 1, "b": "é"});
        let Value::Object(map) = map else { unreachable!() };
        let mut out = Vec::new();
        assert!(write(&map, &mut out));
        assert_eq!(
            String::from_utf8(out).expect("UTF-8"),
            serde_json::to_string(&json!({"a": {"b": "x\u{1}y", "c": 1}, "b": "é"})).expect("serializable")
        );
    }

    #[test]
    fn what_one_pass_cannot_write_gives_up() {
        // A value and an object at one name, directly or with a key between them.
        assert_eq!(nested(json!({"a": 1, "a.b": 2})), None);
        assert_eq!(nested(json!({"a": 1, "a-b": 0, "a.b": 2})), None);
        // An object value that more keys extend: the host merges them.
        assert_eq!(nested(json!({"a": {"x": 1}, "a.b": 2})), None);
        // Empty names.
        assert_eq!(nested(json!({"a..b": 1})), None);
        assert_eq!(nested(json!({".a": 1})), None);
        assert_eq!(nested(json!({"a.": 1})), None);
        assert_eq!(nested(json!({"": 1})), None);
        // A name that needs an escape: the flat path (serde_json escapes it, the host nests it).
        assert_eq!(nested(json!({"c\"d.e": 1})), None);
        assert_eq!(nested(json!({"a.b\\c": 1})), None);
        // Not conflicts: a shared prefix that is not a whole name.
        assert_eq!(
            nested(json!({"ab": 1, "a.b": 2})),
            Some(json!({"a": {"b": 2}, "ab": 1}))
        );
        assert_eq!(nested(json!({})), Some(json!({})));
    }
}
