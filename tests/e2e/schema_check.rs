//! A damaged schema is noticed at every opening: with a table or a column gone, `db migrate`,
//! `report` and `nibble run` fail naming what is missing instead of reporting success.

use crate::data::{db, nibble};
use crate::support::cli::{nibble_command, on_fake_discord, stderr};
use crate::support::eventually;
use crate::support::fake_discord::FakeDiscord;
use crate::support::lessons_dir;
use nibble::store::{Durability, Store, StoreError};
use std::path::Path;
use std::process::Stdio;

/// A migrated database with `damage` applied to it, closed.
async fn damaged(path: &Path, damage: &str) {
    let store = Store::open(&db(path), Durability::Normal)
        .await
        .expect("open");
    store.close().await;
    let raw = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("raw open");
    sqlx::query(&format!("PRAGMA foreign_keys = OFF; {damage}"))
        .execute(&raw)
        .await
        .expect("damage");
    raw.close().await;
}

/// A daemon that must not outlive a failed test.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_table_fails_migrate_report_and_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("n.db");
    damaged(&file, "DROP TABLE answers").await;
    let expected = format!(
        "database `sqlite://{}` is damaged: table `answers` is missing; restore from a backup (see README Operations)",
        file.display()
    );
    for command in ["db migrate", "report"] {
        let mut args: Vec<&str> = command.split(' ').collect();
        let url = db(&file);
        args.extend(["--database", &url]);
        let out = nibble(&args, None);
        assert!(!out.status.success(), "{command} succeeded");
        assert!(
            stderr(&out).contains(&expected),
            "{command}: {}",
            stderr(&out)
        );
    }
    let err = Store::open(&db(&file), Durability::Normal)
        .await
        .map(|_| ())
        .expect_err("damaged");
    assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");

    // The daemon refuses to start on it (before it connects anywhere).
    let fake = FakeDiscord::start().await;
    let log = dir.path().join("run.log");
    let mut child = KillOnDrop(
        on_fake_discord(&mut nibble_command(dir.path()), &fake)
            .args(["run", "--database", &db(&file)])
            .env("NIBBLE_LESSONS_DIR", lessons_dir())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log"))
            .spawn()
            .expect("nibble run"),
    );
    let mut status = None;
    eventually("nibble run exits", || {
        status = child.0.try_wait().expect("wait");
        std::future::ready(status.is_some())
    })
    .await;
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(status.is_some_and(|s| !s.success()), "{text}");
    assert!(text.contains("table `answers` is missing"), "{text}");
}

#[tokio::test]
async fn a_dropped_column_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("n.db");
    damaged(&file, "ALTER TABLE dm_channels DROP COLUMN opened_at").await;
    let out = nibble(&["db", "migrate", "--database", &db(&file)], None);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("is damaged: column `dm_channels.opened_at` is missing"),
        "{}",
        stderr(&out)
    );
    // An intact database migrates and opens read-only.
    let fine = dir.path().join("fine.db");
    let out = nibble(&["db", "migrate", "--database", &db(&fine)], None);
    assert!(out.status.success(), "{}", stderr(&out));
    Store::open_read_only(&db(&fine))
        .await
        .expect("read-only open")
        .close()
        .await;
}
