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

#[tokio::test]
async fn a_damaged_file_is_told_apart_by_its_result_code_not_its_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("garbage.db");
    std::fs::write(
        &file,
        "not a database, but long enough to look like a header: ".repeat(40),
    )
    .expect("write");
    let url = format!("sqlite://{}", file.display());
    let opened = sqlx::sqlite::SqlitePoolOptions::new()
        .connect(&url)
        .await
        .expect("sqlite opens lazily");
    let read = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sqlite_master")
        .fetch_one(&opened)
        .await
        .expect_err("garbage");
    assert!(super::is_corrupt(&read), "{read}");
    assert!(matches!(
        super::classify("garbage.db", read),
        StoreError::Corrupt { .. }
    ));
    // Words are not a diagnosis: an error that merely says "malformed" is not a damaged file.
    let worded =
        sqlx::Error::Protocol("malformed packet from a proxy; not a database answer".into());
    assert!(!super::is_corrupt(&worded));
    assert!(matches!(
        super::classify("x.db", worded),
        StoreError::Open { .. }
    ));
}
