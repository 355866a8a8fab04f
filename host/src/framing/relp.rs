//! RELP frames (librelp `doc/relp.md`): `TXNR SP COMMAND SP DATALEN [SP DATA] LF`.
//!
//! TXNR and DATALEN have at most 9 digits and COMMAND at most 32 letters; anything else is a
//! framing error that ends the session, as in librelp. A DATALEN over the limit is not
//! buffered: its data is skipped and the frame is reported as oversized, so the session can
//! answer it with an error and go on.

use super::{FramingError, StreamError};
use bytes::{Buf, Bytes, BytesMut};
use tokio_util::codec::Decoder;

const MAX_DIGITS: usize = 9;
const MAX_COMMAND: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelpFrame {
    Frame {
        txnr: u32,
        command: String,
        data: Bytes,
    },
    /// DATALEN over the limit: the data was skipped.
    Oversized {
        txnr: u32,
        command: String,
        len: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Header,
    /// Skipping the data of an oversized frame, then its LF.
    Skip {
        remaining: usize,
    },
}

#[derive(Debug)]
pub struct RelpFramer {
    max_data: usize,
    state: State,
}

impl RelpFramer {
    pub fn new(max_data: usize) -> RelpFramer {
        RelpFramer {
            max_data,
            state: State::Header,
        }
    }
}

fn bad(reason: impl Into<String>) -> FramingError {
    FramingError::Relp(reason.into())
}

/// Reads a run of digits starting at `at`; `None` if the buffer ends inside it.
fn number(buf: &[u8], at: usize, what: &str) -> Result<Option<(usize, usize)>, FramingError> {
    let digits = buf[at.min(buf.len())..]
        .iter()
        .take(MAX_DIGITS + 1)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits > MAX_DIGITS {
        return Err(bad(format!("{what} has more than {MAX_DIGITS} digits")));
    }
    if at + digits >= buf.len() {
        return Ok(None);
    }
    if digits == 0 {
        return Err(bad(format!("{what} is not a number")));
    }
    let text = std::str::from_utf8(&buf[at..at + digits]).map_err(|_| bad(format!("{what} is not a number")))?;
    let value = text.parse().map_err(|_| bad(format!("{what} is not a number")))?;
    Ok(Some((value, at + digits)))
}

impl Decoder for RelpFramer {
    type Item = RelpFrame;
    type Error = StreamError;

    fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<RelpFrame>, StreamError> {
        Ok(self.next_frame(buf)?)
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<RelpFrame>, StreamError> {
        Ok(self.last_frame(buf)?)
    }
}

impl RelpFramer {
    /// The next frame in `buf`, or `None` until more bytes arrive.
    pub fn next_frame(&mut self, buf: &mut BytesMut) -> Result<Option<RelpFrame>, FramingError> {
        loop {
            if let State::Skip { remaining } = self.state {
                let n = remaining.min(buf.len());
                buf.advance(n);
                if n < remaining {
                    self.state = State::Skip {
                        remaining: remaining - n,
                    };
                    return Ok(None);
                }
                let Some(&trailer) = buf.first() else {
                    self.state = State::Skip { remaining: 0 };
                    return Ok(None);
                };
                if trailer != b'\n' {
                    return Err(bad("frame not terminated by LF"));
                }
                buf.advance(1);
                self.state = State::Header;
                continue;
            }
            return self.header(buf);
        }
    }
}

impl RelpFramer {
    /// The next frame once the peer has closed: bytes of a frame not yet complete (or the
    /// skipped data of an oversized one) are a truncated stream, not an I/O error.
    pub fn last_frame(&mut self, buf: &mut BytesMut) -> Result<Option<RelpFrame>, FramingError> {
        if let Some(frame) = self.next_frame(buf)? {
            return Ok(Some(frame));
        }
        let midway = self.state != State::Header;
        if buf.is_empty() && !midway {
            return Ok(None);
        }
        let buffered = buf.len();
        buf.clear();
        self.state = State::Header;
        Err(FramingError::Truncated { buffered })
    }

    fn header(&mut self, buf: &mut BytesMut) -> Result<Option<RelpFrame>, FramingError> {
        // librelp clients send nothing between frames, but tolerate stray newlines.
        let skip = buf.iter().take_while(|&&b| b == b'\n' || b == b'\r').count();
        buf.advance(skip);
        if buf.is_empty() {
            return Ok(None);
        }
        let Some((txnr, at)) = number(buf, 0, "TXNR")? else {
            return Ok(None);
        };
        if buf[at] != b' ' {
            return Err(bad("expected a space after TXNR"));
        }
        let command_len = buf[at + 1..]
            .iter()
            .take(MAX_COMMAND + 1)
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        if command_len > MAX_COMMAND {
            return Err(bad(format!("command longer than {MAX_COMMAND} letters")));
        }
        let after_command = at + 1 + command_len;
        let Some(&sep) = buf.get(after_command) else {
            return Ok(None);
        };
        if command_len == 0 || sep != b' ' {
            return Err(bad("expected COMMAND and a space"));
        }
        let command = String::from_utf8_lossy(&buf[at + 1..after_command]).into_owned();
        let Some((len, after_len)) = number(buf, after_command + 1, "DATALEN")? else {
            return Ok(None);
        };
        let txnr = txnr as u32;
        if len == 0 {
            // `TXNR COMMAND 0` is followed directly by the LF trailer.
            if buf[after_len] != b'\n' {
                return Err(bad("frame with DATALEN 0 not terminated by LF"));
            }
            buf.advance(after_len + 1);
            return Ok(Some(RelpFrame::Frame {
                txnr,
                command,
                data: Bytes::new(),
            }));
        }
        if buf[after_len] != b' ' {
            return Err(bad("expected a space after DATALEN"));
        }
        let data_start = after_len + 1;
        if len > self.max_data {
            buf.advance(data_start);
            self.state = State::Skip { remaining: len };
            return Ok(Some(RelpFrame::Oversized { txnr, command, len }));
        }
        if buf.len() < data_start + len + 1 {
            buf.reserve(data_start + len + 1 - buf.len());
            return Ok(None);
        }
        if buf[data_start + len] != b'\n' {
            return Err(bad("frame not terminated by LF after DATALEN octets"));
        }
        buf.advance(data_start);
        let data = buf.split_to(len).freeze();
        buf.advance(1);
        Ok(Some(RelpFrame::Frame { txnr, command, data }))
    }
}

#[cfg(test)]
mod tests;
