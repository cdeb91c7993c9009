//! Errors print each cause once when the whole chain is shown (`{:#}`, as the binary does).

use super::StoreError;
use crate::backup::BackupError;

async fn unique_violation() -> sqlx::Error {
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("memory db");
    sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        .execute(&pool)
        .await
        .expect("create");
    let insert = || sqlx::query("INSERT INTO t (id) VALUES (1)").execute(&pool);
    insert().await.expect("first insert");
    insert().await.expect_err("second insert")
}

#[tokio::test]
async fn a_database_cause_appears_once_in_the_full_chain() {
    let store = StoreError::from(unique_violation().await);
    let backup = BackupError::from(store);
    let chain = format!(
        "{:#}",
        anyhow::Error::from(backup).context("the import failed")
    );
    assert_eq!(
        chain.matches("UNIQUE constraint failed").count(),
        1,
        "{chain}"
    );
    assert!(
        chain.starts_with("the import failed: database error: "),
        "{chain}"
    );
}
