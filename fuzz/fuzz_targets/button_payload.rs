//! cargo fuzz target: `nibble::fuzzing::button_payload` on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nibble::fuzzing::button_payload(data));
