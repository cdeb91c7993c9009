//! End-to-end tests: one test binary (each file under tests/ would link its own), modules per area.
#![recursion_limit = "256"]

#[path = "../support/mod.rs"]
mod support;

mod backup_consistency;
mod both_platforms;
mod campaign_edges;
mod campaign_fanout;
mod campaign_rosters;
mod campaigns;
mod cli;
mod cli_output;
mod client_parsing;
mod communities;
mod communities_adapters;
mod communities_digest;
mod config_strictness;
mod daemon;
mod daemon_lock;
mod data;
mod demo_refusal;
mod discord;
mod discord_fake;
mod discord_faults;
mod discord_gateway;
mod discord_limits;
mod dispatcher;
mod engine;
mod fake_shapes;
mod fuzz_replay;
mod gateway_fallback;
mod import_integrity;
mod lesson_files;
mod lesson_images;
mod lessons;
mod ops;
mod ops_limits;
mod partners;
mod partners_adapters;
mod read_only;
mod recognition;
mod reference_replay;
mod reload_safety;
mod report;
mod retention;
mod retention_adapters;
mod reviews;
mod run_daemon;
mod schema_check;
mod slack;
mod slack_faults;
mod slack_fidelity;
mod spec_selftest;
mod store;
mod store_health;
mod xapi;
