//! Writing a normalized event straight to JSON text, for formats on a hot path: no map, no
//! per-key allocation. Keys are written in the order given; the caller keeps them unique, and
//! in increasing byte order in each object if the host is to keep the text as it is (otherwise
//! it rebuilds the document, at several times the cost).

use crate::{facility_name, severity_name, Event, SyslogHeader};

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
        if self.buf.last() != Some(&b'{') {
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
        crate::nested::write_u64(value, &mut self.buf);
    }

    /// Opens an object under `key`; [`ObjectWriter::close`] ends it.
    pub fn open(&mut self, key: &str) {
        self.key(key);
        self.buf.push(b'{');
    }

    pub fn close(&mut self) {
        self.buf.push(b'}');
    }

    /// The envelope as ECS fields, the same as [`crate::insert_envelope`] adds, written nested
    /// (`"log":{"hostname":…,"source":{…},"syslog":{…}}`) with every object's keys in increasing
    /// order, as the host keeps a document without rewriting it. Written first: `log` sorts
    /// before the other top-level names a format writes (`message`).
    pub fn envelope(&mut self, event: &Event) {
        let h = event.syslog.as_ref();
        let start = self.buf.len();
        self.open("log");
        self.optional_string("hostname", h.and_then(|h| h.hostname.as_deref()));
        if let Some(address) = &event.source_address {
            self.open("source");
            self.string("address", address);
            self.close();
        }
        if let Some(h) = h {
            self.syslog_header(h);
        }
        self.close_or_drop(start);
    }

    /// `"syslog":{…}` of the envelope, keys in increasing order.
    fn syslog_header(&mut self, h: &SyslogHeader) {
        let start = self.buf.len();
        self.open("syslog");
        self.optional_string("appname", h.app_name.as_deref());
        if let Some(f) = h.facility {
            self.code_and_name("facility", f, facility_name(f));
        }
        self.optional_string("hostname", h.hostname.as_deref());
        self.optional_string("msgid", h.msgid.as_deref());
        if let (Some(f), Some(s)) = (h.facility, h.severity) {
            self.number("priority", u64::from(f) * 8 + u64::from(s));
        }
        self.optional_string("procid", h.procid.as_deref());
        if let Some(s) = h.severity {
            self.code_and_name("severity", s, severity_name(s));
        }
        self.optional_string("structured_data", h.structured_data.as_deref());
        if let Some(v) = h.version {
            self.number("version", u64::from(v));
        }
        self.close_or_drop(start);
    }

    fn optional_string(&mut self, key: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.string(key, value);
        }
    }

    /// `"key":{"code":…,"name":…}` (syslog facility and severity).
    fn code_and_name(&mut self, key: &str, code: u8, name: &str) {
        self.open(key);
        self.number("code", u64::from(code));
        self.string("name", name);
        self.close();
    }

    /// Closes the object opened at byte `start`, or takes it back (key and comma too) when
    /// nothing was written in it.
    fn close_or_drop(&mut self, start: usize) {
        if self.buf.last() == Some(&b'{') {
            self.buf.truncate(start);
        } else {
            self.close();
        }
    }

    pub fn finish(mut self) -> String {
        self.buf.push(b'}');
        // Only UTF-8 strings and ASCII were written.
        String::from_utf8(self.buf).unwrap_or_default()
    }
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
        w.envelope(&e);
        w.string("message", "m\n\"é\"");
        let text = w.finish();
        let mut fields = Fields::new();
        fields.insert("message".into(), Value::from("m\n\"é\""));
        insert_envelope(&mut fields, &e);
        // The same text as the map API sends: nested, keys in order.
        assert_eq!(text, crate::to_json_string(&fields, 0).expect("serializable"));
        let written: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(written["log"]["syslog"]["facility"]["name"], "local7");
        // Parts of a header, or none.
        let only_severity = |severity| SyslogHeader {
            facility: None,
            severity,
            version: None,
            hostname: None,
            app_name: None,
            procid: None,
            msgid: None,
            structured_data: None,
        };
        for (address, syslog) in [
            (None, Some(only_severity(Some(3)))),
            (None, Some(only_severity(None))),
            (Some("192.0.2.1:1".to_string()), None),
            (None, None),
        ] {
            let mut e = event("m");
            e.source_address = address;
            e.syslog = syslog;
            let mut w = ObjectWriter::with_capacity(16);
            w.envelope(&e);
            w.string("message", "m");
            let mut fields = Fields::new();
            fields.insert("message".into(), Value::from("m"));
            insert_envelope(&mut fields, &e);
            assert_eq!(w.finish(), crate::to_json_string(&fields, 0).expect("serializable"));
        }
        for n in [0, 7, 10, 18_446_744_073_709_551_615] {
            let mut out = Vec::new();
            crate::nested::write_u64(n, &mut out);
            assert_eq!(out, n.to_string().as_bytes());
        }
    }

    #[test]
    fn an_empty_object_is_valid() {
        assert_eq!(ObjectWriter::with_capacity(0).finish(), "{}");
    }
}
