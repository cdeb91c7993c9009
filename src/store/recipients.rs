//! Campaign recipients: each row is a persisted job with its own cursor and next fire time; the
//! scheduler reads the due ones and advances them in the same transaction as their deliveries.

use super::{
    CampaignId, Conn, RecipientKind, RecipientState, Store, StoreError, Timestamp, parse_ts, ts,
};
use chrono::{DateTime, Utc};

/// A recipient whose next lesson or reminder is due, with what deciding about it needs.
#[derive(Debug, Clone)]
pub struct DueRecipient {
    pub id: i64,
    pub campaign_id: CampaignId,
    pub platform: String,
    pub tenant_external_id: String,
    pub recipient_kind: RecipientKind,
    pub recipient: String,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub member_zone: Option<String>,
    pub paused: Option<bool>,
    pub snoozed_until: Option<Timestamp>,
    pub due_at: Option<Timestamp>,
    pub lessons_sent: i64,
    pub reminders_sent: i64,
    pub recipient_state: RecipientState,
}

/// A channel (no member) or a member joining a campaign, with their first fire times.
#[derive(Debug, Clone)]
pub struct NewRecipient<'a> {
    pub campaign_id: CampaignId,
    /// The channel id, or the member's platform id.
    pub recipient: &'a str,
    pub member_id: Option<i64>,
    pub next_due_at: Option<DateTime<Utc>>,
    pub next_reminder_at: Option<DateTime<Utc>>,
}

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

const RECIPIENT_SQL: &str = "SELECT r.id, r.campaign_id, t.platform, t.external_id AS tenant_external_id,
    r.recipient_kind, r.recipient, r.member_id, m.display_name AS member_name, m.time_zone AS member_zone,
    m.paused, m.snoozed_until, r.{col} AS due_at, r.lessons_sent, r.reminders_sent, r.state AS recipient_state
    FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id JOIN tenants t ON t.id = c.tenant_id
    LEFT JOIN members m ON m.id = r.member_id";

/// What a recipient row is due for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueFor {
    Lesson,
    Reminder,
}

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
        .bind(if r.member_id.is_some() {
            RecipientKind::Member
        } else {
            RecipientKind::Channel
        })
        .bind(r.recipient)
        .bind(r.member_id)
        .bind(r.next_due_at.map(ts))
        .bind(r.next_reminder_at.map(ts))
        .bind(ts(now))
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Recipients of active campaigns due for a lesson (or a reminder) at `now`, earliest first.
    pub async fn due(
        conn: &mut Conn,
        what: DueFor,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<DueRecipient>, StoreError> {
        let col = match what {
            DueFor::Lesson => "next_due_at",
            DueFor::Reminder => "next_reminder_at",
        };
        Ok(sqlx::query_as(&due_sql(col))
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
        campaign_id: CampaignId,
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

    /// Sets one recipient's next lesson time (None: nothing scheduled).
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

    /// When the scheduler must next wake: the earliest lesson or reminder of an active campaign, or
    /// review DM.
    pub async fn next_campaign_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<String> = sqlx::query_scalar(
            "SELECT MIN(at) FROM (
               SELECT MIN(r.next_due_at) AS at FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id
                 WHERE c.state = 'active' AND r.state = 'active'
               UNION ALL
               SELECT MIN(r.next_reminder_at) FROM campaign_recipients r JOIN campaigns c ON c.id = r.campaign_id
                 WHERE c.state = 'active'
               UNION ALL
               SELECT MIN(next_at) FROM review_schedules
               UNION ALL
               SELECT MIN(next_round_at) FROM partner_pools WHERE state = 'active'
               UNION ALL
               SELECT MIN(checkin_at) FROM partner_rounds
               UNION ALL
               SELECT MIN(next_at) FROM community_schedules) AS due",
        )
        .fetch_one(&self.pool)
        .await?;
        at.map(|s| parse_ts(&s)).transpose()
    }
}
