//! Diagnostic quizzes: their answers, the lessons they let a learner skip, and who needs help.

use super::{Conn, Store, StoreError, ts};
use chrono::{DateTime, Utc};

/// A diagnostic answer to record.
#[derive(Debug, Clone)]
pub struct DiagnosticAnswer<'a> {
    pub tenant_id: i64,
    pub member_id: i64,
    pub course_id: &'a str,
    pub question_id: &'a str,
    pub prompt_id: i64,
    pub choice: &'a str,
    pub correct: bool,
}

/// A learner's accuracy on one course's quizzes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseAccuracy {
    pub external_id: String,
    pub name: String,
    pub graded: i64,
    pub correct: i64,
}

from_row!(CourseAccuracy {
    external_id,
    name,
    graded,
    correct
});

impl Store {
    /// Records a diagnostic answer; false when the member had answered that question already.
    pub async fn insert_diagnostic_answer(
        conn: &mut Conn,
        a: &DiagnosticAnswer<'_>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(sqlx::query(
            "INSERT INTO diagnostic_answers (tenant_id, member_id, course_id, question_id, prompt_id,
               choice, correct, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (tenant_id, member_id, course_id, question_id) DO NOTHING",
        )
        .bind(a.tenant_id)
        .bind(a.member_id)
        .bind(a.course_id)
        .bind(a.question_id)
        .bind(a.prompt_id)
        .bind(a.choice)
        .bind(a.correct)
        .bind(ts(now))
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1)
    }

    /// (question, choice, correct) of a member's diagnostic answers for a course.
    pub async fn diagnostic_answers(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
        course_id: &str,
    ) -> Result<Vec<(String, String, bool)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT question_id, choice, correct FROM diagnostic_answers
             WHERE tenant_id = $1 AND member_id = $2 AND course_id = $3",
        )
        .bind(tenant_id)
        .bind(member_id)
        .bind(course_id)
        .fetch_all(&mut *conn)
        .await?)
    }

    /// Marks lessons as skipped for a member; returns how many were new.
    pub async fn skip_lessons(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
        course_id: &str,
        lesson_ids: &[String],
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut added = 0;
        for lesson in lesson_ids {
            added += sqlx::query(
                "INSERT INTO lesson_skips (tenant_id, member_id, lesson_id, course_id, skipped_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (tenant_id, member_id, lesson_id) DO NOTHING",
            )
            .bind(tenant_id)
            .bind(member_id)
            .bind(lesson)
            .bind(course_id)
            .bind(ts(now))
            .execute(&mut *conn)
            .await?
            .rows_affected();
        }
        Ok(added)
    }

    /// Lessons of a course a member skipped.
    pub async fn skipped_lessons(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
        course_id: &str,
    ) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT lesson_id FROM lesson_skips WHERE tenant_id = $1 AND member_id = $2 AND course_id = $3",
        )
        .bind(tenant_id)
        .bind(member_id)
        .bind(course_id)
        .fetch_all(&mut *conn)
        .await?)
    }

    /// Each learner's accuracy on the given lessons' graded questions, lowest first.
    pub async fn course_accuracy(
        conn: &mut Conn,
        tenant_id: i64,
        lesson_ids: &[String],
    ) -> Result<Vec<CourseAccuracy>, StoreError> {
        if lesson_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "SELECT m.external_id, m.display_name AS name, COUNT(*) AS graded,
                    SUM(CASE WHEN a.correct = 1 THEN 1 ELSE 0 END) AS correct
             FROM answers a JOIN members m ON m.id = a.member_id
             WHERE a.correct IS NOT NULL AND a.tenant_id = ",
        );
        q.push_bind(tenant_id).push(" AND a.lesson_id IN (");
        let mut list = q.separated(", ");
        for l in lesson_ids {
            list.push_bind(l.clone());
        }
        q.push(
            ") GROUP BY m.id, m.external_id, m.display_name
             ORDER BY CAST(SUM(CASE WHEN a.correct = 1 THEN 1 ELSE 0 END) AS REAL) / COUNT(*), m.id",
        );
        Ok(q.build_query_as().fetch_all(&mut *conn).await?)
    }
}
