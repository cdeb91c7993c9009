//! Community settings and schedules: prompt, check-in and digest schedules, the stories and Q&A
//! channels, and topic suggestions with their votes.

use super::{Conn, ScheduleKind, Store, StoreError, Timestamp, ts};
use chrono::{DateTime, Utc};

/// A prompt, check-in or digest schedule for a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunitySchedule {
    pub id: i64,
    pub tenant_id: i64,
    pub channel: String,
    pub kind: ScheduleKind,
    pub course_id: String,
    pub cron: String,
    pub time_zone: String,
    pub next_at: Option<Timestamp>,
    pub position: i64,
}

from_row!(CommunitySchedule {
    id,
    tenant_id,
    channel,
    kind,
    course_id,
    cron,
    time_zone,
    next_at,
    position,
});

const SCHEDULE_SQL: &str =
    "SELECT id, tenant_id, channel, kind, course_id, cron, time_zone, next_at,
    position FROM community_schedules";

/// A topic suggestion with its votes (the suggester's included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestionRow {
    pub id: i64,
    pub topic: String,
    pub votes: i64,
}

from_row!(SuggestionRow { id, topic, votes });

impl Store {
    /// Creates or replaces the channel's schedule of this kind (and course); returns its id.
    #[allow(clippy::too_many_arguments)]
    pub async fn upsert_community_schedule(
        conn: &mut Conn,
        tenant_id: i64,
        channel: &str,
        kind: ScheduleKind,
        course_id: &str,
        (cron, zone): (&str, &str),
        next_at: DateTime<Utc>,
        created_by: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        sqlx::query(
            "INSERT INTO community_schedules (tenant_id, channel, kind, course_id, cron, time_zone,
                 next_at, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (tenant_id, channel, kind, course_id)
             DO UPDATE SET cron = excluded.cron, time_zone = excluded.time_zone, next_at = excluded.next_at",
        )
        .bind(tenant_id)
        .bind(channel)
        .bind(kind)
        .bind(course_id)
        .bind(cron)
        .bind(zone)
        .bind(ts(next_at))
        .bind(created_by)
        .bind(ts(now))
        .execute(&mut *conn)
        .await?;
        Ok(sqlx::query_scalar(
            "SELECT id FROM community_schedules
             WHERE tenant_id = $1 AND channel = $2 AND kind = $3 AND course_id = $4",
        )
        .bind(tenant_id)
        .bind(channel)
        .bind(kind)
        .bind(course_id)
        .fetch_one(&mut *conn)
        .await?)
    }

    pub async fn community_schedules(
        conn: &mut Conn,
        tenant_id: i64,
    ) -> Result<Vec<CommunitySchedule>, StoreError> {
        Ok(
            sqlx::query_as(&format!("{SCHEDULE_SQL} WHERE tenant_id = $1 ORDER BY id"))
                .bind(tenant_id)
                .fetch_all(&mut *conn)
                .await?,
        )
    }

    /// Deletes one of the tenant's schedules; false when there is none with this id.
    pub async fn delete_community_schedule(
        conn: &mut Conn,
        tenant_id: i64,
        id: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM community_schedules WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn due_community_schedules(
        conn: &mut Conn,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<CommunitySchedule>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{SCHEDULE_SQL} WHERE next_at <= $1 ORDER BY next_at, id LIMIT $2"
        ))
        .bind(ts(now))
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?)
    }

    /// Moves a schedule on after it fired (None: it never fires again).
    pub async fn advance_community_schedule(
        conn: &mut Conn,
        id: i64,
        next_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE community_schedules SET next_at = $1, position = position + 1 WHERE id = $2",
        )
        .bind(next_at.map(ts))
        .bind(id)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    pub async fn set_community_channel(
        conn: &mut Conn,
        tenant_id: i64,
        role: &str,
        course_id: &str,
        channel: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO community_channels (tenant_id, role, course_id, channel) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, role, course_id) DO UPDATE SET channel = excluded.channel",
        )
        .bind(tenant_id)
        .bind(role)
        .bind(course_id)
        .bind(channel)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// The channel set for this role and course, else the one set for any course ('').
    pub async fn community_channel(
        conn: &mut Conn,
        tenant_id: i64,
        role: &str,
        course_id: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT channel FROM community_channels
             WHERE tenant_id = $1 AND role = $2 AND course_id IN ($3, '')
             ORDER BY course_id DESC LIMIT 1",
        )
        .bind(tenant_id)
        .bind(role)
        .bind(course_id)
        .fetch_optional(&mut *conn)
        .await?)
    }

    /// Adds a suggestion, or a vote when the topic was suggested before; returns (id, new vote?).
    pub async fn suggest(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
        (topic, key): (&str, &str),
        now: DateTime<Utc>,
    ) -> Result<(i64, bool), StoreError> {
        sqlx::query(
            "INSERT INTO suggestions (tenant_id, member_id, topic, topic_key, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, topic_key) DO NOTHING",
        )
        .bind(tenant_id)
        .bind(member_id)
        .bind(topic)
        .bind(key)
        .bind(ts(now))
        .execute(&mut *conn)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "SELECT id FROM suggestions WHERE tenant_id = $1 AND topic_key = $2",
        )
        .bind(tenant_id)
        .bind(key)
        .fetch_one(&mut *conn)
        .await?;
        Ok((id, Self::vote(conn, tenant_id, id, member_id, now).await?))
    }

    /// A member's vote for a suggestion of this tenant; false when they had voted already or there
    /// is no such suggestion here.
    pub async fn vote(
        conn: &mut Conn,
        tenant_id: i64,
        suggestion_id: i64,
        member_id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO suggestion_votes (suggestion_id, member_id, voted_at)
             SELECT id, $1, $2 FROM suggestions WHERE id = $3 AND tenant_id = $4
             ON CONFLICT (suggestion_id, member_id) DO NOTHING",
        )
        .bind(member_id)
        .bind(ts(now))
        .bind(suggestion_id)
        .bind(tenant_id)
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Suggestions, most votes first.
    pub async fn suggestions(
        conn: &mut Conn,
        tenant_id: i64,
        limit: i64,
    ) -> Result<Vec<SuggestionRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT s.id, s.topic, (SELECT COUNT(*) FROM suggestion_votes v WHERE v.suggestion_id = s.id) AS votes
             FROM suggestions s WHERE s.tenant_id = $1 ORDER BY votes DESC, s.id LIMIT $2",
        )
        .bind(tenant_id)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?)
    }
}
