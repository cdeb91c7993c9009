//! The single-daemon lock: one row naming the daemon that runs on this database, kept alive by its
//! heartbeat. Taken in one IMMEDIATE transaction, so two daemons starting at once cannot both win.

use super::{Store, StoreError, parse_ts, ts};
use chrono::{DateTime, Utc};

/// Who holds (or asks for) the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    /// Unique to one daemon run: a restarted daemon on the same host and pid is still a new holder.
    pub token: String,
    pub host: String,
    pub pid: i64,
    pub started_at: DateTime<Utc>,
    pub heartbeat_at: DateTime<Utc>,
}

/// What asking for the lock found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockOutcome {
    /// Nobody held it: it is ours.
    Taken,
    /// Its holder's heartbeat had stopped (a crashed daemon): it is ours now.
    TakenOver(LockHolder),
    /// Another daemon holds it, its heartbeat fresh.
    Held(LockHolder),
}

type Row = (String, String, i64, String, String);

fn holder(row: Row) -> Result<LockHolder, StoreError> {
    Ok(LockHolder {
        token: row.0,
        host: row.1,
        pid: row.2,
        started_at: parse_ts(&row.3)?,
        heartbeat_at: parse_ts(&row.4)?,
    })
}

impl Store {
    /// Takes the lock for `me` unless another holder's heartbeat is younger than `expiry` at `now`
    /// and `is_gone` does not know it to have ended (a process of this host that no longer exists).
    pub async fn take_daemon_lock(
        &self,
        me: &LockHolder,
        now: DateTime<Utc>,
        expiry: chrono::Duration,
        is_gone: impl Fn(&LockHolder) -> bool,
    ) -> Result<LockOutcome, StoreError> {
        let mut tx = self.begin().await?;
        let current: Option<Row> = sqlx::query_as(
            "SELECT token, host, pid, started_at, heartbeat_at FROM daemon_lock WHERE id = 1",
        )
        .fetch_optional(&mut *tx)
        .await?;
        let previous = current.map(holder).transpose()?;
        if let Some(other) = &previous
            && other.token != me.token
            && other.heartbeat_at + expiry > now
            && !is_gone(other)
        {
            tx.rollback().await?;
            return Ok(LockOutcome::Held(other.clone()));
        }
        sqlx::query(
            "INSERT INTO daemon_lock (id, token, host, pid, started_at, heartbeat_at)
             VALUES (1, $1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET token = excluded.token, host = excluded.host,
               pid = excluded.pid, started_at = excluded.started_at,
               heartbeat_at = excluded.heartbeat_at",
        )
        .bind(&me.token)
        .bind(&me.host)
        .bind(me.pid)
        .bind(ts(me.started_at))
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(match previous {
            Some(other) if other.token != me.token => LockOutcome::TakenOver(other),
            _ => LockOutcome::Taken,
        })
    }

    /// Refreshes the holder's heartbeat; false when the lock is no longer its own (taken over).
    pub async fn daemon_lock_heartbeat(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done =
            sqlx::query("UPDATE daemon_lock SET heartbeat_at = $1 WHERE id = 1 AND token = $2")
                .bind(ts(now))
                .bind(token)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives the lock up (a clean shutdown), if it is still the holder's.
    pub async fn release_daemon_lock(&self, token: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM daemon_lock WHERE id = 1 AND token = $1")
            .bind(token)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The current holder, if any.
    pub async fn daemon_lock(&self) -> Result<Option<LockHolder>, StoreError> {
        let row: Option<Row> = sqlx::query_as(
            "SELECT token, host, pid, started_at, heartbeat_at FROM daemon_lock WHERE id = 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(holder).transpose()
    }
}
