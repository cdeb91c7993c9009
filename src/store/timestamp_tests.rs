//! The stored timestamp text is fixed, and a malformed one is a store error naming its column.

use super::Timestamp;
use crate::store::StoreError;
use chrono::{TimeZone, Utc};
use sqlx::SqlitePool;

async fn memory() -> SqlitePool {
    sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("memory db")
}

fn moment() -> Timestamp {
    let at =
        Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 7).unwrap() + chrono::Duration::milliseconds(42);
    Timestamp(at)
}

#[tokio::test]
async fn a_timestamp_is_stored_as_today_s_text() {
    let pool = memory().await;
    let (stored,): (String,) = sqlx::query_as("SELECT ?")
        .bind(moment())
        .fetch_one(&pool)
        .await
        .expect("select");
    // Every existing database holds this text: changing it breaks comparisons in SQL.
    assert_eq!(stored, "2026-01-05T09:00:07.042Z");
    assert_eq!(stored, super::super::ts(moment().0));
    let whole = Timestamp(Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap());
    assert_eq!(whole.to_stored(), "2026-01-05T09:00:00.000Z");
}

#[tokio::test]
async fn stored_text_reads_back_as_the_same_moment() {
    let pool = memory().await;
    let (back,): (Timestamp,) = sqlx::query_as("SELECT ?")
        .bind(moment())
        .fetch_one(&pool)
        .await
        .expect("select");
    assert_eq!(back, moment());
    let (none,): (Option<Timestamp>,) = sqlx::query_as("SELECT NULL")
        .fetch_one(&pool)
        .await
        .expect("select null");
    assert_eq!(none, None);
}

struct Due {
    due_at: Timestamp,
}
from_row!(Due { due_at });

#[tokio::test]
async fn a_malformed_stored_timestamp_is_an_invalid_value_naming_its_column() {
    let pool = memory().await;
    let good = sqlx::query_as::<_, Due>("SELECT '2026-01-05T09:00:07.042Z' AS due_at")
        .fetch_one(&pool)
        .await
        .expect("a stored timestamp reads");
    assert_eq!(good.due_at, moment());
    let err: StoreError = sqlx::query_as::<_, Due>("SELECT 'next tuesday' AS due_at")
        .fetch_one(&pool)
        .await
        .err()
        .expect("a malformed timestamp must not read")
        .into();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("due_at"), "{text}");
    assert!(text.contains("next tuesday"), "{text}");
}
