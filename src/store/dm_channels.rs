//! Members' DM channels, remembered across restarts so that a DM is opened once, ever.

use super::{Store, StoreError, ts};
use chrono::{DateTime, Utc};

impl Store {
    /// The DM channel known for a member of a tenant (by the member's platform id).
    #[tracing::instrument(name = "store.dm_channel", skip(self))]
    pub async fn dm_channel(
        &self,
        tenant_id: i64,
        user: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT d.channel FROM dm_channels d JOIN members m ON m.id = d.member_id
             WHERE m.tenant_id = $1 AND m.external_id = $2",
        )
        .bind(tenant_id)
        .bind(user)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Remembers a member's DM channel (nothing for someone who is not a member).
    #[tracing::instrument(name = "store.remember_dm_channel", skip(self))]
    pub async fn remember_dm_channel(
        &self,
        tenant_id: i64,
        user: &str,
        channel: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO dm_channels (member_id, tenant_id, channel, opened_at)
             SELECT id, tenant_id, $3, $4 FROM members WHERE tenant_id = $1 AND external_id = $2
             ON CONFLICT (member_id) DO UPDATE SET channel = excluded.channel",
        )
        .bind(tenant_id)
        .bind(user)
        .bind(channel)
        .bind(ts(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
