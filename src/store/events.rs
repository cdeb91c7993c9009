//! Deduplication of incoming platform events, in the same transaction as their effects.

use super::{Conn, Store, StoreError, ts};
use chrono::{DateTime, Utc};

impl Store {
    /// Records the event key; false when it was already processed (a redelivery).
    pub async fn mark_event_processed(
        conn: &mut Conn,
        tenant_id: i64,
        event_key: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO processed_events (tenant_id, event_key, processed_at) VALUES ($1, $2, $3)
             ON CONFLICT (tenant_id, event_key) DO NOTHING",
        )
        .bind(tenant_id)
        .bind(event_key)
        .bind(ts(now))
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
