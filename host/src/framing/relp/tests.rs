use super::*;

fn frame(txnr: u32, command: &str, data: &str) -> RelpFrame {
    RelpFrame::Frame {
        txnr,
        command: command.into(),
        data: Bytes::copy_from_slice(data.as_bytes()),
    }
}

fn decode_all(max: usize, input: &[u8], chunk: usize) -> (Vec<RelpFrame>, Option<FramingError>) {
    let mut framer = RelpFramer::new(max);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for piece in input.chunks(chunk.max(1)) {
        buf.extend_from_slice(piece);
        loop {
            match framer.next_frame(&mut buf) {
                Ok(Some(f)) => out.push(f),
                Ok(None) => break,
                Err(e) => return (out, Some(e)),
            }
        }
    }
    (out, None)
}

fn frames(input: &[u8]) -> Vec<RelpFrame> {
    let (all, err) = decode_all(1024, input, input.len());
    assert_eq!(err, None);
    for chunk in [1, 2, 5, 17] {
        assert_eq!(decode_all(1024, input, chunk), (all.clone(), None), "chunk {chunk}");
    }
    all
}

#[test]
fn a_librelp_session() {
    let input = b"1 open 86 relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog\n2 syslog 11 <13>1 hello\n3 close 0\n";
    assert_eq!(
        frames(input),
        vec![
            frame(
                1,
                "open",
                "relp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog"
            ),
            frame(2, "syslog", "<13>1 hello"),
            frame(3, "close", ""),
        ]
    );
}

#[test]
fn data_may_contain_newlines() {
    assert_eq!(frames(b"7 syslog 3 a\nb\n"), vec![frame(7, "syslog", "a\nb")]);
}

#[test]
fn oversized_data_is_skipped_and_the_session_goes_on() {
    let mut input = b"1 syslog 20 ".to_vec();
    input.extend_from_slice(&[b'x'; 20]);
    input.extend_from_slice(b"\n2 syslog 2 ok\n");
    for chunk in [1, 3, 100] {
        let (out, err) = decode_all(10, &input, chunk);
        assert_eq!(err, None);
        assert_eq!(
            out,
            vec![
                RelpFrame::Oversized {
                    txnr: 1,
                    command: "syslog".into(),
                    len: 20
                },
                frame(2, "syslog", "ok")
            ],
            "chunk {chunk}"
        );
    }
}

#[test]
fn huge_datalen_is_never_buffered() {
    let mut framer = RelpFramer::new(100);
    let mut buf = BytesMut::from(&b"1 syslog 999999999 abc"[..]);
    assert!(matches!(
        framer.next_frame(&mut buf),
        Ok(Some(RelpFrame::Oversized { len: 999_999_999, .. }))
    ));
    assert_eq!(framer.next_frame(&mut buf), Ok(None));
    assert!(buf.is_empty());
}

#[test]
fn malformed_frames_are_errors() {
    let cases: &[(&[u8], &str)] = &[
        (b"x open 0\n", "TXNR is not a number"),
        (b"1234567890 open 0\n", "TXNR has more than 9 digits"),
        (b"1open 0\n", "expected a space after TXNR"),
        (b"1 op3n 0\n", "expected COMMAND and a space"),
        (
            b"1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 0\n",
            "command longer than 32 letters",
        ),
        (b"1 syslog 1x\n", "expected a space after DATALEN"),
        (b"1 syslog abc\n", "DATALEN is not a number"),
        (b"1 syslog 1234567890 x\n", "DATALEN has more than 9 digits"),
        (b"1 syslog 2 abX", "frame not terminated by LF after DATALEN octets"),
        (b"1 close 0X", "frame with DATALEN 0 not terminated by LF"),
    ];
    for (input, reason) in cases {
        let (_, err) = decode_all(100, input, 100);
        assert_eq!(
            err,
            Some(FramingError::Relp(reason.to_string())),
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn incomplete_frames_wait_for_more() {
    let mut framer = RelpFramer::new(100);
    for partial in [
        &b"12"[..],
        b"12 sys",
        b"12 syslog",
        b"12 syslog 5",
        b"12 syslog 5 ab",
        b"12 syslog 5 abcde",
    ] {
        let mut buf = BytesMut::from(partial);
        assert_eq!(
            framer.next_frame(&mut buf),
            Ok(None),
            "{:?}",
            String::from_utf8_lossy(partial)
        );
    }
}

#[test]
fn garbage_never_panics() {
    let mut x: u64 = 0x1234_5678_9ABC_DEF1;
    for round in 0..300 {
        let mut input = Vec::new();
        for _ in 0..(round * 5 % 200) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            input.push(match x % 7 {
                0 => b' ',
                1 => b'\n',
                2 | 3 => b'0' + (x % 10) as u8,
                4 => b'a' + (x % 26) as u8,
                _ => (x >> 8) as u8,
            });
        }
        let _ = decode_all(64, &input, (x % 11) as usize + 1);
    }
}

#[test]
fn a_stream_that_ends_inside_a_frame_is_truncated() {
    let mut framer = RelpFramer::new(16);
    let mut buf = BytesMut::from(&b"1 open 3 abc\n2 syslog 5 ab"[..]);
    assert_eq!(framer.last_frame(&mut buf), Ok(Some(frame(1, "open", "abc"))));
    assert_eq!(
        framer.last_frame(&mut buf),
        Err(FramingError::Truncated { buffered: 13 })
    );
    assert!(buf.is_empty());
    // The data of an oversized frame, cut short, is truncated too, though nothing is buffered.
    let mut buf = BytesMut::from(&b"3 syslog 99 0123456789"[..]);
    assert!(matches!(
        framer.last_frame(&mut buf),
        Ok(Some(RelpFrame::Oversized { len: 99, .. }))
    ));
    assert_eq!(
        framer.last_frame(&mut buf),
        Err(FramingError::Truncated { buffered: 0 })
    );
    // Stray newlines after the last frame are a clean end.
    let mut buf = BytesMut::from(&b"4 close 0\n\n"[..]);
    assert_eq!(framer.last_frame(&mut buf), Ok(Some(frame(4, "close", ""))));
    assert_eq!(framer.last_frame(&mut buf), Ok(None));
}
