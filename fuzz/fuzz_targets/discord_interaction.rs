//! cargo fuzz target: `nibble::fuzzing::discord_interaction` on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nibble::fuzzing::discord_interaction(data));
