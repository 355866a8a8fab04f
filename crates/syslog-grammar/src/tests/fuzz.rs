//! Random and mutated lines: no panic, and everything borrowed points into the line.

use super::*;

/// A small deterministic PRNG (xorshift64*), so the fuzz tests need no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Parses and checks that everything borrowed points into `line` (so no slicing went astray).
fn parse_and_check_borrows(line: &str) {
    let Ok(m) = parse(line) else {
        return;
    };
    let range = line.as_ptr() as usize..=line.as_ptr() as usize + line.len();
    let inside = |part: &str| {
        part.is_empty()
            || range.contains(&(part.as_ptr() as usize)) && range.contains(&(part.as_ptr() as usize + part.len()))
    };
    let fields = [m.hostname, m.app_name, m.procid, m.msgid];
    assert!(fields.iter().flatten().all(|f| inside(f)), "{line:?}");
    assert!(inside(m.msg), "{line:?}");
    for e in &m.structured_data {
        assert!(inside(e.id), "{line:?}");
        for p in &e.params {
            assert!(inside(p.name), "{line:?}");
            if let Cow::Borrowed(v) = p.value {
                assert!(inside(v), "{line:?}");
            }
        }
    }
}

const SEEDS: &[&str] = &[
    "<13>1 2026-11-23T00:33:57.654062+00:00 vm myapp - LOG [SEKOIA@53288 intake_key=\"KEY\"] hello \"quoted\" and ] bracket \\ backslash\n",
    "<38>1 2026-11-23T00:34:11+00:00 localhost prg00000 1234 - [SEKOIA@53288 intake_key=\"KEY\"] \u{feff}seq: 0000000000\n",
    r#"<134>1 2024-01-01T00:00:00.000Z web00 nginx 4242 ACCESS [meta@32473 k="v\"q\]\\"][b@2 u="é✓"] user=alice000"#,
    "<38>2026-11-23T00:34:13 localhost prg00000[1234]: seq: 0000000000",
    "<30>Nov  2 03:04:05 host sshd[1234]: Accepted ünïcode ✓",
    "<13>Dec 31 23:59:59.999 sshd[1]: x",
    "<13>1 - - - - - -",
];

#[test]
fn fuzz_random_bytes_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    const BIASED: &[u8] = b"<>[]\"\\= -:.T+Z0123456789NovJan\n\r\0";
    for _ in 0..20_000 {
        let len = rng.below(80);
        let mut bytes: Vec<u8> = Vec::with_capacity(len + 8);
        if rng.below(2) == 0 {
            bytes.extend_from_slice(b"<13>1 ");
        }
        for _ in 0..len {
            let byte = match rng.below(4) {
                0 => rng.next() as u8,
                _ => BIASED[rng.below(BIASED.len())],
            };
            bytes.push(byte);
        }
        parse_and_check_borrows(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn fuzz_mutated_valid_lines_never_panic() {
    const PIECES: &[&str] = &[
        "<",
        ">",
        "[",
        "]",
        "\"",
        "\\",
        " ",
        "  ",
        "=",
        "-",
        "é",
        "✓",
        "\u{feff}",
        "1",
        "0",
        ":",
        "T",
        "Z",
        "+",
        "\n",
        "\0",
        "191",
        "Nov ",
        "[a@1 x=\"",
        "\\\"",
        "𝄞",
    ];
    let mut rng = Rng(42);
    for _ in 0..20_000 {
        let seed = SEEDS[rng.below(SEEDS.len())];
        let mut chars: Vec<char> = seed.chars().collect();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(chars.len() + 1);
            match rng.below(4) {
                0 => {
                    let piece = PIECES[rng.below(PIECES.len())];
                    chars.splice(at..at, piece.chars());
                }
                1 if at < chars.len() => {
                    chars.remove(at);
                }
                2 if at < chars.len() => chars[at] = PIECES[rng.below(PIECES.len())].chars().next().unwrap_or('x'),
                _ => chars.truncate(at),
            }
        }
        parse_and_check_borrows(&chars.iter().collect::<String>());
    }
    // Every prefix and suffix of every seed, cut at char boundaries.
    for seed in SEEDS {
        for (i, _) in seed.char_indices() {
            parse_and_check_borrows(&seed[..i]);
            parse_and_check_borrows(&seed[i..]);
        }
    }
}

/// Every prefix of lines that mix every feature, cut at char boundaries.
#[test]
fn never_panics_on_prefixes_of_tricky_lines() {
    let lines = [
        "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" k=\"a\\\"b\"] \u{feff}An application",
        "<34>Oct 11 22:14:15.123456789012 mymachine su[12]: 'su root' ✓ failed",
        "2024-05-01T12:00:00.123456+02:00 hôst app[1]: msg",
        "<13>Nov 22 2024 23:16:24 host app: with year",
    ];
    for line in lines {
        for (i, _) in line.char_indices() {
            parse_and_check_borrows(&line[..i]);
        }
    }
}
