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
    #[error("a benchmark task failed: {0}")]
    Task(String),
}

/// Removes a database file and its WAL companions.
pub(crate) fn fresh(path: &Path) -> Result<(), BenchError> {
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(BenchError::Io { path: p, reason: e });
            }
            _ => {}
        }
    }
    Ok(())
}

/// A fresh database at `database` with the lessons synced and an engine on it (default settings,
/// the system clock), for the benchmarks that seed their own data.
pub(crate) async fn fresh_engine(
    database: &Path,
    lessons_dir: &Path,
    durability: Durability,
) -> Result<(Store, Engine), BenchError> {
    fresh(database)?;
    let catalog = load_catalog(lessons_dir).map_err(BenchError::Lessons)?;
    let store = Store::open(&database.display().to_string(), durability).await?;
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
