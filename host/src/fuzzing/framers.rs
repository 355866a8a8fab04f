//! The stream framers (RFC 6587 syslog, RELP), fed as the connection loop feeds them: append
//! what a read returned, decode until `None`, and `decode_eof` until `None` at the end.
//!
//! Invariants: no message over the limit; the same frames whatever the chunking; the bytes
//! kept between reads stay under the limit plus one header; every message is a run of input
//! bytes, in order; a message re-framed decodes to itself; errors are errors, not panics.

use super::{Input, Rng};
use crate::framing::relp::{RelpFrame, RelpFramer};
use crate::framing::syslog::{SyslogFrame, SyslogFramer};
use crate::framing::{FramingError, StreamError};
use bytes::BytesMut;
use tokio_util::codec::Decoder;

/// Longest octet count the syslog framer reads, plus its SP.
const SYSLOG_HEADER: usize = 9 + 1;
/// Longest RELP header: `TXNR SP COMMAND SP DATALEN SP` (9 + 1 + 32 + 1 + 9 + 1), plus the LF
/// trailer after the data.
const RELP_OVERHEAD: usize = 53 + 1;

/// A limit from one byte: mostly tiny (1 to 63 bytes, so that fuzz inputs cross it), sometimes
/// the node's default, which no fuzz input reaches.
fn limit(byte: u8) -> usize {
    match byte % 4 {
        0 => 256_000,
        _ => 1 + usize::from(byte >> 2),
    }
}

/// Splits `input` into the pieces a socket could return: one pattern per seed byte (everything
/// at once, single bytes, or random sizes up to 1, 3, 16 or 255 bytes).
fn chunks(input: &[u8], seed: u8) -> Vec<&[u8]> {
    let max = match seed % 6 {
        0 => return vec![input],
        1 => 1,
        2 => 3,
        3 => 16,
        _ => 255,
    };
    let mut rng = Rng::new(u64::from(seed));
    let mut out = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        let (head, tail) = rest.split_at((1 + rng.below(max)).min(rest.len()));
        out.push(head);
        rest = tail;
    }
    out
}

/// A decoder over an in-memory buffer can only fail on the bytes.
fn framing(e: StreamError) -> FramingError {
    match e {
        StreamError::Framing(e) => e,
        StreamError::Io(e) => panic!("an I/O error from a buffer: {e}"),
    }
}

/// Runs a decoder over `pieces` as the connection loop does; `bound` is the most it may keep
/// buffered after returning `None`.
fn run<D>(mut decoder: D, pieces: &[&[u8]], bound: usize) -> (Vec<D::Item>, Option<FramingError>)
where
    D: Decoder<Error = StreamError>,
{
    let mut buf = BytesMut::new();
    let mut frames = Vec::new();
    for piece in pieces {
        buf.extend_from_slice(piece);
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(frame)) => frames.push(frame),
                Ok(None) => break,
                Err(e) => return (frames, Some(framing(e))),
            }
        }
        assert!(
            buf.len() <= bound,
            "the decoder keeps {} bytes between reads, over its bound of {bound}",
            buf.len()
        );
    }
    loop {
        match decoder.decode_eof(&mut buf) {
            Ok(Some(frame)) => frames.push(frame),
            Ok(None) => return (frames, None),
            Err(e) => return (frames, Some(framing(e))),
        }
    }
}

/// Asserts that every message is a run of input bytes, each after the previous one.
fn assert_in_order<'m>(input: &[u8], messages: impl Iterator<Item = &'m [u8]>) {
    let mut from = 0;
    for m in messages {
        let at =
            find(&input[from..], m).unwrap_or_else(|| panic!("message {m:?} is not in the input after byte {from}"));
        from += at + m.len();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `[max_len selector] [chunk seed] stream...`
pub fn syslog_framer(data: &[u8]) {
    let mut input = Input::new(data);
    let max_len = limit(input.byte());
    let seed = input.byte();
    let stream = input.rest();
    let bound = max_len + SYSLOG_HEADER;
    let (whole, whole_err) = run(SyslogFramer::new(max_len), &[stream], bound);
    let (chunked, chunked_err) = run(SyslogFramer::new(max_len), &chunks(stream, seed), bound);

    for frame in &whole {
        match frame {
            SyslogFrame::Message(m) => assert!(m.len() <= max_len, "a {}-byte message over {max_len}", m.len()),
            SyslogFrame::Oversized { len } => assert!(*len > max_len, "oversized at {len}, limit {max_len}"),
        }
    }
    // An LF-framed message over the limit is reported when the limit is crossed, so its length
    // depends on where a read ended; everything else must match exactly.
    let same = |f: &SyslogFrame| match f {
        SyslogFrame::Message(m) => Some(m.clone()),
        SyslogFrame::Oversized { .. } => None,
    };
    assert_eq!(
        whole.iter().map(same).collect::<Vec<_>>(),
        chunked.iter().map(same).collect::<Vec<_>>(),
        "frames differ with chunking"
    );
    assert_eq!(whole_err, chunked_err, "errors differ with chunking");

    let messages = whole.iter().filter_map(|f| match f {
        SyslogFrame::Message(m) => Some(m.as_ref()),
        SyslogFrame::Oversized { .. } => None,
    });
    assert_in_order(stream, messages.clone());
    // Re-framed with an octet count, a message decodes to itself (unless it ends in a CR or LF,
    // which the framer strips as rsyslog's trailer).
    for m in messages.filter(|m| !m.is_empty() && !m.ends_with(b"\n") && !m.ends_with(b"\r")) {
        let framed = [format!("{} ", m.len()).as_bytes(), m].concat();
        let (again, err) = run(SyslogFramer::new(max_len), &[&framed], bound);
        assert_eq!(err, None, "re-framing {m:?}");
        assert_eq!(again, vec![SyslogFrame::Message(bytes::Bytes::copy_from_slice(m))]);
    }
}

/// `[max_data selector] [chunk seed] stream...`
pub fn relp_framer(data: &[u8]) {
    let mut input = Input::new(data);
    let max_data = limit(input.byte());
    let seed = input.byte();
    let stream = input.rest();
    let bound = max_data + RELP_OVERHEAD;
    let (whole, whole_err) = run(RelpFramer::new(max_data), &[stream], bound);
    let (chunked, chunked_err) = run(RelpFramer::new(max_data), &chunks(stream, seed), bound);

    assert_eq!(whole, chunked, "frames differ with chunking");
    assert_eq!(whole_err, chunked_err, "errors differ with chunking");
    for frame in &whole {
        let (txnr, command) = match frame {
            RelpFrame::Frame { txnr, command, data } => {
                assert!(data.len() <= max_data, "{} bytes of data over {max_data}", data.len());
                (txnr, command)
            }
            RelpFrame::Oversized { txnr, command, len } => {
                assert!(*len > max_data, "oversized at {len}, limit {max_data}");
                (txnr, command)
            }
        };
        assert!(*txnr <= 999_999_999, "TXNR {txnr} has more than 9 digits");
        assert!(
            (1..=32).contains(&command.len()) && command.bytes().all(|b| b.is_ascii_alphabetic()),
            "command {command:?}"
        );
    }
    let data = whole.iter().filter_map(|f| match f {
        RelpFrame::Frame { data, .. } => Some(data.as_ref()),
        RelpFrame::Oversized { .. } => None,
    });
    assert_in_order(stream, data);
    // A frame written back in RELP syntax decodes to itself.
    for frame in &whole {
        if let RelpFrame::Frame { txnr, command, data } = frame {
            let mut framed = format!("{txnr} {command} {}", data.len()).into_bytes();
            if !data.is_empty() {
                framed.push(b' ');
                framed.extend_from_slice(data);
            }
            framed.push(b'\n');
            let (again, err) = run(RelpFramer::new(max_data), &[&framed], bound);
            assert_eq!(err, None, "re-framing {frame:?}");
            assert_eq!(again, vec![frame.clone()]);
        }
    }
}
