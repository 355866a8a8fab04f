use super::*;

fn msg(s: &str) -> SyslogFrame {
    SyslogFrame::Message(Bytes::copy_from_slice(s.as_bytes()))
}

/// Feeds `input` in chunks of `chunk` bytes and collects every frame until EOF.
fn decode_all(max: usize, input: &[u8], chunk: usize) -> (Vec<SyslogFrame>, Option<FramingError>) {
    let mut framer = SyslogFramer::new(max);
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
    loop {
        match framer.last_frame(&mut buf) {
            Ok(Some(f)) => out.push(f),
            Ok(None) => return (out, None),
            Err(e) => return (out, Some(e)),
        }
    }
}

fn frames(input: &[u8]) -> Vec<SyslogFrame> {
    let (all, err) = decode_all(1024, input, input.len());
    assert_eq!(err, None);
    // The same frames come out whatever the chunking.
    for chunk in [1, 2, 3, 7, 64] {
        assert_eq!(decode_all(1024, input, chunk), (all.clone(), None), "chunk {chunk}");
    }
    all
}

#[test]
fn octet_counted_frames() {
    assert_eq!(frames(b"5 hello6 world!"), vec![msg("hello"), msg("world!")]);
}

#[test]
fn octet_count_includes_rsyslogs_trailing_lf() {
    assert_eq!(
        frames(b"8 <13>1 x\n9 <13>1 y\r\n"),
        vec![msg("<13>1 x"), msg("<13>1 y")]
    );
}

#[test]
fn lf_crlf_and_nul_terminated_frames() {
    assert_eq!(
        frames(b"<13>a\n<13>b\r\n<13>c\0<13>d"),
        vec![msg("<13>a"), msg("<13>b"), msg("<13>c"), msg("<13>d")]
    );
}

#[test]
fn one_connection_may_mix_framings() {
    assert_eq!(
        frames(b"<1>lf one\n9 <1>octet\n<1>lf two\n"),
        vec![msg("<1>lf one"), msg("<1>octet"), msg("<1>lf two")]
    );
}

#[test]
fn blank_lines_between_frames_are_skipped() {
    assert_eq!(frames(b"\n\r\n3 abc\n\n<1>x\n\0"), vec![msg("abc"), msg("<1>x")]);
}

#[test]
fn leading_zeros_in_the_count_are_accepted() {
    assert_eq!(frames(b"000000005 hello"), vec![msg("hello")]);
}

#[test]
fn octet_counted_message_may_contain_newlines() {
    assert_eq!(frames(b"11 line1\nline2"), vec![msg("line1\nline2")]);
}

#[test]
fn oversized_octet_frame_is_skipped_and_the_stream_resyncs() {
    let mut input = b"20 ".to_vec();
    input.extend_from_slice(&[b'x'; 20]);
    input.extend_from_slice(b"2 ok<1>next\n");
    for chunk in [1, 5, 100] {
        let (out, err) = decode_all(10, &input, chunk);
        assert_eq!(err, None);
        assert_eq!(
            out,
            vec![SyslogFrame::Oversized { len: 20 }, msg("ok"), msg("<1>next")],
            "chunk {chunk}"
        );
    }
}

#[test]
fn oversized_lf_frame_is_skipped_and_the_stream_resyncs() {
    let mut input = b"<1>".to_vec();
    input.extend_from_slice(&[b'y'; 40]);
    input.extend_from_slice(b"\n<1>short\n");
    let (out, err) = decode_all(10, &input, 1000);
    assert_eq!(err, None);
    assert_eq!(out, vec![SyslogFrame::Oversized { len: 43 }, msg("<1>short")]);
    // In small chunks the overflow is noticed before the terminator: still one rejection.
    let (out, err) = decode_all(10, &input, 4);
    assert_eq!(err, None);
    assert_eq!(out.len(), 2);
    assert!(matches!(out[0], SyslogFrame::Oversized { .. }));
    assert_eq!(out[1], msg("<1>short"));
}

#[test]
fn malformed_counts_end_the_connection() {
    let (_, err) = decode_all(100, b"12x <1>a", 100);
    assert_eq!(
        err,
        Some(FramingError::BadOctetCount(
            "expected a space after \"12\", got 'x'".into()
        ))
    );
    let (_, err) = decode_all(100, b"0 ", 100);
    assert_eq!(err, Some(FramingError::BadOctetCount("zero length".into())));
    let (_, err) = decode_all(100, b"99999999999999 x", 100);
    assert_eq!(err, Some(FramingError::BadOctetCount("more than 9 digits".into())));
}

#[test]
fn huge_count_within_nine_digits_is_oversized_not_buffered() {
    let mut framer = SyslogFramer::new(100);
    let mut buf = BytesMut::from(&b"999999999 abc"[..]);
    assert_eq!(
        framer.next_frame(&mut buf),
        Ok(Some(SyslogFrame::Oversized { len: 999_999_999 }))
    );
    assert_eq!(framer.next_frame(&mut buf), Ok(None));
    assert!(buf.is_empty(), "skipped bytes are dropped, not kept");
}

#[test]
fn eof_in_the_middle_of_an_octet_frame_is_truncation() {
    let (out, err) = decode_all(100, b"3 abc10 <1>par", 100);
    assert_eq!(out, vec![msg("abc")]);
    assert_eq!(err, Some(FramingError::Truncated { buffered: 9 }));
}

#[test]
fn eof_after_a_line_without_terminator_delivers_it() {
    assert_eq!(frames(b"<1>a\n<1>last"), vec![msg("<1>a"), msg("<1>last")]);
}

#[test]
fn garbage_never_panics() {
    // A deterministic pseudo-random byte soup in random chunks.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for round in 0..200 {
        let mut input = Vec::new();
        for _ in 0..(round * 7 % 300) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let b = match x % 6 {
                0 => b'\n',
                1 => b' ',
                2 => b'0' + (x % 10) as u8,
                _ => (x >> 8) as u8,
            };
            input.push(b);
        }
        let _ = decode_all(50, &input, (x % 13) as usize + 1);
    }
}

#[test]
fn a_crlf_line_at_the_limit_is_accepted_however_it_is_split() {
    // Ten bytes of message: the CR arriving before its LF must not count against the limit.
    let input = b"<1>abcdefg\r\n<1>next\n";
    for chunk in [1, 2, 11, 100] {
        let (out, err) = decode_all(10, input, chunk);
        assert_eq!(err, None);
        assert_eq!(out, vec![msg("<1>abcdefg"), msg("<1>next")], "chunk {chunk}");
    }
}
