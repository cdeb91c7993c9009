//! Learners' vacations: local date ranges that hold reviews and neither extend nor break streaks.

use super::{Conn, Store, StoreError, parse_ts, ts};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// A vacation: first and last local day (YYYY-MM-DD, both included) and the instant it ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vacation {
    pub first_day: String,
    pub last_day: String,
    pub ends_at: DateTime<Utc>,
}

impl Store {
    pub async fn add_vacation(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
        v: &Vacation,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO vacations (tenant_id, member_id, first_day, last_day, ends_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (member_id, first_day) DO UPDATE SET last_day = excluded.last_day,
               ends_at = excluded.ends_at",
        )
        .bind(tenant_id)
        .bind(member_id)
        .bind(&v.first_day)
        .bind(&v.last_day)
        .bind(ts(v.ends_at))
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// The vacation a member is on at `now`, if any.
    pub async fn current_vacation(
        conn: &mut Conn,
        member_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<Vacation>, StoreError> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT first_day, last_day, ends_at FROM vacations
             WHERE member_id = $1 AND ends_at > $2 ORDER BY first_day DESC LIMIT 1",
        )
        .bind(member_id)
        .bind(ts(now))
        .fetch_optional(&mut *conn)
        .await?;
        row.map(|(first_day, last_day, ends_at)| {
            Ok(Vacation {
                first_day,
                last_day,
                ends_at: parse_ts(&ends_at)?,
            })
        })
        .transpose()
    }

    /// Ends a vacation early: its last day becomes `last_day` and it ends at `now`.
    pub async fn end_vacation(
        conn: &mut Conn,
        member_id: i64,
        first_day: &str,
        last_day: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE vacations SET last_day = $1, ends_at = $2 WHERE member_id = $3 AND first_day = $4",
        )
        .bind(last_day)
        .bind(ts(now))
        .bind(member_id)
        .bind(first_day)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Vacation day ranges (first, last) of the given members of a tenant.
    pub async fn vacation_days_of(
        conn: &mut Conn,
        tenant_id: i64,
        member_ids: &[i64],
    ) -> Result<HashMap<i64, Vec<(String, String)>>, StoreError> {
        let mut out: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        for chunk in member_ids.chunks(300) {
            let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                "SELECT member_id, first_day, last_day FROM vacations WHERE tenant_id = ",
            );
            q.push_bind(tenant_id).push(" AND member_id IN (");
            let mut list = q.separated(", ");
            for m in chunk {
                list.push_bind(*m);
            }
            q.push(")");
            let rows: Vec<(i64, String, String)> = q.build_query_as().fetch_all(&mut *conn).await?;
            for (m, first, last) in rows {
                out.entry(m).or_default().push((first, last));
            }
        }
        Ok(out)
    }
}
