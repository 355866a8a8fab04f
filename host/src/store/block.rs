//! The on-disk form of a block: the events of one intake committed together, in ID order,
//! column by column, compressed with zstd.
//!
//! Columns rather than rows because similar bytes then sit together (every normalized
//! document's keys, every timestamp's leading digits), which is what a compressor finds; and
//! one compressed value per block rather than per event because a short event compresses to
//! nothing on its own. Layout before compression (integers as LEB128 varints, signed ones
//! zigzag-encoded):
//!
//! ```text
//! version (1 byte) | count
//! ID upper halves: the first, then increasing deltas    | ID lower halves: 8 bytes each
//! flags: 1 byte per event (error, metadata, event time, client time, raw inside)
//! received_at: the first, then signed deltas            | event_time, client_time: signed
//!     deltas from received_at, for the events whose flag says so
//! raw inside: the offset of the raw text in the normalized text, for the flagged events
//! format, protocol, raw, metadata (flagged events), outcome (normalized or reason, without the
//!     raw text where flagged): lengths, then bytes
//! ```
//!
//! Most formats copy the raw text (or the syslog MSG, which is what `raw` holds for syslog) into
//! `message`: cutting that copy out of the normalized text before compression saves the
//! compressor a third to a half of its input.

use std::fmt;

/// Layout version of the uncompressed block.
const VERSION: u8 = 1;

const ERROR: u8 = 1;
const METADATA: u8 = 2;
const EVENT_TIME: u8 = 4;
const CLIENT_TIME: u8 = 8;
/// The normalized text holds the raw text as its `message` (a JSON string exactly as
/// [`edge_ecs::write_json_string`] writes it, quotes included): it is stored without that
/// string, put back at the offset the refs column gives.
const RAW_INSIDE: u8 = 16;

/// Shorter raw texts are stored twice: the check would cost more than it saves.
const MIN_RAW_INSIDE: usize = 8;

/// The key the raw text is looked for under.
const MESSAGE_KEY: &[u8] = b"\"message\":";

/// Where the outcome of `e` holds its raw text as the `message` string, and the length of that
/// string in the outcome (quotes and escapes included).
fn raw_inside(e: &EventRef<'_>) -> Option<(usize, usize)> {
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(MESSAGE_KEY));
    let Ok(json) = e.outcome else { return None };
    if e.raw.len() < MIN_RAW_INSIDE {
        return None;
    }
    let at = FINDER.find(json.as_bytes())? + MESSAGE_KEY.len();
    let len = edge_ecs::written_json_string_len(&json.as_bytes()[at..], e.raw)?;
    Some((at, len))
}

/// One stored event, as a block holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockEvent {
    /// Upper 64 bits of the UUIDv7 (unique, increasing), and the lower 64.
    pub high: u64,
    pub low: u64,
    /// The format that normalized it (`events renormalize` may change it for some events).
    pub format: String,
    pub protocol: String,
    pub received_at_us: i64,
    pub event_time_us: Option<i64>,
    pub client_time_us: Option<i64>,
    pub raw: String,
    pub metadata: Option<String>,
    /// The normalized JSON, or the rejection reason.
    pub outcome: Result<String, String>,
}

/// A block that does not decode: a corrupt or foreign value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unreadable event block: {}", self.0)
    }
}

impl std::error::Error for DecodeError {}

/// The uncompressed columns of `events`, which must be in increasing ID order.
fn columns<'a, I>(events: I, count: usize, out: &mut Vec<u8>)
where
    I: Iterator<Item = EventRef<'a>> + Clone,
{
    out.clear();
    out.reserve(count * 64 + 16);
    out.push(VERSION);
    put_uvarint(out, count as u64);
    let mut previous = 0u64;
    for (i, e) in events.clone().enumerate() {
        put_uvarint(out, if i == 0 { e.high } else { e.high.wrapping_sub(previous) });
        previous = e.high;
    }
    for e in events.clone() {
        out.extend_from_slice(&e.low.to_le_bytes());
    }
    let inside: Vec<Option<(usize, usize)>> = events.clone().map(|e| raw_inside(&e)).collect();
    for (e, inside) in events.clone().zip(&inside) {
        let mut flags = 0;
        if inside.is_some() {
            flags |= RAW_INSIDE;
        }
        if e.outcome.is_err() {
            flags |= ERROR;
        }
        if e.metadata.is_some() {
            flags |= METADATA;
        }
        if e.event_time_us.is_some() {
            flags |= EVENT_TIME;
        }
        if e.client_time_us.is_some() {
            flags |= CLIENT_TIME;
        }
        out.push(flags);
    }
    let mut previous = 0i64;
    for e in events.clone() {
        put_ivarint(out, e.received_at_us.wrapping_sub(previous));
        previous = e.received_at_us;
    }
    for e in events.clone() {
        if let Some(t) = e.event_time_us {
            put_ivarint(out, t.wrapping_sub(e.received_at_us));
        }
    }
    for e in events.clone() {
        if let Some(t) = e.client_time_us {
            put_ivarint(out, t.wrapping_sub(e.received_at_us));
        }
    }
    for (at, _) in inside.iter().flatten() {
        put_uvarint(out, *at as u64);
    }
    put_strings(out, events.clone().map(|e| Some(e.format)));
    put_strings(out, events.clone().map(|e| Some(e.protocol)));
    put_strings(out, events.clone().map(|e| Some(e.raw)));
    put_strings(out, events.clone().map(|e| e.metadata));
    // The outcomes, each without its raw text where flagged: lengths, then bytes.
    let outcome = |e: &EventRef<'a>| match e.outcome {
        Ok(s) | Err(s) => s,
    };
    for (e, inside) in events.clone().zip(&inside) {
        let cut = inside.map_or(0, |(_, len)| len);
        put_uvarint(out, (outcome(&e).len() - cut) as u64);
    }
    for (e, inside) in events.zip(&inside) {
        let text = outcome(&e).as_bytes();
        match inside {
            Some((at, len)) => {
                out.extend_from_slice(&text[..*at]);
                out.extend_from_slice(&text[at + len..]);
            }
            None => out.extend_from_slice(text),
        }
    }
}

/// The fields of one event that a block stores, borrowed.
#[derive(Clone, Copy)]
pub struct EventRef<'a> {
    pub high: u64,
    pub low: u64,
    pub format: &'a str,
    pub protocol: &'a str,
    pub received_at_us: i64,
    pub event_time_us: Option<i64>,
    pub client_time_us: Option<i64>,
    pub raw: &'a str,
    pub metadata: Option<&'a str>,
    pub outcome: Result<&'a str, &'a str>,
}

impl<'a> From<&'a BlockEvent> for EventRef<'a> {
    fn from(e: &'a BlockEvent) -> EventRef<'a> {
        EventRef {
            high: e.high,
            low: e.low,
            format: &e.format,
            protocol: &e.protocol,
            received_at_us: e.received_at_us,
            event_time_us: e.event_time_us,
            client_time_us: e.client_time_us,
            raw: &e.raw,
            metadata: e.metadata.as_deref(),
            outcome: e.outcome.as_ref().map(String::as_str).map_err(String::as_str),
        }
    }
}

/// Writes blocks, keeping its buffer and its zstd context from one block to the next: a fresh
/// context per block allocates and zeroes its tables each time, which cost more than the
/// compression itself.
pub struct Encoder {
    compressor: zstd::bulk::Compressor<'static>,
    columns: Vec<u8>,
}

impl Encoder {
    /// An encoder at zstd `level`.
    pub fn new(level: i32) -> std::io::Result<Encoder> {
        Ok(Encoder {
            compressor: zstd::bulk::Compressor::new(level)?,
            columns: Vec::new(),
        })
    }

    /// The compressed block of `events` (increasing IDs).
    pub fn encode<'a, I>(&mut self, events: I, count: usize) -> std::io::Result<Vec<u8>>
    where
        I: Iterator<Item = EventRef<'a>> + Clone,
    {
        columns(events, count, &mut self.columns);
        self.compressor.compress(&self.columns)
    }
}

/// The events of a block, in ID order. `max_bytes` bounds the uncompressed size (a corrupt
/// length must not allocate without bound).
pub fn decode(data: &[u8], max_bytes: usize) -> Result<Vec<BlockEvent>, DecodeError> {
    // The frame header says the size (the encoder writes it): allocate that, not the bound.
    let size = zstd::zstd_safe::get_frame_content_size(data)
        .map_err(|_| DecodeError("not a zstd frame".into()))?
        .ok_or_else(|| DecodeError("no content size in the frame".into()))?;
    if size > max_bytes as u64 {
        return Err(DecodeError(format!("{size} bytes, over the bound of {max_bytes}")));
    }
    let bytes = decompress(data, size as usize)?;
    let mut r = Cursor { b: &bytes, i: 0 };
    let version = r.byte()?;
    if version != VERSION {
        return Err(DecodeError(format!(
            "layout version {version}, this build reads {VERSION}"
        )));
    }
    let count = usize::try_from(r.uvarint()?).map_err(|_| DecodeError("count out of range".into()))?;
    // Every event takes at least 10 bytes (ID halves, flags): a larger count is corrupt.
    if count > bytes.len() / 10 {
        return Err(DecodeError(format!("{count} events in {} bytes", bytes.len())));
    }
    let mut highs = Vec::with_capacity(count);
    let mut previous = 0u64;
    for i in 0..count {
        let v = r.uvarint()?;
        previous = if i == 0 { v } else { previous.wrapping_add(v) };
        highs.push(previous);
    }
    let mut lows = Vec::with_capacity(count);
    for _ in 0..count {
        let (word, _) = r.take(8)?.as_chunks::<8>();
        lows.push(word.first().map_or(0, |&w| u64::from_le_bytes(w)));
    }
    let flags = r.take(count)?.to_vec();
    let mut received = Vec::with_capacity(count);
    let mut previous = 0i64;
    for _ in 0..count {
        previous = previous.wrapping_add(r.ivarint()?);
        received.push(previous);
    }
    let times = |flag: u8, r: &mut Cursor<'_>| -> Result<Vec<Option<i64>>, DecodeError> {
        (0..count)
            .map(|i| {
                if flags[i] & flag == 0 {
                    return Ok(None);
                }
                Ok(Some(received[i].wrapping_add(r.ivarint()?)))
            })
            .collect()
    };
    let event_times = times(EVENT_TIME, &mut r)?;
    let client_times = times(CLIENT_TIME, &mut r)?;
    let mut inside = Vec::with_capacity(count);
    for &f in &flags {
        inside.push(if f & RAW_INSIDE != 0 { Some(r.uvarint()?) } else { None });
    }
    let formats = r.strings(count, |_| true)?;
    let protocols = r.strings(count, |_| true)?;
    let raws = r.strings(count, |_| true)?;
    let metadata = r.strings(count, |i| flags[i] & METADATA != 0)?;
    let outcomes = r.strings(count, |_| true)?;
    if r.i != bytes.len() {
        return Err(DecodeError(format!("{} bytes left over", bytes.len() - r.i)));
    }
    let mut events = Vec::with_capacity(count);
    let columns = formats
        .into_iter()
        .zip(protocols)
        .zip(raws)
        .zip(metadata)
        .zip(outcomes)
        .enumerate();
    for (i, ((((format, protocol), raw), metadata), outcome)) in columns {
        let (Some(format), Some(protocol), Some(raw), Some(mut outcome)) = (format, protocol, raw, outcome) else {
            return Err(DecodeError("a required column is missing".into()));
        };
        if let Some(at) = inside[i] {
            let at = usize::try_from(at)
                .ok()
                .filter(|at| outcome.is_char_boundary(*at))
                .ok_or_else(|| DecodeError(format!("raw text offset {at} outside the normalized text")))?;
            let mut escaped = String::with_capacity(raw.len() + 2);
            edge_ecs::write_json_string(&raw, &mut escaped);
            outcome.insert_str(at, &escaped);
        }
        events.push(BlockEvent {
            high: highs[i],
            low: lows[i],
            format,
            protocol,
            received_at_us: received[i],
            event_time_us: event_times[i],
            client_time_us: client_times[i],
            raw,
            metadata,
            outcome: if flags[i] & ERROR != 0 {
                Err(outcome)
            } else {
                Ok(outcome)
            },
        });
    }
    Ok(events)
}

/// zstd's decompression, with one context per thread: readers go through many blocks (lists,
/// cursors, renormalize), and a context per block would be allocated and set up each time.
fn decompress(data: &[u8], size: usize) -> Result<Vec<u8>, DecodeError> {
    thread_local! {
        static CONTEXT: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
            std::cell::RefCell::new(zstd::bulk::Decompressor::new().ok());
    }
    let result = CONTEXT.with_borrow_mut(|context| match context {
        Some(context) => context.decompress(data, size),
        None => zstd::bulk::decompress(data, size),
    });
    result.map_err(|e| DecodeError(e.to_string()))
}

fn put_uvarint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_ivarint(out: &mut Vec<u8>, v: i64) {
    put_uvarint(out, ((v << 1) ^ (v >> 63)) as u64);
}

/// Lengths of the present strings, then their bytes.
fn put_strings<'a>(out: &mut Vec<u8>, strings: impl Iterator<Item = Option<&'a str>> + Clone) {
    for s in strings.clone().flatten() {
        put_uvarint(out, s.len() as u64);
    }
    for s in strings.flatten() {
        out.extend_from_slice(s.as_bytes());
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn truncated() -> DecodeError {
        DecodeError("truncated".into())
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        let b = *self.b.get(self.i).ok_or_else(Self::truncated)?;
        self.i += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.i.checked_add(n).ok_or_else(Self::truncated)?;
        let s = self.b.get(self.i..end).ok_or_else(Self::truncated)?;
        self.i = end;
        Ok(s)
    }

    fn uvarint(&mut self) -> Result<u64, DecodeError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(DecodeError("varint too long".into()))
    }

    fn ivarint(&mut self) -> Result<i64, DecodeError> {
        let v = self.uvarint()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    /// One string column: `present(i)` tells which events have a value.
    fn strings(&mut self, count: usize, present: impl Fn(usize) -> bool) -> Result<Vec<Option<String>>, DecodeError> {
        let mut lengths = Vec::with_capacity(count);
        for i in 0..count {
            lengths.push(if present(i) { Some(self.uvarint()?) } else { None });
        }
        lengths
            .into_iter()
            .map(|len| {
                let Some(len) = len else { return Ok(None) };
                let len = usize::try_from(len).map_err(|_| Self::truncated())?;
                let bytes = self.take(len)?;
                std::str::from_utf8(bytes)
                    .map(|s| Some(s.to_owned()))
                    .map_err(|e| DecodeError(e.to_string()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(high: u64, outcome: Result<&str, &str>) -> BlockEvent {
        BlockEvent {
            high,
            low: high.wrapping_mul(0x9E37_79B9_7F4A_7C15),
            format: if high.is_multiple_of(4) { "json" } else { "plain" }.into(),
            protocol: "syslog".into(),
            received_at_us: 1_700_000_000_000_000 + high as i64,
            event_time_us: high.is_multiple_of(2).then_some(1_600_000_000_000_000),
            client_time_us: high.is_multiple_of(3).then_some(-5),
            raw: format!("line {high} é"),
            metadata: high
                .is_multiple_of(5)
                .then(|| r#"{"log.syslog.hostname":"fw1"}"#.to_string()),
            outcome: outcome.map(str::to_string).map_err(str::to_string),
        }
    }

    fn encode<'a>(
        events: impl Iterator<Item = EventRef<'a>> + Clone,
        count: usize,
        level: i32,
    ) -> std::io::Result<Vec<u8>> {
        Encoder::new(level)?.encode(events, count)
    }

    fn columns_of(events: &[BlockEvent]) -> Vec<u8> {
        let mut out = Vec::new();
        columns(events.iter().map(EventRef::from), events.len(), &mut out);
        out
    }

    fn round_trip(events: &[BlockEvent]) -> Vec<BlockEvent> {
        let data = encode(events.iter().map(EventRef::from), events.len(), 1).expect("compressed");
        decode(&data, 1 << 24).expect("decoded")
    }

    #[test]
    fn events_come_back_as_stored() {
        let events: Vec<BlockEvent> = (1..=300u64)
            .map(|i| {
                let outcome = if i % 7 == 0 {
                    Err("bad line")
                } else {
                    Ok(r#"{"message":"x"}"#)
                };
                event(i * 65_536 + (i % 3), outcome)
            })
            .collect();
        assert_eq!(round_trip(&events), events);
        assert_eq!(round_trip(&[]), Vec::<BlockEvent>::new());
        // Raw texts inside the normalized text: first, last, twice, multi-byte, too short.
        let inside: Vec<BlockEvent> = [
            ("a line é ünïcode", r#"{"message":"a line é ünïcode","x":1}"#),
            (
                "a \"quoted\" \\ tab\t and \u{1}",
                r#"{"a":1,"message":"a \"quoted\" \\ tab\t and \u0001"}"#,
            ),
            ("escaped otherwise", r#"{"message":"escaped \u006ftherwise"}"#),
            ("ends the text", r#"{"message":"ends the text""#),
            ("cut short here", r#"{"message":"cut short he"#),
            ("short", r#"{"message":"short"}"#),
            ("not there at all", r#"{"message":"other"}"#),
            ("twice twice", r#"{"x":{"message":"no"},"message":"twice twice"}"#),
        ]
        .iter()
        .enumerate()
        .map(|(i, (raw, json))| {
            let mut e = event(i as u64 + 1, Ok(json));
            e.raw = raw.to_string();
            e
        })
        .collect();
        assert_eq!(round_trip(&inside), inside);
        let cut: Vec<bool> = inside
            .iter()
            .map(|e| raw_inside(&EventRef::from(e)).is_some())
            .collect();
        assert_eq!(cut, [true, true, false, true, false, false, false, false]);
        // Extremes of every integer.
        let mut odd = event(u64::MAX, Ok(""));
        odd.received_at_us = i64::MIN;
        odd.event_time_us = Some(i64::MAX);
        odd.client_time_us = Some(0);
        let mut first = event(0, Err(""));
        first.received_at_us = i64::MAX;
        assert_eq!(round_trip(&[first.clone(), odd.clone()]), vec![first, odd]);
    }

    #[test]
    fn similar_events_compress_far_below_their_size() {
        let events: Vec<BlockEvent> = (0..1000u64)
            .map(|i| {
                let mut e = event(i << 16, Ok(""));
                e.raw = format!(
                    "<38>Oct 11 22:14:{:02} host sshd[{}]: Accepted publickey for alice",
                    i % 60,
                    4000 + i
                );
                e.outcome = Ok(format!(
                    r#"{{"@timestamp":"2026-12-01T10:00:{:02}.{:06}Z","message":"{}"}}"#,
                    i % 60,
                    i * 37,
                    e.raw
                ));
                e
            })
            .collect();
        let plain: usize = events
            .iter()
            .map(|e| e.raw.len() + e.outcome.as_ref().map_or(0, String::len))
            .sum();
        let data = encode(events.iter().map(EventRef::from), events.len(), 1).expect("compressed");
        assert!(data.len() * 8 < plain, "{} bytes for {plain}", data.len());
        // The copy of each line in its `message` is not given to the compressor.
        let raw: usize = events.iter().map(|e| e.raw.len()).sum();
        assert!(columns_of(&events).len() < plain - raw + 64 * events.len());
    }

    #[test]
    fn corrupt_blocks_are_errors_not_panics() {
        let events = [event(1, Ok("{}")), event(2, Err("no"))];
        let columns = columns_of(&events);
        // Every truncation and every single-byte change of the columns decodes or fails cleanly.
        for cut in 0..columns.len() {
            let data = zstd::bulk::compress(&columns[..cut], 1).expect("compressed");
            assert!(decode(&data, 1 << 20).is_err(), "cut at {cut}");
        }
        for i in 0..columns.len() {
            for v in [0u8, 0x7F, 0x80, 0xFF] {
                let mut changed = columns.clone();
                changed[i] = v;
                let data = zstd::bulk::compress(&changed, 1).expect("compressed");
                let _ = decode(&data, 1 << 20);
            }
        }
        assert!(decode(b"not zstd", 1 << 20).is_err());
        // Larger than the bound.
        let data = encode(events.iter().map(EventRef::from), 2, 1).expect("compressed");
        assert!(decode(&data, 8).is_err());
    }
}
