//! `nibble export` of a live database is one snapshot: exports taken while the engine keeps
//! answering quizzes each import into an empty database, and their point totals equal the ledger.

use crate::data::{db, nibble};
use crate::recognition::take_lesson;
use crate::support::{TestApp, eventually, spawn_app, user};
use nibble::backup::read_export;
use nibble::store::{Durability, Store, latest_version};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const EXPORTS: usize = 8;

async fn ledger_rows(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM points_ledger")
        .fetch_one(app.store.pool())
        .await
        .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_taken_during_writes_import_and_their_totals_match_the_ledger() {
    let app = Arc::new(spawn_app().await);
    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn({
        let (app, stop) = (app.clone(), stop.clone());
        async move {
            let lessons = ["spot-phishing", "strong-passphrases"];
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let who = user(&format!("U-{i}"));
                take_lesson(&app, &who, lessons[i % 2], i % 3 != 0, None).await;
                i += 1;
            }
            i
        }
    });
    eventually("the first points", || async { ledger_rows(&app).await > 0 }).await;

    let dir = tempfile::tempdir().expect("tempdir");
    let mut ledger_counts = Vec::new();
    for n in 0..EXPORTS {
        let export = nibble(&["export", "--database", &db(&app.db_path)], None);
        assert!(
            export.status.success(),
            "export {n}: {}",
            String::from_utf8_lossy(&export.stderr)
        );
        let verified =
            read_export(export.stdout.as_slice(), latest_version()).expect("a complete export");
        ledger_counts.push(
            verified
                .rows
                .iter()
                .filter(|r| r.table == "points_ledger")
                .count(),
        );

        let copy = dir.path().join(format!("copy-{n}.db"));
        let imported = nibble(&["import", "--database", &db(&copy)], Some(&export.stdout));
        assert!(
            imported.status.success(),
            "export {n} does not import: {}",
            String::from_utf8_lossy(&imported.stderr)
        );
        let store = Store::open(&db(&copy), Durability::Normal)
            .await
            .expect("open copy");
        let mismatches = store.totals_mismatches().await.expect("check");
        store.close().await;
        assert!(
            mismatches.is_empty(),
            "export {n}: point totals disagree with the ledger for members {mismatches:?}"
        );
    }
    stop.store(true, Ordering::Relaxed);
    let learners = writer.await.expect("writer");
    ledger_counts.dedup();
    assert!(
        ledger_counts.len() > 1,
        "the engine wrote nothing while the exports ran ({learners} learners): {ledger_counts:?}"
    );
}
