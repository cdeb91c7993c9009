//! Campaigns and their recipients: each recipient row is a persisted job with its next fire time.

use super::{CampaignId, CampaignState, CampaignTarget, Conn, Store, StoreError, Timestamp, ts};
use crate::domain::campaign::CampaignSpec;
use chrono::{DateTime, Utc};

/// A stored campaign, as text fields the engine turns back into a spec.
#[derive(Debug, Clone)]
pub struct CampaignRecord {
    pub id: CampaignId,
    pub tenant_id: i64,
    pub name: String,
    pub course_id: String,
    pub target_kind: CampaignTarget,
    pub channel: Option<String>,
    pub cron: String,
    pub time_zone: String,
    pub learner_zone: bool,
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub due_on: Option<String>,
    pub state: CampaignState,
    pub when_done: String,
    pub catch_up: String,
    pub created_by: String,
}

/// Counts for `campaign show`.
#[derive(Debug, Clone, Default)]
pub struct CampaignStats {
    pub recipients: i64,
    pub done: i64,
    pub lessons_sent: i64,
    pub messages_pending: i64,
    pub messages_sent: i64,
    pub messages_failed: i64,
    pub next_due_at: Option<Timestamp>,
}

from_row!(CampaignRecord {
    id,
    tenant_id,
    name,
    course_id,
    target_kind,
    channel,
    cron,
    time_zone,
    learner_zone,
    starts_on,
    ends_on,
    due_on,
    state,
    when_done,
    catch_up,
    created_by,
});
from_row!(CampaignStats {
    recipients,
    done,
    lessons_sent,
    messages_pending,
    messages_sent,
    messages_failed,
    next_due_at,
});

const CAMPAIGN_SQL: &str = "SELECT id, tenant_id, name, course_id, target_kind, channel, cron, time_zone,
    learner_zone, starts_on, ends_on, due_on, state, when_done, catch_up, created_by FROM campaigns";

impl Store {
    /// Inserts a campaign; None when the tenant already has one with this name.
    pub async fn insert_campaign(
        conn: &mut Conn,
        tenant_id: i64,
        spec: &CampaignSpec,
        created_by: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<CampaignId>, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO campaigns (tenant_id, name, course_id, target_kind, channel, cron, time_zone,
                learner_zone, starts_on, ends_on, due_on, state, when_done, catch_up, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
             ON CONFLICT (tenant_id, name) DO NOTHING RETURNING id",
        )
        .bind(tenant_id)
        .bind(&spec.name)
        .bind(&spec.course)
        .bind(if spec.dm {
            CampaignTarget::Members
        } else {
            CampaignTarget::Channel
        })
        .bind(&spec.channel)
        .bind(spec.schedule.cron.to_string())
        .bind(spec.schedule.zone.name())
        .bind(spec.learner_time)
        .bind(spec.starts_on.to_string())
        .bind(spec.ends_on.map(|d| d.to_string()))
        .bind(spec.due_on.map(|d| d.to_string()))
        .bind(if spec.draft {
            CampaignState::Draft
        } else {
            CampaignState::Active
        })
        .bind(spec.when_done.as_str())
        .bind(spec.catch_up.as_str())
        .bind(created_by)
        .bind(ts(now))
        .fetch_optional(&mut *conn)
        .await?)
    }

    pub async fn campaigns(
        conn: &mut Conn,
        tenant_id: i64,
    ) -> Result<Vec<CampaignRecord>, StoreError> {
        Ok(
            sqlx::query_as(&format!("{CAMPAIGN_SQL} WHERE tenant_id = $1 ORDER BY id"))
                .bind(tenant_id)
                .fetch_all(&mut *conn)
                .await?,
        )
    }

    /// A campaign by id (any tenant: the caller checks).
    pub async fn campaign(
        conn: &mut Conn,
        id: CampaignId,
    ) -> Result<Option<CampaignRecord>, StoreError> {
        Ok(sqlx::query_as(&format!("{CAMPAIGN_SQL} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?)
    }

    pub async fn set_campaign_state(
        conn: &mut Conn,
        id: CampaignId,
        state: CampaignState,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE campaigns SET state = $1 WHERE id = $2")
            .bind(state)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    pub async fn campaign_stats(
        conn: &mut Conn,
        campaign_id: CampaignId,
    ) -> Result<CampaignStats, StoreError> {
        Ok(sqlx::query_as(
            "SELECT
               (SELECT COUNT(*) FROM campaign_recipients WHERE campaign_id = $1) AS recipients,
               (SELECT COUNT(*) FROM campaign_recipients WHERE campaign_id = $1 AND state = 'done') AS done,
               (SELECT COALESCE(SUM(lessons_sent), 0) FROM campaign_recipients WHERE campaign_id = $1) AS lessons_sent,
               (SELECT COUNT(*) FROM outbox o JOIN deliveries d ON d.id = o.delivery_id
                  WHERE d.origin = $2 AND o.state IN ('pending', 'sending')) AS messages_pending,
               (SELECT COUNT(*) FROM outbox o JOIN deliveries d ON d.id = o.delivery_id
                  WHERE d.origin = $2 AND o.state = 'sent') AS messages_sent,
               (SELECT COUNT(*) FROM outbox o JOIN deliveries d ON d.id = o.delivery_id
                  WHERE d.origin = $2 AND o.state = 'failed') AS messages_failed,
               (SELECT MIN(next_due_at) FROM campaign_recipients
                  WHERE campaign_id = $1 AND state = 'active') AS next_due_at",
        )
        .bind(campaign_id)
        .bind(format!("campaign:{campaign_id}"))
        .fetch_one(&mut *conn)
        .await?)
    }
}

/// A DM campaign whose channel's current members are still to be enrolled.
#[derive(Debug, Clone)]
pub struct RosterDue {
    pub campaign_id: CampaignId,
    pub platform: String,
    pub tenant_external_id: String,
    pub channel: String,
}
from_row!(RosterDue {
    campaign_id,
    platform,
    tenant_external_id,
    channel
});

impl Store {
    pub async fn rosters_due(&self) -> Result<Vec<RosterDue>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT c.id AS campaign_id, t.platform, t.external_id AS tenant_external_id, c.channel
             FROM campaigns c JOIN tenants t ON t.id = c.tenant_id
             WHERE c.target_kind = 'members' AND c.channel IS NOT NULL AND c.state <> 'finished'
               AND c.roster_synced_at IS NULL ORDER BY c.id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn mark_roster_synced(
        conn: &mut Conn,
        campaign_id: CampaignId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE campaigns SET roster_synced_at = $1 WHERE id = $2")
            .bind(ts(now))
            .bind(campaign_id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }
}
