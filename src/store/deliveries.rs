//! Deliveries (a lesson sent to a recipient) and the quiz prompts posted with them.

use super::{Conn, RecipientKind, Store, StoreError, ts};
use chrono::{DateTime, Utc};

pub struct NewDelivery<'a> {
    pub tenant_id: i64,
    pub origin: &'a str,
    pub lesson_id: &'a str,
    /// A member (by DM) or a channel.
    pub recipient_kind: RecipientKind,
    pub recipient: &'a str,
    pub member_id: Option<i64>,
    pub content_hash: &'a str,
}

#[derive(Debug, Clone)]
pub struct PromptRow {
    pub id: i64,
    pub tenant_id: i64,
    pub delivery_id: i64,
    pub lesson_id: String,
    pub question_id: String,
    pub member_id: Option<i64>,
    /// The platform id of the member a DM quiz was sent to.
    pub owner: Option<String>,
    /// The question's fingerprint when the card was posted (None for cards older than migration 3).
    pub question_hash: Option<String>,
}

impl Store {
    /// Creates the delivery; returns its id and false when this exact delivery already existed.
    #[tracing::instrument(name = "store.create_delivery", skip_all, fields(lesson = d.lesson_id))]
    pub async fn create_delivery(
        conn: &mut Conn,
        d: &NewDelivery<'_>,
        now: DateTime<Utc>,
    ) -> Result<(i64, bool), StoreError> {
        let created: Option<i64> = sqlx::query_scalar(
            "INSERT INTO deliveries (tenant_id, origin, lesson_id, recipient_kind, recipient, member_id, content_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (tenant_id, origin, lesson_id, recipient_kind, recipient) DO NOTHING
             RETURNING id",
        )
        .bind(d.tenant_id)
        .bind(d.origin)
        .bind(d.lesson_id)
        .bind(d.recipient_kind)
        .bind(d.recipient)
        .bind(d.member_id)
        .bind(d.content_hash)
        .bind(ts(now))
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(id) = created {
            return Ok((id, true));
        }
        let id: i64 = sqlx::query_scalar(
            "SELECT id FROM deliveries WHERE tenant_id = $1 AND origin = $2 AND lesson_id = $3
             AND recipient_kind = $4 AND recipient = $5",
        )
        .bind(d.tenant_id)
        .bind(d.origin)
        .bind(d.lesson_id)
        .bind(d.recipient_kind)
        .bind(d.recipient)
        .fetch_one(&mut *conn)
        .await?;
        Ok((id, false))
    }

    /// The prompt for (delivery, question), creating it if needed.
    pub async fn ensure_prompt(
        conn: &mut Conn,
        tenant_id: i64,
        delivery_id: i64,
        lesson_id: &str,
        question_id: &str,
        member_id: Option<i64>,
        question_hash: &str,
    ) -> Result<i64, StoreError> {
        // A resent card carries the question as it is now.
        sqlx::query(
            "INSERT INTO quiz_prompts (tenant_id, delivery_id, lesson_id, question_id, member_id, question_hash)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (delivery_id, question_id) DO UPDATE SET question_hash = excluded.question_hash",
        )
        .bind(tenant_id)
        .bind(delivery_id)
        .bind(lesson_id)
        .bind(question_id)
        .bind(member_id)
        .bind(question_hash)
        .execute(&mut *conn)
        .await?;
        Ok(sqlx::query_scalar(
            "SELECT id FROM quiz_prompts WHERE delivery_id = $1 AND question_id = $2",
        )
        .bind(delivery_id)
        .bind(question_id)
        .fetch_one(&mut *conn)
        .await?)
    }

    /// The prompt, only if it belongs to this tenant (a payload from elsewhere finds nothing).
    pub async fn find_tenant_prompt(
        conn: &mut Conn,
        prompt_id: i64,
        platform: &str,
        tenant_external_id: &str,
    ) -> Result<Option<PromptRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT p.id, p.tenant_id, p.delivery_id, p.lesson_id, p.question_id, p.member_id,
                    m.external_id AS owner, p.question_hash
             FROM quiz_prompts p JOIN tenants t ON t.id = p.tenant_id
             LEFT JOIN members m ON m.id = p.member_id
             WHERE p.id = $1 AND t.platform = $2 AND t.external_id = $3",
        )
        .bind(prompt_id)
        .bind(platform)
        .bind(tenant_external_id)
        .fetch_optional(&mut *conn)
        .await?)
    }

    /// A DM quiz's prompt on this platform, for clicks that carry no tenant (Discord DMs have no guild).
    /// Only prompts sent to one member qualify, and the caller checks that member is the clicker.
    pub async fn find_dm_prompt(
        conn: &mut Conn,
        prompt_id: i64,
        platform: &str,
    ) -> Result<Option<PromptRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT p.id, p.tenant_id, p.delivery_id, p.lesson_id, p.question_id, p.member_id,
                    m.external_id AS owner, p.question_hash
             FROM quiz_prompts p JOIN tenants t ON t.id = p.tenant_id
             JOIN members m ON m.id = p.member_id
             WHERE p.id = $1 AND t.platform = $2",
        )
        .bind(prompt_id)
        .bind(platform)
        .fetch_optional(&mut *conn)
        .await?)
    }

    /// Lesson ids this member has been sent by DM or has completed, in no particular order.
    pub async fn lessons_seen_by(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
    ) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT lesson_id FROM deliveries WHERE tenant_id = $1 AND member_id = $2
             UNION SELECT lesson_id FROM lesson_completions WHERE tenant_id = $1 AND member_id = $2
             UNION SELECT lesson_id FROM lesson_skips WHERE tenant_id = $1 AND member_id = $2",
        )
        .bind(tenant_id)
        .bind(member_id)
        .fetch_all(&mut *conn)
        .await?)
    }
}

impl sqlx::FromRow<'_, sqlx::sqlite::SqliteRow> for PromptRow {
    fn from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row;
        Ok(Self {
            id: row.try_get("id")?,
            tenant_id: row.try_get("tenant_id")?,
            delivery_id: row.try_get("delivery_id")?,
            lesson_id: row.try_get("lesson_id")?,
            question_id: row.try_get("question_id")?,
            member_id: row.try_get("member_id")?,
            owner: row.try_get("owner")?,
            question_hash: row.try_get("question_hash")?,
        })
    }
}

impl Store {
    /// Lesson ids already delivered to a channel (by any origin).
    pub async fn lessons_sent_to_channel(
        conn: &mut Conn,
        tenant_id: i64,
        channel: &str,
    ) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT lesson_id FROM deliveries
             WHERE tenant_id = $1 AND recipient_kind = 'channel' AND recipient = $2",
        )
        .bind(tenant_id)
        .bind(channel)
        .fetch_all(&mut *conn)
        .await?)
    }
}
