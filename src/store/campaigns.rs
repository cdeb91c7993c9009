//! Campaigns and their recipients: each recipient row is a persisted job with its next fire time.

use super::{Conn, Store, StoreError, parse_ts, ts};
use crate::domain::campaign::CampaignSpec;
use chrono::{DateTime, Utc};

/// A stored campaign, as text fields the engine turns back into a spec.
#[derive(Debug, Clone)]
pub struct CampaignRecord {
    pub id: i64,
    pub tenant_id: i64,
    pub name: String,
    pub course_id: String,
    pub target_kind: String,
    pub channel: Option<String>,
    pub cron: String,
    pub time_zone: String,
    pub learner_zone: bool,
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub due_on: Option<String>,
    pub state: String,
    pub when_done: String,
    pub catch_up: String,
    pub created_by: String,
}

/// A recipient whose next lesson or reminder is due, with what deciding about it needs.
#[derive(Debug, Clone)]
pub struct DueRecipient {
    pub id: i64,
    pub campaign_id: i64,
    pub platform: String,
    pub tenant_external_id: String,
    pub recipient_kind: String,
    pub recipient: String,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub member_zone: Option<String>,
    pub paused: Option<bool>,
    pub snoozed_until: Option<String>,
    pub due_at: Option<String>,
    pub lessons_sent: i64,
    pub reminders_sent: i64,
    pub recipient_state: String,
}

/// A channel (no member) or a member joining a campaign, with their first fire times.
#[derive(Debug, Clone)]
pub struct NewRecipient<'a> {
    pub campaign_id: i64,
    /// The channel id, or the member's platform id.
    pub recipient: &'a str,
    pub member_id: Option<i64>,
    pub next_due_at: Option<DateTime<Utc>>,
    pub next_reminder_at: Option<DateTime<Utc>>,
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
    pub next_due_at: Option<String>,
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
from_row!(DueRecipient {
    id,
    campaign_id,
    platform,
    tenant_external_id,
    recipient_kind,
    recipient,
    member_id,
    member_name,
    member_zone,
    paused,
    snoozed_until,
    due_at,
    lessons_sent,
    reminders_sent,
    recipient_state,
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

const RECIPIENT_SQL: &str = "SELECT r.id, r.campaign_id, t.platform, t.external_id AS tenant_external_id,
    r.recipient_kind, r.recipient, r.member_id, m.display_name AS member_name, m.time_zone AS member_zone,
    m.paused, m.snoozed_until, r.{col} AS due_at, r.lessons_sent, r.reminders_sent, r.state AS recipient_state
    FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id JOIN tenants t ON t.id = c.tenant_id
    LEFT JOIN members m ON m.id = r.member_id";

/// Rows of active campaigns whose `col` time has come. Lessons go to active recipients only;
/// reminders also to those who were sent every lesson but have not completed the course.
fn due_sql(col: &str) -> String {
    let recipients = if col == "next_due_at" {
        "r.state = 'active'"
    } else {
        "r.state IN ('active', 'done')"
    };
    format!(
        "{} WHERE c.state = 'active' AND {recipients} AND r.{col} <= $1 ORDER BY r.{col}, r.id LIMIT $2",
        RECIPIENT_SQL.replace("{col}", col)
    )
}

impl Store {
    /// Inserts a campaign; None when the tenant already has one with this name.
    pub async fn insert_campaign(
        conn: &mut Conn,
        tenant_id: i64,
        spec: &CampaignSpec,
        created_by: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO campaigns (tenant_id, name, course_id, target_kind, channel, cron, time_zone,
                learner_zone, starts_on, ends_on, due_on, state, when_done, catch_up, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
             ON CONFLICT (tenant_id, name) DO NOTHING RETURNING id",
        )
        .bind(tenant_id)
        .bind(&spec.name)
        .bind(&spec.course)
        .bind(if spec.dm { "members" } else { "channel" })
        .bind(&spec.channel)
        .bind(spec.schedule.cron.to_string())
        .bind(spec.schedule.zone.name())
        .bind(spec.learner_time)
        .bind(spec.starts_on.to_string())
        .bind(spec.ends_on.map(|d| d.to_string()))
        .bind(spec.due_on.map(|d| d.to_string()))
        .bind(if spec.draft { "draft" } else { "active" })
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
    pub async fn campaign(conn: &mut Conn, id: i64) -> Result<Option<CampaignRecord>, StoreError> {
        Ok(sqlx::query_as(&format!("{CAMPAIGN_SQL} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?)
    }

    pub async fn set_campaign_state(
        conn: &mut Conn,
        id: i64,
        state: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE campaigns SET state = $1 WHERE id = $2")
            .bind(state)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// Adds a recipient; false when it was already enrolled.
    pub async fn enroll(
        conn: &mut Conn,
        r: &NewRecipient<'_>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO campaign_recipients (campaign_id, recipient_kind, recipient, member_id, state,
                next_due_at, next_reminder_at, enrolled_at)
             VALUES ($1, $2, $3, $4, 'active', $5, $6, $7)
             ON CONFLICT (campaign_id, recipient_kind, recipient) DO NOTHING",
        )
        .bind(r.campaign_id)
        .bind(if r.member_id.is_some() { "member" } else { "channel" })
        .bind(r.recipient)
        .bind(r.member_id)
        .bind(r.next_due_at.map(ts))
        .bind(r.next_reminder_at.map(ts))
        .bind(ts(now))
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Recipients of active campaigns due for a lesson at `now`, earliest first.
    pub async fn due_recipients(
        conn: &mut Conn,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<DueRecipient>, StoreError> {
        Ok(sqlx::query_as(&due_sql("next_due_at"))
            .bind(ts(now))
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?)
    }

    /// Recipients of active campaigns due for a due-date reminder at `now`.
    pub async fn due_reminders(
        conn: &mut Conn,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<DueRecipient>, StoreError> {
        Ok(sqlx::query_as(&due_sql("next_reminder_at"))
            .bind(ts(now))
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?)
    }

    /// Records a slot: `sent` counts a lesson; `done` ends the recipient's lessons (reminders go on
    /// until the course is completed).
    pub async fn advance_recipient(
        conn: &mut Conn,
        id: i64,
        next: Option<DateTime<Utc>>,
        sent: bool,
        done: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE campaign_recipients SET next_due_at = $1,
                lessons_sent = lessons_sent + $2,
                last_sent_at = CASE WHEN $2 = 1 THEN $3 ELSE last_sent_at END,
                state = CASE WHEN $4 THEN 'done' ELSE state END
             WHERE id = $5",
        )
        .bind(next.map(ts))
        .bind(i64::from(sent))
        .bind(ts(now))
        .bind(done)
        .bind(id)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    pub async fn set_next_reminder(
        conn: &mut Conn,
        id: i64,
        next: Option<DateTime<Utc>>,
        reminded: bool,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE campaign_recipients SET next_reminder_at = $1, reminders_sent = reminders_sent + $2
             WHERE id = $3",
        )
        .bind(next.map(ts))
        .bind(i64::from(reminded))
        .bind(id)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Every recipient of a campaign, in enrolment order.
    pub async fn recipients_of(
        conn: &mut Conn,
        campaign_id: i64,
    ) -> Result<Vec<DueRecipient>, StoreError> {
        let sql = format!(
            "{} WHERE r.campaign_id = $1 ORDER BY r.id",
            RECIPIENT_SQL.replace("{col}", "next_due_at")
        );
        Ok(sqlx::query_as(&sql)
            .bind(campaign_id)
            .fetch_all(&mut *conn)
            .await?)
    }

    /// Moves every active recipient's next lesson to `at` (send-next) or to the given times.
    pub async fn set_recipient_due(
        conn: &mut Conn,
        id: i64,
        at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE campaign_recipients SET next_due_at = $1 WHERE id = $2")
            .bind(at.map(ts))
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    pub async fn campaign_stats(
        conn: &mut Conn,
        campaign_id: i64,
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

    /// When the scheduler must next wake: the earliest lesson or reminder of an active campaign.
    pub async fn next_campaign_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<String> = sqlx::query_scalar(
            "SELECT MIN(at) FROM (
               SELECT MIN(r.next_due_at) AS at FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id
                 WHERE c.state = 'active' AND r.state = 'active'
               UNION ALL
               SELECT MIN(r.next_reminder_at) FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id
                 WHERE c.state = 'active') AS due",
        )
        .fetch_one(&self.pool)
        .await?;
        at.map(|s| parse_ts(&s)).transpose()
    }
}

/// A DM campaign whose channel's current members are still to be enrolled.
#[derive(Debug, Clone)]
pub struct RosterDue {
    pub campaign_id: i64,
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
        campaign_id: i64,
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
