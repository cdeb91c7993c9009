//! cargo fuzz target: `nibble::fuzzing::slack_envelope` on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nibble::fuzzing::slack_envelope(data));
