//! The LEEF variant PAN-OS sends for QRadar (`LEEF:1.0|Palo Alto Networks|PAN-OS Syslog
//! Integration|11.1.2|allow|cat=TRAFFIC|ReceiveTime=...|...`, or LEEF 2.0 with its delimiter in
//! the sixth header field), read into the CSV field names so that both map alike.

use std::borrow::Cow;

use crate::record::Record;

/// LEEF attribute → CSV field name, as PAN-OS's LEEF log formats name them.
const KEYS: &[(&str, &str)] = &[
    ("ReceiveTime", "receive_time"),
    ("SerialNumber", "serial"),
    ("Type", "type"),
    ("Subtype", "subtype"),
    ("devTime", "dev_time"),
    ("GeneratedTime", "time_generated"),
    ("src", "src"),
    ("dst", "dst"),
    ("srcPostNAT", "natsrc"),
    ("dstPostNAT", "natdst"),
    ("RuleName", "rule"),
    ("usrName", "srcuser"),
    ("SourceUser", "srcuser"),
    ("DestinationUser", "dstuser"),
    ("Application", "app"),
    ("VirtualSystem", "vsys"),
    ("SourceZone", "from"),
    ("DestinationZone", "to"),
    ("IngressInterface", "inbound_if"),
    ("EgressInterface", "outbound_if"),
    ("LogForwardingProfile", "logset"),
    ("SessionID", "sessionid"),
    ("RepeatCount", "repeatcnt"),
    ("srcPort", "sport"),
    ("dstPort", "dport"),
    ("srcPostNATPort", "natsport"),
    ("dstPostNATPort", "natdport"),
    ("Flags", "flags"),
    ("proto", "proto"),
    ("action", "action"),
    ("totalBytes", "bytes"),
    ("srcBytes", "bytes_sent"),
    ("dstBytes", "bytes_received"),
    ("totalPackets", "packets"),
    ("srcPackets", "pkts_sent"),
    ("dstPackets", "pkts_received"),
    ("StartTime", "start"),
    ("ElapsedTime", "elapsed"),
    ("URLCategory", "category"),
    ("sequence", "seqno"),
    ("ActionFlags", "actionflags"),
    ("SourceLocation", "srcloc"),
    ("DestinationLocation", "dstloc"),
    ("SessionEndReason", "session_end_reason"),
    ("DeviceName", "device_name"),
    ("vSrcName", "vsys_name"),
    ("VirtualSystemName", "vsys_name"),
    ("ActionSource", "action_source"),
    ("URL", "misc"),
    ("Miscellaneous", "misc"),
    ("ThreatID", "threatid"),
    ("ThreatCategory", "thr_category"),
    ("Severity", "severity"),
    ("Direction", "direction"),
    ("ContentType", "contenttype"),
    ("FileDigest", "filedigest"),
    ("FileType", "filetype"),
    ("UserAgent", "user_agent"),
    ("X-Forwarded-For", "xff"),
    ("Referer", "referer"),
    ("Sender", "sender"),
    ("Subject", "subject"),
    ("Recipient", "recipient"),
    ("ReportID", "reportid"),
    ("HTTPMethod", "http_method"),
    ("RuleUUID", "rule_uuid"),
    ("EventID", "eventid"),
    ("Object", "object"),
    ("Module", "module"),
    ("Description", "opaque"),
    ("Host", "host"),
    ("Command", "cmd"),
    ("Admin", "admin"),
    ("Client", "client"),
    ("Result", "result"),
    ("ConfigurationPath", "path"),
    ("Path", "path"),
    ("Status", "status"),
    ("Stage", "stage"),
    ("PublicIP", "public_ip"),
    ("PrivateIP", "private_ip"),
];

/// The header and attributes of a LEEF event starting at `LEEF:`.
pub(crate) fn parse(event: &str) -> Result<(String, Record), String> {
    let mut header = event.splitn(6, '|');
    let version = header.next().unwrap_or_default();
    let vendor = header.next().ok_or("LEEF header cut short: no vendor")?;
    let _product = header.next().ok_or("LEEF header cut short: no product")?;
    let device_version = header.next().ok_or("LEEF header cut short: no version")?;
    let _event_id = header.next().ok_or("LEEF header cut short: no event id")?;
    let mut rest = header.next().unwrap_or_default();
    if !vendor.to_ascii_lowercase().contains("palo alto") {
        return Err(format!("not a PAN-OS log: LEEF from vendor {vendor:?}"));
    }
    let delimiter = if version.trim_start_matches("LEEF:").starts_with('2') {
        // LEEF 2.0: the delimiter field, a character or its code (`^`, `x5E`, `0x09`, `\t`).
        let (field, attributes) = rest.split_once('|').unwrap_or((rest, ""));
        rest = attributes;
        delimiter(field).ok_or_else(|| format!("LEEF 2.0 delimiter not understood: {field:?}"))?
    } else if rest.contains('\t') {
        '\t'
    } else {
        // PAN-OS's own LEEF 1.0 template separates attributes with `|`.
        '|'
    };
    let mut record = Record::default();
    for piece in rest.split(delimiter) {
        let piece = piece.trim_end_matches(['\r', '\n']);
        match piece.split_once('=') {
            Some((key, value)) if is_key(key) => {
                let name = KEYS
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map_or(Cow::Owned(key.to_owned()), |(_, n)| Cow::Borrowed(*n));
                record.pairs.push((name, value.to_owned()));
            }
            // A delimiter inside a value: the piece belongs to the previous value.
            _ => {
                if let Some((_, value)) = record.pairs.last_mut() {
                    value.push(delimiter);
                    value.push_str(piece);
                }
            }
        }
    }
    if record.get("type").is_none() {
        if let Some(cat) = record.get("cat").map(str::to_owned) {
            record.pairs.push((Cow::Borrowed("type"), cat));
        }
    }
    Ok((device_version.to_owned(), record))
}

fn is_key(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn delimiter(field: &str) -> Option<char> {
    let hex = field
        .strip_prefix("0x")
        .or_else(|| field.strip_prefix("0X"))
        .or_else(|| field.strip_prefix('x'))
        .or_else(|| field.strip_prefix('X'));
    match (hex, field) {
        (_, "\\t") => Some('\t'),
        (Some(code), _) if !code.is_empty() => u32::from_str_radix(code, 16).ok().and_then(char::from_u32),
        (_, f) if f.chars().count() == 1 => f.chars().next(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(delimiter("^"), Some('^'));
        assert_eq!(delimiter("x09"), Some('\t'));
        assert_eq!(delimiter("0x5E"), Some('^'));
        assert_eq!(delimiter("\\t"), Some('\t'));
        assert_eq!(delimiter("ab"), None);
    }

    #[test]
    fn leef2_with_caret() {
        let (version, record) =
            parse("LEEF:2.0|Palo Alto Networks|PAN-OS Syslog Integration|11.1.2|deny|^|cat=TRAFFIC^src=192.0.2.1^RuleName=a^b")
                .expect("parsed");
        assert_eq!(version, "11.1.2");
        assert_eq!(record.get("src"), Some("192.0.2.1"));
        assert_eq!(record.get("rule"), Some("a^b"));
        assert_eq!(record.get("type"), Some("TRAFFIC"));
    }
}
