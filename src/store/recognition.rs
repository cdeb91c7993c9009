//! What the recognition fold reads and writes: new answers and ledger rows past its cursor, learning
//! days, standings with their histogram, badges. Writes are multi-row statements, one per batch.

use super::{Conn, Store, StoreError, parse_ts, ts};
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Sqlite};
use std::collections::{HashMap, HashSet};

/// A first answer not folded yet.
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub id: i64,
    pub tenant_id: i64,
    pub member_id: i64,
    pub at: DateTime<Utc>,
    /// (lesson, question, correct) of a graded lesson answer: it becomes a review card.
    pub graded: Option<(String, String, bool)>,
}

/// A ledger row not folded yet.
#[derive(Debug, Clone)]
pub struct NewAward {
    pub id: i64,
    pub tenant_id: i64,
    pub member_id: i64,
    pub reason: String,
    pub source: String,
    pub amount: i64,
    pub channel: Option<String>,
    pub at: DateTime<Utc>,
}

/// A member as the fold needs them.
#[derive(Debug, Clone, Default)]
pub struct MemberFacts {
    pub external_id: String,
    pub time_zone: Option<String>,
    pub hidden: bool,
}

/// (tenant, period, member) → points, the key standings are kept under.
pub type StandingKey = (i64, String, i64);

impl Store {
    pub async fn recognition_cursor(conn: &mut Conn) -> Result<(i64, i64), StoreError> {
        Ok(
            sqlx::query_as("SELECT ledger_id, answer_id FROM recognition_cursor WHERE id = 1")
                .fetch_one(&mut *conn)
                .await?,
        )
    }

    pub async fn set_recognition_cursor(
        conn: &mut Conn,
        ledger_id: i64,
        answer_id: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE recognition_cursor SET ledger_id = $1, answer_id = $2 WHERE id = 1")
            .bind(ledger_id)
            .bind(answer_id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    pub async fn answers_after(
        conn: &mut Conn,
        after: i64,
        limit: i64,
    ) -> Result<Vec<NewActivity>, StoreError> {
        type Row = (i64, i64, i64, String, String, String, Option<bool>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, tenant_id, member_id, answered_at, lesson_id, question_id, correct
             FROM answers WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter()
            .map(
                |(id, tenant_id, member_id, at, lesson, question, correct)| {
                    Ok(NewActivity {
                        id,
                        tenant_id,
                        member_id,
                        at: parse_ts(&at)?,
                        graded: correct.map(|c| (lesson, question, c)),
                    })
                },
            )
            .collect()
    }

    /// Review answers past the fold's review cursor (they count as learning days too).
    pub async fn review_answers_after(
        conn: &mut Conn,
        limit: i64,
    ) -> Result<Vec<NewActivity>, StoreError> {
        let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(
            "SELECT id, tenant_id, member_id, answered_at FROM review_answers
             WHERE id > (SELECT review_answer_id FROM recognition_cursor WHERE id = 1)
             ORDER BY id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter()
            .map(|(id, tenant_id, member_id, at)| {
                Ok(NewActivity {
                    id,
                    tenant_id,
                    member_id,
                    at: parse_ts(&at)?,
                    graded: None,
                })
            })
            .collect()
    }

    pub async fn set_review_cursor(
        conn: &mut Conn,
        review_answer_id: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE recognition_cursor SET review_answer_id = $1 WHERE id = 1")
            .bind(review_answer_id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    pub async fn ledger_after(
        conn: &mut Conn,
        after: i64,
        limit: i64,
    ) -> Result<Vec<NewAward>, StoreError> {
        type Row = (i64, i64, i64, String, String, i64, Option<String>, String);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, tenant_id, member_id, reason, source, amount, channel, created_at
             FROM points_ledger WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter()
            .map(
                |(id, tenant_id, member_id, reason, source, amount, channel, at)| {
                    Ok(NewAward {
                        id,
                        tenant_id,
                        member_id,
                        reason,
                        source,
                        amount,
                        channel,
                        at: parse_ts(&at)?,
                    })
                },
            )
            .collect()
    }

    /// Zone, opt-out and platform id of the given members.
    pub async fn member_facts(
        conn: &mut Conn,
        ids: &HashSet<i64>,
    ) -> Result<HashMap<i64, MemberFacts>, StoreError> {
        let mut out = HashMap::new();
        let ids: Vec<i64> = ids.iter().copied().collect();
        for chunk in ids.chunks(500) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "SELECT id, external_id, time_zone, leaderboard_hidden FROM members WHERE id IN (",
            );
            let mut list = q.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            q.push(")");
            let rows: Vec<(i64, String, Option<String>, bool)> =
                q.build_query_as().fetch_all(&mut *conn).await?;
            for (id, external_id, time_zone, hidden) in rows {
                out.insert(
                    id,
                    MemberFacts {
                        external_id,
                        time_zone,
                        hidden,
                    },
                );
            }
        }
        Ok(out)
    }

    /// Records learning days; returns the (tenant, member, day) rows that were new.
    pub async fn add_learning_days(
        conn: &mut Conn,
        days: &[(i64, i64, String)],
    ) -> Result<Vec<(i64, i64, String)>, StoreError> {
        let mut added = Vec::new();
        for chunk in days.chunks(300) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT INTO learning_days (tenant_id, member_id, day) ");
            q.push_values(chunk, |mut b, (t, m, d)| {
                b.push_bind(*t).push_bind(*m).push_bind(d.clone());
            });
            q.push(" ON CONFLICT (tenant_id, member_id, day) DO NOTHING RETURNING tenant_id, member_id, day");
            added.extend(
                q.build_query_as::<(i64, i64, String)>()
                    .fetch_all(&mut *conn)
                    .await?,
            );
        }
        Ok(added)
    }

    /// The member's learning days on or after `since` (YYYY-MM-DD), any order.
    pub async fn learning_days(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
        since: &str,
    ) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT day FROM learning_days WHERE tenant_id = $1 AND member_id = $2 AND day >= $3",
        )
        .bind(tenant_id)
        .bind(member_id)
        .bind(since)
        .fetch_all(&mut *conn)
        .await?)
    }

    /// Current standings of the given keys (absent: none yet). Looked up per tenant and period with
    /// `member_id IN (…)`, which the primary key serves (a row-value IN would scan the table).
    pub async fn standings_of(
        conn: &mut Conn,
        keys: &[StandingKey],
    ) -> Result<HashMap<StandingKey, i64>, StoreError> {
        let mut groups: HashMap<(i64, &str), Vec<i64>> = HashMap::new();
        for (t, p, m) in keys {
            groups.entry((*t, p.as_str())).or_default().push(*m);
        }
        let mut out = HashMap::new();
        for ((tenant_id, period), members) in groups {
            for chunk in members.chunks(500) {
                let mut q: QueryBuilder<Sqlite> =
                    QueryBuilder::new("SELECT member_id, points FROM standings WHERE tenant_id = ");
                q.push_bind(tenant_id)
                    .push(" AND period = ")
                    .push_bind(period)
                    .push(" AND member_id IN (");
                let mut list = q.separated(", ");
                for m in chunk {
                    list.push_bind(*m);
                }
                q.push(")");
                let rows: Vec<(i64, i64)> = q.build_query_as().fetch_all(&mut *conn).await?;
                for (m, points) in rows {
                    out.insert((tenant_id, period.to_string(), m), points);
                }
            }
        }
        Ok(out)
    }

    /// Writes new standings totals (with each member's opt-out) in one statement per chunk.
    pub async fn write_standings(
        conn: &mut Conn,
        rows: &[(StandingKey, i64, bool)],
    ) -> Result<(), StoreError> {
        for chunk in rows.chunks(200) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO standings (tenant_id, period, member_id, points, hidden) ",
            );
            q.push_values(chunk, |mut b, ((t, p, m), points, hidden)| {
                b.push_bind(*t)
                    .push_bind(p.clone())
                    .push_bind(*m)
                    .push_bind(*points)
                    .push_bind(*hidden);
            });
            q.push(
                " ON CONFLICT (tenant_id, period, member_id) DO UPDATE SET points = excluded.points",
            );
            q.build().execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// Adds `delta` members to each (tenant, period, points) bucket.
    pub async fn adjust_histogram(
        conn: &mut Conn,
        deltas: &HashMap<(i64, String, i64), i64>,
    ) -> Result<(), StoreError> {
        let rows: Vec<_> = deltas.iter().filter(|(_, d)| **d != 0).collect();
        for chunk in rows.chunks(200) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO standings_histogram (tenant_id, period, points, members) ",
            );
            q.push_values(chunk, |mut b, ((t, p, points), d)| {
                b.push_bind(*t)
                    .push_bind(p.clone())
                    .push_bind(*points)
                    .push_bind(**d);
            });
            q.push(
                " ON CONFLICT (tenant_id, period, points) DO UPDATE SET members = standings_histogram.members + excluded.members",
            );
            q.build().execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// Awards badges (once each); returns the (tenant, member, badge) rows that were new.
    pub async fn award_badges(
        conn: &mut Conn,
        awards: &[(i64, i64, String)],
        now: DateTime<Utc>,
    ) -> Result<Vec<(i64, i64, String)>, StoreError> {
        let mut added = Vec::new();
        for chunk in awards.chunks(200) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO badges_awarded (tenant_id, member_id, badge_id, awarded_at) ",
            );
            q.push_values(chunk, |mut b, (t, m, badge)| {
                b.push_bind(*t)
                    .push_bind(*m)
                    .push_bind(badge.clone())
                    .push_bind(ts(now));
            });
            q.push(" ON CONFLICT (tenant_id, member_id, badge_id) DO NOTHING RETURNING tenant_id, member_id, badge_id");
            added.extend(
                q.build_query_as::<(i64, i64, String)>()
                    .fetch_all(&mut *conn)
                    .await?,
            );
        }
        Ok(added)
    }

    /// The member's badges: (badge id, awarded at), oldest first.
    pub async fn badges_of(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT badge_id, awarded_at FROM badges_awarded WHERE tenant_id = $1 AND member_id = $2
             ORDER BY awarded_at, badge_id",
        )
        .bind(tenant_id)
        .bind(member_id)
        .fetch_all(&mut *conn)
        .await?)
    }
}
