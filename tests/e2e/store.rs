//! The store against real SQLite files: migrations, uniqueness rules, and bad database paths.

use chrono::Utc;
use nibble::store::{Award, Durability, Store, StoreError};

async fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(
        &dir.path().join("t.db").display().to_string(),
        Durability::Full,
    )
    .await
    .expect("open");
    (dir, store)
}

#[tokio::test]
async fn opening_creates_and_migrates_and_reopening_is_idempotent() {
    let (dir, store) = fresh().await;
    store.close().await;
    let path = dir.path().join("t.db");
    assert!(path.exists());
    let again = Store::open(&format!("sqlite://{}", path.display()), Durability::Normal)
        .await
        .expect("reopen");
    assert_eq!(again.row_counts().await.expect("counts").members, 0);
}

#[tokio::test]
async fn points_awards_are_unique_per_source_and_totals_follow_the_ledger() {
    let (_dir, store) = fresh().await;
    let now = Utc::now();
    let mut tx = store.begin().await.expect("begin");
    let t = Store::ensure_tenant(&mut tx, "local", "T1", now)
        .await
        .expect("tenant");
    assert_eq!(
        Store::ensure_tenant(&mut tx, "local", "T1", now)
            .await
            .expect("tenant again"),
        t
    );
    let m = Store::ensure_member(&mut tx, t, "U1", "Una", None, now)
        .await
        .expect("member");
    assert!(
        Store::award_points(&mut tx, &award(t, m, 5, "src:1"), now)
            .await
            .expect("award")
    );
    assert!(
        !Store::award_points(&mut tx, &award(t, m, 5, "src:1"), now)
            .await
            .expect("award twice")
    );
    assert!(
        Store::award_points(&mut tx, &award(t, m, 7, "src:2"), now)
            .await
            .expect("award other")
    );
    assert_eq!(Store::points_total(&mut tx, t, m).await.expect("total"), 12);
    Store::commit(tx).await.expect("commit");
    assert!(store.totals_mismatches().await.expect("check").is_empty());
    assert_eq!(store.row_counts().await.expect("counts").ledger, 2);
}

#[tokio::test]
async fn a_rolled_back_transaction_leaves_nothing() {
    let (_dir, store) = fresh().await;
    let tx = {
        let mut tx = store.begin().await.expect("begin");
        let t = Store::ensure_tenant(&mut tx, "local", "T1", Utc::now())
            .await
            .expect("tenant");
        Store::ensure_member(&mut tx, t, "U1", "Una", None, Utc::now())
            .await
            .expect("member");
        tx
    };
    drop(tx);
    assert_eq!(store.row_counts().await.expect("counts").members, 0);
}

#[tokio::test]
async fn a_corrupted_database_file_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("broken.db");
    std::fs::write(
        &path,
        "this is not a database, just text that is long enough to look like a header...."
            .repeat(100),
    )
    .expect("write");
    let err = Store::open(&path.display().to_string(), Durability::Normal)
        .await
        .map(|_| ())
        .expect_err("must fail");
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("broken.db"), "{err}");
}

#[tokio::test]
async fn an_unwritable_location_is_a_clear_error() {
    let err = Store::open("/proc/nibble-cannot-be-here/x.db", Durability::Normal)
        .await
        .map(|_| ())
        .expect_err("must fail");
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    assert!(err.to_string().contains("cannot open database"), "{err}");
}

fn award(tenant_id: i64, member_id: i64, amount: i64, source: &str) -> Award<'_> {
    Award {
        tenant_id,
        member_id,
        reason: "test",
        amount,
        source,
        channel: None,
    }
}
