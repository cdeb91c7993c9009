//! What the xAPI exporter reads: learning events past its cursor, with who and where.

use super::{Store, StoreError, Timestamp};

/// One learning event to state: `kind` is "answered", "completed" (a lesson or course) or
/// "experienced" (a lesson delivered to a member).
#[derive(Debug, Clone, PartialEq)]
pub struct LearningEvent {
    pub kind: &'static str,
    pub id: i64,
    pub platform: String,
    pub tenant: String,
    pub member: String,
    pub lesson_id: String,
    pub question_id: Option<String>,
    pub choice: Option<String>,
    pub correct: Option<bool>,
    /// For a completion: "lesson:<id>" or "course:<id>".
    pub source: Option<String>,
    pub at: Timestamp,
}

type Row = (
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<bool>,
    Option<String>,
    Timestamp,
);

impl Store {
    pub async fn xapi_cursor(&self) -> Result<(i64, i64, i64), StoreError> {
        Ok(
            sqlx::query_as(
                "SELECT answer_id, ledger_id, delivery_id FROM xapi_cursor WHERE id = 1",
            )
            .fetch_one(&self.pool)
            .await?,
        )
    }

    pub async fn set_xapi_cursor(
        &self,
        answer: i64,
        ledger: i64,
        delivery: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE xapi_cursor SET answer_id = $1, ledger_id = $2, delivery_id = $3 WHERE id = 1",
        )
        .bind(answer)
        .bind(ledger)
        .bind(delivery)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Up to `limit` events of each kind past the cursor, oldest first.
    pub async fn learning_events(
        &self,
        (answer, ledger, delivery): (i64, i64, i64),
        limit: i64,
    ) -> Result<Vec<LearningEvent>, StoreError> {
        let mut out = Vec::new();
        for (kind, sql, after) in [
            ("answered", "SELECT a.id, t.platform, t.external_id, m.external_id, a.lesson_id, a.question_id,
                    a.choice, a.correct, NULL, a.answered_at
                  FROM answers a JOIN members m ON m.id = a.member_id JOIN tenants t ON t.id = a.tenant_id
                  WHERE a.id > $1 ORDER BY a.id LIMIT $2", answer),
            ("completed", "SELECT p.id, t.platform, t.external_id, m.external_id, '', NULL, NULL, NULL,
                    p.source, p.created_at
                  FROM points_ledger p JOIN members m ON m.id = p.member_id JOIN tenants t ON t.id = p.tenant_id
                  WHERE p.id > $1 AND (p.source LIKE 'lesson:%' OR p.source LIKE 'course:%')
                  ORDER BY p.id LIMIT $2", ledger),
            ("experienced", "SELECT d.id, t.platform, t.external_id, m.external_id, d.lesson_id, NULL, NULL,
                    NULL, NULL, d.created_at
                  FROM deliveries d JOIN members m ON m.id = d.member_id JOIN tenants t ON t.id = d.tenant_id
                  WHERE d.id > $1 ORDER BY d.id LIMIT $2", delivery),
        ] {
            let rows: Vec<Row> = sqlx::query_as(sql).bind(after).bind(limit).fetch_all(&self.pool).await?;
            out.extend(rows.into_iter().map(
                |(id, platform, tenant, member, lesson_id, question_id, choice, correct, source, at)| LearningEvent {
                    kind,
                    id,
                    platform,
                    tenant,
                    member,
                    lesson_id,
                    question_id,
                    choice,
                    correct,
                    source,
                    at,
                },
            ));
        }
        Ok(out)
    }
}
