//! cargo fuzz target: `nibble::fuzzing::command_text` on arbitrary text.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| nibble::fuzzing::command_text(&String::from_utf8_lossy(data)));
