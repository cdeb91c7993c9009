//! End-to-end tests: one test binary (each file under tests/ would link its own), modules per area.
#![recursion_limit = "256"]

#[path = "../support/mod.rs"]
mod support;

mod both_platforms;
mod campaign_edges;
mod campaign_fanout;
mod campaign_rosters;
mod campaigns;
mod cli;
mod client_parsing;
mod communities;
mod communities_adapters;
mod communities_digest;
mod daemon;
mod daemon_lock;
mod data;
mod discord;
mod discord_fake;
mod discord_faults;
mod discord_gateway;
mod discord_limits;
mod dispatcher;
mod engine;
mod fake_shapes;
mod lesson_images;
mod lessons;
mod ops;
mod ops_limits;
mod partners;
mod partners_adapters;
mod recognition;
mod reference_replay;
mod report;
mod retention;
mod retention_adapters;
mod reviews;
mod run_daemon;
mod slack;
mod slack_faults;
mod slack_fidelity;
mod spec_selftest;
mod store;
mod store_health;
mod xapi;
