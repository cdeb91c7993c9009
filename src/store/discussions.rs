//! Discussion threads the bot opened and the replies members post in them.

use super::{Conn, Store, StoreError, ThreadKind, ThreadState, Timestamp, ts};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// A thread to record, once its starter message is queued.
pub struct NewDiscussion<'a> {
    pub tenant_id: i64,
    pub kind: ThreadKind,
    pub channel: &'a str,
    pub title: &'a str,
    pub author_id: Option<i64>,
    pub course_id: Option<&'a str>,
    pub lesson_id: Option<&'a str>,
    pub reflection: bool,
    pub outbox_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscussionRow {
    pub id: i64,
    pub tenant_id: i64,
    pub kind: ThreadKind,
    pub channel: String,
    pub title: String,
    pub author_id: Option<i64>,
    pub course_id: Option<String>,
    pub lesson_id: Option<String>,
    pub reflection: bool,
    pub outbox_id: i64,
    pub state: ThreadState,
    pub created_at: Timestamp,
}

from_row!(DiscussionRow {
    id,
    tenant_id,
    kind,
    channel,
    title,
    author_id,
    course_id,
    lesson_id,
    reflection,
    outbox_id,
    state,
    created_at,
});

/// One reply, with what it holds in the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyRow {
    pub id: i64,
    pub discussion_id: i64,
    pub tenant_id: i64,
    pub member_id: i64,
    pub length: i64,
    pub day: String,
    pub created_at: Timestamp,
    pub deleted_at: Option<Timestamp>,
    pub counted: bool,
    pub featured: bool,
    pub points_removed: bool,
    pub points: i64,
    pub ledger_seq: i64,
}

from_row!(ReplyRow {
    id,
    discussion_id,
    tenant_id,
    member_id,
    length,
    day,
    created_at,
    deleted_at,
    counted,
    featured,
    points_removed,
    points,
    ledger_seq,
});

const DISCUSSION_SQL: &str = "SELECT d.id, d.tenant_id, d.kind, d.channel, d.title, d.author_id,
    d.course_id, d.lesson_id, d.reflection, d.outbox_id, d.state, d.created_at FROM discussions d";
pub(super) const REPLY_SQL: &str =
    "SELECT id, discussion_id, tenant_id, member_id, length, day, created_at,
    deleted_at, counted, featured, points_removed, points, ledger_seq FROM discussion_replies";

impl Store {
    #[tracing::instrument(name = "store.create_discussion", skip_all, fields(kind = d.kind.as_str()))]
    pub async fn create_discussion(
        conn: &mut Conn,
        d: &NewDiscussion<'_>,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        sqlx::query(
            "INSERT INTO discussions (tenant_id, kind, channel, title, author_id, course_id, lesson_id,
                 reflection, outbox_id, state, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10) ON CONFLICT (outbox_id) DO NOTHING",
        )
        .bind(d.tenant_id)
        .bind(d.kind)
        .bind(d.channel)
        .bind(d.title)
        .bind(d.author_id)
        .bind(d.course_id)
        .bind(d.lesson_id)
        .bind(d.reflection)
        .bind(d.outbox_id)
        .bind(ts(now))
        .execute(&mut *conn)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT id FROM discussions WHERE outbox_id = $1")
                .bind(d.outbox_id)
                .fetch_one(&mut *conn)
                .await?,
        )
    }

    /// The discussion whose thread the platform names `thread_key` (Slack ts, Discord channel id),
    /// for a message posted in `channel` (Slack: the thread's channel, as a ts is only unique in
    /// its channel; Discord: the thread itself).
    pub async fn discussion_by_thread(
        conn: &mut Conn,
        tenant_id: i64,
        thread_key: &str,
        channel: &str,
    ) -> Result<Option<DiscussionRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{DISCUSSION_SQL} JOIN outbox o ON o.id = d.outbox_id
             WHERE o.thread_key = $1 AND d.tenant_id = $2 AND (o.thread_channel = $3 OR o.thread_key = $3)"
        ))
        .bind(thread_key)
        .bind(tenant_id)
        .bind(channel)
        .fetch_optional(&mut *conn)
        .await?)
    }

    pub async fn discussion(
        conn: &mut Conn,
        tenant_id: i64,
        id: i64,
    ) -> Result<Option<DiscussionRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{DISCUSSION_SQL} WHERE d.id = $1 AND d.tenant_id = $2"
        ))
        .bind(id)
        .bind(tenant_id)
        .fetch_optional(&mut *conn)
        .await?)
    }

    /// Closes an open discussion; false when it was closed already.
    pub async fn close_discussion(
        conn: &mut Conn,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE discussions SET state = 'closed', closed_at = $1 WHERE id = $2 AND state = 'open'",
        )
        .bind(ts(now))
        .bind(id)
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Open discussions, newest first, with (replies, members taking part), deleted replies left out.
    pub async fn open_discussions(
        conn: &mut Conn,
        tenant_id: i64,
    ) -> Result<Vec<(DiscussionRow, i64, i64)>, StoreError> {
        let rows: Vec<DiscussionRow> = sqlx::query_as(&format!(
            "{DISCUSSION_SQL} WHERE d.tenant_id = $1 AND d.state = 'open' ORDER BY d.id DESC"
        ))
        .bind(tenant_id)
        .fetch_all(&mut *conn)
        .await?;
        let counts: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT r.discussion_id, COUNT(*), COUNT(DISTINCT r.member_id) FROM discussion_replies r
             JOIN discussions d ON d.id = r.discussion_id
             WHERE d.tenant_id = $1 AND d.state = 'open' AND r.deleted_at IS NULL
             GROUP BY r.discussion_id",
        )
        .bind(tenant_id)
        .fetch_all(&mut *conn)
        .await?;
        let counts: HashMap<i64, (i64, i64)> =
            counts.into_iter().map(|(d, r, m)| (d, (r, m))).collect();
        Ok(rows
            .into_iter()
            .map(|d| {
                let (r, m) = counts.get(&d.id).copied().unwrap_or((0, 0));
                (d, r, m)
            })
            .collect())
    }
}
