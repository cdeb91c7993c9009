//! Spaced-repetition storage: review cards with their FSRS state, the prompts that send them, their
//! answers (append-only, read by the recognition fold) and each learner's daily review schedule.

use super::{Conn, Store, StoreError, Timestamp, parse_ts, ts};
use crate::domain::review::CardState;
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Sqlite};

/// A card to create from a first answer.
#[derive(Debug, Clone)]
pub struct NewCard {
    pub tenant_id: i64,
    pub member_id: i64,
    pub lesson_id: String,
    pub question_id: String,
    pub card: CardState,
}

/// A stored card.
#[derive(Debug, Clone)]
pub struct CardRow {
    pub id: i64,
    pub tenant_id: i64,
    pub member_id: i64,
    pub lesson_id: String,
    pub question_id: String,
    pub card: CardState,
    pub retired: bool,
}

/// A learner whose review DM is due.
#[derive(Debug, Clone)]
pub struct ReviewDue {
    pub member_id: i64,
    pub tenant_id: i64,
    pub external_id: String,
    pub time_zone: Option<String>,
    pub review_time: Option<String>,
    pub last_sent_on: Option<String>,
    pub paused: bool,
    pub snoozed_until: Option<Timestamp>,
}

from_row!(ReviewDue {
    member_id,
    tenant_id,
    external_id,
    time_zone,
    review_time,
    last_sent_on,
    paused,
    snoozed_until,
});

/// A review prompt as a click sees it, with its answer if it has one.
#[derive(Debug, Clone)]
pub struct ReviewPromptRow {
    pub id: i64,
    pub tenant_id: i64,
    pub owner: String,
    pub sent_at: DateTime<Utc>,
    /// The question's fingerprint when it was sent.
    pub question_hash: String,
    pub card: CardRow,
    /// (choice, interval days) of the first answer.
    pub answered: Option<(String, i64)>,
}

const CARD_COLUMNS: &str = "c.id, c.tenant_id, c.member_id, c.lesson_id, c.question_id, c.state,
    c.stability, c.difficulty, c.elapsed_days, c.scheduled_days, c.reps, c.lapses, c.due_at,
    c.last_review_at, c.retired_at";

fn card_from(row: &sqlx::sqlite::SqliteRow) -> Result<CardRow, StoreError> {
    use sqlx::Row;
    let due: String = row.try_get("due_at")?;
    let last: String = row.try_get("last_review_at")?;
    let retired: Option<String> = row.try_get("retired_at")?;
    Ok(CardRow {
        id: row.try_get("id")?,
        tenant_id: row.try_get("tenant_id")?,
        member_id: row.try_get("member_id")?,
        lesson_id: row.try_get("lesson_id")?,
        question_id: row.try_get("question_id")?,
        card: CardState {
            state: row.try_get("state")?,
            stability: row.try_get("stability")?,
            difficulty: row.try_get("difficulty")?,
            elapsed_days: row.try_get("elapsed_days")?,
            scheduled_days: row.try_get("scheduled_days")?,
            reps: row.try_get("reps")?,
            lapses: row.try_get("lapses")?,
            due: parse_ts(&due)?,
            last_review: parse_ts(&last)?,
        },
        retired: retired.is_some(),
    })
}

impl Store {
    /// Creates cards (one per member and question; existing ones are left alone); returns how many
    /// were new.
    pub async fn create_cards(conn: &mut Conn, cards: &[NewCard]) -> Result<u64, StoreError> {
        let mut added = 0;
        for chunk in cards.chunks(200) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO review_cards (tenant_id, member_id, lesson_id, question_id, state,
                 stability, difficulty, elapsed_days, scheduled_days, reps, lapses, due_at,
                 last_review_at) ",
            );
            q.push_values(chunk, |mut b, n| {
                let c = &n.card;
                b.push_bind(n.tenant_id)
                    .push_bind(n.member_id)
                    .push_bind(n.lesson_id.clone())
                    .push_bind(n.question_id.clone())
                    .push_bind(c.state)
                    .push_bind(c.stability)
                    .push_bind(c.difficulty)
                    .push_bind(c.elapsed_days)
                    .push_bind(c.scheduled_days)
                    .push_bind(c.reps)
                    .push_bind(c.lapses)
                    .push_bind(ts(c.due))
                    .push_bind(ts(c.last_review));
            });
            q.push(" ON CONFLICT (tenant_id, member_id, lesson_id, question_id) DO NOTHING");
            added += q.build().execute(&mut *conn).await?.rows_affected();
        }
        Ok(added)
    }

    /// Gives members without one a review schedule starting at the given time.
    pub async fn ensure_review_schedules(
        conn: &mut Conn,
        rows: &[(i64, i64, DateTime<Utc>)],
    ) -> Result<(), StoreError> {
        for chunk in rows.chunks(300) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT INTO review_schedules (tenant_id, member_id, next_at) ");
            q.push_values(chunk, |mut b, (t, m, at)| {
                b.push_bind(*t).push_bind(*m).push_bind(ts(*at));
            });
            q.push(" ON CONFLICT (member_id) DO NOTHING");
            q.build().execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// Learners whose review DM is due, earliest first.
    pub async fn due_reviews(
        conn: &mut Conn,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<ReviewDue>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT s.member_id, s.tenant_id, m.external_id, m.time_zone, s.review_time,
                    s.last_sent_on, m.paused, m.snoozed_until
             FROM review_schedules s JOIN members m ON m.id = s.member_id
             WHERE s.next_at IS NOT NULL AND s.next_at <= $1 ORDER BY s.next_at LIMIT $2",
        )
        .bind(ts(now))
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?)
    }

    /// A member's live cards due before `before`, most overdue first.
    pub async fn due_cards(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<CardRow>, StoreError> {
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM review_cards c WHERE c.tenant_id = $4 AND c.member_id = $1
             AND c.retired_at IS NULL AND c.due_at < $2 ORDER BY c.due_at, c.id LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(member_id)
            .bind(ts(before))
            .bind(limit)
            .bind(tenant_id)
            .fetch_all(&mut *conn)
            .await?;
        rows.iter().map(card_from).collect()
    }

    /// Every live card of a member (for shifting due dates around a vacation).
    pub async fn live_cards(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
    ) -> Result<Vec<CardRow>, StoreError> {
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM review_cards c
             WHERE c.tenant_id = $2 AND c.member_id = $1 AND c.retired_at IS NULL"
        );
        let rows = sqlx::query(&sql)
            .bind(member_id)
            .bind(tenant_id)
            .fetch_all(&mut *conn)
            .await?;
        rows.iter().map(card_from).collect()
    }

    pub async fn set_card_due(
        conn: &mut Conn,
        card_id: i64,
        due: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE review_cards SET due_at = $1 WHERE id = $2")
            .bind(ts(due))
            .bind(card_id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// Stops reviewing a card (its question left the lesson).
    pub async fn retire_card(
        conn: &mut Conn,
        card_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE review_cards SET retired_at = $1 WHERE id = $2")
            .bind(ts(now))
            .bind(card_id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// Review prompts a member was sent on a local day.
    pub async fn reviews_sent_on(
        conn: &mut Conn,
        member_id: i64,
        day: &str,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM review_prompts WHERE member_id = $1 AND sent_on = $2",
        )
        .bind(member_id)
        .bind(day)
        .fetch_one(&mut *conn)
        .await?)
    }

    pub async fn create_review_prompt(
        conn: &mut Conn,
        card: &CardRow,
        sent_on: &str,
        question_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO review_prompts (tenant_id, member_id, card_id, sent_on, sent_at, question_hash)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(card.tenant_id)
        .bind(card.member_id)
        .bind(card.id)
        .bind(sent_on)
        .bind(ts(now))
        .bind(question_hash)
        .fetch_one(&mut *conn)
        .await?)
    }

    /// Moves a learner's next review DM (None: off) and records the day one was sent.
    pub async fn set_review_next(
        conn: &mut Conn,
        member_id: i64,
        next_at: Option<DateTime<Utc>>,
        sent_on: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE review_schedules SET next_at = $1, last_sent_on = COALESCE($2, last_sent_on)
             WHERE member_id = $3",
        )
        .bind(next_at.map(ts))
        .bind(sent_on)
        .bind(member_id)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Sets a learner's review time (None: the default) and next DM (None: reviews off).
    pub async fn set_review_time(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
        review_time: Option<&str>,
        next_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO review_schedules (tenant_id, member_id, review_time, next_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (member_id) DO UPDATE SET review_time = excluded.review_time,
               next_at = excluded.next_at",
        )
        .bind(tenant_id)
        .bind(member_id)
        .bind(review_time)
        .bind(next_at.map(ts))
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// (review time, next DM) of a learner with a schedule.
    pub async fn review_schedule(
        conn: &mut Conn,
        member_id: i64,
    ) -> Result<Option<(Option<String>, Option<DateTime<Utc>>)>, StoreError> {
        let row: Option<(Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT review_time, next_at FROM review_schedules WHERE member_id = $1",
        )
        .bind(member_id)
        .fetch_optional(&mut *conn)
        .await?;
        row.map(|(t, at)| Ok((t, at.map(|s| parse_ts(&s)).transpose()?)))
            .transpose()
    }

    /// A review prompt of this platform's tenant, with its card and any answer.
    pub async fn review_prompt(
        conn: &mut Conn,
        prompt_id: i64,
        platform: &str,
        tenant: &str,
    ) -> Result<Option<ReviewPromptRow>, StoreError> {
        use sqlx::Row;
        let sql = format!(
            "SELECT {CARD_COLUMNS}, p.id AS prompt_id, p.sent_at, p.question_hash, m.external_id AS owner,
                    a.choice AS answered_choice, a.scheduled_days AS answered_days
             FROM review_prompts p
             JOIN review_cards c ON c.id = p.card_id
             JOIN members m ON m.id = p.member_id
             JOIN tenants t ON t.id = p.tenant_id
             LEFT JOIN review_answers a ON a.prompt_id = p.id
             WHERE p.id = $1 AND t.platform = $2 AND (t.external_id = $3 OR $3 = '')"
        );
        let Some(row) = sqlx::query(&sql)
            .bind(prompt_id)
            .bind(platform)
            .bind(tenant)
            .fetch_optional(&mut *conn)
            .await?
        else {
            return Ok(None);
        };
        let sent_at: String = row.try_get("sent_at")?;
        let choice: Option<String> = row.try_get("answered_choice")?;
        let days: Option<i64> = row.try_get("answered_days")?;
        let card = card_from(&row)?;
        Ok(Some(ReviewPromptRow {
            id: row.try_get("prompt_id")?,
            tenant_id: card.tenant_id,
            owner: row.try_get("owner")?,
            sent_at: parse_ts(&sent_at)?,
            question_hash: row.try_get("question_hash")?,
            answered: choice.map(|c| (c, days.unwrap_or(0))),
            card,
        }))
    }

    /// Records a review answer and the card's new state; false when the prompt was answered already.
    pub async fn answer_review(
        conn: &mut Conn,
        prompt: &ReviewPromptRow,
        choice: &str,
        correct: bool,
        card: &CardState,
        retired: bool,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO review_answers (tenant_id, member_id, prompt_id, card_id, choice, correct,
               scheduled_days, answered_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (prompt_id) DO NOTHING",
        )
        .bind(prompt.tenant_id)
        .bind(prompt.card.member_id)
        .bind(prompt.id)
        .bind(prompt.card.id)
        .bind(choice)
        .bind(correct)
        .bind(card.scheduled_days)
        .bind(ts(now))
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1;
        if inserted {
            sqlx::query(
                "UPDATE review_cards SET state = $1, stability = $2, difficulty = $3,
                   elapsed_days = $4, scheduled_days = $5, reps = $6, lapses = $7, due_at = $8,
                   last_review_at = $9, retired_at = $10 WHERE id = $11",
            )
            .bind(card.state)
            .bind(card.stability)
            .bind(card.difficulty)
            .bind(card.elapsed_days)
            .bind(card.scheduled_days)
            .bind(card.reps)
            .bind(card.lapses)
            .bind(ts(card.due))
            .bind(ts(card.last_review))
            .bind(retired.then(|| ts(now)))
            .bind(prompt.card.id)
            .execute(&mut *conn)
            .await?;
        }
        Ok(inserted)
    }

    /// (cards, due before `before`, retired) of a member.
    pub async fn review_counts(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
        before: DateTime<Utc>,
    ) -> Result<(i64, i64, i64), StoreError> {
        Ok(sqlx::query_as(
            "SELECT COUNT(*),
                    COALESCE(SUM(CASE WHEN retired_at IS NULL AND due_at < $2 THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN retired_at IS NOT NULL THEN 1 ELSE 0 END), 0)
             FROM review_cards WHERE tenant_id = $3 AND member_id = $1",
        )
        .bind(member_id)
        .bind(ts(before))
        .bind(tenant_id)
        .fetch_one(&mut *conn)
        .await?)
    }
}
