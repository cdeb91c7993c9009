//! Optional export of learning events as xAPI 1.0.3 statements to a Learning Record Store over HTTP
//! (batched, retried with backoff, resumed from a persisted cursor) or to a JSON Lines file. It runs
//! as its own task on its own reads: a slow or absent LRS never holds up the bot.

mod sink;
mod statement;

pub use sink::{CONNECT_TIMEOUT, REQUEST_TIMEOUT, Sink, SinkError};
pub use statement::{statement, statement_id};

use crate::engine::CatalogHandle;
use crate::store::Store;
use std::time::Duration;
use tokio::sync::watch;

/// Exports until shutdown; after a failure it backs off (1 s doubling to 60 s). A failing store is
/// reported to `/healthz` as such; a failing LRS only shows there, it does not make nibble unhealthy.
pub async fn run(
    store: Store,
    catalog: CatalogHandle,
    sink: Sink,
    batch: i64,
    interval: Duration,
    mut retry: crate::ops::Retry,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let exported = export_batch(&store, &catalog, &sink, batch).await;
        let wait = match exported {
            Ok(n) => {
                retry.succeeded();
                if n == 0 {
                    interval
                } else {
                    tracing::debug!(statements = n, "xAPI statements exported");
                    Duration::ZERO
                }
            }
            Err(e) => {
                let wait = retry.failed(&e, matches!(e, SinkError::Store(_)));
                tokio::select! {
                    _ = retry.wait(wait) => continue,
                    _ = shutdown.changed() => return,
                }
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
