//! nibble: a microlearning bot daemon for team chat. The library holds everything but the CLI.
//!
//! # Layout
//!
//! The top-level modules, lowest first. Each line says what the module holds and which modules
//! its code may use; a module never uses one listed after it (unit tests may reach further).
//! Throughout:
//! - the domain core (`clock`, `content`, `scheduler`, `domain`, `engine`) never imports serenity
//!   or slack-morphism: only the adapters (`slack`, `discord`) do, and `fuzzing`, which feeds their
//!   decoders;
//! - SQL (sqlx queries) lives only in `store`;
//! - the engine reaches a chat platform only through the `chat` port: adapters implement
//!   `chat::ChatPlatform` and hand `chat::Event`s to the engine, never the other way round;
//! - `config` and `ops` sit on no dependency cycle (`tests/e2e/layout.rs` checks this and the SQL
//!   rule).
//!
//! - [`clock`]: injected time, the system clock and a manual one. Uses nothing.
//! - [`cli_output`]: writing command output, choosing log colours. Uses nothing.
//! - [`error_text`]: an error and its causes on one line, each cause once. Uses nothing.
//! - [`content`]: lesson, course and quiz files, parsed and validated into a catalog. Uses nothing.
//! - [`scheduler`]: cron schedules in a time zone, quiet hours, catch-up. Uses nothing.
//! - [`domain`]: pure rules without I/O (grading, points, badges, streaks, campaigns, matching,
//!   reviews, periods). Uses `content`, `scheduler`.
//! - [`command`]: commands as typed values: each feature's grammar, parsed once from chat text
//!   (or built from Discord's options, the CLI or a form), and who may run each. Uses `domain`
//!   (campaign descriptions, periods, review times, quoted words), `scheduler` (quiet hours,
//!   zones, cron expressions of campaigns and community schedules).
//! - [`store`]: SQLite repositories, migrations and every SQL statement. Uses `domain`, `content`.
//! - [`backup`]: the `nibble export` / `import` format over the store. Uses `store`.
//! - [`report`]: learning analytics as a table, CSV or JSON. Uses `store`, `domain`, `content`.
//! - [`ops`]: metrics, loop and connection health, backoff, the `/healthz` and `/metrics` server.
//!   Uses `store`, `clock`.
//! - [`chat`]: the port: neutral messages and events, the `ChatPlatform` trait, the outbox
//!   dispatcher and pacing. Uses `command`, `store`, `ops`, `content`, `clock`.
//! - [`config`]: the TOML file and environment overrides, validated; the settings types the engine
//!   and the xAPI export read, and the dispatcher's settings built from it. Uses `chat`, `store`,
//!   `domain`, `scheduler`, `content`.
//! - [`local`]: an in-process chat platform for tests, the demo and benchmarks. Uses `chat`,
//!   `content`.
//! - [`engine`]: the application: events and due jobs into domain calls, store writes and outbox
//!   rows. Uses `command`, `config`, `chat`, `ops`, `report`, `store`, `domain`, `scheduler`,
//!   `content`, `clock`.
//! - [`xapi`]: the optional xAPI statement export. Uses `engine` (the catalog handle), `ops`,
//!   `store`, `domain`, `content`.
//! - [`slack`], [`discord`]: the platform adapters (slack-morphism, serenity). Use `engine`,
//!   `config`, `chat`, `ops`, `store`, `content`.
//! - [`daemon`]: `nibble run`: store, engine, dispatcher, adapters, ops server and xAPI export
//!   wired together, with reload and shutdown. Uses any module above.
//! - [`campaign_cli`]: `nibble campaign …` as command values through the engine. Uses `command`,
//!   `engine`, `local`, `config`, `chat`, `store`, `content`, `clock`.
//! - [`demo`]: `nibble demo`, a simulated team on the local platform. Uses `engine`, `local`,
//!   `chat`, `store`, `content`, `clock`.
//! - [`bench`]: `nibble bench`, and the CPU and memory readings `benches/` shares; no SQL of its
//!   own. Uses `engine`, `demo` (its seeded random numbers), `local`, `chat`, `store`, `domain`,
//!   `content`, `clock`.
//! - [`fuzzing`]: entry points for the fuzz targets in `fuzz/` and their replay in the tests. Uses
//!   `slack`, `discord` (their decoders), `command`, `chat`, `domain`, `content`.

pub mod backup;
pub mod bench;
pub mod campaign_cli;
pub mod chat;
pub mod cli_output;
pub mod clock;
pub mod command;
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
