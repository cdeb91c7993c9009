//! `nibble run`: the daemon from start to a clean stop within its deadline.

use super::signals::wait_for_signals;
use super::{Adapters, Daemon, DaemonError, STOP_DEADLINE, lock};
use crate::clock::SystemClock;
use crate::config::Config;
use std::collections::HashMap;
use std::sync::Arc;

/// `nibble run`: starts the daemon and serves until SIGINT or SIGTERM (or until another daemon took
/// the database over).
pub async fn run(config: Config, env: HashMap<String, String>) -> Result<(), DaemonError> {
    let adapters = Adapters::from_config(&config, &env)?;
    let platforms = adapters.platforms();
    if platforms.is_empty() {
        return Err(DaemonError::NoPlatform);
    }
    let mut daemon = Daemon::start(&config, platforms, Arc::new(SystemClock)).await?;
    if let Err(e) = daemon.connect(&config, &adapters).await {
        daemon.shutdown().await;
        return Err(e);
    }
    if let Err(e) = daemon.start_xapi(&config, &env) {
        daemon.shutdown().await;
        return Err(e);
    }
    let lost = daemon.lock.lost();
    let outcome = tokio::select! {
        r = wait_for_signals(&daemon) => r,
        _ = lost.notified() => Err(DaemonError::LockLost),
    };
    tracing::info!("stopping: finishing in-flight work");
    let (store, token) = daemon.lock.releaser();
    if tokio::time::timeout(STOP_DEADLINE, daemon.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "in-flight work did not finish within 10 s: stopping anyway (unsent messages are resent after a restart, never twice)"
        );
        // The next start need not wait for the lock to expire.
        lock::release(&store, &token).await;
    }
    outcome
}
