//! Queries used only by `nibble bench`: the raw single-row transaction ceiling, prompt lookups, a
//! seeded ledger, timed board queries and the partner pool's history.

use super::{Store, StoreError};
use std::collections::HashMap;
use std::time::{Duration, Instant};

impl Store {
    /// Commits `n` transactions of one INSERT each and returns how long they took.
    pub async fn single_row_transactions(&self, n: usize) -> Result<Duration, StoreError> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS bench_rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
        )
        .execute(&self.pool)
        .await?;
        let started = Instant::now();
        for i in 0..n {
            let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
            sqlx::query("INSERT INTO bench_rows (body) VALUES ($1)")
                .bind(format!("row {i}"))
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(started.elapsed())
    }

    /// The prompt id posted for a question of a delivery.
    pub async fn prompt_id(&self, delivery_id: i64, question_id: &str) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM quiz_prompts WHERE delivery_id = $1 AND question_id = $2",
        )
        .bind(delivery_id)
        .bind(question_id)
        .fetch_one(&self.pool)
        .await?)
    }
}

/// A seeded ledger for the leaderboard benchmark: `amounts[i]` awarded to member `members[i]` at
/// `at[i]` (member indexes into the created members).
pub struct SeedLedger<'a> {
    pub tenant: &'a str,
    pub members: usize,
    pub awards: &'a [(usize, i64, chrono::DateTime<chrono::Utc>)],
}

impl Store {
    /// Creates a tenant, its members and their ledger rows and totals in bulk; returns the member ids.
    pub async fn seed_ledger(&self, seed: &SeedLedger<'_>) -> Result<Vec<i64>, StoreError> {
        use sqlx::{QueryBuilder, Sqlite};
        let now = super::ts(chrono::Utc::now());
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let tenant_id =
            Self::ensure_tenant(&mut tx, "local", seed.tenant, chrono::Utc::now()).await?;
        let first: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM members")
            .fetch_one(&mut *tx)
            .await?;
        let ids: Vec<i64> = (0..seed.members as i64).map(|i| first + i).collect();
        for chunk in ids.chunks(5000) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO members (id, tenant_id, external_id, display_name, created_at) ",
            );
            q.push_values(chunk, |mut b, id| {
                b.push_bind(*id)
                    .push_bind(tenant_id)
                    .push_bind(format!("U{id}"))
                    .push_bind(format!("Learner {id}"))
                    .push_bind(now.clone());
            });
            q.build().execute(&mut *tx).await?;
        }
        let mut totals = vec![0i64; seed.members];
        for (n, chunk) in seed.awards.chunks(5000).enumerate() {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO points_ledger (tenant_id, member_id, reason, amount, source, created_at) ",
            );
            q.push_values(chunk.iter().enumerate(), |mut b, (i, (m, amount, at))| {
                b.push_bind(tenant_id)
                    .push_bind(ids[*m])
                    .push_bind("bench")
                    .push_bind(*amount)
                    .push_bind(format!("bench:{n}:{i}"))
                    .push_bind(super::ts(*at));
            });
            q.build().execute(&mut *tx).await?;
            for (m, amount, _) in chunk {
                totals[*m] += amount;
            }
        }
        for chunk in totals.iter().enumerate().collect::<Vec<_>>().chunks(5000) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT INTO point_totals (tenant_id, member_id, total) ");
            q.push_values(chunk, |mut b, (i, total)| {
                b.push_bind(tenant_id).push_bind(ids[*i]).push_bind(**total);
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// The tenant's id by its platform id (benchmarks).
    pub async fn tenant_id_of(&self, platform: &str, external: &str) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM tenants WHERE platform = $1 AND external_id = $2")
                .bind(platform)
                .bind(external)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Top `limit` and a member's rank for a period, on a pooled connection (benchmarks).
    pub async fn board_queries(
        &self,
        tenant_id: i64,
        period: &str,
        member_id: i64,
    ) -> Result<(Duration, Duration, usize), StoreError> {
        let mut conn = self.pool.acquire().await?;
        let started = Instant::now();
        let top = Self::board_top(&mut conn, tenant_id, period, 10).await?;
        let top_took = started.elapsed();
        let started = Instant::now();
        Self::board_rank(&mut conn, tenant_id, period, member_id).await?;
        Ok((top_took, started.elapsed(), top.len()))
    }
}

/// Who met whom in the database's only partner pool, and the pool's members.
pub type PoolHistory = (HashMap<(i64, i64), u32>, Vec<i64>);

impl Store {
    /// The meetings and members of the one partner pool the partners benchmark creates.
    pub async fn only_pool_history(&self) -> Result<PoolHistory, StoreError> {
        let pool_id: i64 = sqlx::query_scalar("SELECT id FROM partner_pools")
            .fetch_one(&self.pool)
            .await?;
        let mut conn = self.pool.acquire().await?;
        let last_met = Self::pool_meetings(&mut conn, pool_id).await?;
        let members: Vec<i64> =
            sqlx::query_scalar("SELECT member_id FROM partner_members WHERE pool_id = $1")
                .bind(pool_id)
                .fetch_all(&mut *conn)
                .await?;
        Ok((last_met, members))
    }
}
