//! The `cef` format: ArcSight Common Event Format,
//! `CEF:Version|Device Vendor|Device Product|Device Version|Device Event Class ID|Name|Severity|Extension`,
//! as the syslog MSG (header in the envelope) or as a whole line with some prefix (`<134>Sep 19
//! 08:26:10 fw1 CEF:0|...` over HTTPS): the event starts at the first `CEF:<digit>`, text before
//! it is ignored. Names and conventions follow Elastic's `decode_cef` processor and `cef` module.
//!
//! - Header: `\|` and `\\` are unescaped. `cef.version`, `cef.device.vendor`,
//!   `cef.device.product`, `cef.device.version`, `cef.device.event_class_id`, `cef.name`,
//!   `cef.severity` (as given), and `observer.vendor`/`product`/`version`, `event.code` (class
//!   id), `event.severity` (a number: 0–10 as given, `Low`/`Medium`/`High`/`Very-High` → 3/6/8/10;
//!   anything else writes none). Empty header fields are left out. A trailing `|` before an empty
//!   extension may be missing.
//! - Extension: `key=value` separated by spaces; a value runs to the next ` key=` (keys are
//!   `[A-Za-z0-9_.[]-]+`), trailing spaces trimmed, `\=` `\\` `\n` `\r` `\|` unescaped (any other
//!   backslash is kept). Every non-empty value is kept as a string under `cef.extensions.<key as
//!   sent>` (short or full name); empty values are dropped (as Elastic does). When both a short and
//!   a full name are sent, the short one is mapped.
//! - `message`: the `msg` extension, else the Name. `@timestamp`: `rt`, else left to the host.
//! - Rejected: an empty event, no `CEF:<version>|`, a header with fewer than 7 fields, a
//!   non-numeric version, an extension that does not start with `key=`. Values that do not
//!   convert (a bad IP, port, number, MAC or time) are only kept in `cef.extensions`.
//!
//! | extension (short / full name) | ECS |
//! |---|---|
//! | `src` `sourceAddress`, `dst` `destinationAddress` | `source.ip`, `destination.ip` (+ `.address`) |
//! | `spt` `sourcePort`, `dpt` `destinationPort` | `source.port`, `destination.port` |
//! | `smac` `sourceMacAddress`, `dmac` `destinationMacAddress`, `dvcmac` `deviceMacAddress` | `source.mac`, `destination.mac`, `observer.mac` (`AA-BB-..`; observer's as an array) |
//! | `shost` `sourceHostName`, `dhost` `destinationHostName` | `source.domain`, `destination.domain` (not when an IP; + `.address` without an IP; public suffix split) |
//! | `suser` `sourceUserName`, `suid` `sourceUserId`, `sntdom` `sourceNtDomain` | `source.user.name`, `.id`, `.domain` (same for `duser`, `duid`, `dntdom` → `destination.user.*`) |
//! | `sproc`, `spid` / `dproc`, `dpid` / `deviceProcessName`, `dvcpid` | `source.process.*` / `destination.process.*` / `process.name`, `process.pid` |
//! | `sourceTranslatedAddress`, `sourceTranslatedPort` (same for destination) | `source.nat.ip`, `source.nat.port` |
//! | `dvc` `deviceAddress`, `dvchost` `deviceHostName` | `observer.ip` (array), `observer.hostname` |
//! | `proto` `transportProtocol` | `network.transport` (lowercase; an IANA number also gives `network.iana_number`) |
//! | `app` `applicationProtocol` | `network.protocol` (lowercase) |
//! | `deviceDirection` | `network.direction` (`0` inbound, `1` outbound) |
//! | `in` `bytesIn`, `out` `bytesOut` | `source.bytes`, `destination.bytes` |
//! | `act` `deviceAction`, `reason`, `outcome` `eventOutcome` | `event.action`, `event.reason`, `event.outcome` (only `success`/`failure`/`unknown`) |
//! | `externalId` (else `eventId`) | `event.id` |
//! | `rt` `deviceReceiptTime`, `start` `startTime`, `end` `endTime`, `art` `agentReceiptTime` | `@timestamp`, `event.start`, `event.end`, `event.created` |
//! | `dtz` `deviceTimeZone` | `event.timezone` |
//! | `request` `requestUrl`, `requestMethod`, `requestContext` (an `http…` URL) | `url.*`, `http.request.method`, `http.request.referrer` |
//! | `requestClientApplication` | `user_agent.*` |
//! | `fname` `filename`, `filePath`, `fsize` `fileSize`, `fileType` | `file.name`, `file.path`, `file.size`, `file.type` |
//!
//! `related.ip` collects the source, destination, NAT and observer IPs, `related.user` the source
//! and destination user names, `related.hosts` the source, destination and observer host names
//! (and a URL's host). Ports, sizes, byte counts and pids are numbers.
//!
//! Times (`rt`, `start`, `end`, `art`) are milliseconds since the epoch or
//! `MMM dd[ yyyy] HH:mm:ss[.SSS][ zone]` (zone: `UTC`, `GMT`, `Z`, `+01:00`, `GMT+01:00`, and
//! common US/European abbreviations; none means UTC); without a year, the latest year that puts
//! the time no more than a day after the reception time. They are written in the host's canonical
//! RFC 3339 UTC form.
//!
//! The envelope (`log.syslog.*`, `log.hostname`, `log.source.address`) and dotted metadata are
//! kept as in the other formats.

use edge_format_sdk::access_log::url_fields;
use edge_format_sdk::ecs::parse_ip;
use edge_format_sdk::{
    describe, domain_fields, format_rfc3339, insert_envelope, insert_metadata, user_agent_fields, Description, Event,
    Fields, Format, Related, Timestamp, Value, MESSAGE, TIMESTAMP,
};
use std::collections::HashMap;
use std::net::IpAddr;

pub struct Cef;

/// The seven header fields, unescaped.
#[derive(Debug, Default, PartialEq, Eq)]
struct Header {
    version: String,
    vendor: String,
    product: String,
    device_version: String,
    class_id: String,
    name: String,
    severity: String,
}

const HEADER_SHAPE: &str =
    "CEF:Version|Device Vendor|Device Product|Device Version|Device Event Class ID|Name|Severity|Extension";

/// The offset of the first `CEF:` followed by a digit.
fn cef_start(raw: &str) -> Option<usize> {
    raw.match_indices("CEF:")
        .map(|(i, _)| i)
        .find(|&i| raw.as_bytes().get(i + 4).is_some_and(u8::is_ascii_digit))
}

/// Splits `text` (what follows `CEF:`) into the header and the extension.
fn parse_header(text: &str) -> Result<(Header, &str), String> {
    let bytes = text.as_bytes();
    let mut fields: Vec<String> = Vec::with_capacity(7);
    let mut current = String::new();
    let (mut i, mut segment) = (0, 0);
    while i < bytes.len() && fields.len() < 7 {
        match bytes[i] {
            b'\\' if matches!(bytes.get(i + 1), Some(b'|' | b'\\')) => {
                current.push_str(&text[segment..i]);
                current.push(char::from(bytes[i + 1]));
                i += 2;
                segment = i;
            }
            b'|' => {
                current.push_str(&text[segment..i]);
                fields.push(std::mem::take(&mut current));
                i += 1;
                segment = i;
            }
            _ => i += 1,
        }
    }
    let extension = if fields.len() == 7 {
        &text[i..]
    } else if fields.len() == 6 {
        // `...|Name|Severity` without the `|` of an empty extension.
        current.push_str(&text[segment..]);
        fields.push(current);
        ""
    } else {
        return Err(format!(
            "truncated CEF header: {} of 7 fields ({HEADER_SHAPE})",
            fields.len() + 1
        ));
    };
    let mut it = fields.into_iter();
    let mut next = || it.next().unwrap_or_default();
    let header = Header {
        version: next(),
        vendor: next(),
        product: next(),
        device_version: next(),
        class_id: next(),
        name: next(),
        severity: next(),
    };
    if !header.version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("invalid CEF version {:?}", excerpt(&header.version)));
    }
    Ok((header, extension))
}

/// The first 60 characters of `s`, for error messages.
fn excerpt(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'[' | b']' | b'-')
}

/// Splits a CEF extension into `(key, unescaped value)` pairs, in order: a key starts the
/// extension or follows a space, and its value runs to the space before the next key.
fn parse_extension(extension: &str) -> Result<Vec<(&str, String)>, String> {
    let ext = extension.trim_start();
    let b = ext.as_bytes();
    // (key start, `=` offset) of every key; `run` is where the current run of key bytes starts.
    let mut keys = Vec::new();
    let mut run = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'=' && run < i && (run == 0 || b[run - 1] == b' ') {
            keys.push((run, i));
        }
        if !is_key_byte(c) {
            run = i + 1;
        }
    }
    match keys.first() {
        None if ext.trim_end().is_empty() => return Ok(Vec::new()),
        Some(&(0, _)) => {}
        _ => return Err(format!("CEF extension is not key=value pairs: {:?}", excerpt(ext))),
    }
    let mut pairs = Vec::with_capacity(keys.len());
    for (n, &(start, eq)) in keys.iter().enumerate() {
        // The next key is preceded by a space (not part of this value).
        let end = keys.get(n + 1).map_or(b.len(), |&(next, _)| next - 1);
        let value = ext.get(eq + 1..end).unwrap_or_default().trim_end();
        pairs.push((&ext[start..eq], unescape_value(value)));
    }
    Ok(pairs)
}

/// `\=` `\\` `\|` `\n` `\r` of an extension value; any other backslash is kept as it is.
fn unescape_value(value: &str) -> String {
    if !value.contains('\\') {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let unescaped = match chars.peek() {
            Some('=') => '=',
            Some('\\') => '\\',
            Some('|') => '|',
            Some('n') => '\n',
            Some('r') => '\r',
            _ => {
                out.push('\\');
                continue;
            }
        };
        chars.next();
        out.push(unescaped);
    }
    out
}

/// CEF severity as a number: an integer 0–10, or the spec's names.
fn severity_number(severity: &str) -> Option<u8> {
    let s = severity.trim();
    if !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok().filter(|&n| n <= 10);
    }
    match s.to_ascii_lowercase().as_str() {
        "low" => Some(3),
        "medium" => Some(6),
        "high" => Some(8),
        "very-high" => Some(10),
        _ => None,
    }
}

/// The extension pairs, looked up by short and full name.
struct Extensions<'a> {
    pairs: Vec<(&'a str, String)>,
    /// Key → index in `pairs` of its last non-empty value.
    index: HashMap<&'a str, usize>,
}

impl<'a> Extensions<'a> {
    fn new(pairs: Vec<(&'a str, String)>) -> Self {
        let mut index = HashMap::with_capacity(pairs.len());
        for (i, (key, value)) in pairs.iter().enumerate() {
            if !value.is_empty() {
                index.insert(*key, i);
            }
        }
        Extensions { pairs, index }
    }

    /// The last non-empty value of the first of `names` that has one.
    fn get(&self, names: &[&str]) -> Option<&str> {
        names
            .iter()
            .find_map(|name| self.index.get(name))
            .and_then(|&i| self.pairs.get(i))
            .map(|(_, value)| value.as_str())
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn number<T: std::str::FromStr>(s: &str) -> Option<T> {
    all_digits(s).then(|| s.parse().ok()).flatten()
}

/// `aa:bb:cc:dd:ee:ff` (or with `-`, or 8 groups) as ECS writes it: `AA-BB-CC-DD-EE-FF`.
fn mac(value: &str) -> Option<String> {
    let groups: Vec<&str> = value.split([':', '-']).collect();
    let valid = (groups.len() == 6 || groups.len() == 8)
        && groups
            .iter()
            .all(|g| g.len() == 2 && g.bytes().all(|b| b.is_ascii_hexdigit()));
    valid.then(|| groups.join("-").to_ascii_uppercase())
}

/// The transport name of common IANA protocol numbers.
fn iana_transport(number: &str) -> Option<&'static str> {
    Some(match number {
        "1" => "icmp",
        "2" => "igmp",
        "6" => "tcp",
        "17" => "udp",
        "47" => "gre",
        "50" => "esp",
        "51" => "ah",
        "58" => "ipv6-icmp",
        "132" => "sctp",
        _ => return None,
    })
}

// ---- times --------------------------------------------------------------------------------

const MIN_SECONDS: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
const MAX_SECONDS: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (i64::from(month) + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The UTC year of `seconds` since the epoch (the inverse of [`days_from_civil`], year only).
fn year_of(seconds: i64) -> i64 {
    let z = seconds.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    yoe + era * 400 + i64::from(mp >= 10)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    if name.len() != 3 {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    MONTHS.iter().position(|m| *m == lower).map(|i| i as u32 + 1)
}

/// `HH:mm:ss[.f{1,9}]` → (seconds of the day, nanoseconds).
fn clock(token: &str) -> Option<(i64, u32)> {
    let (hms, fraction) = match token.split_once('.') {
        Some((hms, fraction)) => (hms, Some(fraction)),
        None => (token, None),
    };
    let mut parts = hms.split(':');
    let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || h.len() > 2 || m.len() != 2 || s.len() != 2 {
        return None;
    }
    let (h, m, s): (i64, i64, i64) = (number(h)?, number(m)?, number(s)?);
    if h > 23 || m > 59 || s > 59 {
        return None;
    }
    let nanos = match fraction {
        None => 0,
        Some(f) if f.len() <= 9 => number::<u32>(f)? * 10u32.pow(9 - f.len() as u32),
        Some(_) => return None,
    };
    Some((h * 3600 + m * 60 + s, nanos))
}

/// Seconds east of UTC of a zone: `UTC`, `GMT`, `Z`, `+01:00`, `-0500`, `GMT+1`, or a common
/// unambiguous-enough abbreviation (`EST`, `CEST`, ...).
fn zone_offset(zone: &str) -> Option<i64> {
    let upper = zone.to_ascii_uppercase();
    let hours = match upper.as_str() {
        "Z" | "UT" | "UTC" | "GMT" | "WET" => Some(0),
        "EST" | "CDT" => Some(-5),
        "EDT" => Some(-4),
        "CST" | "MDT" => Some(-6),
        "MST" | "PDT" => Some(-7),
        "PST" | "AKDT" => Some(-8),
        "AKST" => Some(-9),
        "HST" => Some(-10),
        "CET" | "WEST" | "BST" => Some(1),
        "CEST" | "EET" => Some(2),
        "EEST" => Some(3),
        "JST" => Some(9),
        _ => None,
    };
    if let Some(hours) = hours {
        return Some(hours * 3600);
    }
    let rest = ["UTC", "GMT"]
        .iter()
        .find_map(|p| upper.strip_prefix(p))
        .unwrap_or(&upper);
    let (sign, digits) = if let Some(d) = rest.strip_prefix('+') {
        (1, d)
    } else if let Some(d) = rest.strip_prefix('-') {
        (-1, d)
    } else {
        return None;
    };
    if !digits.bytes().all(|b| b.is_ascii_digit() || b == b':') {
        return None;
    }
    let (h, m) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() == 4 => digits.split_at(2),
        None => (digits, "00"),
    };
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i64, i64) = (number(h)?, number(m)?);
    (h <= 18 && m <= 59).then_some(sign * (h * 3600 + m * 60))
}

/// A CEF time: milliseconds since the epoch, or `MMM dd[ yyyy] HH:mm:ss[.SSS][ zone]`. Without a
/// year, the latest year that puts it no more than a day after `now` (seconds since the epoch).
fn parse_time(value: &str, now: i64) -> Option<Timestamp> {
    let v = value.trim();
    let (seconds, nanoseconds) = if all_digits(v) {
        let ms: i64 = v.parse().ok()?;
        (ms.div_euclid(1000), (ms.rem_euclid(1000) as u32) * 1_000_000)
    } else {
        let mut tokens = v.split_ascii_whitespace();
        let month = month_number(tokens.next()?)?;
        let day = tokens.next()?;
        let day: u32 = if day.len() <= 2 { number(day)? } else { return None };
        let mut token = tokens.next()?;
        let year = if token.len() == 4 && all_digits(token) {
            let year: i64 = token.parse().ok()?;
            token = tokens.next()?;
            Some(year)
        } else {
            None
        };
        let (second_of_day, nanos) = clock(token)?;
        let offset = match tokens.next() {
            Some(zone) => zone_offset(zone)?,
            None => 0,
        };
        if tokens.next().is_some() {
            return None;
        }
        let instant = |year: i64| {
            (day >= 1 && day <= days_in_month(year, month))
                .then(|| days_from_civil(year, month, day) * 86_400 + second_of_day - offset)
        };
        let seconds = match year {
            Some(year) => instant(year)?,
            None => {
                let y = year_of(now);
                [y + 1, y, y - 1]
                    .into_iter()
                    .filter_map(instant)
                    .find(|&t| t <= now.saturating_add(86_400))?
            }
        };
        (seconds, nanos)
    };
    (MIN_SECONDS..=MAX_SECONDS)
        .contains(&seconds)
        .then_some(Timestamp { seconds, nanoseconds })
}

/// RFC 3339 UTC in the host's canonical form: no fraction when it is zero, else 6 or 9 digits.
fn canonical_time(ts: Timestamp) -> String {
    let s = format_rfc3339(ts);
    if let Some(whole) = s.strip_suffix(".000Z") {
        return format!("{whole}Z");
    }
    match s.rfind('.') {
        Some(dot) if s.len() - dot == 5 => format!("{}000Z", &s[..s.len() - 1]),
        _ => s,
    }
}

// ---- ECS mapping --------------------------------------------------------------------------

/// Writes the ECS fields the extension gives.
struct Mapper<'a> {
    ext: &'a Extensions<'a>,
    fields: &'a mut Fields,
    related: Related,
    now: i64,
}

impl<'a> Mapper<'a> {
    fn put(&mut self, target: &str, value: impl Into<Value>) {
        self.fields.insert(target.to_owned(), value.into());
    }

    fn string(&mut self, target: &str, names: &[&str]) -> Option<String> {
        let value = self.ext.get(names)?.to_owned();
        self.put(target, value.as_str());
        Some(value)
    }

    fn unsigned(&mut self, target: &str, names: &[&str]) {
        if let Some(n) = self.ext.get(names).and_then(number::<u64>) {
            self.put(target, n);
        }
    }

    fn port(&mut self, target: &str, names: &[&str]) {
        if let Some(n) = self.ext.get(names).and_then(number::<u16>) {
            self.put(target, n);
        }
    }

    /// `target` (normalized) and `related.ip`; returns the value as sent.
    fn ip(&mut self, target: &str, names: &[&str]) -> Option<&'a str> {
        let ext: &'a Extensions<'a> = self.ext;
        let value = ext.get(names)?;
        let ip: IpAddr = parse_ip(value)?;
        self.fields.insert(target.to_owned(), Value::String(ip.to_string()));
        self.related.add_ip(ip);
        Some(value)
    }

    fn time(&mut self, target: &str, names: &[&str]) {
        if let Some(ts) = self.ext.get(names).and_then(|v| parse_time(v, self.now)) {
            self.put(target, canonical_time(ts));
        }
    }

    /// `{side}.ip`, `.domain` (+ public suffix split), `.address`, `.port`, `.mac`, `.user.*`,
    /// `.process.*`, `.nat.*` and `.bytes` of `source` or `destination`.
    fn endpoint(&mut self, side: &str, n: &EndpointNames) {
        let ip = self.ip(&format!("{side}.ip"), n.address).map(str::to_owned);
        // A host name sent as an IP address is not a domain: it stays in `cef.extensions`.
        let host = self
            .ext
            .get(n.host)
            .filter(|h| parse_ip(h).is_none())
            .map(str::to_owned);
        if let Some(host) = &host {
            self.put(&format!("{side}.domain"), host.as_str());
            self.related.add_host(host);
            domain_fields(side, host, self.fields);
        }
        if let Some(address) = ip.or(host) {
            self.put(&format!("{side}.address"), address);
        }
        self.port(&format!("{side}.port"), n.port);
        if let Some(mac) = self.ext.get(n.mac).and_then(mac) {
            self.put(&format!("{side}.mac"), mac);
        }
        if let Some(user) = self.string(&format!("{side}.user.name"), n.user) {
            self.related.add_user(&user);
        }
        self.string(&format!("{side}.user.id"), n.user_id);
        self.string(&format!("{side}.user.domain"), n.nt_domain);
        self.string(&format!("{side}.process.name"), n.process);
        self.unsigned(&format!("{side}.process.pid"), n.pid);
        self.ip(&format!("{side}.nat.ip"), n.nat_address);
        self.port(&format!("{side}.nat.port"), n.nat_port);
        self.unsigned(&format!("{side}.bytes"), n.bytes);
    }
}

/// The extension names of one side (`source` or `destination`).
struct EndpointNames {
    address: &'static [&'static str],
    host: &'static [&'static str],
    port: &'static [&'static str],
    mac: &'static [&'static str],
    user: &'static [&'static str],
    user_id: &'static [&'static str],
    nt_domain: &'static [&'static str],
    process: &'static [&'static str],
    pid: &'static [&'static str],
    nat_address: &'static [&'static str],
    nat_port: &'static [&'static str],
    bytes: &'static [&'static str],
}

const SOURCE: EndpointNames = EndpointNames {
    address: &["src", "sourceAddress"],
    host: &["shost", "sourceHostName"],
    port: &["spt", "sourcePort"],
    mac: &["smac", "sourceMacAddress"],
    user: &["suser", "sourceUserName"],
    user_id: &["suid", "sourceUserId"],
    nt_domain: &["sntdom", "sourceNtDomain"],
    process: &["sproc", "sourceProcessName"],
    pid: &["spid", "sourceProcessId"],
    nat_address: &["sourceTranslatedAddress"],
    nat_port: &["sourceTranslatedPort"],
    bytes: &["in", "bytesIn"],
};

const DESTINATION: EndpointNames = EndpointNames {
    address: &["dst", "destinationAddress"],
    host: &["dhost", "destinationHostName"],
    port: &["dpt", "destinationPort"],
    mac: &["dmac", "destinationMacAddress"],
    user: &["duser", "destinationUserName"],
    user_id: &["duid", "destinationUserId"],
    nt_domain: &["dntdom", "destinationNtDomain"],
    process: &["dproc", "destinationProcessName"],
    pid: &["dpid", "destinationProcessId"],
    nat_address: &["destinationTranslatedAddress"],
    nat_port: &["destinationTranslatedPort"],
    bytes: &["out", "bytesOut"],
};

fn map_extensions(ext: &Extensions<'_>, fields: &mut Fields, now: i64) {
    let mut m = Mapper {
        ext,
        fields,
        related: Related::new(),
        now,
    };
    m.endpoint("source", &SOURCE);
    m.endpoint("destination", &DESTINATION);

    // The device that reported the event.
    if let Some(ip) = ext.get(&["dvc", "deviceAddress"]).and_then(parse_ip) {
        m.put("observer.ip", vec![Value::String(ip.to_string())]);
        m.related.add_ip(ip);
    }
    if let Some(host) = m.string("observer.hostname", &["dvchost", "deviceHostName"]) {
        m.related.add_host(&host);
    }
    if let Some(mac) = ext.get(&["dvcmac", "deviceMacAddress"]).and_then(mac) {
        m.put("observer.mac", vec![Value::String(mac)]);
    }
    m.string("process.name", &["deviceProcessName"]);
    m.unsigned("process.pid", &["dvcpid", "deviceProcessId"]);

    // Network.
    if let Some(proto) = ext.get(&["proto", "transportProtocol"]) {
        if all_digits(proto) {
            m.put("network.iana_number", proto);
            if let Some(name) = iana_transport(proto) {
                m.put("network.transport", name);
            }
        } else {
            m.put("network.transport", proto.to_ascii_lowercase());
        }
    }
    if let Some(app) = ext.get(&["app", "applicationProtocol"]) {
        m.put("network.protocol", app.to_ascii_lowercase());
    }
    match ext.get(&["deviceDirection"]) {
        Some("0") => m.put("network.direction", "inbound"),
        Some("1") => m.put("network.direction", "outbound"),
        _ => {}
    }

    // Event.
    m.string("event.action", &["act", "deviceAction"]);
    m.string("event.reason", &["reason"]);
    m.string("event.id", &["externalId", "eventId"]);
    if let Some(outcome) = ext.get(&["outcome", "eventOutcome"]) {
        let outcome = outcome.trim_start_matches('/').to_ascii_lowercase();
        if matches!(outcome.as_str(), "success" | "failure" | "unknown") {
            m.put("event.outcome", outcome);
        }
    }
    m.time(TIMESTAMP, &["rt", "deviceReceiptTime"]);
    m.time("event.start", &["start", "startTime"]);
    m.time("event.end", &["end", "endTime"]);
    m.time("event.created", &["art", "agentReceiptTime"]);
    m.string("event.timezone", &["dtz", "deviceTimeZone"]);

    // HTTP.
    if let Some(url) = ext.get(&["request", "requestUrl"]) {
        url_fields(url, m.fields, &mut m.related);
    }
    m.string("http.request.method", &["requestMethod"]);
    if let Some(referrer) = ext.get(&["requestContext"]).filter(|r| r.starts_with("http")) {
        m.put("http.request.referrer", referrer);
    }
    if let Some(ua) = ext.get(&["requestClientApplication"]) {
        user_agent_fields(ua, m.fields);
    }

    // File.
    m.string("file.name", &["fname", "filename"]);
    m.string("file.path", &["filePath"]);
    m.unsigned("file.size", &["fsize", "fileSize"]);
    m.string("file.type", &["fileType"]);

    let related = std::mem::take(&mut m.related);
    related.insert_into(fields);
}

impl Format for Cef {
    fn describe() -> Description {
        describe!(
            "cef",
            "ArcSight Common Event Format (CEF) from firewalls, IDS/IPS, WAFs and other security products, normalized to ECS",
            ["security", "network"],
            "CEF:0|Palo Alto Networks|PAN-OS|10.2.4|end|TRAFFIC|1|rt=Sep 19 2026 08:26:10 GMT src=192.0.2.10 dst=203.0.113.80 spt=51514 dpt=443 proto=tcp app=ssl act=allow suser=alice in=1820 out=5930",
        )
    }

    fn normalize_one(mut event: Event) -> Result<Fields, String> {
        let raw = event.raw.trim_end_matches(['\r', '\n']);
        if raw.trim().is_empty() {
            return Err("empty event".into());
        }
        let start = cef_start(raw).ok_or("not a CEF event: no \"CEF:<version>|\" header")?;
        let (header, extension) = parse_header(&raw[start + 4..])?;
        let ext = Extensions::new(parse_extension(extension)?);

        let mut fields = Fields::new();
        fields.insert("cef.version".into(), Value::String(header.version));
        let event_severity = severity_number(&header.severity);
        for (cef_key, ecs_key, value) in [
            ("cef.device.vendor", Some("observer.vendor"), header.vendor),
            ("cef.device.product", Some("observer.product"), header.product),
            ("cef.device.version", Some("observer.version"), header.device_version),
            ("cef.device.event_class_id", Some("event.code"), header.class_id),
            ("cef.name", None, header.name),
            ("cef.severity", None, header.severity),
        ] {
            if value.is_empty() {
                continue;
            }
            if let Some(ecs_key) = ecs_key {
                fields.insert(ecs_key.into(), Value::String(value.clone()));
            }
            if cef_key == "cef.name" {
                fields.insert(MESSAGE.into(), Value::String(value.clone()));
            }
            fields.insert(cef_key.into(), Value::String(value));
        }
        if let Some(severity) = event_severity {
            fields.insert("event.severity".into(), Value::from(severity));
        }
        // `msg` replaces the Name as `message`.
        if let Some(msg) = ext.get(&["msg", "message"]) {
            fields.insert(MESSAGE.into(), Value::String(msg.to_owned()));
        }
        map_extensions(&ext, &mut fields, event.received_at.seconds);
        for (key, value) in ext.pairs {
            if !value.is_empty() {
                fields.insert(format!("cef.extensions.{key}"), Value::String(value));
            }
        }
        insert_envelope(&mut fields, &mut event);
        insert_metadata(&mut fields, std::mem::take(&mut event.metadata));
        Ok(fields)
    }
}

edge_format_sdk::export_format!(Cef);

#[cfg(test)]
mod tests {
    use super::*;
    use edge_format_sdk::json;

    fn event(raw: &str) -> Event {
        edge_format_sdk::fixtures::https_event(raw, 1_714_564_800)
    }

    fn ok(raw: &str) -> Value {
        Value::Object(Cef::normalize_one(event(raw)).expect("normalized"))
    }

    fn pairs(extension: &str) -> Vec<(String, String)> {
        parse_extension(extension)
            .expect("parsed")
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect()
    }

    fn p(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn extension_values_run_to_the_next_key() {
        assert_eq!(
            pairs("msg=User alice logged in  src=192.0.2.1 cs1Label=Rule Name cs1=Allow all   "),
            p(&[
                ("msg", "User alice logged in"),
                ("src", "192.0.2.1"),
                ("cs1Label", "Rule Name"),
                ("cs1", "Allow all")
            ])
        );
        // `=` inside a value (not preceded by ` key`) stays in the value.
        assert_eq!(
            pairs("request=https://example.com/a?b=1&c=2 ad.Key[0]=x-y"),
            p(&[("request", "https://example.com/a?b=1&c=2"), ("ad.Key[0]", "x-y")])
        );
        assert_eq!(pairs(""), p(&[]));
        assert_eq!(pairs("   "), p(&[]));
    }

    #[test]
    fn extension_escapes() {
        assert_eq!(
            pairs(r"msg=a\=b c\\d e\nf\rg h\|i \t x=1"),
            p(&[("msg", "a=b c\\d e\nf\rg h|i \\t"), ("x", "1")])
        );
        // An escaped `=` never starts a key.
        assert_eq!(
            pairs(r"msg=role\=admin user\=bob"),
            p(&[("msg", "role=admin user=bob")])
        );
    }

    #[test]
    fn empty_values_and_trailing_backslashes() {
        assert_eq!(
            pairs("cs3= cs3Label=Rule ID act="),
            p(&[("cs3", ""), ("cs3Label", "Rule ID"), ("act", "")])
        );
        assert_eq!(
            pairs(r"filePath=C:\Temp\\ fname=a.exe"),
            p(&[("filePath", r"C:\Temp\"), ("fname", "a.exe")])
        );
        // A lone trailing backslash is kept as it is, also at the very end.
        assert_eq!(
            pairs(r"filePath=C:\Temp\ dir=D:\"),
            p(&[("filePath", r"C:\Temp\"), ("dir", r"D:\")])
        );
    }

    #[test]
    fn extension_must_start_with_a_key() {
        assert!(parse_extension("hello world").is_err());
        assert!(parse_extension("hello src=1").is_err());
        assert!(parse_extension("=x").is_err());
        assert!(parse_extension(r"\=x a=b").is_err());
    }

    #[test]
    fn header_escapes_and_shapes() {
        let (h, ext) = parse_header(r"0|Acme\|Corp|Log\\Audit|1.0|100|a\b|5|x=1").expect("header");
        assert_eq!(h.vendor, "Acme|Corp");
        assert_eq!(h.product, r"Log\Audit");
        assert_eq!(h.name, r"a\b");
        assert_eq!(ext, "x=1");
        let (h, ext) = parse_header("1|V|P|1|100|Heartbeat|0").expect("no extension pipe");
        assert_eq!((h.version.as_str(), h.severity.as_str(), ext), ("1", "0", ""));
        assert_eq!(
            parse_header("0|V|P|1.0|100").map(|_| ()),
            Err(format!("truncated CEF header: 5 of 7 fields ({HEADER_SHAPE})"))
        );
        assert!(parse_header("0x|V|P|1|2|n|3|").is_err());
    }

    #[test]
    fn severities() {
        for (s, n) in [
            ("0", Some(0)),
            ("10", Some(10)),
            ("7", Some(7)),
            ("11", None),
            ("-1", None),
        ] {
            assert_eq!(severity_number(s), n, "{s}");
        }
        for (s, n) in [("Low", 3), ("medium", 6), ("HIGH", 8), ("Very-High", 10)] {
            assert_eq!(severity_number(s), Some(n), "{s}");
        }
        assert_eq!(severity_number("Unknown"), None);
        assert_eq!(severity_number(""), None);
    }

    #[test]
    fn times() {
        let now = 1_714_564_800; // 2024-05-01T12:00:00Z
        let t = |v: &str| parse_time(v, now).map(canonical_time);
        assert_eq!(t("1714564800000").as_deref(), Some("2024-05-01T12:00:00Z"));
        assert_eq!(t("1714564800250").as_deref(), Some("2024-05-01T12:00:00.250000Z"));
        assert_eq!(t("May 01 2024 12:00:00").as_deref(), Some("2024-05-01T12:00:00Z"));
        assert_eq!(
            t("May  1 2024 14:00:00.5 CEST").as_deref(),
            Some("2024-05-01T12:00:00.500000Z")
        );
        assert_eq!(
            t("May 1 2024 07:00:00 GMT-05:00").as_deref(),
            Some("2024-05-01T12:00:00Z")
        );
        assert_eq!(t("may 01 2024 13:00:00 +0100").as_deref(), Some("2024-05-01T12:00:00Z"));
        // No year: this year, unless that is more than a day ahead.
        assert_eq!(t("Apr 30 23:59:59").as_deref(), Some("2024-04-30T23:59:59Z"));
        assert_eq!(t("May 02 11:00:00").as_deref(), Some("2024-05-02T11:00:00Z"));
        assert_eq!(t("Dec 31 23:00:00").as_deref(), Some("2023-12-31T23:00:00Z"));
        assert_eq!(t("Feb 29 12:00:00").as_deref(), Some("2024-02-29T12:00:00Z"));
        for bad in [
            "",
            "yesterday",
            "Feb 30 2024 12:00:00",
            "May 01 2024 24:00:00",
            "May 01 2024 12:00",
            "May 01 2024 12:00:00 XYZ",
            "May 01 2024 12:00:00 UTC extra",
            "2024-05-01T12:00:00Z",
            "99999999999999999999",
            "253402300800000",
            "May 01 2024 12:00:00 +aé1",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
        assert_eq!(year_of(1_795_474_800), 2026);
        assert_eq!(year_of(-1), 1969);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn maps_a_firewall_line() {
        let v = ok(
            "<134>May  1 12:00:00 fw1 CEF:0|Vendor|FW|1.0|100|Allowed|Medium|src=192.0.2.10 spt=51514 \
                    dst=2001:DB8::80 dpt=443 proto=6 smac=00:50:56:a1:56:78 suser=alice shost=ws1.example.com \
                    rt=1714564800000 outcome=Success in=100 out=200 dvc=198.51.100.1 dvchost=FW1",
        );
        assert_eq!(v["source.ip"], "192.0.2.10");
        assert_eq!(v["source.address"], "192.0.2.10");
        assert_eq!(v["source.domain"], "ws1.example.com");
        assert_eq!(v["source.registered_domain"], "example.com");
        assert_eq!(v["source.port"], 51514);
        assert_eq!(v["source.mac"], "00-50-56-A1-56-78");
        assert_eq!(v["destination.ip"], "2001:db8::80");
        assert_eq!(v["destination.address"], "2001:DB8::80");
        assert_eq!(v["network.transport"], "tcp");
        assert_eq!(v["network.iana_number"], "6");
        assert_eq!(v["event.severity"], 6);
        assert_eq!(v["event.outcome"], "success");
        assert_eq!(v["@timestamp"], "2024-05-01T12:00:00Z");
        assert_eq!(v["source.bytes"], 100);
        assert_eq!(v["observer.ip"], json!(["198.51.100.1"]));
        assert_eq!(v["message"], "Allowed");
        assert_eq!(v["related.ip"], json!(["192.0.2.10", "198.51.100.1", "2001:db8::80"]));
        assert_eq!(v["related.hosts"], json!(["fw1", "ws1.example.com"]));
        assert_eq!(v["cef.extensions.dvchost"], "FW1");
    }

    #[test]
    fn bad_values_stay_in_extensions_only() {
        let v = ok("CEF:0|V|P|1|100|n|Critical|src=999.1.1.1 spt=70000 rt=soon fsize=-1 smac=xx outcome=blocked");
        for absent in [
            "source.ip",
            "source.address",
            "source.port",
            "@timestamp",
            "file.size",
            "source.mac",
        ] {
            assert!(v.get(absent).is_none(), "{absent}");
        }
        assert!(v.get("event.severity").is_none());
        assert!(v.get("event.outcome").is_none());
        assert_eq!(v["cef.severity"], "Critical");
        assert_eq!(v["cef.extensions.src"], "999.1.1.1");
        assert_eq!(v["cef.extensions.spt"], "70000");
        // A host name that is an IP address is no domain.
        let v = ok("CEF:0|V|P|1|100|n|1|shost=192.0.2.7 dhost=db1");
        assert!(v.get("source.domain").is_none() && v.get("source.address").is_none());
        assert_eq!(v["destination.domain"], "db1");
        assert_eq!(v["destination.address"], "db1");
    }

    #[test]
    fn repeated_keys_and_full_names() {
        // The last non-empty value of a key wins; a short name wins over its full name.
        let v = ok(
            "CEF:0|V|P|1|100|n|1|sourceAddress=192.0.2.1 src=192.0.2.2 src=192.0.2.3 src= \
                    destinationAddress=2001:db8::9 duser=a duser=b",
        );
        assert_eq!(v["source.ip"], "192.0.2.3");
        assert_eq!(v["cef.extensions.sourceAddress"], "192.0.2.1");
        assert_eq!(v["cef.extensions.src"], "192.0.2.3");
        assert_eq!(v["destination.ip"], "2001:db8::9");
        assert_eq!(v["destination.user.name"], "b");
        assert_eq!(v["related.user"], json!(["b"]));
    }

    #[test]
    fn rejections() {
        let err = |raw: &str| Cef::normalize_one(event(raw)).expect_err("rejected");
        assert_eq!(err(" \r\n"), "empty event");
        assert!(err("Sep 19 08:26:10 host sshd[1]: CEF: no").starts_with("not a CEF event"));
        assert!(err("CEF:0|V|P|1").starts_with("truncated CEF header: 4 of 7"));
        assert!(err("CEF:0|V|P|1|2|n|3|garbage here").starts_with("CEF extension is not key=value"));
    }

    /// Every prefix and a few mutations of a busy line normalize or reject without panicking.
    #[test]
    fn never_panics_on_truncations() {
        let line = r"<13>CEF:0|A\|B|P\\Q|1|2|n é|High|msg=é\=x \\ rt=May 01 2024 12:00:00 GMT+01:00 src=2001:db8::1 spt=1 dvc=192.0.2.1 request=http://[2001:db8::1]:8080/a?b=c requestClientApplication=Mozilla/5.0 x=\";
        for end in 0..=line.len() {
            if let Some(prefix) = line.get(..end) {
                let _ = Cef::normalize_one(event(prefix));
                let _ = Cef::normalize_one(event(&prefix.replace(' ', "=")));
                let _ = Cef::normalize_one(event(&prefix.replace('=', "\\")));
            }
        }
    }

    #[test]
    fn describes_itself() {
        let d = Cef::describe();
        assert_eq!(d.name, "cef");
        assert_eq!(d.categories, ["security", "network"]);
        let v = ok(&d.sample);
        assert_eq!(v["observer.vendor"], "Palo Alto Networks");
        assert_eq!(v["@timestamp"], "2026-09-19T08:26:10Z");
    }

    edge_format_sdk::fixtures_test!(Cef);
}
