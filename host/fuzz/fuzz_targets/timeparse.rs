#![no_main]
//! `intake_edge::fuzzing::timeparse`: the entry point holds the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| intake_edge::fuzzing::timeparse(data));
