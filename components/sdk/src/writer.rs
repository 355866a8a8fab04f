//! Writing a normalized event straight to JSON text, for formats on a hot path: no map, no
//! per-key allocation. Keys are written in the order given; the caller keeps them unique.

use crate::{facility_name, severity_name, Event};

/// A JSON object being written.
pub struct ObjectWriter {
    buf: Vec<u8>,
}

impl ObjectWriter {
    /// `capacity` is a guess of the output size.
    pub fn with_capacity(capacity: usize) -> ObjectWriter {
        let mut buf = Vec::with_capacity(capacity);
        buf.push(b'{');
        ObjectWriter { buf }
    }

    fn key(&mut self, key: &str) {
        if self.buf.len() > 1 {
            self.buf.push(b',');
        }
        // Writing a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.buf, key);
        self.buf.push(b':');
    }

    pub fn string(&mut self, key: &str, value: &str) {
        self.key(key);
        let _ = serde_json::to_writer(&mut self.buf, value);
    }

    pub fn number(&mut self, key: &str, value: u64) {
        self.key(key);
        let mut digits = itoa_u64(value);
        self.buf.append(&mut digits);
    }

    /// The envelope as ECS fields, exactly as [`crate::insert_envelope`] would add them.
    pub fn envelope(&mut self, event: &Event) {
        if let Some(address) = &event.source_address {
            self.string("log.source.address", address);
        }
        let Some(h) = &event.syslog else { return };
        if let (Some(f), Some(s)) = (h.facility, h.severity) {
            self.number("log.syslog.priority", u64::from(f) * 8 + u64::from(s));
        }
        if let Some(f) = h.facility {
            self.number("log.syslog.facility.code", u64::from(f));
            self.string("log.syslog.facility.name", facility_name(f));
        }
        if let Some(s) = h.severity {
            self.number("log.syslog.severity.code", u64::from(s));
            self.string("log.syslog.severity.name", severity_name(s));
        }
        if let Some(v) = h.version {
            self.number("log.syslog.version", u64::from(v));
        }
        if let Some(hostname) = &h.hostname {
            self.string("log.hostname", hostname);
            self.string("log.syslog.hostname", hostname);
        }
        for (key, value) in [
            ("log.syslog.appname", &h.app_name),
            ("log.syslog.procid", &h.procid),
            ("log.syslog.msgid", &h.msgid),
            ("log.syslog.structured_data", &h.structured_data),
        ] {
            if let Some(v) = value {
                self.string(key, v);
            }
        }
    }

    pub fn finish(mut self) -> String {
        self.buf.push(b'}');
        // Only UTF-8 strings and ASCII were written.
        String::from_utf8(self.buf).unwrap_or_default()
    }
}

fn itoa_u64(mut v: u64) -> Vec<u8> {
    let mut digits = Vec::with_capacity(20);
    loop {
        digits.push(b'0' + (v % 10) as u8);
        v /= 10;
        if v == 0 {
            break;
        }
    }
    digits.reverse();
    digits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::event;
    use crate::{insert_envelope, Fields, SyslogHeader, Value};

    #[test]
    fn writes_the_same_fields_as_the_map_api() {
        let mut e = event("m");
        e.source_address = Some("192.0.2.1:514".into());
        e.syslog = Some(SyslogHeader {
            facility: Some(23),
            severity: Some(0),
            version: Some(1),
            hostname: Some("fw\"1".into()),
            app_name: Some("sshd".into()),
            procid: None,
            msgid: Some("ID47".into()),
            structured_data: Some("[x@1 a=\"b\\]\"]".into()),
        });
        let mut w = ObjectWriter::with_capacity(16);
        w.string("message", "m\n\"é\"");
        w.envelope(&e);
        let written: Value = serde_json::from_str(&w.finish()).expect("valid JSON");
        let mut fields = Fields::new();
        fields.insert("message".into(), Value::from("m\n\"é\""));
        insert_envelope(&mut fields, &mut e);
        assert_eq!(written, Value::Object(fields));
        assert_eq!(itoa_u64(0), b"0");
        assert_eq!(itoa_u64(18_446_744_073_709_551_615), b"18446744073709551615");
    }

    #[test]
    fn an_empty_object_is_valid() {
        assert_eq!(ObjectWriter::with_capacity(0).finish(), "{}");
    }
}
