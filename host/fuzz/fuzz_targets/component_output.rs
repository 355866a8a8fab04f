#![no_main]
//! `intake_edge::fuzzing::component_output`: the entry point holds the invariants.

libfuzzer_sys::fuzz_target!(|data: &[u8]| intake_edge::fuzzing::component_output(data));
