//! RFC 6587 framing of syslog over TCP/TLS, detected per frame so one connection may mix them:
//! octet counting (`LEN SP MSG`, RFC 5425) when a frame starts with a digit, otherwise
//! non-transparent framing ended by LF (CRLF and NUL tolerated).

use super::{FramingError, StreamError};
use bytes::{Buf, Bytes, BytesMut};
use tokio_util::codec::Decoder;

/// At most this many digits in an octet count: 999,999,999 bytes is beyond any sane limit, and
/// a longer count is garbage.
const MAX_COUNT_DIGITS: usize = 9;

/// One decoded frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyslogFrame {
    /// A message, without its framing (one trailing LF/CRLF inside an octet count removed).
    Message(Bytes),
    /// A message over the limit: it was skipped, and the stream resynchronised after it.
    Oversized { len: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At a frame boundary.
    Idle,
    /// Inside an oversized octet-counted frame: this many bytes still to skip.
    SkipOctets(usize),
    /// Inside an oversized LF-terminated frame: skip to the next terminator.
    SkipToTerminator,
}

/// The decoder; `max_len` bounds a message.
#[derive(Debug)]
pub struct SyslogFramer {
    max_len: usize,
    state: State,
    /// How far a partial LF-framed message has been scanned, so a long line is scanned once.
    scanned: usize,
}

impl SyslogFramer {
    pub fn new(max_len: usize) -> SyslogFramer {
        SyslogFramer {
            max_len,
            state: State::Idle,
            scanned: 0,
        }
    }

    fn octet_counted(&mut self, buf: &mut BytesMut) -> Result<Option<SyslogFrame>, FramingError> {
        let digits = buf
            .iter()
            .take(MAX_COUNT_DIGITS + 1)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits > MAX_COUNT_DIGITS {
            return Err(FramingError::BadOctetCount(format!(
                "more than {MAX_COUNT_DIGITS} digits"
            )));
        }
        let Some(&after) = buf.get(digits) else {
            return Ok(None);
        };
        if after != b' ' {
            return Err(FramingError::BadOctetCount(format!(
                "expected a space after {:?}, got {:?}",
                String::from_utf8_lossy(&buf[..digits]),
                char::from(after)
            )));
        }
        // Leading zeros are accepted, as rsyslog does (loggen --read-file sends them).
        let len: usize = std::str::from_utf8(&buf[..digits])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| FramingError::BadOctetCount("not a number".into()))?;
        if len == 0 {
            return Err(FramingError::BadOctetCount("zero length".into()));
        }
        if len > self.max_len {
            buf.advance(digits + 1);
            self.state = State::SkipOctets(len);
            return Ok(Some(SyslogFrame::Oversized { len }));
        }
        if buf.len() < digits + 1 + len {
            buf.reserve(digits + 1 + len - buf.len());
            return Ok(None);
        }
        buf.advance(digits + 1);
        let mut msg = buf.split_to(len);
        // rsyslog counts the template's trailing LF inside the frame.
        if msg.last() == Some(&b'\n') {
            msg.truncate(msg.len() - 1);
            if msg.last() == Some(&b'\r') {
                msg.truncate(msg.len() - 1);
            }
        }
        Ok(Some(SyslogFrame::Message(msg.freeze())))
    }

    fn line(&mut self, buf: &mut BytesMut) -> Option<SyslogFrame> {
        let start = self.scanned.min(buf.len());
        match buf[start..].iter().position(|&b| b == b'\n' || b == 0) {
            Some(offset) => {
                let end = start + offset;
                self.scanned = 0;
                let mut msg = buf.split_to(end);
                buf.advance(1);
                if msg.last() == Some(&b'\r') {
                    msg.truncate(msg.len() - 1);
                }
                if msg.len() > self.max_len {
                    return Some(SyslogFrame::Oversized { len: msg.len() });
                }
                Some(SyslogFrame::Message(msg.freeze()))
            }
            // A trailing CR may be the first half of a CRLF terminator, not message content.
            None if buf.len() > self.max_len + usize::from(buf.last() == Some(&b'\r')) => {
                let len = buf.len();
                buf.clear();
                self.scanned = 0;
                self.state = State::SkipToTerminator;
                Some(SyslogFrame::Oversized { len })
            }
            None => {
                self.scanned = buf.len();
                None
            }
        }
    }
}

impl Decoder for SyslogFramer {
    type Item = SyslogFrame;
    type Error = StreamError;

    fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<SyslogFrame>, StreamError> {
        Ok(self.next_frame(buf)?)
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<SyslogFrame>, StreamError> {
        Ok(self.last_frame(buf)?)
    }
}

impl SyslogFramer {
    /// The next frame in `buf`, or `None` until more bytes arrive.
    pub fn next_frame(&mut self, buf: &mut BytesMut) -> Result<Option<SyslogFrame>, FramingError> {
        loop {
            match self.state {
                State::SkipOctets(remaining) => {
                    let n = remaining.min(buf.len());
                    buf.advance(n);
                    if n < remaining {
                        self.state = State::SkipOctets(remaining - n);
                        return Ok(None);
                    }
                    self.state = State::Idle;
                }
                State::SkipToTerminator => match buf.iter().position(|&b| b == b'\n' || b == 0) {
                    Some(pos) => {
                        buf.advance(pos + 1);
                        self.state = State::Idle;
                    }
                    None => {
                        buf.clear();
                        return Ok(None);
                    }
                },
                State::Idle => {
                    // Stray terminators between frames (an extra LF after an octet-counted
                    // frame, keep-alive newlines) are not messages.
                    if self.scanned == 0 {
                        let skip = buf.iter().take_while(|&&b| matches!(b, b'\n' | b'\r' | 0)).count();
                        buf.advance(skip);
                    }
                    let Some(&first) = buf.first() else {
                        return Ok(None);
                    };
                    if first.is_ascii_digit() && self.scanned == 0 {
                        return self.octet_counted(buf);
                    }
                    return Ok(self.line(buf));
                }
            }
        }
    }

    /// The next frame once the peer has closed: a last line without its LF is a message, a
    /// partial octet-counted frame an error.
    pub fn last_frame(&mut self, buf: &mut BytesMut) -> Result<Option<SyslogFrame>, FramingError> {
        if let Some(frame) = self.next_frame(buf)? {
            return Ok(Some(frame));
        }
        if buf.is_empty() || self.state != State::Idle {
            buf.clear();
            return Ok(None);
        }
        if buf.first().is_some_and(u8::is_ascii_digit) && self.scanned == 0 {
            let buffered = buf.len();
            buf.clear();
            return Err(FramingError::Truncated { buffered });
        }
        // A last LF-framed message without its LF: the sender closed right after it.
        self.scanned = 0;
        let mut msg = buf.split();
        if msg.last() == Some(&b'\r') {
            msg.truncate(msg.len() - 1);
        }
        Ok(Some(SyslogFrame::Message(msg.freeze())))
    }
}

#[cfg(test)]
mod tests;
