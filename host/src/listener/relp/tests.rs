use super::*;

#[test]
fn rsp_frames_are_byte_exact() {
    let mut out = BytesMut::new();
    write_rsp(&mut out, 2, "200 OK");
    write_rsp(&mut out, 5, "");
    write_rsp(&mut out, 1, "200 OK\nrelp_version=0\ncommands=syslog");
    assert_eq!(
        &out[..],
        b"2 rsp 6 200 OK\n5 rsp 0\n1 rsp 37 200 OK\nrelp_version=0\ncommands=syslog\n"
    );
}

#[test]
fn long_error_texts_are_cut_at_80_characters() {
    let mut out = BytesMut::new();
    let long = format!("500 {}", "é".repeat(100));
    write_rsp(&mut out, 3, &long);
    let text = std::str::from_utf8(&out).expect("utf-8");
    let data = text.trim_end_matches('\n').splitn(4, ' ').nth(3).expect("data");
    assert!(data.len() <= MAX_RSP_TEXT, "{}", data.len());
    assert!(data.starts_with("500 é"));
    let declared: usize = text.split(' ').nth(2).and_then(|n| n.parse().ok()).expect("datalen");
    assert_eq!(declared, data.len());
}

mod session;
