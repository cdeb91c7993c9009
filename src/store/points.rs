//! The append-only points ledger and the totals derived from it in the same transaction.

use super::{Conn, Store, StoreError, ts};
use chrono::{DateTime, Utc};

/// One award: unique per member and `source`, so no event can award twice.
#[derive(Debug, Clone, Copy)]
pub struct Award<'a> {
    pub tenant_id: i64,
    pub member_id: i64,
    pub reason: &'a str,
    pub amount: i64,
    pub source: &'a str,
    /// The channel it was earned in (a channel quiz), for per-channel leaderboards.
    pub channel: Option<&'a str>,
}

impl Store {
    /// Appends an award unless this source already awarded this member; returns whether it did.
    #[tracing::instrument(name = "store.award", skip(conn, award), fields(source = award.source))]
    pub async fn award_points(
        conn: &mut Conn,
        award: &Award<'_>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let Award {
            tenant_id,
            member_id,
            reason,
            amount,
            source,
            channel,
        } = *award;
        let inserted = sqlx::query(
            "INSERT INTO points_ledger (tenant_id, member_id, reason, amount, source, created_at, channel)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (tenant_id, member_id, source) DO NOTHING",
        )
        .bind(tenant_id)
        .bind(member_id)
        .bind(reason)
        .bind(amount)
        .bind(source)
        .bind(ts(now))
        .bind(channel)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1;
        if inserted {
            sqlx::query(
                "INSERT INTO point_totals (tenant_id, member_id, total) VALUES ($1, $2, $3)
                 ON CONFLICT (tenant_id, member_id) DO UPDATE SET total = point_totals.total + excluded.total",
            )
            .bind(tenant_id)
            .bind(member_id)
            .bind(amount)
            .execute(&mut *conn)
            .await?;
        }
        Ok(inserted)
    }

    /// The member's total (0 when none).
    pub async fn points_total(
        conn: &mut Conn,
        tenant_id: i64,
        member_id: i64,
    ) -> Result<i64, StoreError> {
        let total: Option<i64> = sqlx::query_scalar(
            "SELECT total FROM point_totals WHERE tenant_id = $1 AND member_id = $2",
        )
        .bind(tenant_id)
        .bind(member_id)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(total.unwrap_or(0))
    }

    /// Members whose stored total differs from their ledger sum (should always be empty).
    pub async fn totals_mismatches(&self) -> Result<Vec<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT t.member_id FROM point_totals t
             WHERE t.total <> (SELECT COALESCE(SUM(l.amount), 0) FROM points_ledger l
                               WHERE l.tenant_id = t.tenant_id AND l.member_id = t.member_id)",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}
