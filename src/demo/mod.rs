//! `nibble demo`: a simulated team learning for several days on the local platform, as a transcript.

mod community;
mod learners;
mod reset;
pub use reset::clear_demo_database;
mod run;
mod sim;
mod summary;
mod team;

pub use team::Rng;

use crate::content::Problems;
use crate::engine::EngineError;
use crate::store::{LearnerProgress, StoreError};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// The SQLite file to create afresh (an earlier demo's is replaced; any other file is refused).
    pub database: PathBuf,
    pub lessons_dir: PathBuf,
    pub days: u32,
    pub seed: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the bundled lessons have problems:\n{0}")]
    Lessons(Problems),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(
        "refusing to replace `{path}`: {reason}. The demo replaces only a database an earlier \
         `nibble demo` created; pass another --database path"
    )]
    Refused { path: PathBuf, reason: String },
    #[error("cannot replace the demo database `{path}`: {reason}")]
    Reset {
        path: PathBuf,
        reason: std::io::Error,
    },
    #[error("cannot write the transcript")]
    Output(#[from] std::io::Error),
}

/// What the demo ended with (the tests check it).
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub progress: Vec<LearnerProgress>,
    pub messages_sent: i64,
    pub messages_failed: i64,
    pub messages_retried: usize,
    pub forged_click_rejected: bool,
    pub double_click_refused: bool,
    pub ledger_mismatches: usize,
}

pub use run::run;
