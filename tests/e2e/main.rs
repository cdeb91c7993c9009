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
mod communities;
mod communities_adapters;
mod communities_digest;
mod daemon;
mod data;
mod discord;
mod discord_faults;
mod dispatcher;
mod engine;
mod lesson_images;
mod lessons;
mod ops;
mod partners;
mod partners_adapters;
mod recognition;
mod report;
mod retention;
mod retention_adapters;
mod reviews;
mod run_daemon;
mod slack;
mod slack_faults;
mod store;
mod xapi;
