//! Quiz answers (first answer per member and question counts) and lesson completions.

use super::{Conn, Store, StoreError, ts};
use chrono::{DateTime, Utc};

pub struct NewAnswer<'a> {
    pub tenant_id: i64,
    pub member_id: i64,
    pub lesson_id: &'a str,
    pub question_id: &'a str,
    pub prompt_id: i64,
    /// Chosen option indexes, comma-separated.
    pub choice: &'a str,
    /// None for a poll.
    pub correct: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct AnswerRow {
    pub choice: String,
    pub correct: Option<bool>,
}

impl Store {
    /// Records the answer; false when the member had already answered this question.
    #[tracing::instrument(name = "store.insert_answer", skip_all, fields(lesson = a.lesson_id, question = a.question_id))]
    pub async fn insert_answer(
        conn: &mut Conn,
        a: &NewAnswer<'_>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO answers (tenant_id, member_id, lesson_id, question_id, prompt_id, choice, correct, answered_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (tenant_id, member_id, lesson_id, question_id) DO NOTHING",
        )
        .bind(a.tenant_id)
        .bind(a.member_id)
        .bind(a.lesson_id)
        .bind(a.question_id)
        .bind(a.prompt_id)
        .bind(a.choice)
        .bind(a.correct)
        .bind(ts(now))
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn find_answer(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
        lesson_id: &str,
        question_id: &str,
    ) -> Result<Option<AnswerRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT choice, correct FROM answers
             WHERE tenant_id = $1 AND member_id = $2 AND lesson_id = $3 AND question_id = $4",
        )
        .bind(tenant_id)
        .bind(member_id)
        .bind(lesson_id)
        .bind(question_id)
        .fetch_optional(&mut *conn)
        .await?)
    }

    /// Question ids of this lesson the member has answered.
    pub async fn answered_questions(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
        lesson_id: &str,
    ) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT question_id FROM answers WHERE tenant_id = $1 AND member_id = $2 AND lesson_id = $3",
        )
        .bind(tenant_id)
        .bind(member_id)
        .bind(lesson_id)
        .fetch_all(&mut *conn)
        .await?)
    }

    /// Marks the lesson completed; false when it already was.
    pub async fn complete_lesson(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
        lesson_id: &str,
        course_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO lesson_completions (tenant_id, member_id, lesson_id, course_id, completed_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, member_id, lesson_id) DO NOTHING",
        )
        .bind(tenant_id)
        .bind(member_id)
        .bind(lesson_id)
        .bind(course_id)
        .bind(ts(now))
        .execute(&mut *conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

impl sqlx::FromRow<'_, sqlx::sqlite::SqliteRow> for AnswerRow {
    fn from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row;
        Ok(Self {
            choice: row.try_get("choice")?,
            correct: row.try_get("correct")?,
        })
    }
}
