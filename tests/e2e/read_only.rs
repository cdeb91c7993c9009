//! `report` and `export` only read: a read-only file in a read-only folder (or `?mode=ro`) works and
//! stays byte-identical with no journal files beside it; another program's file, a non-SQLite file
//! and a database from a newer (or older) nibble are refused and left as they were.

use crate::data::{db, nibble};
use crate::support::cli::stderr;
use nibble::store::{Durability, Store, latest_version};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The file's bytes and the folder's entries: what must not change.
fn snapshot(file: &Path) -> (Vec<u8>, Vec<PathBuf>) {
    let folder = file.parent().expect("folder");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(folder)
        .expect("read dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    (std::fs::read(file).expect("read"), entries)
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A nibble database with the demo's week in it, in a folder of its own.
fn demo_database() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("ro");
    std::fs::create_dir(&folder).expect("mkdir");
    let file = folder.join("demo.db");
    let out = nibble(&["demo", "--days", "2", "--database", &db(&file)], None);
    assert!(out.status.success(), "{}", stderr(&out));
    (dir, file)
}

#[test]
fn report_and_export_read_a_read_only_file_and_leave_it_untouched() {
    let (_dir, file) = demo_database();
    let folder = file.parent().expect("folder").to_path_buf();
    let before = snapshot(&file);
    assert_eq!(before.1, vec![file.clone()], "the demo left only its file");
    chmod(&file, 0o444);
    chmod(&folder, 0o555);
    if std::fs::File::create(folder.join("probe")).is_ok() {
        // root ignores permission bits: the file must still be left exactly as it was.
        eprintln!("notice: running as root, the read-only folder is writable for this test");
        std::fs::remove_file(folder.join("probe")).expect("remove probe");
    }
    let ro_url = format!("sqlite://{}?mode=ro", file.display());
    let path = db(&file);
    let runs = [
        vec!["report", "--database", &ro_url],
        vec!["report", "--database", &path, "--format", "json"],
        vec!["export", "--database", &path],
        vec!["export", "--database", &ro_url],
    ];
    let mut exports = Vec::new();
    for args in &runs {
        let out = nibble(args, None);
        chmod(&folder, 0o755);
        let after = snapshot(&file);
        chmod(&folder, 0o555);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(after.0 == before.0, "{args:?} changed the database file");
        assert_eq!(after.1, before.1, "{args:?} left files beside the database");
        if args[0] == "export" {
            exports.push(out.stdout);
        } else {
            assert!(String::from_utf8_lossy(&out.stdout).contains("Ana"));
        }
    }
    chmod(&folder, 0o755);
    // What was read is the whole database: it imports.
    let copy = folder.join("copy.db");
    let imported = nibble(&["import", "--database", &db(&copy)], Some(&exports[1]));
    assert!(imported.status.success(), "{}", stderr(&imported));
}

#[tokio::test]
async fn another_programs_database_is_refused_and_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let foreign = dir.path().join("notes.db");
    {
        use sqlx::ConnectOptions;
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&foreign)
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Delete)
            .connect()
            .await
            .expect("create");
        sqlx::query("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')")
            .execute(&mut conn)
            .await
            .expect("fill");
        sqlx::Connection::close(conn).await.expect("close");
    }
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "just some text that is not a database\n".repeat(40)).expect("write");
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, "").expect("write");

    for (file, expected) in [
        (
            &foreign,
            "is not a nibble database (it has 1 table(s) but no nibble migration history",
        ),
        (&text, "is not a SQLite database"),
        (&empty, "is not a nibble database (the file is empty)"),
    ] {
        let before = snapshot(file);
        for command in ["report", "export", "db migrate"] {
            if command == "db migrate" && file == &empty {
                continue; // an empty file is where `db migrate` may start a new database
            }
            let mut args: Vec<&str> = command.split(' ').collect();
            let url = db(file);
            args.extend(["--database", &url]);
            let out = nibble(&args, None);
            assert!(!out.status.success(), "{command} on {file:?}");
            assert!(
                stderr(&out).contains(expected),
                "{command}: {}",
                stderr(&out)
            );
            let after = snapshot(file);
            assert!(after.0 == before.0, "{command} changed {file:?}");
            assert_eq!(after.1, before.1, "{command} left files beside {file:?}");
        }
    }
}

#[tokio::test]
async fn a_database_at_another_schema_version_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("n.db");
    // The database is built elsewhere and copied with VACUUM INTO: the copy has no -wal or -shm
    // beside it, whereas the journal files of a just-closed pool may still be in the way of the
    // snapshot while sqlx's worker threads finish closing.
    let workshop = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&db(&workshop.path().join("n.db")), Durability::Normal)
        .await
        .expect("open");
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99, 'from the future', 1, x'00', 0)",
    )
    .execute(store.pool())
    .await
    .expect("a newer migration");
    sqlx::query("VACUUM INTO $1")
        .bind(file.display().to_string())
        .execute(store.pool())
        .await
        .expect("copy the database");
    store.close().await;
    let before = snapshot(&file);
    let newer = format!(
        "written by a newer nibble (schema 99, this binary knows {}): upgrade nibble",
        latest_version()
    );
    for command in ["report", "export", "db migrate"] {
        let mut args: Vec<&str> = command.split(' ').collect();
        let url = db(&file);
        args.extend(["--database", &url]);
        let out = nibble(&args, None);
        assert!(!out.status.success(), "{command}");
        assert!(stderr(&out).contains(&newer), "{command}: {}", stderr(&out));
        assert!(snapshot(&file) == before, "{command} changed the file");
    }

    // One migration behind: read-only commands ask for `db migrate` instead of reading.
    let refused = Store::open_read_only(&db(&file))
        .await
        .map(|_| ())
        .expect_err("newer");
    assert!(refused.to_string().contains("newer nibble"), "{refused}");
    let raw = sqlx::sqlite::SqlitePoolOptions::new()
        .connect(&format!("sqlite://{}", file.display()))
        .await
        .expect("raw open");
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version >= $1")
        .bind(latest_version())
        .execute(&raw)
        .await
        .expect("forget the newest migrations");
    raw.close().await;
    let out = nibble(&["report", "--database", &db(&file)], None);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(&format!(
            "is at schema {}, this nibble reads schema {}: run `nibble db migrate` first",
            latest_version() - 1,
            latest_version()
        )),
        "{}",
        stderr(&out)
    );
}
