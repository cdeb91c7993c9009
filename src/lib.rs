//! nibble: a microlearning bot daemon for team chat. The library holds everything but the CLI.

pub mod backup;
pub mod bench;
pub mod bench_leaderboard;
pub mod bench_partners;
pub mod bench_search;
pub mod campaign_cli;
pub mod chat;
pub mod cli_output;
pub mod clock;
pub mod config;
pub mod content;
pub mod daemon;
pub mod demo;
pub mod discord;
pub mod domain;
pub mod engine;
pub mod error_text;
pub mod fuzzing;
pub mod local;
pub mod ops;
pub mod report;
pub mod scheduler;
pub mod slack;
pub mod store;
pub mod xapi;
