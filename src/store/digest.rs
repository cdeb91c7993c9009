//! Community read models: a digest's figures, a thread's participation, and the report's thread rows.

use super::{Conn, Store, StoreError, ThreadKind, ThreadState, Timestamp, ts};
use chrono::{DateTime, Utc};

/// A thread active in the digest's window, with the replies posted in it then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestThread {
    pub id: i64,
    pub kind: ThreadKind,
    pub title: String,
    pub channel: String,
    pub replies: i64,
    pub members: i64,
}

from_row!(DigestThread {
    id,
    kind,
    title,
    channel,
    replies,
    members,
});

/// A featured reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestReply {
    pub discussion_id: i64,
    pub title: String,
    pub external_id: String,
    pub name: String,
}

from_row!(DigestReply {
    discussion_id,
    title,
    external_id,
    name,
});

/// What a weekly digest reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Digest {
    /// Threads started or replied to in the window, most replies first.
    pub threads: Vec<DigestThread>,
    pub featured: Vec<DigestReply>,
    /// (external id, name) of members whose first reply ever falls in the window.
    pub newcomers: Vec<(String, String)>,
    /// Open questions nobody but their author has answered (any age).
    pub unanswered: Vec<DigestThread>,
}

/// One member's participation in a thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub external_id: String,
    pub name: String,
    pub replies: i64,
    pub first_at: Timestamp,
    pub length: i64,
    pub points: i64,
}

from_row!(Participant {
    external_id,
    name,
    replies,
    first_at,
    length,
    points,
});

/// Standing replies posted in [$2, $3).
const IN_WINDOW: &str =
    "r.deleted_at IS NULL AND r.created_at >= $2 AND r.created_at < $3 AND r.discussion_id = d.id";

impl Store {
    #[tracing::instrument(name = "store.digest", skip(conn))]
    pub async fn digest(
        conn: &mut Conn,
        tenant_id: i64,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Digest, StoreError> {
        let (since, until) = (ts(since), ts(until));
        let threads = sqlx::query_as(&format!(
            "SELECT d.id, d.kind, d.title, d.channel,
                (SELECT COUNT(*) FROM discussion_replies r WHERE {IN_WINDOW}) AS replies,
                (SELECT COUNT(DISTINCT r.member_id) FROM discussion_replies r WHERE {IN_WINDOW}) AS members
             FROM discussions d
             WHERE d.tenant_id = $1 AND ((d.created_at >= $2 AND d.created_at < $3)
                OR EXISTS (SELECT 1 FROM discussion_replies r WHERE {IN_WINDOW}))
             ORDER BY replies DESC, d.id"
        ))
        .bind(tenant_id)
        .bind(&since)
        .bind(&until)
        .fetch_all(&mut *conn)
        .await?;
        let featured = sqlx::query_as(
            "SELECT d.id AS discussion_id, d.title, m.external_id, m.display_name AS name
             FROM discussion_replies r JOIN discussions d ON d.id = r.discussion_id
             JOIN members m ON m.id = r.member_id
             WHERE r.tenant_id = $1 AND r.featured = 1 AND r.deleted_at IS NULL
               AND r.created_at >= $2 AND r.created_at < $3
             ORDER BY r.id",
        )
        .bind(tenant_id)
        .bind(&since)
        .bind(&until)
        .fetch_all(&mut *conn)
        .await?;
        let newcomers = sqlx::query_as(
            "SELECT m.external_id, m.display_name FROM members m
             JOIN (SELECT member_id, MIN(created_at) AS first FROM discussion_replies
                   WHERE tenant_id = $1 AND deleted_at IS NULL GROUP BY member_id) f ON f.member_id = m.id
             WHERE f.first >= $2 AND f.first < $3 ORDER BY f.first",
        )
        .bind(tenant_id)
        .bind(&since)
        .bind(&until)
        .fetch_all(&mut *conn)
        .await?;
        let unanswered = sqlx::query_as(
            "SELECT d.id, d.kind, d.title, d.channel, 0 AS replies, 0 AS members FROM discussions d
             WHERE d.tenant_id = $1 AND d.kind = 'question' AND d.state = 'open'
               AND NOT EXISTS (SELECT 1 FROM discussion_replies r WHERE r.discussion_id = d.id
                   AND r.deleted_at IS NULL AND (d.author_id IS NULL OR r.member_id <> d.author_id))
             ORDER BY d.id",
        )
        .bind(tenant_id)
        .fetch_all(&mut *conn)
        .await?;
        Ok(Digest {
            threads,
            featured,
            newcomers,
            unanswered,
        })
    }

    /// Who took part in a thread: count, first reply, total length and points, first to reply first.
    pub async fn participants(
        conn: &mut Conn,
        discussion_id: i64,
    ) -> Result<Vec<Participant>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT m.external_id, m.display_name AS name, COUNT(*) AS replies,
                    MIN(r.created_at) AS first_at, SUM(r.length) AS length, SUM(r.points) AS points
             FROM discussion_replies r JOIN members m ON m.id = r.member_id
             WHERE r.discussion_id = $1 AND r.deleted_at IS NULL
             GROUP BY m.id, m.external_id, m.display_name ORDER BY first_at",
        )
        .bind(discussion_id)
        .fetch_all(&mut *conn)
        .await?)
    }
}

/// A discussion thread's activity for reports: standing replies, members and featured replies
/// posted since the scope's start. Serialised as the report's `threads` rows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ThreadActivity {
    #[serde(rename = "thread_id")]
    pub id: i64,
    pub kind: ThreadKind,
    pub title: String,
    pub channel: String,
    pub course_id: Option<String>,
    pub state: ThreadState,
    pub created_at: Timestamp,
    pub replies: i64,
    pub members: i64,
    pub featured: i64,
}

from_row!(ThreadActivity {
    id,
    kind,
    title,
    channel,
    course_id,
    state,
    created_at,
    replies,
    members,
    featured,
});

/// Standing replies in thread `d` since $2.
const IN_SCOPE: &str = "r.discussion_id = d.id AND r.deleted_at IS NULL AND r.created_at >= $2";

impl Store {
    /// Threads started or replied to since the scope's start, oldest first.
    pub async fn thread_activity(
        conn: &mut Conn,
        scope: &super::ReportScope,
    ) -> Result<Vec<ThreadActivity>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT d.id, d.kind, d.title, d.channel, d.course_id, d.state, d.created_at,
                (SELECT COUNT(*) FROM discussion_replies r WHERE {IN_SCOPE}) AS replies,
                (SELECT COUNT(DISTINCT r.member_id) FROM discussion_replies r WHERE {IN_SCOPE}) AS members,
                (SELECT COUNT(*) FROM discussion_replies r WHERE {IN_SCOPE} AND r.featured = 1) AS featured
             FROM discussions d
             WHERE d.tenant_id = $1 AND (d.created_at >= $2
                OR EXISTS (SELECT 1 FROM discussion_replies r WHERE {IN_SCOPE}))
             ORDER BY d.id"
        ))
        .bind(scope.tenant_id)
        .bind(scope.since_bound())
        .fetch_all(&mut *conn)
        .await?)
    }
}
