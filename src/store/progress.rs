//! Read models for progress: per learner lessons, answers, accuracy and points.

use super::{Conn, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRef {
    pub tenant_id: i64,
    pub member_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnerProgress {
    pub member_id: i64,
    pub display_name: String,
    pub lessons_completed: i64,
    pub answers: i64,
    pub graded: i64,
    pub correct: i64,
    pub points: i64,
}

const PROGRESS_SQL: &str = "SELECT m.id AS member_id, m.display_name,
    (SELECT COUNT(*) FROM lesson_completions c WHERE c.tenant_id = m.tenant_id AND c.member_id = m.id) AS lessons_completed,
    (SELECT COUNT(*) FROM answers a WHERE a.tenant_id = m.tenant_id AND a.member_id = m.id) AS answers,
    (SELECT COUNT(*) FROM answers a WHERE a.tenant_id = m.tenant_id AND a.member_id = m.id AND a.correct IS NOT NULL) AS graded,
    (SELECT COUNT(*) FROM answers a WHERE a.tenant_id = m.tenant_id AND a.member_id = m.id AND a.correct = 1) AS correct,
    COALESCE((SELECT t.total FROM point_totals t WHERE t.tenant_id = m.tenant_id AND t.member_id = m.id), 0) AS points
  FROM members m";

impl Store {
    /// Every member of the tenant, most points first, then by name.
    pub async fn tenant_progress(
        &self,
        tenant_id: i64,
    ) -> Result<Vec<LearnerProgress>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{PROGRESS_SQL} WHERE m.tenant_id = $1 ORDER BY points DESC, m.display_name"
        ))
        .bind(tenant_id)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn member_progress(
        conn: &mut Conn,
        member: &MemberRef,
    ) -> Result<Option<LearnerProgress>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{PROGRESS_SQL} WHERE m.tenant_id = $1 AND m.id = $2"
        ))
        .bind(member.tenant_id)
        .bind(member.member_id)
        .fetch_optional(&mut *conn)
        .await?)
    }

    /// Lesson ids the member completed, per course.
    pub async fn completed_lessons(
        conn: &mut Conn,
        member: &MemberRef,
    ) -> Result<Vec<(String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT course_id, lesson_id FROM lesson_completions WHERE tenant_id = $1 AND member_id = $2",
        )
        .bind(member.tenant_id)
        .bind(member.member_id)
        .fetch_all(&mut *conn)
        .await?)
    }
}

impl sqlx::FromRow<'_, sqlx::sqlite::SqliteRow> for LearnerProgress {
    fn from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row;
        Ok(Self {
            member_id: row.try_get("member_id")?,
            display_name: row.try_get("display_name")?,
            lessons_completed: row.try_get("lessons_completed")?,
            answers: row.try_get("answers")?,
            graded: row.try_get("graded")?,
            correct: row.try_get("correct")?,
            points: row.try_get("points")?,
        })
    }
}

/// How many rows the learning tables hold (diagnostics, and tests proving "nothing was written").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowCounts {
    pub members: i64,
    pub deliveries: i64,
    pub answers: i64,
    pub ledger: i64,
    pub completions: i64,
    pub outbox: i64,
    pub processed_events: i64,
}

impl Store {
    pub async fn row_counts(&self) -> Result<RowCounts, StoreError> {
        let count = |table: &'static str| {
            let pool = self.pool.clone();
            async move {
                let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                    .fetch_one(&pool)
                    .await?;
                Ok::<i64, StoreError>(n)
            }
        };
        Ok(RowCounts {
            members: count("members").await?,
            deliveries: count("deliveries").await?,
            answers: count("answers").await?,
            ledger: count("points_ledger").await?,
            completions: count("lesson_completions").await?,
            outbox: count("outbox").await?,
            processed_events: count("processed_events").await?,
        })
    }
}
