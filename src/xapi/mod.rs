//! Optional export of learning events as xAPI 1.0.3 statements to a Learning Record Store over HTTP
//! (batched, retried with backoff, resumed from a persisted cursor) or to a JSON Lines file. It runs
//! as its own task on its own reads: a slow or absent LRS never holds up the bot.

mod sink;
mod statement;

pub use sink::{Sink, SinkError};
pub use statement::{statement, statement_id};

use crate::engine::CatalogHandle;
use crate::store::Store;
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::watch;

/// `[xapi]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct XapiConfig {
    pub enabled: bool,
    /// The LRS's xAPI base, e.g. "https://lrs.example.com/xapi" (statements go to `…/statements`).
    pub endpoint: String,
    /// Write statements to this JSON Lines file instead of an LRS.
    pub file: Option<PathBuf>,
    /// Basic-auth user for the LRS; the password comes from NIBBLE_XAPI_PASSWORD or `password_file`.
    pub username: String,
    pub password_file: Option<PathBuf>,
    /// Statements per request (per kind of event).
    pub batch_size: i64,
    /// Seconds between looks for new events when there were none.
    pub interval_secs: u64,
}

impl Default for XapiConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            endpoint: String::new(),
            file: None,
            username: String::new(),
            password_file: None,
            batch_size: 100,
            interval_secs: 10,
        }
    }
}

/// The longest wait between two attempts after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Exports until shutdown.
pub async fn run(
    store: Store,
    catalog: CatalogHandle,
    sink: Sink,
    batch: i64,
    interval: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut backoff = Duration::from_secs(1);
    loop {
        let wait = match export_batch(&store, &catalog, &sink, batch).await {
            Ok(0) => interval,
            Ok(n) => {
                tracing::debug!(statements = n, "xAPI statements exported");
                backoff = Duration::from_secs(1);
                Duration::ZERO
            }
            Err(e) => {
                tracing::warn!(error = %e, retry_in = ?backoff, "xAPI export failed: will retry");
                let wait = backoff;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                wait
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Sends one batch and moves the cursor past it; returns how many statements went out.
pub async fn export_batch(
    store: &Store,
    catalog: &CatalogHandle,
    sink: &Sink,
    batch: i64,
) -> Result<usize, SinkError> {
    let cursor = store.xapi_cursor().await?;
    let events = store.learning_events(cursor, batch).await?;
    if events.is_empty() {
        return Ok(0);
    }
    let catalog = catalog.current();
    let statements: Vec<serde_json::Value> =
        events.iter().map(|e| statement(e, &catalog)).collect();
    sink.send(&statements).await?;
    let last = |kind: &str, old: i64| {
        events
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.id)
            .max()
            .unwrap_or(old)
    };
    store
        .set_xapi_cursor(
            last("answered", cursor.0),
            last("completed", cursor.1),
            last("experienced", cursor.2),
        )
        .await?;
    Ok(statements.len())
}
