//! The objects EVE events carry (`alert`, `http`, `dns`, `tls`, `fileinfo`, `email`/`smtp`)
//! → ECS. Each is read on any event type that has it (alerts carry the app-layer metadata of
//! their flow); mapped keys are taken out, the rest stays under `suricata.eve.<object>`.

use crate::eve::{set, take_object, take_text, take_unsigned, text, unsigned, Object};
use crate::time;
use edge_format_sdk::access_log::{forwarded_for_fields, host_fields, url_fields};
use edge_format_sdk::ecs::parse_ip;
use edge_format_sdk::{domain_fields, user_agent_fields, Fields, Related, Value};

/// Puts what is left of a sub-object back, if anything.
fn put_back(object: &mut Object, key: &str, inner: Object) {
    if !inner.is_empty() {
        object.insert(key.to_owned(), Value::Object(inner));
    }
}

/// `alert` (also on `drop` events): `rule.*` and `event.severity`; `action`, `gid`, the
/// rule's metadata and the rest stay.
pub(crate) fn alert_fields(object: &mut Object, fields: &mut Fields) {
    let Some(mut alert) = take_object(object, "alert") else {
        return;
    };
    for (key, ecs) in [
        ("signature", "rule.name"),
        ("signature_id", "rule.id"),
        ("rev", "rule.version"),
        ("category", "rule.category"),
    ] {
        if let Some(value) = take_text(&mut alert, key) {
            set(fields, ecs, value);
        }
    }
    if let Some(severity) = take_unsigned(&mut alert, "severity") {
        set(fields, "event.severity", severity);
    }
    put_back(object, "alert", alert);
}

/// `http`: `url.*`, `http.*`, `user_agent.*`, `network.forwarded_ip` (`xff`), and
/// `event.outcome` from the status on HTTP events.
pub(crate) fn http_fields(object: &mut Object, fields: &mut Fields, related: &mut Related) {
    let Some(mut http) = take_object(object, "http") else {
        return;
    };
    if let Some(host) = take_text(&mut http, "hostname") {
        host_fields(&host, fields, related);
    }
    if let Some(port) = take_unsigned(&mut http, "http_port").filter(|p| *p <= 65_535) {
        set(fields, "url.port", port);
    }
    if let Some(url) = take_text(&mut http, "url") {
        url_fields(&url, fields, related);
    }
    if let Some(method) = take_text(&mut http, "http_method") {
        set(fields, "http.request.method", method);
    }
    if let Some(protocol) = http.get("protocol").and_then(Value::as_str) {
        // `HTTP/1.1`, and `HTTP/2` for HTTP/2 transactions (`http2` records say `HTTP/2`).
        if let Some(version) = protocol.strip_prefix("HTTP/").filter(|v| !v.is_empty()) {
            set(fields, "http.version", version);
            http.remove("protocol");
        }
    }
    if let Some(status) = take_unsigned(&mut http, "status").filter(|s| (100..1000).contains(s)) {
        set(fields, "http.response.status_code", status);
        if fields
            .get("event.category")
            .is_some_and(|c| c.as_array().is_some_and(|c| c.contains(&Value::from("web"))))
        {
            set(
                fields,
                "event.outcome",
                if status < 400 { "success" } else { "failure" },
            );
        }
    }
    if let Some(length) = take_unsigned(&mut http, "length") {
        set(fields, "http.response.body.bytes", length);
    }
    if let Some(referrer) = take_text(&mut http, "http_refer") {
        set(fields, "http.request.referrer", referrer);
    }
    if let Some(mime) = take_text(&mut http, "http_content_type") {
        set(fields, "http.response.mime_type", mime);
    }
    if let Some(ua) = take_text(&mut http, "http_user_agent") {
        user_agent_fields(&ua, fields);
    }
    if let Some(xff) = http.get("xff").and_then(Value::as_str) {
        if forwarded_for_fields(xff, fields, related) {
            http.remove("xff");
        }
    }
    put_back(object, "http", http);
}

/// DNS opcodes by number, as ECS writes `dns.op_code`.
fn op_code(number: u64) -> String {
    match number {
        0 => "QUERY".into(),
        1 => "IQUERY".into(),
        2 => "STATUS".into(),
        4 => "NOTIFY".into(),
        5 => "UPDATE".into(),
        other => other.to_string(),
    }
}

/// `dns` in its three layouts: version 1 (one event per query and per answer record, `rrname`,
/// `rdata`), version 2 (`answers` and/or `grouped` on one answer event) and version 3
/// (Suricata 8: `type` `request`/`response` with `queries`); and the `dns.query` list that
/// alerts carry.
pub(crate) fn dns_fields(object: &mut Object, fields: &mut Fields, related: &mut Related) {
    let Some(mut dns) = take_object(object, "dns") else {
        return;
    };
    // Alerts (Suricata 5-7): `{"query": [{"type": "query", "rrname": ...}]}`, read as it is.
    if let Some(Value::Object(first)) = dns.get("query").and_then(|q| q.get(0)) {
        let mut first = first.clone();
        dns_record(&mut first, fields, related);
    } else {
        dns_record(&mut dns, fields, related);
    }
    put_back(object, "dns", dns);
}

fn dns_record(dns: &mut Object, fields: &mut Fields, related: &mut Related) {
    match dns.get("type").and_then(Value::as_str) {
        Some("query" | "request") => set(fields, "dns.type", "query"),
        Some("answer" | "response") => set(fields, "dns.type", "answer"),
        _ => {}
    }
    if fields.contains_key("dns.type") {
        dns.remove("type");
    }
    if let Some(id) = take_text(dns, "id") {
        set(fields, "dns.id", id);
    }
    if let Some(code) = take_unsigned(dns, "opcode") {
        set(fields, "dns.op_code", op_code(code));
    }
    // Suricata 8 writes an `rcode` on requests too: only a response has one.
    if fields.get("dns.type").is_none_or(|t| t == "answer") {
        if let Some(rcode) = take_text(dns, "rcode") {
            set(fields, "dns.response_code", rcode);
        }
    }
    header_flags(dns, fields);
    // The question: `rrname`/`rrtype` (versions 1 and 2) or the first of `queries` (3).
    let question = match dns.get("queries").and_then(|q| q.get(0)) {
        Some(Value::Object(first)) => (first.get("rrname").and_then(text), first.get("rrtype").and_then(text)),
        _ => (dns.get("rrname").and_then(text), dns.get("rrtype").and_then(text)),
    };
    if dns
        .get("queries")
        .and_then(Value::as_array)
        .is_some_and(|q| q.len() == 1)
    {
        dns.remove("queries");
    }
    let version_1_answer = dns.contains_key("rdata") || dns.contains_key("ttl");
    if let Some(name) = &question.0 {
        set(fields, "dns.question.name", name.as_str());
        domain_fields("dns.question", name, fields);
        related.add_host(name);
    }
    if let Some(kind) = &question.1 {
        set(fields, "dns.question.type", kind.as_str());
    }
    let mut answers = Vec::new();
    let mut resolved = Vec::new();
    if version_1_answer {
        // Version 1: the record is the event (the question is its name and type).
        answers.push(answer(dns, &mut resolved));
        for key in ["rdata", "ttl"] {
            dns.remove(key);
        }
    } else if let Some(Value::Array(list)) = dns.get("answers") {
        let complete = list
            .iter()
            .all(|a| a.get("rdata").is_none_or(Value::is_string) && a.is_object());
        answers.extend(
            list.iter()
                .filter_map(Value::as_object)
                .map(|a| answer(a, &mut resolved)),
        );
        if complete {
            dns.remove("answers");
            dns.remove("grouped");
        }
    } else if let Some(Value::Object(grouped)) = dns.get("grouped") {
        // `grouped` alone: data by type, without names or TTLs.
        for (kind, list) in grouped {
            for data in list.as_array().into_iter().flatten().filter_map(Value::as_str) {
                let mut record = Object::new();
                record.insert("type".into(), Value::from(kind.as_str()));
                record.insert("data".into(), Value::from(data));
                if matches!(kind.as_str(), "A" | "AAAA") {
                    resolved.extend(parse_ip(data));
                }
                answers.push(Value::Object(record));
            }
        }
        dns.remove("grouped");
    }
    // The name and type are the question's (and a version 1 record's).
    dns.remove("rrname");
    dns.remove("rrtype");
    if !answers.is_empty() {
        fields.insert("dns.answers".into(), Value::Array(answers));
    }
    if !resolved.is_empty() {
        let mut ips: Vec<String> = resolved.iter().map(ToString::to_string).collect();
        ips.dedup();
        fields.insert("dns.resolved_ip".into(), Value::from(ips));
    }
}

/// One answer record (`rrname`, `rrtype`, `ttl`, `rdata`) as an ECS `dns.answers` object.
fn answer(record: &Object, resolved: &mut Vec<std::net::IpAddr>) -> Value {
    let mut out = Object::new();
    for (key, ecs) in [("rrname", "name"), ("rrtype", "type"), ("rdata", "data")] {
        if let Some(value) = record.get(key).and_then(text) {
            out.insert(ecs.into(), Value::String(value));
        }
    }
    if let Some(ttl) = record.get("ttl").and_then(unsigned) {
        out.insert("ttl".into(), Value::from(ttl));
    }
    let is_address = matches!(record.get("rrtype").and_then(Value::as_str), Some("A" | "AAAA"));
    if let Some(ip) = record.get("rdata").and_then(Value::as_str).and_then(parse_ip) {
        if is_address {
            resolved.push(ip);
        }
    }
    Value::Object(out)
}

/// `dns.header_flags` from the `flags` hex word, else from the `aa`/`tc`/`rd`/`ra` booleans.
fn header_flags(dns: &mut Object, fields: &mut Fields) {
    const BITS: [(u16, &str); 6] = [
        (0x0400, "AA"),
        (0x0200, "TC"),
        (0x0100, "RD"),
        (0x0080, "RA"),
        (0x0020, "AD"),
        (0x0010, "CD"),
    ];
    let word = dns
        .get("flags")
        .and_then(Value::as_str)
        .and_then(|f| u16::from_str_radix(f, 16).ok());
    let flags: Vec<Value> = match word {
        Some(word) => BITS
            .iter()
            .filter(|(bit, _)| word & bit != 0)
            .map(|(_, name)| Value::from(*name))
            .collect(),
        None => ["aa", "tc", "rd", "ra"]
            .iter()
            .filter(|key| dns.get(**key) == Some(&Value::Bool(true)))
            .map(|key| Value::from(key.to_ascii_uppercase()))
            .collect(),
    };
    if !flags.is_empty() {
        fields.insert("dns.header_flags".into(), Value::Array(flags));
    }
}

/// `tls`: SNI, version, certificate subject/issuer (also split into `x509.*` parts), serial,
/// SHA-1 fingerprint, validity, JA3/JA3S hashes, resumption, the certificate itself.
pub(crate) fn tls_fields(object: &mut Object, fields: &mut Fields, related: &mut Related) {
    let Some(mut tls) = take_object(object, "tls") else {
        return;
    };
    if let Some(sni) = take_text(&mut tls, "sni") {
        related.add_host(&sni);
        set(fields, "tls.client.server_name", sni);
    }
    if let Some(version) = tls.get("version").and_then(Value::as_str) {
        if let Some((protocol, number)) = tls_version(version) {
            set(fields, "tls.version_protocol", protocol);
            set(fields, "tls.version", number);
            tls.remove("version");
        }
    }
    for (key, side) in [("subject", "subject"), ("issuerdn", "issuer")] {
        if let Some(dn) = take_text(&mut tls, key) {
            set(fields, &format!("tls.server.{side}"), dn.as_str());
            set(
                fields,
                &format!("tls.server.x509.{side}.distinguished_name"),
                dn.as_str(),
            );
            distinguished_name_parts(&dn, &format!("tls.server.x509.{side}"), fields);
        }
    }
    if let Some(serial) = take_text(&mut tls, "serial") {
        // ECS: without colons, upper case.
        set(
            fields,
            "tls.server.x509.serial_number",
            serial.replace(':', "").to_ascii_uppercase(),
        );
    }
    if let Some(fingerprint) = take_text(&mut tls, "fingerprint") {
        set(
            fields,
            "tls.server.hash.sha1",
            fingerprint.replace(':', "").to_ascii_uppercase(),
        );
    }
    for (key, side) in [("notbefore", "not_before"), ("notafter", "not_after")] {
        if let Some(date) = tls.get(key).and_then(Value::as_str).and_then(time::rfc3339) {
            set(fields, &format!("tls.server.{side}"), date.as_str());
            set(fields, &format!("tls.server.x509.{side}"), date);
            tls.remove(key);
        }
    }
    for (key, ecs) in [("ja3", "tls.client.ja3"), ("ja3s", "tls.server.ja3s")] {
        if let Some(Value::Object(ja3)) = tls.get_mut(key) {
            if let Some(hash) = take_text(ja3, "hash") {
                set(fields, ecs, hash);
            }
            if ja3.is_empty() {
                tls.remove(key);
            }
        }
    }
    if let Some(Value::Bool(resumed)) = tls.get("session_resumed") {
        set(fields, "tls.resumed", *resumed);
        tls.remove("session_resumed");
    }
    if let Some(certificate) = take_text(&mut tls, "certificate") {
        set(fields, "tls.server.certificate", certificate);
    }
    if let Some(Value::Array(chain)) = tls.remove("chain") {
        fields.insert("tls.server.certificate_chain".into(), Value::Array(chain));
    }
    put_back(object, "tls", tls);
}

/// `TLS 1.2`, `TLSv1` (1.0 in older Suricata), `SSLv3` → (`tls`, `1.2`)...; `UNDETERMINED`
/// and drafts give nothing.
fn tls_version(version: &str) -> Option<(&'static str, String)> {
    let (protocol, number) = if let Some(rest) = version.strip_prefix("TLS") {
        ("tls", rest.trim_start_matches(['v', ' ']))
    } else if let Some(rest) = version.strip_prefix("SSL") {
        ("ssl", rest.trim_start_matches(['v', ' ']))
    } else {
        return None;
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let number = if number.contains('.') {
        number.to_owned()
    } else {
        format!("{number}.0")
    };
    Some((protocol, number))
}

/// `C=US, O=Example Inc, CN=www.example.com` → `{prefix}.common_name`, `country`... (arrays, as
/// ECS normalizes them). A comma inside a value (`O=Example\, Inc`) does not split it.
fn distinguished_name_parts(dn: &str, prefix: &str, fields: &mut Fields) {
    const PARTS: [(&str, &str); 6] = [
        ("CN", "common_name"),
        ("C", "country"),
        ("O", "organization"),
        ("OU", "organizational_unit"),
        ("L", "locality"),
        ("ST", "state_or_province"),
    ];
    let mut items: Vec<String> = Vec::new();
    for piece in dn.split(',') {
        let starts_item = piece
            .trim_start()
            .split_once('=')
            .is_some_and(|(k, _)| !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric()));
        match items.last_mut() {
            Some(last) if !starts_item || last.ends_with('\\') => {
                last.push(',');
                last.push_str(piece);
            }
            _ => items.push(piece.trim_start().to_owned()),
        }
    }
    for (attribute, ecs) in PARTS {
        let values: Vec<Value> = items
            .iter()
            .filter_map(|item| item.split_once('='))
            .filter(|(k, _)| k.trim().eq_ignore_ascii_case(attribute))
            .map(|(_, v)| Value::from(v.trim().replace("\\,", ",")))
            .collect();
        if !values.is_empty() {
            fields.insert(format!("{prefix}.{ecs}"), Value::Array(values));
        }
    }
}

/// `fileinfo`: `file.name`/`path`/`extension`, `file.size`, `file.hash.*`.
pub(crate) fn fileinfo_fields(object: &mut Object, fields: &mut Fields) {
    let Some(mut file) = take_object(object, "fileinfo") else {
        return;
    };
    if let Some(path) = take_text(&mut file, "filename") {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(&path);
        if !name.is_empty() {
            set(fields, "file.name", name);
            if let Some((stem, extension)) = name.rsplit_once('.') {
                if !stem.is_empty() && !extension.is_empty() {
                    set(fields, "file.extension", extension.to_ascii_lowercase());
                }
            }
        }
        set(fields, "file.path", path);
    }
    if let Some(size) = take_unsigned(&mut file, "size") {
        set(fields, "file.size", size);
    }
    for hash in ["md5", "sha1", "sha256"] {
        if let Some(value) = take_text(&mut file, hash) {
            set(fields, &format!("file.hash.{hash}"), value);
        }
    }
    if let Some(mime) = take_text(&mut file, "mimetype") {
        set(fields, "file.mime_type", mime);
    }
    put_back(object, "fileinfo", file);
}

/// `alice@example.org` out of `"Alice" <alice@example.org>` or `<alice@example.org>`.
fn mail_address(value: &str) -> Option<String> {
    let value = value.trim();
    let address = match (value.rfind('<'), value.rfind('>')) {
        (Some(open), Some(close)) if open < close => &value[open + 1..close],
        _ => value,
    };
    let address = address.trim();
    (!address.is_empty()).then(|| address.to_owned())
}

fn mail_addresses(value: Option<&Value>) -> Vec<Value> {
    let list: Vec<&Value> = match value {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(single) => vec![single],
        None => Vec::new(),
    };
    list.into_iter()
        .filter_map(Value::as_str)
        .filter_map(mail_address)
        .map(Value::String)
        .collect()
}

/// `email` (the message as Suricata parsed it) and `smtp` (the envelope): `email.*`.
pub(crate) fn email_fields(object: &mut Object, fields: &mut Fields) {
    if let Some(mut email) = take_object(object, "email") {
        for (key, ecs) in [
            ("from", "email.from.address"),
            ("to", "email.to.address"),
            ("cc", "email.cc.address"),
            ("bcc", "email.bcc.address"),
            ("reply_to", "email.reply_to.address"),
        ] {
            let addresses = mail_addresses(email.get(key));
            if !addresses.is_empty() {
                fields.insert(ecs.into(), Value::Array(addresses));
                email.remove(key);
            }
        }
        for (key, ecs) in [
            ("subject", "email.subject"),
            ("message_id", "email.message_id"),
            ("x_mailer", "email.x_mailer"),
        ] {
            if let Some(value) = take_text(&mut email, key) {
                set(fields, ecs, value);
            }
        }
        if let Some(Value::Array(names)) = email.get("attachment") {
            let attachments: Vec<Value> = names
                .iter()
                .filter_map(Value::as_str)
                .map(|name| edge_format_sdk::json!({"file": {"name": name}}))
                .collect();
            if !attachments.is_empty() {
                fields.insert("email.attachments".into(), Value::Array(attachments));
            }
        }
        put_back(object, "email", email);
    }
    if let Some(mut smtp) = take_object(object, "smtp") {
        let sender = mail_addresses(smtp.get("mail_from"));
        if !sender.is_empty() {
            fields.insert("email.sender.address".into(), Value::Array(sender));
            smtp.remove("mail_from");
        }
        if !fields.contains_key("email.to.address") {
            let recipients = mail_addresses(smtp.get("rcpt_to"));
            if !recipients.is_empty() {
                fields.insert("email.to.address".into(), Value::Array(recipients));
                smtp.remove("rcpt_to");
            }
        }
        put_back(object, "smtp", smtp);
    }
}
