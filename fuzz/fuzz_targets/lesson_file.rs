//! cargo fuzz target: `nibble::fuzzing::lesson_file` on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nibble::fuzzing::lesson_file(data));
