//! The bounded fuzz pass of the test suite, on stable: every target runs over its seed corpus
//! (`host/fuzz/corpus/<target>/`), every regression input (`host/fuzz/regressions/<target>-*`),
//! and a fixed number of deterministic mutations of the seeds (bit flips, interesting bytes,
//! dictionary tokens, truncations, deletions, repeated chunks, splices). Same inputs on every
//! run, so a failure reproduces; the failing input is written out for `cargo fuzz run`.

use super::{Rng, TARGETS};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Mutated inputs per target: about a second for the whole pass in release.
const MUTATIONS: usize = 20_000;
/// libFuzzer's default `-max_len` for a corpus of small seeds.
const MAX_LEN: usize = 4096;
/// Bytes that parsers branch on.
const INTERESTING: &[u8] = b"\0\n\r \t\"'\\<>[]{}=:.,-+/0123456789TZ@$\xef\xbb\xbf\xff\x7f";

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files of `dir` whose names start with `prefix`, sorted, as (name, bytes).
fn files(dir: &Path, prefix: &str) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .filter_map(|e| {
            Some((
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).ok()?,
            ))
        })
        .collect();
    out.sort();
    out
}

/// The tokens of a libFuzzer dictionary (`name="token"` lines, `\xNN`, `\\` and `\"` escapes).
fn dictionary(target: &str) -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string(fuzz_dir().join("dict").join(format!("{target}.dict"))).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| {
            let quoted = &l[l.find('"')? + 1..l.rfind('"')?];
            Some(unescape(quoted.as_bytes()))
        })
        .filter(|t| !t.is_empty())
        .collect()
}

fn unescape(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        match (s[i], s.get(i + 1)) {
            (b'\\', Some(b'x')) => {
                let hex = s.get(i + 2..i + 4).and_then(|h| std::str::from_utf8(h).ok());
                if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    out.push(byte);
                }
                i += 4;
            }
            (b'\\', Some(&c)) => {
                out.push(c);
                i += 2;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// One to four random edits of `input`, some of them taking material from `other` or `dict`.
fn mutate(rng: &mut Rng, input: &[u8], other: &[u8], dict: &[Vec<u8>]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(8) {
            0 if !out.is_empty() => {
                let i = at.min(out.len() - 1);
                out[i] ^= 1 << rng.below(8);
            }
            1 if !out.is_empty() => {
                let i = at.min(out.len() - 1);
                out[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            2 if !dict.is_empty() => {
                let token = &dict[rng.below(dict.len())];
                out.splice(at..at, token.iter().copied());
            }
            3 => out.truncate(at),
            4 => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                out.drain(at.min(end)..end);
            }
            5 => {
                // A chunk repeated: long runs are where limits and quadratic scans show.
                let end = (at + 1 + rng.below(32)).min(out.len());
                let chunk = out[at.min(end)..end].to_vec();
                for _ in 0..rng.below(64) {
                    out.splice(at..at, chunk.iter().copied());
                }
            }
            6 => {
                // Splice: our head, the other seed's tail.
                let from = rng.below(other.len() + 1);
                out.truncate(at);
                out.extend_from_slice(&other[from..]);
            }
            _ => {
                let byte = u8::try_from(rng.below(256)).unwrap_or(0);
                out.insert(at, byte);
            }
        }
    }
    out.truncate(MAX_LEN);
    out
}

/// Runs `target` on `input`; on a panic, saves the input and fails naming it.
fn run(name: &str, target: fn(&[u8]), input: &[u8], origin: &str) {
    if catch_unwind(AssertUnwindSafe(|| target(input))).is_err() {
        let dir = std::env::temp_dir().join("intake-edge-fuzz-failures");
        let path = dir.join(format!("{name}-{}.bin", input.len()));
        let saved = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, input));
        panic!(
            "target {name} failed on {origin} ({} bytes, {}): {:?}\nreplay with: cargo +nightly fuzz run {name} {}",
            input.len(),
            if saved.is_ok() { "saved" } else { "not saved" },
            String::from_utf8_lossy(input),
            path.display()
        );
    }
}

#[test]
fn every_target_has_seeds_and_a_dictionary() {
    for (name, _) in TARGETS {
        assert!(
            files(&fuzz_dir().join("corpus").join(name), "").len() >= 5,
            "host/fuzz/corpus/{name}/ needs seeds"
        );
        assert!(dictionary(name).len() >= 5, "host/fuzz/dict/{name}.dict needs tokens");
        let fuzz_target = fuzz_dir().join("fuzz_targets").join(format!("{name}.rs"));
        assert!(fuzz_target.is_file(), "{} is missing", fuzz_target.display());
    }
}

/// The create-intake checks are reached: the seeds' valid bodies make it into a valid file.
#[test]
fn valid_create_bodies_reach_the_round_trip() {
    for body in [
        &br#"{"name":"fw-paris","format":"plain","entity":"paris","created_by":"alice"}"#[..],
        br#"{"name":"b.2","format":"json","entity":"\u00e9quipe \"x\"\n#","created_by":" "}"#,
    ] {
        let request = crate::listener::admin::api::parse_create(body).expect("a valid body");
        assert!(super::bodies::create(&request), "{}", String::from_utf8_lossy(body));
    }
}

#[test]
fn regressions_replay() {
    let all = files(&fuzz_dir().join("regressions"), "");
    for (file, _) in &all {
        assert!(
            TARGETS.iter().any(|(name, _)| file.starts_with(&format!("{name}-"))),
            "regression {file} is not named after a target (<target>-<bug>.bin)"
        );
    }
    for (name, target) in TARGETS {
        for (file, input) in files(&fuzz_dir().join("regressions"), &format!("{name}-")) {
            run(name, *target, &input, &format!("regression {file}"));
        }
    }
}

/// Runs `name` over its seeds and [`MUTATIONS`] mutations of them.
fn seeds_and_mutations(name: &str) {
    let target = TARGETS
        .iter()
        .find_map(|(n, f)| (*n == name).then_some(*f))
        .unwrap_or_else(|| panic!("no target {name}"));
    let seeds = files(&fuzz_dir().join("corpus").join(name), "");
    assert!(!seeds.is_empty(), "no seeds for {name}");
    for (file, input) in &seeds {
        run(name, target, input, &format!("seed {file}"));
    }
    let dict = dictionary(name);
    let mut rng = Rng::new(name.bytes().fold(0, |h, b| h * 31 + u64::from(b)));
    for i in 0..MUTATIONS {
        let (file, seed) = &seeds[rng.below(seeds.len())];
        let other = &seeds[rng.below(seeds.len())].1;
        let input = mutate(&mut rng, seed, other, &dict);
        run(name, target, &input, &format!("mutation {i} of {file}"));
    }
}

#[test]
fn syslog_framer() {
    seeds_and_mutations("syslog_framer");
}

#[test]
fn relp_framer() {
    seeds_and_mutations("relp_framer");
}

#[test]
fn syslog_message() {
    seeds_and_mutations("syslog_message");
}

#[test]
fn timeparse() {
    seeds_and_mutations("timeparse");
}

#[test]
fn https_body() {
    seeds_and_mutations("https_body");
}

#[test]
fn admin_api() {
    seeds_and_mutations("admin_api");
}

#[test]
fn component_output() {
    seeds_and_mutations("component_output");
}
