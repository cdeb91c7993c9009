//! Replies members post in discussion threads: recorded once each, with what they hold in the ledger.

use super::discussions::{DiscussionRow, REPLY_SQL, ReplyRow};
use super::{Conn, Store, StoreError, ts};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

impl Store {
    /// Records a reply; None when this message was recorded before (a redelivery).
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_reply(
        conn: &mut Conn,
        discussion: &DiscussionRow,
        member_id: i64,
        channel: &str,
        message_id: &str,
        length: i64,
        day: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ReplyRow>, StoreError> {
        let done = sqlx::query(
            "INSERT INTO discussion_replies (discussion_id, tenant_id, member_id, channel, message_id,
                 length, day, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (tenant_id, channel, message_id) DO NOTHING",
        )
        .bind(discussion.id)
        .bind(discussion.tenant_id)
        .bind(member_id)
        .bind(channel)
        .bind(message_id)
        .bind(length)
        .bind(day)
        .bind(ts(now))
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        Self::reply_by_message(conn, discussion.tenant_id, channel, message_id).await
    }

    pub async fn reply_by_message(
        conn: &mut Conn,
        tenant_id: i64,
        channel: &str,
        message_id: &str,
    ) -> Result<Option<ReplyRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{REPLY_SQL} WHERE tenant_id = $1 AND channel = $2 AND message_id = $3"
        ))
        .bind(tenant_id)
        .bind(channel)
        .bind(message_id)
        .fetch_optional(&mut *conn)
        .await?)
    }

    pub async fn reply(
        conn: &mut Conn,
        tenant_id: i64,
        id: i64,
    ) -> Result<Option<ReplyRow>, StoreError> {
        Ok(
            sqlx::query_as(&format!("{REPLY_SQL} WHERE tenant_id = $1 AND id = $2"))
                .bind(tenant_id)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?,
        )
    }

    /// A discussion's replies (deleted ones included), oldest first.
    pub async fn replies_of(
        conn: &mut Conn,
        discussion_id: i64,
    ) -> Result<Vec<ReplyRow>, StoreError> {
        Ok(
            sqlx::query_as(&format!("{REPLY_SQL} WHERE discussion_id = $1 ORDER BY id"))
                .bind(discussion_id)
                .fetch_all(&mut *conn)
                .await?,
        )
    }

    /// How many of the member's replies on `day` hold a paid slot (deleted ones give theirs back).
    pub async fn counted_replies_on(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
        day: &str,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM discussion_replies
             WHERE tenant_id = $1 AND member_id = $2 AND day = $3 AND counted = 1 AND deleted_at IS NULL",
        )
        .bind(tenant_id)
        .bind(member_id)
        .bind(day)
        .fetch_one(&mut *conn)
        .await?)
    }

    /// Writes a reply's changeable state back.
    pub async fn save_reply(
        conn: &mut Conn,
        r: &ReplyRow,
        edited_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE discussion_replies SET length = $1, deleted_at = $2, counted = $3, featured = $4,
                 points_removed = $5, points = $6, ledger_seq = $7, edited_at = COALESCE($8, edited_at)
             WHERE id = $9",
        )
        .bind(r.length)
        .bind(r.deleted_at)
        .bind(r.counted)
        .bind(r.featured)
        .bind(r.points_removed)
        .bind(r.points)
        .bind(r.ledger_seq)
        .bind(edited_at.map(ts))
        .bind(r.id)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Replies each member has standing (not deleted), for thread-reply badges.
    pub async fn reply_counts(
        conn: &mut Conn,
        members: &[i64],
    ) -> Result<HashMap<i64, u32>, StoreError> {
        let mut out = HashMap::new();
        for chunk in members.chunks(500) {
            let mut q: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(
                "SELECT member_id, COUNT(*) FROM discussion_replies WHERE deleted_at IS NULL AND member_id IN (",
            );
            let mut list = q.separated(", ");
            for m in chunk {
                list.push_bind(*m);
            }
            q.push(") GROUP BY member_id");
            let rows: Vec<(i64, i64)> = q.build_query_as().fetch_all(&mut *conn).await?;
            out.extend(rows.into_iter().map(|(m, n)| (m, n as u32)));
        }
        Ok(out)
    }
}

impl Store {
    /// A moderator's feature (a reaction's name, or "command") on a reply.
    pub async fn add_feature(
        conn: &mut Conn,
        reply_id: i64,
        member_id: i64,
        reaction: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO reply_features (reply_id, member_id, reaction) VALUES ($1, $2, $3)
             ON CONFLICT (reply_id, member_id, reaction) DO NOTHING",
        )
        .bind(reply_id)
        .bind(member_id)
        .bind(reaction)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Takes one feature back (`reaction` None: every feature, as `/nibble unfeature` does);
    /// returns how many remain.
    pub async fn remove_feature(
        conn: &mut Conn,
        reply_id: i64,
        who: Option<(i64, &str)>,
    ) -> Result<i64, StoreError> {
        match who {
            Some((member_id, reaction)) => {
                sqlx::query(
                    "DELETE FROM reply_features WHERE reply_id = $1 AND member_id = $2 AND reaction = $3",
                )
                .bind(reply_id)
                .bind(member_id)
                .bind(reaction)
                .execute(&mut *conn)
                .await?
            }
            None => {
                sqlx::query("DELETE FROM reply_features WHERE reply_id = $1")
                    .bind(reply_id)
                    .execute(&mut *conn)
                    .await?
            }
        };
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM reply_features WHERE reply_id = $1")
                .bind(reply_id)
                .fetch_one(&mut *conn)
                .await?,
        )
    }

    /// Remembers a message deleted in a channel with discussions before its reply was recorded.
    pub async fn record_deleted_message(
        conn: &mut Conn,
        tenant_id: i64,
        channel: &str,
        message_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO deleted_messages (tenant_id, channel, message_id, deleted_at)
             SELECT $1, $2, $3, $4 WHERE EXISTS (
                 SELECT 1 FROM discussions d JOIN outbox o ON o.id = d.outbox_id
                 WHERE d.tenant_id = $1 AND (d.channel = $2 OR o.thread_key = $2 OR o.thread_channel = $2))
             ON CONFLICT (tenant_id, channel, message_id) DO NOTHING",
        )
        .bind(tenant_id)
        .bind(channel)
        .bind(message_id)
        .bind(ts(now))
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Whether this message was deleted before its reply was recorded.
    pub async fn was_deleted(
        conn: &mut Conn,
        tenant_id: i64,
        channel: &str,
        message_id: &str,
    ) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM deleted_messages WHERE tenant_id = $1 AND channel = $2 AND message_id = $3",
        )
        .bind(tenant_id)
        .bind(channel)
        .bind(message_id)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(found.is_some())
    }
}
