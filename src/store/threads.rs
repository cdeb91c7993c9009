//! Messages that open a thread once posted: queued with a title, the thread recorded after the send.

use super::outbox::OutboxRow;
use super::{Conn, Store, StoreError};
use chrono::{DateTime, Utc};

impl Store {
    /// Queues a message that opens a thread titled `title` once posted; returns the outbox row's id
    /// (the existing row's when the dedupe key was queued before).
    pub async fn enqueue_thread_starter(
        conn: &mut Conn,
        tenant_id: i64,
        dedupe_key: &str,
        destination: &str,
        payload: &str,
        title: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        if Self::enqueue(conn, tenant_id, dedupe_key, destination, payload, None, now).await? {
            sqlx::query("UPDATE outbox SET thread_title = $1 WHERE dedupe_key = $2")
                .bind(title)
                .bind(dedupe_key)
                .execute(&mut *conn)
                .await?;
        }
        Ok(
            sqlx::query_scalar("SELECT id FROM outbox WHERE dedupe_key = $1")
                .bind(dedupe_key)
                .fetch_one(&mut *conn)
                .await?,
        )
    }

    /// Records the thread opened under a posted message: where replies are posted and how the
    /// platform names the thread in incoming events.
    pub async fn mark_thread_opened(
        &self,
        outbox_id: i64,
        channel: &str,
        thread_key: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET thread_channel = $1, thread_key = $2 WHERE id = $3")
            .bind(channel)
            .bind(thread_key)
            .bind(outbox_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Asks for the thread the queued message `dedupe_key` goes to be locked once it is posted.
    pub async fn lock_thread_after(conn: &mut Conn, dedupe_key: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET lock_thread = 1 WHERE dedupe_key = $1")
            .bind(dedupe_key)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// Gives up on a message's thread (an empty key never matches a platform's thread).
    pub async fn mark_thread_failed(&self, outbox_id: i64, error: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET thread_key = '', last_error = $1 WHERE id = $2")
            .bind(format!("thread: {error}"))
            .bind(outbox_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Posted messages whose thread could not be opened yet (after row `after_id`, in id order),
    /// with the platform's reference.
    pub async fn threads_to_open(
        &self,
        limit: i64,
        after_id: i64,
    ) -> Result<Vec<(OutboxRow, String)>, StoreError> {
        use sqlx::{FromRow, Row};
        let rows = sqlx::query(
            "SELECT o.id, o.tenant_id, t.platform, t.external_id AS tenant_external_id,
                    o.dedupe_key, o.destination, o.payload, o.attempts, o.thread_title, o.lock_thread,
                    o.platform_ref
             FROM outbox o JOIN tenants t ON t.id = o.tenant_id
             WHERE o.thread_title IS NOT NULL AND o.thread_key IS NULL AND o.state = 'sent'
               AND o.id > $2
             ORDER BY o.id LIMIT $1",
        )
        .bind(limit)
        .bind(after_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let reference: Option<String> = row.try_get("platform_ref")?;
            if let Some(reference) = reference {
                out.push((OutboxRow::from_row(row)?, reference));
            }
        }
        Ok(out)
    }

    /// Where a thread's replies are posted, by the thread's key (None until it is opened).
    pub async fn thread_of(
        conn: &mut Conn,
        outbox_id: i64,
    ) -> Result<Option<(String, String)>, StoreError> {
        let row: Option<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT thread_channel, thread_key FROM outbox WHERE id = $1")
                .bind(outbox_id)
                .fetch_optional(&mut *conn)
                .await?;
        Ok(row.and_then(|(c, k)| Some((c?, k?))))
    }
}
