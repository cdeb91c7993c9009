//! Queries used only by `nibble bench`: the raw single-row transaction ceiling and prompt lookups.

use super::{Store, StoreError};
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
