//! The benchmarks behind `nibble bench`, each in its own file, and what they share: the error type,
//! fresh databases and engines, and the process's CPU time and peak memory (also read by
//! `benches/fanout`). Any SQL they need lives in `crate::store::bench`.

pub mod answers;
pub mod leaderboard;
pub mod partners;
pub mod search;

use crate::clock::{Clock, SystemClock};
use crate::content::load_catalog;
use crate::engine::{CatalogHandle, Engine, EngineError, EngineSettings};
use crate::store::{Durability, Store, StoreError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("the lessons have problems:\n{0}")]
    Lessons(crate::content::Problems),
    /// The io error is in the message, not kept as a source (`{:#}` would print it twice).
    #[error("cannot prepare `{path}`: {reason}")]
    Io {
        path: PathBuf,
        reason: std::io::Error,
    },
    #[error(
        "refusing to replace `{path}`: {reason}. The benchmark replaces only a database an earlier \
         `nibble bench` or `nibble demo` created; pass another --database path"
    )]
    Refused { path: PathBuf, reason: String },
    #[error("a benchmark task failed: {0}")]
    Task(String),
}

/// Clears the benchmark's database path like the demo does: only a database an earlier demo or
/// benchmark created (and marked) is replaced; anything else at the path is refused, untouched.
pub(crate) async fn fresh(path: &Path) -> Result<(), BenchError> {
    crate::demo::clear_demo_database(path)
        .await
        .map_err(|e| match e {
            crate::demo::DemoError::Refused { path, reason } => {
                BenchError::Refused { path, reason }
            }
            crate::demo::DemoError::Reset { path, reason } => BenchError::Io { path, reason },
            other => BenchError::Task(other.to_string()),
        })
}

/// Opens the fresh database at `path` and marks it as scratch, so the next run may replace it.
pub(crate) async fn open_marked(path: &Path, durability: Durability) -> Result<Store, BenchError> {
    let store = Store::open(&path.display().to_string(), durability).await?;
    store.mark_as_demo(chrono::Utc::now()).await?;
    Ok(store)
}

/// A fresh database at `database` with the lessons synced and an engine on it (default settings,
/// the system clock), for the benchmarks that seed their own data.
pub(crate) async fn fresh_engine(
    database: &Path,
    lessons_dir: &Path,
    durability: Durability,
) -> Result<(Store, Engine), BenchError> {
    let catalog = load_catalog(lessons_dir).map_err(BenchError::Lessons)?;
    fresh(database).await?;
    let store = open_marked(database, durability).await?;
    store.sync_catalog(&catalog, SystemClock.now()).await?;
    let engine = Engine::start(
        store.clone(),
        CatalogHandle::new(catalog),
        Arc::new(SystemClock),
        EngineSettings::default(),
        Arc::new(Notify::new()),
    );
    Ok((store, engine))
}

/// CPU time (user + system) this process has used so far, from /proc (Linux; 10 ms resolution).
pub fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at ") ": utime and stime are
    // fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
    let rest = stat.rsplit_once(") ")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// The process's peak resident memory, from /proc (Linux).
pub fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(format!("{:.1} MiB", kb / 1024.0))
}
