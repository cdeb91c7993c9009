//! `nibble demo --database PATH` replaces only a database an earlier demo created (issue 19, item
//! 3): a real nibble database, another program's SQLite file, a directory or a text file at PATH
//! is refused by name and left byte for byte as it was.

use crate::support::cli::{nibble_command, stderr};
use sqlx::Connection;
use std::path::{Path, PathBuf};
use std::process::Output;

fn nibble(args: &[&str], cwd: &Path) -> Output {
    nibble_command(cwd)
        .args(args)
        .env("NIBBLE_LESSONS_DIR", crate::support::lessons_dir())
        .output()
        .expect("run nibble")
}

fn demo(db: &Path) -> Output {
    let dir = db.parent().expect("parent");
    nibble(
        &[
            "demo",
            "--days",
            "1",
            "--database",
            &db.display().to_string(),
        ],
        dir,
    )
}

/// Runs `statements` on the SQLite file at `path` (created if missing), as another program would.
async fn run_sql(path: &Path, statements: &[&str]) {
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("open");
    for statement in statements {
        sqlx::query(statement)
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
    conn.close().await.expect("close");
}

/// Every file in `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| (e.path(), std::fs::read(e.path()).expect("read")))
        .collect();
    files.sort();
    files
}

fn assert_refused(path: &Path, reason: &str) {
    let dir = path.parent().expect("parent");
    let before = snapshot(dir);
    let out = demo(path);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "not refused: {err}");
    assert!(
        err.contains(&format!("refusing to replace `{}`", path.display())) && err.contains(reason),
        "{err}"
    );
    assert!(
        snapshot(dir) == before,
        "the files beside {} changed",
        path.display()
    );
}

#[test]
fn a_real_nibble_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("nibble.db");
    let db_arg = db.display().to_string();
    let out = nibble(
        &[
            "--database",
            &db_arg,
            "campaign",
            "--tenant",
            "slack:T1",
            "create",
            "course=security-awareness",
            "channel=C1",
            "cron=0 9 * * Mon",
            "zone=UTC",
        ],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_refused(&db, "that neither `nibble demo` nor `nibble bench` created");
}

#[tokio::test]
async fn another_programs_sqlite_file_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("photos.sqlite");
    run_sql(
        &db,
        &[
            "CREATE TABLE albums (id INTEGER PRIMARY KEY, name TEXT)",
            "INSERT INTO albums (name) VALUES ('holidays')",
        ],
    )
    .await;
    assert_refused(&db, "that neither `nibble demo` nor `nibble bench` created");
}

#[test]
fn a_directory_a_text_file_and_stray_journal_files_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("folder.db");
    std::fs::create_dir(&folder).expect("mkdir");
    std::fs::write(folder.join("keep.txt"), "mine").expect("write");
    assert_refused(&folder, "it is a directory");
    assert!(folder.join("keep.txt").exists());

    let notes = dir.path().join("notes.db");
    std::fs::write(&notes, "my notes, not a database\n").expect("write");
    assert_refused(&notes, "it is not a SQLite database");

    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, "").expect("write");
    assert_refused(&empty, "it is not a SQLite database");

    let orphan = dir.path().join("gone.db");
    std::fs::write(dir.path().join("gone.db-wal"), "journal").expect("write");
    assert_refused(&orphan, "gone.db-wal` exists without its database");
}

#[test]
fn the_demo_replaces_its_own_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.db");
    let first = demo(&db);
    assert!(first.status.success(), "{}", stderr(&first));
    let second = demo(&db);
    assert!(second.status.success(), "{}", stderr(&second));
}

/// A demo database from before the mark (every team on the built-in local platform) is still the
/// demo's to replace, so upgrading nibble does not make the README's first command fail.
#[tokio::test]
async fn a_demo_database_from_before_the_mark_is_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.db");
    let first = demo(&db);
    assert!(first.status.success(), "{}", stderr(&first));
    run_sql(
        &db,
        &["DROP TABLE demo_marker", "PRAGMA wal_checkpoint(TRUNCATE)"],
    )
    .await;
    let again = demo(&db);
    assert!(again.status.success(), "{}", stderr(&again));
}

/// A nibble database made by a campaign command, as a team's real one is.
pub fn real_database(dir: &Path) -> PathBuf {
    let db = dir.join("nibble.db");
    let out = nibble(
        &[
            "--database",
            &db.display().to_string(),
            "campaign",
            "--tenant",
            "slack:T1",
            "create",
            "course=security-awareness",
            "channel=C1",
            "cron=0 9 * * Mon",
            "zone=UTC",
        ],
        dir,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    db
}

/// Runs `args` in `dir` and checks it was refused with `reason`, every file there unchanged.
fn assert_command_refused(dir: &Path, args: &[&str], reason: &str) {
    let before = snapshot(dir);
    let out = nibble(args, dir);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{args:?} not refused: {err}");
    assert!(
        err.contains("refusing to replace") && err.contains(reason),
        "{args:?}: {err}"
    );
    assert!(
        snapshot(dir) == before,
        "{args:?} changed files in the folder"
    );
}

/// `sqlite:PATH` and `sqlite://PATH?mode=rwc` open PATH: the demo checks that file, and does not
/// write its week into a real database (which the next demo would then delete as its own).
#[test]
fn a_database_given_as_a_url_is_checked_as_the_file_it_opens() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = real_database(dir.path());
    for spelling in [
        format!("sqlite:{}", db.display()),
        format!("sqlite://{}?mode=rwc", db.display()),
    ] {
        assert_command_refused(
            dir.path(),
            &["demo", "--days", "1", "--database", &spelling],
            "neither `nibble demo` nor `nibble bench` created",
        );
    }
}

/// `nibble bench --database PATH` replaced whatever was at PATH; it now refuses like the demo and
/// replaces only a database an earlier benchmark (or demo) created.
#[tokio::test]
async fn the_benchmark_replaces_only_a_database_it_created() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bench = |db: &str| {
        vec![
            "--database".to_string(),
            db.to_string(),
            "bench".into(),
            "--leaderboard".into(),
            "--members".into(),
            "5".into(),
            "--rows".into(),
            "20".into(),
        ]
    };
    let real = real_database(dir.path()).display().to_string();
    let args = bench(&real);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_command_refused(
        dir.path(),
        &args,
        "neither `nibble demo` nor `nibble bench` created",
    );
    let url = format!("sqlite:{real}");
    let args = bench(&url);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_command_refused(
        dir.path(),
        &args,
        "neither `nibble demo` nor `nibble bench` created",
    );

    let photos = dir.path().join("photos.sqlite");
    run_sql(&photos, &["CREATE TABLE albums (id INTEGER PRIMARY KEY)"]).await;
    let args = bench(&photos.display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_command_refused(
        dir.path(),
        &args,
        "neither `nibble demo` nor `nibble bench` created",
    );

    let own = dir.path().join("bench.db").display().to_string();
    let args = bench(&own);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    for run in ["first", "second"] {
        let out = nibble(&args, dir.path());
        assert!(out.status.success(), "{run} run: {}", stderr(&out));
    }
}
