//! The outbox: messages written with the change that produced them, then sent by the dispatcher.

use super::{Conn, OutboxState, Store, StoreError, ts};
use chrono::{DateTime, Utc};

/// A message waiting to be (or being) sent.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub id: i64,
    pub tenant_id: i64,
    pub platform: String,
    pub tenant_external_id: String,
    pub dedupe_key: String,
    pub destination: String,
    pub payload: String,
    pub attempts: i64,
    /// Open a thread with this title under the message once it is posted.
    pub thread_title: Option<String>,
    /// Lock the thread this message goes to once it is posted.
    pub lock_thread: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub pending: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
}

const ROW_SQL: &str = "SELECT o.id, o.tenant_id, t.platform, t.external_id AS tenant_external_id,
    o.dedupe_key, o.destination, o.payload, o.attempts, o.thread_title, o.lock_thread
    FROM outbox o JOIN tenants t ON t.id = o.tenant_id";

impl Store {
    /// Queues a message; a second row with the same dedupe key is ignored (returns false).
    pub async fn enqueue(
        conn: &mut Conn,
        tenant_id: i64,
        dedupe_key: &str,
        destination: &str,
        payload: &str,
        delivery_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO outbox (tenant_id, dedupe_key, destination, payload, state, next_attempt_at, created_at, delivery_id)
             VALUES ($1, $2, $3, $4, 'pending', $5, $5, $6) ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(tenant_id)
        .bind(dedupe_key)
        .bind(destination)
        .bind(payload)
        .bind(ts(now))
        .bind(delivery_id)
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Queues many messages (tenant, dedupe key, destination, payload) in one statement per chunk;
    /// rows whose key was queued before are ignored.
    pub async fn enqueue_many(
        conn: &mut Conn,
        rows: &[(i64, String, String, String)],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        for chunk in rows.chunks(200) {
            let mut q: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(
                "INSERT INTO outbox (tenant_id, dedupe_key, destination, payload, state, next_attempt_at, created_at) ",
            );
            q.push_values(chunk, |mut b, (tenant, key, destination, payload)| {
                b.push_bind(*tenant)
                    .push_bind(key.clone())
                    .push_bind(destination.clone())
                    .push_bind(payload.clone())
                    .push_bind("pending")
                    .push_bind(ts(now))
                    .push_bind(ts(now));
            });
            q.push(" ON CONFLICT (dedupe_key) DO NOTHING");
            q.build().execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// Marks up to `limit` due rows `sending` (committed before any platform call) and returns them in order.
    #[tracing::instrument(name = "store.claim_due", skip(self))]
    pub async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        // On the fsyncing connection: the claim, and every commit before it, is on disk before we send.
        let mut tx = self.durable.begin_with("BEGIN IMMEDIATE").await?;
        // A row waits while an earlier one to its destination is in flight or backing off, so
        // messages to one place keep their order across passes.
        let mut rows: Vec<OutboxRow> = sqlx::query_as(&format!(
            "{ROW_SQL} WHERE o.state = 'pending' AND o.next_attempt_at <= $1
              AND NOT EXISTS (SELECT 1 FROM outbox e
                  WHERE e.tenant_id = o.tenant_id AND e.destination = o.destination AND e.id < o.id
                    AND (e.state = 'sending' OR (e.state = 'pending' AND e.next_attempt_at > $1)))
            ORDER BY o.id LIMIT $2"
        ))
        .bind(ts(now))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        for row in &mut rows {
            row.attempts += 1;
            sqlx::query(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = $1",
            )
            .bind(row.id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(rows)
    }

    /// Rows left `sending` by a crash: in doubt, to be resolved before anything is resent.
    pub async fn in_doubt(&self) -> Result<Vec<OutboxRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{ROW_SQL} WHERE o.state = 'sending' ORDER BY o.id"
        ))
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn mark_sent(
        &self,
        id: i64,
        platform_ref: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET state = 'sent', platform_ref = $1, sent_at = $2, last_error = NULL WHERE id = $3")
            .bind(platform_ref)
            .bind(ts(now))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Puts the row back to `pending`, to be tried again at `at`.
    pub async fn mark_retry(
        &self,
        id: i64,
        at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET state = 'pending', next_attempt_at = $1, last_error = $2 WHERE id = $3")
            .bind(ts(at))
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Gives up on the row; it stays for operators to inspect.
    pub async fn mark_failed(&self, id: i64, error: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET state = 'failed', last_error = $1 WHERE id = $2")
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// (pending, failed) outbox rows, counted through the state index (cheap at any size).
    pub async fn outbox_depth(&self) -> Result<(i64, i64), StoreError> {
        let count = |state: OutboxState| {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox WHERE state = $1")
                .bind(state)
                .fetch_one(&self.pool)
        };
        Ok((
            count(OutboxState::Pending).await?,
            count(OutboxState::Failed).await?,
        ))
    }

    /// Answers when the database does (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let rows: Vec<(OutboxState, i64)> =
            sqlx::query_as("SELECT state, COUNT(*) FROM outbox GROUP BY state")
                .fetch_all(&self.pool)
                .await?;
        let mut c = OutboxCounts::default();
        for (state, n) in rows {
            match state {
                OutboxState::Pending => c.pending = n,
                OutboxState::Sending => c.sending = n,
                OutboxState::Sent => c.sent = n,
                OutboxState::Failed => c.failed = n,
            }
        }
        Ok(c)
    }

    /// The earliest time a pending row becomes due, if any.
    pub async fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<String> =
            sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'")
                .fetch_one(&self.pool)
                .await?;
        at.map(|s| super::parse_ts(&s)).transpose()
    }
}

impl sqlx::FromRow<'_, sqlx::sqlite::SqliteRow> for OutboxRow {
    fn from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row;
        Ok(Self {
            id: row.try_get("id")?,
            tenant_id: row.try_get("tenant_id")?,
            platform: row.try_get("platform")?,
            tenant_external_id: row.try_get("tenant_external_id")?,
            dedupe_key: row.try_get("dedupe_key")?,
            destination: row.try_get("destination")?,
            payload: row.try_get("payload")?,
            attempts: row.try_get("attempts")?,
            thread_title: row.try_get("thread_title")?,
            lock_thread: row.try_get("lock_thread")?,
        })
    }
}

impl Store {
    /// Puts a claimed row back to `pending` until `at` without counting the attempt
    /// (a rate-limit pause or a message waiting behind an earlier one).
    pub async fn defer(&self, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET state = 'pending', next_attempt_at = $1, attempts = attempts - 1 WHERE id = $2",
        )
        .bind(ts(at))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
