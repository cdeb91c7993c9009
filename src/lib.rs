//! nibble: a microlearning bot daemon for team chat. The library holds everything but the CLI.

pub mod clock;
pub mod chat;
pub mod content;
pub mod domain;
pub mod engine;
pub mod local;
pub mod store;
