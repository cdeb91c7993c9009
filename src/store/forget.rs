//! Forgetting a member: personal rows are deleted, the member row becomes an anonymous pseudonym
//! ("Former member", no platform id, no time zone) that keeps the anonymous aggregates (answers,
//! completions, points) counted in reports; their messages are removed from the outbox.

use super::{Conn, Store, StoreError};

/// What was removed, per table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forgotten {
    pub removed: Vec<(&'static str, u64)>,
    pub kept_anonymous: Vec<(&'static str, i64)>,
}

impl std::fmt::Display for Forgotten {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let removed: Vec<String> = self
            .removed
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(t, n)| format!("{t} {n}"))
            .collect();
        let kept: Vec<String> = self
            .kept_anonymous
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(t, n)| format!("{t} {n}"))
            .collect();
        write!(
            f,
            "Removed: {}. Name, platform id and time zone erased. Kept without anything that identifies them: {}.",
            if removed.is_empty() {
                "nothing else".into()
            } else {
                removed.join(", ")
            },
            if kept.is_empty() {
                "nothing".into()
            } else {
                kept.join(", ")
            }
        )
    }
}

/// Rows to delete, as (table, statement); `$1` is the member id, `$2` their platform id.
const DELETES: &[(&str, &str)] = &[
    (
        "learning_days",
        "DELETE FROM learning_days WHERE member_id = $1",
    ),
    (
        "badges_awarded",
        "DELETE FROM badges_awarded WHERE member_id = $1",
    ),
    (
        "review_answers",
        "DELETE FROM review_answers WHERE member_id = $1",
    ),
    (
        "review_prompts",
        "DELETE FROM review_prompts WHERE member_id = $1",
    ),
    (
        "review_cards",
        "DELETE FROM review_cards WHERE member_id = $1",
    ),
    (
        "review_schedules",
        "DELETE FROM review_schedules WHERE member_id = $1",
    ),
    ("vacations", "DELETE FROM vacations WHERE member_id = $1"),
    ("dm_channels", "DELETE FROM dm_channels WHERE member_id = $1"),
    (
        "diagnostic_answers",
        "DELETE FROM diagnostic_answers WHERE member_id = $1",
    ),
    (
        "lesson_skips",
        "DELETE FROM lesson_skips WHERE member_id = $1",
    ),
    (
        "partner_members",
        "DELETE FROM partner_members WHERE member_id = $1",
    ),
    (
        "partner_avoids",
        "DELETE FROM partner_avoids WHERE member_id = $1 OR avoided_id = $1",
    ),
    (
        "partner_group_members",
        "DELETE FROM partner_group_members WHERE member_id = $1",
    ),
    (
        "campaign_recipients",
        "DELETE FROM campaign_recipients WHERE member_id = $1 OR (recipient_kind = 'member' AND recipient = $2)",
    ),
    (
        "reply_features",
        "DELETE FROM reply_features WHERE member_id = $1
           OR reply_id IN (SELECT id FROM discussion_replies WHERE member_id = $1)",
    ),
    ("discussion_replies", "DELETE FROM discussion_replies WHERE member_id = $1"),
    ("suggestion_votes", "DELETE FROM suggestion_votes WHERE member_id = $1"),
    // Topics stay for the lesson writers, without who suggested them.
    ("suggestions", "UPDATE suggestions SET member_id = NULL WHERE member_id = $1"),
    // Their stories' and questions' text goes; the threads (others' replies) stay.
    (
        "outbox",
        "UPDATE outbox SET payload = '{\"kind\":\"text\",\"text\":\"(removed at the author''s request)\"}'
         WHERE id IN (SELECT outbox_id FROM discussions WHERE author_id = $1)",
    ),
    (
        "discussions",
        "UPDATE discussions SET title = '(removed at the author''s request)', author_id = NULL WHERE author_id = $1",
    ),
    // Messages to them or naming them (mentions, DM keys), sent or not; a thread's starter stays.
    (
        "outbox",
        "DELETE FROM outbox WHERE (destination LIKE '%\"' || $2 || '\"%' OR payload LIKE '%<@' || $2 || '>%' OR dedupe_key LIKE '%:' || $2)
           AND id NOT IN (SELECT outbox_id FROM discussions)",
    ),
];

impl Store {
    /// Forgets a member of a tenant in one transaction; Err(Invalid) when there is no such member.
    pub async fn forget_member(
        &self,
        tenant_id: i64,
        external_id: &str,
    ) -> Result<Forgotten, StoreError> {
        let mut tx = self.pool.begin().await?;
        let member_id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM members WHERE tenant_id = $1 AND external_id = $2")
                .bind(tenant_id)
                .bind(external_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(member_id) = member_id else {
            return Err(StoreError::Invalid(format!(
                "no member `{external_id}` in that tenant"
            )));
        };
        let done = Self::forget_member_in(&mut tx, member_id, external_id).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// The same inside the caller's transaction (`/nibble forget-me`).
    pub async fn forget_member_in(
        conn: &mut Conn,
        member_id: i64,
        external_id: &str,
    ) -> Result<Forgotten, StoreError> {
        let mut done = Forgotten::default();
        // Leaderboards: their standings leave the histogram first.
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT s.tenant_id, s.period, s.points FROM standings s JOIN members m ON m.id = s.member_id
             WHERE s.member_id = $1 AND m.leaderboard_hidden = 0",
        )
        .bind(member_id)
        .fetch_all(&mut *conn)
        .await?;
        for (tenant, period, points) in &rows {
            sqlx::query(
                "UPDATE standings_histogram SET members = members - 1
                 WHERE tenant_id = $1 AND period = $2 AND points = $3",
            )
            .bind(tenant)
            .bind(period)
            .bind(points)
            .execute(&mut *conn)
            .await?;
        }
        let n = sqlx::query("DELETE FROM standings WHERE member_id = $1")
            .bind(member_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        done.removed.push(("standings", n));
        for (table, sql) in DELETES {
            let n = sqlx::query(sql)
                .bind(member_id)
                .bind(external_id)
                .execute(&mut *conn)
                .await?
                .rows_affected();
            done.removed.push((table, n));
        }
        let pseudonym = format!("forgotten-{member_id}");
        for sql in [
            "UPDATE deliveries SET recipient = $1, origin = REPLACE(origin, $3, $1) WHERE member_id = $2",
            "UPDATE campaigns SET created_by = $1 WHERE created_by = $3",
            "UPDATE partner_pools SET created_by = $1 WHERE created_by = $3",
            "UPDATE community_schedules SET created_by = $1 WHERE created_by = $3",
            "UPDATE members SET external_id = $1, display_name = 'Former member', time_zone = NULL,
               leaderboard_hidden = 1, paused = 1, snoozed_until = NULL WHERE id = $2",
        ] {
            sqlx::query(sql)
                .bind(&pseudonym)
                .bind(member_id)
                .bind(external_id)
                .execute(&mut *conn)
                .await?;
        }
        for (table, sql) in [
            (
                "answers",
                "SELECT COUNT(*) FROM answers WHERE member_id = $1",
            ),
            (
                "lesson_completions",
                "SELECT COUNT(*) FROM lesson_completions WHERE member_id = $1",
            ),
            (
                "points_ledger",
                "SELECT COUNT(*) FROM points_ledger WHERE member_id = $1",
            ),
        ] {
            let n: i64 = sqlx::query_scalar(sql)
                .bind(member_id)
                .fetch_one(&mut *conn)
                .await?;
            done.kept_anonymous.push((table, n));
        }
        Ok(done)
    }
}
