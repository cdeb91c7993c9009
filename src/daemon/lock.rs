//! One daemon per database: the lock is taken at start (or refused, naming its holder), kept alive by
//! a heartbeat task, and released at a clean stop. A crashed daemon's lock expires after `EXPIRY`
//! without a heartbeat, at once when it ran on this host and its process is gone.

use crate::clock::Clock;
use crate::ops::{LoopHealth, Retry};
use crate::store::{LockHolder, LockOutcome, Store, StoreError};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

/// How often the holder refreshes its heartbeat.
pub const HEARTBEAT: Duration = Duration::from_secs(5);
/// How long a lock outlives its holder's last heartbeat.
pub const EXPIRY: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another nibble daemon is running on this database: pid {pid} on host `{host}`, running since {since}, last heartbeat {heartbeat}. Stop it first; if it crashed, its lock expires {expiry} s after its last heartbeat (at once when it ran on this host) and the next start takes it over",
        pid = .0.pid, host = .0.host, since = .0.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
        heartbeat = .0.heartbeat_at.format("%Y-%m-%d %H:%M:%S UTC"), expiry = EXPIRY.as_secs()
    )]
    Held(LockHolder),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// This process as a lock holder.
fn me(now: chrono::DateTime<chrono::Utc>) -> LockHolder {
    let host = host_name();
    let pid = i64::from(std::process::id());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    LockHolder {
        token: format!("{host}/{pid}/{nanos}"),
        host,
        pid,
        started_at: now,
        heartbeat_at: now,
    }
}

/// The machine's name as the kernel knows it (no extra dependency for one value).
pub fn host_name() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown".into())
}

/// Whether the holder ran on this host and its process no longer exists. Where processes cannot be
/// looked up (no `/proc`), it is assumed alive and its lock waits to expire.
fn is_gone(holder: &LockHolder) -> bool {
    let proc = std::path::Path::new("/proc");
    holder.host == host_name() && proc.join("self").exists() && !is_running(holder.pid)
}

/// Whether process `pid` still runs: a killed process not yet reaped by its parent (a zombie,
/// state `Z` in `/proc/<pid>/stat`) holds nothing any more.
fn is_running(pid: i64) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // `pid (comm) state …`: the command name may hold spaces or parentheses, so read after the last `)`.
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next());
    !matches!(state, Some("Z" | "X" | "x"))
}

/// The lock this daemon holds, with its heartbeat.
pub struct HeldLock {
    token: String,
    store: Store,
    heartbeat: JoinHandle<()>,
    lost: Arc<Notify>,
}

impl HeldLock {
    /// Takes the database's lock for this process, or says who holds it.
    pub async fn take(
        store: &Store,
        clock: Arc<dyn Clock>,
        health: Arc<LoopHealth>,
        shutdown: watch::Receiver<bool>,
    ) -> Result<Self, LockError> {
        let now = clock.now();
        let me = me(now);
        let expiry = chrono::Duration::from_std(EXPIRY).unwrap_or_default();
        match store.take_daemon_lock(&me, now, expiry, is_gone).await? {
            LockOutcome::Taken => {}
            LockOutcome::TakenOver(old) => tracing::warn!(
                host = %old.host, pid = old.pid, since = %old.started_at, last_heartbeat = %old.heartbeat_at,
                "took over the database lock of a daemon that stopped without releasing it (crashed?)"
            ),
            LockOutcome::Held(other) => return Err(LockError::Held(other)),
        }
        let lost = Arc::new(Notify::new());
        let heartbeat = tokio::spawn(beat(
            store.clone(),
            me.token.clone(),
            clock.clone(),
            Retry::new("database lock", health, clock),
            lost.clone(),
            shutdown,
        ));
        Ok(Self {
            token: me.token,
            store: store.clone(),
            heartbeat,
            lost,
        })
    }

    /// Notified when another daemon took the lock over (this one's heartbeat had stopped too long).
    pub fn lost(&self) -> Arc<Notify> {
        self.lost.clone()
    }

    /// What a stop that runs out of time still needs to release the lock.
    pub fn releaser(&self) -> (Store, String) {
        (self.store.clone(), self.token.clone())
    }

    /// Stops the heartbeat (the shutdown signal must have been sent) and gives the lock up.
    pub async fn release(self) {
        if let Err(e) = self.heartbeat.await {
            tracing::error!(error = %e, "the lock's heartbeat ended badly");
        }
        release(&self.store, &self.token).await;
    }
}

/// Gives the lock up, if it is still this token's.
pub async fn release(store: &Store, token: &str) {
    if let Err(e) = store.release_daemon_lock(token).await {
        tracing::error!(error = %e, "cannot release the database lock: the next start waits for it to expire");
    }
}

async fn beat(
    store: Store,
    token: String,
    clock: Arc<dyn Clock>,
    mut retry: Retry,
    lost: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut wait = HEARTBEAT;
    loop {
        tokio::select! {
            _ = clock.sleep(wait) => {}
            _ = shutdown.changed() => return,
        }
        wait = match store.daemon_lock_heartbeat(&token, clock.now()).await {
            Ok(true) => {
                retry.succeeded();
                HEARTBEAT
            }
            Ok(false) => {
                retry.failed(&"another daemon took this database's lock over", true);
                tracing::error!("another nibble daemon took this database's lock over: stopping");
                lost.notify_one();
                return;
            }
            // A failing store: retried with backoff, but never slower than the heartbeat.
            Err(e) => retry.failed(&e, true).min(HEARTBEAT),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::is_running;

    #[test]
    fn a_zombie_is_not_running_and_a_live_process_is() {
        assert!(is_running(i64::from(std::process::id())));
        // A child that exited and was not reaped yet is a zombie.
        let mut child = std::process::Command::new("true").spawn().expect("spawn");
        let pid = i64::from(child.id());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while is_running(pid) && std::time::Instant::now() < deadline {
            std::thread::yield_now();
        }
        assert!(!is_running(pid), "an exited, unreaped child holds nothing");
        child.wait().expect("reap");
        assert!(!is_running(pid));
    }
}
