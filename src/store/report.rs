//! Read models for learning analytics (`nibble report`, `/nibble report`): one query per view,
//! scoped to a tenant and a start time; the report module shapes them.

use super::{Conn, Store, StoreError, Timestamp};

/// Whose data, from when (`None`: all time).
#[derive(Debug, Clone)]
pub struct ReportScope {
    pub tenant_id: i64,
    pub since: Option<Timestamp>,
}

impl ReportScope {
    /// The start as the queries compare it: stored text, or "" (before every time) for all time.
    pub(super) fn since_bound(&self) -> String {
        self.since.map(Timestamp::to_stored).unwrap_or_default()
    }
}

/// Per course: members it was delivered to, lessons delivered, members who answered, answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseActivity {
    pub course_id: String,
    pub enrolled: i64,
    pub delivered: i64,
    pub answered: i64,
    pub graded: i64,
    pub correct: i64,
}

from_row!(CourseActivity {
    course_id,
    enrolled,
    delivered,
    answered,
    graded,
    correct
});

/// How often one choice was made on one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceCount {
    pub lesson_id: String,
    pub question_id: String,
    pub choice: String,
    pub correct: Option<bool>,
    pub n: i64,
}

from_row!(ChoiceCount {
    lesson_id,
    question_id,
    choice,
    correct,
    n
});

/// One learner's figures in the scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnerRow {
    pub member_id: i64,
    pub external_id: String,
    pub name: String,
    pub lessons_done: i64,
    pub answers: i64,
    pub graded: i64,
    pub correct: i64,
    pub points: i64,
    pub last_activity: Option<Timestamp>,
}

from_row!(LearnerRow {
    member_id,
    external_id,
    name,
    lessons_done,
    answers,
    graded,
    correct,
    points,
    last_activity
});

impl Store {
    pub async fn course_activity(
        conn: &mut Conn,
        s: &ReportScope,
    ) -> Result<Vec<CourseActivity>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT l.course_id,
                    COUNT(DISTINCT d.member_id) AS enrolled,
                    COUNT(*) AS delivered,
                    (SELECT COUNT(DISTINCT a.member_id) FROM answers a JOIN lessons al ON al.id = a.lesson_id
                       WHERE a.tenant_id = $1 AND al.course_id = l.course_id AND a.answered_at >= $2) AS answered,
                    (SELECT COUNT(*) FROM answers a JOIN lessons al ON al.id = a.lesson_id
                       WHERE a.tenant_id = $1 AND al.course_id = l.course_id AND a.answered_at >= $2
                       AND a.correct IS NOT NULL) AS graded,
                    (SELECT COUNT(*) FROM answers a JOIN lessons al ON al.id = a.lesson_id
                       WHERE a.tenant_id = $1 AND al.course_id = l.course_id AND a.answered_at >= $2
                       AND a.correct = 1) AS correct
             FROM deliveries d JOIN lessons l ON l.id = d.lesson_id
             WHERE d.tenant_id = $1 AND d.member_id IS NOT NULL AND d.created_at >= $2
             GROUP BY l.course_id ORDER BY l.course_id",
        )
        .bind(s.tenant_id)
        .bind(s.since_bound())
        .fetch_all(&mut *conn)
        .await?)
    }

    /// Per delivery origin ("campaign:3", "learn"…): members who answered, graded answers, right ones.
    pub async fn answers_by_origin(
        conn: &mut Conn,
        s: &ReportScope,
    ) -> Result<Vec<(String, i64, i64, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT d.origin, COUNT(DISTINCT a.member_id),
                    COALESCE(SUM(CASE WHEN a.correct IS NOT NULL THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN a.correct = 1 THEN 1 ELSE 0 END), 0)
             FROM answers a JOIN quiz_prompts p ON p.id = a.prompt_id
             JOIN deliveries d ON d.id = p.delivery_id
             WHERE a.tenant_id = $1 AND a.answered_at >= $2 GROUP BY d.origin",
        )
        .bind(s.tenant_id)
        .bind(s.since_bound())
        .fetch_all(&mut *conn)
        .await?)
    }

    /// (course, member, lessons completed) in the scope.
    pub async fn completions_in(
        conn: &mut Conn,
        s: &ReportScope,
    ) -> Result<Vec<(String, i64, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT course_id, member_id, COUNT(*) FROM lesson_completions
             WHERE tenant_id = $1 AND completed_at >= $2 GROUP BY course_id, member_id",
        )
        .bind(s.tenant_id)
        .bind(s.since_bound())
        .fetch_all(&mut *conn)
        .await?)
    }

    pub async fn choice_counts(
        conn: &mut Conn,
        s: &ReportScope,
    ) -> Result<Vec<ChoiceCount>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT lesson_id, question_id, choice, correct, COUNT(*) AS n FROM answers
             WHERE tenant_id = $1 AND answered_at >= $2
             GROUP BY lesson_id, question_id, choice, correct
             ORDER BY lesson_id, question_id, n DESC, choice",
        )
        .bind(s.tenant_id)
        .bind(s.since_bound())
        .fetch_all(&mut *conn)
        .await?)
    }

    pub async fn learner_rows(
        conn: &mut Conn,
        s: &ReportScope,
    ) -> Result<Vec<LearnerRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT m.id AS member_id, m.external_id, m.display_name AS name,
               (SELECT COUNT(*) FROM lesson_completions c WHERE c.tenant_id = m.tenant_id
                  AND c.member_id = m.id AND c.completed_at >= $2) AS lessons_done,
               (SELECT COUNT(*) FROM answers a WHERE a.tenant_id = m.tenant_id AND a.member_id = m.id
                  AND a.answered_at >= $2) AS answers,
               (SELECT COUNT(*) FROM answers a WHERE a.tenant_id = m.tenant_id AND a.member_id = m.id
                  AND a.answered_at >= $2 AND a.correct IS NOT NULL) AS graded,
               (SELECT COUNT(*) FROM answers a WHERE a.tenant_id = m.tenant_id AND a.member_id = m.id
                  AND a.answered_at >= $2 AND a.correct = 1) AS correct,
               COALESCE((SELECT SUM(p.amount) FROM points_ledger p WHERE p.tenant_id = m.tenant_id
                  AND p.member_id = m.id AND p.created_at >= $2), 0) AS points,
               (SELECT MAX(a.answered_at) FROM answers a WHERE a.tenant_id = m.tenant_id
                  AND a.member_id = m.id) AS last_activity
             FROM members m WHERE m.tenant_id = $1 ORDER BY m.display_name, m.id",
        )
        .bind(s.tenant_id)
        .bind(s.since_bound())
        .fetch_all(&mut *conn)
        .await?)
    }

    /// (member, answered at) of every answer in the scope, for engagement by week.
    pub async fn answer_times(
        conn: &mut Conn,
        s: &ReportScope,
    ) -> Result<Vec<(i64, Timestamp)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT member_id, answered_at FROM answers WHERE tenant_id = $1 AND answered_at >= $2",
        )
        .bind(s.tenant_id)
        .bind(s.since_bound())
        .fetch_all(&mut *conn)
        .await?)
    }

    /// Completion times in the scope, for engagement by week.
    pub async fn completion_times(
        conn: &mut Conn,
        s: &ReportScope,
    ) -> Result<Vec<Timestamp>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT completed_at FROM lesson_completions WHERE tenant_id = $1 AND completed_at >= $2",
        )
        .bind(s.tenant_id)
        .bind(s.since_bound())
        .fetch_all(&mut *conn)
        .await?)
    }
}
